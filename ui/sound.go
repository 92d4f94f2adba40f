package ui

import (
	"bytes"
	"context"
	"encoding/binary"
	"log"
	"math"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"time"

	"medibooth/booth"
)

// At a noisy fair staff often look at the visitor, not the screen: every
// scan result also sounds, and the three results sound unlike each other —
// one short high beep for admitted, two middle beeps for already checked in,
// a long low buzz for rejected.

// tone is one beep: a frequency, how long, and the pause after it.
type tone struct {
	hz         float64
	dur, pause time.Duration
}

var decisionTones = map[booth.Decision][]tone{
	booth.Admitted:  {{1320, 120 * time.Millisecond, 0}},
	booth.Duplicate: {{880, 110 * time.Millisecond, 90 * time.Millisecond}, {880, 110 * time.Millisecond, 0}},
	booth.Rejected:  {{220, 450 * time.Millisecond, 0}},
}

const sampleRate = 22050

// wav renders tones as a 16-bit mono WAV file. Each beep fades in and out
// over 5 ms so the speaker does not click.
func wav(tones []tone) []byte {
	var pcm []int16
	for _, t := range tones {
		n := int(t.dur.Seconds() * sampleRate)
		fade := sampleRate / 200
		for i := range n {
			amp := 0.6
			if i < fade {
				amp *= float64(i) / float64(fade)
			} else if n-i < fade {
				amp *= float64(n-i) / float64(fade)
			}
			pcm = append(pcm, int16(amp*math.MaxInt16*math.Sin(2*math.Pi*t.hz*float64(i)/sampleRate)))
		}
		pcm = append(pcm, make([]int16, int(t.pause.Seconds()*sampleRate))...)
	}
	var b bytes.Buffer
	data := uint32(2 * len(pcm))
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, 36+data)
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(sampleRate), uint32(2 * sampleRate), uint16(2), uint16(16)} {
		binary.Write(&b, binary.LittleEndian, v) // PCM, mono, 16 bits
	}
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, data)
	binary.Write(&b, binary.LittleEndian, pcm)
	return b.Bytes()
}

// player plays the result sounds through the operating system's own player:
// paplay, pw-play or aplay on Linux, afplay on macOS, PowerShell's
// SoundPlayer on Windows. Without one the desk stays silent and says so once
// in the log; the colours still show every result.
type player struct {
	once  sync.Once
	files map[booth.Decision]string
	cmd   []string // the player and its options, before the file
	busy  sync.Mutex
}

var systemPlayer player

// candidates are the players to look for, best first.
func candidates() [][]string {
	switch runtime.GOOS {
	case "darwin":
		return [][]string{{"afplay"}}
	case "windows":
		return [][]string{{"powershell", "-NoProfile", "-NonInteractive", "-Command", "(New-Object Media.SoundPlayer $args[0]).PlaySync()"}}
	}
	return [][]string{{"paplay"}, {"pw-play"}, {"aplay", "-q"}}
}

func (p *player) setup() {
	for _, c := range candidates() {
		if _, err := exec.LookPath(c[0]); err == nil {
			p.cmd = c
			break
		}
	}
	if p.cmd == nil {
		log.Printf("no sound player found (paplay, pw-play or aplay); scan results show in colour only")
		return
	}
	dir, err := os.MkdirTemp("", "medibooth-sounds")
	if err != nil {
		log.Printf("sounds: %v", err)
		p.cmd = nil
		return
	}
	p.files = map[booth.Decision]string{}
	for d, tones := range decisionTones {
		f := dir + string(os.PathSeparator) + string(d) + ".wav"
		if err := os.WriteFile(f, wav(tones), 0o644); err != nil {
			log.Printf("sounds: %v", err)
			p.cmd = nil
			return
		}
		p.files[d] = f
	}
}

// play sounds d in the background. A sound still playing is not queued up
// behind: a new result cuts in only after it, and results that come faster
// than their sounds skip theirs, so the speaker never lags the screen.
func (p *player) play(d booth.Decision) {
	p.once.Do(p.setup)
	if p.cmd == nil || p.files[d] == "" {
		return
	}
	if !p.busy.TryLock() {
		return
	}
	go func() {
		defer p.busy.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		args := append(append([]string(nil), p.cmd[1:]...), p.files[d])
		if out, err := exec.CommandContext(ctx, p.cmd[0], args...).CombinedOutput(); err != nil {
			log.Printf("sound: %v %s", err, out)
		}
	}()
}

// sound plays the sound of a scan result.
func (u *App) sound(d booth.Decision) {
	if !u.fyne.Preferences().BoolWithFallback(prefSound, true) {
		return
	}
	if u.cfg.Sound != nil {
		u.cfg.Sound(d)
		return
	}
	systemPlayer.play(d)
}
