package notice

import (
	"time"

	"github.com/dsmf/ssc-adapter/contracts"
)

// manualInsurer is the insurer of the user manual's screenshots.
func manualInsurer() contracts.InsurerProfile {
	return contracts.InsurerProfile{
		FullName:          "\"MƏKTƏBİ QURUP\" MƏDƏNİYYƏT MƏRKƏZİ",
		Type:              contracts.InsurerLegalEntity,
		AccountNumber:     "9819854215",
		VOEN:              "9802091761",
		ResponsiblePerson: "SƏMİR QƏLƏYEV NƏZƏR QƏLƏYEV",
		OfficeCode:        "188",
		OfficeName:        "Bakı şəhəri üzrə hüquqi şəxslərlə iş",
	}
}

// at parses a fixed RFC 3339 time.
func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Example is a notice of a rejected duplicate application of a person whose
// name holds Azerbaijani letters, with the insurer of the user manual's
// screenshots: for tests, benchmarks and the documentation.
func Example() Notice {
	signed := at("2026-03-02T09:15:00+04:00")
	return Notice{
		Insurer: manualInsurer(),
		App: contracts.Application{
			ApplicationID: "0b6d3a52-6c1f-4a8e-9d0e-2f1c8a7b5e41",
			Number:        "SSC-2026-000123",
			InsurerVOEN:   "9802091761",
			Type:          contracts.TypeDuplicate,
			Reason:        contracts.ReasonCertificateLost,
			Status:        contracts.StatusRejected,
			Person: contracts.Person{
				DocumentType:      contracts.DocumentIDCard,
				FIN:               "5ZK8T3B",
				SSN:               "1234567890123",
				Surname:           "ŞÜKÜROVA-ĞƏNİYEVA",
				Name:              "IŞIQ",
				Patronymic:        "ÇİNGİZ",
				Gender:            "female",
				BirthDate:         "1988-07-14",
				SSNDate:           "2006-09-01",
				CertificateStatus: contracts.CertificateActive,
			},
			CreatedAt:       at("2026-03-01T16:40:00+04:00"),
			UpdatedAt:       at("2026-03-04T11:05:00+04:00"),
			ApplicationDate: "2026-03-02",
			SignedBy: &contracts.Signer{
				Role:   contracts.RoleOwner,
				Method: contracts.MethodAsanImza,
				FIN:    "7QW3E9R",
				Phone:  "+994501234567",
			},
			SignedAt:        &signed,
			RejectionReason: "Vəsiqənin surəti oxunaqlı deyil, yenidən təqdim edin (ğ ı ö ü ç ş ə i).",
			History: []contracts.StatusChange{
				{Status: contracts.StatusDraft, At: at("2026-03-01T16:40:00+04:00"), By: "applicant"},
				{Status: contracts.StatusSubmitted, At: signed, By: "applicant"},
				{Status: contracts.StatusInProcessing, At: at("2026-03-03T10:00:00+04:00"), By: "officer-17"},
				{Status: contracts.StatusRejected, At: at("2026-03-04T11:05:00+04:00"), By: "officer-17", Reason: "Şəxsiyyət vəsiqəsinin surəti oxunaqlı deyil"},
			},
			CertificateStatus: contracts.CertificateActive,
		},
		Version:  3,
		IssuedAt: at("2026-03-04T11:05:30+04:00"),
	}
}
