// Package store keeps the adapter's state in memory: reference data from
// the compacted topics and everything folded from the event log. Grants
// are a go-memdb table; everything else is in persistent hash maps
// (pmap.go), applications with sets of their ids by insurer and by person.
// Applications left go-memdb because its inserts (three radix trees,
// copied path by path) were half of the rebuild's fold. Both are declared
// here, in one place, and a View is a snapshot of both.
package store

import (
	"time"

	"github.com/hashicorp/go-memdb"
)

// Table names of go-memdb: the tables read by more than their key.
const (
	tGrants = "grants"
)

// maps are the tables read by their key only, in persistent hash maps:
// they hold most rows (reference data, one outcome per event), and a map
// costs a few dozen bytes per row where a memdb index costs hundreds.
type maps struct {
	// Reference records are rows (refrows.go) by VÖEN, SSN and FIN;
	// insurers are also found by DSMF account number and insured persons
	// by FIN (lists of keys).
	insurers          pmap[string]
	insurersByAccount pmap[string]
	insured           pmap[string]
	insuredByFIN      pmap[string]
	documents         pmap[string]
	// refStrs are the strings reference rows share; strs those the rows of
	// events share.
	refStrs, strs strs
	// What the event log made.
	certificates pmap[*CertificateChange] // by SSN
	sessions     pmap[string]             // rows (evrows.go) by id
	outcomes     pmap[string]             // rows by command id
	// outcomesDay is the latest day an outcome was decided on: when a later
	// day begins, outcomes past OutcomeRetention are forgotten.
	outcomesDay string
	streams     pmap[Stream] // by VÖEN
	// Applications are rows (evrows.go) by id; they are listed by
	// insurer (a set of ids per VÖEN) and by person (a list of ids per
	// SSN, as the look-ups of the registers).
	applications  pmap[string]
	appsByInsurer pmap[pmap[struct{}]]
	appsBySSN     pmap[string]
	// assertions are the login assertions that opened a session, by id,
	// so a replayed one is refused.
	assertions pmap[time.Time]
}

// Stream is an insurer's position in the event log.
type Stream struct {
	VOEN string
	// Seq counts the insurer's applied events; an event must carry Seq+1.
	Seq int64
	// OwnerLoggedIn is set by the first login with stamp authority.
	OwnerLoggedIn bool
}

// Outcome is the recorded decision on a state-changing command: what makes a
// redelivered command recognisable and its reply repeatable.
type Outcome struct {
	CommandID   string
	InsurerVOEN string
	EventType   string
	// Ref is the id of what the command made or changed (session, grant, application).
	Ref string
	// Code and Detail are set when the command was refused.
	Code, Detail string
	At           time.Time
}

// Accepted reports whether the command took effect.
func (o Outcome) Accepted() bool { return o.Code == "" }

// CertificateChange records that an application replaced a person's certificate.
type CertificateChange struct {
	SSN string
	At  time.Time
}

func idIndex(field string) *memdb.IndexSchema {
	return &memdb.IndexSchema{Name: "id", Unique: true, Indexer: &memdb.StringFieldIndex{Field: field}}
}

func byField(name, field string) *memdb.IndexSchema {
	return &memdb.IndexSchema{Name: name, Indexer: &memdb.StringFieldIndex{Field: field}}
}

func table(name string, indexes ...*memdb.IndexSchema) *memdb.TableSchema {
	t := &memdb.TableSchema{Name: name, Indexes: map[string]*memdb.IndexSchema{}}
	for _, i := range indexes {
		t.Indexes[i.Name] = i
	}
	return t
}

// Schema is the whole in-memory schema.
func Schema() *memdb.DBSchema {
	tables := []*memdb.TableSchema{
		table(tGrants, idIndex("ID"), byField("insurer", "InsurerVOEN")),
	}
	s := &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{}}
	for _, t := range tables {
		s.Tables[t.Name] = t
	}
	return s
}
