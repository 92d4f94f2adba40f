package main

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"medibooth/assets"
	"medibooth/booth"
	"medibooth/boothnet"
	"medibooth/data"
	"medibooth/ui"
)

// openGUI opens the desk window on the data directory and blocks until it
// is closed.
func openGUI(dir string) error {
	db, err := data.OpenDir(dir)
	if err != nil {
		return err
	}
	defer db.Close()
	// The booth network runs while the window is open: a second copy on
	// the same computer, or "booth serve", takes another port.
	network := &boothnet.Switch{DB: db, Options: boothnet.Options{AnyPort: true}}
	defer network.SetOn(false)
	a := app.NewWithID("kr.medibooth.desk")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	u := ui.Create(a, ui.Config{
		Store:      db,
		DeviceName: db.Device().Name,
		ReadOnly:   db.ReadOnly(),
		Network:    network,
		LoadDemo: func(ctx context.Context) error {
			demo, err := booth.LoadDemo()
			if err != nil {
				return err
			}
			_, err = db.LoadDemo(ctx, demo)
			return err
		},
		JoinEvent: func(ctx context.Context, file []byte, deviceName string) error {
			p, err := booth.OpenPackage(file)
			if err != nil {
				return err
			}
			_, err = db.Join(ctx, p, deviceName)
			return err
		},
	})
	u.Window().ShowAndRun()
	return nil
}
