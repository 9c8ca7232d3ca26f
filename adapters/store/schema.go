// Package store keeps the adapter's state in memory (hashicorp/go-memdb):
// reference data from the compacted topics and everything folded from the
// event log. The schema is declared here, in one place.
package store

import (
	"time"

	"github.com/hashicorp/go-memdb"

	"github.com/dsmf/ssc-adapter/domain"
)

// Table names.
const (
	tInsurers     = "insurers"
	tInsured      = "insured_persons"
	tDocuments    = "identity_documents"
	tCertificates = "certificate_changes"
	tSessions     = "sessions"
	tGrants       = "grants"
	tApplications = "applications"
	tOutcomes     = "outcomes"
	tStreams      = "streams"
)

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

// applicationRow indexes an application by insurer and by person.
type applicationRow struct {
	ID          string
	InsurerVOEN string
	SSN         string
	App         domain.Application
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
		// Reference rows are stored as they come from the registers.
		// Every index costs memory and time for each row (a radix tree
		// entry of a few hundred bytes): only what is read, or what the
		// registers' look-ups need, is indexed.
		table(tInsurers, idIndex("VOEN"), byField("account", "AccountNumber")), // contracts.Insurer
		table(tInsured, idIndex("SSN"), byField("fin", "FIN")),                 // contracts.InsuredPerson
		table(tDocuments, idIndex("FIN")),                                      // contracts.IdentityDocument
		// What the event log made.
		table(tCertificates, idIndex("SSN")),
		table(tSessions, idIndex("ID")),
		table(tGrants, idIndex("ID"), byField("insurer", "InsurerVOEN")),
		table(tApplications, idIndex("ID"), byField("insurer", "InsurerVOEN"), byField("ssn", "SSN")),
		table(tOutcomes, idIndex("CommandID")),
		table(tStreams, idIndex("VOEN")),
	}
	s := &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{}}
	for _, t := range tables {
		s.Tables[t.Name] = t
	}
	return s
}
