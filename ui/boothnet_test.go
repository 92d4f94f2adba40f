package ui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"medibooth/booth"
)

// fakeNetwork is a booth network that records being switched.
type fakeNetwork struct {
	mu       sync.Mutex
	on       bool
	switches []bool
	failOn   error
	errs     map[string]error
}

func (n *fakeNetwork) SetOn(on bool) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.switches = append(n.switches, on)
	if on && n.failOn != nil {
		return n.failOn
	}
	n.on = on
	return nil
}

func (n *fakeNetwork) Status() (bool, int, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.on, booth.PeerPort, n.on
}

func (n *fakeNetwork) Addresses() []string {
	if on, _, _ := n.Status(); on {
		return []string{"192.168.8.10:47123"}
	}
	return nil
}

func (n *fakeNetwork) LastError(k string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.errs[k]
}

func (n *fakeNetwork) history() []bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]bool(nil), n.switches...)
}

// recordPeer keeps an exchange with a laptop, as the booth network does.
func recordPeer(t *testing.T, s interface {
	RecordPeer(context.Context, booth.PeerResult, string) error
}, key, name, addr string, at time.Time, failed string) {
	t.Helper()
	r := booth.PeerResult{Addr: addr, Peer: booth.PeerIdentity{KeyID: key, Name: name}, At: at, Vector: map[string]int64{}}
	if err := s.RecordPeer(context.Background(), r, failed); err != nil {
		t.Fatal(err)
	}
}

func TestBoothNetworkJoinedUnlessSwitchedOff(t *testing.T) {
	for _, off := range []bool{false, true} {
		a := test.NewTempApp(t)
		a.Preferences().SetBool(prefBoothNetOff, off)
		db := openStore(t)
		if err := loadDemo(db)(context.Background()); err != nil {
			t.Fatal(err)
		}
		net := &fakeNetwork{}
		var u *App
		act(func() { u = Create(a, Config{Store: db, Network: net, DeviceName: "Desk 1"}) })
		t.Cleanup(func() { stopScreens(u) })
		if off {
			// Create returned: a switch on would have been asked for
			// already, on its way in the background; lock and show again.
			act(u.show)
			act(u.show)
			if h := net.history(); len(h) != 0 {
				t.Fatalf("switched off, the laptop was put on the network: %v", h)
			}
			continue
		}
		eventually(t, "the laptop on the network", func() bool { on, _, _ := net.Status(); return on })
		act(u.show)
		if h := net.history(); len(h) != 1 {
			t.Fatalf("switches = %v, want one switch on", h)
		}
	}
}

func TestBoothNetworkScreen(t *testing.T) {
	u, db, _ := newTestDesk(t)
	net := &fakeNetwork{on: true, errs: map[string]error{
		"k2": booth.Errorf(booth.EUNAVAILABLE, "The laptop at %s is busy with other laptops' exchanges; the next round tries again.", "10.0.0.7:47123"),
	}}
	u.cfg.Network = net
	act(func() { u.switchLanguage("en") })
	recordPeer(t, db, "k1", "Doctors 1", "10.0.0.5:47123", eventTime.Add(-3*time.Minute), "")
	recordPeer(t, db, "k2", "Desk 2", "10.0.0.7:47123", eventTime.Add(-10*time.Second), "")
	recordPeer(t, db, "k2", "Desk 2", "10.0.0.7:47123", eventTime.Add(-5*time.Second), "busy")

	// Only what admins open lists it.
	var menu []string
	act(func() {
		for _, it := range u.adminMenu().Items {
			menu = append(menu, it.Label)
		}
	})
	if !strings.Contains(strings.Join(menu, "|"), "Booth network") {
		t.Fatalf("the admin menu %q lacks the booth network", menu)
	}
	act(u.showBoothNetwork)
	s := u.boothNet
	eventually(t, "the laptops", func() bool { return len(s.laptops.Objects) == 2 })
	texts := func() string {
		var out []string
		act(func() {
			out = append(out, s.state.Text, s.own.Text)
			out = append(out, shownTexts(s.laptops)...)
		})
		return strings.Join(out, "\n")
	}
	got := texts()
	for _, want := range []string{
		"the other laptops find it by themselves",
		"192.168.8.10:47123",
		"Doctors 1 (10.0.0.5:47123)",
		"(3 min ago)",
		"Desk 2 (10.0.0.7:47123)",
		"busy with other laptops' exchanges",
		"Nothing waits to go to it.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the screen lacks %q:\n%s", want, got)
		}
	}

	// In Russian, the failure too.
	act(func() { u.switchLanguage("ru"); u.showBoothNetwork() })
	s = u.boothNet
	eventually(t, "the screen in Russian", func() bool {
		return strings.Contains(strings.Join(shownTexts(s.laptops), "\n"), "Ноутбук по адресу 10.0.0.7:47123 занят обменом")
	})
	act(func() { u.switchLanguage("en"); u.showBoothNetwork() })
	s = u.boothNet

	// Switched off: remembered, and the network told.
	act(func() { s.off.SetChecked(true) })
	eventually(t, "the laptop off", func() bool { return strings.Contains(s.state.Text, "off the booth network") })
	if on, _, _ := net.Status(); on || !u.fyne.Preferences().Bool(prefBoothNetOff) {
		t.Fatalf("switched off: on = %v, preference = %v", on, u.fyne.Preferences().Bool(prefBoothNetOff))
	}
	act(func() { s.off.SetChecked(false) })
	eventually(t, "the laptop on", func() bool { return strings.Contains(s.state.Text, "find it by themselves") })

	// An address typed without its port gets the booth network's.
	act(func() { test.Type(s.addr, "not an address:x"); s.onAdd() })
	eventually(t, "the refusal", func() bool { return strings.Contains(s.status.Text, "is not a laptop's address") })
	act(func() { s.addr.SetText("192.168.8.12"); s.onAdd() })
	eventually(t, "the address kept", func() bool { return len(s.typed.Objects) == 1 })
	// Nobody answers there: said under it.
	net.mu.Lock()
	net.errs["192.168.8.12:47123"] = booth.Errorf(booth.EUNAVAILABLE, "Cannot reach the laptop at %s (%v); check that it is on the booth network.", "192.168.8.12:47123", "i/o timeout")
	net.mu.Unlock()
	act(s.refresh)
	eventually(t, "the address's failure", func() bool {
		return strings.Contains(strings.Join(shownTexts(s.typed), "\n"), "Cannot reach the laptop at 192.168.8.12:47123")
	})
	addrs, err := db.PeerAddrs(context.Background())
	if err != nil || len(addrs) != 1 || addrs[0] != "192.168.8.12:47123" {
		t.Fatalf("addresses = %v, %v", addrs, err)
	}
	act(func() { s.onRemove(addrs[0]) })
	eventually(t, "the address gone", func() bool { return len(s.typed.Objects) == 0 })

	// A laptop that cannot go on the network says why.
	act(u.show)
	net.failOn = booth.Errorf(booth.EINVALID, "Cannot listen on %s: %v.", ":47123", errors.New("address already in use"))
	act(u.showBoothNetwork)
	s = u.boothNet
	act(func() { s.off.SetChecked(true) })
	eventually(t, "off", func() bool { return strings.Contains(s.state.Text, "off the booth network") })
	act(func() { s.off.SetChecked(false) })
	eventually(t, "the failure said", func() bool { return strings.Contains(s.status.Text, "Cannot listen on :47123") })
	act(u.show)
}

func TestDashboardSaysWhichLaptopsItHeardFrom(t *testing.T) {
	u, db, _ := newTestDesk(t)
	act(func() { u.switchLanguage("en") })
	act(u.showDashboard)
	eventually(t, "the dashboard", func() bool { return u.dash != nil && u.dash.loaded })
	d := u.dash
	eventually(t, "this laptop's own", func() bool { return strings.Contains(d.heard.Text, "this laptop's own") })
	act(func() { u.dashWin.Close() })

	recordPeer(t, db, "k1", "Doctors 1", "10.0.0.5:47123", time.Date(2026, 9, 17, 5, 2, 3, 0, time.UTC), "")
	recordPeer(t, db, "k3", "Desk 3", "10.0.0.9:47123", time.Date(2026, 9, 17, 5, 2, 3, 0, time.UTC), "refused")
	act(u.showDashboard)
	d = u.dash
	eventually(t, "the laptops heard from", func() bool { return strings.Contains(d.heard.Text, "the whole booth") })
	act(func() {
		if !strings.Contains(d.heard.Text, "Doctors 1 at ") || strings.Contains(d.heard.Text, "Desk 3") {
			t.Errorf("heard: %q (a laptop never exchanged with in full is not one the figures add up)", d.heard.Text)
		}
		u.dashWin.Close()
	})
}
