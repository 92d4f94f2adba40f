package ui

import (
	"context"
	"image"
	"log"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
	"medibooth/booth/camera"
)

const (
	previewWidth, previewHeight = 320, 180
	// previewEvery keeps the preview at 10 pictures a second at most: it is
	// for aiming the badge, and every repaint costs the UI goroutine.
	previewEvery = 100 * time.Millisecond
	// prefCamera remembers the chosen camera's path; "" is off.
	prefCamera = "camera"
	// Webcam frames are asked for at 720p: a badge reads from further away.
	cameraWidth, cameraHeight = 1280, 720
	// previewBackground is the grey of the preview where no picture is.
	previewBackground = 0x33
)

// cameras is what the panel needs from the machine; tests hand it fakes.
type cameras struct {
	list func() ([]camera.Device, error)
	open func(path string) (camera.Source, error)
}

// released is closed once the camera run started last has let go of its
// device. A device captures for one reader at a time, so a camera is opened
// only after that, also by the panel of a desk rebuilt in another language.
var (
	releaseMu sync.Mutex
	released  chan struct{}
)

var systemCameras = cameras{
	list: camera.Devices,
	open: func(path string) (camera.Source, error) { return camera.Open(path, cameraWidth, cameraHeight) },
}

// cameraPanel scans badges held up to a webcam: a small live preview, a
// status line, and a camera picker for the settings area. Codes go to onCode
// on the UI goroutine, each once while it is held in front of the camera.
type cameraPanel struct {
	app    *App
	decode func(*image.Gray) []string
	onCode func(code string)
	cams   cameras

	content    fyne.CanvasObject
	preview    *canvas.Raster
	previewBox *fyne.Container
	status     *widget.Label
	sel        *widget.Select
	devices    []camera.Device
	labels     []string // the picker's option for each device

	// mu guards what the capture goroutines share with the UI.
	mu      sync.Mutex
	frame   *image.Gray // the newest frame, for the preview
	painted time.Time
	run     int // counts starts and stops; callbacks of an older run do nothing
	cancel  context.CancelFunc
	scanner *camera.Scanner
}

// newCameraPanel builds the panel and looks for cameras in the background.
// decode reads the codes in a frame (qr.DecodeGray in the app); onCode gets
// each code once while it is held up, on the UI goroutine.
func newCameraPanel(a *App, decode func(*image.Gray) []string, onCode func(code string)) *cameraPanel {
	return newCameraPanelWith(a, decode, onCode, systemCameras)
}

func newCameraPanelWith(a *App, decode func(*image.Gray) []string, onCode func(code string), cams cameras) *cameraPanel {
	p := &cameraPanel{app: a, decode: decode, onCode: onCode, cams: cams}
	p.preview = canvas.NewRaster(p.paint)
	p.status = widget.NewLabel(lang.L("Looking for cameras…"))
	p.status.Wrapping = fyne.TextWrapWord
	p.sel = widget.NewSelect([]string{lang.L("Off")}, p.onPick)
	p.sel.Selected = lang.L("Off")
	// The preview takes room only while a camera runs; otherwise the status
	// line says why there is none.
	p.previewBox = container.NewGridWrap(fyne.NewSize(previewWidth, previewHeight), p.preview)
	p.previewBox.Hide()
	p.content = container.NewVBox(p.previewBox, p.status)
	go p.loadDevices(0)
	return p
}

// object is the preview with its status line, for the desk.
func (p *cameraPanel) object() fyne.CanvasObject { return p.content }

// picker is the camera choice, for the settings area.
func (p *cameraPanel) picker() fyne.CanvasObject { return p.sel }

// loadDevices lists the cameras off the UI goroutine (opening each device
// node to ask what it is can take a moment) and then fills the picker. The
// camera chosen last time starts again, unless the panel was started or
// stopped meanwhile (run tells).
func (p *cameraPanel) loadDevices(run int) {
	devs, err := p.cams.list()
	p.app.do(func() {
		p.devices = devs
		p.labels = deviceLabels(devs)
		p.sel.SetOptions(append([]string{lang.L("Off")}, p.labels...))
		p.mu.Lock()
		untouched := p.run == run
		p.mu.Unlock()
		if !untouched {
			return
		}
		if err != nil {
			if booth.ErrorCode(err) != booth.ENOTFOUND {
				log.Printf("camera: %v", err)
			}
			p.status.SetText(noCameraText(err))
			return
		}
		saved := p.app.fyne.Preferences().String(prefCamera)
		for i, d := range devs {
			if d.Path == saved {
				p.sel.SetSelected(p.labels[i]) // opens it, through onPick
				return
			}
		}
		p.status.SetText(lang.L("Camera off. Scan badges with the scanner or search by name."))
	})
}

func noCameraText(err error) string {
	if booth.ErrorCode(err) == booth.ENOTFOUND {
		return lang.L("No camera found on this laptop. Scan badges with the scanner or search by name.")
	}
	return message(err)
}

// deviceLabels names the cameras for the picker; two of the same model are
// told apart by their path.
func deviceLabels(devs []camera.Device) []string {
	count := map[string]int{}
	for _, d := range devs {
		count[d.Name]++
	}
	labels := make([]string, len(devs))
	for i, d := range devs {
		labels[i] = d.Name
		if count[d.Name] > 1 {
			labels[i] = d.Name + " (" + d.Path + ")"
		}
	}
	return labels
}

// onPick starts the chosen camera and remembers the choice.
func (p *cameraPanel) onPick(label string) {
	for i, l := range p.labels {
		if l == label {
			p.app.fyne.Preferences().SetString(prefCamera, p.devices[i].Path)
			p.openDevice(p.devices[i])
			return
		}
	}
	p.app.fyne.Preferences().SetString(prefCamera, "")
	p.stop()
	p.status.SetText(lang.L("Camera off. Scan badges with the scanner or search by name."))
}

// openDevice opens a camera off the UI goroutine, once the camera shown
// before has let go of its device, and then starts it.
func (p *cameraPanel) openDevice(d camera.Device) {
	p.stop()
	p.mu.Lock()
	id := p.run
	p.mu.Unlock()
	releaseMu.Lock()
	prev := released
	releaseMu.Unlock()
	p.status.SetText(lang.L("Starting the camera…"))
	go func() {
		if prev != nil {
			<-prev
		}
		src, err := p.cams.open(d.Path)
		p.app.do(func() {
			if !p.current(id) {
				if src != nil {
					src.Close() // another camera was chosen meanwhile
				}
				return
			}
			if err != nil {
				log.Printf("camera %s: %v", d.Path, err)
				p.status.SetText(message(err))
				return
			}
			p.start(src)
		})
	}()
}

// start scans the frames of src until stop or until src ends. It is called
// on the UI goroutine and takes ownership of src.
func (p *cameraPanel) start(src camera.Source) {
	p.stop()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	p.mu.Lock()
	p.run++
	id := p.run
	p.cancel = cancel
	sc := &camera.Scanner{
		Source: src,
		Decode: p.decode,
		OnCode: func(code string, _ time.Time) {
			p.app.do(func() {
				if p.current(id) {
					p.onCode(code)
				}
			})
		},
		OnFrame: func(f camera.Frame) { p.onFrame(id, f) },
	}
	p.scanner = sc
	p.mu.Unlock()
	releaseMu.Lock()
	released = done
	releaseMu.Unlock()
	p.status.SetText(lang.L("Camera: {{.Name}}", map[string]any{"Name": src.Name()}))
	p.previewBox.Show()
	go func() {
		defer cancel()
		err := sc.Run(ctx)
		src.Close()
		close(done)
		if err != nil {
			log.Printf("camera %s: %v (stats %+v)", src.Name(), err, sc.Stats())
		}
		p.app.do(func() { p.ended(id, err) })
	}()
}

// ended shows why a run ended by itself: the camera failed or, for a folder
// of pictures, ran out of them.
func (p *cameraPanel) ended(id int, err error) {
	p.mu.Lock()
	if p.run != id {
		p.mu.Unlock()
		return
	}
	p.cancel = nil
	p.frame = nil
	p.mu.Unlock()
	p.previewBox.Hide()
	if err != nil {
		p.status.SetText(message(err))
	} else {
		p.status.SetText(lang.L("The camera stopped."))
	}
}

// stop ends scanning without waiting for the camera to let go: callbacks
// still on their way find the run over and do nothing.
func (p *cameraPanel) stop() {
	p.mu.Lock()
	p.run++
	cancel := p.cancel
	p.cancel = nil
	p.frame = nil
	p.mu.Unlock()
	if cancel != nil {
		cancel()
		p.previewBox.Hide()
		p.status.SetText(lang.L("Camera off. Scan badges with the scanner or search by name."))
	}
}

func (p *cameraPanel) current(id int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.run == id
}

// stats returns the running scanner's counters.
func (p *cameraPanel) stats() camera.Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.scanner == nil {
		return camera.Stats{}
	}
	return p.scanner.Stats()
}

// onFrame keeps the newest frame and repaints the preview at most every
// previewEvery. It runs on the capture goroutine.
func (p *cameraPanel) onFrame(id int, f camera.Frame) {
	p.mu.Lock()
	if p.run != id {
		p.mu.Unlock()
		return
	}
	p.frame = f.Gray
	due := time.Since(p.painted) >= previewEvery
	if due {
		p.painted = time.Now()
	}
	p.mu.Unlock()
	if due {
		p.app.do(p.preview.Refresh)
	}
}

// paint draws the newest frame into w×h pixels, whole and mirrored: people
// aim a badge at a mirror image without thinking. Decoding sees the frame
// as taken.
func (p *cameraPanel) paint(w, h int) image.Image {
	out := image.NewGray(image.Rect(0, 0, w, h))
	for i := range out.Pix {
		out.Pix[i] = previewBackground
	}
	p.mu.Lock()
	g := p.frame
	p.mu.Unlock()
	if g == nil || w <= 0 || h <= 0 {
		return out
	}
	b := g.Bounds()
	gw, gh := b.Dx(), b.Dy()
	if gw == 0 || gh == 0 {
		return out
	}
	sw, sh := w, gh*w/gw
	if sh > h {
		sw, sh = gw*h/gh, h
	}
	ox, oy := (w-sw)/2, (h-sh)/2
	for y := 0; y < sh; y++ {
		src := g.Pix[g.PixOffset(b.Min.X, b.Min.Y+y*gh/sh):]
		dst := out.Pix[(oy+y)*out.Stride+ox:]
		for x := 0; x < sw; x++ {
			dst[x] = src[(sw-1-x)*gw/sw]
		}
	}
	return out
}
