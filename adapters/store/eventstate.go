package store

import (
	"fmt"
	"strings"
	"time"

	"github.com/dsmf/ssc-adapter/domain"
)

// eventState is what a domain event reads and writes (domain.EventState),
// over one Apply's transaction.
type eventState struct{ t *tx }

func (s eventState) Session(id string) (domain.Session, bool) {
	return read(s.t.maps.sessions, id, s.t.maps.strs, readSession)
}

func (s eventState) PutSession(v domain.Session) error {
	s.t.maps.sessions = s.t.setRow(s.t.maps.sessions, s.t.sessionRow(&v))
	return nil
}

func (s eventState) Grant(id string) (domain.Grant, bool) {
	return read(s.t.maps.grants, id, *s.t.strs, readGrant)
}

func (s eventState) PutGrant(g domain.Grant) error { return s.t.putGrant(&g) }

func (s eventState) Application(id string) (domain.Application, bool) {
	return read(s.t.maps.applications, id, s.t.maps.strs, readApplication)
}

func (s eventState) PutApplication(a domain.Application) error { return s.t.putApplication(&a) }

func (s eventState) DeleteApplication(id string) error {
	if !s.t.deleteApplication(id) {
		return fmt.Errorf("delete of unknown application: %w", domain.ErrEventDoesNotFit)
	}
	return nil
}

func (s eventState) ReplaceCertificate(ssn string, at time.Time) error {
	ssn = strings.Clone(ssn) // not a part of a row: it would keep it all
	s.t.maps.certificates = s.t.maps.certificates.Set(s.t.w.gen, ssn, &CertificateChange{SSN: ssn, At: at})
	return nil
}

func (s eventState) UseAssertion(id string, at time.Time) error {
	s.t.maps.assertions = s.t.maps.assertions.Set(s.t.w.gen, id, at)
	return nil
}
