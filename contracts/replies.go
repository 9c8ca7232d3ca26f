package contracts

import "time"

// Every reply names the command it answers in CommandID (and in the
// CloudEvents extension "correlationid").

// ErrorReply answers any command that was refused or could not be handled.
type ErrorReply struct {
	CommandID   string  `json:"commandId"`
	CommandType string  `json:"commandType,omitempty"`
	Code        string  `json:"code"`
	Message     Message `json:"message"`
	// Detail names a field or an id that helps the user, never personal data.
	Detail string `json:"detail,omitempty"`
	// OpenApplicationID is, with APPLICATION_ALREADY_OPEN, the application
	// already in progress for the person: the one the portal should show.
	OpenApplicationID string `json:"openApplicationId,omitempty"`
	// ApplicationID is, in the answer to a back-office decision, the
	// application the decision named.
	ApplicationID string `json:"applicationId,omitempty"`
}

// DecisionResult answers an accepted back-office decision on
// TopicBackOfficeReplies.
type DecisionResult struct {
	CommandID     string `json:"commandId"`
	ApplicationID string `json:"applicationId"`
	InsurerVOEN   string `json:"insurerVoen"`
	Decision      string `json:"decision"`
	// Status is what the decision moved the application to, and
	// NoticeVersion the notice that followed.
	Status        string `json:"status"`
	NoticeVersion int    `json:"noticeVersion"`
}

// Message is a human text in Azerbaijani and English.
type Message struct {
	AZ string `json:"az"`
	EN string `json:"en"`
}

// Principal roles.
const (
	RoleOwner    = "owner"    // holds stamp authority for the insurer
	RoleDelegate = "delegate" // holds a grant from the owner
)

// Sections of the service (§3) a principal may open.
const (
	SectionInsurer      = "insurer"      // Sığortaedən məlumatları
	SectionGrants       = "grants"       // Səlahiyyətlərin verilməsi
	SectionApplications = "applications" // şəhadətnamə müraciəti
)

// LoginResult answers an accepted login.
type LoginResult struct {
	CommandID string          `json:"commandId"`
	SessionID string          `json:"sessionId"`
	Role      string          `json:"role"`
	GrantID   string          `json:"grantId,omitempty"`
	Sections  []string        `json:"sections"`
	Insurer   InsurerProfile  `json:"insurer"`
	OpenedAt  time.Time       `json:"openedAt"`
	IdleLimit DurationSeconds `json:"idleTimeoutSeconds"`
}

// DurationSeconds is a duration in whole seconds.
type DurationSeconds int64

// LogoutResult answers a logout.
type LogoutResult struct {
	CommandID string `json:"commandId"`
	SessionID string `json:"sessionId"`
}

// Insurer types.
const (
	InsurerLegalEntity   = "legal-entity"   // Hüquqi şəxs
	InsurerNaturalPerson = "natural-person" // Fiziki şəxs
)

// InsurerProfile is the read-only insurer data of §4.1.
type InsurerProfile struct {
	FullName          string `json:"fullName"`
	Type              string `json:"type"`
	AccountNumber     string `json:"accountNumber"` // DSMF uçot nömrəsi
	VOEN              string `json:"voen"`
	ResponsiblePerson string `json:"responsiblePerson"`
	OfficeCode        string `json:"officeCode"` // DSMF yerli orqanı
	OfficeName        string `json:"officeName"`
}

// ProfileResult answers a profile query.
type ProfileResult struct {
	CommandID string         `json:"commandId"`
	Insurer   InsurerProfile `json:"insurer"`
}

// Grant is a row of the registry of grants.
type Grant struct {
	GrantID   string    `json:"grantId"`
	Service   string    `json:"service"`
	Grantee   Grantee   `json:"grantee"`
	Validity  Validity  `json:"validity"`
	CreatedAt time.Time `json:"createdAt"`
}

// GrantCreateResult answers an accepted grant.
type GrantCreateResult struct {
	CommandID string `json:"commandId"`
	Grant     Grant  `json:"grant"`
}

// PageInfo describes one page of a list.
type PageInfo struct {
	Number int `json:"page"`
	Size   int `json:"pageSize"`
	Total  int `json:"total"`
}

// GrantListResult is one page of the registry of grants in force.
type GrantListResult struct {
	CommandID string   `json:"commandId"`
	Grants    []Grant  `json:"grants"`
	Page      PageInfo `json:"page"`
}

// GrantRevokeResult answers a revocation.
type GrantRevokeResult struct {
	CommandID string `json:"commandId"`
	GrantID   string `json:"grantId"`
}

// Certificate statuses (SSŞ statusu).
const (
	CertificateActive   = "active"   // qüvvədədir
	CertificateReplaced = "replaced" // əvəz edilib
)

// Person is what AXTAR shows: the identity document's nine fields plus the
// SSN, its date and the certificate's status.
type Person struct {
	DocumentType      string `json:"documentType"`
	FIN               string `json:"fin"`
	SSN               string `json:"ssn"`
	Surname           string `json:"surname"`
	Name              string `json:"name"`
	Patronymic        string `json:"patronymic"`
	Gender            string `json:"gender"`
	Citizenship       string `json:"citizenship"`
	BirthPlace        string `json:"birthPlace"`
	BirthDate         string `json:"birthDate"`
	IssuingAuthority  string `json:"issuingAuthority"`
	IssueDate         string `json:"issueDate"`
	SSNDate           string `json:"ssnDate"`
	CertificateStatus string `json:"certificateStatus"`
}

// PersonLookupResult answers AXTAR: the screen's fields, and the whole
// identity document (manual §4.3).
type PersonLookupResult struct {
	CommandID string          `json:"commandId"`
	Person    Person          `json:"person"`
	Document  DocumentDetails `json:"document"`
}

// DocumentDetails is the whole identity document as the register holds it:
// its number with the series and its validity besides the holder's fields.
type DocumentDetails struct {
	DocumentType     string `json:"documentType"`
	DocumentNumber   string `json:"documentNumber"`
	FIN              string `json:"fin"`
	Surname          string `json:"surname"`
	Name             string `json:"name"`
	Patronymic       string `json:"patronymic"`
	Gender           string `json:"gender"`
	Citizenship      string `json:"citizenship"`
	BirthPlace       string `json:"birthPlace"`
	BirthDate        string `json:"birthDate"`
	IssuingAuthority string `json:"issuingAuthority"`
	IssueDate        string `json:"issueDate"`
	ValidUntil       string `json:"validUntil"`
}

// Application types (follow from the reason).
const (
	TypeReplacement = "replacement" // dəyişdirilmə
	TypeDuplicate   = "duplicate"   // dublikat
)

// Application statuses; they move only forward.
const (
	StatusDraft        = "draft"
	StatusSubmitted    = "submitted"
	StatusInProcessing = "in-processing"
	StatusCompleted    = "completed"
	StatusRejected     = "rejected"
)

// Signer records who signed (confirmed) an application.
type Signer struct {
	Role       string `json:"role"`
	Method     string `json:"method"`
	FIN        string `json:"fin"`
	CardNumber string `json:"cardNumber,omitempty"`
	Phone      string `json:"phone,omitempty"`
	SessionID  string `json:"sessionId"`
}

// StatusChange is one step of an application's history.
type StatusChange struct {
	Status string    `json:"status"`
	At     time.Time `json:"at"`
	By     string    `json:"by"` // "applicant" or the back-office officer id
	Reason string    `json:"reason,omitempty"`
}

// Application is the detailed view of an application.
type Application struct {
	ApplicationID     string         `json:"applicationId"`
	Number            string         `json:"number"` // human number, e.g. SSC-2026-000123
	InsurerVOEN       string         `json:"insurerVoen"`
	Type              string         `json:"type"`
	Reason            string         `json:"reason"`
	Status            string         `json:"status"`
	Person            Person         `json:"person"`
	CreatedAt         time.Time      `json:"createdAt"`
	UpdatedAt         time.Time      `json:"updatedAt"`
	ApplicationDate   string         `json:"applicationDate,omitempty"` // date signed
	SignedBy          *Signer        `json:"signedBy,omitempty"`
	SignedAt          *time.Time     `json:"signedAt,omitempty"`
	CertificateDate   string         `json:"certificateDate,omitempty"`
	RejectionReason   string         `json:"rejectionReason,omitempty"`
	History           []StatusChange `json:"history"`
	NoticeVersion     int            `json:"noticeVersion,omitempty"`
	CertificateStatus string         `json:"certificateStatus"`
}

// DraftSaveResult answers a saved draft.
type DraftSaveResult struct {
	CommandID   string      `json:"commandId"`
	Application Application `json:"application"`
}

// SubmitResult answers a submitted application.
type SubmitResult struct {
	CommandID   string      `json:"commandId"`
	Application Application `json:"application"`
}

// DraftDeleteResult answers a deleted draft.
type DraftDeleteResult struct {
	CommandID     string `json:"commandId"`
	ApplicationID string `json:"applicationId"`
}

// RegistryRow is a row of the registry (REYESTR).
type RegistryRow struct {
	ApplicationID     string `json:"applicationId"`
	Number            string `json:"number"`
	Type              string `json:"type"`
	FIN               string `json:"fin"`
	Surname           string `json:"surname"`
	Name              string `json:"name"`
	Patronymic        string `json:"patronymic"`
	SSN               string `json:"ssn"`
	SSNDate           string `json:"ssnDate"`
	ApplicationDate   string `json:"applicationDate"`
	CertificateStatus string `json:"certificateStatus"`
	Status            string `json:"status"`
}

// RegistrySearchResult is one page of the registry, newest first.
type RegistrySearchResult struct {
	CommandID string        `json:"commandId"`
	Rows      []RegistryRow `json:"rows"`
	Page      PageInfo      `json:"page"`
}

// ApplicationGetResult is the detailed view.
type ApplicationGetResult struct {
	CommandID   string      `json:"commandId"`
	Application Application `json:"application"`
}

// NoticeGetResult carries the latest notice of an application. The same PDF
// is on TopicNotices.
type NoticeGetResult struct {
	CommandID     string `json:"commandId"`
	ApplicationID string `json:"applicationId"`
	NoticeVersion int    `json:"noticeVersion"`
	Status        string `json:"status"`
	ContentType   string `json:"contentType"` // application/pdf
	PDF           []byte `json:"pdf"`         // base64 in JSON
	SHA256        string `json:"sha256"`
}
