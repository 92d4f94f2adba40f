package data_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"medibooth/booth"
)

func checkin(t *testing.T, db interface {
	Checkin(context.Context, booth.CheckinRequest) (*booth.Scan, error)
}, raw string) *booth.Scan {
	t.Helper()
	s, err := db.Checkin(context.Background(), booth.CheckinRequest{Raw: raw, Window: booth.DoubleSendWindow})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCheckinDecisions(t *testing.T) {
	db, c := MustOpenDB(t)
	MustEvent(t, db)
	v := MustVisitor(t, db, "Айгерім Сейітқали")
	ctx := context.Background()

	s := checkin(t, db, v.Code+"\r")
	if s.Decision != booth.Admitted || s.VisitorID != v.ID || s.VisitorName != v.Name || s.Day != "2026-09-17" {
		t.Fatalf("first scan: %+v", s)
	}
	c.advance(3 * time.Minute)
	s = checkin(t, db, v.Code+"\n")
	if s.Decision != booth.Duplicate || s.First == nil || s.First.At.Format("15:04") != "05:00" || s.First.DeviceName == "" {
		t.Fatalf("second scan the same day: %+v first=%+v", s, s.First)
	}
	// Next event-local day: 00:30 in Almaty is still the 18th's 19:30 UTC of the 17th.
	c.t = time.Date(2026, 9, 17, 19, 30, 0, 0, time.UTC)
	if s = checkin(t, db, v.Code); s.Decision != booth.Admitted || s.Day != "2026-09-18" {
		t.Fatalf("first scan of the next Almaty day: %+v", s)
	}
	c.advance(time.Minute)
	if s = checkin(t, db, "hello world"); s.Decision != booth.Rejected || s.Reason != booth.ReasonMalformed {
		t.Fatalf("malformed: %+v", s)
	}
	c.advance(time.Minute)
	other := booth.NewCode()
	if s = checkin(t, db, other); s.Decision != booth.Rejected || s.Reason != booth.ReasonUnknown {
		t.Fatalf("unknown: %+v", s)
	}
	counts, err := db.ScanCount(ctx)
	if err != nil || counts[booth.Admitted] != 2 || counts[booth.Duplicate] != 1 || counts[booth.Rejected] != 2 {
		t.Fatalf("stored scans: %v %v", counts, err)
	}
	day, err := db.DayCounts(ctx, "2026-09-18")
	if err != nil || day.Unique != 1 || day.Scans != 3 || day.Rejected != 2 {
		t.Fatalf("day counts: %+v %v", day, err)
	}
}

func TestCheckinDoubleSendIsOneScan(t *testing.T) {
	db, c := MustOpenDB(t)
	MustEvent(t, db)
	v := MustVisitor(t, db, "Ольга Щербакова")
	first := checkin(t, db, v.Code+"\r")
	c.advance(800 * time.Millisecond)
	again := checkin(t, db, v.Code+"\t")
	if again.ID != first.ID || again.Decision != booth.Admitted {
		t.Fatalf("double send within 2 s made a new scan: %+v", again)
	}
	c.advance(1500 * time.Millisecond) // 2.3 s after the first
	later := checkin(t, db, v.Code)
	if later.ID == first.ID || later.Decision != booth.Duplicate {
		t.Fatalf("scan after the window: %+v", later)
	}
	recent, err := db.RecentScans(context.Background(), 20)
	if err != nil || len(recent) != 2 || recent[0].ID != later.ID {
		t.Fatalf("recent scans: %d %v", len(recent), err)
	}
}

func TestCheckinGarbledByKazakhLayout(t *testing.T) {
	db, _ := MustOpenDB(t)
	MustEvent(t, db)
	v := MustVisitor(t, db, "Нұрсұлтан Әбдіқадыров")
	var kz booth.Layout
	for _, l := range booth.Layouts {
		if l.Name == "kz" {
			kz = l
		}
	}
	typed := kz.Type(v.Code)
	if typed == v.Code {
		t.Fatalf("the kz layout left %s unchanged", v.Code)
	}
	if s := checkin(t, db, typed+"\r"); s.Decision != booth.Admitted || s.VisitorID != v.ID {
		t.Fatalf("code typed through kz (%q): %+v", typed, s)
	}
}

func TestCheckinLateScanKeepsItsTime(t *testing.T) {
	db, _ := MustOpenDB(t)
	MustEvent(t, db)
	v := MustVisitor(t, db, "Дәурен Омаров")
	at := time.Date(2026, 9, 17, 3, 15, 0, 0, time.UTC)
	s, err := db.Checkin(context.Background(), booth.CheckinRequest{Raw: v.Code, At: at, Late: true})
	if err != nil || s.Decision != booth.Admitted || !s.At.Equal(at) || !s.Late {
		t.Fatalf("late scan: %+v %v", s, err)
	}
	recent, _ := db.RecentScans(context.Background(), 1)
	if !recent[0].At.Equal(at) || !recent[0].Late {
		t.Fatalf("stored late scan: %+v", recent[0])
	}
}

func TestCheckinKeepsHostileRawInput(t *testing.T) {
	db, c := MustOpenDB(t)
	MustEvent(t, db)
	for _, raw := range []string{"'); DROP TABLE scan; --", "\x00\x01\x02", strings.Repeat("Ж", 2000), "\xff\xfe"} {
		c.advance(3 * time.Second)
		s := checkin(t, db, raw)
		if s.Decision != booth.Rejected || len(s.Raw) > booth.MaxRawCode {
			t.Fatalf("%q: %+v", raw[:min(len(raw), 20)], s)
		}
	}
	counts, err := db.ScanCount(context.Background())
	if err != nil || counts[booth.Rejected] != 4 {
		t.Fatalf("rejected scans stored: %v %v", counts, err)
	}
}

func TestCheckinConcurrentScannersAdmitOnce(t *testing.T) {
	db, _ := MustOpenDB(t)
	db.Now = time.Now
	MustEvent(t, db)
	v := MustVisitor(t, db, "Гүлнар Жұмабаева")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// No double-send window here: it would hide the race.
			at := time.Now().Add(time.Duration(i) * time.Millisecond)
			_, err := db.Checkin(context.Background(), booth.CheckinRequest{Raw: v.Code, At: at})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	counts, _ := db.ScanCount(context.Background())
	if counts[booth.Admitted] != 1 {
		t.Fatalf("admitted %d times, want once: %v", counts[booth.Admitted], counts)
	}
}

func TestCheckinWithoutEvent(t *testing.T) {
	db, _ := MustOpenDB(t)
	_, err := db.Checkin(context.Background(), booth.CheckinRequest{Raw: "x"})
	if booth.ErrorCode(err) != booth.ENOTFOUND || !strings.Contains(booth.ErrorMessage(err), "not set up") {
		t.Fatalf("check-in without an event: %v", err)
	}
}
