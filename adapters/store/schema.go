// Package store keeps the adapter's state in memory: reference data from
// the compacted topics and everything folded from the event log, in
// persistent hash maps (pmap.go) of rows (row.go), declared here in one
// place; a View is a snapshot of them all.
//
// The state used to live in go-memdb tables. They left it because of the
// cold start (issue 3): a memdb index costs a radix leaf, a node and two
// channels per row (hundreds of bytes), and every write copies radix nodes
// path by path; applications' inserts (three indexes) were half of the
// rebuild's fold, and grants' inserts cost ten times what any other event
// did. What memdb's secondary indexes gave is here a set of keys per value
// (applications and grants by insurer) or a list of keys (applications by
// person, the registers' look-ups).
package store

import (
	"time"

	"github.com/dsmf/ssc-adapter/domain"
)

// maps are the tables: persistent hash maps, so that a View holds one
// version of them all without locks. The maps of rows read their keys from
// the rows (New sets them up so).
type maps struct {
	// Reference records are rows (refrows.go) by VÖEN, SSN and FIN;
	// insurers are also found by DSMF account number and insured persons
	// by FIN (lists of keys).
	insurers          table
	insurersByAccount table
	insured           table
	insuredByFIN      table
	documents         table
	// refStrs are the strings reference rows share; strs those the rows of
	// events share.
	refStrs, strs strs
	// What the event log made.
	certificates pmap[*CertificateChange] // by SSN
	sessions     table                    // rows (evrows.go) by id
	outcomes     table                    // rows by command id
	// outcomesDay is the latest day an outcome was decided on: when a later
	// day begins, outcomes past OutcomeRetention are forgotten.
	outcomesDay int64 // days since 1970, UTC
	streams     table // rows by VÖEN
	// Applications are rows (evrows.go) by id; they are listed by
	// insurer (a set of ids per VÖEN) and by person (a list of ids per
	// SSN, as the look-ups of the registers).
	applications  table
	appsByInsurer pmap[pmap[struct{}]]
	appsBySSN     table
	// Grants are rows by id, listed by insurer.
	grants          table
	grantsByInsurer pmap[pmap[struct{}]]
	// assertions are the login assertions that opened a session, by id,
	// so a replayed one is refused.
	assertions pmap[time.Time]
}

// tables are the maps' tables (table.go).
func (m *maps) tables() []*table {
	return []*table{&m.insurers, &m.insurersByAccount, &m.insured, &m.insuredByFIN, &m.documents,
		&m.sessions, &m.outcomes, &m.streams, &m.applications, &m.appsBySSN, &m.grants}
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
