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

// The use cases shared by the window and the CLI reach the database through
// interfaces of their own (so the screens can call them without SQL), and
// none of them draws a widget.
func TestUseCasesImportNoUIOrStore(t *testing.T) {
	for pkg, storeAllowed := range map[string]bool{
		"medibooth/hqpush":    false,
		"medibooth/leadfiles": false,
		"medibooth/boothnet":  true, // runs the laptop's own database on the network
	} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 10 {
			t.Fatalf("go list %s returned only %d packages; the check is broken", pkg, len(deps))
		}
		for _, d := range deps {
			switch {
			case strings.HasPrefix(d, "fyne.io/"), d == "medibooth/ui":
				t.Errorf("%s depends on %s", pkg, d)
			case !storeAllowed && (d == "medibooth/data" || d == "database/sql" || strings.HasPrefix(d, "modernc.org/")):
				t.Errorf("%s depends on %s", pkg, d)
			}
		}
	}
}
