package handlers_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/adapters/service"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
	"github.com/dsmf/ssc-adapter/handlers"
	"github.com/dsmf/ssc-adapter/testkit"
)

// authzWalk is what one principal's walk through the portal commands needs
// and what it builds up: whom it applies for, whom it grants to, and the ids
// its successful commands return.
type authzWalk struct {
	employee service.DemoEmployee // the person its application is for
	grantee  contracts.Grantee    // whom its grant create names
	revokeID string               // the grant its revoke names
	appID    string               // its application (draft, then submitted)
	deleteID string               // a draft its delete names
}

// authzCell is one portal command type: the matrix action it needs, how to
// build it for a session, its success reply type, and what a success leaves
// for later cells.
type authzCell struct {
	name   string
	typ    string
	action domain.Action
	build  func(s testkit.Session, w *authzWalk) testkit.Command
	after  func(t *testing.T, r testkit.Reply, w *authzWalk)
}

// authzCells lists every portal command type but login (a principal's way
// in), in an order where each success sets up the next: logout comes last.
func authzCells() []authzCell {
	return []authzCell{
		{"profile", contracts.TypeProfileGet, domain.ActViewProfile,
			func(s testkit.Session, _ *authzWalk) testkit.Command { return testkit.ProfileGet(s) }, nil},
		{"grant list", contracts.TypeGrantList, domain.ActManageGrants,
			func(s testkit.Session, _ *authzWalk) testkit.Command { return testkit.GrantList(s) }, nil},
		{"grant create", contracts.TypeGrantCreate, domain.ActManageGrants,
			func(s testkit.Session, w *authzWalk) testkit.Command {
				return testkit.GrantToDeputy(s, func(g *contracts.GrantCreate) {
					g.Service, g.Grantee = contracts.ServiceDeathNotice, w.grantee
				})
			},
			func(t *testing.T, r testkit.Reply, w *authzWalk) {
				var res contracts.GrantCreateResult
				require.NoError(t, r.Decode(&res))
				w.revokeID = res.Grant.GrantID
			}},
		{"grant revoke", contracts.TypeGrantRevoke, domain.ActManageGrants,
			func(s testkit.Session, w *authzWalk) testkit.Command { return testkit.GrantRevoke(s, w.revokeID) }, nil},
		{"person look-up", contracts.TypePersonLookup, domain.ActLookupPerson,
			func(s testkit.Session, w *authzWalk) testkit.Command {
				return testkit.PersonLookup(s, func(l *contracts.PersonLookup) {
					l.DocumentType, l.FIN, l.SSN = w.employee.Document.DocumentType, w.employee.Document.FIN, w.employee.Insured.SSN
				})
			}, nil},
		{"draft save", contracts.TypeDraftSave, domain.ActEditDraft,
			func(s testkit.Session, w *authzWalk) testkit.Command {
				return testkit.DraftSave(s, func(d *contracts.DraftSave) { d.ApplicationInput = authzInput(w.employee) })
			},
			func(t *testing.T, r testkit.Reply, w *authzWalk) {
				var res contracts.DraftSaveResult
				require.NoError(t, r.Decode(&res))
				w.appID = res.Application.ApplicationID
			}},
		{"submit", contracts.TypeSubmit, domain.ActSubmit,
			func(s testkit.Session, w *authzWalk) testkit.Command { return testkit.SubmitDraft(s, w.appID) }, nil},
		{"registry search", contracts.TypeRegistrySearch, domain.ActViewRegistry,
			func(s testkit.Session, _ *authzWalk) testkit.Command { return testkit.RegistrySearch(s) }, nil},
		{"detailed view", contracts.TypeApplicationGet, domain.ActViewRegistry,
			func(s testkit.Session, w *authzWalk) testkit.Command { return testkit.ApplicationGet(s, w.appID) }, nil},
		{"notice download", contracts.TypeNoticeGet, domain.ActViewRegistry,
			func(s testkit.Session, w *authzWalk) testkit.Command { return testkit.NoticeGet(s, w.appID) }, nil},
		{"draft delete", contracts.TypeDraftDelete, domain.ActEditDraft,
			func(s testkit.Session, w *authzWalk) testkit.Command { return testkit.DraftDelete(s, w.deleteID) }, nil},
		{"logout", contracts.TypeLogout, domain.ActLogout,
			func(s testkit.Session, _ *authzWalk) testkit.Command { return testkit.Logout(s) }, nil},
	}
}

func authzInput(e service.DemoEmployee) contracts.ApplicationInput {
	return contracts.ApplicationInput{DocumentType: e.Document.DocumentType, FIN: e.Document.FIN,
		SSN: e.Insured.SSN, Reason: contracts.ReasonCertificateLost}
}

func recordHeader(r testkit.Received, key string) string {
	for _, h := range r.Headers {
		if strings.EqualFold(h.Key, key) {
			return string(h.Value)
		}
	}
	return ""
}

// authzOutcome is a reply's result type, or its refusal code.
func authzOutcome(r testkit.Reply) string {
	if r.OK() {
		return r.Type()
	}
	return r.Code()
}

// Issue 8: every cell of the authorisation matrix (roles × actions), walked
// through Kafka for each kind of principal, and every cross-insurer attempt.
func TestAuthzMatrixThroughHandlers(t *testing.T) {
	t.Parallel()
	h := testkit.Start(t, testkit.Options{})
	voenA, voenB := testkit.Insurer.VOEN, testkit.OtherInsurer.VOEN

	// The matrix, written out by hand, must agree with domain.Allowed: a
	// change to either shows up here.
	actions := []domain.Action{domain.ActLogout, domain.ActViewProfile, domain.ActManageGrants,
		domain.ActLookupPerson, domain.ActEditDraft, domain.ActSubmit, domain.ActViewRegistry}
	handWritten := map[domain.Role]map[domain.Action]bool{
		domain.RoleOwner: {domain.ActLogout: true, domain.ActViewProfile: true, domain.ActManageGrants: true,
			domain.ActLookupPerson: true, domain.ActEditDraft: true, domain.ActSubmit: true, domain.ActViewRegistry: true},
		domain.RoleDelegate: {domain.ActLogout: true, domain.ActViewProfile: true, domain.ActManageGrants: false,
			domain.ActLookupPerson: true, domain.ActEditDraft: true, domain.ActSubmit: true, domain.ActViewRegistry: true},
	}
	for role, row := range handWritten {
		for _, a := range actions {
			require.Equal(t, row[a], domain.Allowed(role, a), "matrix cell (%s, %s): hand-written vs domain.Allowed", role, a)
		}
	}
	for _, a := range actions {
		require.False(t, domain.Allowed(domain.Role("backoffice"), a), "a role outside the matrix may %s", a)
		require.False(t, domain.Allowed(domain.Role(""), a), "the empty role may %s", a)
	}

	// The cells cover every portal command type but login.
	cells := authzCells()
	var covered, portal []string
	for _, c := range cells {
		covered = append(covered, c.typ)
	}
	for typ := range contracts.ResultTypeOf {
		if typ != contracts.TypeLogin {
			portal = append(portal, typ)
		}
	}
	require.ElementsMatch(t, portal, covered, "every portal command type has a cell")

	// Principals of insurer A.
	var ownerLogin contracts.LoginResult
	h.MustOK(h.Request(testkit.DirectorLogin(voenA)), contracts.TypeLoginResult, &ownerLogin)
	require.Equal(t, contracts.RoleOwner, ownerLogin.Role)
	ownerA := testkit.Session{ID: ownerLogin.SessionID, VOEN: voenA}
	var deputyGrant contracts.GrantCreateResult
	h.MustOK(h.Request(testkit.GrantToDeputy(ownerA)), contracts.TypeGrantCreateResult, &deputyGrant)
	var deputyLogin contracts.LoginResult
	h.MustOK(h.Request(testkit.DeputyAsanLogin(voenA)), contracts.TypeLoginResult, &deputyLogin)
	require.Equal(t, contracts.RoleDelegate, deputyLogin.Role)
	deputyA := testkit.Session{ID: deputyLogin.SessionID, VOEN: voenA}

	// A delegate whose grant is for another service cannot even log in.
	const otherSvcFIN, otherSvcCard = "8QWE4RT", "RYTN00777001"
	var otherSvcGrant contracts.GrantCreateResult
	h.MustOK(h.Request(testkit.GrantToDeputy(ownerA, func(g *contracts.GrantCreate) {
		g.Service = contracts.ServiceOnlineReports
		g.Grantee = contracts.Grantee{Method: contracts.MethodESignCard, CardNumber: otherSvcCard, FIN: otherSvcFIN}
	})), contracts.TypeGrantCreateResult, &otherSvcGrant)
	otherSvcLogin := testkit.DirectorLogin(voenA, func(a *contracts.LoginAssertion) {
		a.SignerFIN, a.Card.CardNumber, a.StampAuthority = otherSvcFIN, otherSvcCard, false
	})
	require.Equal(t, "NO_AUTHORITY", h.Request(otherSvcLogin).Code(), "a grant for another service opens no session")
	h.WaitEvent(contracts.TypeCommandRejected, func(e contracts.Envelope) bool {
		var ev contracts.CommandRejected
		return json.Unmarshal(e.Data, &ev) == nil && ev.CommandID == otherSvcLogin.ID && ev.Code == "NO_AUTHORITY"
	})
	// The session id such a login would have had (the adapter derives it
	// from the command id) was never opened.
	otherSvcSession := testkit.Session{ID: uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:dsmf:ssc:session:"+otherSvcLogin.ID)).String(), VOEN: voenA}

	// Insurer B's objects, for the cross-insurer attempts.
	ownerB := h.Login(testkit.DirectorLogin(voenB))
	var bGrant contracts.GrantCreateResult
	h.MustOK(h.Request(testkit.GrantToDeputy(ownerB)), contracts.TypeGrantCreateResult, &bGrant)
	var bSaved contracts.DraftSaveResult
	h.MustOK(h.Request(testkit.DraftSave(ownerB, func(d *contracts.DraftSave) {
		d.ApplicationInput = authzInput(testkit.OtherEmployee())
	})), contracts.TypeDraftSaveResult, &bSaved)
	bSubmittedID := bSaved.Application.ApplicationID
	h.MustOK(h.Request(testkit.SubmitDraft(ownerB, bSubmittedID)), contracts.TypeSubmitResult, nil)
	h.MustOK(h.Request(testkit.DraftSave(ownerB, func(d *contracts.DraftSave) {
		d.ApplicationInput = authzInput(testkit.OtherEmployee())
		d.Reason = contracts.ReasonDataError
	})), contracts.TypeDraftSaveResult, &bSaved)
	bDraftID := bSaved.Application.ApplicationID

	// Drafts for the delete cells, saved by the owner beforehand.
	draftOf := func(e service.DemoEmployee) string {
		var res contracts.DraftSaveResult
		h.MustOK(h.Request(testkit.DraftSave(ownerA, func(d *contracts.DraftSave) { d.ApplicationInput = authzInput(e) })),
			contracts.TypeDraftSaveResult, &res)
		return res.Application.ApplicationID
	}

	type result struct{ principal, cell, want, got string }
	var table []result
	check := func(principal, cell, want string, r testkit.Reply) bool {
		t.Helper()
		got := authzOutcome(r)
		table = append(table, result{principal, cell, want, got})
		if !assert.Equal(t, want, got, "cell (%s, %s)", principal, cell) {
			if !r.OK() {
				t.Logf("  refusal detail: %s", r.Error().Detail)
			}
			return false
		}
		if !r.OK() {
			e := r.Error()
			assert.NotEmpty(t, e.Message.AZ, "cell (%s, %s): refusal lacks its Azerbaijani message", principal, cell)
			assert.NotEmpty(t, e.Message.EN, "cell (%s, %s): refusal lacks its English message", principal, cell)
		}
		return true
	}

	// Owner and delegate: each cell is a success or OWNER_ONLY, as the
	// hand-written matrix says.
	roles := []struct {
		name    string
		role    domain.Role
		session testkit.Session
		walk    *authzWalk
	}{
		{"owner", domain.RoleOwner, ownerA, &authzWalk{employee: testkit.Employee(),
			grantee:  contracts.Grantee{Method: contracts.MethodESignCard, CardNumber: "RYTN00777002", FIN: "8QWE4RU"},
			deleteID: draftOf(testkit.MigrantEmployee())}},
		{"delegate", domain.RoleDelegate, deputyA, &authzWalk{employee: testkit.SecondEmployee(),
			grantee: contracts.Grantee{Method: contracts.MethodESignCard, CardNumber: "RYTN00777003", FIN: "8QWE4RV"},
			// A real grant of A's, so only the role can refuse the revoke.
			revokeID: otherSvcGrant.Grant.GrantID,
			deleteID: draftOf(testkit.MigrantEmployee())}},
	}
	var ownerAppID string
	for _, p := range roles {
		for _, c := range cells {
			want := contracts.ResultTypeOf[c.typ]
			if !handWritten[p.role][c.action] {
				want = "OWNER_ONLY"
			}
			r := h.Request(c.build(p.session, p.walk))
			if check(p.name, c.name, want, r) && r.OK() && c.after != nil {
				c.after(t, r, p.walk)
			}
		}
		assert.Equal(t, "SESSION_CLOSED", h.Request(testkit.ProfileGet(p.session)).Code(), "%s: logout closed the session", p.name)
		if p.role == domain.RoleOwner {
			ownerAppID = p.walk.appID
		}
	}
	require.NotEmpty(t, ownerAppID, "the owner's walk made an application")

	// The delegate whose grant is for another service: its login was
	// refused, so every command naming the session it would have had is
	// refused as an unknown session.
	for _, c := range cells {
		w := &authzWalk{employee: testkit.Employee(), revokeID: otherSvcGrant.Grant.GrantID, appID: ownerAppID,
			deleteID: ownerAppID, grantee: contracts.Grantee{Method: contracts.MethodESignCard, CardNumber: "RYTN00777004", FIN: "8QWE4RW"}}
		check("delegate (other service)", c.name, "SESSION_UNKNOWN", h.Request(c.build(otherSvcSession, w)))
	}

	// The back office acts only through its own topic. Every portal command
	// sent there (login included) is dead-lettered as an unknown type, with
	// no reply and no effect.
	ownerA = h.Login(testkit.DirectorLogin(voenA))
	var onBackOfficeTopic []string
	boCells := append([]authzCell{{name: "login", typ: contracts.TypeLogin,
		build: func(testkit.Session, *authzWalk) testkit.Command { return testkit.DirectorLogin(voenA) }}}, cells...)
	for _, c := range boCells {
		w := &authzWalk{employee: testkit.Employee(), revokeID: deputyGrant.Grant.GrantID, appID: ownerAppID,
			deleteID: ownerAppID, grantee: contracts.Grantee{Method: contracts.MethodESignCard, CardNumber: "RYTN00777005", FIN: "8QWE4RX"}}
		cmd := c.build(ownerA, w)
		cmd.Topic = contracts.TopicBackOfficeCommands
		h.Send(cmd)
		onBackOfficeTopic = append(onBackOfficeTopic, cmd.ID)
		dl, ok := h.Client.Wait(contracts.TopicDeadLetter, 15*time.Second, func(r testkit.Received) bool {
			return recordHeader(r, "ce_id") == cmd.ID
		})
		got := "no dead letter"
		if ok {
			got = recordHeader(dl, handlers.HeaderDLQCode)
			assert.Equal(t, contracts.TopicBackOfficeCommands, recordHeader(dl, handlers.HeaderDLQTopic), "back office, %s", c.name)
			assert.Equal(t, voenA, dl.Key, "back office, %s: the dead letter keeps the key", c.name)
		}
		table = append(table, result{"back office (portal type on its topic)", c.name, "UNKNOWN_MESSAGE_TYPE", got})
		assert.Equal(t, "UNKNOWN_MESSAGE_TYPE", got, "cell (back office, %s)", c.name)
	}

	// A decision on the portal topic is refused and changes nothing.
	onPortal := testkit.Decision(voenA, ownerAppID, contracts.DecisionTakeIntoProcessing)
	onPortal.Topic = contracts.TopicPortalCommands
	check("portal (decision type on its topic)", "decision", "UNKNOWN_MESSAGE_TYPE", h.Request(onPortal))
	dl, ok := h.Client.Wait(contracts.TopicDeadLetter, 15*time.Second, func(r testkit.Received) bool {
		return recordHeader(r, "ce_id") == onPortal.ID
	})
	if assert.True(t, ok, "the decision on the portal topic is dead-lettered") {
		assert.Equal(t, "UNKNOWN_MESSAGE_TYPE", recordHeader(dl, handlers.HeaderDLQCode))
		assert.Equal(t, contracts.TopicPortalCommands, recordHeader(dl, handlers.HeaderDLQTopic))
	}
	var view contracts.ApplicationGetResult
	h.MustOK(h.Request(testkit.ApplicationGet(ownerA, ownerAppID)), contracts.TypeApplicationGetResult, &view)
	assert.Equal(t, contracts.StatusSubmitted, view.Application.Status, "a decision on the portal topic has no effect")

	// The same decision on the back-office topic is accepted.
	decision := testkit.Decision(voenA, ownerAppID, contracts.DecisionTakeIntoProcessing)
	h.Send(decision)
	moved := h.WaitEvent(contracts.TypeApplicationStatusMoved, func(e contracts.Envelope) bool {
		var ev contracts.ApplicationStatusChanged
		return json.Unmarshal(e.Data, &ev) == nil && ev.CommandID == decision.ID
	})
	table = append(table, result{"back office", "decision", contracts.TypeApplicationStatusMoved, moved.Type})
	h.WaitNotice(ownerAppID, 2)
	h.MustOK(h.Request(testkit.ApplicationGet(ownerA, ownerAppID)), contracts.TypeApplicationGetResult, &view)
	assert.Equal(t, contracts.StatusInProcessing, view.Application.Status)

	// Cross-insurer attempts, by A's owner and A's delegate.
	deputyA = h.Login(testkit.DeputyAsanLogin(voenA))
	for _, p := range []struct {
		name    string
		session testkit.Session
		owner   bool
	}{{"owner", ownerA, true}, {"delegate", deputyA, false}} {
		principal := p.name + " of A"
		// Naming B's VÖEN with A's session: refused whatever the command.
		asB := testkit.Session{ID: p.session.ID, VOEN: voenB}
		for _, c := range cells {
			w := &authzWalk{employee: testkit.OtherEmployee(), revokeID: bGrant.Grant.GrantID, appID: bSubmittedID,
				deleteID: bDraftID, grantee: contracts.Grantee{Method: contracts.MethodESignCard, CardNumber: "RYTN00777006", FIN: "8QWE4RY"}}
			check(principal+" naming B's VÖEN", c.name, "WRONG_INSURER", h.Request(c.build(asB, w)))
		}
		h.MustOK(h.Request(testkit.ProfileGet(p.session)), contracts.TypeProfileResult, nil) // its logout was refused too

		// A's VÖEN, B's objects.
		s := p.session
		cross := []struct {
			cell string
			cmd  testkit.Command
			want string
		}{
			{"detailed view of B's application", testkit.ApplicationGet(s, bSubmittedID), "APPLICATION_NOT_FOUND"},
			{"notice of B's application", testkit.NoticeGet(s, bSubmittedID), "APPLICATION_NOT_FOUND"},
			{"delete B's draft", testkit.DraftDelete(s, bDraftID), "APPLICATION_NOT_FOUND"},
			{"submit B's draft", testkit.SubmitDraft(s, bDraftID), "APPLICATION_NOT_FOUND"},
			{"save over B's draft", testkit.DraftSave(s, func(d *contracts.DraftSave) {
				// A's own employee, so only the application id is B's.
				d.ApplicationID, d.ApplicationInput = bDraftID, authzInput(testkit.SecondEmployee())
			}), "APPLICATION_NOT_FOUND"},
			{"look up B's employee", testkit.PersonLookup(s, func(l *contracts.PersonLookup) {
				e := testkit.OtherEmployee()
				l.DocumentType, l.FIN, l.SSN = e.Document.DocumentType, e.Document.FIN, e.Insured.SSN
			}), "NOT_INSURED_BY_INSURER"},
			{"save a draft for B's employee", testkit.DraftSave(s, func(d *contracts.DraftSave) {
				d.ApplicationInput = authzInput(testkit.OtherEmployee())
			}), "NOT_INSURED_BY_INSURER"},
			{"submit for B's employee", testkit.SubmitNew(s, func(in *contracts.ApplicationInput) {
				*in = authzInput(testkit.OtherEmployee())
			}), "NOT_INSURED_BY_INSURER"},
		}
		revokeWant := "GRANT_NOT_FOUND"
		if !p.owner {
			revokeWant = "OWNER_ONLY" // the role is checked before the grant
		}
		cross = append(cross, struct {
			cell string
			cmd  testkit.Command
			want string
		}{"revoke B's grant", testkit.GrantRevoke(s, bGrant.Grant.GrantID), revokeWant})
		for _, x := range cross {
			check(principal, x.cell, x.want, h.Request(x.cmd))
		}
		// A's registry does not list B's application, even searched by its FIN.
		var reg contracts.RegistrySearchResult
		h.MustOK(h.Request(testkit.RegistrySearch(s, func(r *contracts.RegistrySearch) {
			r.Filter.FIN = testkit.OtherEmployee().Document.FIN
		})), contracts.TypeRegistrySearchResult, &reg)
		assert.Empty(t, reg.Rows, "%s: A's registry lists B's application", principal)
	}

	// The back office names A's VÖEN but B's application: refused, and the
	// refusal is recorded on the log.
	wrongApp := testkit.Decision(voenA, bSubmittedID, contracts.DecisionTakeIntoProcessing)
	h.Send(wrongApp)
	rejected := h.WaitEvent(contracts.TypeCommandRejected, func(e contracts.Envelope) bool {
		var ev contracts.CommandRejected
		return json.Unmarshal(e.Data, &ev) == nil && ev.CommandID == wrongApp.ID
	})
	var rej contracts.CommandRejected
	require.NoError(t, json.Unmarshal(rejected.Data, &rej))
	table = append(table, result{"back office", "decision naming A's VÖEN and B's application", "APPLICATION_NOT_FOUND", rej.Code})
	assert.Equal(t, "APPLICATION_NOT_FOUND", rej.Code)
	assert.Equal(t, voenA, rejected.Key)

	// B's objects are as B left them.
	h.MustOK(h.Request(testkit.ApplicationGet(ownerB, bSubmittedID)), contracts.TypeApplicationGetResult, &view)
	assert.Equal(t, contracts.StatusSubmitted, view.Application.Status, "B's submitted application")
	h.MustOK(h.Request(testkit.ApplicationGet(ownerB, bDraftID)), contracts.TypeApplicationGetResult, &view)
	assert.Equal(t, contracts.StatusDraft, view.Application.Status, "B's draft")
	assert.Equal(t, testkit.OtherEmployee().Insured.SSN, view.Application.Person.SSN, "B's draft still names B's employee")
	var grants contracts.GrantListResult
	h.MustOK(h.Request(testkit.GrantList(ownerB)), contracts.TypeGrantListResult, &grants)
	assert.Equal(t, []string{bGrant.Grant.GrantID}, grantIDs(grants.Grants), "B's grants")
	// A's grants: the deputy's and the other-service one; the owner's own
	// grant was revoked, the delegate's create and revoke had no effect.
	h.MustOK(h.Request(testkit.GrantList(ownerA)), contracts.TypeGrantListResult, &grants)
	assert.ElementsMatch(t, []string{deputyGrant.Grant.GrantID, otherSvcGrant.Grant.GrantID}, grantIDs(grants.Grants), "A's grants")

	// Nothing sent on the back-office topic was answered or recorded.
	for _, id := range onBackOfficeTopic {
		assert.Empty(t, h.Replies(id), "a portal command on the back-office topic was answered")
		assert.Empty(t, h.Client.All(contracts.TopicEvents, func(r testkit.Received) bool {
			return strings.Contains(string(r.Raw), id)
		}), "a portal command on the back-office topic left an event")
	}

	sort.SliceStable(table, func(i, j int) bool { return table[i].principal < table[j].principal })
	var b strings.Builder
	for _, r := range table {
		mark := "ok"
		if r.want != r.got {
			mark = "MISMATCH"
		}
		fmt.Fprintf(&b, "%-8s %-45s %-45s want %-45s got %s\n", mark, r.principal, r.cell, shortType(r.want), shortType(r.got))
	}
	t.Logf("authorisation matrix through Kafka (%d cells):\n%s", len(table), b.String())
}

func grantIDs(gs []contracts.Grant) []string {
	out := []string{}
	for _, g := range gs {
		out = append(out, g.GrantID)
	}
	return out
}

func shortType(s string) string { return strings.TrimPrefix(s, contracts.TypePrefix) }
