package store

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// An event that does not fit state is ignored as a conflict by every
// reader alike, so it must leave nothing of itself, whatever it wrote
// before it failed (domain.Event's rule, kept by the store).

const voenX = "9802091761"

var tx0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// foldEvents folds domain events as ApplyBatch folds the records of the
// event log they were read from.
func foldEvents(s *Store, evs ...domain.Event) {
	records := make([]Record, len(evs))
	dec := make([]decoded, len(evs))
	for i, e := range evs {
		records[i].Topic = contracts.TopicEvents
		dec[i].ev = event{typ: fmt.Sprintf("%T", e), meta: e.Meta(), ev: e}
	}
	s.ApplyBatch(&Batch{records: records, scratch: &scratch{decoded: dec}})
}

func metaX(seq int64) domain.EventMeta {
	return domain.EventMeta{CommandID: fmt.Sprintf("cmd-%d", seq), InsurerVOEN: voenX, Seq: seq,
		At: tx0.Add(time.Duration(seq) * time.Minute)}
}

func applicationX(id string, s domain.Status) domain.Application {
	return domain.Application{ID: id, Number: "N-" + id, InsurerVOEN: voenX, Type: domain.ApplicationType("replacement"),
		Reason: domain.ReasonDocumentChanged, Status: s,
		Person:    domain.Person{Insured: domain.InsuredPerson{SSN: "1200019850314", InsurerVOEN: voenX}},
		CreatedAt: tx0, UpdatedAt: tx0, History: []domain.StatusChange{{Status: s, At: tx0, By: domain.ApplicantBy}}}
}

// seeded is a store with an owner's session, a grant, an application in
// processing and a draft, made by seqs 1 to 5 of insurer voenX.
func seeded(t *testing.T) *Store {
	t.Helper()
	s, err := New()
	require.NoError(t, err)
	owner := domain.Session{ID: "s-owner", InsurerVOEN: voenX, Principal: domain.Principal{Role: domain.RoleOwner},
		Signer: domain.Signer{Method: domain.MethodCard, FIN: "2DRC7TR"}, OpenedAt: tx0, LastActive: tx0}
	grant := domain.Grant{ID: "g-1", InsurerVOEN: voenX, Service: domain.ServiceCertificate, CreatedAt: tx0,
		Grantee: domain.Grantee{Method: domain.MethodAsan, Phone: "+994501234567", FIN: "4DPT9UY"}}
	foldEvents(s,
		domain.SessionOpened{EventMeta: metaX(1), Session: owner, AssertionID: "as-1"},
		domain.GrantCreated{EventMeta: metaX(2), SessionID: "s-owner", Grant: grant},
		domain.DraftSaved{EventMeta: metaX(3), SessionID: "s-owner", Application: applicationX("a-1", domain.StatusInProcessing)},
		domain.DraftSaved{EventMeta: metaX(4), SessionID: "s-owner", Application: applicationX("a-2", domain.StatusDraft)},
		domain.CommandRejected{EventMeta: metaX(5), SessionID: "s-owner", Code: "X"})
	require.Equal(t, Stats{Applied: 5}, s.Stats())
	return s
}

var errWriteFailed = errors.New("write failed")

// failingWrites is an EventState whose write after the first n fails.
type failingWrites struct {
	domain.EventState
	n *int // writes still let through
}

func (f failingWrites) write() error {
	if *f.n == 0 {
		return errWriteFailed
	}
	*f.n--
	return nil
}

func (f failingWrites) PutSession(v domain.Session) error {
	return errors.Join(f.write(), f.EventState.PutSession(v))
}

func (f failingWrites) PutGrant(g domain.Grant) error {
	return errors.Join(f.write(), f.EventState.PutGrant(g))
}

func (f failingWrites) PutApplication(a domain.Application) error {
	return errors.Join(f.write(), f.EventState.PutApplication(a))
}

func (f failingWrites) DeleteApplication(id string) error {
	return errors.Join(f.write(), f.EventState.DeleteApplication(id))
}

func (f failingWrites) ReplaceCertificate(ssn string, at time.Time) error {
	return errors.Join(f.write(), f.EventState.ReplaceCertificate(ssn, at))
}

func (f failingWrites) UseAssertion(id string, at time.Time) error {
	return errors.Join(f.write(), f.EventState.UseAssertion(id, at))
}

// failingAfter is an event whose write after its first n fails: the write
// itself is made, then Apply returns an error, as when an event's last
// check fails after it wrote.
type failingAfter struct {
	domain.Event
	n int
}

func (e failingAfter) Apply(st domain.EventState, stream *domain.Stream, out *domain.Outcome) error {
	n := e.n
	return e.Event.Apply(failingWrites{st, &n}, stream, out)
}

// Each event type, failing at each of its writes, leaves the state exactly
// as it was and counts as a conflict; let through, it changes the state.
func TestAnEventThatFailsAfterWritingLeavesNothing(t *testing.T) {
	deputy := domain.Session{ID: "s-deputy", InsurerVOEN: voenX,
		Principal: domain.Principal{Role: domain.RoleDelegate, GrantID: "g-1"},
		Signer:    domain.Signer{Method: domain.MethodAsan, Phone: "+994501234567", CertNotAfter: tx0.AddDate(1, 0, 0)},
		OpenedAt:  tx0, LastActive: tx0}
	m := metaX(6)
	cases := []struct {
		ev     domain.Event
		writes int
	}{
		// The delegate's session, the grant's signature, the assertion.
		{domain.SessionOpened{EventMeta: m, Session: deputy, AssertionID: "as-2"}, 3},
		{domain.SessionClosed{EventMeta: m, SessionID: "s-owner"}, 1},
		{domain.GrantCreated{EventMeta: m, SessionID: "s-owner", Grant: domain.Grant{ID: "g-2", InsurerVOEN: voenX,
			Service: domain.ServiceCertificate, CreatedAt: m.At}}, 2},
		{domain.GrantRevoked{EventMeta: m, SessionID: "s-owner", GrantID: "g-1"}, 2},
		{domain.DraftSaved{EventMeta: m, SessionID: "s-owner", Application: applicationX("a-3", domain.StatusDraft)}, 2},
		{domain.ApplicationSubmitted{EventMeta: m, SessionID: "s-owner", Application: applicationX("a-2", domain.StatusSubmitted)}, 2},
		{domain.DraftDeleted{EventMeta: m, SessionID: "s-owner", ApplicationID: "a-2"}, 2},
		// The certificate, then the application.
		{domain.ApplicationStatusChanged{EventMeta: m, ApplicationID: "a-1", From: domain.StatusInProcessing,
			To: domain.StatusCompleted, Officer: "officer", CertificateDate: "2026-03-02"}, 2},
		{domain.CommandRejected{EventMeta: m, SessionID: "s-owner", Code: "X"}, 1},
	}
	for _, c := range cases {
		name := fmt.Sprintf("%T", c.ev)
		for n := 0; n <= c.writes; n++ {
			s := seeded(t)
			before := s.View().Snapshot(nil)
			foldEvents(s, failingAfter{c.ev, n})
			after := s.View().Snapshot(nil)
			if n < c.writes {
				assert.Equal(t, Stats{Applied: 5, Conflicts: 1}, s.Stats(), "%s failing after %d writes", name, n)
				assert.Equal(t, before, after, "%s failing after %d writes changed state", name, n)
				continue
			}
			assert.Equal(t, Stats{Applied: 6}, s.Stats(), "%s with every write let through", name)
			assert.NotEqual(t, before, after, "%s applied changed nothing", name)
		}
	}
}

// everyWrite is an event of a kind the domain does not have yet: it makes
// every kind of write, reads each back, then fails or not.
type everyWrite struct {
	domain.EventMeta
	fail bool
	read *[]string // what its reads saw
}

func (e everyWrite) Apply(st domain.EventState, _ *domain.Stream, _ *domain.Outcome) error {
	saw := func(what string, ok bool) { *e.read = append(*e.read, fmt.Sprintf("%s %v", what, ok)) }
	s, _ := st.Session("s-owner")
	s.LastActive = e.At
	g, _ := st.Grant("g-1")
	g.Revoked = true
	err := errors.Join(
		st.PutSession(s), st.PutSession(domain.Session{ID: "s-new", InsurerVOEN: voenX}),
		st.PutGrant(g), st.PutGrant(domain.Grant{ID: "g-new", InsurerVOEN: voenX}),
		st.PutApplication(applicationX("a-new", domain.StatusDraft)), st.DeleteApplication("a-2"),
		st.ReplaceCertificate("1200019850314", e.At), st.UseAssertion("as-new", e.At))
	if err != nil {
		return err
	}
	got, ok := st.Session("s-owner")
	saw("owner's session moved", ok && got.LastActive.Equal(e.At))
	_, ok = st.Session("s-new")
	saw("new session", ok)
	gr, ok := st.Grant("g-1")
	saw("grant revoked", ok && gr.Revoked)
	_, ok = st.Application("a-new")
	saw("new application", ok)
	_, ok = st.Application("a-2")
	saw("deleted application", ok)
	saw("second delete refused", st.DeleteApplication("a-2") != nil)
	if e.fail {
		return fmt.Errorf("after every write: %w", domain.ErrEventDoesNotFit)
	}
	return nil
}

// An event sees its own writes; they stay only when it applies.
func TestAnEventsWritesStayOnlyWhenItApplies(t *testing.T) {
	wantRead := []string{"owner's session moved true", "new session true", "grant revoked true",
		"new application true", "deleted application false", "second delete refused true"}
	for _, fail := range []bool{true, false} {
		s := seeded(t)
		before := s.View().Snapshot(nil)
		var read []string
		foldEvents(s, everyWrite{EventMeta: metaX(6), fail: fail, read: &read})
		assert.Equal(t, wantRead, read, "fail %v", fail)
		v := s.View()
		if fail {
			assert.Equal(t, Stats{Applied: 5, Conflicts: 1}, s.Stats())
			assert.Equal(t, before, v.Snapshot(nil), "a failed event changed state")
			continue
		}
		assert.Equal(t, Stats{Applied: 6}, s.Stats())
		_, ok := v.Session("s-new")
		assert.True(t, ok, "new session")
		g, _ := v.Grant("g-1")
		assert.True(t, g.Revoked, "grant revoked")
		_, ok = v.Application("a-new")
		assert.True(t, ok, "new application")
		_, ok = v.Application("a-2")
		assert.False(t, ok, "deleted application")
		assert.True(t, v.AssertionUsed("as-new"), "assertion")
		assert.Len(t, v.Snapshot(nil).Certificates, 1, "certificate")
	}
}
