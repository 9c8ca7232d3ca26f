package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// Hand-made records for the fold: reference records as the registers write
// them, events as the handlers write them.

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

const (
	voenA = "9802091761"
	voenB = "1700345672"
)

var (
	insurerA = contracts.Insurer{VOEN: voenA, AccountNumber: "9819854215",
		FullName: `"MƏKTƏBİ QURUP" MƏDƏNİYYƏT MƏRKƏZİ`, Type: contracts.InsurerLegalEntity,
		ResponsiblePerson: "SƏMİR QƏLƏYEV NƏZƏR QƏLƏYEV", OfficeCode: "188",
		OfficeName: "Bakı şəhəri üzrə hüquqi şəxslərlə iş", UpdatedAt: t0}
	personA = contracts.InsuredPerson{SSN: "1200019850314", FIN: "5ZK8T3B", SSNDate: "2005-09-01",
		CertificateStatus: contracts.CertificateActive, InsurerVOEN: voenA, UpdatedAt: t0}
	documentA = contracts.IdentityDocument{FIN: "5ZK8T3B", DocumentType: contracts.DocumentIDCard,
		DocumentNumber: "AA1234567", Surname: "ƏLİYEVA", Name: "ŞƏHLA", Patronymic: "VÜQAR QIZI",
		Gender: contracts.GenderFemale, Citizenship: "Azərbaycan", BirthPlace: "Bakı şəhəri",
		BirthDate: "1985-03-14", IssuingAuthority: "ASAN xidmət №1", IssueDate: "2019-05-20",
		ValidUntil: "2029-05-20", UpdatedAt: t0}
)

var refCounter int

// ref is a reference record in binary content mode.
func ref(t testing.TB, rec any) store.Record {
	t.Helper()
	refCounter++
	topic, env, err := contracts.ReferenceEnvelope(fmt.Sprintf("ref-%d", refCounter), rec, t0)
	if err != nil {
		t.Fatal(err)
	}
	return store.Record{Topic: topic, Key: []byte(env.Key), Value: env.Data, Headers: env.BinaryHeaders()}
}

// structuredRef is a reference record in structured content mode.
func structuredRef(t testing.TB, rec any) store.Record {
	t.Helper()
	refCounter++
	topic, env, err := contracts.ReferenceEnvelope(fmt.Sprintf("ref-%d", refCounter), rec, t0)
	if err != nil {
		t.Fatal(err)
	}
	value, err := env.StructuredJSON()
	if err != nil {
		t.Fatal(err)
	}
	return store.Record{Topic: topic, Key: []byte(env.Key), Value: value,
		Headers: []contracts.Header{{Key: contracts.HeaderContentType, Value: []byte(contracts.StructuredContentType + "; charset=utf-8")}}}
}

func tombstone(topic, key string) store.Record {
	return store.Record{Topic: topic, Key: []byte(key)}
}

// eventLog builds events with each insurer's next seq, as the handlers do.
type eventLog struct {
	t   testing.TB
	seq map[string]int64
	n   int
}

func newLog(t testing.TB) *eventLog { return &eventLog{t: t, seq: map[string]int64{}} }

// meta is the next event's metadata for an insurer, with a fresh command id.
func (l *eventLog) meta(voen string) contracts.EventMeta {
	l.n++
	l.seq[voen]++
	return contracts.EventMeta{CommandID: fmt.Sprintf("cmd-%04d", l.n), InsurerVOEN: voen, Seq: l.seq[voen],
		At: t0.Add(time.Duration(l.n) * time.Minute)}
}

// event renders an event as a record of the event log.
func event(t testing.TB, typ string, m contracts.EventMeta, ev any) store.Record {
	t.Helper()
	env, err := contracts.NewEnvelope(fmt.Sprintf("evt-%s-%d", m.CommandID, m.Seq), contracts.SourceAdapter, typ, m.InsurerVOEN, m.At, ev)
	if err != nil {
		t.Fatal(err)
	}
	env.Subject = m.InsurerVOEN
	return store.Record{Topic: contracts.TopicEvents, Key: []byte(env.Key), Value: env.Data, Headers: env.BinaryHeaders()}
}

func newStore(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.New()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func wantStats(t *testing.T, s *store.Store, want store.Stats) {
	t.Helper()
	if got := s.Stats(); got != want {
		t.Fatalf("stats = %+v, want %+v", got, want)
	}
}

func TestReferenceNewerReplacesOlder(t *testing.T) {
	s := newStore(t)
	old := insurerA
	newer := insurerA
	newer.FullName, newer.UpdatedAt = `"MƏKTƏBİ QURUP" MMC`, t0.Add(time.Hour)
	oldDoc, newDoc := documentA, documentA
	newDoc.Surname, newDoc.DocumentNumber = "HƏSƏNOVA", "AA7777777"
	oldPerson, newPerson := personA, personA
	newPerson.InsurerVOEN = voenB

	// Within one batch and across batches the later record wins.
	s.Apply([]store.Record{ref(t, old), ref(t, newer), ref(t, oldDoc), ref(t, oldPerson)})
	s.Apply([]store.Record{ref(t, newDoc), ref(t, newPerson)})

	v := s.View()
	if got, ok := v.Insurer(voenA); !ok || got != newer {
		t.Errorf("insurer = %+v, %v; want %+v", got, ok, newer)
	}
	if got, ok := v.Document(documentA.FIN); !ok || got != newDoc {
		t.Errorf("document = %+v, %v; want %+v", got, ok, newDoc)
	}
	if got, ok := v.InsuredPerson(personA.SSN); !ok || got != newPerson {
		t.Errorf("insured person = %+v, %v; want %+v", got, ok, newPerson)
	}
	wantStats(t, s, store.Stats{References: 6})
}

func TestReferenceTombstoneDeletes(t *testing.T) {
	s := newStore(t)
	s.Apply([]store.Record{ref(t, insurerA), ref(t, personA), ref(t, documentA)})
	before := s.View()
	s.Apply([]store.Record{
		tombstone(contracts.TopicInsurers, voenA),
		tombstone(contracts.TopicInsuredPersons, personA.SSN),
		tombstone(contracts.TopicIdentityDocuments, documentA.FIN),
		// A tombstone of a key never seen deletes nothing and is no error.
		tombstone(contracts.TopicInsurers, voenB),
	})
	v := s.View()
	if _, ok := v.Insurer(voenA); ok {
		t.Error("insurer still there after its tombstone")
	}
	if _, ok := v.InsuredPerson(personA.SSN); ok {
		t.Error("insured person still there after its tombstone")
	}
	if _, ok := v.Document(documentA.FIN); ok {
		t.Error("document still there after its tombstone")
	}
	// A view taken before is a snapshot: it still has them.
	if _, ok := before.Insurer(voenA); !ok {
		t.Error("an older view lost the insurer")
	}
	// A record after the tombstone brings the key back.
	s.Apply([]store.Record{ref(t, insurerA)})
	if got, ok := s.View().Insurer(voenA); !ok || got != insurerA {
		t.Errorf("insurer after re-insert = %+v, %v", got, ok)
	}
	wantStats(t, s, store.Stats{References: 8})
}

func TestReferenceStructuredMode(t *testing.T) {
	s := newStore(t)
	s.Apply([]store.Record{structuredRef(t, insurerA), structuredRef(t, personA), structuredRef(t, documentA)})
	v := s.View()
	if got, ok := v.Insurer(voenA); !ok || got != insurerA {
		t.Errorf("insurer = %+v, %v; want %+v", got, ok, insurerA)
	}
	if got, ok := v.InsuredPerson(personA.SSN); !ok || got != personA {
		t.Errorf("insured person = %+v, %v; want %+v", got, ok, personA)
	}
	if got, ok := v.Document(documentA.FIN); !ok || got != documentA {
		t.Errorf("document = %+v, %v; want %+v", got, ok, documentA)
	}
	wantStats(t, s, store.Stats{References: 3})
}

func TestUndecodableRecordsAreCountedAndSkipped(t *testing.T) {
	s := newStore(t)
	good := ref(t, insurerA)
	noHeaders := good
	noHeaders.Headers = nil
	badJSON := ref(t, documentA)
	badJSON.Value = []byte(`{"fin": 7`)
	noKeyField := ref(t, contracts.InsuredPerson{FIN: "5ZK8T3B"}) // no SSN
	wrongSpec := ref(t, personA)
	wrongSpec.Headers = append([]contracts.Header(nil), wrongSpec.Headers...)
	wrongSpec.Headers[0].Value = []byte("0.3")
	notUTF8 := ref(t, documentA)
	notUTF8.Headers = append([]contracts.Header(nil), notUTF8.Headers...)
	notUTF8.Headers[1].Value = []byte{0xff, 0xfe}

	l := newLog(t)
	m := l.meta(voenA)
	goodEvent := event(t, contracts.TypeSessionOpened, m, contracts.SessionOpened{EventMeta: m, SessionID: "s-1",
		Role: contracts.RoleOwner, Method: contracts.MethodESignCard, SignerFIN: "2DRC7TR"})
	badEvent := goodEvent
	badEvent.Value = []byte(`not json`)
	noCommand := event(t, contracts.TypeSessionOpened, contracts.EventMeta{InsurerVOEN: voenA, Seq: 1},
		contracts.SessionOpened{SessionID: "s-2"})

	s.Apply([]store.Record{noHeaders, badJSON, badEvent, good, noKeyField, wrongSpec, noCommand, notUTF8, goodEvent,
		ref(t, documentA)})

	v := s.View()
	if _, ok := v.Insurer(voenA); !ok {
		t.Error("the good insurer after bad records was not applied")
	}
	if _, ok := v.Document(documentA.FIN); !ok {
		t.Error("the good document at the end of the batch was not applied")
	}
	if _, ok := v.InsuredPerson(personA.SSN); ok {
		t.Error("an undecodable insured person was applied")
	}
	if _, ok := v.Session("s-1"); !ok {
		t.Error("the good event after bad ones was not applied")
	}
	if _, ok := v.Session("s-2"); ok {
		t.Error("an event without a command id was applied")
	}
	if got := v.Stream(voenA).Seq; got != 1 {
		t.Errorf("seq = %d, want 1", got)
	}
	wantStats(t, s, store.Stats{Applied: 1, Undecodable: 7, References: 2})
}

// app is a draft of personA's replacement as the handlers build it.
func app(t testing.TB, id string, at time.Time) domain.Application {
	t.Helper()
	p := wire.PersonFromWire(wire.PersonToWire(domain.Person{
		Document: *wire.DocumentFromWire(&documentA), Insured: *wire.InsuredFromWire(&personA)},
		domain.CertificateActive), voenA)
	a, err := domain.NewDraft(id, domain.ApplicationNumber(voenA, 1), voenA, domain.ReasonDocumentChanged, p, at)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestEventsFoldIntoState(t *testing.T) {
	s := newStore(t)
	s.Apply([]store.Record{ref(t, insurerA), ref(t, personA), ref(t, documentA)})
	l := newLog(t)
	apply := func(typ string, ev func(m contracts.EventMeta) any) contracts.EventMeta {
		t.Helper()
		m := l.meta(voenA)
		before := s.Stats()
		s.Apply([]store.Record{event(t, typ, m, ev(m))})
		if after := s.Stats(); after.Applied != before.Applied+1 {
			t.Fatalf("%s not applied: %+v", typ, after)
		}
		return m
	}

	// Owner login.
	certEnd := t0.AddDate(1, 0, 0)
	m := apply(contracts.TypeSessionOpened, func(m contracts.EventMeta) any {
		return contracts.SessionOpened{EventMeta: m, SessionID: "s-owner", Role: contracts.RoleOwner,
			Method: contracts.MethodESignCard, SignerFIN: "2DRC7TR", CertNotAfter: certEnd, AssertionID: "as-1",
			Card: &contracts.CardIdentity{CardNumber: "RYTN00481516"}}
	})
	v := s.View()
	wantSession := domain.Session{ID: "s-owner", InsurerVOEN: voenA, Principal: domain.Principal{Role: domain.RoleOwner},
		Signer: domain.Signer{Method: domain.MethodCard, FIN: "2DRC7TR", CardNumber: "RYTN00481516",
			StampAuthority: true, CertNotAfter: certEnd}, OpenedAt: m.At, LastActive: m.At}
	if got, ok := v.Session("s-owner"); !ok || got != wantSession {
		t.Fatalf("session = %+v, %v\nwant %+v", got, ok, wantSession)
	}
	if st := v.Stream(voenA); st != (store.Stream{VOEN: voenA, Seq: 1, OwnerLoggedIn: true}) {
		t.Fatalf("stream = %+v", st)
	}
	if o, ok := v.Outcome(m.CommandID); !ok || o != (store.Outcome{CommandID: m.CommandID, InsurerVOEN: voenA,
		EventType: contracts.TypeSessionOpened, Ref: "s-owner", At: m.At}) || !o.Accepted() {
		t.Fatalf("outcome = %+v, %v", o, ok)
	}

	// A grant to the deputy, then the deputy's login with it.
	grant := contracts.Grant{GrantID: "g-1", Service: contracts.ServiceCertificate, CreatedAt: t0.Add(2 * time.Minute),
		Grantee:  contracts.Grantee{Method: contracts.MethodAsanImza, Phone: "+994501234567", FIN: "4DPT9UY"},
		Validity: contracts.Validity{Kind: contracts.ValidityLimited, Start: "2026-03-01", End: "2026-12-31"}}
	m = apply(contracts.TypeGrantCreated, func(m contracts.EventMeta) any {
		return contracts.GrantCreated{EventMeta: m, SessionID: "s-owner", Grant: grant}
	})
	v = s.View()
	wantGrant := wire.GrantFromWire(voenA, grant)
	if got, ok := v.Grant("g-1"); !ok || got != wantGrant {
		t.Fatalf("grant = %+v, %v", got, ok)
	}
	if got, _ := v.Session("s-owner"); !got.LastActive.Equal(m.At) {
		t.Errorf("the grant did not touch the owner's session: last active %v, want %v", got.LastActive, m.At)
	}
	m = apply(contracts.TypeSessionOpened, func(m contracts.EventMeta) any {
		return contracts.SessionOpened{EventMeta: m, SessionID: "s-deputy", Role: contracts.RoleDelegate, GrantID: "g-1",
			Method: contracts.MethodAsanImza, SignerFIN: "4DPT9UY", Asan: &contracts.AsanIdentity{Phone: "+994501234567"}}
	})
	if got, _ := s.View().Session("s-deputy"); got.Principal != (domain.Principal{Role: domain.RoleDelegate, GrantID: "g-1"}) ||
		got.Signer.Phone != "+994501234567" || got.Signer.StampAuthority {
		t.Fatalf("deputy session = %+v", got)
	}

	// Revoke; a second revoke does not fit state and is a conflict.
	m = apply(contracts.TypeGrantRevoked, func(m contracts.EventMeta) any {
		return contracts.GrantRevoked{EventMeta: m, SessionID: "s-owner", GrantID: "g-1"}
	})
	revokedAt := m.At
	if got, _ := s.View().Grant("g-1"); !got.Revoked || !got.RevokedAt.Equal(revokedAt) {
		t.Fatalf("revoked grant = %+v", got)
	}
	if gs := s.View().Grants(voenA); len(gs) != 1 || gs[0].ID != "g-1" || !gs[0].Revoked {
		t.Fatalf("grants = %+v", gs)
	}
	m = l.meta(voenA)
	s.Apply([]store.Record{event(t, contracts.TypeGrantRevoked, m, contracts.GrantRevoked{EventMeta: m, GrantID: "g-1"})})
	l.seq[voenA]-- // not applied: the insurer's next seq stays
	if got := s.Stats().Conflicts; got != 1 {
		t.Fatalf("second revoke: conflicts = %d, want 1", got)
	}
	if _, ok := s.View().Outcome(m.CommandID); ok {
		t.Fatal("a conflicting event recorded an outcome")
	}

	// A draft, changed, submitted, taken into processing, completed.
	draft := app(t, "app-1", t0.Add(10*time.Minute))
	apply(contracts.TypeDraftSaved, func(m contracts.EventMeta) any {
		return contracts.DraftSaved{EventMeta: m, SessionID: "s-owner", Application: wire.ApplicationToWire(draft)}
	})
	if got, ok := s.View().Application("app-1"); !ok || got.Status != domain.StatusDraft || got.Person != draft.Person {
		t.Fatalf("draft = %+v, %v", got, ok)
	}
	changed, err := draft.Change(domain.ReasonCertificateLost, draft.Person, t0.Add(11*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	apply(contracts.TypeDraftSaved, func(m contracts.EventMeta) any {
		return contracts.DraftSaved{EventMeta: m, SessionID: "s-owner", Application: wire.ApplicationToWire(changed)}
	})
	if got, _ := s.View().Application("app-1"); got.Reason != domain.ReasonCertificateLost || got.Type != domain.TypeDuplicate {
		t.Fatalf("changed draft = %+v", got)
	}
	signedAt := t0.Add(12 * time.Minute).Truncate(time.Second)
	submitted, err := changed.Submit(domain.Signature{Role: domain.RoleOwner, Method: domain.MethodCard, FIN: "2DRC7TR",
		CardNumber: "RYTN00481516", SessionID: "s-owner", At: signedAt}, nil)
	if err != nil {
		t.Fatal(err)
	}
	apply(contracts.TypeApplicationSubmitted, func(m contracts.EventMeta) any {
		return contracts.ApplicationSubmitted{EventMeta: m, SessionID: "s-owner", Application: wire.ApplicationToWire(submitted)}
	})
	if got, _ := s.View().Application("app-1"); got.Status != domain.StatusSubmitted || got.Signature == nil ||
		*got.Signature != *submitted.Signature || len(got.History) != 2 {
		t.Fatalf("submitted = %+v", got)
	}
	if as := s.View().Applications(voenA); len(as) != 1 || as[0].ID != "app-1" {
		t.Fatalf("applications of the insurer = %+v", as)
	}
	if as := s.View().ApplicationsOf(personA.SSN); len(as) != 1 || as[0].ID != "app-1" {
		t.Fatalf("applications of the person = %+v", as)
	}
	apply(contracts.TypeApplicationStatusMoved, func(m contracts.EventMeta) any {
		return contracts.ApplicationStatusChanged{EventMeta: m, ApplicationID: "app-1",
			From: contracts.StatusSubmitted, To: contracts.StatusInProcessing, Officer: "bo-17"}
	})
	// Before completion the register's status stands.
	if got := s.View().CertificateStatus(personA); got != domain.CertificateActive {
		t.Fatalf("certificate before completion = %s", got)
	}
	m = apply(contracts.TypeApplicationStatusMoved, func(m contracts.EventMeta) any {
		return contracts.ApplicationStatusChanged{EventMeta: m, ApplicationID: "app-1",
			From: contracts.StatusInProcessing, To: contracts.StatusCompleted, Officer: "bo-17", CertificateDate: "2026-03-10"}
	})
	completedAt := m.At
	v = s.View()
	got, _ := v.Application("app-1")
	if got.Status != domain.StatusCompleted || got.CertificateDate != "2026-03-10" || !got.UpdatedAt.Equal(completedAt) ||
		len(got.History) != 4 || got.History[3] != (domain.StatusChange{Status: domain.StatusCompleted, At: completedAt, By: "bo-17"}) {
		t.Fatalf("completed = %+v", got)
	}
	if got := v.CertificateStatus(personA); got != domain.CertificateReplaced {
		t.Fatalf("certificate after completion = %s, want replaced", got)
	}
	// The register's record, when newer than the completion, is the truth again.
	reissued := personA
	reissued.UpdatedAt = completedAt.Add(time.Hour)
	s.Apply([]store.Record{ref(t, reissued)})
	if got := s.View().CertificateStatus(reissued); got != domain.CertificateActive {
		t.Fatalf("certificate after a newer register record = %s, want active", got)
	}
	// An older view still says replaced.
	if got := v.CertificateStatus(personA); got != domain.CertificateReplaced {
		t.Fatalf("older view: certificate = %s", got)
	}

	// A second application, rejected; a third, a draft deleted.
	second := app(t, "app-2", t0.Add(20*time.Minute))
	second, _ = second.Submit(domain.Signature{Role: domain.RoleOwner, Method: domain.MethodCard, FIN: "2DRC7TR",
		SessionID: "s-owner", At: t0.Add(20 * time.Minute)}, nil)
	apply(contracts.TypeApplicationSubmitted, func(m contracts.EventMeta) any {
		return contracts.ApplicationSubmitted{EventMeta: m, SessionID: "s-owner", Application: wire.ApplicationToWire(second)}
	})
	apply(contracts.TypeApplicationStatusMoved, func(m contracts.EventMeta) any {
		return contracts.ApplicationStatusChanged{EventMeta: m, ApplicationID: "app-2",
			From: contracts.StatusSubmitted, To: contracts.StatusRejected, Officer: "bo-3", Reason: "Sənəd oxunmur"}
	})
	if got, _ := s.View().Application("app-2"); got.Status != domain.StatusRejected || got.RejectionReason != "Sənəd oxunmur" ||
		got.History[len(got.History)-1].Reason != "Sənəd oxunmur" {
		t.Fatalf("rejected = %+v", got)
	}
	third := app(t, "app-3", t0.Add(30*time.Minute))
	apply(contracts.TypeDraftSaved, func(m contracts.EventMeta) any {
		return contracts.DraftSaved{EventMeta: m, SessionID: "s-deputy", Application: wire.ApplicationToWire(third)}
	})
	m = apply(contracts.TypeDraftDeleted, func(m contracts.EventMeta) any {
		return contracts.DraftDeleted{EventMeta: m, SessionID: "s-deputy", ApplicationID: "app-3"}
	})
	if _, ok := s.View().Application("app-3"); ok {
		t.Fatal("deleted draft still there")
	}
	if o, _ := s.View().Outcome(m.CommandID); o.Ref != "app-3" || o.EventType != contracts.TypeDraftDeleted {
		t.Fatalf("delete outcome = %+v", o)
	}
	if as := s.View().Applications(voenA); len(as) != 2 {
		t.Fatalf("applications after delete = %d, want 2", len(as))
	}

	// A refusal is recorded with its code and touches the session.
	m = apply(contracts.TypeCommandRejected, func(m contracts.EventMeta) any {
		return contracts.CommandRejected{EventMeta: m, CommandType: contracts.TypeSubmit, SessionID: "s-deputy",
			Code: "APPLICATION_OPEN", Detail: "SSC-9802091761-000001"}
	})
	if o, _ := s.View().Outcome(m.CommandID); o.Accepted() || o.Code != "APPLICATION_OPEN" || o.Detail != "SSC-9802091761-000001" {
		t.Fatalf("refusal outcome = %+v", o)
	}
	if got, _ := s.View().Session("s-deputy"); !got.LastActive.Equal(m.At) {
		t.Fatalf("refusal did not touch the session: %v", got.LastActive)
	}

	// Logout.
	m = apply(contracts.TypeSessionClosed, func(m contracts.EventMeta) any {
		return contracts.SessionClosed{EventMeta: m, SessionID: "s-deputy", Reason: contracts.CloseLogout}
	})
	if got, _ := s.View().Session("s-deputy"); !got.Closed || !got.LastActive.Equal(m.At) {
		t.Fatalf("closed session = %+v", got)
	}

	// Another insurer's stream is independent.
	if st := s.View().Stream(voenB); st != (store.Stream{VOEN: voenB}) {
		t.Fatalf("other insurer's stream = %+v", st)
	}
	if st := s.View().Stream(voenA); st.Seq != l.seq[voenA] {
		t.Fatalf("seq = %d, want %d", st.Seq, l.seq[voenA])
	}
	wantStats(t, s, store.Stats{Applied: l.seq[voenA], Conflicts: 1, References: 4})
}

func TestEventsThatDoNotFitStateAreConflicts(t *testing.T) {
	l := newLog(t)
	cases := map[string]func() (string, contracts.EventMeta, any){
		"close of an unknown session": func() (string, contracts.EventMeta, any) {
			m := l.meta(voenA)
			return contracts.TypeSessionClosed, m, contracts.SessionClosed{EventMeta: m, SessionID: "nope"}
		},
		"revoke of an unknown grant": func() (string, contracts.EventMeta, any) {
			m := l.meta(voenA)
			return contracts.TypeGrantRevoked, m, contracts.GrantRevoked{EventMeta: m, GrantID: "nope"}
		},
		"delete of an unknown draft": func() (string, contracts.EventMeta, any) {
			m := l.meta(voenA)
			return contracts.TypeDraftDeleted, m, contracts.DraftDeleted{EventMeta: m, ApplicationID: "nope"}
		},
		"status change of an unknown application": func() (string, contracts.EventMeta, any) {
			m := l.meta(voenA)
			return contracts.TypeApplicationStatusMoved, m, contracts.ApplicationStatusChanged{EventMeta: m,
				ApplicationID: "nope", From: contracts.StatusSubmitted, To: contracts.StatusInProcessing}
		},
		"unknown event type": func() (string, contracts.EventMeta, any) {
			m := l.meta(voenA)
			return contracts.TypePrefix + "something.v1", m, m
		},
	}
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) {
			s := newStore(t)
			typ, m, ev := mk()
			m.Seq = 1
			if e, ok := ev.(contracts.EventMeta); ok {
				ev = e
			}
			ev = withMeta(ev, m)
			wait := s.Await(m.CommandID)
			s.Apply([]store.Record{event(t, typ, m, ev)})
			select {
			case r := <-wait:
				if !r.Conflict {
					t.Fatalf("result = %+v, want a conflict", r)
				}
			default:
				t.Fatal("no result for the waiter")
			}
			if st := s.View().Stream(voenA); st.Seq != 0 {
				t.Fatalf("seq moved to %d", st.Seq)
			}
			wantStats(t, s, store.Stats{Conflicts: 1})
		})
	}
}

// withMeta sets the event's metadata (its seq) after it was built.
func withMeta(ev any, m contracts.EventMeta) any {
	switch e := ev.(type) {
	case contracts.SessionClosed:
		e.EventMeta = m
		return e
	case contracts.GrantRevoked:
		e.EventMeta = m
		return e
	case contracts.DraftDeleted:
		e.EventMeta = m
		return e
	case contracts.ApplicationStatusChanged:
		e.EventMeta = m
		return e
	case contracts.EventMeta:
		return m
	}
	return ev
}

func TestDuplicatesAndConflictsAreIgnored(t *testing.T) {
	s := newStore(t)
	l := newLog(t)
	m1 := l.meta(voenA)
	login := event(t, contracts.TypeSessionOpened, m1, contracts.SessionOpened{EventMeta: m1, SessionID: "s-1",
		Role: contracts.RoleOwner, Method: contracts.MethodESignCard, SignerFIN: "2DRC7TR"})
	wait1 := s.Await(m1.CommandID)
	s.Apply([]store.Record{login})
	select {
	case r := <-wait1:
		want := store.Outcome{CommandID: m1.CommandID, InsurerVOEN: voenA, EventType: contracts.TypeSessionOpened, Ref: "s-1", At: m1.At}
		if r.Conflict || r.Outcome != want {
			t.Fatalf("result = %+v, want %+v", r, want)
		}
	default:
		t.Fatal("the waiter got nothing")
	}

	// The same command again, even with the next seq, is a duplicate.
	again := m1
	again.Seq = 2
	s.Apply([]store.Record{login, event(t, contracts.TypeSessionOpened, again, contracts.SessionOpened{EventMeta: again,
		SessionID: "s-1-again", Role: contracts.RoleOwner, Method: contracts.MethodESignCard, SignerFIN: "2DRC7TR"})})
	if _, ok := s.View().Session("s-1-again"); ok {
		t.Fatal("a duplicate command took effect")
	}
	if st := s.View().Stream(voenA); st.Seq != 1 {
		t.Fatalf("seq = %d after duplicates, want 1", st.Seq)
	}

	// Two instances decided on seq 1 → 2: the first on the log wins; the
	// second is a conflict, and its waiter is told to decide again.
	m2 := l.meta(voenA)
	m3 := l.meta(voenA)
	m3.Seq = m2.Seq
	first := event(t, contracts.TypeSessionOpened, m2, contracts.SessionOpened{EventMeta: m2, SessionID: "s-2",
		Role: contracts.RoleOwner, Method: contracts.MethodESignCard, SignerFIN: "2DRC7TR"})
	second := event(t, contracts.TypeGrantCreated, m3, contracts.GrantCreated{EventMeta: m3, SessionID: "s-1",
		Grant: contracts.Grant{GrantID: "g-lost", Service: contracts.ServiceCertificate}})
	// And one from the future (a gap) is a conflict too.
	future := l.meta(voenA)
	future.Seq = 10
	gap := event(t, contracts.TypeSessionClosed, future, contracts.SessionClosed{EventMeta: future, SessionID: "s-1"})
	w2, w3, wf := s.Await(m2.CommandID), s.Await(m3.CommandID), s.Await(future.CommandID)
	s.Apply([]store.Record{first, second, gap})
	if r := <-w2; r.Conflict || r.Outcome.Ref != "s-2" {
		t.Fatalf("winner's result = %+v", r)
	}
	if r := <-w3; !r.Conflict || r.Outcome != (store.Outcome{}) {
		t.Fatalf("loser's result = %+v, want a conflict", r)
	}
	if r := <-wf; !r.Conflict {
		t.Fatalf("gap's result = %+v, want a conflict", r)
	}
	v := s.View()
	if _, ok := v.Grant("g-lost"); ok {
		t.Fatal("the losing event took effect")
	}
	if got, _ := v.Session("s-1"); got.Closed {
		t.Fatal("the event after a gap took effect")
	}
	if _, ok := v.Outcome(m3.CommandID); ok {
		t.Fatal("the losing command has an outcome")
	}
	// The loser decides again on the newer state, with the next seq, and wins.
	m3.Seq = 3
	retry := event(t, contracts.TypeGrantCreated, m3, contracts.GrantCreated{EventMeta: m3, SessionID: "s-1",
		Grant: contracts.Grant{GrantID: "g-won", Service: contracts.ServiceCertificate}})
	w3 = s.Await(m3.CommandID)
	s.Apply([]store.Record{retry})
	if r := <-w3; r.Conflict || r.Outcome.Ref != "g-won" {
		t.Fatalf("retry's result = %+v", r)
	}
	wantStats(t, s, store.Stats{Applied: 3, Duplicates: 2, Conflicts: 2})
}

func TestAwaitAndForget(t *testing.T) {
	s := newStore(t)
	l := newLog(t)
	m := l.meta(voenA)
	rec := event(t, contracts.TypeSessionOpened, m, contracts.SessionOpened{EventMeta: m, SessionID: "s-1",
		Role: contracts.RoleOwner, Method: contracts.MethodESignCard, SignerFIN: "2DRC7TR"})
	a, b, gone := s.Await(m.CommandID), s.Await(m.CommandID), s.Await(m.CommandID)
	s.Forget(m.CommandID, gone)
	s.Apply([]store.Record{rec})
	for _, w := range []<-chan store.Result{a, b} {
		select {
		case r := <-w:
			if r.Conflict || r.Outcome.Ref != "s-1" {
				t.Fatalf("result = %+v", r)
			}
		default:
			t.Fatal("a waiter got nothing")
		}
	}
	select {
	case r := <-gone:
		t.Fatalf("a forgotten waiter got %+v", r)
	default:
	}
}

func TestTouchMovesLastActiveOnly(t *testing.T) {
	s := newStore(t)
	l := newLog(t)
	m := l.meta(voenA)
	s.Apply([]store.Record{event(t, contracts.TypeSessionOpened, m, contracts.SessionOpened{EventMeta: m, SessionID: "s-1",
		Role: contracts.RoleOwner, Method: contracts.MethodESignCard, SignerFIN: "2DRC7TR"})})
	s.Touch("s-1", m.At.Add(time.Hour))
	s.Touch("s-1", m.At.Add(time.Minute)) // older: ignored
	if got, _ := s.View().Session("s-1"); !got.LastActive.Equal(m.At.Add(time.Hour)) {
		t.Fatalf("last active = %v", got.LastActive)
	}
	if st := s.Stats(); st.Applied != 1 {
		t.Fatalf("Touch changed the fold's stats: %+v", st)
	}
}
