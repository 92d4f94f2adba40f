package camera

import (
	"context"
	"image"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

type report struct {
	code string
	at   time.Duration // since the first frame
}

// TestScannerReportsEachHoldOnce plays a desk scene at 2 frames a second,
// in a bubble of fake time so it runs at once and the same every time:
// badge A held for 5 s, nothing for 1.5 s, badge B for 3 s, nothing for 4 s,
// badge A again.
func TestScannerReportsEachHoldOnce(t *testing.T) {
	dir := sequence(t, codeA, 10, "", 3, codeB, 6, "", 8, codeA, 4)
	synctest.Test(t, func(t *testing.T) {
		src, err := NewFolder(dir, 2, false)
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		start := time.Now()
		var got []report
		s := &Scanner{Source: src, Decode: zxingDecode, OnCode: func(code string, at time.Time) {
			got = append(got, report{code, at.Sub(start)})
		}}
		if err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		want := []report{{codeA, 0}, {codeB, 6500 * time.Millisecond}, {codeA, 13500 * time.Millisecond}}
		if !slices.Equal(got, want) {
			t.Fatalf("reports %v, want %v", got, want)
		}
		if st := s.Stats(); st.Seen != 31 || st.Decoded != 31 || st.Dropped != 0 || st.Reported != 3 {
			t.Fatalf("stats %+v", st)
		}
	})
}

// TestScannerDropsFramesWhileDecoding feeds 10 frames a second to a decoder
// that needs 1.03 s a frame: the decoder always takes the newest frame and
// the rest are dropped, not queued.
func TestScannerDropsFramesWhileDecoding(t *testing.T) {
	dir := sequence(t, "", 20, codeA, 10)
	synctest.Test(t, func(t *testing.T) {
		src, err := NewFolder(dir, 10, false)
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		start := time.Now()
		var decodedAt []time.Duration
		var got []report
		s := &Scanner{Source: src,
			Decode: func(g *image.Gray) []string {
				decodedAt = append(decodedAt, time.Since(start))
				time.Sleep(1030 * time.Millisecond)
				return zxingDecode(g)
			},
			OnCode: func(code string, at time.Time) { got = append(got, report{code, at.Sub(start)}) },
		}
		if err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		st := s.Stats()
		if st.Seen != 30 || st.Decoded != 4 || st.Dropped != 26 {
			t.Fatalf("stats %+v: a slow decoder must skip frames, not queue them", st)
		}
		// Each decode after the first starts on the frame that came just
		// before it: at 1.03 s the frame of 1.0 s, at 2.06 s the first frame
		// showing A, taken at 2.0 s.
		want := []time.Duration{0, 1030 * time.Millisecond, 2060 * time.Millisecond, 3090 * time.Millisecond}
		if !slices.Equal(decodedAt, want) {
			t.Fatalf("decodes started at %v, want %v", decodedAt, want)
		}
		if len(got) != 1 || got[0].code != codeA || got[0].at != 2*time.Second {
			t.Fatalf("reports %v, want A from the frame of 2.0 s", got)
		}
	})
}

func TestScannerStopsWithContext(t *testing.T) {
	dir := sequence(t, codeA, 2)
	synctest.Test(t, func(t *testing.T) {
		src, err := NewFolder(dir, 5, true)
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		n := 0
		s := &Scanner{Source: src, Decode: zxingDecode, OnCode: func(string, time.Time) { n++ }}
		if err := s.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if st := s.Stats(); st.Seen < 45 || n != 1 {
			t.Fatalf("a looping folder for 10 s: stats %+v, %d reports", st, n)
		}
	})
}

// sight is a frame in a hold-rule case: the codes seen at a time in ms.
type sight struct {
	ms    int
	codes string // comma-separated
}

var holdCases = []struct {
	name   string
	frames []sight
	want   string // reports as "code@ms", space-separated
}{
	{"held for 20 s", every(0, 20000, 500, "A"), "A@0"},
	{"taken away for 1 s", append(every(0, 2000, 500, "A"), every(3000, 6000, 500, "A")...), "A@0"},
	{"away 3 s but shown again within 5 s", append(every(0, 1000, 500, "A"), every(4000, 9000, 500, "A")...), "A@0"},
	{"away 2 s and 5 s since the report", []sight{{0, "A"}, {3000, "A"}, {5000, "A"}}, "A@0 A@5000"},
	{"away just under 2 s", []sight{{0, "A"}, {4500, "A"}, {6400, "A"}}, "A@0"},
	{"away 9 s", []sight{{0, "A"}, {4500, "A"}, {13500, "A"}}, "A@0 A@13500"},
	{"two badges in one frame", []sight{{0, "A,B"}, {500, "B,A"}}, "A@0 B@0"},
	{"one code twice in a frame", []sight{{0, "A,A"}}, "A@0"},
	{"badges in turn", []sight{{0, "A"}, {500, "B"}, {1000, "A"}, {1500, "C"}}, "A@0 B@500 C@1500"},
	{"empty frames and codes", []sight{{0, ""}, {500, ",A,"}}, "A@500"},
	{"a queue of visitors", append(append(every(0, 3000, 500, "A"), every(3500, 6000, 500, "B")...), every(6500, 9000, 500, "C")...), "A@0 B@3500 C@6500"},
}

func every(from, to, step int, codes string) []sight {
	var out []sight
	for ms := from; ms <= to; ms += step {
		out = append(out, sight{ms, codes})
	}
	return out
}

func runHold(h *holdFilter, frames []sight) string {
	t0 := time.Date(2026, 9, 17, 9, 0, 0, 0, time.UTC)
	var out []string
	for _, f := range frames {
		var codes []string
		if f.codes != "" {
			codes = strings.Split(f.codes, ",")
		}
		for _, c := range h.see(codes, t0.Add(time.Duration(f.ms)*time.Millisecond)) {
			out = append(out, c+"@"+strconv.Itoa(f.ms))
		}
	}
	return strings.Join(out, " ")
}

func TestHoldRule(t *testing.T) {
	for _, c := range holdCases {
		t.Run(c.name, func(t *testing.T) {
			if got := runHold(&holdFilter{absent: DefaultAbsent, hold: DefaultHold}, c.frames); got != c.want {
				t.Fatalf("reports %q, want %q", got, c.want)
			}
		})
	}
}

// FuzzHoldRule checks the filter against the rule as written, with no
// forgetting: forgetting old codes must never change a report.
func FuzzHoldRule(f *testing.F) {
	for _, c := range holdCases {
		var b []byte
		last := 0
		for _, s := range c.frames {
			step := (s.ms - last) / 100
			last = s.ms
			for step > 255 {
				b = append(b, 255, 0)
				step -= 255
			}
			mask := byte(0)
			for i, code := range []string{"A", "B", "C"} {
				if strings.Contains(s.codes, code) {
					mask |= 1 << i
				}
			}
			b = append(b, byte(step), mask)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h := holdFilter{absent: DefaultAbsent, hold: DefaultHold}
		type state struct{ seen, reported time.Time }
		model := map[string]*state{}
		at := time.Date(2026, 9, 17, 9, 0, 0, 0, time.UTC)
		for i := 0; i+1 < len(b); i += 2 {
			at = at.Add(time.Duration(b[i]) * 100 * time.Millisecond)
			var codes []string
			for j, code := range []string{"A", "B", "C"} {
				if b[i+1]&(1<<j) != 0 {
					codes = append(codes, code)
				}
			}
			var want []string
			for _, c := range codes {
				s := model[c]
				switch {
				case s == nil:
					model[c] = &state{at, at}
					want = append(want, c)
				case s.seen.Equal(at):
				case at.Sub(s.seen) >= DefaultAbsent && at.Sub(s.reported) >= DefaultHold:
					s.seen, s.reported = at, at
					want = append(want, c)
				default:
					s.seen = at
				}
			}
			if got := h.see(codes, at); !slices.Equal(got, want) {
				t.Fatalf("frame %d: reported %v, want %v", i/2, got, want)
			}
		}
	})
}
