package data_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"medibooth/booth"
	"medibooth/data"
)

// MustHospital stores a hospital with departments.
func MustHospital(tb testing.TB, db *data.DB, name string, depts ...string) *booth.Org {
	tb.Helper()
	o := &booth.Org{Kind: booth.OrgHospital, Name: name}
	for _, d := range depts {
		o.Departments = append(o.Departments, booth.Department{Name: d})
	}
	if err := db.CreateOrg(context.Background(), o); err != nil {
		tb.Fatal(err)
	}
	return o
}

func mustEnqueue(tb testing.TB, db *data.DB, v *booth.Visitor, h *booth.Org, dept string) *booth.QueueEntry {
	tb.Helper()
	e, err := db.Enqueue(context.Background(), v.ID, h.ID, dept)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

func mustMove(tb testing.TB, db *data.DB, id string, actions ...booth.QueueAction) *booth.QueueEntry {
	tb.Helper()
	var e *booth.QueueEntry
	var err error
	for _, a := range actions {
		if e, err = db.MoveQueue(context.Background(), id, a); err != nil {
			tb.Fatalf("%s: %v", a, err)
		}
	}
	return e
}

func TestQueueCallNextIsFIFO(t *testing.T) {
	db, clock := MustOpenDB(t)
	MustEvent(t, db)
	ctx := context.Background()
	h := MustHospital(t, db, "Korea University Anam Hospital", "GI cancers", "Post-COVID care")
	for i, name := range []string{"Aigerim Bekova", "Dmitry Sokolov", "Nurlan Abenov", "Saule Omarova"} {
		dept := "GI cancers"
		if i == 2 {
			dept = "Post-COVID care"
		}
		mustEnqueue(t, db, MustVisitor(t, db, name), h, dept)
		clock.advance(time.Minute)
	}
	for _, tc := range []struct{ dept, want string }{
		{"", "Aigerim Bekova"},
		{"Post-COVID care", "Nurlan Abenov"},
		{"", "Dmitry Sokolov"},
		{"GI cancers", "Saule Omarova"},
	} {
		e, err := db.CallNext(ctx, h.ID, tc.dept)
		if err != nil {
			t.Fatalf("call next (%q): %v", tc.dept, err)
		}
		if e.VisitorName != tc.want || e.State != booth.QueueCalled || !e.CalledAt.Equal(db.Now()) {
			t.Fatalf("call next (%q): %s %s called at %v; want %s", tc.dept, e.VisitorName, e.State, e.CalledAt, tc.want)
		}
		clock.advance(time.Minute)
	}
	_, err := db.CallNext(ctx, h.ID, "")
	if booth.ErrorCode(err) != booth.ENOTFOUND || booth.ErrorMessage(err) != "Nobody is waiting." {
		t.Fatalf("call next on an empty queue: %v", err)
	}
	// Called ones are listed by the time they were called.
	q, err := db.Queue(ctx, h.ID, false)
	if err != nil || len(q) != 4 {
		t.Fatalf("queue: %d entries, %v", len(q), err)
	}
	for i, want := range []string{"Aigerim Bekova", "Nurlan Abenov", "Dmitry Sokolov", "Saule Omarova"} {
		if q[i].VisitorName != want {
			t.Errorf("queue[%d] = %s, want %s", i, q[i].VisitorName, want)
		}
	}
}

func TestQueueOrderAndWaitingTimes(t *testing.T) {
	db, clock := MustOpenDB(t)
	MustEvent(t, db)
	ctx := context.Background()
	h := MustHospital(t, db, "Seoul National University Dental Hospital", "Dentistry")
	a := mustEnqueue(t, db, MustVisitor(t, db, "Aigerim Bekova"), h, "Dentistry")
	clock.advance(3 * time.Minute)
	b := mustEnqueue(t, db, MustVisitor(t, db, "Dmitry Sokolov"), h, "")
	clock.advance(4 * time.Minute)
	c := mustEnqueue(t, db, MustVisitor(t, db, "Nurlan Abenov"), h, "dentistry")
	if c.Department != "Dentistry" {
		t.Errorf("department stored as %q, want the hospital's own spelling", c.Department)
	}
	clock.advance(5 * time.Minute) // 10:12

	q, err := db.Queue(ctx, h.ID, false)
	if err != nil || len(q) != 3 {
		t.Fatalf("queue: %v %v", q, err)
	}
	for i, want := range []time.Duration{12 * time.Minute, 9 * time.Minute, 5 * time.Minute} {
		if got := q[i].Waiting(db.Now()); got != want {
			t.Errorf("%s waited %v, want %v", q[i].VisitorName, got, want)
		}
	}

	mustMove(t, db, b.ID, booth.QueueCall)
	clock.advance(2 * time.Minute) // 10:14
	mustMove(t, db, a.ID, booth.QueueStart)
	clock.advance(10 * time.Minute) // 10:24
	q, _ = db.Queue(ctx, h.ID, false)
	var order []string
	for _, e := range q {
		order = append(order, e.VisitorName+" "+string(e.State))
	}
	if got := strings.Join(order, ", "); got != "Aigerim Bekova consulting, Dmitry Sokolov called, Nurlan Abenov waiting" {
		t.Fatalf("order: %s", got)
	}
	if got := q[0].Waiting(db.Now()); got != 14*time.Minute {
		t.Errorf("the visitor in consultation waited %v, want 14m (until the start)", got)
	}
	if got := q[1].Waiting(db.Now()); got != 21*time.Minute {
		t.Errorf("the called visitor has waited %v, want 21m", got)
	}

	done := mustMove(t, db, a.ID, booth.QueueFinish)
	if done.State != booth.QueueDone || !done.EndedAt.Equal(db.Now()) || !done.StartedAt.Equal(db.Now().Add(-10*time.Minute)) {
		t.Fatalf("finished: %+v", done)
	}
	if q, _ := db.Queue(ctx, h.ID, false); len(q) != 2 {
		t.Fatalf("open queue after finishing: %d entries", len(q))
	}
	q, _ = db.Queue(ctx, h.ID, true)
	if len(q) != 3 || q[2].ID != a.ID || q[2].State != booth.QueueDone {
		t.Fatalf("queue with today's closed entries: %+v", q)
	}
	// Tomorrow, yesterday's closed entries are gone from the list.
	clock.advance(24 * time.Hour)
	if q, _ := db.Queue(ctx, h.ID, true); len(q) != 2 {
		t.Fatalf("queue the next day: %d entries, want the 2 open ones", len(q))
	}
}

func TestQueueStampsAndBackToWaiting(t *testing.T) {
	db, clock := MustOpenDB(t)
	MustEvent(t, db)
	ctx := context.Background()
	h := MustHospital(t, db, "Kyung Hee University Korean Medicine Hospital", "Korean-medicine gynaecology")
	staff := &booth.Staff{Name: "Dr Kim", Role: booth.RoleDoctor, OrgID: h.ID}
	if err := db.CreateStaff(ctx, staff, ""); err != nil {
		t.Fatal(err)
	}
	sctx := booth.WithStaff(ctx, staff)
	first := mustEnqueue(t, db, MustVisitor(t, db, "Aigerim Bekova"), h, "")
	clock.advance(time.Minute)
	second := mustEnqueue(t, db, MustVisitor(t, db, "Dmitry Sokolov"), h, "")
	clock.advance(time.Minute)

	e, err := db.CallNext(sctx, h.ID, "")
	if err != nil || e.ID != first.ID || e.StaffID != staff.ID {
		t.Fatalf("call next: %+v %v", e, err)
	}
	clock.advance(time.Minute)
	// Not there yet: back to the end of the line, so the next call moves on.
	e, err = db.MoveQueue(sctx, first.ID, booth.QueueBackToWaiting)
	if err != nil || e.State != booth.QueueWaiting || !e.Since.Equal(db.Now()) || !e.CalledAt.IsZero() {
		t.Fatalf("back to waiting: %+v %v", e, err)
	}
	if e, _ := db.CallNext(sctx, h.ID, ""); e.ID != second.ID {
		t.Fatalf("after going back to waiting, call next called %s", e.VisitorName)
	}
	e = mustMove(t, db, second.ID, booth.QueueMissed)
	if e.State != booth.QueueNoShow || !e.EndedAt.Equal(db.Now()) {
		t.Fatalf("no-show: %+v", e)
	}
	clock.advance(30 * time.Minute)
	e = mustMove(t, db, second.ID, booth.QueueBackToWaiting) // came back
	if e.State != booth.QueueWaiting || !e.EndedAt.IsZero() || !e.Since.Equal(db.Now()) {
		t.Fatalf("came back: %+v", e)
	}
	e = mustMove(t, db, second.ID, booth.QueueStart) // the doctor scanned the badge
	if e.State != booth.QueueConsulting || !e.StartedAt.Equal(db.Now()) {
		t.Fatalf("start from waiting: %+v", e)
	}
	e = mustMove(t, db, first.ID, booth.QueueCancel)
	if e.State != booth.QueueCancelled || !e.EndedAt.Equal(db.Now()) {
		t.Fatalf("cancel: %+v", e)
	}
	if _, err := db.MoveQueue(ctx, "no-such-entry", booth.QueueCall); booth.ErrorCode(err) != booth.ENOTFOUND {
		t.Fatalf("unknown entry: %v", err)
	}
}

func TestQueueDuplicateSendRefused(t *testing.T) {
	db, _ := MustOpenDB(t)
	MustEvent(t, db)
	ctx := context.Background()
	h := MustHospital(t, db, "Korea University Anam Hospital", "GI cancers", "Post-COVID care")
	other := MustHospital(t, db, "Soonchunhyang University Seoul Hospital", "Health screening")
	v := MustVisitor(t, db, "Aigerim Bekova")
	e := mustEnqueue(t, db, v, h, "GI cancers")

	for _, dept := range []string{"GI cancers", "Post-COVID care", ""} {
		_, err := db.Enqueue(ctx, v.ID, h.ID, dept)
		if booth.ErrorCode(err) != booth.ECONFLICT || booth.ErrorMessage(err) != "Aigerim Bekova is already waiting for Korea University Anam Hospital." {
			t.Fatalf("sent again (%q): %v", dept, err)
		}
	}
	mustMove(t, db, e.ID, booth.QueueStart)
	if _, err := db.Enqueue(ctx, v.ID, h.ID, ""); booth.ErrorCode(err) != booth.ECONFLICT || !strings.Contains(err.Error(), "in consultation") {
		t.Fatalf("sent again while in consultation: %v", err)
	}
	if q, _ := db.Queue(ctx, h.ID, true); len(q) != 1 {
		t.Fatalf("duplicate rows: %d entries", len(q))
	}
	// Another hospital's queue is fine at the same time; the first again
	// once the consultation is over.
	mustEnqueue(t, db, v, other, "Health screening")
	mustMove(t, db, e.ID, booth.QueueFinish)
	if open, _ := db.OpenEntry(ctx, v.ID, h.ID); open != nil {
		t.Fatalf("open entry after finishing: %+v", open)
	}
	again := mustEnqueue(t, db, v, h, "Post-COVID care")
	if open, err := db.OpenEntry(ctx, v.ID, h.ID); err != nil || open == nil || open.ID != again.ID {
		t.Fatalf("open entry: %+v %v", open, err)
	}
}

func TestQueueEnqueueChecks(t *testing.T) {
	db, _ := MustOpenDB(t)
	MustEvent(t, db)
	ctx := context.Background()
	h := MustHospital(t, db, "Seoul National University Dental Hospital", "Dentistry")
	agency := &booth.Org{Kind: booth.OrgAgency, Name: "Silk Road Travel"}
	if err := db.CreateOrg(ctx, agency); err != nil {
		t.Fatal(err)
	}
	v := MustVisitor(t, db, "Aigerim Bekova")
	gone := MustVisitor(t, db, "Erased Person")
	if err := db.EraseVisitor(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, visitor, org, dept, code string
	}{
		{"agency", v.ID, agency.ID, "", booth.EINVALID},
		{"unknown org", v.ID, "nope", "", booth.EINVALID},
		{"unknown department", v.ID, h.ID, "Cardiology", booth.EINVALID},
		{"unknown visitor", "nope", h.ID, "", booth.ENOTFOUND},
		{"erased visitor", gone.ID, h.ID, "", booth.ECONFLICT},
	} {
		if _, err := db.Enqueue(ctx, tc.visitor, tc.org, tc.dept); booth.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	if q, _ := db.Queue(ctx, h.ID, true); len(q) != 0 {
		t.Fatalf("refused sends left %d entries", len(q))
	}
}

// TestQueueIllegalMovesLeaveRowUnchanged drives an entry into every state
// and tries every action the state machine refuses there.
func TestQueueIllegalMovesLeaveRowUnchanged(t *testing.T) {
	db, clock := MustOpenDB(t)
	MustEvent(t, db)
	ctx := context.Background()
	h := MustHospital(t, db, "Korea University Anam Hospital", "GI cancers")
	raw, err := sql.Open("sqlite", db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	row := func(id string) string {
		var s []string
		var cols [15]sql.NullString
		ptrs := make([]any, len(cols))
		for i := range cols {
			ptrs[i] = &cols[i]
		}
		if err := raw.QueryRow(`SELECT id, visitor_id, org_id, department, state, since, called_at, started_at, ended_at,
			staff_id, created_at, updated_at, device_id, seq, (SELECT count(*) FROM queue_entry) FROM queue_entry WHERE id = ?`, id).Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, c := range cols {
			s = append(s, c.String)
		}
		return strings.Join(s, "|")
	}
	paths := map[booth.QueueState][]booth.QueueAction{
		booth.QueueWaiting:    nil,
		booth.QueueCalled:     {booth.QueueCall},
		booth.QueueConsulting: {booth.QueueStart},
		booth.QueueDone:       {booth.QueueStart, booth.QueueFinish},
		booth.QueueNoShow:     {booth.QueueCall, booth.QueueMissed},
		booth.QueueCancelled:  {booth.QueueCancel},
	}
	refused := 0
	for _, state := range booth.QueueStates {
		e := mustEnqueue(t, db, MustVisitor(t, db, "Visitor "+string(state)), h, "")
		if len(paths[state]) > 0 {
			e = mustMove(t, db, e.ID, paths[state]...)
		}
		if e.State != state {
			t.Fatalf("drove the entry to %s, want %s", e.State, state)
		}
		clock.advance(time.Minute)
		for _, a := range booth.QueueActions {
			if state.Allows(a) {
				continue
			}
			before := row(e.ID)
			_, err := db.MoveQueue(ctx, e.ID, a)
			if booth.ErrorCode(err) != booth.ECONFLICT {
				t.Errorf("%s/%s: %v, want a conflict", state, a, err)
			}
			if after := row(e.ID); after != before {
				t.Errorf("%s/%s changed the row:\n%s\n%s", state, a, before, after)
			}
			refused++
		}
	}
	if refused != 36-8 {
		t.Fatalf("tried %d refused moves, want 28", refused)
	}
	// Call next refuses on a queue where nobody waits, leaving it as it was.
	mustMove(t, db, mustEnqueue(t, db, MustVisitor(t, db, "Last"), h, "").ID, booth.QueueCancel)
	if _, err := db.CallNext(ctx, h.ID, "GI cancers"); booth.ErrorCode(err) != booth.ENOTFOUND {
		t.Fatalf("call next: %v", err)
	}
}

func TestQueueWaitingSummary(t *testing.T) {
	db, clock := MustOpenDB(t)
	MustEvent(t, db)
	ctx := context.Background()
	anam := MustHospital(t, db, "Korea University Anam Hospital", "GI cancers", "Post-COVID care")
	kh := MustHospital(t, db, "Kyung Hee University Korean Medicine Hospital", "Korean-medicine gynaecology")
	MustHospital(t, db, "Soonchunhyang University Seoul Hospital", "Health screening") // nobody sent there

	var khEntries []*booth.QueueEntry
	for i := range 4 {
		khEntries = append(khEntries, mustEnqueue(t, db, MustVisitor(t, db, "KH "+string(rune('A'+i))), kh, "Korean-medicine gynaecology"))
		clock.advance(2 * time.Minute)
	}
	g := mustEnqueue(t, db, MustVisitor(t, db, "Anam A"), anam, "GI cancers")
	clock.advance(time.Minute)
	mustEnqueue(t, db, MustVisitor(t, db, "Anam B"), anam, "Post-COVID care")
	clock.advance(5 * time.Minute) // 10:14

	mustMove(t, db, khEntries[0].ID, booth.QueueCall)                     // called
	mustMove(t, db, khEntries[1].ID, booth.QueueStart)                    // consulting
	mustMove(t, db, khEntries[2].ID, booth.QueueStart, booth.QueueFinish) // done: not counted
	mustMove(t, db, g.ID, booth.QueueCancel)                              // cancelled: not counted

	sum, err := db.WaitingSummary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type line struct {
		org, dept                   string
		waiting, called, consulting int
		longest                     time.Duration
	}
	var got []line
	for _, c := range sum {
		got = append(got, line{c.OrgName, c.Department, c.Waiting, c.Called, c.Consulting, c.LongestWait(db.Now())})
	}
	want := []line{
		{"Korea University Anam Hospital", "Post-COVID care", 1, 0, 0, 5 * time.Minute},
		{"Kyung Hee University Korean Medicine Hospital", "Korean-medicine gynaecology", 1, 1, 1, 8 * time.Minute},
	}
	if len(got) != len(want) {
		t.Fatalf("summary: %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("summary[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}
