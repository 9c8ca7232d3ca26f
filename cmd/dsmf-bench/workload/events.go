package workload

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// EventCounts counts the events of each type Events emitted.
type EventCounts map[string]int

// insurerState is what the generator remembers of an insurer to write only
// events that apply: its seq, open sessions, grants in force, drafts and
// applications in progress.
type insurerState struct {
	seq      int64
	owner    string // open owner session
	delegate string // open delegate session
	grants   []string
	drafts   []domain.Application
	open     []openApplication
}

type openApplication struct {
	id     string
	status string
}

// Events emits cfg.Events domain events for the event log, a realistic mix
// over all insurers, every one of which applies when folded in order after
// the reference records. It returns how many of each type it emitted.
func (g *Generator) Events(emit func(Record) error) (EventCounts, error) {
	e := &eventWriter{g: g, r: g.rng(kindEvents, 0), states: make([]insurerState, g.cfg.Insurers),
		now: g.cfg.Start, counts: EventCounts{}, emit: emit}
	for n := 0; n < g.cfg.Events; n++ {
		if err := e.next(); err != nil {
			return e.counts, err
		}
	}
	return e.counts, nil
}

type eventWriter struct {
	g      *Generator
	r      *rand.Rand
	states []insurerState
	now    time.Time
	counts EventCounts
	emit   func(Record) error
}

func (e *eventWriter) id() string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := e.r.Uint64()
		for k := 0; k < 8; k++ {
			b[i+k] = byte(v >> (8 * k))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// next writes one event for a random insurer.
func (e *eventWriter) next() error {
	i := e.r.IntN(len(e.states))
	st := &e.states[i]
	voen := e.g.VOEN(i)
	e.now = e.now.Add(time.Duration(20+e.r.IntN(60)) * time.Millisecond)
	st.seq++
	m := contracts.EventMeta{CommandID: e.id(), InsurerVOEN: voen, Seq: st.seq, At: e.now}

	if st.owner == "" && st.delegate == "" {
		return e.openOwner(st, m)
	}
	session := st.owner
	if session == "" || (st.delegate != "" && e.r.IntN(2) == 0) {
		session = st.delegate
	}
	roll := e.r.IntN(100)
	switch {
	case roll < 28:
		return e.newDraft(i, st, m, session)
	case roll < 34 && len(st.drafts) > 0:
		return e.changeDraft(i, st, m, session)
	case roll < 52:
		return e.submit(i, st, m, session)
	case roll < 68 && len(st.open) > 0:
		return e.decide(st, m)
	case roll < 71 && len(st.drafts) > 0:
		return e.deleteDraft(st, m, session)
	case roll < 77 && st.owner != "":
		return e.grant(st, m)
	case roll < 79 && len(st.grants) > 0 && st.owner != "":
		return e.revoke(st, m)
	case roll < 82 && len(st.grants) > 0 && st.delegate == "":
		return e.openDelegate(st, m)
	case roll < 88:
		return e.write(contracts.TypeCommandRejected, m, contracts.CommandRejected{EventMeta: m,
			CommandType: contracts.TypeSubmit, SessionID: session, Code: pick(e.r, refusalCodes)})
	case roll < 95:
		if session == st.owner {
			st.owner = ""
		} else {
			st.delegate = ""
		}
		return e.write(contracts.TypeSessionClosed, m, contracts.SessionClosed{EventMeta: m, SessionID: session,
			Reason: contracts.CloseLogout})
	default:
		return e.newDraft(i, st, m, session)
	}
}

func (e *eventWriter) write(typ string, m contracts.EventMeta, ev any) error {
	env, err := contracts.NewEnvelope(e.id(), contracts.SourceAdapter, typ, m.InsurerVOEN, m.At, ev)
	if err != nil {
		return err
	}
	env.Subject = m.InsurerVOEN
	e.counts[typ]++
	return e.emit(Record{Topic: contracts.TopicEvents, Key: []byte(env.Key), Value: env.Data, Headers: env.BinaryHeaders()})
}

func (e *eventWriter) openOwner(st *insurerState, m contracts.EventMeta) error {
	st.owner = e.id()
	return e.write(contracts.TypeSessionOpened, m, contracts.SessionOpened{EventMeta: m, SessionID: st.owner,
		Role: contracts.RoleOwner, Method: contracts.MethodESignCard, SignerFIN: e.g.FIN(e.r.IntN(1 << 30)),
		Card:         &contracts.CardIdentity{CardNumber: fmt.Sprintf("RYTN%08d", e.r.IntN(100_000_000))},
		CertNotAfter: m.At.AddDate(1, 0, 0).Truncate(time.Second), AssertionID: e.id()})
}

func (e *eventWriter) openDelegate(st *insurerState, m contracts.EventMeta) error {
	st.delegate = e.id()
	return e.write(contracts.TypeSessionOpened, m, contracts.SessionOpened{EventMeta: m, SessionID: st.delegate,
		Role: contracts.RoleDelegate, GrantID: st.grants[len(st.grants)-1], Method: contracts.MethodAsanImza,
		SignerFIN:    e.g.FIN(e.r.IntN(1 << 30)),
		Asan:         &contracts.AsanIdentity{Phone: fmt.Sprintf("+99450%07d", e.r.IntN(10_000_000))},
		CertNotAfter: m.At.AddDate(2, 0, 0).Truncate(time.Second), AssertionID: e.id()})
}

func (e *eventWriter) grant(st *insurerState, m contracts.EventMeta) error {
	g := contracts.Grant{GrantID: e.id(), Service: string(pick(e.r, domain.Services)), CreatedAt: m.At,
		Grantee: contracts.Grantee{Method: contracts.MethodAsanImza, Phone: fmt.Sprintf("+99455%07d", e.r.IntN(10_000_000)),
			FIN: e.g.FIN(e.r.IntN(1 << 30))},
		Validity: contracts.Validity{Kind: contracts.ValidityUnlimited}}
	if e.r.IntN(3) == 0 {
		g.Grantee = contracts.Grantee{Method: contracts.MethodESignCard, CardNumber: fmt.Sprintf("RYTN%08d", e.r.IntN(100_000_000)),
			FIN: g.Grantee.FIN}
		g.Validity = contracts.Validity{Kind: contracts.ValidityLimited, Start: string(domain.DateOf(m.At)),
			End: string(domain.DateOf(m.At.AddDate(1, 0, 0)))}
	}
	st.grants = append(st.grants, g.GrantID)
	return e.write(contracts.TypeGrantCreated, m, contracts.GrantCreated{EventMeta: m, SessionID: st.owner, Grant: g})
}

func (e *eventWriter) revoke(st *insurerState, m contracts.EventMeta) error {
	k := e.r.IntN(len(st.grants))
	id := st.grants[k]
	st.grants = append(st.grants[:k], st.grants[k+1:]...)
	return e.write(contracts.TypeGrantRevoked, m, contracts.GrantRevoked{EventMeta: m, SessionID: st.owner, GrantID: id})
}

// person is one of the insurer's employees, as AXTAR finds them.
func (e *eventWriter) person(insurer int) domain.Person {
	n := e.g.cfg.Persons
	if e.g.cfg.Documents < n {
		n = e.g.cfg.Documents
	}
	per := n / len(e.states)
	k := insurer
	if per > 0 {
		k += e.r.IntN(per) * len(e.states)
	}
	if k >= n { // an insurer without employees: someone else's, as a snapshot
		k = e.r.IntN(max(n, 1))
	}
	doc, insured := e.g.Document(k), e.g.InsuredPerson(k)
	return domain.Person{Document: *wire.DocumentFromWire(&doc), Insured: *wire.InsuredFromWire(&insured)}
}

func (e *eventWriter) newDraft(i int, st *insurerState, m contracts.EventMeta, session string) error {
	a, err := domain.NewDraft(e.id(), domain.ApplicationNumber(m.InsurerVOEN, m.Seq), m.InsurerVOEN,
		pick(e.r, reasons), e.person(i), m.At)
	if err != nil {
		return err
	}
	if len(st.drafts) < 2 {
		st.drafts = append(st.drafts, a)
	}
	return e.write(contracts.TypeDraftSaved, m, contracts.DraftSaved{EventMeta: m, SessionID: session,
		Application: wire.ApplicationToWire(a)})
}

func (e *eventWriter) changeDraft(i int, st *insurerState, m contracts.EventMeta, session string) error {
	k := e.r.IntN(len(st.drafts))
	a, err := st.drafts[k].Change(pick(e.r, reasons), e.person(i), m.At)
	if err != nil {
		return err
	}
	st.drafts[k] = a
	return e.write(contracts.TypeDraftSaved, m, contracts.DraftSaved{EventMeta: m, SessionID: session,
		Application: wire.ApplicationToWire(a)})
}

func (e *eventWriter) deleteDraft(st *insurerState, m contracts.EventMeta, session string) error {
	k := e.r.IntN(len(st.drafts))
	id := st.drafts[k].ID
	st.drafts = append(st.drafts[:k], st.drafts[k+1:]...)
	return e.write(contracts.TypeDraftDeleted, m, contracts.DraftDeleted{EventMeta: m, SessionID: session, ApplicationID: id})
}

// submit signs a saved draft, or a new application at once.
func (e *eventWriter) submit(i int, st *insurerState, m contracts.EventMeta, session string) error {
	var a domain.Application
	if len(st.drafts) > 0 && e.r.IntN(2) == 0 {
		a = st.drafts[0]
		st.drafts = st.drafts[1:]
	} else {
		var err error
		a, err = domain.NewDraft(e.id(), domain.ApplicationNumber(m.InsurerVOEN, m.Seq), m.InsurerVOEN,
			pick(e.r, reasons), e.person(i), m.At)
		if err != nil {
			return err
		}
	}
	role, method := domain.RoleOwner, domain.MethodCard
	if session != st.owner {
		role, method = domain.RoleDelegate, domain.MethodAsan
	}
	sig := domain.Signature{Role: role, Method: method, FIN: e.g.FIN(e.r.IntN(1 << 30)), SessionID: session, At: m.At}
	if method == domain.MethodCard {
		sig.CardNumber = fmt.Sprintf("RYTN%08d", e.r.IntN(100_000_000))
	} else {
		sig.Phone = fmt.Sprintf("+99470%07d", e.r.IntN(10_000_000))
	}
	a, err := a.Submit(sig, nil)
	if err != nil {
		return err
	}
	if len(st.open) < 4 {
		st.open = append(st.open, openApplication{id: a.ID, status: contracts.StatusSubmitted})
	}
	return e.write(contracts.TypeApplicationSubmitted, m, contracts.ApplicationSubmitted{EventMeta: m, SessionID: session,
		Application: wire.ApplicationToWire(a)})
}

// decide is a back-office decision: into processing, then completed or rejected.
func (e *eventWriter) decide(st *insurerState, m contracts.EventMeta) error {
	k := e.r.IntN(len(st.open))
	a := &st.open[k]
	ev := contracts.ApplicationStatusChanged{EventMeta: m, ApplicationID: a.id, From: a.status,
		Officer: fmt.Sprintf("bo-%03d", e.r.IntN(300))}
	switch {
	case a.status == contracts.StatusSubmitted:
		ev.To = contracts.StatusInProcessing
	case e.r.IntN(5) == 0:
		ev.To, ev.Reason = contracts.StatusRejected, pick(e.r, rejectionReasons)
	default:
		ev.To, ev.CertificateDate = contracts.StatusCompleted, string(domain.DateOf(m.At.AddDate(0, 0, 7)))
	}
	if ev.To == contracts.StatusInProcessing {
		a.status = ev.To
	} else {
		st.open = append(st.open[:k], st.open[k+1:]...)
	}
	return e.write(contracts.TypeApplicationStatusMoved, m, ev)
}
