package handlers_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
	"github.com/dsmf/ssc-adapter/testkit"
)

// The registry lists the grants in force on the day asked: a limited grant
// past its end and one whose grantee's e-signature has expired (§4.2) are
// left out; one still to start is listed, so it can be revoked.
func TestGrantRegistryListsGrantsInForce(t *testing.T) {
	clock := &testkit.Clock{}
	h := testkit.Start(t, testkit.Options{Now: clock.Now, SessionIdle: 1000 * time.Hour})
	voen := testkit.Insurer.VOEN
	owner := h.Login(testkit.DirectorLogin(voen))
	day := func(d int) string { return string(domain.DateOf(time.Now().AddDate(0, 0, d))) }
	grant := func(service string, mods ...func(*contracts.GrantCreate)) string {
		var res contracts.GrantCreateResult
		h.MustOK(h.Request(testkit.GrantToDeputy(owner, append(mods, func(g *contracts.GrantCreate) { g.Service = service })...)),
			contracts.TypeGrantCreateResult, &res)
		return res.Grant.GrantID
	}
	expiring := grant(contracts.ServiceCertificate)
	ending := grant(contracts.ServiceInsuredRegistration, testkit.Limited(day(0), day(1)))
	future := grant(contracts.ServiceDeathNotice, testkit.Limited(day(5), day(30)))
	unlimited := grant(contracts.ServiceOnlineReports)
	// The deputy logs in under the first grant with a signature that
	// expires tomorrow.
	h.Login(testkit.DeputyAsanLogin(voen, func(a *contracts.LoginAssertion) { a.CertNotAfter = time.Now().Add(24 * time.Hour) }))

	listed := func() []string {
		var res contracts.GrantListResult
		h.MustOK(h.Request(testkit.GrantList(owner)), contracts.TypeGrantListResult, &res)
		var ids []string
		for _, g := range res.Grants {
			ids = append(ids, g.GrantID)
		}
		assert.Equal(t, len(ids), res.Page.Total)
		return ids
	}
	assert.ElementsMatch(t, []string{expiring, ending, future, unlimited}, listed(), "today all four are in force or to start")
	clock.Advance(3 * 24 * time.Hour)
	assert.ElementsMatch(t, []string{future, unlimited}, listed(),
		"three days on, the limited grant has ended and the deputy's signature has expired")
}
