package ui

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

func TestSyncScreenExportsAndImports(t *testing.T) {
	u, _, _ := newTestDesk(t)
	act(u.showSync)
	s := u.sync
	eventually(t, "the state", func() bool { return s.state.Text == lang.L("This laptop has made no bundle yet.") })
	act(func() {
		if s.hqBox.Hidden {
			t.Error("the demo laptop, HQ of the demo, shows no import")
		}
	})
	out := filepath.Join(t.TempDir(), "desk.bundle")
	act(func() { s.exportTo(out) })
	eventually(t, "the bundle written", func() bool { return strings.Contains(s.status.Text, out) })
	b, err := os.ReadFile(out)
	if err != nil || !strings.HasPrefix(string(b), "medibooth-bundle 1 ") {
		t.Fatalf("bundle: %v %q", err, b[:min(len(b), 40)])
	}
	eventually(t, "the last bundle shown", func() bool { return strings.Contains(s.state.Text, lang.L("HQ has not confirmed it yet.")) })
	// HQ imports it; again, and nothing changes; a file that is not a bundle is refused.
	f, _ := os.Open(out)
	act(func() { s.importFrom("desk.bundle", f) })
	eventually(t, "imported", func() bool {
		return strings.Contains(s.status.Text, "desk.bundle") && s.status.Importance == widget.SuccessImportance
	})
	f, _ = os.Open(out)
	act(func() { s.importFrom("desk.bundle", f) })
	eventually(t, "imported before", func() bool {
		return strings.HasPrefix(s.status.Text, lang.L("{{.File}} was imported before; nothing changed.", map[string]any{"File": "desk.bundle"}))
	})
	act(func() { s.importFrom("notes.txt", io.NopCloser(strings.NewReader("hello"))) })
	eventually(t, "refused", func() bool { return strings.HasPrefix(s.status.Text, "notes.txt: ") })
	eventually(t, "the laptop listed", func() bool { return len(s.laptops.Objects) == 1 })
	act(func() {
		s.url.SetText("hq.local")
		s.onPush()
	})
	eventually(t, "an address asked for", func() bool {
		return s.status.Text == lang.L("Type HQ's server address, such as http://hq.local:8080.")
	})
}
