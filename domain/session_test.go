package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/domain"
)

func TestDecideLogin(t *testing.T) {
	t.Parallel()
	inForce := grant(t, "g-in-force", cardGrantee(t), false, "", "")
	asanInForce := grant(t, "g-asan", asanGrantee(t), false, "", "")
	notStarted := grant(t, "g-not-started", cardGrantee(t), true, "2025-03-11", "2025-03-20")
	ended := grant(t, "g-ended", cardGrantee(t), true, "2025-03-01", "2025-03-10")
	ended.Start, ended.End = "2025-02-01", "2025-03-09" // made last month, ended yesterday
	wasRevoked := revoked(t, grant(t, "g-revoked", cardGrantee(t), false, "", ""))
	otherService := inForce
	otherService.ID, otherService.Service = "g-reports", domain.ServiceOnlineReports
	forSomeoneElse := inForce
	forSomeoneElse.ID, forSomeoneElse.Grantee.FIN = "g-other", "1AA2BB3"

	known := func(grants ...domain.Grant) domain.LoginFacts {
		return domain.LoginFacts{InsurerKnown: true, OwnerHasLoggedIn: true, Grants: grants}
	}
	password := ownerSigner()
	password.Method = domain.MethodPassword
	noMethod := ownerSigner()
	noMethod.Method = ""
	notYet := ownerSigner()
	notYet.CertNotBefore = t0.Add(time.Second)
	justValid := ownerSigner()
	justValid.CertNotBefore = t0
	expired := ownerSigner()
	expired.CertNotAfter = t0.AddDate(0, 0, -1)
	expiresNow := ownerSigner()
	expiresNow.CertNotAfter = t0
	expiresNext := ownerSigner()
	expiresNext.CertNotAfter = t0.Add(time.Nanosecond)
	delegateExpired := deputyCardSigner()
	delegateExpired.CertNotAfter = t0
	asanOwner := withCert(domain.Signer{Method: domain.MethodAsan, FIN: ownerFIN, Phone: "+994551234567", StampAuthority: true})
	deputyOnAsan := deputyAsanSigner()
	deputyOtherCard := deputyCardSigner()
	deputyOtherCard.CardNumber = "RYTN999999"
	deputyStamp := deputyCardSigner()
	deputyStamp.StampAuthority = true

	cases := []struct {
		name     string
		signer   domain.Signer
		facts    domain.LoginFacts
		now      time.Time
		want     error
		wantRole domain.Role
		wantID   string
	}{
		{"password login refused even with stamp authority", password, known(), t0, domain.ErrLoginMethod, "", ""},
		{"no method", noMethod, known(), t0, domain.ErrLoginMethod, "", ""},
		{"certificate not yet valid", notYet, known(), t0, domain.ErrCertNotYetValid, "", ""},
		{"certificate valid from this instant", justValid, known(), t0, nil, domain.RoleOwner, ""},
		{"certificate expired yesterday", expired, known(), t0, domain.ErrCertExpired, "", ""},
		{"certificate ending this instant is expired", expiresNow, known(), t0, domain.ErrCertExpired, "", ""},
		{"certificate ending a nanosecond later", expiresNext, known(), t0, nil, domain.RoleOwner, ""},
		{"delegate whose certificate expired, grant in force", delegateExpired, known(inForce), t0, domain.ErrCertExpired, "", ""},
		{"unknown insurer, owner", ownerSigner(), domain.LoginFacts{OwnerHasLoggedIn: true}, t0, domain.ErrInsurerUnknown, "", ""},
		{"unknown insurer, delegate", deputyCardSigner(), domain.LoginFacts{OwnerHasLoggedIn: true, Grants: []domain.Grant{inForce}}, t0, domain.ErrInsurerUnknown, "", ""},
		{"owner's first login", ownerSigner(), domain.LoginFacts{InsurerKnown: true}, t0, nil, domain.RoleOwner, ""},
		{"owner's later login", ownerSigner(), known(), t0, nil, domain.RoleOwner, ""},
		{"owner with Asan imza", asanOwner, known(), t0, nil, domain.RoleOwner, ""},
		{"stamp holder who also holds a grant is the owner", deputyStamp, known(inForce), t0, nil, domain.RoleOwner, ""},
		{"delegate before any owner login", deputyCardSigner(), domain.LoginFacts{InsurerKnown: true, Grants: []domain.Grant{inForce}}, t0, domain.ErrFirstLoginNoStamp, "", ""},
		{"delegate with a grant in force", deputyCardSigner(), known(inForce), t0, nil, domain.RoleDelegate, "g-in-force"},
		{"Asan delegate with an Asan grant in force", deputyAsanSigner(), known(asanInForce), t0, nil, domain.RoleDelegate, "g-asan"},
		{"signer without any grant", deputyCardSigner(), known(), t0, domain.ErrNoAuthority, "", ""},
		{"grant for another service only", deputyCardSigner(), known(otherService), t0, domain.ErrNoAuthority, "", ""},
		{"grant for another signer only", deputyCardSigner(), known(forSomeoneElse), t0, domain.ErrNoAuthority, "", ""},
		{"card grant, same FIN logging in with Asan", deputyOnAsan, known(inForce), t0, domain.ErrNoAuthority, "", ""},
		{"card grant, same FIN with another card", deputyOtherCard, known(inForce), t0, domain.ErrNoAuthority, "", ""},
		{"revoked grant", deputyCardSigner(), known(wasRevoked), t0, domain.ErrGrantRevoked, "", ""},
		{"grant not started", deputyCardSigner(), known(notStarted), t0, domain.ErrGrantNotStarted, "", ""},
		{"grant ended", deputyCardSigner(), known(ended), t0, domain.ErrGrantEnded, "", ""},
		{"grant starts tomorrow, but it is already tomorrow in Baku", deputyCardSigner(), known(notStarted), time.Date(2025, 3, 10, 20, 30, 0, 0, time.UTC), nil, domain.RoleDelegate, "g-not-started"},
		{"grant ends today, but it is already tomorrow in Baku", deputyCardSigner(), known(grant(t, "g-today", cardGrantee(t), true, "2025-03-01", "2025-03-10")), time.Date(2025, 3, 10, 20, 30, 0, 0, time.UTC), domain.ErrGrantEnded, "", ""},
		{"revoked grant, then a later grant in force", deputyCardSigner(), known(wasRevoked, inForce), t0, nil, domain.RoleDelegate, "g-in-force"},
		{"grant in force, then a revoked one", deputyCardSigner(), known(inForce, wasRevoked), t0, nil, domain.RoleDelegate, "g-in-force"},
		{"ended grant, then a grant in force", deputyCardSigner(), known(ended, inForce), t0, nil, domain.RoleDelegate, "g-in-force"},
		{"in force for another service, revoked for this one", deputyCardSigner(), known(otherService, wasRevoked), t0, domain.ErrGrantRevoked, "", ""},
		{"revoked then ended: the period is the reason", deputyCardSigner(), known(wasRevoked, ended), t0, domain.ErrGrantEnded, "", ""},
		{"ended then revoked: the period is the reason", deputyCardSigner(), known(ended, wasRevoked), t0, domain.ErrGrantEnded, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := domain.DecideLogin(domain.Login{Signer: c.signer, InsurerVOEN: insurer}, c.facts, c.now)
			requireCode(t, err, c.want)
			if c.want != nil {
				assert.Equal(t, domain.Principal{}, p)
				return
			}
			assert.Equal(t, domain.Principal{Role: c.wantRole, GrantID: c.wantID}, p)
		})
	}
}

func openSession(role domain.Role, signer domain.Signer, grantID string) domain.Session {
	return domain.Session{
		ID: "s-1", InsurerVOEN: insurer, Principal: domain.Principal{Role: role, GrantID: grantID},
		Signer: signer, OpenedAt: t0.Add(-10 * time.Minute), LastActive: t0.Add(-time.Minute),
	}
}

func TestSessionAuthorize(t *testing.T) {
	t.Parallel()
	const idle = 15 * time.Minute
	live := grant(t, "g-1", cardGrantee(t), false, "", "")
	facts := domain.SessionFacts{Grant: &live}
	owner := openSession(domain.RoleOwner, ownerSigner(), "")
	delegate := openSession(domain.RoleDelegate, deputyCardSigner(), "g-1")

	closed := owner
	closed.Closed = true
	idleEdge := owner
	idleEdge.LastActive = t0.Add(-idle)
	idlePast := owner
	idlePast.LastActive = t0.Add(-idle - time.Nanosecond)
	idleLong := owner
	idleLong.LastActive = t0.Add(-24 * time.Hour)
	otherInsurer := owner
	otherInsurer.InsurerVOEN = otherVOEN
	certEnded := owner
	certEnded.Signer.CertNotAfter = t0.Add(-time.Second)
	certEndsNow := delegate
	certEndsNow.Signer.CertNotAfter = t0

	gone := domain.SessionFacts{}
	wasRevoked := revoked(t, live)
	endedYesterday := grant(t, "g-1", cardGrantee(t), true, "2025-03-01", "2025-03-10")
	endedYesterday.End = yesterday
	endsToday := grant(t, "g-1", cardGrantee(t), true, "2025-03-01", "2025-03-10")
	startsTomorrow := grant(t, "g-1", cardGrantee(t), true, "2025-03-11", "2025-03-20")

	cases := []struct {
		name    string
		s       domain.Session
		action  domain.Action
		insurer string
		facts   domain.SessionFacts
		idle    time.Duration
		now     time.Time
		want    error
	}{
		{"owner views the registry", owner, domain.ActViewRegistry, insurer, gone, idle, t0, nil},
		{"owner manages grants", owner, domain.ActManageGrants, insurer, gone, idle, t0, nil},
		{"delegate submits", delegate, domain.ActSubmit, insurer, facts, idle, t0, nil},
		{"closed session (ÇIXIŞ)", closed, domain.ActViewRegistry, insurer, gone, idle, t0, domain.ErrSessionClosed},
		{"idle exactly the timeout is still alive", idleEdge, domain.ActViewRegistry, insurer, gone, idle, t0, nil},
		{"idle a nanosecond past the timeout", idlePast, domain.ActViewRegistry, insurer, gone, idle, t0, domain.ErrSessionExpired},
		{"idle a day", idleLong, domain.ActLogout, insurer, gone, idle, t0, domain.ErrSessionExpired},
		{"no idle timeout configured", idleLong, domain.ActViewRegistry, insurer, gone, 0, t0, nil},
		{"session of another insurer", owner, domain.ActViewRegistry, otherVOEN, gone, idle, t0, domain.ErrWrongInsurer},
		{"session opened for another insurer", otherInsurer, domain.ActLookupPerson, insurer, gone, idle, t0, domain.ErrWrongInsurer},
		{"certificate ended during the session", certEnded, domain.ActViewRegistry, insurer, gone, idle, t0, domain.ErrCertExpired},
		{"certificate ends this instant", certEndsNow, domain.ActViewRegistry, insurer, facts, idle, t0, domain.ErrCertExpired},
		{"certificate still valid a day later", owner, domain.ActViewRegistry, insurer, gone, 0, t0.Add(24 * time.Hour), nil},
		{"delegate whose grant was revoked", delegate, domain.ActViewRegistry, insurer, domain.SessionFacts{Grant: &wasRevoked}, idle, t0, domain.ErrAuthorityWithdrawn},
		{"delegate whose grant is gone", delegate, domain.ActViewRegistry, insurer, gone, idle, t0, domain.ErrAuthorityWithdrawn},
		{"delegate whose grant ended yesterday", delegate, domain.ActViewRegistry, insurer, domain.SessionFacts{Grant: &endedYesterday}, idle, t0, domain.ErrAuthorityWithdrawn},
		{"delegate whose grant has not started", delegate, domain.ActViewRegistry, insurer, domain.SessionFacts{Grant: &startsTomorrow}, idle, t0, domain.ErrAuthorityWithdrawn},
		{"delegate whose grant ends today, after midnight in Baku", delegate, domain.ActViewRegistry, insurer, domain.SessionFacts{Grant: &endsToday}, 0, time.Date(2025, 3, 10, 20, 0, 0, 0, time.UTC), domain.ErrAuthorityWithdrawn},
		{"delegate whose grant ends today, a second before midnight in Baku", delegate, domain.ActViewRegistry, insurer, domain.SessionFacts{Grant: &endsToday}, 0, time.Date(2025, 3, 10, 19, 59, 59, 0, time.UTC), nil},
		{"delegate may log out normally", delegate, domain.ActLogout, insurer, facts, idle, t0, nil},
		{"delegate may not manage grants", delegate, domain.ActManageGrants, insurer, facts, idle, t0, domain.ErrOwnerOnly},
		{"unknown action is refused", owner, domain.Action("application.approve"), insurer, gone, idle, t0, domain.ErrOwnerOnly},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			requireCode(t, c.s.Authorize(c.action, c.insurer, c.facts, c.idle, c.now), c.want)
		})
	}
}

// TestAuthorisationMatrix walks every role × every action, both through
// Allowed and through an open session with everything else in order.
func TestAuthorisationMatrix(t *testing.T) {
	t.Parallel()
	actions := []domain.Action{
		domain.ActLogout, domain.ActViewProfile, domain.ActManageGrants, domain.ActLookupPerson,
		domain.ActEditDraft, domain.ActSubmit, domain.ActViewRegistry,
	}
	expected := map[domain.Role]map[domain.Action]bool{
		domain.RoleOwner: {
			domain.ActLogout:       true,
			domain.ActViewProfile:  true,
			domain.ActManageGrants: true,
			domain.ActLookupPerson: true,
			domain.ActEditDraft:    true,
			domain.ActSubmit:       true,
			domain.ActViewRegistry: true,
		},
		domain.RoleDelegate: {
			domain.ActLogout:       true,
			domain.ActViewProfile:  true,
			domain.ActManageGrants: false,
			domain.ActLookupPerson: true,
			domain.ActEditDraft:    true,
			domain.ActSubmit:       true,
			domain.ActViewRegistry: true,
		},
		// A role the service does not know may do nothing.
		domain.Role(""):            {},
		domain.Role("back-office"): {},
	}
	live := grant(t, "g-1", cardGrantee(t), false, "", "")
	signers := map[domain.Role]domain.Signer{domain.RoleOwner: ownerSigner(), domain.RoleDelegate: deputyCardSigner()}
	for role, row := range expected {
		for _, a := range actions {
			t.Run(string(role)+"/"+string(a), func(t *testing.T) {
				want := row[a]
				assert.Equal(t, want, domain.Allowed(role, a))
				s := openSession(role, withCert(signers[role]), "g-1")
				err := s.Authorize(a, insurer, domain.SessionFacts{Grant: &live}, 15*time.Minute, t0)
				if want {
					requireCode(t, err, nil)
				} else {
					requireCode(t, err, domain.ErrOwnerOnly)
				}
			})
		}
	}
}

func TestSections(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{"insurer", "grants", "applications"}, domain.Sections(domain.RoleOwner))
	assert.Equal(t, []string{"insurer", "applications"}, domain.Sections(domain.RoleDelegate))
	require.NotContains(t, domain.Sections(domain.RoleDelegate), "grants", "only the stamp holder sees the grants section")
}
