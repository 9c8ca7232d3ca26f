package testkit

import (
	"time"

	"github.com/google/uuid"

	"github.com/dsmf/ssc-adapter/contracts"
)

// Command is a command ready to send: its CloudEvents type, key, topic and
// payload. Builders give valid defaults; each takes options that change one
// field of the payload.
type Command struct {
	ID      string
	Type    string
	Topic   string
	Key     string
	Payload any
	// Unsigned sends a login assertion without the portal's signature.
	Unsigned bool
}

// Session names a logged-in session and its insurer.
type Session struct {
	ID   string
	VOEN string
}

func (s Session) cmd() contracts.SessionCommand {
	return contracts.SessionCommand{SessionID: s.ID, InsurerVOEN: s.VOEN}
}

func build[T any](typ, key string, v T, mods []func(*T)) Command {
	for _, m := range mods {
		m(&v)
	}
	return Command{ID: uuid.NewString(), Type: typ, Topic: contracts.TopicPortalCommands, Key: key, Payload: v}
}

// Envelope renders the command in binary content mode.
func (c Command) Envelope(source string, at time.Time) (contracts.Envelope, error) {
	return contracts.NewEnvelope(c.ID, source, c.Type, c.Key, at, c.Payload)
}

// DirectorLogin is a login assertion of the fixture insurer's director: an
// e-signature card with stamp authority, valid for a year around now.
func DirectorLogin(voen string, mods ...func(*contracts.LoginAssertion)) Command {
	now := time.Now().UTC()
	return build(contracts.TypeLogin, voen, contracts.LoginAssertion{
		AssertionID: uuid.NewString(), Method: contracts.MethodESignCard, SignerFIN: DirectorFIN, InsurerVOEN: voen,
		Card: &contracts.CardIdentity{CardNumber: DirectorCard, CertificateSerial: "7FC4E13612808EC800",
			Subject: "CN=SƏMİR QƏLƏYEV, O=MƏKTƏBİ QURUP", Issuer: "CN=AZ Governing Bodies CA"},
		StampAuthority: true, CertNotBefore: now.AddDate(0, -6, 0), CertNotAfter: now.AddDate(0, 6, 0), IssuedAt: now,
	}, mods)
}

// DeputyAsanLogin is a login assertion of the fixture deputy with Asan imza,
// without stamp authority.
func DeputyAsanLogin(voen string, mods ...func(*contracts.LoginAssertion)) Command {
	now := time.Now().UTC()
	return build(contracts.TypeLogin, voen, contracts.LoginAssertion{
		AssertionID: uuid.NewString(), Method: contracts.MethodAsanImza, SignerFIN: DeputyFIN, InsurerVOEN: voen,
		Asan:          &contracts.AsanIdentity{Phone: DeputyPhone, UserID: DeputyUserID},
		CertNotBefore: now.AddDate(0, -6, 0), CertNotAfter: now.AddDate(0, 6, 0), IssuedAt: now,
	}, mods)
}

// Logout closes a session.
func Logout(s Session) Command {
	return build(contracts.TypeLogout, s.VOEN, contracts.Logout{SessionCommand: s.cmd()}, nil)
}

// ProfileGet asks for the insurer's profile.
func ProfileGet(s Session) Command {
	return build(contracts.TypeProfileGet, s.VOEN, contracts.ProfileGet{SessionCommand: s.cmd()}, nil)
}

// GrantToDeputy grants the fixture deputy's Asan imza the right to use this
// service, unlimited.
func GrantToDeputy(s Session, mods ...func(*contracts.GrantCreate)) Command {
	return build(contracts.TypeGrantCreate, s.VOEN, contracts.GrantCreate{SessionCommand: s.cmd(),
		Service:  contracts.ServiceCertificate,
		Grantee:  contracts.Grantee{Method: contracts.MethodAsanImza, Phone: DeputyPhone, FIN: DeputyFIN},
		Validity: contracts.Validity{Kind: contracts.ValidityUnlimited}}, mods)
}

// Limited makes a grant limited to from..to (YYYY-MM-DD).
func Limited(from, to string) func(*contracts.GrantCreate) {
	return func(g *contracts.GrantCreate) {
		g.Validity = contracts.Validity{Kind: contracts.ValidityLimited, Start: from, End: to}
	}
}

// GrantList asks for a page of the registry of grants.
func GrantList(s Session, mods ...func(*contracts.GrantList)) Command {
	return build(contracts.TypeGrantList, s.VOEN, contracts.GrantList{SessionCommand: s.cmd()}, mods)
}

// GrantRevoke ends a grant.
func GrantRevoke(s Session, grantID string) Command {
	return build(contracts.TypeGrantRevoke, s.VOEN, contracts.GrantRevoke{SessionCommand: s.cmd(), GrantID: grantID}, nil)
}

// PersonLookup searches (AXTAR) for the fixture employee by default.
func PersonLookup(s Session, mods ...func(*contracts.PersonLookup)) Command {
	e := Employee()
	return build(contracts.TypePersonLookup, s.VOEN, contracts.PersonLookup{SessionCommand: s.cmd(),
		DocumentType: e.Document.DocumentType, FIN: e.Document.FIN, SSN: e.Insured.SSN}, mods)
}

// Input is the fixture employee's application for a lost certificate.
func Input() contracts.ApplicationInput {
	e := Employee()
	return contracts.ApplicationInput{DocumentType: e.Document.DocumentType, FIN: e.Document.FIN,
		SSN: e.Insured.SSN, Reason: contracts.ReasonCertificateLost}
}

// DraftSave saves a new draft of Input().
func DraftSave(s Session, mods ...func(*contracts.DraftSave)) Command {
	return build(contracts.TypeDraftSave, s.VOEN, contracts.DraftSave{SessionCommand: s.cmd(), ApplicationInput: Input()}, mods)
}

// SubmitDraft signs and submits a saved draft.
func SubmitDraft(s Session, applicationID string) Command {
	return build(contracts.TypeSubmit, s.VOEN, contracts.Submit{SessionCommand: s.cmd(), ApplicationID: applicationID}, nil)
}

// SubmitNew signs and submits a new application at once.
func SubmitNew(s Session, mods ...func(*contracts.ApplicationInput)) Command {
	in := Input()
	for _, m := range mods {
		m(&in)
	}
	return build(contracts.TypeSubmit, s.VOEN, contracts.Submit{SessionCommand: s.cmd(), Input: &in}, nil)
}

// DraftDelete deletes a draft.
func DraftDelete(s Session, applicationID string) Command {
	return build(contracts.TypeDraftDelete, s.VOEN, contracts.DraftDelete{SessionCommand: s.cmd(), ApplicationID: applicationID}, nil)
}

// RegistrySearch searches the registry; with no options it lists everything.
func RegistrySearch(s Session, mods ...func(*contracts.RegistrySearch)) Command {
	return build(contracts.TypeRegistrySearch, s.VOEN, contracts.RegistrySearch{SessionCommand: s.cmd()}, mods)
}

// ApplicationGet asks for the detailed view.
func ApplicationGet(s Session, applicationID string) Command {
	return build(contracts.TypeApplicationGet, s.VOEN, contracts.ApplicationGet{SessionCommand: s.cmd(), ApplicationID: applicationID}, nil)
}

// NoticeGet asks for an application's notice.
func NoticeGet(s Session, applicationID string) Command {
	return build(contracts.TypeNoticeGet, s.VOEN, contracts.NoticeGet{SessionCommand: s.cmd(), ApplicationID: applicationID}, nil)
}

// Decision is a back-office decision, sent on the back-office topic.
func Decision(voen, applicationID, decision string, mods ...func(*contracts.Decision)) Command {
	d := contracts.Decision{ApplicationID: applicationID, InsurerVOEN: voen, Decision: decision, Officer: "dsmf-officer-17"}
	switch decision {
	case contracts.DecisionIssueCertificate:
		d.CertificateDate = time.Now().UTC().Format(time.DateOnly)
	case contracts.DecisionReject:
		d.Reason = "Sənədlər natamamdır"
	}
	c := build(contracts.TypeDecision, voen, d, mods)
	c.Topic = contracts.TopicBackOfficeCommands
	return c
}
