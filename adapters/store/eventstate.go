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
// assertions in the compact maps.
type eventState struct{ t *tx }

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
	return value[domain.Session](s.t.db, tableSessions, id)
}

func (s eventState) PutSession(v domain.Session) error {
	t := s.t
	v.InsurerVOEN = t.share(v.InsurerVOEN)
	v.Principal.Role = domain.Role(t.share(string(v.Principal.Role)))
	v.Signer.Method = domain.Method(t.share(string(v.Signer.Method)))
	return s.put(tableSessions, &v)
}

func (s eventState) Grant(id string) (domain.Grant, bool) {
	return value[domain.Grant](s.t.db, tableGrants, id)
}

func (s eventState) PutGrant(g domain.Grant) error { return s.put(tableGrants, &g) }

func (s eventState) Application(id string) (domain.Application, bool) {
	return value[domain.Application](s.t.db, tableApplications, id)
}

func (s eventState) PutApplication(a domain.Application) error {
	s.shareApplication(&a)
	return s.put(tableApplications, &a)
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
	a, ok := first[domain.Application](s.t.db, tableApplications, id)
	if !ok {
		return fmt.Errorf("delete of unknown application: %w", domain.ErrEventDoesNotFit)
	}
	return s.t.db.Delete(tableApplications, a)
}

func (s eventState) ReplaceCertificate(ssn string, at time.Time) error {
	return s.put(tableCertificates, &CertificateChange{SSN: ssn, At: at})
}

func (s eventState) UseAssertion(id string, at time.Time) error {
	s.t.maps.assertions = s.t.maps.assertions.Set(s.t.w.gen, id, at)
	return nil
}

func (s eventState) put(table string, obj any) error {
	if err := s.t.db.Insert(table, obj); err != nil {
		return fmt.Errorf("store %s: %w", table, err)
	}
	return nil
}
