package booth

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestVersionMatchesFyneApp keeps the version in the code and the one the
// packaging tool reads from FyneApp.toml the same.
func TestVersionMatchesFyneApp(t *testing.T) {
	b, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^Version = "([^"]+)"`).FindSubmatch(b)
	if m == nil || string(m[1]) != Version {
		t.Fatalf("FyneApp.toml says %q, the code %q", m, Version)
	}
	if !strings.HasPrefix(VersionLine(), "medibooth "+Version) {
		t.Fatalf("VersionLine() = %q", VersionLine())
	}
}
