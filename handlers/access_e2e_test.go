package handlers_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// The "done when" of issue 4, through kfake: the owner logs in, sees the
// profile, grants the deputy a limited right; the deputy logs in with Asan
// imza as a delegate; the owner revokes; the deputy's next command is
// refused; after a restart the registry of grants is unchanged.
func TestAccessWalkThrough(t *testing.T) {
	t.Parallel()
	h := testkit.Start(t, testkit.Options{})
	voen := testkit.Insurer.VOEN

	var login contracts.LoginResult
	h.MustOK(h.Request(testkit.DirectorLogin(voen)), contracts.TypeLoginResult, &login)
	assert.Equal(t, contracts.RoleOwner, login.Role)
	assert.ElementsMatch(t, []string{"insurer", "grants", "applications"}, login.Sections)
	assert.Equal(t, testkit.Insurer.FullName, login.Insurer.FullName)
	owner := testkit.Session{ID: login.SessionID, VOEN: voen}

	var profile contracts.ProfileResult
	h.MustOK(h.Request(testkit.ProfileGet(owner)), contracts.TypeProfileResult, &profile)
	assert.Equal(t, contracts.InsurerProfile{
		FullName: `"MƏKTƏBİ QURUP" MƏDƏNİYYƏT MƏRKƏZİ`, Type: contracts.InsurerLegalEntity,
		AccountNumber: "9819854215", VOEN: "9802091761", ResponsiblePerson: "SƏMİR QƏLƏYEV NƏZƏR QƏLƏYEV",
		OfficeCode: "188", OfficeName: "Bakı şəhəri üzrə hüquqi şəxslərlə iş",
	}, profile.Insurer)

	today := time.Now().UTC()
	var granted contracts.GrantCreateResult
	h.MustOK(h.Request(testkit.GrantToDeputy(owner, testkit.Limited(today.AddDate(0, 0, -1).Format(time.DateOnly),
		today.AddDate(0, 1, 0).Format(time.DateOnly)))), contracts.TypeGrantCreateResult, &granted)
	assert.Equal(t, contracts.ValidityLimited, granted.Grant.Validity.Kind)
	h.WaitEvent(contracts.TypeGrantCreated, nil)

	var deputyLogin contracts.LoginResult
	h.MustOK(h.Request(testkit.DeputyAsanLogin(voen)), contracts.TypeLoginResult, &deputyLogin)
	assert.Equal(t, contracts.RoleDelegate, deputyLogin.Role)
	assert.Equal(t, granted.Grant.GrantID, deputyLogin.GrantID)
	assert.NotContains(t, deputyLogin.Sections, "grants", "only the owner manages grants")
	deputy := testkit.Session{ID: deputyLogin.SessionID, VOEN: voen}

	// A delegate may not manage grants.
	assert.Equal(t, "OWNER_ONLY", h.Request(testkit.GrantList(deputy)).Code())
	// It may look a person up.
	h.MustOK(h.Request(testkit.PersonLookup(deputy)), contracts.TypePersonLookupResult, nil)

	h.MustOK(h.Request(testkit.GrantRevoke(owner, granted.Grant.GrantID)), contracts.TypeGrantRevokeResult, nil)
	assert.Equal(t, "AUTHORITY_WITHDRAWN", h.Request(testkit.PersonLookup(deputy)).Code(),
		"revoking takes effect at once for an open session")
	assert.Equal(t, "GRANT_REVOKED", h.Request(testkit.DeputyAsanLogin(voen)).Code())

	var before contracts.GrantListResult
	h.MustOK(h.Request(testkit.GrantList(owner)), contracts.TypeGrantListResult, &before)
	assert.Empty(t, before.Grants, "the registry no longer shows a revoked grant")

	// A second, unlimited grant survives a restart.
	h.MustOK(h.Request(testkit.GrantToDeputy(owner)), contracts.TypeGrantCreateResult, nil)
	h.MustOK(h.Request(testkit.GrantList(owner)), contracts.TypeGrantListResult, &before)
	require.Len(t, before.Grants, 1)

	h.RestartAdapter()
	var after contracts.GrantListResult
	h.MustOK(h.Request(testkit.GrantList(owner)), contracts.TypeGrantListResult, &after)
	assert.Equal(t, before.Grants, after.Grants)
	assert.Equal(t, before.Page, after.Page)
}
