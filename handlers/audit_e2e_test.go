package handlers_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/handlers"
	"github.com/dsmf/ssc-adapter/testkit"
)

// auditOf decodes an audit record read from the audit topic.
func auditOf(t *testing.T, r testkit.Received) contracts.AuditRecord {
	t.Helper()
	var rec contracts.AuditRecord
	require.NoError(t, json.Unmarshal(r.Raw, &rec), "%s", r.Raw)
	return rec
}

// Issue 8: every command taken from a command topic leaves one audit record
// through Kafka (accepted state changes and queries, refusals, dead-lettered
// records, back-office decisions) with who, what, when, outcome and code,
// and none of them holds personal data. A command delivered twice is audited
// twice with the same outcome, which a consumer deduplicates by command id
// and outcome.
func TestEveryCommandLeavesOneAuditRecord(t *testing.T) {
	t.Parallel()
	h := testkit.Start(t, testkit.Options{})
	voen, other := testkit.Insurer.VOEN, testkit.OtherInsurer.VOEN
	emp := testkit.Employee()
	const (
		grantFIN    = "7GRT5NB"      // a signer with neither stamp nor grant
		grantCard   = "RYTN00555123" // and their card
		mistypedFIN = "5ZK8T38B"     // one character too many
	)

	type want struct {
		outcome, code, typ, voen, session, role, topic string
	}
	expect := map[string]want{}
	portal := func(c testkit.Command, outcome, code, session, role string) {
		expect[c.ID] = want{outcome, code, c.Type, c.Key, session, role, contracts.TopicPortalCommands}
	}
	ok, refused := contracts.AuditAccepted, contracts.AuditRefused
	owner, delegate := contracts.RoleOwner, contracts.RoleDelegate

	// Accepted: logins, a query, a grant, a look-up full of personal data.
	ownerLogin := testkit.DirectorLogin(voen)
	ownerSession := h.Login(ownerLogin)
	portal(ownerLogin, ok, "", ownerSession.ID, owner)
	profile := testkit.ProfileGet(ownerSession)
	h.MustOK(h.Request(profile), contracts.TypeProfileResult, nil)
	portal(profile, ok, "", ownerSession.ID, owner)
	grant := testkit.GrantToDeputy(ownerSession)
	h.MustOK(h.Request(grant), contracts.TypeGrantCreateResult, nil)
	portal(grant, ok, "", ownerSession.ID, owner)
	deputyLogin := testkit.DeputyAsanLogin(voen)
	deputy := h.Login(deputyLogin)
	portal(deputyLogin, ok, "", deputy.ID, delegate)
	lookup := testkit.PersonLookup(deputy)
	h.MustOK(h.Request(lookup), contracts.TypePersonLookupResult, nil)
	portal(lookup, ok, "", deputy.ID, delegate)

	// Refused: another insurer's data (a query and a state change), a
	// delegate doing the owner's part, a signer without authority, a
	// mistyped FIN.
	for _, r := range []struct {
		c          testkit.Command
		code, role string
		session    string
	}{
		{testkit.ProfileGet(testkit.Session{ID: ownerSession.ID, VOEN: other}), "WRONG_INSURER", owner, ownerSession.ID},
		{testkit.GrantToDeputy(testkit.Session{ID: deputy.ID, VOEN: other}), "WRONG_INSURER", delegate, deputy.ID},
		{testkit.GrantList(deputy), "OWNER_ONLY", delegate, deputy.ID},
		{testkit.DirectorLogin(voen, func(a *contracts.LoginAssertion) {
			a.SignerFIN, a.Card.CardNumber, a.StampAuthority = grantFIN, grantCard, false
		}), "NO_AUTHORITY", "", ""},
		{testkit.PersonLookup(deputy, func(l *contracts.PersonLookup) { l.FIN = mistypedFIN }), "INVALID_FIN", delegate, deputy.ID},
	} {
		assert.Equal(t, r.code, h.Request(r.c).Code())
		portal(r.c, refused, r.code, r.session, r.role)
	}

	// A submission, then the back office: one decision taken, one refused.
	submit := testkit.SubmitNew(ownerSession)
	var submitted contracts.SubmitResult
	h.MustOK(h.Request(submit), contracts.TypeSubmitResult, &submitted)
	portal(submit, ok, "", ownerSession.ID, owner)
	appID := submitted.Application.ApplicationID
	for _, d := range []struct {
		c             testkit.Command
		outcome, code string
	}{
		{testkit.Decision(voen, appID, contracts.DecisionTakeIntoProcessing), ok, ""},
		{testkit.Decision(voen, "no-such-application", contracts.DecisionReject), refused, "APPLICATION_NOT_FOUND"},
	} {
		h.Send(d.c)
		expect[d.c.ID] = want{d.outcome, d.code, contracts.TypeDecision, voen, "", "", contracts.TopicBackOfficeCommands}
	}

	// Malformed records carrying personal data, each dead-lettered; the last
	// has no envelope, hence no command id.
	person := fmt.Sprintf(`"documentType":%q,"fin":%q,"ssn":%q,"surname":%q`,
		emp.Document.DocumentType, emp.Document.FIN, emp.Insured.SSN, emp.Document.Surname)
	for _, m := range []struct {
		id, typ, value, code, session, role string
	}{
		{"audit-not-json", contracts.TypePersonLookup, `{"sessionId":"` + deputy.ID + `",` + person, "MALFORMED_MESSAGE", "", ""},
		{"audit-schema", contracts.TypePersonLookup, `{"sessionId":"` + deputy.ID + `","insurerVoen":"` + voen + `",` + person +
			`,"phone":"` + testkit.DeputyPhone + `"}`, "SCHEMA_VIOLATION", deputy.ID, delegate},
		{"audit-type", "az.gov.dsmf.ssc.person.export.v1", `{` + person + `}`, "UNKNOWN_MESSAGE_TYPE", "", ""},
	} {
		require.NoError(t, h.Client.ProduceRaw(contracts.TopicPortalCommands, voen, ceHeaders(m.id, m.typ), []byte(m.value)))
		typ := m.typ
		if m.code == "UNKNOWN_MESSAGE_TYPE" {
			typ = "" // not a type of the contract: not copied
		}
		expect[m.id] = want{contracts.AuditDeadLettered, m.code, typ, voen, m.session, m.role, contracts.TopicPortalCommands}
	}
	noEnvelope := `{"insurerVoen":"` + voen + `",` + person + `}`
	require.NoError(t, h.Client.ProduceRaw(contracts.TopicPortalCommands, voen, nil, []byte(noEnvelope)))

	// Delivered twice: answered again from its recorded outcome, audited again.
	h.Send(submit)

	logout := testkit.Logout(deputy)
	h.MustOK(h.Request(logout), contracts.TypeLogoutResult, nil)
	portal(logout, ok, "", deputy.ID, delegate)

	// Wait for every record, then a little longer for any extra one.
	timeout := 15 * time.Second
	for id := range expect {
		_, found := h.Client.Wait(contracts.TopicAudit, timeout, func(r testkit.Received) bool { return auditOf(t, r).CommandID == id })
		require.True(t, found, "no audit record of command %s", id)
	}
	noID, found := h.Client.Wait(contracts.TopicAudit, timeout, func(r testkit.Received) bool { return auditOf(t, r).CommandID == "" })
	require.True(t, found, "no audit record of the record without an envelope")
	require.Eventually(t, func() bool {
		offsets := map[int64]bool{}
		for _, r := range h.Client.All(contracts.TopicAudit, func(r testkit.Received) bool { return auditOf(t, r).CommandID == submit.ID }) {
			offsets[auditOf(t, r).SourceOffset] = true
		}
		return len(offsets) == 2
	}, timeout, 10*time.Millisecond, "the submission sent twice is audited twice")
	time.Sleep(300 * time.Millisecond)

	// Kafka may redeliver a record (a rebalance while the group settles):
	// its audit record then comes again with the same id, which is how an
	// audit consumer deduplicates. Count each id once.
	var all []testkit.Received
	seen := map[string]bool{}
	for _, r := range h.Client.All(contracts.TopicAudit, nil) {
		if !seen[r.Envelope.ID] {
			seen[r.Envelope.ID] = true
			all = append(all, r)
		}
	}
	assert.Len(t, all, len(expect)+2, "one record per command sent: the commands, the record without an envelope, the repeat")
	byID := map[string][]contracts.AuditRecord{}
	for _, r := range all {
		require.NoError(t, contracts.ValidatePayload(contracts.TypeAudit, r.Raw), "%s", r.Raw)
		assert.Equal(t, contracts.TypeAudit, r.Envelope.Type)
		assert.Equal(t, contracts.SourceAdapter, r.Envelope.Source)
		rec := auditOf(t, r)
		assert.Equal(t, rec.CommandID, r.Envelope.Extension(contracts.ExtensionCorrelationID))
		assert.Equal(t, rec.At, r.Envelope.Time)
		if rec.InsurerVOEN != "" {
			assert.Equal(t, rec.InsurerVOEN, r.Key, "keyed by the insurer")
		}
		byID[rec.CommandID] = append(byID[rec.CommandID], rec)
	}
	for id, w := range expect {
		recs := byID[id]
		wantN := 1
		if id == submit.ID {
			wantN = 2
		}
		if !assert.Len(t, recs, wantN, "audit records of command %s (%s)", id, w.typ) {
			continue
		}
		rec := recs[0]
		var dlqID string
		if w.outcome == contracts.AuditDeadLettered {
			dlqID = contracts.DeadLetterID(w.topic, rec.SourcePartition, rec.SourceOffset)
		}
		principal := contracts.AuditPrincipalPortal
		if w.topic == contracts.TopicBackOfficeCommands {
			principal = contracts.AuditPrincipalBackOffice
		}
		assert.Equal(t, contracts.AuditRecord{CommandID: id, CommandType: w.typ, InsurerVOEN: w.voen, SessionID: w.session,
			Role: w.role, PrincipalKind: principal, Outcome: w.outcome, Code: w.code, At: rec.At, SourceTopic: w.topic,
			SourcePartition: rec.SourcePartition, SourceOffset: rec.SourceOffset, DeadLetterID: dlqID}, rec, "command %s (%s)", id, w.typ)
		assert.False(t, rec.At.IsZero())
	}
	// The repeat carries the recorded outcome and decision time; deduplicated
	// by command id and outcome, the submission is one line.
	repeat := byID[submit.ID]
	require.Len(t, repeat, 2)
	assert.Equal(t, repeat[0].Outcome, repeat[1].Outcome)
	assert.Equal(t, repeat[0].At, repeat[1].At, "a state change is audited with its recorded decision time")
	assert.NotEqual(t, repeat[0].SourceOffset, repeat[1].SourceOffset, "two deliveries, two records")
	lines := map[string]bool{}
	for _, r := range all {
		rec := auditOf(t, r)
		key := rec.CommandID + "/" + rec.Outcome
		if rec.CommandID == "" {
			key = rec.SourceTopic + "/" + strconv.Itoa(int(rec.SourcePartition)) + "/" + strconv.FormatInt(rec.SourceOffset, 10)
		}
		lines[key] = true
	}
	assert.Len(t, lines, len(expect)+1, "deduplicated: one line per command")

	// The record without an envelope: no id, no type, its insurer from the
	// key, and the same place as its dead letter.
	rec := auditOf(t, noID)
	assert.Equal(t, contracts.AuditRecord{InsurerVOEN: voen, PrincipalKind: contracts.AuditPrincipalPortal,
		Outcome: contracts.AuditDeadLettered, Code: "MALFORMED_MESSAGE", At: rec.At, SourceTopic: contracts.TopicPortalCommands,
		SourcePartition: rec.SourcePartition, SourceOffset: rec.SourceOffset, DeadLetterID: rec.DeadLetterID}, rec)
	dl, found := h.Client.Wait(contracts.TopicDeadLetter, timeout, func(r testkit.Received) bool { return string(r.Raw) == noEnvelope })
	require.True(t, found)
	assert.Equal(t, header(dl, handlers.HeaderDLQID), rec.DeadLetterID, "the audit record names its dead letter")
	assert.Equal(t, strconv.Itoa(int(rec.SourcePartition)), header(dl, handlers.HeaderDLQPartition))
	assert.Equal(t, strconv.FormatInt(rec.SourceOffset, 10), header(dl, handlers.HeaderDLQOffset))

	// No personal data anywhere in the trail: values, headers, keys.
	data := []datum{
		{"signer FIN", testkit.DirectorFIN}, {"signer card", testkit.DirectorCard}, {"signer name", "SƏMİR QƏLƏYEV"},
		{"signer FIN", testkit.DeputyFIN}, {"signer phone", testkit.DeputyPhone},
		{"signer FIN", grantFIN}, {"signer card", grantCard}, {"mistyped FIN", mistypedFIN},
	}
	for _, e := range testkit.Employees {
		d := e.Document
		data = append(data, datum{"FIN", d.FIN}, datum{"SSN", e.Insured.SSN}, datum{"surname", d.Surname},
			datum{"name", d.Name}, datum{"patronymic", d.Patronymic}, datum{"document number", d.DocumentNumber},
			datum{"birth date", d.BirthDate}, datum{"birth place", d.BirthPlace})
	}
	var leaks []string
	for i, r := range all {
		texts := []string{"value " + string(r.Raw), "key " + r.Key}
		for _, hd := range r.Headers {
			texts = append(texts, "header "+hd.Key+" "+string(hd.Value))
		}
		for _, s := range texts {
			for _, d := range piiIn(s, data) {
				where, _, _ := strings.Cut(s, " ")
				leaks = append(leaks, fmt.Sprintf("audit record %d %s: %s %q", i, where, d.kind, mask(d.value)))
			}
		}
	}
	if len(leaks) > 0 {
		t.Errorf("personal data in the audit trail, %d place(s):\n  %s", len(leaks), strings.Join(leaks, "\n  "))
	}
}
