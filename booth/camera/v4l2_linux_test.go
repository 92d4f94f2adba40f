//go:build linux

package camera

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/blackjack/webcam"

	"medibooth/booth"
)

// TestDevicesOnThisMachine lists the cameras of whatever machine runs the
// tests: a list of named capture devices, or one sentence saying why not.
func TestDevicesOnThisMachine(t *testing.T) {
	devs, err := Devices()
	if err != nil {
		msg := booth.ErrorMessage(err)
		if len(devs) != 0 || !oneSentence(msg) {
			t.Fatalf("Devices: %d devices and %v", len(devs), err)
		}
		return
	}
	for _, d := range devs {
		if !strings.HasPrefix(d.Path, "/dev/video") || d.Name == "" {
			t.Errorf("device %+v", d)
		}
	}
}

func TestOpenMissingDevice(t *testing.T) {
	src, err := Open("/dev/video9", 1280, 720)
	if err == nil {
		src.Close()
		t.Skip("this machine has a /dev/video9")
	}
	if booth.ErrorCode(err) != booth.ENOTFOUND {
		t.Fatalf("code %q for %v", booth.ErrorCode(err), err)
	}
	if msg := booth.ErrorMessage(err); msg != "The chosen camera is not connected; plug it in or choose another camera." {
		t.Fatalf("message %q", msg)
	}
	if !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("the log loses the reason: %v", err)
	}
}

func TestOpenSomethingElse(t *testing.T) {
	_, err := Open("/dev/null", 1280, 720)
	if booth.ErrorCode(err) != booth.EINVALID || booth.ErrorMessage(err) != "The chosen device is not a camera that medibooth can read." {
		t.Fatalf("Open(/dev/null): %v", err)
	}
}

// TestCapabilityLayout guards the copy of struct v4l2_capability: the ioctl
// number encodes its size, 104 bytes.
func TestCapabilityLayout(t *testing.T) {
	if n := unsafe.Sizeof(v4l2Capability{}); n != 104 || vidiocQueryCap>>16&0x3fff != 104 {
		t.Fatalf("v4l2_capability is %d bytes here", n)
	}
}

func oneSentence(s string) bool {
	return s != "" && strings.ToUpper(s[:1]) == s[:1] && strings.HasSuffix(s, ".") && strings.Count(s, ". ") == 0
}

func discrete(w, h uint32) webcam.FrameSize {
	return webcam.FrameSize{MinWidth: w, MaxWidth: w, MinHeight: h, MaxHeight: h}
}

func TestChooseFormatAndSize(t *testing.T) {
	common := []webcam.FrameSize{discrete(640, 480), discrete(1280, 720), discrete(320, 240)}
	stepwise := []webcam.FrameSize{{MinWidth: 160, MaxWidth: 1920, StepWidth: 16, MinHeight: 120, MaxHeight: 1080, StepHeight: 8}}
	for _, c := range []struct {
		name    string
		formats []webcam.PixelFormat
		sizes   map[webcam.PixelFormat][]webcam.FrameSize
		want    choice
		ok      bool
	}{
		{"raw at 720p", []webcam.PixelFormat{formatYUYV, formatMJPG},
			map[webcam.PixelFormat][]webcam.FrameSize{formatYUYV: common, formatMJPG: common}, choice{formatYUYV, 1280, 720}, true},
		{"720p only compressed", []webcam.PixelFormat{formatYUYV, formatMJPG},
			map[webcam.PixelFormat][]webcam.FrameSize{formatYUYV: common[:1], formatMJPG: common}, choice{formatMJPG, 1280, 720}, true},
		{"MJPEG only", []webcam.PixelFormat{formatMJPG},
			map[webcam.PixelFormat][]webcam.FrameSize{formatMJPG: common}, choice{formatMJPG, 1280, 720}, true},
		{"VGA camera", []webcam.PixelFormat{formatYUYV},
			map[webcam.PixelFormat][]webcam.FrameSize{formatYUYV: {discrete(320, 240), discrete(640, 480)}}, choice{formatYUYV, 640, 480}, true},
		{"odd sizes", []webcam.PixelFormat{formatYUYV},
			map[webcam.PixelFormat][]webcam.FrameSize{formatYUYV: {discrete(352, 288), discrete(1024, 768)}}, choice{formatYUYV, 1024, 768}, true},
		{"stepwise", []webcam.PixelFormat{formatYUYV},
			map[webcam.PixelFormat][]webcam.FrameSize{formatYUYV: stepwise}, choice{formatYUYV, 1280, 720}, true},
		{"sizes not listed", []webcam.PixelFormat{formatMJPG}, nil, choice{formatMJPG, 1280, 720}, true},
		{"no format we read", []webcam.PixelFormat{'H' | '2'<<8 | '6'<<16 | '4'<<24}, nil, choice{}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			formats := map[webcam.PixelFormat]string{}
			for _, f := range c.formats {
				formats[f] = "x"
			}
			got, ok := choose(formats, func(f webcam.PixelFormat) []webcam.FrameSize { return c.sizes[f] }, 1280, 720)
			if got != c.want || ok != c.ok {
				t.Fatalf("got %+v %v, want %+v %v", got, ok, c.want, c.ok)
			}
		})
	}
}
