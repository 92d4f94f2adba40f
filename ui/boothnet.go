package ui

import (
	"context"
	"log"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
)

// BoothNetwork runs this laptop on the booth network, where the laptops of
// the event exchange their changes by themselves.
type BoothNetwork interface {
	// SetOn puts the laptop on the booth network or takes it off.
	SetOn(on bool) error
	// Status says whether it is on, the port it listens on, and whether
	// the other laptops find it by themselves (multicast DNS).
	Status() (on bool, port int, advertised bool)
	// Addresses are this laptop's addresses, HOST:PORT, to type in on the
	// others where multicast is blocked.
	Addresses() []string
	// LastError is the latest failure with the laptop of that key id or
	// address; nil when its latest exchange completed.
	LastError(keyOrAddr string) error
}

// boothNetStore is what the booth network's screen and the dashboard read
// of the exchanges.
type boothNetStore interface {
	PeersSeen(ctx context.Context) ([]booth.PeerSeen, error)
	PeerAddrs(ctx context.Context) ([]string, error)
	AddPeerAddr(ctx context.Context, addr string) error
	RemovePeerAddr(ctx context.Context, addr string) error
}

// prefBoothNetOff keeps this laptop off the booth network.
const prefBoothNetOff = "booth-network-off"

// boothNetRefresh is how often the booth network's screen reads the
// exchanges again.
const boothNetRefresh = 2 * time.Second

// joinBoothNetwork puts the laptop on the booth network once it belongs to
// an event, unless it was switched off.
func (u *App) joinBoothNetwork() {
	if u.cfg.Network == nil || u.cfg.ReadOnly || u.fyne.Preferences().Bool(prefBoothNetOff) {
		return
	}
	net := u.cfg.Network
	go func() {
		if err := net.SetOn(true); err != nil {
			log.Printf("booth network: %v", err)
			u.netErr.Store(&err)
		}
	}()
}

// boothNetScreen shows the laptops this one exchanges with: when each was
// last heard from, what waits to go, and why an exchange failed; with the
// switch that keeps this laptop off the network and the addresses typed in
// where multicast is blocked.
type boothNetScreen struct {
	app *App
	ev  *booth.Event
	net BoothNetwork
	stopper

	off     *widget.Check
	state   *widget.Label
	own     *widget.Label
	laptops *fyne.Container
	typed   *fyne.Container
	addr    *escEntry
	status  *widget.Label
	scroll  *container.Scroll
}

// showBoothNetwork opens the booth network's screen.
func (u *App) showBoothNetwork() {
	if u.cfg.Network == nil || !u.may(booth.ActSettings) {
		return
	}
	ev, err := u.cfg.Store.Event(context.Background())
	if err != nil {
		return
	}
	s := &boothNetScreen{app: u, ev: ev, net: u.cfg.Network, stopper: newStopper()}
	if u.boothNet != nil {
		u.boothNet.stop()
	}
	if u.desk != nil {
		u.desk.stop()
		u.desk = nil
	}
	if u.doctor != nil {
		u.doctor.stop()
		u.doctor = nil
	}
	u.boothNet = s
	u.setContent(u.adminScreen(lang.L("Booth network"), s.build()))
	s.refresh()
	go s.tick()
}

func (s *boothNetScreen) build() fyne.CanvasObject {
	intro := widget.NewLabel(lang.L("The laptops of this event on the same network (a travel router, a phone's hotspot, a switch) exchange their changes by themselves: visitors, check-ins, queues, consultations and consents. Only laptops of this event take part, and what they exchange is encrypted."))
	intro.Wrapping = fyne.TextWrapWord
	s.off = widget.NewCheck(lang.L("Keep this laptop off the booth network"), s.onSwitch)
	s.off.Checked = s.app.fyne.Preferences().Bool(prefBoothNetOff)
	s.state = widget.NewLabel("")
	s.state.Wrapping = fyne.TextWrapWord
	s.own = widget.NewLabel("")
	s.own.Wrapping = fyne.TextWrapWord
	s.laptops = container.NewVBox()
	s.typed = container.NewVBox()
	s.addr = s.app.newEntry()
	s.addr.SetPlaceHolder("192.168.8.12:47123")
	s.addr.OnSubmitted = func(string) { s.onAdd() }
	add := widget.NewButtonWithIcon(lang.L("Add"), theme.ContentAddIcon(), s.onAdd)
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	heading := func(t string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(t, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	typedNote := widget.NewLabel(lang.L("Where the network blocks multicast, the laptops do not find each other by themselves: type another laptop's address here."))
	typedNote.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(intro, s.off, s.state, s.own,
		widget.NewSeparator(), heading(lang.L("Laptops heard from")), s.laptops,
		widget.NewSeparator(), heading(lang.L("Addresses typed in")), typedNote,
		container.NewBorder(nil, nil, nil, add, s.addr), s.typed, s.status)
	s.scroll = container.NewVScroll(body)
	return s.scroll
}

// onSwitch keeps the laptop off the booth network, or puts it back on.
func (s *boothNetScreen) onSwitch(off bool) {
	s.app.fyne.Preferences().SetBool(prefBoothNetOff, off)
	go func() {
		err := s.net.SetOn(!off)
		s.app.do(func() {
			if s.stopped() {
				return
			}
			if err != nil {
				say(s.status, message(err), true)
			} else {
				s.status.SetText("")
			}
			s.refresh()
		})
	}()
}

func (s *boothNetScreen) onAdd() {
	addr, err := booth.PeerAddr(s.addr.Text)
	if err != nil {
		say(s.status, message(err), true)
		return
	}
	s.write(func(ctx context.Context) error { return s.app.cfg.Store.AddPeerAddr(ctx, addr) }, func() {
		s.addr.SetText("")
		say(s.status, lang.L("Added: this laptop exchanges with {{.Addr}} from its next round.", map[string]any{"Addr": addr}), false)
	})
}

// write runs f off the UI goroutine, then says its error or runs done, and
// shows the exchanges again.
func (s *boothNetScreen) write(f func(ctx context.Context) error, done func()) {
	go func() {
		err := f(context.Background())
		s.app.do(func() {
			if s.stopped() {
				return
			}
			if err != nil {
				say(s.status, message(err), true)
				return
			}
			done()
			s.refresh()
		})
	}()
}

// tick reads the exchanges again until the screen closes.
func (s *boothNetScreen) tick() {
	t := time.NewTicker(boothNetRefresh)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
			s.refresh()
		}
	}
}

// refresh reads the exchanges and shows them.
func (s *boothNetScreen) refresh() {
	store := s.app.cfg.Store
	go func() {
		ctx := context.Background()
		peers, err := store.PeersSeen(ctx)
		var typed []string
		if err == nil {
			typed, err = store.PeerAddrs(ctx)
		}
		s.app.do(func() {
			if s.stopped() {
				return
			}
			if err != nil {
				say(s.status, message(err), true)
				return
			}
			s.show(peers, typed)
		})
	}()
}

func (s *boothNetScreen) show(peers []booth.PeerSeen, typed []string) {
	now := s.app.cfg.Now()
	on, port, advertised := s.net.Status()
	switch {
	case s.off.Checked:
		say(s.state, lang.L("This laptop is off the booth network: it neither sends nor receives changes."), true)
	case !on:
		text := lang.L("This laptop is not on the booth network yet.")
		if p := s.app.netErr.Load(); p != nil {
			text = message(*p)
		}
		say(s.state, text, true)
	case advertised:
		say(s.state, lang.L("This laptop is on the booth network; the other laptops find it by themselves."), false)
	default:
		say(s.state, lang.L("This laptop is on the booth network, but cannot announce itself here: type its address on the other laptops."), false)
	}
	if addrs := s.net.Addresses(); on && len(addrs) > 0 {
		s.own.SetText(lang.L("This laptop ({{.Name}}) is at {{.Addrs}}.", map[string]any{"Name": s.app.cfg.DeviceName, "Addrs": strings.Join(addrs, ", ")}))
	} else if on {
		s.own.SetText(lang.L("This laptop ({{.Name}}) listens on port {{.Port}}, but is on no network now.", map[string]any{"Name": s.app.cfg.DeviceName, "Port": port}))
	} else {
		s.own.SetText("")
	}
	s.laptops.RemoveAll()
	if len(peers) == 0 {
		s.laptops.Add(widget.NewLabel(lang.L("No other laptop heard from yet.")))
	}
	for _, p := range peers {
		s.laptops.Add(s.peerLine(p, now))
	}
	s.typed.RemoveAll()
	for _, a := range typed {
		s.typed.Add(container.NewBorder(nil, nil, nil,
			widget.NewButtonWithIcon(lang.L("Remove"), theme.DeleteIcon(), func() { s.onRemove(a) }),
			widget.NewLabel(a)))
		// An address where no laptop of the event answered never shows
		// among the laptops heard from: its failure is said here.
		if err := s.net.LastError(a); err != nil {
			why := widget.NewLabel("")
			why.Wrapping = fyne.TextWrapWord
			say(why, message(err), true)
			s.typed.Add(why)
		}
	}
	// The lists changed height: lay the screen out again, so that nothing
	// below them is drawn over.
	s.scroll.Refresh()
}

// peerLine says of one laptop when it was last heard from, what waits to
// go to it, and why its latest exchange failed.
func (s *boothNetScreen) peerLine(p booth.PeerSeen, now time.Time) fyne.CanvasObject {
	loc := s.ev.Location()
	name := widget.NewLabelWithStyle(lang.L("{{.Name}} ({{.Addr}})", map[string]any{"Name": p.Name, "Addr": p.Addr}),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	heard := lang.L("Never exchanged in full.")
	if p.LastOK != nil {
		heard = lang.L("Last exchange {{.Time}} ({{.Ago}}).", map[string]any{"Time": dateTime(p.LastOK.In(loc)), "Ago": ago(now.Sub(*p.LastOK))})
	}
	waiting := lang.L("Nothing waits to go to it.")
	if p.Waiting > 0 {
		waiting = lang.L("{{.Count}} changes wait to go to it.", map[string]any{"Count": number(p.Waiting)})
	}
	line := widget.NewLabel(heard + " " + waiting)
	line.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(name, line)
	if p.Error != "" {
		why := widget.NewLabel("")
		why.Wrapping = fyne.TextWrapWord
		text := lang.L("Its latest exchange failed.")
		if err := s.net.LastError(p.KeyID); err != nil {
			text = message(err)
		}
		say(why, text, true)
		box.Add(why)
	}
	return box
}

func (s *boothNetScreen) onRemove(addr string) {
	s.write(func(ctx context.Context) error { return s.app.cfg.Store.RemovePeerAddr(ctx, addr) }, func() { s.status.SetText("") })
}

// stop ends the screen's refreshing.
func (s *boothNetScreen) stop() { s.halt() }

// ago says how long ago something was: "just now", "3 min ago".
func ago(d time.Duration) string {
	if d < time.Minute {
		return lang.L("just now")
	}
	return lang.L("{{.Duration}} ago", map[string]any{"Duration": durationText(d)})
}
