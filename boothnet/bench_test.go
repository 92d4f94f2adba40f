package boothnet_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"medibooth/booth"
	"medibooth/boothnet"
	"medibooth/data"
)

// The booth network's figures: five laptops of the demo event (a desk, a
// doctors' laptop and three more), joined from HQ's event package, on
// loopback addresses, each knowing the others' addresses as multicast DNS
// would tell them, and exchanging as the desk's window does (a round as
// soon as something changed, else every 5 s).

const (
	benchLaptops = 5
	// benchWalkIns are the visitors registered at the desk before the
	// figures are taken, known to every laptop.
	benchWalkIns = 2000
	// benchWait bounds the wait for one change to cross the booth
	// network, convergeWait for every laptop to hold every change.
	benchWait    = 30 * time.Second
	convergeWait = 2 * time.Minute
)

// benchClock is the booth's clock: the event's first morning, running
// from the start of the benchmark; day moves it to another day of the
// event.
type benchClock struct {
	base  time.Time
	start time.Time
	days  atomic.Int64
}

func (c *benchClock) Now() time.Time {
	return c.base.AddDate(0, 0, int(c.days.Load())).Add(time.Since(c.start))
}

// benchExchange is one exchange as a laptop logged it.
type benchExchange struct {
	laptop   int
	role     string
	took     time.Duration
	received int
	sent     int
	bytes    int64
	err      error
}

type benchBooth struct {
	clock    *benchClock
	demo     *booth.Demo
	laptops  []*data.DB
	switches []*boothnet.Switch
	addrs    []string
	hq       string // the device id of HQ, where the event was set up
	// prereg are HQ's pre-registered visitors, walkIns those registered
	// at the desk (laptop 0); every laptop holds both.
	prereg, walkIns []booth.Visitor

	// written counts each laptop's writes of keepWriting, so that a queue
	// entry is never made twice.
	written [benchLaptops]int

	mu   sync.Mutex
	logs []benchExchange
}

// newBenchBooth sets up HQ with the demo event, packages it, joins five
// laptops, registers the walk-ins at the desk and puts every laptop on the
// booth network; it returns once every laptop holds every laptop's writes.
func newBenchBooth(b *testing.B) *benchBooth {
	b.Helper()
	ctx := context.Background()
	demo, err := booth.LoadDemo()
	if err != nil {
		b.Fatal(err)
	}
	loc, err := time.LoadLocation(demo.Event.TimeZone)
	if err != nil {
		b.Fatal(err)
	}
	start, err := time.ParseInLocation("2006-01-02 15:04", demo.Event.Start+" 09:00", loc)
	if err != nil {
		b.Fatal(err)
	}
	bb := &benchBooth{clock: &benchClock{base: start, start: time.Now()}, demo: demo}
	dir := b.TempDir()
	hq := bb.open(b, filepath.Join(dir, "hq"))
	if _, err := hq.LoadDemo(ctx, demo); err != nil {
		b.Fatal(err)
	}
	var p *booth.EventPackage
	pkg, err := hq.Package(ctx)
	if err == nil {
		p, err = booth.OpenPackage(pkg)
	}
	if err != nil {
		b.Fatal(err)
	}
	bb.prereg = p.Visitors
	bb.hq = p.Event.DeviceID
	for i := range benchLaptops {
		db := bb.open(b, filepath.Join(dir, fmt.Sprint("laptop", i)))
		name := fmt.Sprint("Doctors ", i)
		if i == 0 {
			name = "Desk"
		}
		if _, err := db.Join(ctx, p, name); err != nil {
			b.Fatal(err)
		}
		bb.laptops = append(bb.laptops, db)
	}
	bb.walkIns = benchVisitors(benchWalkIns)
	if _, err := bb.laptops[0].Import(ctx, bb.walkIns); err != nil {
		b.Fatal(err)
	}
	for i, db := range bb.laptops {
		sw := &boothnet.Switch{DB: db, Options: boothnet.Options{Listen: "127.0.0.1:0", NoMDNS: true,
			Log: func(role string, r booth.PeerResult, err error) { bb.logExchange(i, role, r, err) }}}
		if err := sw.SetOn(true); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { sw.SetOn(false) })
		_, port, _ := sw.Status()
		// Back on the same address after SetOn(false), as a laptop whose
		// address the others typed in.
		sw.Options.Listen = fmt.Sprintf("127.0.0.1:%d", port)
		bb.switches = append(bb.switches, sw)
		bb.addrs = append(bb.addrs, sw.Options.Listen)
	}
	for i, db := range bb.laptops {
		for j, a := range bb.addrs {
			if i != j {
				if err := db.AddPeerAddr(ctx, a); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	bb.converge(b)
	return bb
}

func (bb *benchBooth) open(b *testing.B, dir string) *data.DB {
	b.Helper()
	db, err := data.Open(filepath.Join(dir, data.FileName))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	db.Now = bb.clock.Now
	return db
}

// benchVisitors are n visitors as a desk registers them.
func benchVisitors(n int) []booth.Visitor {
	r := rand.New(rand.NewPCG(7, 7))
	given := []string{"Айгерім", "Нұрсұлтан", "Ольга", "Дмитрий", "Aigerim", "Timur", "김민준", "Елена"}
	family := []string{"Сейітқали", "Омаров", "Ким", "Пак", "Nurlanova", "Abdullaev", "Соколова"}
	vs := make([]booth.Visitor, n)
	for i := range vs {
		vs[i] = booth.Visitor{Name: given[r.IntN(len(given))] + " " + family[r.IntN(len(family))],
			Phone: fmt.Sprintf("+7702%07d", i), BirthYear: 1950 + r.IntN(55)}
	}
	return vs
}

func (bb *benchBooth) logExchange(i int, role string, r booth.PeerResult, err error) {
	took, _ := time.ParseDuration(r.Took)
	bb.mu.Lock()
	defer bb.mu.Unlock()
	bb.logs = append(bb.logs, benchExchange{laptop: i, role: role, took: took, received: r.Received, sent: r.Sent, bytes: r.Bytes, err: err})
}

// takeLogs returns the exchanges logged since the last call.
func (bb *benchBooth) takeLogs() []benchExchange {
	bb.mu.Lock()
	defer bb.mu.Unlock()
	out := bb.logs
	bb.logs = nil
	return out
}

// converge waits until every laptop on the network holds the writes of
// every laptop (HQ's rows aside: each laptop numbers its copy itself).
func (bb *benchBooth) converge(b *testing.B, on ...int) {
	b.Helper()
	if on == nil {
		for i := range bb.laptops {
			on = append(on, i)
		}
	}
	ctx := context.Background()
	deadline := time.Now().Add(convergeWait)
	for {
		var first map[string]int64
		same := true
		for _, i := range on {
			v, err := bb.laptops[i].PeerState(ctx)
			if err != nil {
				b.Fatal(err)
			}
			delete(v, bb.hq)
			if first == nil {
				first = v
			} else if len(v) != len(first) || !covers(v, first) {
				same = false
			}
		}
		if same {
			return
		}
		if time.Now().After(deadline) {
			for _, l := range bb.takeLogs() {
				if l.err != nil {
					b.Log(l.laptop, l.role, l.err)
				}
			}
			b.Fatalf("the laptops did not converge within %s", convergeWait)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func covers(have, need map[string]int64) bool {
	for dev, seq := range need {
		if have[dev] != seq {
			return false
		}
	}
	return true
}

// hospitals are the demo event's hospitals.
func (bb *benchBooth) hospitals() []booth.Org {
	var out []booth.Org
	for _, o := range bb.demo.Orgs {
		if o.Kind == booth.OrgHospital {
			out = append(out, o)
		}
	}
	return out
}

// BenchmarkBoothSendToQueue sends 200 visitors at the desk to a hospital
// and measures, for each, the time from the desk's Enqueue until the
// doctors' laptop lists the entry in that hospital's queue. The doctors'
// laptop is asked every 5 ms whether anything changed (db.Changes), and
// reads its queue when it did; the doctors' screen asks every 250 ms, so
// on screen add 0-250 ms to these figures. The doctor starts and finishes
// each consultation once the visitor is in the queue, and the desk sends
// the next after a pause of up to half a second.
func BenchmarkBoothSendToQueue(b *testing.B) {
	const sends = 200
	bb := newBenchBooth(b)
	ctx := context.Background()
	desk, doctor := bb.laptops[0], bb.laptops[1]
	hospital := bb.hospitals()[0]
	visitors := append(slices.Clone(bb.prereg), bb.walkIns...)
	r := rand.New(rand.NewPCG(11, 11))
	bb.takeLogs()
	var lat []time.Duration
	b.ResetTimer()
	for n := range b.N {
		for i := range sends {
			time.Sleep(time.Duration(r.Int64N(int64(500 * time.Millisecond))))
			v := visitors[(n*sends+i)%len(visitors)]
			seen := doctor.Changes()
			t0 := time.Now()
			e, err := desk.Enqueue(ctx, v.ID, hospital.ID, "")
			if err != nil {
				b.Fatal(err)
			}
			waitQueued(b, doctor, hospital.ID, e.ID, seen)
			lat = append(lat, time.Since(t0))
			for _, a := range []booth.QueueAction{booth.QueueStart, booth.QueueFinish} {
				if _, err := doctor.MoveQueue(ctx, e.ID, a); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(ms(percentile(lat, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(lat, 99)), "p99-ms")
	b.ReportMetric(ms(slices.Max(lat)), "max-ms")
	reportExchanges(b, bb.takeLogs())
}

// waitQueued waits, within benchWait, until db lists entry id in the
// hospital's queue, reading the queue only when db.Changes moved from seen.
func waitQueued(b *testing.B, db *data.DB, hospitalID, id string, seen int64) {
	b.Helper()
	deadline := time.Now().Add(benchWait)
	for time.Now().Before(deadline) {
		if c := db.Changes(); c != seen {
			seen = c
			es, err := db.Queue(context.Background(), hospitalID, false)
			if err != nil {
				b.Fatal(err)
			}
			if slices.ContainsFunc(es, func(e booth.QueueEntry) bool { return e.ID == id }) {
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.Fatalf("the entry did not reach the doctors' laptop within %s", benchWait)
}

// BenchmarkBoothCheckinWhileExchanging checks in 2,000 badges at the desk,
// one every 10 ms, three times, on a day of its own each time (every
// check-in a first admission): with the other four laptops off the network
// (an idle booth: the desk alone); with all five on it and each of the
// other four writing a scan or a queue entry every 500 ms, so that every
// laptop keeps exchanging (busy); and, to tell the desk's own exchanges
// from the other laptops' work on this one computer, with the desk off the
// network and the other four as busy (others). It reports each run's p50
// and p99 and the ratios of the p99s to the idle one; the goal is busy
// within 10 % of idle.
func BenchmarkBoothCheckinWhileExchanging(b *testing.B) {
	const checkins = benchWalkIns
	bb := newBenchBooth(b)
	ctx := context.Background()
	desk := bb.laptops[0]
	codes := make([]string, checkins)
	for i, v := range bb.walkIns[:checkins] {
		code, _, err := desk.BadgeCode(ctx, v.ID)
		if err != nil {
			b.Fatal(err)
		}
		codes[i] = code
	}
	var idle, busy, others []time.Duration
	var busyLogs []benchExchange
	b.ResetTimer()
	for n := range b.N {
		bb.clock.days.Store(int64(3 * n))
		bb.setOn(b, false, 1, 2, 3, 4)
		idle = append(idle, runCheckins(b, desk, codes)...)

		bb.clock.days.Add(1)
		bb.setOn(b, true, 1, 2, 3, 4)
		bb.converge(b)
		bb.takeLogs()
		stop := bb.keepWriting(b)
		busy = append(busy, runCheckins(b, desk, codes)...)
		stop()
		busyLogs = append(busyLogs, bb.takeLogs()...)
		bb.converge(b)

		bb.clock.days.Add(1)
		bb.setOn(b, false, 0)
		stop = bb.keepWriting(b)
		others = append(others, runCheckins(b, desk, codes)...)
		stop()
		bb.setOn(b, true, 0)
		bb.converge(b)
	}
	b.StopTimer()
	i99 := percentile(idle, 99)
	for _, r := range []struct {
		name string
		ds   []time.Duration
	}{{"idle", idle}, {"busy", busy}, {"others", others}} {
		b.ReportMetric(ms(percentile(r.ds, 50)), r.name+"-p50-ms")
		b.ReportMetric(ms(percentile(r.ds, 99)), r.name+"-p99-ms")
		if r.name != "idle" {
			b.ReportMetric(float64(percentile(r.ds, 99))/float64(i99), r.name+"/idle-p99")
		}
	}
	reportExchanges(b, busyLogs)
}

// setOn puts the laptops numbered on the booth network, or off it.
func (bb *benchBooth) setOn(b *testing.B, on bool, laptops ...int) {
	b.Helper()
	for _, i := range laptops {
		if err := bb.switches[i].SetOn(on); err != nil {
			b.Fatal(err)
		}
	}
}

// runCheckins checks in every code once at the desk, one every 10 ms, and
// returns how long each took.
func runCheckins(b *testing.B, desk *data.DB, codes []string) []time.Duration {
	b.Helper()
	ctx := context.Background()
	out := make([]time.Duration, 0, len(codes))
	for _, code := range codes {
		time.Sleep(10 * time.Millisecond)
		t0 := time.Now()
		s, err := desk.Checkin(ctx, booth.CheckinRequest{Raw: code + "\r", Window: booth.DoubleSendWindow})
		if err != nil || s.Decision != booth.Admitted {
			b.Fatalf("check-in: %+v %v", s, err)
		}
		out = append(out, time.Since(t0))
	}
	return out
}

// keepWriting has each laptop but the desk write every 500 ms, by turns a
// scan of a pre-registered visitor's number and a queue entry of a walk-in,
// until the function it returns is called.
func (bb *benchBooth) keepWriting(b *testing.B) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	hospitals := bb.hospitals()
	var wg sync.WaitGroup
	errs := make(chan error, len(bb.laptops))
	for k := 1; k < len(bb.laptops); k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := bb.laptops[k]
			t := time.NewTicker(500 * time.Millisecond)
			defer t.Stop()
			for ; ; bb.written[k]++ {
				j := bb.written[k]
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
				var err error
				if j%2 == 0 {
					v := bb.prereg[(j/2*4+k)%len(bb.prereg)]
					_, err = db.Checkin(ctx, booth.CheckinRequest{Raw: v.Code + "\r"})
				} else {
					// Each laptop its own hospital and its own visitors:
					// no visitor twice in one queue.
					v := bb.walkIns[(j/2*4+k)%len(bb.walkIns)]
					_, err = db.Enqueue(ctx, v.ID, hospitals[k%len(hospitals)].ID, "")
				}
				if err != nil && ctx.Err() == nil {
					errs <- err
					return
				}
			}
		}()
	}
	return func() {
		cancel()
		wg.Wait()
		select {
		case err := <-errs:
			b.Fatal(err)
		default:
		}
	}
}

// reportExchanges reports how many exchanges the laptops made and served
// and how long those that carried a delta took, and logs what they carried.
func reportExchanges(b *testing.B, logs []benchExchange) {
	var made, failed int
	var took []time.Duration
	var rows, bytes int64
	for _, l := range logs {
		if l.role != "exchanged with" {
			continue
		}
		if l.err != nil {
			failed++
			continue
		}
		made++
		if l.received+l.sent > 0 {
			took = append(took, l.took)
			rows += int64(l.received + l.sent)
			bytes += l.bytes
		}
	}
	b.ReportMetric(float64(made), "exchanges")
	if len(took) == 0 {
		return
	}
	b.ReportMetric(ms(percentile(took, 50)), "exchange-p50-ms")
	b.ReportMetric(ms(percentile(took, 99)), "exchange-p99-ms")
	b.Logf("%d exchanges (%d failed), %d with deltas: %d rows and %d KB on average, took p50 %s p99 %s",
		made, failed, len(took), rows/int64(len(took)), bytes/int64(len(took))>>10,
		percentile(took, 50).Round(time.Millisecond), percentile(took, 99).Round(time.Millisecond))
}

func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkBoothDelta makes at the desk, 20 times, the delta the doctors'
// laptop asks for when it holds everything already, and merges it there:
// what every exchange that carries a delta pays at the least, since HQ's
// rows travel whole (data.ExportDelta). The laptops are off the network.
func BenchmarkBoothDelta(b *testing.B) {
	const deltas = 20
	bb := newBenchBooth(b)
	bb.setOn(b, false, 0, 1, 2, 3, 4)
	ctx := context.Background()
	desk, doctor := bb.laptops[0], bb.laptops[1]
	since, err := doctor.PeerState(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var export, merge []time.Duration
	var res data.DeltaResult
	b.ResetTimer()
	for range b.N * deltas {
		path, err := desk.PeerTempFile()
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		res, err = desk.ExportDelta(ctx, since, path)
		t1 := time.Now()
		if err == nil {
			_, err = doctor.MergeDelta(ctx, path)
		}
		merge = append(merge, time.Since(t1))
		export = append(export, t1.Sub(t0))
		data.RemovePeerFile(path)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(ms(percentile(export, 50)), "export-p50-ms")
	b.ReportMetric(ms(percentile(merge, 50)), "merge-p50-ms")
	b.ReportMetric(float64(res.Rows), "rows")
	b.ReportMetric(float64(res.Bytes>>10), "delta-KB")
	if fi, err := os.Stat(desk.Path); err == nil {
		b.ReportMetric(float64(fi.Size()>>10), "db-KB")
	}
}
