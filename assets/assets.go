// Package assets embeds what medibooth ships besides code: the Pretendard
// font (Hangul, Cyrillic with every Kazakh letter, and Latin in one typeface,
// under the SIL Open Font License in fonts/), the app icon, the ko/en/ru/kk
// translations and the versioned consent texts.
package assets

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"medibooth/booth"
)

//go:embed fonts/Pretendard-Regular.ttf
var FontRegular []byte

//go:embed fonts/Pretendard-Bold.ttf
var FontBold []byte

//go:embed icon.png
var Icon []byte

// Translations holds translations/<lang>.json for lang.AddTranslationsFS.
//
//go:embed translations/*.json
var Translations embed.FS

//go:embed consent
var consentFS embed.FS

// ConsentVersion is the version of the consent texts in force. A changed
// text gets a new version folder; old records keep naming theirs.
const ConsentVersion = "2026-1"

// ConsentText returns the consent text for a purpose in a language
// (ru, kk, en, ko) in the current version.
func ConsentText(purpose, lang string) (string, error) {
	b, err := consentFS.ReadFile(fmt.Sprintf("consent/%s/%s.%s.txt", ConsentVersion, purpose, lang))
	if err != nil {
		return "", booth.Errorf(booth.EINVALID, "There is no consent text for %q in %q.", purpose, lang)
	}
	return strings.TrimSpace(string(b)), nil
}

// Hash is the hex SHA-256 of a consent text, stored with each consent so the
// exact wording agreed to can be proven later.
func Hash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// Translate returns the translation of key in lang (ko, en, ru, kk) from the
// same files the interface uses, for output made outside the interface, such
// as a printed badge; key itself when there is none.
func Translate(lang, key string) string {
	if v := translations(lang)[key]; v != "" {
		return v
	}
	return key
}

var (
	translationsMu sync.Mutex
	translated     = map[string]map[string]string{}
)

// translations reads a language's file once.
func translations(lang string) map[string]string {
	translationsMu.Lock()
	defer translationsMu.Unlock()
	if m, ok := translated[lang]; ok {
		return m
	}
	var m map[string]string
	if b, err := Translations.ReadFile("translations/" + lang + ".json"); err == nil {
		_ = json.Unmarshal(b, &m)
	}
	translated[lang] = m
	return m
}

// VisitorTypeKey is the translation key of a visitor type.
func VisitorTypeKey(t booth.VisitorType) string {
	switch t {
	case booth.TypePatient:
		return "Patient"
	case booth.TypeCompanion:
		return "Companion"
	case booth.TypeAgency:
		return "Agency"
	case booth.TypeMedia:
		return "Media"
	}
	// "Other" alone is a reserved word of the translation files.
	return "Other visitor"
}
