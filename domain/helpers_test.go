package domain_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/domain"
)

// Fixtures shared by the tests of this package. t0 is 12:00 in Baku on
// 2025-03-10, a Monday morning at the DSMF office.
var t0 = time.Date(2025, 3, 10, 8, 0, 0, 0, time.UTC)

const (
	today      = domain.Date("2025-03-10")
	yesterday  = domain.Date("2025-03-09")
	tomorrow   = domain.Date("2025-03-11")
	insurer    = "9802091761" // VÖEN of the manual's example insurer
	otherVOEN  = "1234567890"
	ownerFIN   = "5ZK8T3B" // the stamp holder
	ownerCard  = "RYTN000001"
	deputyFIN  = "7AB12CD" // the deputy who receives a grant
	deputyCard = "RYTN123456"
	deputyTel  = "+994501234567"
	personFIN  = "4QW7E2R" // the employee whose certificate is replaced
	personSSN  = "1234567890123"
)

// requireCode asserts err is nil when want is nil, and otherwise a domain
// error matching want by code (errors.Is), as a handler would reply it.
func requireCode(t *testing.T, err, want error) {
	t.Helper()
	if want == nil {
		require.NoError(t, err)
		return
	}
	require.Error(t, err, "want %v", want)
	require.Truef(t, errors.Is(err, want), "got %v, want %v", err, want)
	_, ok := domain.AsError(err)
	require.True(t, ok, "a refusal must be a *domain.Error so the handler can reply with its code")
}

func cardGrantee(t *testing.T) domain.Grantee {
	t.Helper()
	g, err := domain.NewGrantee(domain.MethodCard, deputyCard, "", deputyFIN)
	require.NoError(t, err)
	return g
}

func asanGrantee(t *testing.T) domain.Grantee {
	t.Helper()
	g, err := domain.NewGrantee(domain.MethodAsan, "", deputyTel, deputyFIN)
	require.NoError(t, err)
	return g
}

// grant builds a grant for this service the way the owner would make it at t0.
func grant(t *testing.T, id string, g domain.Grantee, limited bool, start, end string) domain.Grant {
	t.Helper()
	gr, err := domain.NewGrant(domain.GrantRequest{
		ID: id, InsurerVOEN: insurer, Service: domain.ServiceCertificate, Grantee: g,
		Limited: limited, Start: start, End: end,
	}, ownerFIN, nil, t0)
	require.NoError(t, err)
	return gr
}

func revoked(t *testing.T, g domain.Grant) domain.Grant {
	t.Helper()
	r, err := g.Revoke(t0)
	require.NoError(t, err)
	return r
}

// withCert gives the signer a certificate valid for a year either side of t0.
func withCert(s domain.Signer) domain.Signer {
	s.CertNotBefore = t0.AddDate(-1, 0, 0)
	s.CertNotAfter = t0.AddDate(1, 0, 0)
	return s
}

func ownerSigner() domain.Signer {
	return withCert(domain.Signer{Method: domain.MethodCard, FIN: ownerFIN, CardNumber: ownerCard, StampAuthority: true})
}

func deputyCardSigner() domain.Signer {
	return withCert(domain.Signer{Method: domain.MethodCard, FIN: deputyFIN, CardNumber: deputyCard})
}

func deputyAsanSigner() domain.Signer {
	return withCert(domain.Signer{Method: domain.MethodAsan, FIN: deputyFIN, Phone: deputyTel})
}

func person() domain.Person {
	return domain.Person{
		Document: domain.IdentityDocument{
			FIN: personFIN, Type: domain.DocumentIDCard, Number: "AA1234567",
			Surname: "QƏLƏYEV", Name: "SƏMİR", Patronymic: "NƏZƏR",
			BirthDate: "1985-06-01", IssueDate: "2020-01-15", ValidUntil: "2030-01-15",
		},
		Insured: domain.InsuredPerson{
			SSN: personSSN, FIN: personFIN, SSNDate: "2005-09-01",
			CertificateStatus: domain.CertificateActive, InsurerVOEN: insurer,
		},
	}
}
