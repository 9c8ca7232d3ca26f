package handlers

import (
	"time"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// View is the read model the handlers decide on: one consistent snapshot of
// the reference registers and of the state the event log has built.
type View interface {
	// The reference registers.
	Insurer(voen string) (contracts.Insurer, bool)
	InsuredPerson(ssn string) (contracts.InsuredPerson, bool)
	Document(fin string) (contracts.IdentityDocument, bool)
	// CertificateStatus is the person's certificate status after the
	// decisions on the log (a replacement changes it).
	CertificateStatus(p contracts.InsuredPerson) domain.CertificateStatus

	// What the event log has built.
	Session(id string) (domain.Session, bool)
	AssertionUsed(assertionID string) bool
	Grant(id string) (domain.Grant, bool)
	Grants(voen string) []domain.Grant
	Application(id string) (domain.Application, bool)
	// Applications are an insurer's, newest first (domain.SortNewestFirst's
	// order), ApplicationsOf a person's (by SSN).
	Applications(voen string) []domain.Application
	ApplicationsOf(ssn string) []domain.Application
	// ApplicationsPage is the page of an insurer's applications that match,
	// newest first, and how many match in all (the registry).
	ApplicationsPage(voen string, match func(domain.Application) bool, page domain.Page) ([]domain.Application, int)
	// Outcome is the recorded decision on a command, if it has one.
	Outcome(commandID string) (domain.Outcome, bool)
	Stream(voen string) domain.Stream
}

// State is where the handlers read and what they wait on: a decision is
// written to the event log, and the state that folds the log tells the
// waiting command what became of it.
type State interface {
	// View opens a snapshot; it needs no closing.
	View() View
	// Await returns a channel that receives the fate of the next event
	// folded for a command. Call it before publishing the event.
	Await(commandID string) <-chan domain.FoldResult
	// Forget drops a wait that no longer listens (the event was not
	// written, or the wait timed out).
	Forget(commandID string, wait <-chan domain.FoldResult)
	// Touch records a session's activity that left no event (a query):
	// a session closes after SessionIdle without activity.
	Touch(sessionID string, at time.Time)
}
