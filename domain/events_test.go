package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/domain"
)

// memState is domain.EventState over maps, as a store would keep it.
type memState struct {
	sessions     map[string]domain.Session
	grants       map[string]domain.Grant
	apps         map[string]domain.Application
	certificates map[string]time.Time
	assertions   map[string]time.Time
}

func newMemState() *memState {
	return &memState{sessions: map[string]domain.Session{}, grants: map[string]domain.Grant{},
		apps: map[string]domain.Application{}, certificates: map[string]time.Time{}, assertions: map[string]time.Time{}}
}

func (m *memState) Session(id string) (domain.Session, bool) { s, ok := m.sessions[id]; return s, ok }
func (m *memState) PutSession(s domain.Session) error        { m.sessions[s.ID] = s; return nil }
func (m *memState) Grant(id string) (domain.Grant, bool)     { g, ok := m.grants[id]; return g, ok }
func (m *memState) PutGrant(g domain.Grant) error            { m.grants[g.ID] = g; return nil }
func (m *memState) Application(id string) (domain.Application, bool) {
	a, ok := m.apps[id]
	return a, ok
}
func (m *memState) PutApplication(a domain.Application) error { m.apps[a.ID] = a; return nil }
func (m *memState) DeleteApplication(id string) error         { delete(m.apps, id); return nil }
func (m *memState) ReplaceCertificate(ssn string, at time.Time) error {
	m.certificates[ssn] = at
	return nil
}
func (m *memState) UseAssertion(id string, at time.Time) error { m.assertions[id] = at; return nil }

func meta(seq int64, at time.Time) domain.EventMeta {
	return domain.EventMeta{CommandID: "c", InsurerVOEN: insurer, Seq: seq, At: at}
}

// apply applies ev and returns the outcome it named, failing t on an error.
func apply(t *testing.T, st *memState, stream *domain.Stream, ev domain.Event) domain.Outcome {
	t.Helper()
	var out domain.Outcome
	require.NoError(t, ev.Apply(st, stream, &out))
	return out
}

func TestSessionEventsOpenTouchAndClose(t *testing.T) {
	t.Parallel()
	st, stream := newMemState(), &domain.Stream{VOEN: insurer}
	s := domain.Session{ID: "s-1", InsurerVOEN: insurer, Principal: domain.Principal{Role: domain.RoleDelegate, GrantID: "g"},
		Signer: deputyCardSigner(), OpenedAt: t0, LastActive: t0}
	out := apply(t, st, stream, domain.SessionOpened{EventMeta: meta(1, t0), Session: s, AssertionID: "as-1"})
	assert.Equal(t, "s-1", out.Ref)
	assert.False(t, stream.OwnerLoggedIn, "a delegate's login does not count as the owner's")
	assert.Equal(t, t0, st.assertions["as-1"], "the assertion is remembered")

	owner := s
	owner.ID, owner.Principal = "s-2", domain.Principal{Role: domain.RoleOwner}
	apply(t, st, stream, domain.SessionOpened{EventMeta: meta(2, t0), Session: owner})
	assert.True(t, stream.OwnerLoggedIn)
	assert.Len(t, st.assertions, 1, "no assertion id, nothing remembered")

	// A refusal naming the session moves its activity forward, never back.
	later := t0.Add(time.Minute)
	apply(t, st, stream, domain.CommandRejected{EventMeta: meta(3, later), SessionID: "s-1", Code: "X"})
	assert.Equal(t, later, st.sessions["s-1"].LastActive)
	apply(t, st, stream, domain.CommandRejected{EventMeta: meta(4, t0), SessionID: "s-1", Code: "X"})
	assert.Equal(t, later, st.sessions["s-1"].LastActive)
	// One for a session it does not know changes nothing.
	out = apply(t, st, stream, domain.CommandRejected{EventMeta: meta(5, later), SessionID: "nope", Code: "C", Detail: "d"})
	assert.Equal(t, "C", out.Code)
	assert.Equal(t, "d", out.Detail)
	assert.Len(t, st.sessions, 2)

	end := t0.Add(time.Hour)
	out = apply(t, st, stream, domain.SessionClosed{EventMeta: meta(6, end), SessionID: "s-1"})
	assert.Equal(t, "s-1", out.Ref)
	assert.True(t, st.sessions["s-1"].Closed)
	assert.Equal(t, end, st.sessions["s-1"].LastActive)

	err := domain.SessionClosed{EventMeta: meta(7, end), SessionID: "nope"}.Apply(st, stream, &domain.Outcome{})
	assert.ErrorIs(t, err, domain.ErrEventDoesNotFit)
}

func TestGrantEventsCreateAndRevoke(t *testing.T) {
	t.Parallel()
	st, stream := newMemState(), &domain.Stream{VOEN: insurer}
	g := grant(t, "g-1", cardGrantee(t), false, "", "")
	out := apply(t, st, stream, domain.GrantCreated{EventMeta: meta(1, t0), Grant: g})
	assert.Equal(t, "g-1", out.Ref)
	assert.Equal(t, g, st.grants["g-1"])

	at := t0.Add(time.Hour)
	want, err := g.Revoke(at)
	require.NoError(t, err)
	out = apply(t, st, stream, domain.GrantRevoked{EventMeta: meta(2, at), GrantID: "g-1"})
	assert.Equal(t, "g-1", out.Ref)
	assert.Equal(t, want, st.grants["g-1"], "the event revokes as the decision did")

	for name, ev := range map[string]domain.Event{
		"revoked twice":       domain.GrantRevoked{EventMeta: meta(3, at), GrantID: "g-1"},
		"unknown grant":       domain.GrantRevoked{EventMeta: meta(3, at), GrantID: "g-2"},
		"another's grant":     domain.GrantRevoked{EventMeta: domain.EventMeta{CommandID: "c", InsurerVOEN: otherVOEN, Seq: 1, At: at}, GrantID: "g-1"},
		"grant without an id": domain.GrantCreated{EventMeta: meta(3, at), Grant: domain.Grant{InsurerVOEN: insurer}},
	} {
		assert.Error(t, ev.Apply(st, stream, &domain.Outcome{}), name)
	}
	assert.Equal(t, want, st.grants["g-1"], "an event that does not fit changes nothing")
}

func TestApplicationEventsFollowTheDecisions(t *testing.T) {
	t.Parallel()
	st, stream := newMemState(), &domain.Stream{VOEN: insurer}
	d := draft(t, "a-1", domain.ReasonDocumentChanged)
	out := apply(t, st, stream, domain.DraftSaved{EventMeta: meta(1, t0), Application: d})
	assert.Equal(t, "a-1", out.Ref)
	assert.Equal(t, d, st.apps["a-1"])

	signed, err := d.Submit(signature(t0.Add(time.Minute)), nil)
	require.NoError(t, err)
	apply(t, st, stream, domain.ApplicationSubmitted{EventMeta: meta(2, t0), Application: signed})
	assert.Equal(t, signed, st.apps["a-1"])

	// Each back-office decision, recorded as a status change, gives what
	// the decision gave.
	at := t0.Add(time.Hour)
	taken, err := signed.Decide(domain.DecisionTakeIntoProcessing, "", "", "officer-1", at)
	require.NoError(t, err)
	apply(t, st, stream, domain.ApplicationStatusChanged{EventMeta: meta(3, at), ApplicationID: "a-1",
		From: domain.StatusSubmitted, To: domain.StatusInProcessing, Officer: "officer-1"})
	assert.Equal(t, taken, st.apps["a-1"])

	issued, err := taken.Decide(domain.DecisionIssueCertificate, "2025-03-12", "", "officer-2", at)
	require.NoError(t, err)
	apply(t, st, stream, domain.ApplicationStatusChanged{EventMeta: meta(4, at), ApplicationID: "a-1",
		From: domain.StatusInProcessing, To: domain.StatusCompleted, Officer: "officer-2", CertificateDate: "2025-03-12"})
	assert.Equal(t, issued, st.apps["a-1"])
	assert.Equal(t, at, st.certificates[personSSN], "a completed application replaces the certificate")

	rejected, err := taken.Decide(domain.DecisionReject, "", "wrong data", "officer-3", at)
	require.NoError(t, err)
	moved, err := taken.Moved(domain.ApplicationStatusChanged{EventMeta: meta(4, at), ApplicationID: "a-1",
		From: domain.StatusInProcessing, To: domain.StatusRejected, Officer: "officer-3", Reason: "wrong data"})
	require.NoError(t, err)
	assert.Equal(t, rejected, moved)

	// A status change from a status the application is not in does not fit.
	err = domain.ApplicationStatusChanged{EventMeta: meta(5, at), ApplicationID: "a-1",
		From: domain.StatusSubmitted, To: domain.StatusInProcessing}.Apply(st, stream, &domain.Outcome{})
	assert.ErrorIs(t, err, domain.ErrEventDoesNotFit)
	assert.Equal(t, issued, st.apps["a-1"])

	apply(t, st, stream, domain.DraftSaved{EventMeta: meta(5, t0), Application: draft(t, "a-2", domain.ReasonCertificateLost)})
	out = apply(t, st, stream, domain.DraftDeleted{EventMeta: meta(6, t0), ApplicationID: "a-2"})
	assert.Equal(t, "a-2", out.Ref)
	assert.NotContains(t, st.apps, "a-2")
	for name, ev := range map[string]domain.Event{
		"delete of an unknown draft":    domain.DraftDeleted{EventMeta: meta(7, t0), ApplicationID: "a-2"},
		"status of unknown application": domain.ApplicationStatusChanged{EventMeta: meta(7, t0), ApplicationID: "a-3"},
		"draft without a person":        domain.DraftSaved{EventMeta: meta(7, t0), Application: domain.Application{ID: "a-4", InsurerVOEN: insurer}},
	} {
		assert.ErrorIs(t, ev.Apply(st, stream, &domain.Outcome{}), domain.ErrEventDoesNotFit, name)
	}
}

func TestStreamTakesOnlyItsNextEvent(t *testing.T) {
	t.Parallel()
	s := domain.Stream{VOEN: insurer, Seq: 4}
	assert.True(t, s.Next(5))
	assert.False(t, s.Next(4), "a seq taken already")
	assert.False(t, s.Next(6), "a gap")
}
