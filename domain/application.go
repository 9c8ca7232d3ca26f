package domain

import (
	"fmt"
	"time"
)

// Reason is why an application is made (müraciət səbəbi).
type Reason string

// The four reasons of §4.3.
const (
	ReasonDocumentChanged   Reason = "identity-document-changed" // şəxsiyyət vəsiqəsində dəyişiklik
	ReasonCertificateLost   Reason = "certificate-lost"          // şəhadətnamənin itirilməsi
	ReasonDataError         Reason = "certificate-data-error"    // məlumatlarda səhv
	ReasonCertificateUnused Reason = "certificate-unusable"      // yararsız hala düşmə
)

// ApplicationType is what the application asks for.
type ApplicationType string

// Application types.
const (
	TypeReplacement ApplicationType = "replacement" // dəyişdirilmə
	TypeDuplicate   ApplicationType = "duplicate"   // dublikat
)

// typeOfReason is the one place the type follows from the reason: changed
// data asks for a new (replacement) certificate, a lost or spoilt card for a
// copy (duplicate) of the same one.
var typeOfReason = map[Reason]ApplicationType{
	ReasonDocumentChanged:   TypeReplacement,
	ReasonDataError:         TypeReplacement,
	ReasonCertificateLost:   TypeDuplicate,
	ReasonCertificateUnused: TypeDuplicate,
}

// TypeFor returns the application type a reason asks for.
func TypeFor(r Reason) (ApplicationType, error) {
	t, ok := typeOfReason[r]
	if !ok {
		return "", ErrInvalidReason
	}
	return t, nil
}

// Status is an application's status; it moves only forward.
type Status string

// Statuses.
const (
	StatusDraft        Status = "draft"
	StatusSubmitted    Status = "submitted"
	StatusInProcessing Status = "in-processing"
	StatusCompleted    Status = "completed"
	StatusRejected     Status = "rejected"
)

// InProgress reports whether an application is signed and not yet decided.
func (s Status) InProgress() bool { return s == StatusSubmitted || s == StatusInProcessing }

// Decision is a back-office decision.
type Decision string

// Back-office decisions.
const (
	DecisionTakeIntoProcessing Decision = "take-into-processing"
	DecisionIssueCertificate   Decision = "issue-certificate"
	DecisionReject             Decision = "reject"
)

// moves says which status a decision leads to from which statuses.
var moves = map[Decision]struct {
	to   Status
	from []Status
}{
	DecisionTakeIntoProcessing: {StatusInProcessing, []Status{StatusSubmitted}},
	DecisionIssueCertificate:   {StatusCompleted, []Status{StatusInProcessing}},
	DecisionReject:             {StatusRejected, []Status{StatusSubmitted, StatusInProcessing}},
}

// Signature records who confirmed an application and how.
type Signature struct {
	Role       Role
	Method     Method
	FIN        string
	CardNumber string
	Phone      string
	SessionID  string
	At         time.Time
}

// StatusChange is a step of an application's history.
type StatusChange struct {
	Status Status
	At     time.Time
	By     string
	Reason string
}

// Application is an application for a replacement or a duplicate.
type Application struct {
	ID              string
	Number          string
	InsurerVOEN     string
	Type            ApplicationType
	Reason          Reason
	Status          Status
	Person          Person
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Signature       *Signature
	CertificateDate Date
	RejectionReason string
	History         []StatusChange
}

// ApplicantBy is the history's name for changes the applicant makes.
const ApplicantBy = "applicant"

// NewDraft starts a draft (Yadda saxla) for a person found by AXTAR.
func NewDraft(id, number, insurerVOEN string, reason Reason, p Person, now time.Time) (Application, error) {
	t, err := TypeFor(reason)
	if err != nil {
		return Application{}, err
	}
	return Application{
		ID: id, Number: number, InsurerVOEN: insurerVOEN, Type: t, Reason: reason,
		Status: StatusDraft, Person: p, CreatedAt: now, UpdatedAt: now,
		History: []StatusChange{{Status: StatusDraft, At: now, By: ApplicantBy}},
	}, nil
}

// Change updates a draft (Əvvəlki); a signed application cannot change.
func (a Application) Change(reason Reason, p Person, now time.Time) (Application, error) {
	if a.Status != StatusDraft {
		return a, ErrApplicationSigned.With("application %s is %s", a.ID, a.Status)
	}
	t, err := TypeFor(reason)
	if err != nil {
		return a, err
	}
	a.Reason, a.Type, a.Person, a.UpdatedAt = reason, t, p, now
	return a, nil
}

// Submit signs a draft (Təsdiqlə). others are the person's other
// applications: one still in progress blocks a second.
func (a Application) Submit(sig Signature, others []Application) (Application, error) {
	if a.Status != StatusDraft {
		return a, ErrApplicationSigned.With("application %s is %s", a.ID, a.Status)
	}
	for _, o := range others {
		if o.ID != a.ID && o.Status.InProgress() {
			return a, ErrApplicationOpen.With("%s", o.ID)
		}
	}
	a.Status, a.Signature, a.UpdatedAt = StatusSubmitted, &sig, sig.At
	a.History = append(append([]StatusChange(nil), a.History...), StatusChange{Status: StatusSubmitted, At: sig.At, By: ApplicantBy})
	return a, nil
}

// CanDelete refuses to delete anything but a draft (Qaralamadan sil).
func (a Application) CanDelete() error {
	if a.Status != StatusDraft {
		return ErrApplicationSigned.With("application %s is %s", a.ID, a.Status)
	}
	return nil
}

// Decide applies a back-office decision.
func (a Application) Decide(d Decision, certificateDate, reason, officer string, now time.Time) (Application, error) {
	m, ok := moves[d]
	if !ok {
		return a, ErrInvalidOption.With("decision")
	}
	allowed := false
	for _, from := range m.from {
		allowed = allowed || a.Status == from
	}
	if !allowed {
		return a, ErrInvalidTransition.With("%s cannot go from %s to %s", a.ID, a.Status, m.to)
	}
	switch d {
	case DecisionIssueCertificate:
		date, err := ParseDate(certificateDate)
		if err != nil {
			return a, ErrDecisionIncomplete.With("certificateDate")
		}
		a.CertificateDate = date
	case DecisionReject:
		if reason == "" {
			return a, ErrDecisionIncomplete.With("reason")
		}
		a.RejectionReason = reason
	}
	a.Status, a.UpdatedAt = m.to, now
	change := StatusChange{Status: m.to, At: now, By: officer}
	if d == DecisionReject {
		change.Reason = reason
	}
	a.History = append(append([]StatusChange(nil), a.History...), change)
	return a, nil
}

// NoticeVersion is the number of notices an application has had: one on
// submission and one after each decision; a draft has none.
func (a Application) NoticeVersion() int {
	n := 0
	for _, h := range a.History {
		if h.Status != StatusDraft {
			n++
		}
	}
	return n
}

// CertificateStatusAfter is the person's certificate status once the
// application is decided: an issued replacement or duplicate replaces the old card.
func (a Application) CertificateStatusAfter() CertificateStatus {
	if a.Status == StatusCompleted {
		return CertificateReplaced
	}
	return a.Person.Insured.CertificateStatus
}

// ApplicationNumber is the human number of an insurer's n-th change.
func ApplicationNumber(insurerVOEN string, seq int64) string {
	return fmt.Sprintf("SSC-%s-%06d", insurerVOEN, seq)
}

// AtStatus is the application as it was when it reached status s, for a
// reader that comes to a status change later: its history up to that step,
// so NoticeVersion and CertificateStatusAfter are as they were then.
// Statuses only move forward, so each is reached once; false if s was not.
func (a Application) AtStatus(s Status) (Application, bool) {
	for i, h := range a.History {
		if h.Status == s {
			a.History = a.History[: i+1 : i+1]
			a.Status, a.UpdatedAt = s, h.At
			return a, true
		}
	}
	return a, false
}

// StatusAfter is the status a decision moves an application to.
func StatusAfter(d Decision) (Status, bool) {
	m, ok := moves[d]
	return m.to, ok
}

// Valid refuses an application that names no id, insurer or person: it could
// not be found again by the registry or by the person.
func (a Application) Valid() error {
	if a.ID == "" || a.InsurerVOEN == "" || a.Person.Insured.SSN == "" {
		return fmt.Errorf("application without id, insurer or person: %w", ErrEventDoesNotFit)
	}
	return nil
}

// Moved is the application after a recorded back-office decision (the
// ApplicationStatusChanged event that Decide's result is written as): it
// fits only an application still in the status the decision was made on.
func (a Application) Moved(e ApplicationStatusChanged) (Application, error) {
	if a.Status != e.From {
		return a, fmt.Errorf("status change from %s of an application in %s: %w", e.From, a.Status, ErrEventDoesNotFit)
	}
	a.Status, a.UpdatedAt = e.To, e.At
	a.History = append(append([]StatusChange(nil), a.History...),
		StatusChange{Status: e.To, At: e.At, By: e.Officer, Reason: e.Reason})
	if e.CertificateDate != "" {
		a.CertificateDate = e.CertificateDate
	}
	if a.Status == StatusRejected {
		a.RejectionReason = e.Reason
	}
	return a, nil
}
