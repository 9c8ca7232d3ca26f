package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/domain"
)

func TestNewGrantee(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name              string
		method            domain.Method
		card, phone, fin  string
		want              error
		wantCard, wantTel string
	}{
		{"card: number and FIN", domain.MethodCard, deputyCard, "", deputyFIN, nil, deputyCard, ""},
		{"card: a phone given too is dropped", domain.MethodCard, deputyCard, deputyTel, deputyFIN, nil, deputyCard, ""},
		{"Asan: phone and FIN", domain.MethodAsan, "", deputyTel, deputyFIN, nil, "", deputyTel},
		{"Asan: a card given too is dropped", domain.MethodAsan, deputyCard, deputyTel, deputyFIN, nil, "", deputyTel},
		{"card without number", domain.MethodCard, "", deputyTel, deputyFIN, domain.ErrGranteeIncomplete, "", ""},
		{"Asan without phone", domain.MethodAsan, deputyCard, "", deputyFIN, domain.ErrGranteeIncomplete, "", ""},
		{"card with malformed number", domain.MethodCard, "rytn-1", "", deputyFIN, domain.ErrInvalidCard, "", ""},
		{"Asan with wrong operator prefix", domain.MethodAsan, "", "+994121234567", deputyFIN, domain.ErrInvalidPhone, "", ""},
		{"Asan without +994", domain.MethodAsan, "", "0501234567", deputyFIN, domain.ErrInvalidPhone, "", ""},
		{"malformed FIN", domain.MethodCard, deputyCard, "", "7ab12cd", domain.ErrInvalidFIN, "", ""},
		{"missing FIN", domain.MethodAsan, "", deputyTel, "", domain.ErrInvalidFIN, "", ""},
		{"password is no grant type", domain.MethodPassword, deputyCard, deputyTel, deputyFIN, domain.ErrInvalidOption, "", ""},
		{"no method", "", deputyCard, deputyTel, deputyFIN, domain.ErrInvalidOption, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, err := domain.NewGrantee(c.method, c.card, c.phone, c.fin)
			requireCode(t, err, c.want)
			if c.want != nil {
				assert.Equal(t, domain.Grantee{}, g)
				return
			}
			assert.Equal(t, domain.Grantee{Method: c.method, CardNumber: c.wantCard, Phone: c.wantTel, FIN: c.fin}, g)
		})
	}
}

func TestGranteeSigns(t *testing.T) {
	t.Parallel()
	card, asan := cardGrantee(t), asanGrantee(t)
	cases := []struct {
		name             string
		g                domain.Grantee
		method           domain.Method
		card, phone, fin string
		want             bool
	}{
		{"card grantee: same card and FIN", card, domain.MethodCard, deputyCard, "", deputyFIN, true},
		{"card grantee: the phone the signer has is irrelevant", card, domain.MethodCard, deputyCard, "+994551112233", deputyFIN, true},
		{"card grantee: another card of the same person", card, domain.MethodCard, "RYTN999999", "", deputyFIN, false},
		{"card grantee: same card, another FIN", card, domain.MethodCard, deputyCard, "", ownerFIN, false},
		{"card grantee: same FIN signing with Asan", card, domain.MethodAsan, "", deputyTel, deputyFIN, false},
		{"card grantee: same FIN and card with password", card, domain.MethodPassword, deputyCard, "", deputyFIN, false},
		{"Asan grantee: same phone and FIN", asan, domain.MethodAsan, "", deputyTel, deputyFIN, true},
		{"Asan grantee: another phone", asan, domain.MethodAsan, "", "+994551112233", deputyFIN, false},
		{"Asan grantee: same phone, another FIN", asan, domain.MethodAsan, "", deputyTel, ownerFIN, false},
		{"Asan grantee: same FIN signing with a card", asan, domain.MethodCard, deputyCard, deputyTel, deputyFIN, false},
		{"Asan grantee: password with the same phone", asan, domain.MethodPassword, "", deputyTel, deputyFIN, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, c.g.Signs(c.method, c.card, c.phone, c.fin))
		})
	}
}

func TestNewGrantUnlimitedByDefault(t *testing.T) {
	t.Parallel()
	req := domain.GrantRequest{ID: "g-1", InsurerVOEN: insurer, Service: domain.ServiceCertificate, Grantee: cardGrantee(t)}
	g, err := domain.NewGrant(req, ownerFIN, nil, t0)
	require.NoError(t, err)
	assert.Equal(t, "g-1", g.ID)
	assert.Equal(t, insurer, g.InsurerVOEN)
	assert.Equal(t, domain.ServiceCertificate, g.Service)
	assert.Equal(t, cardGrantee(t), g.Grantee)
	assert.False(t, g.Limited)
	assert.Empty(t, g.Start)
	assert.Empty(t, g.End)
	assert.False(t, g.Revoked)
	assert.True(t, g.CreatedAt.Equal(t0))
	for _, day := range []domain.Date{"1990-01-01", yesterday, today, tomorrow, "2099-12-31"} {
		assert.NoError(t, g.InForce(day), "an unlimited grant is in force on %s", day)
	}
}

func TestNewGrantPeriod(t *testing.T) {
	t.Parallel()
	late := time.Date(2025, 3, 10, 21, 0, 0, 0, time.UTC) // already 2025-03-11 in Baku
	cases := []struct {
		name       string
		limited    bool
		start, end string
		now        time.Time
		want       error
	}{
		{"unlimited with a start", false, "2025-03-10", "", t0, domain.ErrGrantPeriod},
		{"unlimited with an end", false, "", "2025-03-20", t0, domain.ErrGrantPeriod},
		{"limited without dates", true, "", "", t0, domain.ErrGrantPeriod},
		{"limited without start", true, "", "2025-03-20", t0, domain.ErrGrantPeriod},
		{"limited without end", true, "2025-03-10", "", t0, domain.ErrGrantPeriod},
		{"malformed start", true, "10.03.2025", "2025-03-20", t0, domain.ErrGrantPeriod},
		{"impossible end", true, "2025-03-10", "2025-02-30", t0, domain.ErrGrantPeriod},
		{"end before start", true, "2025-03-20", "2025-03-19", t0, domain.ErrGrantPeriod},
		{"end before start, both in the past", true, "2025-01-20", "2025-01-10", t0, domain.ErrGrantPeriod},
		{"end yesterday", true, "2025-03-01", "2025-03-09", t0, domain.ErrGrantPeriodPast},
		{"whole period in the past", true, "2024-01-01", "2024-12-31", t0, domain.ErrGrantPeriodPast},
		{"end today is not in the past", true, "2025-03-01", "2025-03-10", t0, nil},
		{"one-day grant today", true, "2025-03-10", "2025-03-10", t0, nil},
		{"start in the past, end in the future", true, "2025-03-01", "2025-03-31", t0, nil},
		{"leave next month", true, "2025-04-01", "2025-04-30", t0, nil},
		{"end is judged by Baku's date: 21:00 UTC is already the next day", true, "2025-03-01", "2025-03-10", late, domain.ErrGrantPeriodPast},
		{"end 2025-03-11 is still today in Baku at 21:00 UTC on the 10th", true, "2025-03-01", "2025-03-11", late, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, err := domain.NewGrant(domain.GrantRequest{
				ID: "g-1", InsurerVOEN: insurer, Service: domain.ServiceCertificate, Grantee: cardGrantee(t),
				Limited: c.limited, Start: c.start, End: c.end,
			}, ownerFIN, nil, c.now)
			requireCode(t, err, c.want)
			if c.want == nil {
				assert.True(t, g.Limited)
				assert.Equal(t, domain.Date(c.start), g.Start)
				assert.Equal(t, domain.Date(c.end), g.End)
			}
		})
	}
}

func TestGrantInForceBoundaryDays(t *testing.T) {
	t.Parallel()
	g := grant(t, "g-1", cardGrantee(t), true, "2025-03-10", "2025-03-20")
	cases := []struct {
		day  domain.Date
		want error
	}{
		{"2024-12-31", domain.ErrGrantNotStarted},
		{"2025-03-09", domain.ErrGrantNotStarted},
		{"2025-03-10", nil}, // start day is inclusive
		{"2025-03-15", nil},
		{"2025-03-20", nil}, // end day is inclusive
		{"2025-03-21", domain.ErrGrantEnded},
		{"2026-01-01", domain.ErrGrantEnded},
	}
	for _, c := range cases {
		t.Run(string(c.day), func(t *testing.T) {
			requireCode(t, g.InForce(c.day), c.want)
		})
	}
}

func TestGrantInForceOneDayGrant(t *testing.T) {
	t.Parallel()
	g := grant(t, "g-1", cardGrantee(t), true, "2025-03-12", "2025-03-12")
	requireCode(t, g.InForce("2025-03-11"), domain.ErrGrantNotStarted)
	requireCode(t, g.InForce("2025-03-12"), nil)
	requireCode(t, g.InForce("2025-03-13"), domain.ErrGrantEnded)
}

func TestRevokedGrantIsNeverInForce(t *testing.T) {
	t.Parallel()
	for _, g := range []domain.Grant{
		grant(t, "unlimited", cardGrantee(t), false, "", ""),
		grant(t, "limited", cardGrantee(t), true, "2025-03-10", "2025-03-20"),
	} {
		r := revoked(t, g)
		for _, day := range []domain.Date{"2025-03-01", "2025-03-15", "2025-04-01"} {
			requireCode(t, r.InForce(day), domain.ErrGrantRevoked)
		}
	}
}

func TestGrantRevoke(t *testing.T) {
	t.Parallel()
	g := grant(t, "g-1", asanGrantee(t), false, "", "")
	at := t0.Add(time.Hour)
	r, err := g.Revoke(at)
	require.NoError(t, err)
	assert.True(t, r.Revoked)
	assert.True(t, r.RevokedAt.Equal(at))
	assert.Equal(t, g.ID, r.ID)
	assert.False(t, g.Revoked, "Revoke returns a new value and leaves the original alone")

	again, err := r.Revoke(at.Add(time.Hour))
	requireCode(t, err, domain.ErrGrantNotFound)
	assert.True(t, again.RevokedAt.Equal(at), "a second revoke does not move the revocation time")
}

func TestNewGrantServices(t *testing.T) {
	t.Parallel()
	require.Len(t, domain.Services, 4, "the portal offers four DSMF e-services")
	for _, s := range domain.Services {
		_, err := domain.NewGrant(domain.GrantRequest{ID: "g", InsurerVOEN: insurer, Service: s, Grantee: cardGrantee(t)}, ownerFIN, nil, t0)
		assert.NoError(t, err, "service %s", s)
	}
	for _, s := range []domain.Service{"", "ssc", "SSC-CERTIFICATE", "tax-reports"} {
		_, err := domain.NewGrant(domain.GrantRequest{ID: "g", InsurerVOEN: insurer, Service: s, Grantee: cardGrantee(t)}, ownerFIN, nil, t0)
		requireCode(t, err, domain.ErrUnknownServiceName)
	}
}

func TestNewGrantToOwnerRefused(t *testing.T) {
	t.Parallel()
	self, err := domain.NewGrantee(domain.MethodCard, "RYTN777777", "", ownerFIN)
	require.NoError(t, err)
	selfAsan, err := domain.NewGrantee(domain.MethodAsan, "", "+994701234567", ownerFIN)
	require.NoError(t, err)
	for _, g := range []domain.Grantee{self, selfAsan} {
		_, err := domain.NewGrant(domain.GrantRequest{ID: "g", InsurerVOEN: insurer, Service: domain.ServiceCertificate, Grantee: g}, ownerFIN, nil, t0)
		requireCode(t, err, domain.ErrGrantSelf)
	}
}

func TestNewGrantDuplicates(t *testing.T) {
	t.Parallel()
	existing := grant(t, "g-1", cardGrantee(t), false, "", "")
	otherCard, err := domain.NewGrantee(domain.MethodCard, "RYTN999999", "", deputyFIN)
	require.NoError(t, err)
	otherPerson, err := domain.NewGrantee(domain.MethodCard, deputyCard, "", "1AA2BB3")
	require.NoError(t, err)

	cases := []struct {
		name     string
		existing []domain.Grant
		service  domain.Service
		grantee  domain.Grantee
		limited  bool
		want     error
	}{
		{"same grantee, same service", []domain.Grant{existing}, domain.ServiceCertificate, cardGrantee(t), false, domain.ErrGrantDuplicate},
		{"same grantee, same service, limited this time", []domain.Grant{existing}, domain.ServiceCertificate, cardGrantee(t), true, domain.ErrGrantDuplicate},
		{"same grantee, another service", []domain.Grant{existing}, domain.ServiceOnlineReports, cardGrantee(t), false, nil},
		{"same grantee after the first is revoked", []domain.Grant{revoked(t, existing)}, domain.ServiceCertificate, cardGrantee(t), false, nil},
		{"same person with Asan imza", []domain.Grant{existing}, domain.ServiceCertificate, asanGrantee(t), false, nil},
		{"same person with another card", []domain.Grant{existing}, domain.ServiceCertificate, otherCard, false, nil},
		{"another person", []domain.Grant{existing}, domain.ServiceCertificate, otherPerson, false, nil},
		{"revoked and then re-granted: the live one blocks", []domain.Grant{revoked(t, existing), grant(t, "g-2", cardGrantee(t), false, "", "")}, domain.ServiceCertificate, cardGrantee(t), false, domain.ErrGrantDuplicate},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := domain.GrantRequest{ID: "g-new", InsurerVOEN: insurer, Service: c.service, Grantee: c.grantee, Limited: c.limited}
			if c.limited {
				req.Start, req.End = "2025-04-01", "2025-04-30"
			}
			g, err := domain.NewGrant(req, ownerFIN, c.existing, t0)
			requireCode(t, err, c.want)
			if c.want == nil {
				assert.Equal(t, "g-new", g.ID)
			} else {
				de, _ := domain.AsError(err)
				assert.Contains(t, de.Detail, "g-", "the refusal names the grant already held")
			}
		})
	}
}

// The registry of grants in force leaves out a grant revoked, past its
// end, or whose e-signature has expired (§4.2); a grant still to start is
// listed, so that it can be revoked before it starts.
func TestGrantEndedBy(t *testing.T) {
	limited := grant(t, "limited", cardGrantee(t), true, "2025-03-10", "2025-03-20")
	unlimited := grant(t, "unlimited", asanGrantee(t), false, "", "")
	// The certificate expires at 20:30 UTC on 2025-05-31: already 1 June in Baku.
	expiring := unlimited.SignedInWith(time.Date(2025, 5, 31, 20, 30, 0, 0, time.UTC))
	cases := []struct {
		name string
		g    domain.Grant
		day  domain.Date
		want domain.GrantEnd
	}{
		{"limited, not started yet", limited, "2025-03-09", ""},
		{"limited, on its last day", limited, "2025-03-20", ""},
		{"limited, past its end", limited, "2025-03-21", domain.GrantPeriodOver},
		{"revoked", revoked(t, unlimited), "2025-03-01", domain.GrantRevokedEnd},
		{"revoked beats past its end", revoked(t, limited), "2026-01-01", domain.GrantRevokedEnd},
		{"unlimited, grantee never logged in", unlimited, "2030-01-01", ""},
		{"signature valid on the day it expires (Baku)", expiring, "2025-06-01", ""},
		{"signature expired the day before", expiring, "2025-06-02", domain.GrantSignatureExpiredEnd},
		{"a renewed signature carries the grant on",
			expiring.SignedInWith(time.Date(2028, 5, 31, 0, 0, 0, 0, time.UTC)), "2025-06-02", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, c.g.EndedBy(c.day))
		})
	}
}
