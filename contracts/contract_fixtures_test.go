package contracts_test

import (
	"time"

	c "github.com/dsmf/ssc-adapter/contracts"
)

// goFixture is a fully populated value of the Go type of one CloudEvents
// type. zeroOK names the fields (Go names, dotted paths) a documented rule
// keeps empty, e.g. a card grantee's phone; every other field must be set so
// that the marshalled document exercises every property of the schema.
type goFixture struct {
	ceType string
	value  any
	zeroOK []string
}

const (
	fxVOEN    = "9802091761"
	fxSession = "6f1c2a4e-8d3b-4e5f-9a70-1b2c3d4e5f60"
	fxCommand = "c1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8"
	fxApp     = "a7d1e2f3-4b5c-4d6e-8f70-91a2b3c4d5e6"
	fxGrant   = "g5e6f7a8-b9c0-4d1e-8f20-3a4b5c6d7e8f"
	fxFIN     = "5ZK8T3B"
	fxSSN     = "0419850012345"
	fxOwner   = "2AB3C4D"
	fxOfficer = "officer-188-04"
)

var fxAt = time.Date(2026, 3, 10, 9, 20, 0, 123_000_000, time.UTC)

// fxPDF is the smallest document the schema's PDF check accepts.
var fxPDF = []byte("%PDF-1.4\n%%EOF\n")

func fxSessionCmd() c.SessionCommand {
	return c.SessionCommand{SessionID: fxSession, InsurerVOEN: fxVOEN}
}

func fxMeta() c.EventMeta {
	return c.EventMeta{CommandID: fxCommand, InsurerVOEN: fxVOEN, Seq: 42, At: fxAt}
}

func fxProfile() c.InsurerProfile {
	return c.InsurerProfile{
		FullName: `"MƏKTƏBİ QURUP" MƏDƏNİYYƏT MƏRKƏZİ`, Type: c.InsurerLegalEntity,
		AccountNumber: "9819854215", VOEN: fxVOEN, ResponsiblePerson: "SƏMİR QƏLƏYEV NƏZƏR QƏLƏYEV",
		OfficeCode: "188", OfficeName: "Bakı şəhəri üzrə hüquqi şəxslərlə iş",
	}
}

func fxCard() *c.CardIdentity {
	return &c.CardIdentity{CardNumber: "RYTN00123456", CertificateSerial: "4F3A9C21D07B",
		Subject: "CN=SƏMİR QƏLƏYEV", Issuer: "CN=RİNN CA"}
}

func fxAsan() *c.AsanIdentity { return &c.AsanIdentity{Phone: "+994501234567", UserID: "123456"} }

func fxGrantRow() c.Grant {
	return c.Grant{
		GrantID: fxGrant, Service: c.ServiceCertificate,
		Grantee:   c.Grantee{Method: c.MethodESignCard, CardNumber: "RYTN00765432", FIN: "7QW2E9R"},
		Validity:  c.Validity{Kind: c.ValidityLimited, Start: "2026-07-01", End: "2026-08-31"},
		CreatedAt: fxAt,
	}
}

func fxPerson() c.Person {
	return c.Person{
		DocumentType: c.DocumentIDCard, FIN: fxFIN, SSN: fxSSN, Surname: "MƏMMƏDOVA", Name: "LEYLA",
		Patronymic: "ELDAR QIZI", Gender: c.GenderFemale, Citizenship: "Azərbaycan Respublikası",
		BirthPlace: "Bakı şəhəri", BirthDate: "1985-04-19", IssuingAuthority: "Yasamal RPİ",
		IssueDate: "2021-06-15", SSNDate: "2004-09-01", CertificateStatus: c.CertificateActive,
	}
}

// fxApplication is a completed application: the one status in which every
// field of the detailed view is set.
func fxApplication() c.Application {
	signed := fxAt.Add(-72 * time.Hour)
	return c.Application{
		ApplicationID: fxApp, Number: "SSC-9802091761-000007", InsurerVOEN: fxVOEN,
		Type: c.TypeDuplicate, Reason: c.ReasonCertificateLost, Status: c.StatusCompleted,
		Person: fxPerson(), CreatedAt: signed.Add(-time.Hour), UpdatedAt: fxAt,
		ApplicationDate: "2026-03-07",
		SignedBy: &c.Signer{Role: c.RoleOwner, Method: c.MethodESignCard, FIN: fxOwner,
			CardNumber: "RYTN00123456", SessionID: fxSession},
		SignedAt: &signed, CertificateDate: "2026-03-10", RejectionReason: "—",
		History: []c.StatusChange{
			{Status: c.StatusDraft, At: signed.Add(-time.Hour), By: "applicant", Reason: "—"},
			{Status: c.StatusCompleted, At: fxAt, By: fxOfficer, Reason: "ok"},
		},
		NoticeVersion: 3, CertificateStatus: c.CertificateReplaced,
	}
}

// appZeroOK: a card signer has no phone.
var appZeroOK = []string{"Application.SignedBy.Phone"}

func fxRow() c.RegistryRow {
	return c.RegistryRow{ApplicationID: fxApp, Number: "SSC-9802091761-000007", Type: c.TypeDuplicate,
		FIN: fxFIN, Surname: "MƏMMƏDOVA", Name: "LEYLA", Patronymic: "ELDAR QIZI", SSN: fxSSN,
		SSNDate: "2004-09-01", ApplicationDate: "2026-03-07", CertificateStatus: c.CertificateActive,
		Status: c.StatusSubmitted}
}

func fxPage() c.PageInfo { return c.PageInfo{Number: 1, Size: 20, Total: 1} }

// goFixtures maps every CloudEvents type with a JSON payload to its Go type.
func goFixtures() []goFixture {
	return []goFixture{
		{c.TypeLogin, c.LoginAssertion{AssertionID: "as-1", Method: c.MethodESignCard, SignerFIN: fxOwner,
			InsurerVOEN: fxVOEN, Card: fxCard(), Asan: fxAsan(), StampAuthority: true,
			CertNotBefore: fxAt.AddDate(-1, 0, 0), CertNotAfter: fxAt.AddDate(2, 0, 0), IssuedAt: fxAt,
			Signature: &c.AssertionSignature{KeyID: "portal-2026-01", Value: "c2lnbmF0dXJl"}}, nil},
		{c.TypeLogout, c.Logout{SessionCommand: fxSessionCmd()}, nil},
		{c.TypeProfileGet, c.ProfileGet{SessionCommand: fxSessionCmd()}, nil},
		{c.TypeGrantCreate, c.GrantCreate{SessionCommand: fxSessionCmd(), Service: c.ServiceOnlineReports,
			Grantee:  c.Grantee{Method: c.MethodAsanImza, Phone: "+994702223344", FIN: "7QW2E9R"},
			Validity: c.Validity{Kind: c.ValidityLimited, Start: "2026-07-01", End: "2026-08-31"}},
			[]string{"Grantee.CardNumber"}},
		{c.TypeGrantList, c.GrantList{SessionCommand: fxSessionCmd(), Page: c.Page{Number: 2, Size: 100}}, nil},
		{c.TypeGrantRevoke, c.GrantRevoke{SessionCommand: fxSessionCmd(), GrantID: fxGrant}, nil},
		{c.TypePersonLookup, c.PersonLookup{SessionCommand: fxSessionCmd(), DocumentType: c.DocumentMigration,
			FIN: fxFIN, SSN: fxSSN}, nil},
		{c.TypeDraftSave, c.DraftSave{SessionCommand: fxSessionCmd(), ApplicationID: fxApp,
			ApplicationInput: c.ApplicationInput{DocumentType: c.DocumentIDCard, FIN: fxFIN, SSN: fxSSN,
				Reason: c.ReasonDocumentChanged}}, nil},
		{c.TypeSubmit, c.Submit{SessionCommand: fxSessionCmd(), Input: &c.ApplicationInput{
			DocumentType: c.DocumentIDCard, FIN: fxFIN, SSN: fxSSN, Reason: c.ReasonCertificateUnused}},
			[]string{"ApplicationID"}}, // a draft id or a new input, never both
		{c.TypeDraftDelete, c.DraftDelete{SessionCommand: fxSessionCmd(), ApplicationID: fxApp}, nil},
		{c.TypeRegistrySearch, c.RegistrySearch{SessionCommand: fxSessionCmd(), Page: c.Page{Number: 1, Size: 1},
			Filter: c.RegistryFilter{Type: c.TypeReplacement, FIN: fxFIN, Surname: "MƏM", Name: "LEY",
				Patronymic: "EL", SSN: fxSSN, SSNDateFrom: "2000-01-01", SSNDateTo: "2010-12-31",
				ApplicationFrom: "2026-01-01", ApplicationTo: "2026-03-31",
				CertificateStatus: c.CertificateReplaced, Status: c.StatusInProcessing}}, nil},
		{c.TypeApplicationGet, c.ApplicationGet{SessionCommand: fxSessionCmd(), ApplicationID: fxApp}, nil},
		{c.TypeNoticeGet, c.NoticeGet{SessionCommand: fxSessionCmd(), ApplicationID: fxApp}, nil},

		{c.TypeDecision, c.Decision{ApplicationID: fxApp, InsurerVOEN: fxVOEN, Decision: c.DecisionIssueCertificate,
			CertificateDate: "2026-03-14", Reason: "ok", Officer: fxOfficer}, nil},

		{c.TypeError, c.ErrorReply{CommandID: fxCommand, CommandType: c.TypeGrantCreate, Code: "GRANT_PERIOD_INVALID",
			Message: c.Message{AZ: "Səlahiyyətin müddəti səhvdir", EN: "The grant's period is invalid"},
			Detail:  "validity.end"}, []string{"OpenApplicationID", "ApplicationID"}}, // only with APPLICATION_ALREADY_OPEN, only to the back office
		{c.TypeDecisionResult, c.DecisionResult{CommandID: fxCommand, ApplicationID: fxApp, InsurerVOEN: fxVOEN,
			Decision: c.DecisionIssueCertificate, Status: c.StatusCompleted, NoticeVersion: 3}, nil},
		{c.TypeLoginResult, c.LoginResult{CommandID: fxCommand, SessionID: fxSession, Role: c.RoleDelegate,
			GrantID: fxGrant, Sections: []string{c.SectionInsurer, c.SectionGrants, c.SectionApplications},
			Insurer: fxProfile(), OpenedAt: fxAt, IdleLimit: 900}, nil},
		{c.TypeLogoutResult, c.LogoutResult{CommandID: fxCommand, SessionID: fxSession}, nil},
		{c.TypeProfileResult, c.ProfileResult{CommandID: fxCommand, Insurer: fxProfile()}, nil},
		{c.TypeGrantCreateResult, c.GrantCreateResult{CommandID: fxCommand, Grant: fxGrantRow()},
			[]string{"Grant.Grantee.Phone"}},
		{c.TypeGrantListResult, c.GrantListResult{CommandID: fxCommand, Grants: []c.Grant{fxGrantRow()}, Page: fxPage()},
			[]string{"Grants.Grantee.Phone"}},
		{c.TypeGrantRevokeResult, c.GrantRevokeResult{CommandID: fxCommand, GrantID: fxGrant}, nil},
		{c.TypePersonLookupResult, c.PersonLookupResult{CommandID: fxCommand, Person: fxPerson(), Document: c.DocumentDetails{
			DocumentType: c.DocumentIDCard, DocumentNumber: "AA1234567", FIN: fxFIN, Surname: "MƏMMƏDOVA", Name: "LEYLA",
			Patronymic: "ELDAR QIZI", Gender: c.GenderFemale, Citizenship: "Azərbaycan Respublikası",
			BirthPlace: "Bakı şəhəri", BirthDate: "1985-04-19", IssuingAuthority: "Yasamal RPİ",
			IssueDate: "2021-06-15", ValidUntil: "2031-06-15"}}, nil},
		{c.TypeDraftSaveResult, c.DraftSaveResult{CommandID: fxCommand, Application: fxApplication()}, appZeroOK},
		{c.TypeSubmitResult, c.SubmitResult{CommandID: fxCommand, Application: fxApplication()}, appZeroOK},
		{c.TypeDraftDeleteResult, c.DraftDeleteResult{CommandID: fxCommand, ApplicationID: fxApp}, nil},
		{c.TypeRegistrySearchResult, c.RegistrySearchResult{CommandID: fxCommand, Rows: []c.RegistryRow{fxRow()},
			Page: fxPage()}, nil},
		{c.TypeApplicationGetResult, c.ApplicationGetResult{CommandID: fxCommand, Application: fxApplication()}, appZeroOK},
		{c.TypeNoticeGetResult, c.NoticeGetResult{CommandID: fxCommand, ApplicationID: fxApp, NoticeVersion: 2,
			Status: c.StatusInProcessing, ContentType: c.PDFContentType, PDF: fxPDF,
			SHA256: "0b2a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"}, nil},

		{c.TypeSessionOpened, c.SessionOpened{EventMeta: fxMeta(), SessionID: fxSession, Role: c.RoleDelegate,
			GrantID: fxGrant, Method: c.MethodAsanImza, SignerFIN: "7QW2E9R", Card: fxCard(), Asan: fxAsan(),
			CertNotAfter: fxAt.AddDate(1, 0, 0), AssertionID: "as-2"}, nil},
		{c.TypeSessionClosed, c.SessionClosed{EventMeta: fxMeta(), SessionID: fxSession, Reason: c.CloseLogout}, nil},
		{c.TypeGrantCreated, c.GrantCreated{EventMeta: fxMeta(), SessionID: fxSession, Grant: fxGrantRow()},
			[]string{"Grant.Grantee.Phone"}},
		{c.TypeGrantRevoked, c.GrantRevoked{EventMeta: fxMeta(), SessionID: fxSession, GrantID: fxGrant}, nil},
		{c.TypeDraftSaved, c.DraftSaved{EventMeta: fxMeta(), SessionID: fxSession, Application: fxApplication()}, appZeroOK},
		{c.TypeApplicationSubmitted, c.ApplicationSubmitted{EventMeta: fxMeta(), SessionID: fxSession,
			Application: fxApplication()}, appZeroOK},
		{c.TypeDraftDeleted, c.DraftDeleted{EventMeta: fxMeta(), SessionID: fxSession, ApplicationID: fxApp}, nil},
		{c.TypeApplicationStatusMoved, c.ApplicationStatusChanged{EventMeta: fxMeta(), ApplicationID: fxApp,
			From: c.StatusInProcessing, To: c.StatusCompleted, Officer: fxOfficer, CertificateDate: "2026-03-14",
			Reason: "ok"}, nil},
		{c.TypeCommandRejected, c.CommandRejected{EventMeta: fxMeta(), CommandType: c.TypeGrantCreate,
			SessionID: fxSession, Code: "GRANT_DUPLICATE", Detail: "grant " + fxGrant}, nil},

		{c.TypeApplicationStatus, c.ApplicationStatus{ApplicationID: fxApp, Number: "SSC-9802091761-000042",
			InsurerVOEN: fxVOEN, Type: c.TypeDuplicate, Reason: c.ReasonCertificateLost, Status: c.StatusCompleted,
			At: fxAt, CertificateStatus: c.CertificateReplaced, NoticeVersion: func() *int { v := 3; return &v }()}, nil},

		{c.TypeAudit, c.AuditRecord{CommandID: fxCommand, CommandType: c.TypeGrantCreate, InsurerVOEN: fxVOEN,
			SessionID: fxSession, Role: c.RoleDelegate, PrincipalKind: c.AuditPrincipalPortal, Outcome: c.AuditRefused,
			Code: "OWNER_ONLY", At: fxAt, SourceTopic: c.TopicPortalCommands, SourcePartition: 3, SourceOffset: 1207},
			[]string{"DeadLetterID"}}, // refused, so no dead letter: the schema forbids dlqId

		{c.TypeInsurer, c.Insurer{VOEN: fxVOEN, AccountNumber: "9819854215", FullName: fxProfile().FullName,
			Type: c.InsurerNaturalPerson, ResponsiblePerson: fxProfile().ResponsiblePerson, OfficeCode: "188",
			OfficeName: fxProfile().OfficeName, UpdatedAt: fxAt}, nil},
		{c.TypeInsuredPerson, c.InsuredPerson{SSN: fxSSN, FIN: fxFIN, SSNDate: "2004-09-01",
			CertificateStatus: c.CertificateActive, InsurerVOEN: fxVOEN, UpdatedAt: fxAt}, nil},
		{c.TypeIdentityDocument, c.IdentityDocument{FIN: fxFIN, DocumentType: c.DocumentIDCard, DocumentNumber: "AA1234567",
			Surname: "MƏMMƏDOVA", Name: "LEYLA", Patronymic: "ELDAR QIZI", Gender: c.GenderFemale,
			Citizenship: "Azərbaycan Respublikası", BirthPlace: "Bakı şəhəri", BirthDate: "1985-04-19",
			IssuingAuthority: "Yasamal RPİ", IssueDate: "2021-06-15", ValidUntil: "2031-06-15", UpdatedAt: fxAt}, nil},
	}
}
