package contracts

import "time"

// Reference records come from DSMF's registers on compacted topics. A newer
// record with the same key replaces the older; a record with a null value (a
// tombstone) deletes it.

// Insurer is an employer registered with DSMF (sığortaedən). Key: VÖEN.
type Insurer struct {
	VOEN              string    `json:"voen"`
	AccountNumber     string    `json:"accountNumber"`
	FullName          string    `json:"fullName"`
	Type              string    `json:"type"`
	ResponsiblePerson string    `json:"responsiblePerson"`
	OfficeCode        string    `json:"officeCode"`
	OfficeName        string    `json:"officeName"`
	UpdatedAt         time.Time `json:"updatedAt"`
}

// InsuredPerson is a person with a social insurance number (sığortaolunan).
// Key: SSN.
type InsuredPerson struct {
	SSN               string    `json:"ssn"`
	FIN               string    `json:"fin"`
	SSNDate           string    `json:"ssnDate"`
	CertificateStatus string    `json:"certificateStatus"`
	InsurerVOEN       string    `json:"insurerVoen"`
	UpdatedAt         time.Time `json:"updatedAt"`
}

// IdentityDocument is a person's identity document. Key: FIN.
type IdentityDocument struct {
	FIN              string    `json:"fin"`
	DocumentType     string    `json:"documentType"`
	DocumentNumber   string    `json:"documentNumber"`
	Surname          string    `json:"surname"`
	Name             string    `json:"name"`
	Patronymic       string    `json:"patronymic"`
	Gender           string    `json:"gender"` // "male" or "female"
	Citizenship      string    `json:"citizenship"`
	BirthPlace       string    `json:"birthPlace"`
	BirthDate        string    `json:"birthDate"`
	IssuingAuthority string    `json:"issuingAuthority"`
	IssueDate        string    `json:"issueDate"`
	ValidUntil       string    `json:"validUntil"`
	UpdatedAt        time.Time `json:"updatedAt"`
}

// Genders.
const (
	GenderMale   = "male"
	GenderFemale = "female"
)
