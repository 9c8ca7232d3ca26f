package handlers_test

import (
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// Every refusal of login, session and grant rules has its own code, checked
// through Kafka.
func TestAccessRefusalCodes(t *testing.T) {
	t.Parallel()
	clock := &testkit.Clock{}
	h := testkit.Start(t, testkit.Options{Now: clock.Now, SessionIdle: 10 * time.Minute})
	voen, other := testkit.Insurer.VOEN, testkit.OtherInsurer.VOEN
	day := func(d int) string {
		return clock.Now().AddDate(0, 0, d).In(time.FixedZone("Baku", 4*3600)).Format(time.DateOnly)
	}

	// Before any owner login, a delegate may not enter.
	assert.Equal(t, "FIRST_LOGIN_REQUIRES_STAMP", h.Request(testkit.DeputyAsanLogin(other)).Code())

	logins := map[string]testkit.Command{
		"LOGIN_METHOD_NOT_ACCEPTED": testkit.DirectorLogin(voen, func(a *contracts.LoginAssertion) {
			a.Method, a.Card = contracts.MethodPassword, nil
		}),
		"CERTIFICATE_EXPIRED": testkit.DirectorLogin(voen, func(a *contracts.LoginAssertion) {
			a.CertNotAfter = time.Now().Add(-time.Hour)
		}),
		"CERTIFICATE_NOT_YET_VALID": testkit.DirectorLogin(voen, func(a *contracts.LoginAssertion) {
			a.CertNotBefore = time.Now().Add(time.Hour)
		}),
		"INSURER_UNKNOWN": testkit.DirectorLogin("1234567890"),
	}
	for code, cmd := range logins {
		assert.Equal(t, code, h.Request(cmd).Code(), code)
	}

	owner := h.Login(testkit.DirectorLogin(voen))
	assert.Equal(t, "NO_AUTHORITY", h.Request(testkit.DeputyAsanLogin(voen)).Code(), "no grant at all")

	// A grant for another e-service does not open this one.
	h.MustOK(h.Request(testkit.GrantToDeputy(owner, func(g *contracts.GrantCreate) {
		g.Service = contracts.ServiceOnlineReports
	})), contracts.TypeGrantCreateResult, nil)
	assert.Equal(t, "NO_AUTHORITY", h.Request(testkit.DeputyAsanLogin(voen)).Code(), "grant for another service")

	grantRefusals := map[string]testkit.Command{
		"GRANT_PERIOD_INVALID": testkit.GrantToDeputy(owner, testkit.Limited(day(5), day(2))),
		"GRANT_PERIOD_IN_PAST": testkit.GrantToDeputy(owner, testkit.Limited(day(-10), day(-2))),
		"GRANT_TO_SELF": testkit.GrantToDeputy(owner, func(g *contracts.GrantCreate) {
			g.Grantee = contracts.Grantee{Method: contracts.MethodESignCard, CardNumber: "RYTN99", FIN: testkit.DirectorFIN}
		}),
		"GRANT_NOT_FOUND": testkit.GrantRevoke(owner, "no-such-grant"),
	}
	for code, cmd := range grantRefusals {
		assert.Equal(t, code, h.Request(cmd).Code(), code)
	}
	// A phone off the operator list has its own code; the detail points at the field.
	phone := h.Request(testkit.GrantToDeputy(owner, func(g *contracts.GrantCreate) {
		g.Grantee.Phone = "+994121234567" // 12 is a landline prefix
	}))
	assert.Equal(t, "INVALID_PHONE", phone.Code())
	assert.Equal(t, "/grantee/phone", phone.Error().Detail)
	// The schema already asks a card grantee for its number.
	assert.Equal(t, "SCHEMA_VIOLATION", h.Request(testkit.GrantToDeputy(owner, func(g *contracts.GrantCreate) {
		g.Grantee = contracts.Grantee{Method: contracts.MethodESignCard, FIN: testkit.DeputyFIN}
	})).Code())

	// A grant that starts tomorrow does not let the deputy in today.
	var later contracts.GrantCreateResult
	h.MustOK(h.Request(testkit.GrantToDeputy(owner, testkit.Limited(day(1), day(3)))), contracts.TypeGrantCreateResult, &later)
	assert.Equal(t, "GRANT_NOT_STARTED", h.Request(testkit.DeputyAsanLogin(voen)).Code())
	assert.Equal(t, "GRANT_DUPLICATE", h.Request(testkit.GrantToDeputy(owner)).Code(),
		"the same grantee and service twice")

	// Two days on it is in force; five days on it has ended.
	clock.Advance(48 * time.Hour)
	owner = h.Login(testkit.DirectorLogin(voen))
	deputy := h.Login(testkit.DeputyAsanLogin(voen))
	assert.NotEmpty(t, deputy.ID)
	assert.Equal(t, "CERTIFICATE_EXPIRED", h.Request(testkit.DeputyAsanLogin(voen, func(a *contracts.LoginAssertion) {
		a.CertNotAfter = clock.Now().Add(-time.Minute)
	})).Code(), "a grant lets in only a valid signature")
	clock.Advance(72 * time.Hour)
	assert.Equal(t, "GRANT_ENDED", h.Request(testkit.DeputyAsanLogin(voen)).Code())

	// Sessions: unknown, another insurer's, closed by logout, expired when idle.
	owner = h.Login(testkit.DirectorLogin(voen))
	assert.Equal(t, "SESSION_UNKNOWN", h.Request(testkit.ProfileGet(testkit.Session{ID: "no-such-session", VOEN: voen})).Code())
	assert.Equal(t, "WRONG_INSURER", h.Request(testkit.ProfileGet(testkit.Session{ID: owner.ID, VOEN: other})).Code())
	h.MustOK(h.Request(testkit.Logout(owner)), contracts.TypeLogoutResult, nil)
	assert.Equal(t, "SESSION_CLOSED", h.Request(testkit.ProfileGet(owner)).Code())
	idle := h.Login(testkit.DirectorLogin(voen))
	h.MustOK(h.Request(testkit.ProfileGet(idle)), contracts.TypeProfileResult, nil)
	clock.Advance(11 * time.Minute)
	assert.Equal(t, "SESSION_EXPIRED", h.Request(testkit.ProfileGet(idle)).Code())
}

// Only the portal can vouch for a signer: a login assertion must carry a
// valid signature from a configured key, be fresh, and not come from the
// future. Each refusal has its own code.
func TestLoginAssertionSignatures(t *testing.T) {
	t.Parallel()
	h := testkit.Start(t, testkit.Options{})
	voen := testkit.Insurer.VOEN

	unsigned := testkit.DirectorLogin(voen)
	unsigned.Unsigned = true
	assert.Equal(t, "ASSERTION_UNSIGNED", h.Request(unsigned).Code())

	signed := h.Sign(testkit.DirectorLogin(voen))
	tampered := signed
	tampered.ID = "tampered-" + signed.ID // a new command, not a redelivery
	a := tampered.Payload.(contracts.LoginAssertion)
	a.SignerFIN = testkit.DeputyFIN // someone else claims the director's signature
	tampered.Payload = a
	assert.Equal(t, "ASSERTION_SIGNATURE_INVALID", h.Request(tampered).Code())

	_, otherKey, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	foreign, err := contracts.SignAssertion(testkit.DirectorLogin(voen).Payload.(contracts.LoginAssertion), "stolen-key", otherKey)
	require.NoError(t, err)
	cmd := testkit.DirectorLogin(voen)
	cmd.Payload = foreign
	assert.Equal(t, "ASSERTION_KEY_UNKNOWN", h.Request(cmd).Code())

	stale := testkit.DirectorLogin(voen, func(a *contracts.LoginAssertion) { a.IssuedAt = time.Now().Add(-time.Hour) })
	assert.Equal(t, "ASSERTION_STALE", h.Request(h.Sign(stale)).Code())
	future := testkit.DirectorLogin(voen, func(a *contracts.LoginAssertion) { a.IssuedAt = time.Now().Add(time.Hour) })
	assert.Equal(t, "ASSERTION_FROM_FUTURE", h.Request(h.Sign(future)).Code())

	h.MustOK(h.Request(signed), contracts.TypeLoginResult, nil)

	// The same signed assertion in a new command is a replay; the same
	// command redelivered is answered as before.
	replay := signed
	replay.ID = "replay-" + signed.ID
	assert.Equal(t, "ASSERTION_REPLAYED", h.Request(replay).Code())
	h.RestartAdapter()
	replay.ID = "replay-after-restart-" + signed.ID
	assert.Equal(t, "ASSERTION_REPLAYED", h.Request(replay).Code(), "the memory of used assertions is rebuilt from the log")
	h.MustOK(h.Request(signed), contracts.TypeLoginResult, nil)
}
