package booth_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBoothImportsNoUIOrSQL keeps the domain free of Fyne and SQL: every
// front end and the store depend on booth, never the other way round.
func TestBoothImportsNoUIOrSQL(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "medibooth/booth").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list returned only %d packages; the check is broken", len(deps))
	}
	for _, d := range deps {
		switch {
		case strings.HasPrefix(d, "fyne.io/"), d == "database/sql", strings.HasPrefix(d, "modernc.org/"),
			strings.HasPrefix(d, "medibooth/") && d != "medibooth/booth":
			t.Errorf("booth depends on %s", d)
		}
	}
}
