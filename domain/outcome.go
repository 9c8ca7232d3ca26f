package domain

import "time"

// Stream is an insurer's position in the event log.
type Stream struct {
	VOEN string
	// Seq counts the insurer's applied events; an event must carry Seq+1.
	Seq int64
	// OwnerLoggedIn is set by the first login with stamp authority.
	OwnerLoggedIn bool
}

// Outcome is the recorded decision on a state-changing command: what makes a
// redelivered command recognisable and its reply repeatable.
type Outcome struct {
	CommandID   string
	InsurerVOEN string
	EventType   string
	// Ref is the id of what the command made or changed (session, grant, application).
	Ref string
	// Code and Detail are set when the command was refused.
	Code, Detail string
	At           time.Time
}

// Accepted reports whether the command took effect.
func (o Outcome) Accepted() bool { return o.Code == "" }

// FoldResult tells a waiting handler what became of its event.
type FoldResult struct {
	// Outcome is the decision recorded for the command; it may come from
	// another instance's event for the same command.
	Outcome Outcome
	// Conflict is set when the event lost a race (its Seq was taken): decide again.
	Conflict bool
}

// AfterLogin is the stream once a login as p was accepted: the first login
// with stamp authority lets delegates in from then on.
func (s Stream) AfterLogin(p Principal) Stream {
	if p.Role == RoleOwner {
		s.OwnerLoggedIn = true
	}
	return s
}

// Next reports whether an event with seq extends the stream: only the
// stream's next number does, so of two events decided on the same version
// the first one folded wins.
func (s Stream) Next(seq int64) bool { return seq == s.Seq+1 }
