package store

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/go-memdb"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// Record is one Kafka record to fold.
type Record struct {
	Topic   string
	Key     []byte
	Value   []byte // nil: a tombstone
	Headers []contracts.Header
}

// Apply folds records into state in one transaction. It is the only writer:
// the live adapter and a rebuild at start both go through it, so a rebuilt
// state equals the live one. A record it cannot read is counted and skipped;
// the log is never rewritten.
func (s *Store) Apply(records []Record) {
	txn := s.db.Txn(true)
	var fates []fate
	var st Stats
	for _, r := range records {
		switch r.Topic {
		case contracts.TopicEvents:
			f, err := s.applyEvent(txn, r)
			switch {
			case err != nil:
				st.Undecodable++
			case f.Conflict:
				st.Conflicts++
			case f.duplicate:
				st.Duplicates++
			default:
				st.Applied++
			}
			if err == nil && !f.duplicate {
				fates = append(fates, f)
			}
		case contracts.TopicInsurers, contracts.TopicInsuredPersons, contracts.TopicIdentityDocuments:
			if err := s.applyReference(txn, r); err != nil {
				st.Undecodable++
			} else {
				st.References++
			}
		}
	}
	txn.Commit()
	s.mu.Lock()
	s.stats.Applied += st.Applied
	s.stats.Duplicates += st.Duplicates
	s.stats.Conflicts += st.Conflicts
	s.stats.Undecodable += st.Undecodable
	s.stats.References += st.References
	s.mu.Unlock()
	for _, f := range fates {
		s.notify(f.commandID, f.Result)
	}
}

type fate struct {
	Result
	commandID string
	duplicate bool
}

func decode[T any](data []byte) (T, error) {
	var v T
	err := json.Unmarshal(data, &v)
	return v, err
}

// referenceTables maps the reference topics to their tables.
var referenceTables = map[string]string{contracts.TopicInsurers: tInsurers,
	contracts.TopicInsuredPersons: tInsured, contracts.TopicIdentityDocuments: tDocuments}

// applyReference replaces or deletes a reference row.
func (s *Store) applyReference(txn *memdb.Txn, r Record) error {
	table := referenceTables[r.Topic]
	if r.Value == nil {
		if _, err := txn.DeleteAll(table, "id", string(r.Key)); err != nil {
			return fmt.Errorf("delete %s %s: %w", table, r.Key, err)
		}
		return nil
	}
	_, data, err := envelopeOf(r)
	if err != nil {
		return err
	}
	var row any
	switch r.Topic {
	case contracts.TopicInsurers:
		v, err := s.in.decodeInsurer(data)
		if err != nil || v.VOEN == "" {
			return fmt.Errorf("insurer record: %w", err)
		}
		row = &v
	case contracts.TopicInsuredPersons:
		v, err := s.in.decodeInsured(data)
		if err != nil || v.SSN == "" {
			return fmt.Errorf("insured person record: %w", err)
		}
		row = &v
	default:
		v, err := s.in.decodeDocument(data)
		if err != nil || v.FIN == "" {
			return fmt.Errorf("identity document record: %w", err)
		}
		row = &v
	}
	return txn.Insert(table, row)
}

// event is a decoded domain event: its metadata, and its payload (one of
// the contracts' event types) or why the payload could not be read.
type event struct {
	typ        string
	meta       contracts.EventMeta
	payload    any
	payloadErr error
}

// decodeEvent reads an event's data once, into its type. When that fails
// but the metadata reads, the event is still one (its fold fails: a
// conflict); when the metadata does not read, the record is undecodable.
func decodeEvent(typ string, data []byte) (event, error) {
	e := event{typ: typ}
	var err error
	switch typ {
	case contracts.TypeSessionOpened:
		e.payload, e.meta, err = decodeTyped[contracts.SessionOpened](data)
	case contracts.TypeSessionClosed:
		e.payload, e.meta, err = decodeTyped[contracts.SessionClosed](data)
	case contracts.TypeGrantCreated:
		e.payload, e.meta, err = decodeTyped[contracts.GrantCreated](data)
	case contracts.TypeGrantRevoked:
		e.payload, e.meta, err = decodeTyped[contracts.GrantRevoked](data)
	case contracts.TypeDraftSaved, contracts.TypeApplicationSubmitted:
		e.payload, e.meta, err = decodeTyped[contracts.DraftSaved](data) // same shape as ApplicationSubmitted
	case contracts.TypeDraftDeleted:
		e.payload, e.meta, err = decodeTyped[contracts.DraftDeleted](data)
	case contracts.TypeApplicationStatusMoved:
		e.payload, e.meta, err = decodeTyped[contracts.ApplicationStatusChanged](data)
	case contracts.TypeCommandRejected:
		e.payload, e.meta, err = decodeTyped[contracts.CommandRejected](data)
	default:
		err = fmt.Errorf("unknown event type")
	}
	if err != nil {
		e.payload, e.payloadErr = nil, err
		meta, merr := decode[struct{ contracts.EventMeta }](data)
		if merr != nil {
			return event{}, merr
		}
		e.meta = meta.EventMeta
	}
	return e, nil
}

func decodeTyped[T any](data []byte) (any, contracts.EventMeta, error) {
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, contracts.EventMeta{}, err
	}
	return v, metaFrom(&v), nil
}

// metaFrom reads the EventMeta every event type embeds.
func metaFrom(v any) contracts.EventMeta {
	switch e := v.(type) {
	case *contracts.SessionOpened:
		return e.EventMeta
	case *contracts.SessionClosed:
		return e.EventMeta
	case *contracts.GrantCreated:
		return e.EventMeta
	case *contracts.GrantRevoked:
		return e.EventMeta
	case *contracts.DraftSaved:
		return e.EventMeta
	case *contracts.DraftDeleted:
		return e.EventMeta
	case *contracts.ApplicationStatusChanged:
		return e.EventMeta
	case *contracts.CommandRejected:
		return e.EventMeta
	}
	return contracts.EventMeta{}
}

// applyEvent folds one domain event. An event applies only if its command has
// no outcome yet and its Seq is the insurer's next; that makes the fold
// idempotent and lets the first of two racing writers win everywhere alike.
func (s *Store) applyEvent(txn *memdb.Txn, r Record) (fate, error) {
	typ, data, err := envelopeOf(r)
	if err != nil {
		return fate{}, err
	}
	ev, err := decodeEvent(typ, data)
	if err != nil || ev.meta.CommandID == "" || ev.meta.InsurerVOEN == "" {
		return fate{}, fmt.Errorf("event %s: no command id or insurer", typ)
	}
	m := ev.meta
	m.InsurerVOEN = s.in.string(m.InsurerVOEN)
	f := fate{commandID: m.CommandID}
	if raw, _ := txn.First(tOutcomes, "id", m.CommandID); raw != nil {
		f.duplicate = true
		return f, nil
	}
	stream := Stream{VOEN: m.InsurerVOEN}
	if raw, _ := txn.First(tStreams, "id", m.InsurerVOEN); raw != nil {
		stream = *raw.(*Stream)
	}
	if m.Seq != stream.Seq+1 {
		f.Conflict = true
		return f, nil
	}
	out := Outcome{CommandID: m.CommandID, InsurerVOEN: m.InsurerVOEN, EventType: typ, At: m.At}
	if err := foldEvent(txn, ev, &stream, &out); err != nil {
		// A well-formed event that does not fit state was decided on state
		// this reader does not have: treat it as a lost race.
		f.Conflict = true
		return f, nil
	}
	stream.Seq++
	if err := txn.Insert(tStreams, &stream); err != nil {
		return fate{}, err
	}
	if err := txn.Insert(tOutcomes, &out); err != nil {
		return fate{}, err
	}
	f.Outcome = out
	return f, nil
}

// foldEvent applies the event's change and names what it touched in out.Ref.
func foldEvent(txn *memdb.Txn, ev event, stream *Stream, out *Outcome) error {
	if ev.payloadErr != nil {
		return ev.payloadErr
	}
	switch ev.typ {
	case contracts.TypeSessionOpened:
		e := ev.payload.(contracts.SessionOpened)
		s := domain.Session{ID: e.SessionID, InsurerVOEN: e.InsurerVOEN,
			Principal: domain.Principal{Role: domain.Role(e.Role), GrantID: e.GrantID},
			Signer: domain.Signer{Method: domain.Method(e.Method), FIN: e.SignerFIN,
				StampAuthority: e.Role == contracts.RoleOwner, CertNotAfter: e.CertNotAfter},
			OpenedAt: e.At, LastActive: e.At}
		if e.Card != nil {
			s.Signer.CardNumber = e.Card.CardNumber
		}
		if e.Asan != nil {
			s.Signer.Phone = e.Asan.Phone
		}
		if s.Principal.Role == domain.RoleOwner {
			stream.OwnerLoggedIn = true
		}
		out.Ref = e.SessionID
		return txn.Insert(tSessions, &s)
	case contracts.TypeSessionClosed:
		e := ev.payload.(contracts.SessionClosed)
		s, ok := first[domain.Session](txn, tSessions, "id", e.SessionID)
		if !ok {
			return fmt.Errorf("close of unknown session")
		}
		s.Closed, s.LastActive, out.Ref = true, e.At, e.SessionID
		return txn.Insert(tSessions, &s)
	case contracts.TypeGrantCreated:
		e := ev.payload.(contracts.GrantCreated)
		g := GrantFromWire(e.InsurerVOEN, e.Grant)
		out.Ref = g.ID
		touch(txn, e.SessionID, e.At)
		return txn.Insert(tGrants, &g)
	case contracts.TypeGrantRevoked:
		e := ev.payload.(contracts.GrantRevoked)
		g, ok := first[domain.Grant](txn, tGrants, "id", e.GrantID)
		if !ok || g.InsurerVOEN != e.InsurerVOEN {
			return fmt.Errorf("revoke of unknown grant")
		}
		g, err := g.Revoke(e.At)
		if err != nil {
			return err
		}
		out.Ref = g.ID
		touch(txn, e.SessionID, e.At)
		return txn.Insert(tGrants, &g)
	case contracts.TypeDraftSaved, contracts.TypeApplicationSubmitted:
		e := ev.payload.(contracts.DraftSaved) // same shape as ApplicationSubmitted
		a := ApplicationFromWire(e.Application)
		out.Ref = a.ID
		touch(txn, e.SessionID, e.At)
		return txn.Insert(tApplications, &applicationRow{ID: a.ID, InsurerVOEN: a.InsurerVOEN, SSN: a.Person.Insured.SSN, App: a})
	case contracts.TypeDraftDeleted:
		e := ev.payload.(contracts.DraftDeleted)
		out.Ref = e.ApplicationID
		touch(txn, e.SessionID, e.At)
		n, err := txn.DeleteAll(tApplications, "id", e.ApplicationID)
		if err == nil && n == 0 {
			return fmt.Errorf("delete of unknown application")
		}
		return err
	case contracts.TypeApplicationStatusMoved:
		e := ev.payload.(contracts.ApplicationStatusChanged)
		row, ok := first[applicationRow](txn, tApplications, "id", e.ApplicationID)
		if !ok || row.App.Status != domain.Status(e.From) {
			return fmt.Errorf("status change does not fit the application")
		}
		a := row.App
		a.Status, a.UpdatedAt = domain.Status(e.To), e.At
		a.History = append(append([]domain.StatusChange(nil), a.History...),
			domain.StatusChange{Status: a.Status, At: e.At, By: e.Officer, Reason: e.Reason})
		if e.CertificateDate != "" {
			a.CertificateDate = domain.Date(e.CertificateDate)
		}
		if a.Status == domain.StatusRejected {
			a.RejectionReason = e.Reason
		}
		if a.Status == domain.StatusCompleted {
			if err := txn.Insert(tCertificates, &CertificateChange{SSN: row.SSN, At: e.At}); err != nil {
				return err
			}
		}
		row.App, out.Ref = a, a.ID
		return txn.Insert(tApplications, &row)
	case contracts.TypeCommandRejected:
		e := ev.payload.(contracts.CommandRejected)
		out.Code, out.Detail = e.Code, e.Detail
		touch(txn, e.SessionID, e.At)
		return nil
	}
	return fmt.Errorf("unknown event type")
}

// touch moves a session's last activity to an event's time.
func touch(txn *memdb.Txn, sessionID string, at time.Time) {
	if sessionID == "" {
		return
	}
	if s, ok := first[domain.Session](txn, tSessions, "id", sessionID); ok && at.After(s.LastActive) {
		s.LastActive = at
		_ = txn.Insert(tSessions, &s)
	}
}
