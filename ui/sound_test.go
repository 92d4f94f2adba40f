package ui

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"medibooth/booth"
)

func TestResultSoundsDiffer(t *testing.T) {
	lengths := map[int]booth.Decision{}
	for d, tones := range decisionTones {
		b := wav(tones)
		if string(b[:4]) != "RIFF" || string(b[8:16]) != "WAVEfmt " || string(b[36:40]) != "data" {
			t.Fatalf("%s: not a WAV file", d)
		}
		if rate := binary.LittleEndian.Uint32(b[24:28]); rate != sampleRate {
			t.Fatalf("%s: sample rate %d", d, rate)
		}
		n := int(binary.LittleEndian.Uint32(b[40:44]))
		if n != len(b)-44 || n < sampleRate/10 {
			t.Fatalf("%s: %d bytes of sound in a file of %d", d, n, len(b))
		}
		if bytes.Count(b[44:], []byte{0, 0}) > n/4 {
			t.Fatalf("%s: mostly silence", d)
		}
		if other, dup := lengths[n]; dup {
			t.Fatalf("%s sounds as long as %s", d, other)
		}
		lengths[n] = d
	}
	if len(decisionTones) != 3 {
		t.Fatalf("sounds for %d results, want admitted, duplicate and rejected", len(decisionTones))
	}
}

// The sound goes through the system's player; a fake aplay records what it
// was asked to play.
func TestPlayerRunsTheSystemPlayer(t *testing.T) {
	bin := t.TempDir()
	got := filepath.Join(bin, "played")
	script := "#!/bin/sh\nfor a; do f=\"$a\"; done\ncat \"$f\" > " + got + "\n"
	for _, name := range []string{"paplay", "pw-play", "aplay"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	var p player
	p.play(booth.Rejected)
	deadline := time.Now().Add(time.Minute) // bounds a failure only: a busy machine is slow
	for time.Now().Before(deadline) {
		b, err := os.ReadFile(got)
		if err == nil && bytes.Equal(b, wav(decisionTones[booth.Rejected])) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the player did not get the rejected sound")
}

// Every result on the desk sounds: admitted, already checked in, rejected.
func TestDeskSoundsEveryResult(t *testing.T) {
	u, _, demo := newTestDesk(t)
	var mu sync.Mutex
	var heard []booth.Decision
	u.cfg.Sound = func(d booth.Decision) {
		mu.Lock()
		heard = append(heard, d)
		mu.Unlock()
	}
	code := demo.Visitors[3].Code
	for _, raw := range []string{code, "garbage", code} {
		mu.Lock()
		n := len(heard)
		mu.Unlock()
		act(func() { u.desk.onScan(raw) })
		eventually(t, "a sound", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(heard) > n
		})
	}
	mu.Lock()
	defer mu.Unlock()
	want := []booth.Decision{booth.Admitted, booth.Rejected, booth.Duplicate}
	if len(heard) != 3 || heard[0] != want[0] || heard[1] != want[1] || heard[2] != want[2] {
		t.Fatalf("heard %v, want %v", heard, want)
	}
}
