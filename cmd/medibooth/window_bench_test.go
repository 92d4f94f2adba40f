package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image/color"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"medibooth/booth"
)

// The desk's card colours (ui/theme.go), as the screen shows them.
var (
	cardAdmitted  = color.NRGBA{0x15, 0x80, 0x3d, 0xff}
	cardRejected  = color.NRGBA{0xb9, 0x1c, 0x1c, 0xff}
	cardIdle      = color.NRGBA{0x47, 0x55, 0x69, 0xff}
	cardDuplicate = color.NRGBA{0xf5, 0x9e, 0x0b, 0xff}
)

// BenchmarkWindowScanToGreen measures, in the real window under Xvfb, the
// time from the first key of a badge code to the green card, with the code
// typed as a keyboard-wedge scanner types it at 160 and at 40 characters a
// second (xdotool, one key press and release per digit). Each round first
// shows a red card (a code that is no badge), then types the badge of a
// visitor not yet admitted. make bench runs it (MEDIBOOTH_WINDOW_TEST=1).
func BenchmarkWindowScanToGreen(b *testing.B) {
	if os.Getenv("MEDIBOOTH_WINDOW_TEST") != "1" {
		b.Skip("set MEDIBOOTH_WINDOW_TEST=1 to drive a real window (make bench does)")
	}
	tmp := b.TempDir()
	bin, dataDir, pin := windowSetup(b, tmp)
	demo, err := booth.LoadDemo()
	if err != nil {
		b.Fatal(err)
	}
	var codes []string
	for _, v := range demo.Visitors[10:60] {
		codes = append(codes, badgeCode(b, dataDir, v.ID))
	}
	display := startXvfb(b)
	app := startApp(b, bin, dataDir, display, filepath.Join(tmp, "home"))
	wid := waitWindow(b, display, app)
	xdo(b, display, "windowfocus", "--sync", wid)
	// The lock screen takes the PIN; the desk's idle card says it is open.
	xdo(b, display, "type", "--delay", "40", pin)
	xdo(b, display, "key", "Return")
	waitColour(b, display, cardIdle)
	next := 0
	for _, cps := range []int{160, 40} {
		b.Run(fmt.Sprintf("%dcps", cps), func(b *testing.B) {
			var took, after []time.Duration
			digits, typing := 0, time.Duration(0)
			// xdotool's delay is not the time per key: it is corrected
			// after each round towards the wanted rate.
			delay := 2000.0 / float64(cps)
			for b.Loop() {
				if next == len(codes) {
					b.Fatal("out of demo visitors")
				}
				code := codes[next]
				next++
				xdo(b, display, "type", "--delay", "40", "0")
				xdo(b, display, "key", "Return")
				waitColour(b, display, cardRejected)
				start := time.Now()
				xdo(b, display, "type", "--delay", fmt.Sprint(int(delay+0.5)), code)
				typed := time.Since(start)
				xdo(b, display, "key", "Return")
				entered := time.Now()
				waitColour(b, display, cardAdmitted)
				took = append(took, time.Since(start))
				after = append(after, time.Since(entered))
				digits += len(code)
				typing += typed
				want := time.Duration(len(code)) * time.Second / time.Duration(cps)
				delay = max(1, delay*float64(want)/float64(typed))
			}
			slices.Sort(took)
			slices.Sort(after)
			b.ReportMetric(took[len(took)/2].Seconds(), "s-median")
			b.ReportMetric(took[len(took)-1].Seconds(), "s-max")
			b.ReportMetric(after[len(after)/2].Seconds(), "s-after-enter")
			b.ReportMetric(float64(digits)/typing.Seconds(), "typed-cps")
			b.ReportMetric(float64(digits)/float64(len(took)), "digits")
		})
	}
	stopApp(b, app)
}

// windowSetup builds the binary and a demo database with an administrator.
func windowSetup(t testing.TB, tmp string) (bin, dataDir, pin string) {
	t.Helper()
	bin = filepath.Join(tmp, "medibooth")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dataDir = filepath.Join(tmp, "data")
	var stderr bytes.Buffer
	m := &Main{Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return "" }}
	if code := m.Run(context.Background(), []string{"demo", "--data", dataDir}); code != 0 {
		t.Fatalf("demo: %d %s", code, stderr.String())
	}
	pin = "739146"
	m.Stdin = strings.NewReader(pin + "\n")
	if code := m.Run(context.Background(), []string{"staff", "add", "--data", dataDir, "--name", "Park Ji-woo", "--role", "admin", "--pin-stdin"}); code != 0 {
		t.Fatalf("staff add: %d %s", code, stderr.String())
	}
	return bin, dataDir, pin
}

// badgeCode returns the badge code this laptop issues a visitor.
func badgeCode(t testing.TB, dataDir, visitorID string) string {
	t.Helper()
	var out, stderr bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &stderr, Getenv: func(string) string { return "" }}
	if code := m.Run(context.Background(), []string{"badge", visitorID, "--data", dataDir}); code != 0 {
		t.Fatalf("badge: %d %s", code, stderr.String())
	}
	return strings.TrimSpace(out.String())
}

// waitColour waits until at least 2,000 pixels of the screen have colour c
// (the card is larger), reading the screen through xwd.
func waitColour(t testing.TB, display string, c color.NRGBA) {
	t.Helper()
	deadline := time.Now().Add(time.Minute) // bounds a failure only
	for time.Now().Before(deadline) {
		n, err := countColour(display, c)
		if err != nil {
			t.Fatal(err)
		}
		if n >= 2000 {
			return
		}
	}
	t.Fatalf("no %v card on the screen within a minute", c)
}

// countColour counts the screen's pixels of colour c.
func countColour(display string, c color.NRGBA) (int, error) {
	cmd := exec.Command("xwd", "-root", "-display", display)
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("xwd: %v", err)
	}
	return countXWD(out, c)
}

// countXWD counts the pixels of colour c in an XWD screen dump of 24 or 32
// bits per pixel (what xwd writes of a TrueColor Xvfb screen).
func countXWD(b []byte, c color.NRGBA) (int, error) {
	if len(b) < 100 {
		return 0, errors.New("xwd: short header")
	}
	f := func(i int) uint32 { return binary.BigEndian.Uint32(b[4*i:]) }
	headerSize, format, width, height := f(0), f(2), f(4), f(5)
	byteOrder, bpp, stride := f(7), f(11), f(12)
	rMask, gMask, bMask, ncolors := f(14), f(15), f(16), f(19)
	if format != 2 || (bpp != 32 && bpp != 24) || rMask == 0 || gMask == 0 || bMask == 0 {
		return 0, fmt.Errorf("xwd: format %d, %d bits per pixel", format, bpp)
	}
	off := int(headerSize) + 12*int(ncolors)
	if off+int(stride*height) > len(b) {
		return 0, errors.New("xwd: short image")
	}
	channel := func(p, mask uint32) uint8 {
		shift := 0
		for mask&1 == 0 {
			mask >>= 1
			shift++
		}
		return uint8(p >> shift & mask)
	}
	step, n := int(bpp/8), 0
	for y := range int(height) {
		row := b[off+y*int(stride):]
		for x := range int(width) {
			px := row[x*step : x*step+step]
			var p uint32
			for i := range step {
				if byteOrder == 0 { // LSBFirst
					p |= uint32(px[i]) << (8 * i)
				} else {
					p = p<<8 | uint32(px[i])
				}
			}
			if channel(p, rMask) == c.R && channel(p, gMask) == c.G && channel(p, bMask) == c.B {
				n++
			}
		}
	}
	return n, nil
}
