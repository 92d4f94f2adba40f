// Package camera reads badge QR codes from a webcam: it lists the cameras of
// this laptop, captures grey frames from one (V4L2 on Linux), stands in for a
// camera with a folder of pictures in tests and demos, and runs the scanning
// loop that turns frames into badge codes, each reported once while it is
// held in front of the lens. It imports neither Fyne nor SQL.
//
// Frames travel as grey planes (luma) and never as RGBA: converting a
// 1280×720 frame to RGBA costs more than decoding the QR code in it.
package camera

import (
	"context"
	"fmt"
	"image"
	"time"

	"medibooth/booth"
)

// Frame is one picture from a camera.
type Frame struct {
	// Gray is the luma plane. It is compact (Stride equals the width, Bounds
	// start at 0,0) and read-only: a source may hand the same plane out again,
	// as Folder does when it loops, and the preview may still be showing it.
	Gray *image.Gray
	// At is when the frame was taken; the scanning loop measures how long a
	// code was held or absent by it, never by the clock it runs on.
	At time.Time
}

// Source is a camera, real or fake.
//
// Frames starts the pictures and may be called once. The channel is closed
// when ctx is done, when Close is called, when a fake camera runs out of
// pictures, or when the camera fails; Err then tells which. A live camera
// never queues frames: while the receiver is not ready it drops them, so the
// next frame received is a fresh one.
type Source interface {
	Frames(ctx context.Context) (<-chan Frame, error)
	// Err returns why the frames channel was closed: nil when it ended
	// normally (ctx done, Close, last picture sent), else one sentence for
	// staff made with booth.Errorf.
	Err() error
	// Name is what the status line calls the camera, such as "Integrated Webcam".
	Name() string
	// Close stops the pictures and releases the device. It may be called
	// more than once, also while Frames is running.
	Close() error
}

// Device is a camera of this laptop.
type Device struct {
	Path string // such as /dev/video0
	Name string // such as "Integrated Webcam"
}

// withCause keeps the system's reason next to the sentence for staff: people
// see the sentence (booth.ErrorMessage), the log gets both.
func withCause(e *booth.Error, cause error) error {
	if cause == nil {
		return e
	}
	return fmt.Errorf("%w (%v)", e, cause)
}
