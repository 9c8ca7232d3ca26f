package domain

import (
	"errors"
	"fmt"
	"time"
)

// The events an insurer's stream records, as the domain reads them, and how
// each one changes state. A decision (DecideLogin, NewGrant, NewDraft, Submit,
// Decide, …) produces the change an event records; applying the event makes
// the same change again, so the state folded from the log equals the state
// the decisions were made on. The entity rules are beside each decision
// (session.go, grant.go, application.go); Apply here only reads and writes
// through EventState.

// EventMeta is the part every event has: the command it records, the insurer
// whose stream it extends, its place in that stream and its time.
type EventMeta struct {
	CommandID   string
	InsurerVOEN string
	Seq         int64
	At          time.Time
}

// Event is a recorded change of an insurer's state.
type Event interface {
	Meta() EventMeta
	// Apply makes the event's change: it reads and writes the entities
	// through st, the insurer's stream through stream, and names in out
	// what it touched. An error means the event does not fit the state:
	// the caller then keeps nothing of it (EventState), so Apply may
	// write before its last check.
	Apply(st EventState, stream *Stream, out *Outcome) error
}

// EventState is what applying an event reads and writes; reads see the
// event's own writes. The store implements it over one write transaction
// and keeps an event's writes only when its Apply returns no error, so an
// event ignored as a conflict changes nothing, on every reader alike.
type EventState interface {
	Session(id string) (Session, bool)
	PutSession(Session) error
	Grant(id string) (Grant, bool)
	PutGrant(Grant) error
	Application(id string) (Application, bool)
	PutApplication(Application) error
	DeleteApplication(id string) error
	// ReplaceCertificate records that a person's certificate was replaced at a time.
	ReplaceCertificate(ssn string, at time.Time) error
	// UseAssertion remembers a login assertion that opened a session.
	UseAssertion(id string, at time.Time) error
}

// Meta returns the metadata; every event embeds EventMeta.
func (m EventMeta) Meta() EventMeta { return m }

// ErrEventDoesNotFit is why an event cannot be applied: it was decided on a
// state this reader does not have (a lost race, or a log out of order).
var ErrEventDoesNotFit = errors.New("event does not fit the state")

// SessionOpened records an accepted login.
type SessionOpened struct {
	EventMeta
	Session     Session
	AssertionID string
}

// Apply stores the new session, marks the first owner login on the stream,
// remembers the assertion, and records on a delegate's grant the signature
// it was used with (the grant ends with that signature, §4.2).
func (e SessionOpened) Apply(st EventState, stream *Stream, out *Outcome) error {
	*stream = stream.AfterLogin(e.Session.Principal)
	out.Ref = e.Session.ID
	if err := st.PutSession(e.Session); err != nil {
		return err
	}
	if id := e.Session.Principal.GrantID; id != "" {
		if g, ok := st.Grant(id); ok {
			if err := st.PutGrant(g.SignedInWith(e.Session.Signer.CertNotAfter)); err != nil {
				return err
			}
		}
	}
	if e.AssertionID != "" {
		return st.UseAssertion(e.AssertionID, e.At)
	}
	return nil
}

// SessionClosed records a logout.
type SessionClosed struct {
	EventMeta
	SessionID string
}

// Apply closes the session.
func (e SessionClosed) Apply(st EventState, _ *Stream, out *Outcome) error {
	s, ok := st.Session(e.SessionID)
	if !ok {
		return fmt.Errorf("close of unknown session: %w", ErrEventDoesNotFit)
	}
	out.Ref = e.SessionID
	return st.PutSession(s.Close(e.At))
}

// GrantCreated records a new authority grant.
type GrantCreated struct {
	EventMeta
	SessionID string
	Grant     Grant
}

// Apply stores the grant.
func (e GrantCreated) Apply(st EventState, _ *Stream, out *Outcome) error {
	if err := e.Grant.Valid(); err != nil {
		return err
	}
	out.Ref = e.Grant.ID
	if err := touch(st, e.SessionID, e.At); err != nil {
		return err
	}
	return st.PutGrant(e.Grant)
}

// GrantRevoked records the end of a grant.
type GrantRevoked struct {
	EventMeta
	SessionID string
	GrantID   string
}

// Apply revokes the insurer's grant.
func (e GrantRevoked) Apply(st EventState, _ *Stream, out *Outcome) error {
	g, ok := st.Grant(e.GrantID)
	if !ok || g.InsurerVOEN != e.InsurerVOEN {
		return fmt.Errorf("revoke of unknown grant: %w", ErrEventDoesNotFit)
	}
	g, err := g.Revoke(e.At)
	if err != nil {
		return err
	}
	out.Ref = g.ID
	if err := touch(st, e.SessionID, e.At); err != nil {
		return err
	}
	return st.PutGrant(g)
}

// DraftSaved records a new or changed draft with everything entered; an
// ApplicationSubmitted carries the signed application the same way.
type DraftSaved struct {
	EventMeta
	SessionID   string
	Application Application
}

// ApplicationSubmitted records a signed application.
type ApplicationSubmitted DraftSaved

// Apply stores the draft as it was saved.
func (e DraftSaved) Apply(st EventState, _ *Stream, out *Outcome) error {
	return saveApplication(st, e.SessionID, e.At, e.Application, out)
}

// Apply stores the signed application.
func (e ApplicationSubmitted) Apply(st EventState, _ *Stream, out *Outcome) error {
	return saveApplication(st, e.SessionID, e.At, e.Application, out)
}

func saveApplication(st EventState, sessionID string, at time.Time, a Application, out *Outcome) error {
	if err := a.Valid(); err != nil {
		return err
	}
	out.Ref = a.ID
	if err := touch(st, sessionID, at); err != nil {
		return err
	}
	return st.PutApplication(a)
}

// DraftDeleted records a deleted draft.
type DraftDeleted struct {
	EventMeta
	SessionID     string
	ApplicationID string
}

// Apply deletes the application.
func (e DraftDeleted) Apply(st EventState, _ *Stream, out *Outcome) error {
	if _, ok := st.Application(e.ApplicationID); !ok {
		return fmt.Errorf("delete of unknown application: %w", ErrEventDoesNotFit)
	}
	out.Ref = e.ApplicationID
	if err := touch(st, e.SessionID, e.At); err != nil {
		return err
	}
	return st.DeleteApplication(e.ApplicationID)
}

// ApplicationStatusChanged records a back-office decision.
type ApplicationStatusChanged struct {
	EventMeta
	ApplicationID   string
	From, To        Status
	Officer         string
	CertificateDate Date
	Reason          string
}

// Apply moves the application; a completed one replaces the person's certificate.
func (e ApplicationStatusChanged) Apply(st EventState, _ *Stream, out *Outcome) error {
	a, ok := st.Application(e.ApplicationID)
	if !ok {
		return fmt.Errorf("status change of unknown application: %w", ErrEventDoesNotFit)
	}
	a, err := a.Moved(e)
	if err != nil {
		return err
	}
	out.Ref = a.ID
	if a.Status == StatusCompleted {
		if err := st.ReplaceCertificate(a.Person.Insured.SSN, e.At); err != nil {
			return err
		}
	}
	return st.PutApplication(a)
}

// CommandRejected records a refused state-changing command, so that a
// redelivery gets the same refusal.
type CommandRejected struct {
	EventMeta
	CommandType string
	SessionID   string
	Code        string
	Detail      string
}

// Apply records the refusal in the outcome.
func (e CommandRejected) Apply(st EventState, _ *Stream, out *Outcome) error {
	out.Code, out.Detail = e.Code, e.Detail
	return touch(st, e.SessionID, e.At)
}

// touch moves a session's last activity to an event's time; a session this
// state does not know is left alone.
func touch(st EventState, sessionID string, at time.Time) error {
	if sessionID == "" {
		return nil
	}
	if s, ok := st.Session(sessionID); ok {
		if s, later := s.Touch(at); later {
			return st.PutSession(s)
		}
	}
	return nil
}
