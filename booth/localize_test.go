package booth

import (
	"strings"
	"testing"
)

// A CSV import's problems are translated line by line, the values kept.
func TestLocalizeImportProblems(t *testing.T) {
	csv := "name,phone,birth_year\n,+77011234567,1980\nАйгерим,+77011234568,18\n"
	_, err := ParseVisitorsCSV(strings.NewReader(csv))
	if err == nil {
		t.Fatal("a file with two bad lines was taken")
	}
	seen := map[string]bool{}
	tr := func(k string) string {
		seen[k] = true
		return "«" + k + "»"
	}
	got := Localize(err, tr)
	lines := strings.Split(got, "\n")
	if len(lines) != 2 || !seen["Line %d: %s"] {
		t.Fatalf("localized: %q (keys %v)", got, seen)
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, "«Line ") || !strings.Contains(l, ": «") {
			t.Errorf("line %d: %q", i, l)
		}
	}
	if en := ErrorMessage(err); strings.Contains(en, "«") || !strings.HasPrefix(en, "Line 2: ") {
		t.Errorf("English: %q", en)
	}
}
