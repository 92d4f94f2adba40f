package booth

import (
	"strings"
	"testing"
	"time"
)

// TestQueueStateMachine covers every (state, action) pair: each row is a
// state and, per action, where it leads ("" for refused).
func TestQueueStateMachine(t *testing.T) {
	const no = QueueState("")
	table := []struct {
		from                                      QueueState
		call, start, finish, missed, back, cancel QueueState
	}{
		{from: QueueWaiting, call: QueueCalled, start: QueueConsulting, finish: no, missed: no, back: no, cancel: QueueCancelled},
		{from: QueueCalled, call: no, start: QueueConsulting, finish: no, missed: QueueNoShow, back: QueueWaiting, cancel: no},
		{from: QueueConsulting, call: no, start: no, finish: QueueDone, missed: no, back: no, cancel: no},
		{from: QueueDone, call: no, start: no, finish: no, missed: no, back: no, cancel: no},
		{from: QueueNoShow, call: no, start: no, finish: no, missed: no, back: QueueWaiting, cancel: no},
		{from: QueueCancelled, call: no, start: no, finish: no, missed: no, back: no, cancel: no},
	}
	if len(table) != len(QueueStates) {
		t.Fatalf("the table has %d states, booth knows %d", len(table), len(QueueStates))
	}
	for _, row := range table {
		want := map[QueueAction]QueueState{
			QueueCall: row.call, QueueStart: row.start, QueueFinish: row.finish,
			QueueMissed: row.missed, QueueBackToWaiting: row.back, QueueCancel: row.cancel,
		}
		if len(want) != len(QueueActions) {
			t.Fatalf("the table has %d actions, booth knows %d", len(want), len(QueueActions))
		}
		for _, a := range QueueActions {
			t.Run(string(row.from)+"/"+string(a), func(t *testing.T) {
				got, err := row.from.Apply(a)
				if want[a] == no {
					if ErrorCode(err) != ECONFLICT {
						t.Fatalf("got %q, %v; want a conflict", got, err)
					}
					if got != row.from {
						t.Errorf("a refused move returned %q, want the state unchanged (%q)", got, row.from)
					}
					if msg := ErrorMessage(err); !strings.HasSuffix(msg, ".") || strings.Count(msg, ". ") > 0 {
						t.Errorf("not one sentence: %q", msg)
					}
					if row.from.Allows(a) {
						t.Error("Allows says yes to a refused move")
					}
					return
				}
				if err != nil || got != want[a] {
					t.Fatalf("got %q, %v; want %q", got, err, want[a])
				}
				if !row.from.Allows(a) {
					t.Error("Allows says no to an allowed move")
				}
			})
		}
	}
}

func TestQueueApplyUnknown(t *testing.T) {
	if _, err := QueueWaiting.Apply("jump"); ErrorCode(err) != EINVALID {
		t.Errorf("unknown action: %v", err)
	}
	if _, err := QueueState("gone").Apply(QueueCall); ErrorCode(err) != EINVALID {
		t.Errorf("unknown state: %v", err)
	}
}

func TestQueueOpenStates(t *testing.T) {
	open := map[QueueState]bool{QueueWaiting: true, QueueCalled: true, QueueConsulting: true}
	for _, s := range QueueStates {
		if s.Open() != open[s] {
			t.Errorf("%s.Open() = %v", s, s.Open())
		}
	}
}

func TestQueueWaiting(t *testing.T) {
	since := time.Date(2026, 9, 17, 5, 0, 0, 0, time.UTC)
	now := since.Add(14 * time.Minute)
	for _, tc := range []struct {
		name string
		e    QueueEntry
		want time.Duration
	}{
		{"waiting", QueueEntry{State: QueueWaiting, Since: since}, 14 * time.Minute},
		{"called", QueueEntry{State: QueueCalled, Since: since, CalledAt: since.Add(5 * time.Minute)}, 14 * time.Minute},
		{"consulting", QueueEntry{State: QueueConsulting, Since: since, StartedAt: since.Add(6 * time.Minute)}, 6 * time.Minute},
		{"done", QueueEntry{State: QueueDone, Since: since, StartedAt: since.Add(6 * time.Minute), EndedAt: since.Add(9 * time.Minute)}, 6 * time.Minute},
		{"no-show", QueueEntry{State: QueueNoShow, Since: since, EndedAt: since.Add(3 * time.Minute)}, 3 * time.Minute},
		{"clock behind", QueueEntry{State: QueueWaiting, Since: now.Add(time.Minute)}, 0},
	} {
		if got := tc.e.Waiting(now); got != tc.want {
			t.Errorf("%s: waited %v, want %v", tc.name, got, tc.want)
		}
	}
	c := QueueCount{Waiting: 2, Oldest: since}
	if got := c.LongestWait(now); got != 14*time.Minute {
		t.Errorf("longest wait %v", got)
	}
	if got := (QueueCount{Consulting: 1}).LongestWait(now); got != 0 {
		t.Errorf("longest wait with nobody waiting: %v", got)
	}
}

func TestQueueConflict(t *testing.T) {
	e := &QueueEntry{VisitorName: "Aigerim Bekova", OrgName: "Kyung Hee", State: QueueWaiting}
	err := QueueConflict(e)
	if ErrorCode(err) != ECONFLICT || ErrorMessage(err) != "Aigerim Bekova is already waiting for Kyung Hee." {
		t.Errorf("waiting: %v", err)
	}
	e.State = QueueConsulting
	if msg := ErrorMessage(QueueConflict(e)); !strings.Contains(msg, "in consultation at Kyung Hee") {
		t.Errorf("consulting: %q", msg)
	}
}

// FuzzQueueApply checks that no input panics and that a refused move keeps
// the state.
func FuzzQueueApply(f *testing.F) {
	for _, s := range QueueStates {
		for _, a := range QueueActions {
			f.Add(string(s), string(a))
		}
	}
	f.Fuzz(func(t *testing.T, s, a string) {
		got, err := QueueState(s).Apply(QueueAction(a))
		if err != nil && got != QueueState(s) {
			t.Fatalf("refused %s/%s changed the state to %s", s, a, got)
		}
		if err == nil && !got.valid() {
			t.Fatalf("%s/%s led to %q", s, a, got)
		}
	})
}
