// Package store keeps the adapter's state in memory, folded from the
// compacted reference topics and the event log by one writer (Apply), so
// every instance that read the same records holds the same state.
//
// The domain state (applications, grants, sessions, insurers' streams,
// certificate changes) is the domain's own values in go-memdb tables,
// declared in this file; how each event changes it is the domain's rule
// (domain/events.go), read from the log through contracts/wire's registry.
// A fold batch is one write transaction, a View one read transaction.
//
// The reference registers (millions of insurers, insured persons and
// identity documents) and the high-volume key-only memories (outcomes of
// handled commands, used login assertions) stay in a compact engine of rows
// (row.go) in persistent hash maps over flat tables (pmap.go, table.go):
// go-memdb costs several times its memory target for them
// (docs/decisions/reference-registers.md). A View reads both at one point.
//
// What the event log made can be taken as a Snapshot and restored into a
// fresh store (snapshot.go): a start then folds only the events after it.
package store

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/hashicorp/go-memdb"

	"github.com/dsmf/ssc-adapter/domain"
)

// maps are the compact engine's tables: persistent hash maps, so that a
// View holds one version of them all without locks. The maps of rows read
// their keys from the rows (New sets them up so).
type maps struct {
	// Reference records are rows (refrows.go) by VÖEN, SSN and FIN.
	insurers  table
	insured   table
	documents table
	// refStrs are the strings reference rows share; strs those the rows of
	// outcomes share.
	refStrs, strs strs
	outcomes      table // rows (evrows.go) by command id
	// outcomesDay is the latest day an outcome was decided on: when a later
	// day begins, outcomes past OutcomeRetention are forgotten.
	outcomesDay int64 // days since 1970, UTC
	// assertions are the login assertions that opened a session, by id,
	// so a replayed one is refused.
	assertions pmap[time.Time]
}

// tables are the maps' tables (table.go).
func (m *maps) tables() []*table {
	return []*table{&m.insurers, &m.insured, &m.documents, &m.outcomes}
}

// based reports whether a table has a base (a batch wrote in bulk).
func (m *maps) based() bool {
	for _, t := range m.tables() {
		if t.base != nil {
			return true
		}
	}
	return false
}

// Stream and Outcome are the domain's; the store keeps them.
type (
	Stream  = domain.Stream
	Outcome = domain.Outcome
)

// CertificateChange records that an application replaced a person's certificate.
type CertificateChange struct {
	SSN string
	At  time.Time
}

// The domain state's tables in go-memdb, declared here in one place: one
// factory a table, each index with what it serves. The objects are the
// domain's own values (pointers never changed once inserted); the events'
// rules (domain/events.go) make them, the store only stores them.
const (
	tableApplications = "applications"
	tableGrants       = "grants"
	tableSessions     = "sessions"
	tableStreams      = "streams"
	tableCertificates = "certificates"

	indexID = "id"
	// Secondary indexes.
	indexInsurer = "insurer"
	indexPerson  = "person"
)

func stateSchema() *memdb.DBSchema {
	return &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
		tableApplications: applicationsTable(),
		tableGrants:       grantsTable(),
		tableSessions:     sessionsTable(),
		tableStreams:      streamsTable(),
		tableCertificates: certificatesTable(),
	}}
}

// applicationsTable holds drafts and signed applications.
func applicationsTable() *memdb.TableSchema {
	return &memdb.TableSchema{Name: tableApplications, Indexes: map[string]*memdb.IndexSchema{
		// id: an application by its id (get, delete, decide).
		indexID: {Name: indexID, Unique: true, Indexer: indexer[domain.Application](func(a *domain.Application) []byte {
			return key(a.ID)
		})},
		// insurer: the registry (REYESTR), an insurer's applications in the
		// order domain.SortNewestFirst gives read backwards: application
		// date, then creation time, then number; paging walks it.
		indexInsurer: {Name: indexInsurer, Indexer: indexer[domain.Application](func(a *domain.Application) []byte {
			k := key(a.InsurerVOEN, string(a.ApplicationDate()))
			k = timeKey(k, a.CreatedAt)
			return key2(k, a.Number)
		})},
		// person: a person's applications, for "one application in
		// progress per person".
		indexPerson: {Name: indexPerson, Indexer: indexer[domain.Application](func(a *domain.Application) []byte {
			return key(a.Person.Insured.SSN)
		})},
	}}
}

// grantsTable holds authority grants, revoked ones included.
func grantsTable() *memdb.TableSchema {
	return &memdb.TableSchema{Name: tableGrants, Indexes: map[string]*memdb.IndexSchema{
		// id: a grant by its id (revoke, a delegate's session).
		indexID: {Name: indexID, Unique: true, Indexer: indexer[domain.Grant](func(g *domain.Grant) []byte {
			return key(g.ID)
		})},
		// insurer: an insurer's grants, oldest first (login, the grant list,
		// the duplicate check).
		indexInsurer: {Name: indexInsurer, Indexer: indexer[domain.Grant](func(g *domain.Grant) []byte {
			return timeKey(key(g.InsurerVOEN), g.CreatedAt)
		})},
	}}
}

// sessionsTable holds logins, open or closed.
func sessionsTable() *memdb.TableSchema {
	return &memdb.TableSchema{Name: tableSessions, Indexes: map[string]*memdb.IndexSchema{
		// id: the session a command names.
		indexID: {Name: indexID, Unique: true, Indexer: indexer[domain.Session](func(s *domain.Session) []byte {
			return key(s.ID)
		})},
	}}
}

// streamsTable holds each insurer's position in the event log.
func streamsTable() *memdb.TableSchema {
	return &memdb.TableSchema{Name: tableStreams, Indexes: map[string]*memdb.IndexSchema{
		// id: the stream of an event's insurer, read and moved by every event.
		indexID: {Name: indexID, Unique: true, Indexer: indexer[domain.Stream](func(s *domain.Stream) []byte {
			return key(s.VOEN)
		})},
	}}
}

// certificatesTable records the certificates completed applications replaced.
func certificatesTable() *memdb.TableSchema {
	return &memdb.TableSchema{Name: tableCertificates, Indexes: map[string]*memdb.IndexSchema{
		// id: a person's certificate status, by SSN.
		indexID: {Name: indexID, Unique: true, Indexer: indexer[CertificateChange](func(c *CertificateChange) []byte {
			return key(c.SSN)
		})},
	}}
}

// indexer reads an index key from objects of type T; a look-up's
// arguments are strings, each a part of the key from its start (a prefix of
// a compound key finds every object under it).
type indexer[T any] func(*T) []byte

func (f indexer[T]) FromObject(obj any) (bool, []byte, error) {
	o, ok := obj.(*T)
	if !ok {
		return false, nil, fmt.Errorf("index of %T: an object of type %T", o, obj)
	}
	return true, f(o), nil
}

func (indexer[T]) FromArgs(args ...any) ([]byte, error) {
	var k []byte
	for _, a := range args {
		s, ok := a.(string)
		if !ok {
			return nil, fmt.Errorf("index argument of type %T, want a string", a)
		}
		k = key2(k, s)
	}
	return k, nil
}

// key is the key of strings, each ended by a 0 byte so that no key is a
// prefix of another's first part.
func key(parts ...string) []byte {
	var k []byte
	for _, p := range parts {
		k = key2(k, p)
	}
	return k
}

func key2(k []byte, s string) []byte { return append(append(k, s...), 0) }

// timeKey appends a time that orders as the times do.
func timeKey(k []byte, t time.Time) []byte {
	return binary.BigEndian.AppendUint64(k, uint64(t.UnixNano())^1<<63)
}
