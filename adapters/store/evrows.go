package store

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/dsmf/ssc-adapter/domain"
)

// What the event log makes, as rows (row.go): one outcome per event,
// sessions and applications. Each row starts with its key, inline.

func (t *tx) outcomeRow(o *Outcome) string {
	w := t.writer()
	w.str(o.CommandID)
	w.shared(o.InsurerVOEN)
	w.shared(o.EventType)
	w.str(o.Ref)
	w.shared(o.Code)
	w.str(o.Detail)
	w.time(o.At)
	return t.done(w)
}

func (t *tx) streamRow(s *Stream) string {
	w := t.writer()
	w.str(s.VOEN)
	w.int(s.Seq)
	w.bool(s.OwnerLoggedIn)
	return t.done(w)
}

func readStream(row string, _ strs) Stream {
	r := rowReader{s: row}
	return Stream{VOEN: r.str(), Seq: r.int(), OwnerLoggedIn: r.bool()}
}

func readOutcome(row string, tab strs) Outcome {
	r := rowReader{s: row, t: tab}
	return Outcome{CommandID: r.str(), InsurerVOEN: r.str(), EventType: r.str(), Ref: r.str(), Code: r.str(),
		Detail: r.str(), At: r.time()}
}

// outcomeAt is the time of an outcome's row.
func outcomeAt(row string) time.Time {
	r := rowReader{s: row} // skips shared strings without reading them
	for range 6 {
		r.skip()
	}
	return r.time()
}

func (t *tx) sessionRow(s *domain.Session) string {
	w := t.writer()
	w.str(s.ID)
	w.shared(s.InsurerVOEN)
	w.shared(string(s.Principal.Role))
	w.str(s.Principal.GrantID)
	w.shared(string(s.Signer.Method))
	w.str(s.Signer.FIN)
	w.str(s.Signer.CardNumber)
	w.str(s.Signer.Phone)
	w.bool(s.Signer.StampAuthority)
	w.time(s.Signer.CertNotBefore)
	w.time(s.Signer.CertNotAfter)
	w.time(s.OpenedAt)
	w.time(s.LastActive)
	w.bool(s.Closed)
	return t.done(w)
}

func readSession(row string, tab strs) domain.Session {
	r := rowReader{s: row, t: tab}
	return domain.Session{ID: r.str(), InsurerVOEN: r.str(),
		Principal: domain.Principal{Role: domain.Role(r.str()), GrantID: r.str()},
		Signer: domain.Signer{Method: domain.Method(r.str()), FIN: r.str(), CardNumber: r.str(), Phone: r.str(),
			StampAuthority: r.bool(), CertNotBefore: r.time(), CertNotAfter: r.time()},
		OpenedAt: r.time(), LastActive: r.time(), Closed: r.bool()}
}

// touched is a session's row with LastActive at, if that is later; the
// rest of the row is not read.
func (t *tx) touched(row string, at time.Time) (string, bool) {
	last, from, to := lastActive(row, *t.strs)
	if !at.After(last) {
		return row, false
	}
	w := t.writer()
	w.b = append(w.b, row[:from]...)
	w.time(at)
	w.b = append(w.b, row[to:]...)
	return t.done(w), true
}

// lastActive reads a session row's LastActive, and where it is in the row.
func lastActive(row string, tab strs) (at time.Time, from, to int) {
	r := rowReader{s: row, t: tab}
	for range 8 { // ID, InsurerVOEN, Role, GrantID, Method, FIN, CardNumber, Phone
		r.skip()
	}
	r.bool()
	r.time()
	r.time()
	r.time()
	from = r.i
	at = r.time()
	return at, from, r.i
}

func (t *tx) applicationRow(a *domain.Application) string {
	w := t.writer()
	w.str(a.ID)
	w.str(a.Number)
	w.shared(a.InsurerVOEN)
	w.shared(string(a.Type))
	w.shared(string(a.Reason))
	w.shared(string(a.Status))
	d := &a.Person.Document
	w.str(d.FIN)
	w.shared(string(d.Type))
	w.str(d.Number)
	w.shared(d.Surname)
	w.shared(d.Name)
	w.shared(d.Patronymic)
	w.shared(d.Gender)
	w.shared(d.Citizenship)
	w.shared(d.BirthPlace)
	w.str(string(d.BirthDate)) // dates inline: too many to share cheaply
	w.shared(d.IssuingAuthority)
	w.str(string(d.IssueDate))
	w.str(string(d.ValidUntil))
	p := &a.Person.Insured
	w.str(p.SSN)
	w.str(p.FIN)
	w.str(string(p.SSNDate))
	w.shared(string(p.CertificateStatus))
	w.shared(p.InsurerVOEN)
	w.time(a.CreatedAt)
	w.time(a.UpdatedAt)
	w.bool(a.Signature != nil)
	if s := a.Signature; s != nil {
		w.shared(string(s.Role))
		w.shared(string(s.Method))
		w.str(s.FIN)
		w.str(s.CardNumber)
		w.str(s.Phone)
		w.str(s.SessionID)
		w.time(s.At)
	}
	w.shared(string(a.CertificateDate))
	w.str(a.RejectionReason)
	// A nil history reads back nil, an empty one empty.
	if a.History == nil {
		w.int(-1)
	} else {
		w.int(int64(len(a.History)))
	}
	for _, h := range a.History {
		w.shared(string(h.Status))
		w.time(h.At)
		w.shared(h.By)
		w.str(h.Reason)
	}
	return t.done(w)
}

// appKeys are the values an application's row is found by.
func appKeys(row string, tab strs) (id, voen, ssn string) {
	r := rowReader{s: row, t: tab}
	id = r.str()
	r.skip()
	voen = r.str()
	for range 16 { // up to the SSN
		r.skip()
	}
	return id, voen, r.str()
}

// putApplication stores an application, in place of one with its id.
func (t *tx) putApplication(a *domain.Application) error {
	if a.ID == "" || a.InsurerVOEN == "" || a.Person.Insured.SSN == "" {
		return fmt.Errorf("application without id, insurer or person") // as memdb refused it
	}
	row := t.applicationRow(a)
	id, voen, ssn := appKeys(row, t.maps.strs)
	m := t.maps
	var old string
	var had bool
	m.applications = m.applications.Update(t.w, id, func(o string, found bool) (string, string, bool) {
		old, had = o, found
		return id, row, true
	})
	var oldVOEN, oldSSN string
	if had { // it leaves the look-ups of the one it replaces, if they differ
		_, oldVOEN, oldSSN = appKeys(old, m.strs)
		if oldVOEN != voen {
			m.appsByInsurer = removeFrom(t.w.gen, m.appsByInsurer, oldVOEN, id)
		}
		if oldSSN != ssn {
			m.appsBySSN = withoutKey(t.w, m.appsBySSN, oldSSN, id)
		}
	}
	if !had || oldVOEN != voen {
		// A copy of the id: a substring would hold the whole row in
		// memory, which a base keeps a copy of.
		m.appsByInsurer = addTo(t.w.gen, m.appsByInsurer, voen, strings.Clone(id))
	}
	if !had || oldSSN != ssn {
		m.appsBySSN = withKey(t.w, m.appsBySSN, ssn, row)
	}
	return nil
}

// deleteApplication deletes an application; false if there is none.
func (t *tx) deleteApplication(id string) bool {
	m := t.maps
	old, ok := m.applications.Get(id)
	if !ok {
		return false
	}
	_, voen, ssn := appKeys(old, m.strs)
	m.applications = m.applications.Delete(t.w, id)
	m.appsByInsurer = removeFrom(t.w.gen, m.appsByInsurer, voen, id)
	m.appsBySSN = withoutKey(t.w, m.appsBySSN, ssn, id)
	return true
}

func readApplication(row string, tab strs) domain.Application {
	r := rowReader{s: row, t: tab}
	a := domain.Application{ID: r.str(), Number: r.str(), InsurerVOEN: r.str(), Type: domain.ApplicationType(r.str()),
		Reason: domain.Reason(r.str()), Status: domain.Status(r.str())}
	a.Person.Document = domain.IdentityDocument{FIN: r.str(), Type: domain.DocumentType(r.str()), Number: r.str(),
		Surname: r.str(), Name: r.str(), Patronymic: r.str(), Gender: r.str(), Citizenship: r.str(),
		BirthPlace: r.str(), BirthDate: domain.Date(r.str()), IssuingAuthority: r.str(),
		IssueDate: domain.Date(r.str()), ValidUntil: domain.Date(r.str())}
	a.Person.Insured = domain.InsuredPerson{SSN: r.str(), FIN: r.str(), SSNDate: domain.Date(r.str()),
		CertificateStatus: domain.CertificateStatus(r.str()), InsurerVOEN: r.str()}
	a.CreatedAt, a.UpdatedAt = r.time(), r.time()
	if r.bool() {
		a.Signature = &domain.Signature{Role: domain.Role(r.str()), Method: domain.Method(r.str()), FIN: r.str(),
			CardNumber: r.str(), Phone: r.str(), SessionID: r.str(), At: r.time()}
	}
	a.CertificateDate, a.RejectionReason = domain.Date(r.str()), r.str()
	if n := r.int(); n >= 0 {
		a.History = make([]domain.StatusChange, 0, min(n, int64(len(row))))
		for range n {
			a.History = append(a.History, domain.StatusChange{Status: domain.Status(r.str()), At: r.time(),
				By: r.str(), Reason: r.str()})
		}
	}
	return a
}

// addTo adds key to the set of group (a set of keys per group).
func addTo(gen uint64, m pmap[pmap[struct{}]], group, key string) pmap[pmap[struct{}]] {
	return m.Update(gen, group, func(set pmap[struct{}], _ bool) (string, pmap[struct{}], bool) {
		return group, set.Set(gen, key, struct{}{}), true
	})
}

// removeFrom removes key from the set of group.
func removeFrom(gen uint64, m pmap[pmap[struct{}]], group, key string) pmap[pmap[struct{}]] {
	if inner := value(m, group).Delete(gen, key); inner.Len() > 0 {
		return m.Set(gen, strings.Clone(group), inner) // group may be a part of a row
	}
	return m.Delete(gen, group)
}

// keysOf are the keys of a set, sorted.
func keysOf(set pmap[struct{}]) []string {
	keys := make([]string, 0, set.Len())
	set.each(func(k string, _ struct{}) { keys = append(keys, k) })
	sort.Strings(keys)
	return keys
}

func (t *tx) grantRow(g *domain.Grant) string {
	w := t.writer()
	w.str(g.ID)
	w.shared(g.InsurerVOEN)
	w.shared(string(g.Service))
	w.shared(string(g.Grantee.Method))
	w.str(g.Grantee.CardNumber)
	w.str(g.Grantee.Phone)
	w.str(g.Grantee.FIN)
	w.bool(g.Limited)
	w.str(string(g.Start))
	w.str(string(g.End))
	w.time(g.CreatedAt)
	w.bool(g.Revoked)
	w.time(g.RevokedAt)
	w.time(g.SignatureNotAfter)
	return t.done(w)
}

func readGrant(row string, tab strs) domain.Grant {
	r := rowReader{s: row, t: tab}
	return domain.Grant{ID: r.str(), InsurerVOEN: r.str(), Service: domain.Service(r.str()),
		Grantee: domain.Grantee{Method: domain.Method(r.str()), CardNumber: r.str(), Phone: r.str(), FIN: r.str()},
		Limited: r.bool(), Start: domain.Date(r.str()), End: domain.Date(r.str()), CreatedAt: r.time(),
		Revoked: r.bool(), RevokedAt: r.time(), SignatureNotAfter: r.time()}
}

// putGrant stores a grant, in place of one with its id.
func (t *tx) putGrant(g *domain.Grant) error {
	if g.ID == "" || g.InsurerVOEN == "" {
		return fmt.Errorf("grant without id or insurer") // as memdb refused it
	}
	m := t.maps
	if old, ok := m.grants.Get(g.ID); ok {
		m.grantsByInsurer = removeFrom(t.w.gen, m.grantsByInsurer, readGrant(old, *t.strs).InsurerVOEN, g.ID)
	}
	row := t.grantRow(g)
	id, _ := keyField(row)
	m.grants = m.grants.Set(t.w, id, row)
	m.grantsByInsurer = addTo(t.w.gen, m.grantsByInsurer, t.share(g.InsurerVOEN), strings.Clone(id)) // as an application's
	return nil
}

// value is the value of key, or the zero value.
func value[V any](m pmap[V], key string) V {
	v, _ := m.Get(key)
	return v
}
