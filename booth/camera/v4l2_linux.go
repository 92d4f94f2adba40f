//go:build linux

package camera

import (
	"context"
	"errors"
	"image"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/blackjack/webcam"
	"golang.org/x/sys/unix"

	"medibooth/booth"
)

// V4L2 pixel formats, as four-character codes.
const (
	formatYUYV webcam.PixelFormat = 'Y' | 'U'<<8 | 'Y'<<16 | 'V'<<24
	formatMJPG webcam.PixelFormat = 'M' | 'J'<<8 | 'P'<<16 | 'G'<<24
)

const (
	// buffers is how many frames the driver may hold: few, so a frame is
	// never old when it reaches the decoder.
	buffers = 4
	// noFrameLimit ends the capture when a camera sends nothing for this
	// many one-second waits in a row.
	noFrameLimit = 5
	// badFrameLimit ends it after this many frames in a row that could not
	// be read.
	badFrameLimit = 50
)

// Devices lists the cameras of this laptop: the /dev/video* nodes that
// capture video (not the metadata nodes a webcam also has), named from
// /sys/class/video4linux. With none it returns a booth.ENOTFOUND error.
func Devices() ([]Device, error) {
	paths, _ := filepath.Glob("/dev/video*")
	sort.Slice(paths, func(i, j int) bool { return videoIndex(paths[i]) < videoIndex(paths[j]) })
	var devs []Device
	denied := false
	for _, p := range paths {
		card, err := captureCard(p)
		if errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) {
			denied = true
		}
		if err != nil {
			continue
		}
		devs = append(devs, Device{Path: p, Name: deviceName(p, card)})
	}
	if len(devs) == 0 && denied {
		return nil, errDenied()
	} else if len(devs) == 0 {
		return nil, errNoCamera()
	}
	return devs, nil
}

func videoIndex(path string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(path), "video"))
	if err != nil {
		return 1 << 30
	}
	return n
}

// deviceName prefers the kernel's name of the node, then the driver's card name.
func deviceName(path, card string) string {
	if b, err := os.ReadFile(filepath.Join("/sys/class/video4linux", filepath.Base(path), "name")); err == nil {
		if n := strings.TrimSpace(string(b)); n != "" {
			return n
		}
	}
	if card != "" {
		return card
	}
	return filepath.Base(path)
}

// v4l2Capability is struct v4l2_capability of linux/videodev2.h.
type v4l2Capability struct {
	driver       [16]byte
	card         [32]byte
	busInfo      [32]byte
	version      uint32
	capabilities uint32
	deviceCaps   uint32
	reserved     [3]uint32
}

const (
	vidiocQueryCap    = 0x80685600 // _IOR('V', 0, struct v4l2_capability)
	capVideoCapture   = 0x00000001
	capStreaming      = 0x04000000
	capDeviceCapsUsed = 0x80000000
)

// captureCard returns the card name of a node that captures video by
// streaming, and an error for any other node. It reads the node's own
// capabilities: the device's as a whole would count a webcam's metadata
// node as a camera.
func captureCard(path string) (string, error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", err
	}
	defer unix.Close(fd)
	var c v4l2Capability
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), vidiocQueryCap, uintptr(unsafe.Pointer(&c))); e != 0 {
		return "", e
	}
	caps := c.capabilities
	if caps&capDeviceCapsUsed != 0 {
		caps = c.deviceCaps
	}
	if caps&capVideoCapture == 0 || caps&capStreaming == 0 {
		return "", errors.New("not a capture device")
	}
	return strings.TrimRight(string(c.card[:]), "\x00"), nil
}

func errNoCamera() error {
	return booth.Errorf(booth.ENOTFOUND, "No camera was found on this laptop.")
}

func errDenied() error {
	return booth.Errorf(booth.EINVALID, "This user may not use the camera; add the user to the video group and log in again.")
}

// openError turns what the system said into one sentence for staff.
func openError(err error) error {
	switch {
	case errors.Is(err, unix.ENOENT), errors.Is(err, unix.ENODEV), errors.Is(err, unix.ENXIO):
		return withCause(booth.Errorf(booth.ENOTFOUND, "The chosen camera is not connected; plug it in or choose another camera."), err)
	case errors.Is(err, unix.EACCES), errors.Is(err, unix.EPERM):
		return withCause(errDenied().(*booth.Error), err)
	case errors.Is(err, unix.EBUSY), strings.Contains(err.Error(), unix.EBUSY.Error()):
		return withCause(booth.Errorf(booth.ECONFLICT, "The camera is in use by another program; close that program and try again."), err)
	case errors.Is(err, unix.ENOTTY), strings.Contains(err.Error(), "Not a video capture device"),
		strings.Contains(err.Error(), "streaming I/O"):
		return withCause(booth.Errorf(booth.EINVALID, "The chosen device is not a camera that medibooth can read."), err)
	}
	return withCause(booth.Errorf(booth.EINVALID, "The camera could not be started; unplug it, plug it in again and try once more."), err)
}

func errFormat() *booth.Error {
	return booth.Errorf(booth.EINVALID, "The camera sends pictures in a format medibooth cannot read.")
}

func errStopped(cause error) error {
	code := booth.EINVALID
	if errors.Is(cause, unix.ENODEV) {
		code = booth.ENOTFOUND
	}
	return withCause(booth.Errorf(code, "The camera stopped sending pictures; check its cable and choose it again."), cause)
}

// v4l2Source is a live camera.
type v4l2Source struct {
	cam    *webcam.Webcam
	name   string
	format webcam.PixelFormat
	w, h   int

	mu      sync.Mutex
	started bool
	closed  bool
	err     error
	stop    chan struct{}
	done    chan struct{} // closed when the capture goroutine has ended
}

// Open opens the camera at dev (such as /dev/video0) to capture w×h frames,
// in YUYV when the camera offers that size uncompressed (its Y bytes are the
// grey plane), else in MJPEG (decoded to YCbCr, of which Y is kept). When the
// camera offers neither w×h nor 640×480 it gets the nearest size it offers.
func Open(dev string, w, h int) (Source, error) {
	cam, err := webcam.Open(dev)
	if err != nil {
		return nil, openError(err)
	}
	s := &v4l2Source{cam: cam, name: deviceName(dev, ""), stop: make(chan struct{}), done: make(chan struct{})}
	if n, err := cam.GetName(); err == nil && strings.TrimSpace(n) != "" && s.name == filepath.Base(dev) {
		s.name = strings.TrimSpace(n)
	}
	p, ok := choose(cam.GetSupportedFormats(), cam.GetSupportedFrameSizes, w, h)
	if !ok {
		cam.Close()
		return nil, errFormat()
	}
	// The library reports back the size asked for, not the one set; asking
	// only for sizes the camera lists keeps the two the same.
	got, _, _, err := cam.SetImageFormat(p.format, uint32(p.w), uint32(p.h))
	if err != nil {
		cam.Close()
		return nil, openError(err)
	}
	if got != p.format {
		cam.Close()
		return nil, errFormat()
	}
	if err := cam.SetBufferCount(buffers); err != nil {
		cam.Close()
		return nil, openError(err)
	}
	s.format, s.w, s.h = p.format, p.w, p.h
	return s, nil
}

// choice is a pixel format and frame size to ask a camera for.
type choice struct {
	format webcam.PixelFormat
	w, h   int
}

// choose picks the format and size: w×h, then 640×480, each in YUYV (free
// to turn grey) before MJPEG (a JPEG decode per frame); failing both, the
// offered size nearest to w×h. It reports false when the camera offers
// neither format.
func choose(formats map[webcam.PixelFormat]string, sizes func(webcam.PixelFormat) []webcam.FrameSize, w, h int) (choice, bool) {
	var offered []webcam.PixelFormat
	for _, f := range []webcam.PixelFormat{formatYUYV, formatMJPG} {
		if _, ok := formats[f]; ok {
			offered = append(offered, f)
		}
	}
	if len(offered) == 0 {
		return choice{}, false
	}
	all := map[webcam.PixelFormat][]webcam.FrameSize{}
	for _, f := range offered {
		all[f] = sizes(f)
	}
	for _, want := range [][2]int{{w, h}, {640, 480}} {
		for _, f := range offered {
			for _, s := range all[f] {
				if fits(s, want[0], want[1]) {
					return choice{f, want[0], want[1]}, true
				}
			}
		}
	}
	best, bestDiff := choice{offered[0], w, h}, -1
	for _, f := range offered {
		for _, s := range all[f] {
			cw, ch := clamp(w, s.MinWidth, s.MaxWidth, s.StepWidth), clamp(h, s.MinHeight, s.MaxHeight, s.StepHeight)
			if cw == 0 || ch == 0 {
				continue
			}
			diff := cw*ch - w*h
			if diff < 0 {
				diff = -diff
			}
			if bestDiff < 0 || diff < bestDiff {
				best, bestDiff = choice{f, cw, ch}, diff
			}
		}
	}
	return best, true
}

func fits(s webcam.FrameSize, w, h int) bool {
	return clamp(w, s.MinWidth, s.MaxWidth, s.StepWidth) == w && clamp(h, s.MinHeight, s.MaxHeight, s.StepHeight) == h
}

// clamp returns the value nearest v within [lo, hi] on the step grid from lo.
func clamp(v int, lo, hi, step uint32) int {
	l, u := int(lo), int(hi)
	if v < l {
		v = l
	}
	if v > u {
		v = u
	}
	if st := int(step); st > 1 {
		v = l + (v-l)/st*st
	}
	return v
}

func (s *v4l2Source) Name() string { return s.name }

func (s *v4l2Source) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *v4l2Source) Frames(ctx context.Context) (<-chan Frame, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started || s.closed {
		return nil, errors.New("camera: Frames called twice or after Close")
	}
	if err := s.cam.StartStreaming(); err != nil {
		return nil, openError(err)
	}
	s.started = true
	ch := make(chan Frame)
	go s.capture(ctx, ch)
	return ch, nil
}

// capture reads frames until told to stop. It keeps reading while nobody
// receives, dropping those frames, so the driver's queue never holds old ones.
func (s *v4l2Source) capture(ctx context.Context, ch chan<- Frame) {
	defer close(s.done)
	defer close(ch)
	misses, bad := 0, 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.stop:
			return
		default:
		}
		err := s.cam.WaitForFrame(1)
		var timeout *webcam.Timeout
		if errors.As(err, &timeout) {
			if misses++; misses >= noFrameLimit {
				s.fail(errStopped(errors.New("no frame for 5 s")))
				return
			}
			continue
		} else if err != nil {
			s.fail(errStopped(err))
			return
		}
		misses = 0
		buf, index, err := s.cam.GetFrame()
		if errors.Is(err, unix.EAGAIN) {
			continue
		} else if err != nil {
			s.fail(errStopped(err))
			return
		}
		// The grey copy is made before the buffer goes back to the driver.
		g, err := s.gray(buf)
		s.cam.ReleaseFrame(index)
		if err != nil {
			if bad++; bad >= badFrameLimit {
				s.fail(withCause(errFormat(), err))
				return
			}
			continue
		}
		bad = 0
		select {
		case ch <- Frame{Gray: g, At: time.Now()}:
		default:
		}
	}
}

// gray turns one frame from the driver's buffer into a new grey plane.
func (s *v4l2Source) gray(buf []byte) (*image.Gray, error) {
	if s.format == formatYUYV {
		stride := 2 * s.w
		if len(buf)%s.h == 0 && len(buf)/s.h > stride {
			stride = len(buf) / s.h // rows padded by the driver
		}
		return yuyvGray(buf, s.w, s.h, stride)
	}
	return jpegGray(buf)
}

func (s *v4l2Source) fail(err error) {
	s.mu.Lock()
	s.err = err
	s.mu.Unlock()
}

func (s *v4l2Source) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	started := s.started
	close(s.stop)
	s.mu.Unlock()
	if started {
		<-s.done // the capture goroutine must not use the device after it is closed
	}
	return s.cam.Close()
}
