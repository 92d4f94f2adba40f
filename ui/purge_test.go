package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"medibooth/booth"
)

// A laptop whose bundle HQ imported from a USB stick: the admin types HQ's
// receipt code, sets the retention to none and purges; the desk's figures
// stay, the names go.
func TestSyncScreenConfirmsAndPurges(t *testing.T) {
	ctx := context.Background()
	_, hq, demo := newTestApp(t)
	pkg, err := hq.Package(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u, db := joinedApp(t, pkg, "Desk 2")
	for _, v := range demo.Visitors[:2] {
		scan(u.desk, v.Code, fyne.KeyReturn)
	}
	eventually(t, "two check-ins", func() bool { return len(u.desk.recent) == 2 })
	// The event package's visitors came from HQ: only the two checked in
	// here are not at HQ yet.
	if st, err := db.PurgeStatus(ctx); err != nil || st.NotAtHQ != 2 || st.Ready != 0 {
		t.Fatalf("before any bundle: %+v %v", st, err)
	}
	before, err := db.Report(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	syncExport(t, u, filepath.Join(t.TempDir(), "desk2.bundle"))
	act(u.showSync)
	s := u.sync
	eventually(t, "the purge box", func() bool { return !s.after.content.Hidden && s.after.status.Text != "" })
	act(func() {
		if !s.after.purge.Disabled() {
			t.Error("purge offered before HQ confirmed anything")
		}
	})
	st, err := db.SyncStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	act(func() {
		test.Type(s.after.receipt, "0000-1111-2222")
		s.after.onConfirm()
	})
	eventually(t, "a wrong code refused", func() bool {
		return s.status.Text == message(booth.Errorf(booth.ENOTFOUND, "No bundle of this laptop has the receipt code %s; check the code HQ gave.", "0000-1111-2222"))
	})
	act(func() {
		s.after.receipt.SetText(strings.ToUpper(booth.ReceiptCode(st.LastExport.SHA256)))
		s.after.onConfirm()
	})
	eventually(t, "HQ has it", func() bool {
		return strings.Contains(s.state.Text, lang.L("HQ has it ({{.Time}}).", map[string]any{"Time": ""})[:6])
	})
	act(func() { s.after.retention.SetSelected(retentionLabel(0)) })
	eventually(t, "purge offered", func() bool { return !s.after.purge.Disabled() })
	act(s.after.onPurge)
	eventually(t, "the confirmation", func() bool { return overlayText(u, lang.L("Purge personal data")) })
	act(s.after.purgeNow)
	eventually(t, "purged", func() bool {
		return strings.Contains(s.status.Text, lang.L("Purged the personal data of {{.Count}} visitors; the booth's counts stay.",
			map[string]any{"Count": s.after.ready})[:4]) && s.after.purge.Disabled()
	})
	after, err := db.Report(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if after.VisitorsUnique != before.VisitorsUnique || after.Scans != before.Scans {
		t.Fatalf("counts before %d/%d, after %d/%d", before.VisitorsUnique, before.Scans, after.VisitorsUnique, after.Scans)
	}
	if vs, err := db.FindVisitors(ctx, demo.Visitors[0].Name, 5); err != nil || len(vs) != 0 {
		t.Fatalf("a purged visitor is still found: %v %v", vs, err)
	}
	if days, _ := db.RetentionDays(ctx); days != 0 {
		t.Fatalf("retention %d", days)
	}
}
