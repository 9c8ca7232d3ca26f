package contracts

import "time"

// Dates are "YYYY-MM-DD" strings (calendar dates in Asia/Baku); instants are
// RFC 3339 timestamps.

// Login methods. Only the first two are accepted by this service; the
// portal's username and password login is named so that it can be refused
// with its own code.
const (
	MethodESignCard = "esign-card" // RYTN e-imza kartı
	MethodAsanImza  = "asan-imza"  // Asan imza
	MethodPassword  = "password"   // istifadəçi adı və şifrə: not accepted
)

// LoginAssertion is sent by the portal after it has verified the signer's
// certificate (card PIN or Asan imza confirmation).
type LoginAssertion struct {
	AssertionID    string        `json:"assertionId"`
	Method         string        `json:"method"`
	SignerFIN      string        `json:"signerFin"`
	InsurerVOEN    string        `json:"insurerVoen"`
	Card           *CardIdentity `json:"card,omitempty"`
	Asan           *AsanIdentity `json:"asan,omitempty"`
	StampAuthority bool          `json:"stampAuthority"` // möhür vurmaq səlahiyyəti
	// Certificate validity of the signature used to log in.
	CertNotBefore time.Time `json:"certNotBefore"`
	CertNotAfter  time.Time `json:"certNotAfter"`
	IssuedAt      time.Time `json:"issuedAt"`
	// Signature is the portal's Ed25519 signature over the assertion's
	// canonical form; optional until signing is switched on.
	Signature *AssertionSignature `json:"signature,omitempty"`
}

// CardIdentity describes an e-signature card certificate.
type CardIdentity struct {
	CardNumber        string `json:"cardNumber"`
	CertificateSerial string `json:"certificateSerial"`
	Subject           string `json:"subject"`
	Issuer            string `json:"issuer"`
}

// AsanIdentity describes an Asan imza mobile signature.
type AsanIdentity struct {
	Phone  string `json:"phone"` // +994XXYYYYYYY
	UserID string `json:"userId"`
}

// AssertionSignature is the portal's signature over a login assertion.
type AssertionSignature struct {
	KeyID string `json:"keyId"`
	Value string `json:"value"` // base64 (standard, padded)
}

// SessionCommand is the part every command after login has: the session it
// runs in and the insurer it acts for (also the message key).
type SessionCommand struct {
	SessionID   string `json:"sessionId"`
	InsurerVOEN string `json:"insurerVoen"`
}

// Logout closes a session (ÇIXIŞ).
type Logout struct {
	SessionCommand
}

// ProfileGet asks for the insurer's read-only data (§4.1).
type ProfileGet struct {
	SessionCommand
}

// DSMF e-services a grant may name (§4.2).
const (
	ServiceCertificate         = "ssc-certificate"      // this service
	ServiceInsuredRegistration = "insured-registration" // Sığortaolunanların onlayn uçotu
	ServiceDeathNotice         = "death-notice"         // ölümünə dair məlumatın qəbulu
	ServiceOnlineReports       = "online-reports"       // Hesabatların onlayn qəbulu
)

// Validity kinds of a grant.
const (
	ValidityUnlimited = "unlimited" // Müddətsiz
	ValidityLimited   = "limited"   // Müddətli
)

// Grantee is the signature a grant is given to: an e-signature card number +
// FIN, or an Asan imza phone + FIN.
type Grantee struct {
	Method     string `json:"method"` // MethodESignCard or MethodAsanImza
	CardNumber string `json:"cardNumber,omitempty"`
	Phone      string `json:"phone,omitempty"`
	FIN        string `json:"fin"`
}

// Validity of a grant: unlimited, or limited from Start to End inclusive.
type Validity struct {
	Kind  string `json:"kind"`
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// GrantCreate gives a signature the right to use one DSMF e-service.
type GrantCreate struct {
	SessionCommand
	Service  string   `json:"service"`
	Grantee  Grantee  `json:"grantee"`
	Validity Validity `json:"validity"`
}

// Page asks for one page of a list; pages are numbered from 1.
type Page struct {
	Number int `json:"page,omitempty"`
	Size   int `json:"pageSize,omitempty"`
}

// GrantList asks for the registry of grants in force.
type GrantList struct {
	SessionCommand
	Page
}

// GrantRevoke ends a grant (the × button).
type GrantRevoke struct {
	SessionCommand
	GrantID string `json:"grantId"`
}

// Identity document types.
const (
	DocumentIDCard    = "din-id-card"        // DİN şəxsiyyət vəsiqəsi
	DocumentMigration = "migration-document" // miqrasiya sənədi
)

// PersonLookup is the AXTAR search for an insured person.
type PersonLookup struct {
	SessionCommand
	DocumentType string `json:"documentType"`
	FIN          string `json:"fin"`
	SSN          string `json:"ssn"`
}

// Reasons of an application (müraciət səbəbi); exactly one is chosen.
const (
	ReasonDocumentChanged   = "identity-document-changed" // şəxsiyyət vəsiqəsində dəyişiklik
	ReasonCertificateLost   = "certificate-lost"          // itirilmə
	ReasonDataError         = "certificate-data-error"    // məlumatlarda səhv
	ReasonCertificateUnused = "certificate-unusable"      // yararsız hala düşmə
)

// ApplicationInput is what the applicant enters.
type ApplicationInput struct {
	DocumentType string `json:"documentType"`
	FIN          string `json:"fin"`
	SSN          string `json:"ssn"`
	Reason       string `json:"reason"`
}

// DraftSave saves a draft (Yadda saxla). With ApplicationID it updates that
// draft (Əvvəlki), otherwise it creates one.
type DraftSave struct {
	SessionCommand
	ApplicationID string `json:"applicationId,omitempty"`
	ApplicationInput
}

// Submit signs and submits (Təsdiqlə): either the saved draft ApplicationID,
// or a new application given by Input.
type Submit struct {
	SessionCommand
	ApplicationID string            `json:"applicationId,omitempty"`
	Input         *ApplicationInput `json:"input,omitempty"`
}

// DraftDelete deletes a draft (Qaralamadan sil).
type DraftDelete struct {
	SessionCommand
	ApplicationID string `json:"applicationId"`
}

// RegistrySearch searches the insurer's applications (REYESTR). Every filter
// is optional; names match by prefix, dates by inclusive range.
type RegistrySearch struct {
	SessionCommand
	Filter RegistryFilter `json:"filter"`
	Page
}

// RegistryFilter holds the registry's search fields.
type RegistryFilter struct {
	Type              string `json:"type,omitempty"`
	FIN               string `json:"fin,omitempty"`
	Surname           string `json:"surname,omitempty"`
	Name              string `json:"name,omitempty"`
	Patronymic        string `json:"patronymic,omitempty"`
	SSN               string `json:"ssn,omitempty"`
	SSNDateFrom       string `json:"ssnDateFrom,omitempty"`
	SSNDateTo         string `json:"ssnDateTo,omitempty"`
	ApplicationFrom   string `json:"applicationDateFrom,omitempty"`
	ApplicationTo     string `json:"applicationDateTo,omitempty"`
	CertificateStatus string `json:"certificateStatus,omitempty"`
	Status            string `json:"status,omitempty"`
}

// ApplicationGet asks for the detailed view of one application.
type ApplicationGet struct {
	SessionCommand
	ApplicationID string `json:"applicationId"`
}

// NoticeGet asks for the latest notice of an application as a PDF.
type NoticeGet struct {
	SessionCommand
	ApplicationID string `json:"applicationId"`
}

// Back-office decisions.
const (
	DecisionTakeIntoProcessing = "take-into-processing"
	DecisionIssueCertificate   = "issue-certificate"
	DecisionReject             = "reject"
)

// Decision is DSMF's back-office decision on a submitted application.
type Decision struct {
	ApplicationID   string `json:"applicationId"`
	InsurerVOEN     string `json:"insurerVoen"`
	Decision        string `json:"decision"`
	CertificateDate string `json:"certificateDate,omitempty"` // with issue-certificate
	Reason          string `json:"reason,omitempty"`          // with reject
	Officer         string `json:"officer"`                   // back-office user id
}
