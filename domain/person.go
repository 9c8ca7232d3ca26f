package domain

// DocumentType is the kind of identity document (sənədin tipi).
type DocumentType string

// Identity document types.
const (
	DocumentIDCard    DocumentType = "din-id-card"        // DİN şəxsiyyət vəsiqəsi
	DocumentMigration DocumentType = "migration-document" // miqrasiya sənədi
)

// IdentityDocument is a person's identity document from the register.
type IdentityDocument struct {
	FIN              string
	Type             DocumentType
	Number           string
	Surname          string
	Name             string
	Patronymic       string
	Gender           string
	Citizenship      string
	BirthPlace       string
	BirthDate        Date
	IssuingAuthority string
	IssueDate        Date
	ValidUntil       Date
}

// InsuredPerson is a person's social insurance record (sığortaolunan).
type InsuredPerson struct {
	SSN               string
	FIN               string
	SSNDate           Date
	CertificateStatus CertificateStatus
	InsurerVOEN       string
}

// CertificateStatus is the status of a person's certificate (SSŞ).
type CertificateStatus string

// Certificate statuses.
const (
	CertificateActive   CertificateStatus = "active"
	CertificateReplaced CertificateStatus = "replaced"
)

// Person is what AXTAR finds: the document and the insurance record.
type Person struct {
	Document IdentityDocument
	Insured  InsuredPerson
}

// LookupQuery is an AXTAR search.
type LookupQuery struct {
	DocumentType DocumentType
	FIN, SSN     string
	InsurerVOEN  string
}

// LookupPerson applies the AXTAR rules to what the registers hold for the
// query's FIN (doc) and SSN (insured); either may be nil.
func LookupPerson(q LookupQuery, doc *IdentityDocument, insured *InsuredPerson, today Date) (Person, error) {
	if q.DocumentType != DocumentIDCard && q.DocumentType != DocumentMigration {
		return Person{}, ErrInvalidOption.With("documentType")
	}
	if err := ValidateFIN(q.FIN); err != nil {
		return Person{}, err
	}
	if err := ValidateSSN(q.SSN); err != nil {
		return Person{}, err
	}
	if doc == nil || doc.FIN != q.FIN || doc.Type != q.DocumentType {
		return Person{}, ErrDocumentNotFound
	}
	if insured == nil || insured.FIN != q.FIN {
		return Person{}, ErrSSNMismatch
	}
	if insured.InsurerVOEN != q.InsurerVOEN {
		return Person{}, ErrNotInsuredHere
	}
	if doc.ValidUntil != "" && doc.ValidUntil < today {
		return Person{}, ErrDocumentExpired
	}
	return Person{Document: *doc, Insured: *insured}, nil
}
