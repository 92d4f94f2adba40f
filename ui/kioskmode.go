package ui

import (
	"context"
	"log"

	"medibooth/booth"
)

// startKiosk turns this laptop into the visitors' self-registration kiosk:
// full screen, the staff member signed out (registrations made at the kiosk
// are recorded under their name), and only an admin's PIN leads back.
func (u *App) startKiosk() {
	if !u.may(booth.ActKiosk) {
		return
	}
	ev, err := u.cfg.Store.Event(context.Background())
	if err != nil {
		log.Printf("read event: %v", err)
		return
	}
	if u.desk != nil {
		u.desk.stop()
		u.desk = nil
	}
	u.kioskBy, u.staff = u.staff, nil
	u.kiosk = newKiosk(u, ev)
	u.setContent(u.kiosk.content)
	u.win.SetFullScreen(true)
	u.touch()
}

// leaveKiosk ends the kiosk with admin signed in.
func (u *App) leaveKiosk(admin *booth.Staff) {
	if u.kiosk == nil {
		return
	}
	u.kiosk.stop()
	u.kiosk = nil
	u.kioskBy = nil
	u.win.SetFullScreen(false)
	// A visitor may have left the kiosk in their language mid-registration:
	// the desk comes back in the staff's.
	SetLanguage(u.fyne.Preferences().StringWithFallback(prefLanguage, DefaultLanguage))
	u.signedIn(admin)
}
