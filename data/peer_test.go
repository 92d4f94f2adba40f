package data_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"medibooth/booth"
	"medibooth/data"
)

// peerExchange sends to to the delta from that to's version vector asks
// for, as the booth network does; drop loses it on the way.
func peerExchange(tb testing.TB, from, to *data.DB, drop bool) data.MergeResult {
	tb.Helper()
	ctx := context.Background()
	since, err := to.PeerState(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	out, err := from.PeerTempFile()
	if err != nil {
		tb.Fatal(err)
	}
	defer data.RemovePeerFile(out)
	if _, err := from.ExportDelta(ctx, since, out); err != nil {
		tb.Fatalf("delta from %s: %v", from.Device().Name, err)
	}
	if drop {
		return data.MergeResult{}
	}
	res, err := to.MergeDelta(ctx, out)
	if err != nil {
		tb.Fatalf("delta from %s into %s: %v", from.Device().Name, to.Device().Name, err)
	}
	return res
}

// peerWorld is one scenario: HQ, three laptops that joined its event, and
// the badges of every visitor registered anywhere.
type peerWorld struct {
	t       *testing.T
	r       *rand.Rand
	hq      *data.DB
	laptops []*data.DB
	clocks  []*clock
	org     *booth.Org
	badges  []string // visitor ids, then codes
	codes   map[string]string
}

// The property of the booth network: three laptops register visitors, scan
// badges (of visitors they never saw too), give consents, record
// consultations, send visitors to queues and erase visitors, while deltas
// go between random pairs in random order and some are lost on the way.
// After every laptop has exchanged with every other once, all hold the same
// state, and it is the state HQ reaches by merging their bundles.
func TestPeerDeltasConverge(t *testing.T) {
	scenarios, steps := 6, 40
	if testing.Short() || data.RaceBuild() {
		scenarios = 2 // the race detector makes each about 18 times slower
	}
	for i := range scenarios {
		t.Run(fmt.Sprint(i), func(t *testing.T) { peerScenario(t, uint64(i), steps) })
	}
}

func peerScenario(t *testing.T, seed uint64, steps int) {
	ctx := context.Background()
	hq, hc, v := mergeHQ(t)
	w := &peerWorld{t: t, r: rand.New(rand.NewPCG(20261207, seed)), hq: hq, codes: map[string]string{}}
	orgs, err := hq.Orgs(ctx, booth.OrgHospital)
	if err != nil || len(orgs) != 1 {
		t.Fatal(orgs, err)
	}
	w.org = &orgs[0]
	code, _, err := hq.BadgeCode(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.badges, w.codes[v.ID] = append(w.badges, v.ID), code
	for i := range 3 {
		db, c := mergeLaptop(t, hq, fmt.Sprintf("Desk %d", i+1))
		c.t = hc.t.Add(time.Duration(i) * time.Second)
		w.laptops, w.clocks = append(w.laptops, db), append(w.clocks, c)
	}
	exchanged, dropped := 0, 0
	for range steps {
		i := w.r.IntN(3)
		w.clocks[i].advance(time.Duration(w.r.IntN(40)) * time.Second)
		if w.r.IntN(4) == 0 {
			j := (i + 1 + w.r.IntN(2)) % 3
			drop := w.r.IntN(4) == 0
			peerExchange(t, w.laptops[i], w.laptops[j], drop)
			if drop {
				dropped++
			} else {
				exchanged++
			}
			continue
		}
		w.step(ctx, i)
	}
	for range 2 {
		for j := range 3 {
			for i := range 3 {
				if i != j {
					peerExchange(t, w.laptops[i], w.laptops[j], false)
				}
			}
		}
	}
	want := mustHash(t, w.laptops[0])
	for _, l := range w.laptops[1:] {
		if got := mustHash(t, l); got != want {
			t.Fatalf("%s and %s differ after the exchanges", w.laptops[0].Device().Name, l.Device().Name)
		}
	}
	// Nothing more to send, and sending it anyway changes nothing.
	if res := peerExchange(t, w.laptops[1], w.laptops[2], false); res.Changed != 0 {
		t.Errorf("a delta between laptops in the same state changed %v", res.Tables)
	}
	// HQ merges the laptops' bundles; the laptops get HQ's own records as
	// a delta (HQ holds its versions of what it packaged under other
	// sequence numbers than the laptops' copies). Then all agree.
	for i, l := range w.laptops {
		if _, err := importFile(hq, exportTo(t, l, fmt.Sprintf("laptop-%d.bundle", i))); err != nil {
			t.Fatal(err)
		}
	}
	want = mustHash(t, hq)
	for _, l := range w.laptops {
		peerExchange(t, hq, l, false)
		if got := mustHash(t, l); got != want {
			t.Fatalf("%s differs from HQ's merge of the bundles", l.Device().Name)
		}
	}
	t.Logf("%d deltas merged, %d lost, %d visitors", exchanged, dropped, len(w.badges))
}

// step does one thing a laptop's staff do.
func (w *peerWorld) step(ctx context.Context, i int) {
	db := w.laptops[i]
	id := w.badges[w.r.IntN(len(w.badges))]
	var err error
	switch p := w.r.IntN(100); {
	case p < 25:
		v := &booth.Visitor{Name: fmt.Sprintf("Посетитель %d", len(w.badges)), Phone: fmt.Sprintf("+7701%07d", w.r.IntN(1e7))}
		cs := Agreed()
		if w.r.IntN(2) == 0 {
			cs = append(cs, booth.Consent{Purpose: booth.PurposeHealth, Granted: true, TextVersion: "t", TextHash: "t", Lang: "ru"})
		}
		if err = db.CreateVisitor(ctx, v, cs); err == nil {
			var code string
			code, _, err = db.BadgeCode(ctx, v.ID)
			w.badges, w.codes[v.ID] = append(w.badges, v.ID), code
		}
	case p < 50:
		_, err = db.Checkin(ctx, booth.CheckinRequest{Raw: w.codes[id]})
	case p < 60:
		err = db.AddConsent(ctx, &booth.Consent{VisitorID: id, Purpose: booth.PurposeHealth, Granted: w.r.IntN(4) > 0,
			TextVersion: "t", TextHash: "t", Lang: "kk"})
	case p < 72:
		err = db.AddConsultation(ctx, &booth.Consultation{VisitorID: id, OrgID: w.org.ID, Department: "GI cancers",
			Doctor: "Dr Park", FollowUp: booth.FollowUpMaybe}, booth.NoteContent{})
	case p < 82:
		_, err = db.Enqueue(ctx, id, w.org.ID, "Health screening")
	case p < 90:
		var v *booth.Visitor
		if v, err = db.Visitor(ctx, id); err == nil && !v.Erased {
			v.City = []string{"Almaty", "Astana", "Shymkent"}[w.r.IntN(3)]
			err = db.UpdateVisitor(ctx, v)
		}
	default:
		err = db.EraseVisitor(ctx, id)
	}
	// Refusals are what a person would meet: a visitor this laptop does not
	// know yet, one erased, one without the consent to health information.
	if c := booth.ErrorCode(err); err != nil && c != booth.ENOTFOUND && c != booth.ECONFLICT && c != booth.EINVALID {
		w.t.Fatalf("%s: %v", db.Device().Name, err)
	}
}

// A delta holds only what the asker lacks: a laptop that has everything
// gets the small tables and HQ's records, and no visitor, scan or
// consultation of the laptops.
func TestPeerDeltaLeavesOutWhatTheAskerHas(t *testing.T) {
	ctx := context.Background()
	hq, _, _ := mergeHQ(t)
	a, _ := mergeLaptop(t, hq, "Desk A")
	b, _ := mergeLaptop(t, hq, "Desk B")
	deskWork(t, a, "Гүлнар", 20)
	first := peerExchange(t, a, b, false)
	if first.Tables["visitor"] != 20 || first.Tables["scan"] != 20 {
		t.Fatalf("the first delta brought %v", first.Tables)
	}
	since, err := b.PeerState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "delta.db")
	res, err := a.ExportDelta(ctx, since, out)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+out+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ev, err := a.Event(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// HQ's pre-registered visitor travels in every delta (see ExportDelta).
	for _, table := range []string{"visitor", "scan", "consent", "visitor_interest"} {
		if n := count(t, raw, "SELECT count(*) FROM "+table+" WHERE device_id <> '"+ev.DeviceID+"'"); n != 0 {
			t.Errorf("a delta to an up-to-date laptop holds %d rows of %s", n, table)
		}
	}
	if n := count(t, raw, "SELECT count(*) FROM visitor_term"); n != 0 {
		t.Errorf("a delta holds %d search terms", n)
	}
	if n := count(t, raw, "SELECT count(*) FROM device_key WHERE private IS NOT NULL"); n != 0 {
		t.Errorf("a delta holds %d private keys", n)
	}
	t.Logf("an empty delta: %d rows, %d bytes", res.Rows, res.Bytes)
}

// A visitor purged on one laptop (HQ confirmed it holds them) stays purged
// there when another laptop, which kept them, edits them or scans their
// badge and sends its delta.
func TestPeerDeltaKeepsPurgedVisitorsPurged(t *testing.T) {
	ctx := context.Background()
	hq, _, _ := mergeHQ(t)
	a, _ := mergeLaptop(t, hq, "Desk A")
	b, _ := mergeLaptop(t, hq, "Desk B")
	v := MustVisitor(t, a, "Purgeable Person")
	code, _, err := a.BadgeCode(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	peerExchange(t, a, b, false)
	if _, err := importFile(hq, exportTo(t, a, "a.bundle")); err != nil {
		t.Fatal(err)
	}
	st, err := a.SyncStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.AckBundle(ctx, st.LastExport.SHA256); err != nil {
		t.Fatal(err)
	}
	if err := a.SetRetentionDays(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if n, err := a.PurgePersonalData(ctx); err != nil || n != 2 {
		t.Fatalf("purged %d: %v", n, err)
	}
	mustEdit(t, b, v.ID, "Shymkent")
	if _, err := b.Checkin(ctx, booth.CheckinRequest{Raw: code}); err != nil {
		t.Fatal(err)
	}
	if res := peerExchange(t, b, a, false); res.Changed == 0 {
		t.Fatal("B's delta changed nothing on A")
	}
	got, err := a.Visitor(ctx, v.ID)
	if err != nil || got.Name != "" || got.Phone != "" || got.City != "Shymkent" {
		t.Fatalf("A's purged visitor after B's delta: %+v %v", got, err)
	}
	if found, err := a.FindVisitors(ctx, "Purgeable", 10); err != nil || len(found) != 0 {
		t.Errorf("A finds the purged visitor again: %v %v", found, err)
	}
	scans, err := a.VisitorScans(ctx, v.ID)
	if err != nil || len(scans) != 1 || scans[0].Raw != "" {
		t.Errorf("A's scans of the purged visitor: %+v %v", scans, err)
	}
}

// booth status says how many changes wait to go to each laptop: the rows
// it lacked at the last exchange.
func TestPeerWaitingChanges(t *testing.T) {
	ctx := context.Background()
	hq, _, _ := mergeHQ(t)
	a, _ := mergeLaptop(t, hq, "Desk A")
	b, _ := mergeLaptop(t, hq, "Desk B")
	since, err := b.PeerState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	deskWork(t, a, "Дәурен", 2) // two visitors, each with a consent and a scan
	res := booth.PeerResult{Addr: "192.0.2.7:47123", Peer: booth.PeerIdentity{KeyID: "0123456789abcdef", Name: "Desk B"},
		At: a.Now(), Vector: since}
	if err := a.RecordPeer(ctx, res, ""); err != nil {
		t.Fatal(err)
	}
	seen, err := a.PeersSeen(ctx)
	if err != nil || len(seen) != 1 || seen[0].Waiting != 6 || seen[0].LastOK == nil || seen[0].Name != "Desk B" {
		t.Fatalf("peers seen: %+v %v", seen, err)
	}
	peerExchange(t, a, b, false)
	if since, err = b.PeerState(ctx); err != nil {
		t.Fatal(err)
	}
	res.Vector = since
	if err := a.RecordPeer(ctx, res, ""); err != nil {
		t.Fatal(err)
	}
	if seen, err = a.PeersSeen(ctx); err != nil || seen[0].Waiting != 0 {
		t.Fatalf("after the exchange: %+v %v", seen, err)
	}
}
