package ui

import (
	"context"
	"testing"
)

// Every file and folder dialog opens over its screen: the import of
// visitors, the Sync screen's export and import, the reports' folder, the
// first-run join, the badge's save.
func TestFileDialogsOpen(t *testing.T) {
	u, db, demo := newTestDesk(t)
	open := func(what string, f func()) {
		t.Helper()
		var before, after int
		act(func() {
			before = len(u.Window().Canvas().Overlays().List())
			f()
			after = len(u.Window().Canvas().Overlays().List())
		})
		if after != before+1 {
			t.Errorf("%s: %d overlays, want %d", what, after, before+1)
		}
		act(func() {
			top := u.Window().Canvas().Overlays().Top()
			if top != nil && top.Size().Width < 600 {
				t.Errorf("%s: the dialog is %v wide", what, top.Size())
			}
			u.Window().Canvas().Overlays().Remove(top)
		})
	}
	open("import visitors", u.showImport)
	act(u.showSync)
	open("export a bundle", u.sync.onExport)
	open("import a bundle", u.sync.onImport)
	var rs *reportsScreen
	act(func() { rs = reportsOpen(u) })
	open("the reports' folder", rs.onChoose)
	act(u.show)
	ev, err := db.Event(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var b *badgeView
	act(func() { u.showBadge(ev, demo.Visitors[0].ID) })
	eventually(t, "the badge", func() bool { b = u.badge; return b != nil && b.pdf != nil })
	open("save the badge", b.onSave)
}
