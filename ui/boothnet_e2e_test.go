package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"medibooth/booth"
	"medibooth/boothnet"
	"medibooth/data"
)

// onBoothNetwork puts db's laptop on a booth network of loopback addresses
// alone, exchanging with the addresses given.
func onBoothNetwork(t *testing.T, db *data.DB, peers ...string) *boothnet.Switch {
	t.Helper()
	for _, p := range peers {
		if err := db.AddPeerAddr(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
	n := &boothnet.Switch{DB: db, Options: boothnet.Options{Listen: "127.0.0.1:0", NoMDNS: true, Interval: 200 * time.Millisecond}}
	if err := n.SetOn(true); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.SetOn(false) })
	return n
}

// joinedStore is a second laptop of db's event.
func joinedStore(t *testing.T, hq *data.DB, name string) *data.DB {
	t.Helper()
	pkg, err := hq.Package(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p, err := booth.OpenPackage(pkg)
	if err != nil {
		t.Fatal(err)
	}
	db, err := data.Open(filepath.Join(t.TempDir(), data.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.PINCost = cheapPINs
	if _, err := db.Join(context.Background(), p, name); err != nil {
		t.Fatal(err)
	}
	return db
}

// A visitor sent to a hospital at the desk's laptop shows in the queue on
// the doctors' laptop, and the doctor's call shows at the desk: two windows
// over two databases, on the booth network over loopback.
func TestVisitorSentAtTheDeskQueuesAtTheDoctorsLaptop(t *testing.T) {
	uA, dbA, demo := newTestDesk(t)
	act(func() { uA.switchLanguage("en") })
	t.Cleanup(func() { act(func() { SetLanguage(DefaultLanguage) }) })
	dbB := joinedStore(t, dbA, "Doctors")
	netA := onBoothNetwork(t, dbA)
	_, portA, _ := netA.Status()
	onBoothNetwork(t, dbB, fmt.Sprintf("127.0.0.1:%d", portA))

	gyn := demoDoctor(t, dbB, demo, "Korean-medicine gynaecologist — Kyung Hee", "9173")
	var uB *App
	act(func() {
		b := test.NewTempApp(t)
		b.Preferences().SetString(prefLanguage, "en")
		uB = Create(b, Config{Store: dbB, DeviceName: "Doctors", Now: func() time.Time { return eventTime }})
		uB.Window().Resize(fyne.NewSize(1280, 800))
	})
	t.Cleanup(func() { stopScreens(uB) })
	signInAs(t, uB, gyn.Name, "9173")
	eventually(t, "the doctors' desk", func() bool { return uB.doctor != nil })
	q := uB.doctor.queue

	// At the desk: find the visitor, send her to Kyung Hee.
	d := uA.desk
	act(func() { test.Type(d.search, "aigerim nurl") })
	eventually(t, "search results", func() bool { return len(d.found) == 1 })
	act(func() {
		d.foundList.Select(0)
		d.sendDlg = nil
		test.Tap(d.sendBtn)
	})
	eventually(t, "the send-to dialog", func() bool { return d.sendDlg != nil && d.sendDlg.dlg != nil })
	act(func() {
		s := d.sendDlg
		for _, o := range s.hospital.Options {
			if strings.HasPrefix(o, "Kyung Hee") {
				s.hospital.SetSelected(o)
			}
		}
		s.dlg.Submit()
	})
	eventually(t, "sent", func() bool { return strings.Contains(d.waiting.lines.Text, "1 waiting") })
	sent := time.Now()

	// On the doctors' laptop, with nobody touching it.
	eventually(t, "the visitor in the doctor's queue", func() bool {
		return len(q.entries) == 1 && q.entries[0].VisitorName == "Aigerim Nurlanova"
	})
	t.Logf("sent at the desk → in the doctor's queue: %s", time.Since(sent).Round(time.Millisecond))

	// The doctor calls her: the desk sees nobody waiting any more.
	act(func() { test.Tap(q.callBtn) })
	eventually(t, "called", func() bool { return len(q.entries) == 1 && q.entries[0].State == booth.QueueCalled })
	eventually(t, "the call seen at the desk", func() bool {
		es, err := dbA.Queue(context.Background(), q.hospital.ID, false)
		return err == nil && len(es) == 1 && es[0].State == booth.QueueCalled
	})
	eventually(t, "the desk's summary without her waiting", func() bool {
		return !strings.Contains(d.waiting.lines.Text, "1 waiting")
	})
}
