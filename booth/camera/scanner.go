package camera

import (
	"context"
	"image"
	"sync/atomic"
	"time"
)

// The hold rule's defaults; see Scanner.
const (
	DefaultAbsent = 2 * time.Second
	DefaultHold   = 5 * time.Second
)

// Scanner is the continuous scanning loop: it decodes the frames of a Source
// and reports each badge code once while it is held in front of the camera.
//
// The hold rule, with times taken from Frame.At: a code is reported when it
// is first seen. Once reported, it is reported again only when it reappears
// after it has been absent from the decoded frames for at least Absent AND
// at least Hold has passed since it was last reported. A badge held still for
// a minute is one report; the same badge taken away and shown again a few
// seconds later is one report too; different codes in a row are each reported.
//
// Decoding runs on its own goroutine and never falls behind the camera:
// while a decode runs, only the newest frame waits, and the older waiting one
// is dropped (counted in Stats.Dropped).
type Scanner struct {
	Source Source
	// Decode returns the codes found in a grey frame, such as qr.DecodeGray.
	Decode func(*image.Gray) []string
	// OnCode is called for each report, one at a time, from the decoding
	// goroutine; at is the time of the frame the code was seen in.
	OnCode func(code string, at time.Time)
	// OnFrame, if set, sees every frame received, for a preview. It is called
	// from the receiving goroutine and must return quickly.
	OnFrame func(Frame)
	// Absent and Hold tune the hold rule; zero means DefaultAbsent and
	// DefaultHold.
	Absent, Hold time.Duration

	seen, decoded, dropped, reported atomic.Uint64
}

// Stats counts what a Scanner did, for the status line.
type Stats struct {
	Seen     uint64 // frames received from the source
	Decoded  uint64 // frames decoded
	Dropped  uint64 // frames skipped because a decode was still running
	Reported uint64 // codes reported
}

// Stats returns the counters so far; it is safe to call while Run runs.
func (s *Scanner) Stats() Stats {
	return Stats{Seen: s.seen.Load(), Decoded: s.decoded.Load(), Dropped: s.dropped.Load(), Reported: s.reported.Load()}
}

// Run scans until the source's frames end: ctx done, the source closed, out
// of pictures or failed. It returns the source's Err, or the error of
// starting it. Run does not close the source.
func (s *Scanner) Run(ctx context.Context) error {
	frames, err := s.Source.Frames(ctx)
	if err != nil {
		return err
	}
	// A mailbox of one: the decoder takes the newest frame when it is ready.
	next := make(chan Frame, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.decodeLoop(next)
	}()
	for f := range frames {
		s.seen.Add(1)
		if s.OnFrame != nil {
			s.OnFrame(f)
		}
		select {
		case next <- f:
			continue
		default:
		}
		// The decoder is busy and a frame is waiting: replace it. The decoder
		// may take the waiting one meanwhile, so the drain must not block;
		// this goroutine is the only sender, so the send then cannot block.
		select {
		case <-next:
			s.dropped.Add(1)
		default:
		}
		next <- f
	}
	close(next)
	<-done
	return s.Source.Err()
}

func (s *Scanner) decodeLoop(next <-chan Frame) {
	h := holdFilter{absent: s.Absent, hold: s.Hold}
	if h.absent <= 0 {
		h.absent = DefaultAbsent
	}
	if h.hold <= 0 {
		h.hold = DefaultHold
	}
	for f := range next {
		codes := s.Decode(f.Gray)
		s.decoded.Add(1)
		for _, c := range h.see(codes, f.At) {
			s.reported.Add(1)
			if s.OnCode != nil {
				s.OnCode(c, f.At)
			}
		}
	}
}

// holdFilter applies the hold rule (see Scanner).
type holdFilter struct {
	absent, hold time.Duration
	codes        map[string]*sighting
}

type sighting struct {
	lastSeen, lastReported time.Time
}

// see takes the codes of one decoded frame taken at at and returns those to
// report, in the order given, each at most once.
func (h *holdFilter) see(codes []string, at time.Time) []string {
	if h.codes == nil {
		h.codes = map[string]*sighting{}
	}
	var out []string
	for _, c := range codes {
		if c == "" {
			continue
		}
		s, ok := h.codes[c]
		switch {
		case !ok:
			h.codes[c] = &sighting{lastSeen: at, lastReported: at}
			out = append(out, c)
		case s.lastSeen.Equal(at):
			// the same code twice in one frame
		case at.Sub(s.lastSeen) >= h.absent && at.Sub(s.lastReported) >= h.hold:
			s.lastSeen, s.lastReported = at, at
			out = append(out, c)
		default:
			s.lastSeen = at
		}
	}
	h.forget(at)
	return out
}

// forget drops codes that would be reported anew anyway, so a desk that runs
// all day keeps a short list.
func (h *holdFilter) forget(now time.Time) {
	for c, s := range h.codes {
		if now.Sub(s.lastSeen) >= h.absent && now.Sub(s.lastReported) >= h.hold {
			delete(h.codes, c)
		}
	}
}
