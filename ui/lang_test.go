package ui

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"medibooth/assets"
	"medibooth/booth"
	"medibooth/booth/sheet"
)

// uiKeys returns every string literal passed to lang.L in this package's
// non-test files, plus the keys the package passes through variables.
func uiKeys(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "L" {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "lang" {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, _ := strconv.Unquote(lit.Value)
				keys[s] = true
			}
			return true
		})
	}
	for _, r := range []string{booth.ReasonMalformed, booth.ReasonUnknown, booth.ReasonErased, booth.ReasonOtherEvent,
		booth.ReasonForged, booth.ReasonDamaged, booth.ReasonRevoked, booth.ReasonNoKeys, "other"} {
		keys[reasonTitle(r)] = true
		if r != "other" {
			keys[booth.ReasonText(r)] = true
		}
	}
	keys[booth.ErrorMessage(errors.New("any failure"))] = true
	// The sentences of the staff and consent rules, which the sign-in,
	// staff and registration screens show as they come.
	for _, err := range []error{booth.CheckPINRules(""), booth.CheckPINRules("12a45"), booth.CheckPINRules("1111"),
		(&booth.Staff{}).Normalize(), (&booth.Staff{Name: "x", Role: booth.RoleDoctor}).Normalize(),
		booth.CheckRegistration(nil), booth.CheckHealth(nil), booth.CheckProvision(nil, ""),
		booth.CheckProvision([]booth.Consent{{Purpose: booth.PurposeProvision, OrgID: "h", Granted: true}}, "h")} {
		keys[booth.ErrorMessage(err)] = true
	}
	for _, c := range []booth.Consultation{{VisitorID: "v", OrgID: "h"}, {VisitorID: "v", OrgID: "h", Department: "d", Doctor: strings.Repeat("x", 101)}} {
		keys[booth.ErrorMessage(c.Validate(&booth.NoteContent{}))] = true
	}
	long := booth.NoteContent{Summary: strings.Repeat("x", booth.MaxSummary+1)}
	keys[booth.ErrorMessage((&booth.Consultation{VisitorID: "v", OrgID: "h", Department: "d"}).Validate(&long))] = true
	// Lead files' headers and the sentence naming a missing folder.
	for _, k := range append(booth.LeadColumnKeys(), "Leads", "Patient", "Companion", "Agency", "Media", "Other visitor") {
		keys[k] = true
	}
	keys["Choose a folder for the lead files."] = true
	for _, k := range sheet.ReportKeys() {
		keys[k] = true
	}
	keys["A receipt code has twelve digits and letters a–f, like 3f2a-91c0-7be4."] = true
	keys["These records are already one person."] = true
	var out []string
	for k := range keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestEveryStringIsTranslated(t *testing.T) {
	keys := uiKeys(t)
	if len(keys) < 30 {
		t.Fatalf("found only %d keys; the extractor is broken", len(keys))
	}
	for _, l := range Languages {
		b, err := assets.Translations.ReadFile("translations/" + l.Code + ".json")
		if err != nil {
			t.Fatalf("%s: %v", l.Code, err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s.json: %v", l.Code, err)
		}
		for _, k := range keys {
			v, ok := m[k]
			if !ok || strings.TrimSpace(v) == "" {
				t.Errorf("%s.json has no translation for %q", l.Code, k)
				continue
			}
			// Template fields must survive translation.
			for _, field := range []string{"{{.Name}}", "{{.Time}}", "{{.Device}}", "{{.Count}}", "{{.Error}}"} {
				if strings.Contains(k, field) != strings.Contains(v, field) {
					t.Errorf("%s.json: %q lost or gained %s", l.Code, k, field)
				}
			}
		}
		if l.Code != "en" {
			same := 0
			for _, k := range keys {
				if m[k] == k {
					same++
				}
			}
			if same > len(keys)/4 {
				t.Errorf("%s.json leaves %d of %d strings in English", l.Code, same, len(keys))
			}
		}
	}
}

// TestTranslationsLoad loads the files the way the app does: Fyne's loader
// rejects a whole file for one reserved key (such as "Other").
func TestTranslationsLoad(t *testing.T) {
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		t.Fatal(err)
	}
}

func TestConsentTextsExistInEveryLanguage(t *testing.T) {
	for _, p := range []booth.Purpose{booth.PurposeContact, booth.PurposeHealth, booth.PurposeProvision, booth.PurposeTransfer, booth.PurposeMarketing} {
		for _, l := range booth.Languages {
			text, err := assets.ConsentText(string(p), l)
			if err != nil || len(text) < 40 {
				t.Errorf("consent %s in %s: %q %v", p, l, text, err)
			}
		}
	}
}

// translation returns the translation of key in a language file.
func translation(t *testing.T, code, key string) string {
	t.Helper()
	b, err := assets.Translations.ReadFile("translations/" + code + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if v, ok := m[key]; ok {
		return v
	}
	return key
}
