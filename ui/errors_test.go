package ui

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"medibooth/assets"
)

// errorPackages hold the errors the screens show: their sentences are
// translated through Localize.
var errorPackages = []string{"../booth", "../boothnet", "../consents", "../hqpush", "../leadfiles", "../booth/label", "../booth/sheet", "../booth/camera", "../data", "."}

// errorKeys returns every sentence and format the error packages give a
// booth.Error: the literal format of booth.Errorf (and of the CSV import's
// problems), and the literal Message of a booth.Error.
func errorKeys(t *testing.T) []string {
	t.Helper()
	keys := map[string]bool{}
	fset := token.NewFileSet()
	literal := func(e ast.Expr) (string, bool) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(lit.Value)
		return s, err == nil
	}
	for _, dir := range errorPackages {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					name := ""
					switch fn := n.Fun.(type) {
					case *ast.Ident:
						name = fn.Name
					case *ast.SelectorExpr:
						if x, ok := fn.X.(*ast.Ident); ok && (x.Name == "booth" || x.Name == "im") {
							name = x.Name + "." + fn.Sel.Name
						}
					}
					switch {
					case (name == "Errorf" && filepath.Base(dir) == "booth") || name == "booth.Errorf":
						if len(n.Args) > 1 {
							if s, ok := literal(n.Args[1]); ok {
								keys[s] = true
							} else if id, ok := n.Args[1].(*ast.Ident); !ok || id.Name != "format" {
								// A format passed on (the CSV import's add) is checked where it is written.
								t.Errorf("%s: Errorf with a format that is not a literal", fset.Position(n.Pos()))
							}
						}
					case name == "im.add" && len(n.Args) > 1:
						if s, ok := literal(n.Args[1]); ok {
							keys[s] = true
						}
					}
				case *ast.CompositeLit:
					typ := ""
					switch ty := n.Type.(type) {
					case *ast.Ident:
						typ = ty.Name
					case *ast.SelectorExpr:
						typ = ty.Sel.Name
					}
					if typ != "Error" {
						return true
					}
					for _, el := range n.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Message" {
								if s, ok := literal(kv.Value); ok {
									keys[s] = true
								}
							}
						}
					}
				}
				return true
			})
		}
	}
	out := make([]string, 0, len(keys))
	for k := range keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// verbs lists the printf verbs of a format, in the order of their values.
var verbRe = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*\d*(\.\d+)?([a-zA-Z%])`)

func verbs(format string) []string {
	var out []string
	next := 1
	byArg := map[int]string{}
	for _, m := range verbRe.FindAllStringSubmatch(format, -1) {
		if m[4] == "%" {
			continue
		}
		if m[2] != "" {
			next, _ = strconv.Atoi(m[2])
		}
		byArg[next] = m[4]
		next++
	}
	for i := 1; i <= len(byArg); i++ {
		out = append(out, byArg[i])
	}
	return out
}

// TestEveryErrorIsTranslated: every sentence an error can bring to a screen
// is in every translation file, with the same values in the same verbs.
func TestEveryErrorIsTranslated(t *testing.T) {
	keys := errorKeys(t)
	if len(keys) < 100 {
		t.Fatalf("found only %d error sentences; the extractor is broken", len(keys))
	}
	for _, l := range Languages {
		b, err := assets.Translations.ReadFile("translations/" + l.Code + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		missing := 0
		for _, k := range keys {
			v, ok := m[k]
			if !ok || strings.TrimSpace(v) == "" {
				missing++
				t.Errorf("%s.json has no translation for the error %q", l.Code, k)
				continue
			}
			if got, want := verbs(v), verbs(k); !slices.Equal(got, want) {
				t.Errorf("%s.json: %q has the values %v, the sentence %v", l.Code, v, got, want)
			}
		}
		if missing > 0 {
			t.Logf("%s.json: %d of %d error sentences missing", l.Code, missing, len(keys))
		}
	}
}
