package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/domain"
)

func registryApp(t *testing.T, id, surname, name string, reason domain.Reason, signedAt *time.Time, created time.Time) domain.Application {
	t.Helper()
	p := domain.Person{
		Document: domain.IdentityDocument{FIN: "FIN" + id, Type: domain.DocumentIDCard, Surname: surname, Name: name, Patronymic: "VÜQAR QIZI"},
		Insured:  domain.InsuredPerson{SSN: "100000000000" + id, FIN: "FIN" + id, SSNDate: domain.Date("2010-01-0" + id), InsurerVOEN: insurer, CertificateStatus: domain.CertificateActive},
	}
	a, err := domain.NewDraft("app-"+id, domain.ApplicationNumber(insurer, int64(len(id))), insurer, reason, p, created)
	require.NoError(t, err)
	if signedAt != nil {
		a, err = a.Submit(domain.Signature{Role: domain.RoleOwner, Method: domain.MethodCard, At: *signedAt}, nil)
		require.NoError(t, err)
	}
	return a
}

func TestRegistryFilterMatchesEachColumn(t *testing.T) {
	t.Parallel()
	signed := t0.Add(24 * time.Hour)
	a := registryApp(t, "1", "ƏLİYEVA", "ŞƏHLA", domain.ReasonCertificateLost, &signed, t0)
	cases := []struct {
		name   string
		filter domain.RegistryFilter
		want   bool
	}{
		{"empty filter", domain.RegistryFilter{}, true},
		{"type", domain.RegistryFilter{Type: domain.TypeDuplicate}, true},
		{"other type", domain.RegistryFilter{Type: domain.TypeReplacement}, false},
		{"FIN exact", domain.RegistryFilter{FIN: "FIN1"}, true},
		{"FIN is not a prefix search", domain.RegistryFilter{FIN: "FIN"}, false},
		{"SSN exact", domain.RegistryFilter{SSN: "1000000000001"}, true},
		{"surname prefix", domain.RegistryFilter{Surname: "ƏLİ"}, true},
		{"surname prefix in lower case with Azerbaijani i", domain.RegistryFilter{Surname: "əli"}, true},
		{"surname not a prefix", domain.RegistryFilter{Surname: "LİYEVA"}, false},
		{"name prefix", domain.RegistryFilter{Name: "şəh"}, true},
		{"patronymic prefix", domain.RegistryFilter{Patronymic: "vüqar"}, true},
		{"SSN date in range", domain.RegistryFilter{SSNDateFrom: "2010-01-01", SSNDateTo: "2010-01-01"}, true},
		{"SSN date out of range", domain.RegistryFilter{SSNDateFrom: "2010-01-02"}, false},
		{"application date is the signing date", domain.RegistryFilter{AppliedFrom: "2025-03-11", AppliedTo: "2025-03-11"}, true},
		{"application date before signing", domain.RegistryFilter{AppliedTo: "2025-03-10"}, false},
		{"status", domain.RegistryFilter{Status: domain.StatusSubmitted}, true},
		{"other status", domain.RegistryFilter{Status: domain.StatusDraft}, false},
		{"certificate status", domain.RegistryFilter{CertificateStatus: domain.CertificateActive}, true},
		{"other certificate status", domain.RegistryFilter{CertificateStatus: domain.CertificateReplaced}, false},
		{"all together", domain.RegistryFilter{Type: domain.TypeDuplicate, Surname: "Əli", Status: domain.StatusSubmitted, AppliedFrom: "2025-01-01"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.NoError(t, c.filter.Validate())
			assert.Equal(t, c.want, c.filter.Matches(a, a.CertificateStatusAfter()))
		})
	}
}

func TestRegistryFilterValidates(t *testing.T) {
	t.Parallel()
	requireCode(t, domain.RegistryFilter{SSNDateFrom: "2025-13-01"}.Validate(), domain.ErrInvalidDate)
	requireCode(t, domain.RegistryFilter{AppliedTo: "yesterday"}.Validate(), domain.ErrInvalidDate)
	requireCode(t, domain.RegistryFilter{Type: "copy"}.Validate(), domain.ErrInvalidOption)
}

func TestRegistrySortsNewestFirst(t *testing.T) {
	t.Parallel()
	d1, d3 := t0, t0.Add(48*time.Hour)
	older := registryApp(t, "1", "A", "A", domain.ReasonCertificateLost, &d1, t0)
	draft := registryApp(t, "2", "B", "B", domain.ReasonCertificateLost, nil, t0.Add(24*time.Hour))
	newer := registryApp(t, "3", "C", "C", domain.ReasonCertificateLost, &d3, t0)
	apps := []domain.Application{older, newer, draft}
	domain.SortNewestFirst(apps)
	assert.Equal(t, []string{"app-3", "app-2", "app-1"}, []string{apps[0].ID, apps[1].ID, apps[2].ID})
}

func TestPages(t *testing.T) {
	t.Parallel()
	p, err := domain.NewPage(0, 0)
	require.NoError(t, err)
	assert.Equal(t, domain.Page{Number: 1, Size: domain.DefaultPageSize}, p)
	for _, bad := range [][2]int{{-1, 10}, {1, -5}, {1, domain.MaxPageSize + 1}} {
		_, err := domain.NewPage(bad[0], bad[1])
		requireCode(t, err, domain.ErrInvalidPage)
	}
	p, _ = domain.NewPage(2, 10)
	from, to := p.Bounds(25)
	assert.Equal(t, [2]int{10, 20}, [2]int{from, to})
	p, _ = domain.NewPage(3, 10)
	from, to = p.Bounds(25)
	assert.Equal(t, [2]int{20, 25}, [2]int{from, to}, "the last page is short")
	p, _ = domain.NewPage(9, 10)
	from, to = p.Bounds(25)
	assert.Equal(t, from, to, "a page past the end is empty")
	from, to = p.Bounds(0)
	assert.Equal(t, [2]int{0, 0}, [2]int{from, to}, "no results: 0 nəticə")
}
