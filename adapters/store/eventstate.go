package store

import (
	"fmt"
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

func (s eventState) PutSession(v domain.Session) error { return s.put(tableSessions, &v) }

func (s eventState) Grant(id string) (domain.Grant, bool) {
	return value[domain.Grant](s.t.db, tableGrants, id)
}

func (s eventState) PutGrant(g domain.Grant) error { return s.put(tableGrants, &g) }

func (s eventState) Application(id string) (domain.Application, bool) {
	return value[domain.Application](s.t.db, tableApplications, id)
}

func (s eventState) PutApplication(a domain.Application) error { return s.put(tableApplications, &a) }

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
