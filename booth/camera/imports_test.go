package camera

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCameraImportsNoUIOrSQL keeps the package usable from the CLI and HQ
// tools: no Fyne, no SQL, nothing of ours but the domain.
func TestCameraImportsNoUIOrSQL(t *testing.T) {
	for _, goos := range []string{"linux", "windows", "darwin"} {
		cmd := exec.Command("go", "list", "-deps", "medibooth/booth/camera")
		cmd.Env = append(cmd.Environ(), "GOOS="+goos)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go list for %s: %v\n%s", goos, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 10 {
			t.Fatalf("go list returned only %d packages; the check is broken", len(deps))
		}
		for _, d := range deps {
			switch {
			case strings.HasPrefix(d, "fyne.io/"), d == "database/sql", strings.HasPrefix(d, "modernc.org/"),
				strings.HasPrefix(d, "medibooth/") && d != "medibooth/booth" && d != "medibooth/booth/camera":
				t.Errorf("camera depends on %s on %s", d, goos)
			}
		}
	}
}
