package store

import (
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/go-memdb"

	"github.com/dsmf/ssc-adapter/domain"
)

// eventState is what a domain event reads and writes (domain.EventState):
// the memdb tables through the batch's write transaction, the used
// assertions in the compact maps. An event's writes wait in t.pending,
// where its own reads see them, and are made (commit) only when its Apply
// returns no error: an event that does not fit state leaves nothing of
// itself, whatever order its Apply checks and writes in.
type eventState struct{ t *tx }

// pending is a write of the event being applied, not made yet.
type pending struct {
	table string // a memdb table; "" for a used assertion
	id    string
	obj   any       // the object to insert (a pointer); nil deletes the id's
	at    time.Time // a used assertion's time
}

// current reads an object as the event being applied left it: its latest
// pending write of the id, else the table's.
func current[T any](t *tx, table, id string) (T, bool) {
	for i := len(t.pending) - 1; i >= 0; i-- {
		if p := &t.pending[i]; p.table == table && p.id == id {
			if p.obj == nil {
				var zero T
				return zero, false
			}
			return *p.obj.(*T), true
		}
	}
	return value[T](t.db, table, id)
}

func (s eventState) stage(table, id string, obj any) {
	s.t.pending = append(s.t.pending, pending{table: table, id: id, obj: obj})
}

// discard forgets the pending writes of an event that did not apply.
func (t *tx) discard() {
	clear(t.pending) // no object kept alive
	t.pending = t.pending[:0]
}

// commit makes the pending writes of an applied event, in their order. It
// fails only on a table and an object of different types, which the typed
// writes below never stage.
func (t *tx) commit() error {
	defer t.discard()
	for _, p := range t.pending {
		switch {
		case p.table == "":
			t.maps.assertions = t.maps.assertions.Set(t.w.gen, p.id, p.at)
		case p.obj == nil:
			if _, err := t.db.DeleteAll(p.table, indexID, p.id); err != nil {
				return fmt.Errorf("delete from %s: %w", p.table, err)
			}
		default:
			if err := t.db.Insert(p.table, p.obj); err != nil {
				return fmt.Errorf("store %s: %w", p.table, err)
			}
		}
	}
	return nil
}

// first reads the object of a table with a key, by its id index.
func first[T any](txn *memdb.Txn, table, id string) (*T, bool) {
	raw, err := txn.First(table, indexID, id)
	if err != nil || raw == nil { // the schema's tables and indexes: no error
		return nil, false
	}
	return raw.(*T), true
}

// value reads a copy of an object, as first does.
func value[T any](txn *memdb.Txn, table, id string) (T, bool) {
	if p, ok := first[T](txn, table, id); ok {
		return *p, true
	}
	var zero T
	return zero, false
}

func (s eventState) Session(id string) (domain.Session, bool) {
	return current[domain.Session](s.t, tableSessions, id)
}

func (s eventState) PutSession(v domain.Session) error {
	t := s.t
	v.InsurerVOEN = t.share(v.InsurerVOEN)
	v.Principal.Role = domain.Role(t.share(string(v.Principal.Role)))
	v.Signer.Method = domain.Method(t.share(string(v.Signer.Method)))
	s.stage(tableSessions, v.ID, &v)
	return nil
}

func (s eventState) Grant(id string) (domain.Grant, bool) {
	return current[domain.Grant](s.t, tableGrants, id)
}

func (s eventState) PutGrant(g domain.Grant) error {
	s.stage(tableGrants, g.ID, &g)
	return nil
}

func (s eventState) Application(id string) (domain.Application, bool) {
	return current[domain.Application](s.t, tableApplications, id)
}

func (s eventState) PutApplication(a domain.Application) error {
	s.shareApplication(&a)
	s.stage(tableApplications, a.ID, &a)
	return nil
}

// shareApplication replaces the values of an application that repeat
// across applications (codes, names, places, dates) by the store's shared
// copies: about a third of an application's heap otherwise.
func (s eventState) shareApplication(a *domain.Application) {
	t := s.t
	for _, p := range []*string{&a.InsurerVOEN, (*string)(&a.Type), (*string)(&a.Reason), (*string)(&a.Status),
		(*string)(&a.CertificateDate), &a.RejectionReason} {
		*p = t.share(*p)
	}
	d, p := &a.Person.Document, &a.Person.Insured
	for _, p := range []*string{(*string)(&d.Type), &d.Surname, &d.Name, &d.Patronymic, &d.Gender, &d.Citizenship,
		&d.BirthPlace, (*string)(&d.BirthDate), &d.IssuingAuthority, (*string)(&d.IssueDate), (*string)(&d.ValidUntil),
		(*string)(&p.SSNDate), (*string)(&p.CertificateStatus), &p.InsurerVOEN} {
		*p = t.share(*p)
	}
	// The signature and the history may be the stored version's: copies.
	if a.Signature != nil {
		g := *a.Signature
		g.Role, g.Method = domain.Role(t.share(string(g.Role))), domain.Method(t.share(string(g.Method)))
		a.Signature = &g
	}
	a.History = slices.Clone(a.History)
	for i := range a.History {
		h := &a.History[i]
		h.Status, h.By = domain.Status(t.share(string(h.Status))), t.share(h.By)
	}
}

func (s eventState) DeleteApplication(id string) error {
	if _, ok := s.Application(id); !ok {
		return fmt.Errorf("delete of unknown application: %w", domain.ErrEventDoesNotFit)
	}
	s.stage(tableApplications, id, nil)
	return nil
}

func (s eventState) ReplaceCertificate(ssn string, at time.Time) error {
	s.stage(tableCertificates, ssn, &CertificateChange{SSN: ssn, At: at})
	return nil
}

func (s eventState) UseAssertion(id string, at time.Time) error {
	s.t.pending = append(s.t.pending, pending{id: id, at: at})
	return nil
}
