package ui

import (
	"context"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	goqrcode "github.com/skip2/go-qrcode"

	"medibooth/booth"
	"medibooth/booth/camera"
)

const (
	camCodeA = "1048213370015"
	camCodeB = "1902734418263"
)

// qrFolder writes a fake camera's pictures: runs of n 640×480 frames showing
// a badge's QR code ("" for an empty desk).
func qrFolder(t *testing.T, runs ...any) string {
	t.Helper()
	dir := t.TempDir()
	n := 0
	for i := 0; i < len(runs); i += 2 {
		code, count := runs[i].(string), runs[i+1].(int)
		g := image.NewGray(image.Rect(0, 0, 640, 480))
		for j := range g.Pix {
			g.Pix[j] = 0xa0
		}
		if code != "" {
			q, err := goqrcode.New(code, goqrcode.Medium)
			if err != nil {
				t.Fatal(err)
			}
			badge := q.Image(220)
			draw.Draw(g, badge.Bounds().Add(image.Pt(210, 130)), badge, image.Point{}, draw.Src)
		}
		for j := 0; j < count; j++ {
			f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%03d.png", n)))
			if err != nil {
				t.Fatal(err)
			}
			if err := png.Encode(f, g); err != nil {
				t.Fatal(err)
			}
			f.Close()
			n++
		}
	}
	return dir
}

// zxing reads a QR code straight from the grey plane.
func zxing(g *image.Gray) []string {
	b := g.Bounds()
	src, err := gozxing.NewPlanarYUVLuminanceSource(g.Pix, g.Stride, b.Dy(), 0, 0, b.Dx(), b.Dy(), false)
	if err != nil {
		return nil
	}
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
	if err != nil {
		return nil
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return nil
	}
	return []string{res.GetText()}
}

// codeLog collects the codes the panel hands on.
type codeLog struct {
	mu    sync.Mutex
	codes []string
}

func (l *codeLog) add(code string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.codes = append(l.codes, code)
}

func (l *codeLog) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.codes)
}

// newTestCameraPanel builds the panel in a test app's window, as the desk
// will, over fake cameras.
func newTestCameraPanel(t *testing.T, cams cameras) (*cameraPanel, *codeLog) {
	t.Helper()
	a := test.NewTempApp(t)
	u := &App{cfg: Config{Now: time.Now}, fyne: a, win: a.NewWindow("medibooth")}
	log := &codeLog{}
	var p *cameraPanel
	act(func() {
		p = newCameraPanelWith(u, zxing, log.add, cams)
		u.win.SetContent(p.object())
	})
	t.Cleanup(func() { stopAndWait(t, p) })
	return p, log
}

// stopAndWait stops the panel and waits until its camera is released, so
// no capture outlives the test.
func stopAndWait(t *testing.T, p *cameraPanel) {
	act(p.stop)
	releaseMu.Lock()
	done := released
	releaseMu.Unlock()
	if done != nil {
		select {
		case <-done:
		case <-time.After(time.Minute): // bounds a failure only
			t.Error("the camera was not released")
		}
	}
}

// cameraStatus is the status line of a running camera, in the language of the test.
func cameraStatus(t *testing.T, name string) string {
	return strings.ReplaceAll(translation(t, CurrentLanguage(), "Camera: {{.Name}}"), "{{.Name}}", name)
}

func noCameras() ([]camera.Device, error) {
	return nil, booth.Errorf(booth.ENOTFOUND, "No camera was found on this laptop.")
}

func TestCameraPanelScansFolderOfBadges(t *testing.T) {
	dir := qrFolder(t, camCodeA, 6, "", 4, camCodeB, 6)
	p, codes := newTestCameraPanel(t, cameras{list: noCameras})
	src, err := camera.NewFolder(dir, 10, false)
	if err != nil {
		t.Fatal(err)
	}
	act(func() {
		p.start(src)
		if want := cameraStatus(t, filepath.Base(dir)); p.status.Text != want {
			t.Errorf("status %q, want %q", p.status.Text, want)
		}
	})
	eventually(t, "a frame in the preview", func() bool {
		img := p.paint(previewWidth, previewHeight).(*image.Gray)
		return slices.ContainsFunc(img.Pix, func(v uint8) bool { return v != previewBackground })
	})
	stopped := translation(t, CurrentLanguage(), "The camera stopped.")
	eventually(t, "the end of the pictures", func() bool { return p.status.Text == stopped })
	if got := codes.get(); !slices.Equal(got, []string{camCodeA, camCodeB}) {
		t.Fatalf("codes %q, want A then B, each once", got)
	}
	if st := p.stats(); st.Seen != 16 || st.Decoded+st.Dropped != st.Seen || st.Reported != 2 {
		t.Fatalf("stats %+v", st)
	}
}

func TestCameraPanelSaysWhenThereIsNoCamera(t *testing.T) {
	p, _ := newTestCameraPanel(t, cameras{list: noCameras})
	want := translation(t, CurrentLanguage(), "No camera found on this laptop. Scan badges with the scanner or search by name.")
	eventually(t, "the no-camera sentence", func() bool { return p.status.Text == want })
	act(func() {
		if off := translation(t, CurrentLanguage(), "Off"); !slices.Equal(p.sel.Options, []string{off}) || p.sel.Selected != off {
			t.Fatalf("picker offers %q, shows %q", p.sel.Options, p.sel.Selected)
		}
	})
}

func TestCameraPanelPickerOpensAndRemembersTheCamera(t *testing.T) {
	dir := qrFolder(t, camCodeB, 3)
	devs := []camera.Device{{Path: "/dev/video0", Name: "Integrated Webcam"}, {Path: "/dev/video2", Name: "USB Camera"}}
	opened := make(chan string, 4)
	p, codes := newTestCameraPanel(t, cameras{
		list: func() ([]camera.Device, error) { return devs, nil },
		open: func(path string) (camera.Source, error) {
			opened <- path
			if path == "/dev/video0" {
				return nil, booth.Errorf(booth.ECONFLICT, "The camera is in use by another program; close that program and try again.")
			}
			return camera.NewFolder(dir, 10, true)
		},
	})
	eventually(t, "the cameras in the picker", func() bool { return len(p.sel.Options) == 3 })

	act(func() { p.sel.SetSelected("Integrated Webcam") })
	busy := translation(t, CurrentLanguage(), "The camera is in use by another program; close that program and try again.")
	eventually(t, "the busy camera's sentence", func() bool { return p.status.Text == busy })

	act(func() { p.sel.SetSelected("USB Camera") })
	eventually(t, "the badge from the chosen camera", func() bool { return len(codes.get()) == 1 })
	act(func() {
		if got := p.app.fyne.Preferences().String(prefCamera); got != "/dev/video2" {
			t.Errorf("saved camera %q", got)
		}
		if p.status.Text != cameraStatus(t, filepath.Base(dir)) {
			t.Errorf("status %q", p.status.Text)
		}
		p.sel.SetSelected(p.sel.Options[0])
		if got := p.app.fyne.Preferences().String(prefCamera); got != "" {
			t.Errorf("Off saved as %q", got)
		}
	})
	off := translation(t, CurrentLanguage(), "Camera off. Scan badges with the scanner or search by name.")
	eventually(t, "the camera off", func() bool { return p.status.Text == off })
	if got := codes.get(); !slices.Equal(got, []string{camCodeB}) {
		t.Fatalf("codes %q: a looping badge is one check-in", got)
	}
	if len(opened) != 2 {
		t.Fatalf("%d opens for two choices", len(opened))
	}
}

func TestCameraPanelStartsTheSavedCamera(t *testing.T) {
	dir := qrFolder(t, camCodeA, 2)
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefCamera, "/dev/video4")
	u := &App{cfg: Config{Now: time.Now}, fyne: a, win: a.NewWindow("medibooth")}
	codes := &codeLog{}
	var p *cameraPanel
	act(func() {
		p = newCameraPanelWith(u, zxing, codes.add, cameras{
			list: func() ([]camera.Device, error) { return []camera.Device{{Path: "/dev/video4", Name: "Desk Cam"}}, nil },
			open: func(string) (camera.Source, error) { return camera.NewFolder(dir, 10, true) },
		})
		u.win.SetContent(p.object())
	})
	t.Cleanup(func() { stopAndWait(t, p) })
	eventually(t, "the saved camera scanning", func() bool { return len(codes.get()) == 1 && p.sel.Selected == "Desk Cam" })
}

func TestCameraPanelShowsAFailingCamera(t *testing.T) {
	p, _ := newTestCameraPanel(t, cameras{list: noCameras})
	act(func() { p.start(failingSource{}) })
	want := translation(t, CurrentLanguage(), "The camera stopped sending pictures; check its cable and choose it again.")
	eventually(t, "the camera's failure", func() bool { return p.status.Text == want })
}

// failingSource is a camera unplugged as soon as it starts.
type failingSource struct{}

func (failingSource) Frames(context.Context) (<-chan camera.Frame, error) {
	ch := make(chan camera.Frame)
	close(ch)
	return ch, nil
}

func (failingSource) Err() error {
	return booth.Errorf(booth.EINVALID, "The camera stopped sending pictures; check its cable and choose it again.")
}
func (failingSource) Name() string { return "Broken Cam" }
func (failingSource) Close() error { return nil }

func TestDeviceLabelsTellTwinsApart(t *testing.T) {
	got := deviceLabels([]camera.Device{{Path: "/dev/video0", Name: "USB Camera"}, {Path: "/dev/video2", Name: "Integrated"}, {Path: "/dev/video4", Name: "USB Camera"}})
	want := []string{"USB Camera (/dev/video0)", "Integrated", "USB Camera (/dev/video4)"}
	if !slices.Equal(got, want) {
		t.Fatalf("labels %q", got)
	}
}

// TestCameraPanelOnThisLaptop uses the real camera list: a laptop without a
// camera says so, one with cameras offers them, off until one is chosen.
func TestCameraPanelOnThisLaptop(t *testing.T) {
	a := test.NewTempApp(t)
	u := &App{cfg: Config{Now: time.Now}, fyne: a, win: a.NewWindow("medibooth")}
	var p *cameraPanel
	act(func() {
		p = newCameraPanel(u, zxing, func(string) {})
		u.win.SetContent(container.NewVBox(p.object(), p.picker()))
	})
	t.Cleanup(func() { stopAndWait(t, p) })
	devs, err := camera.Devices()
	want := translation(t, CurrentLanguage(), "Camera off. Scan badges with the scanner or search by name.")
	if err != nil {
		want = noCameraText(err)
	}
	eventually(t, "the camera list", func() bool { return p.status.Text == want && len(p.sel.Options) == len(devs)+1 })
}
