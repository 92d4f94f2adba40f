package booth

import (
	"context"
	"time"
)

// QueueState is where a visitor stands in a hospital's queue.
type QueueState string

// Queue states. Waiting, called and consulting are open: a visitor has at
// most one open entry per hospital. The others close the entry.
const (
	QueueWaiting    QueueState = "waiting"    // sent to the hospital, not called yet
	QueueCalled     QueueState = "called"     // called to the hospital's table
	QueueConsulting QueueState = "consulting" // with the doctor now
	QueueDone       QueueState = "done"       // the consultation is over
	QueueNoShow     QueueState = "no-show"    // called, but did not come
	QueueCancelled  QueueState = "cancelled"  // left the queue before being called
)

// QueueStates lists every state in the order a queue is shown.
var QueueStates = []QueueState{QueueConsulting, QueueCalled, QueueWaiting, QueueDone, QueueNoShow, QueueCancelled}

// Open reports whether the entry is still in the queue: waiting, called or
// in consultation.
func (s QueueState) Open() bool {
	return s == QueueWaiting || s == QueueCalled || s == QueueConsulting
}

// QueueAction is what staff do to a queue entry.
type QueueAction string

// Queue actions.
const (
	QueueCall          QueueAction = "call"            // waiting → called
	QueueStart         QueueAction = "start"           // waiting or called → consulting
	QueueFinish        QueueAction = "finish"          // consulting → done
	QueueMissed        QueueAction = "no-show"         // called → no-show
	QueueBackToWaiting QueueAction = "back-to-waiting" // called (not there yet) or no-show (came back) → waiting
	QueueCancel        QueueAction = "cancel"          // waiting → cancelled
)

// QueueActions lists every action.
var QueueActions = []QueueAction{QueueCall, QueueStart, QueueFinish, QueueMissed, QueueBackToWaiting, QueueCancel}

// queueMoves is the state machine: for each action, the states it may be
// applied in and where it leads.
var queueMoves = map[QueueAction]map[QueueState]QueueState{
	QueueCall:          {QueueWaiting: QueueCalled},
	QueueStart:         {QueueWaiting: QueueConsulting, QueueCalled: QueueConsulting},
	QueueFinish:        {QueueConsulting: QueueDone},
	QueueMissed:        {QueueCalled: QueueNoShow},
	QueueBackToWaiting: {QueueCalled: QueueWaiting, QueueNoShow: QueueWaiting},
	QueueCancel:        {QueueWaiting: QueueCancelled},
}

// queueRefusals are the sentences for an action applied in a state that
// does not allow it. They carry no names so that the screens can translate
// them as they are.
var queueRefusals = map[QueueAction]string{
	QueueCall:          "Only a visitor who is waiting can be called.",
	QueueStart:         "Only a visitor who is waiting or was called can start a consultation.",
	QueueFinish:        "Only a consultation in progress can be finished.",
	QueueMissed:        "Only a visitor who was called can be marked as not having come.",
	QueueBackToWaiting: "Only a visitor who was called or did not come can go back to waiting.",
	QueueCancel:        "Only a visitor who is waiting can be taken out of the queue.",
}

// Apply returns the state an entry in s moves to under a, or an ECONFLICT
// error saying why a is not possible now (EINVALID for an unknown state or
// action).
func (s QueueState) Apply(a QueueAction) (QueueState, error) {
	moves, ok := queueMoves[a]
	if !ok {
		return s, Errorf(EINVALID, "The queue action %q is not one of call, start, finish, no-show, back-to-waiting or cancel.", a)
	}
	if !s.valid() {
		return s, Errorf(EINVALID, "The queue state %q is unknown.", s)
	}
	if next, ok := moves[s]; ok {
		return next, nil
	}
	return s, &Error{Code: ECONFLICT, Message: queueRefusals[a]}
}

// Allows reports whether a may be applied in s.
func (s QueueState) Allows(a QueueAction) bool {
	_, err := s.Apply(a)
	return err == nil
}

func (s QueueState) valid() bool {
	for _, x := range QueueStates {
		if s == x {
			return true
		}
	}
	return false
}

// QueueEntry is one visitor in one hospital's queue. Times not reached yet
// are zero.
type QueueEntry struct {
	ID         string     `json:"id"`
	VisitorID  string     `json:"visitor_id"`
	OrgID      string     `json:"org_id"`
	Department string     `json:"department,omitempty"` // "" for any department
	State      QueueState `json:"state"`
	Since      time.Time  `json:"since"` // joined the queue (again, after going back to waiting)
	CalledAt   time.Time  `json:"called_at,omitzero"`
	StartedAt  time.Time  `json:"started_at,omitzero"`
	EndedAt    time.Time  `json:"ended_at,omitzero"`
	StaffID    string     `json:"staff_id,omitempty"` // who moved it last
	Created    time.Time  `json:"created"`
	Updated    time.Time  `json:"updated"`
	DeviceID   string     `json:"device_id"`

	// Filled when read back, not stored with the entry.
	VisitorName string `json:"visitor_name,omitempty"`
	VisitorCode string `json:"visitor_code,omitempty"`
	OrgName     string `json:"org_name,omitempty"`
}

// Waiting returns how long the visitor has waited by now: from joining the
// queue until the consultation started or the entry closed, or until now
// while it is still waiting or called.
func (e *QueueEntry) Waiting(now time.Time) time.Duration {
	end := now
	switch {
	case !e.StartedAt.IsZero():
		end = e.StartedAt
	case !e.State.Open() && !e.EndedAt.IsZero():
		end = e.EndedAt
	}
	if d := end.Sub(e.Since); d > 0 {
		return d
	}
	return 0
}

// QueueConflict is the error for sending a visitor to a hospital whose
// queue they are in already (open, an open entry of that hospital).
func QueueConflict(open *QueueEntry) error {
	name := open.VisitorName
	if name == "" {
		name = "This visitor"
	}
	switch open.State {
	case QueueCalled:
		return Errorf(ECONFLICT, "%s has already been called by %s.", name, open.OrgName)
	case QueueConsulting:
		return Errorf(ECONFLICT, "%s is already in consultation at %s.", name, open.OrgName)
	}
	return Errorf(ECONFLICT, "%s is already waiting for %s.", name, open.OrgName)
}

// QueueCount is how many visitors are in one hospital department's queue.
type QueueCount struct {
	OrgID      string `json:"org_id"`
	OrgName    string `json:"org_name"`
	Department string `json:"department,omitempty"`
	Waiting    int    `json:"waiting"`
	Called     int    `json:"called"`
	Consulting int    `json:"consulting"`
	// Oldest is when the longest-waiting visitor joined; zero when nobody
	// is waiting.
	Oldest time.Time `json:"oldest,omitzero"`
}

// LongestWait is how long the longest-waiting visitor has waited by now.
func (c QueueCount) LongestWait(now time.Time) time.Duration {
	if c.Waiting == 0 || c.Oldest.IsZero() || now.Before(c.Oldest) {
		return 0
	}
	return now.Sub(c.Oldest)
}

// QueueService keeps the hospitals' queues of this laptop.
type QueueService interface {
	// Enqueue sends a visitor to a hospital, and to one of its departments
	// unless department is "". EINVALID when orgID is not a hospital or the
	// department not one of its own; ENOTFOUND for an unknown visitor;
	// ECONFLICT for an erased visitor, or one already in that hospital's
	// queue (QueueConflict).
	Enqueue(ctx context.Context, visitorID, orgID, department string) (*QueueEntry, error)
	// Queue lists a hospital's open entries (in consultation, called, then
	// waiting, longest-waiting first) and, with includeClosed, the entries
	// closed on the event-local day after them, latest first.
	Queue(ctx context.Context, orgID string, includeClosed bool) ([]QueueEntry, error)
	// CallNext calls the longest-waiting visitor of the hospital (of the
	// department, unless it is ""); ENOTFOUND when nobody is waiting.
	CallNext(ctx context.Context, orgID, department string) (*QueueEntry, error)
	// MoveQueue applies a to an entry (QueueState.Apply); ECONFLICT, with the
	// entry unchanged, when its state does not allow a.
	MoveQueue(ctx context.Context, entryID string, a QueueAction) (*QueueEntry, error)
	// WaitingSummary counts the open entries per hospital and department,
	// by hospital name.
	WaitingSummary(ctx context.Context) ([]QueueCount, error)
	// OpenEntry returns the visitor's open entry at a hospital, or nil.
	OpenEntry(ctx context.Context, visitorID, orgID string) (*QueueEntry, error)
}
