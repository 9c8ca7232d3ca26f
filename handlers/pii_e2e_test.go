package handlers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/handlers"
	"github.com/dsmf/ssc-adapter/testkit"
)

// lockedBuffer is a log sink safe to read while the adapter writes to it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Split(strings.TrimRight(b.buf.String(), "\n"), "\n")
}

// datum is one piece of personal data and what kind it is.
type datum struct{ kind, value string }

// mask shows a datum's first two characters only, so a failing test does
// not print the personal data it found.
func mask(s string) string {
	r := []rune(s)
	if len(r) <= 2 {
		return "…"
	}
	return string(r[:2]) + "…"
}

// piiIn returns the data found in s. ASCII identifiers (FIN, SSN, card,
// phone) are matched regardless of case, so a lower-cased copy is caught too.
func piiIn(s string, data []datum) []datum {
	var found []datum
	upper := strings.ToUpper(s)
	for _, d := range data {
		if strings.Contains(s, d.value) || (isASCII(d.value) && strings.Contains(upper, strings.ToUpper(d.value))) {
			found = append(found, d)
		}
	}
	return found
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Issue 8: a full walk-through, with every log line (DEBUG, JSON, the
// adapter's and watermill's) and every metric label scanned for the
// fixtures' personal data; dead-letter reasons hold none of it; query
// results never reach the event log.
func TestPIIStaysOutOfLogsAndMetrics(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	h := testkit.Start(t, testkit.Options{
		Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	voen := testkit.Insurer.VOEN
	emp, second, migrant := testkit.Employee(), testkit.SecondEmployee(), testkit.MigrantEmployee()
	expired, stranger := testkit.ExpiredDocumentEmployee(), testkit.OtherEmployee()
	const (
		mistypedFIN    = "5ZK8T38B"         // one character too many
		mistypedSigner = "4dpt9uy"          // the deputy's FIN, lower-cased
		mistypedSSN    = "120001985031"     // one digit short
		directorName   = "SƏMİR QƏLƏYEV"    // the director's card subject
		grantFIN       = "7GRT5NB"          // a card grantee's FIN
		grantCard      = "RYTN00555123"     // and card number
		grantPhone     = "+994557654321"    // an Asan grantee's phone
		grantPhoneFIN  = "6PHN3QZ"          // and FIN
		lookupSurname  = "ƏLİYEVA"          // a registry search filter
		badJSONPrefix  = `{"sessionId":"x"` // a not-JSON record, below
	)

	// Owner logs in, sees the profile, grants the deputy; the deputy logs in.
	owner := h.Login(testkit.DirectorLogin(voen))
	h.MustOK(h.Request(testkit.ProfileGet(owner)), contracts.TypeProfileResult, nil)
	h.MustOK(h.Request(testkit.GrantToDeputy(owner)), contracts.TypeGrantCreateResult, nil)
	h.MustOK(h.Request(testkit.GrantToDeputy(owner, func(g *contracts.GrantCreate) {
		g.Service = contracts.ServiceDeathNotice
		g.Grantee = contracts.Grantee{Method: contracts.MethodESignCard, CardNumber: grantCard, FIN: grantFIN}
	})), contracts.TypeGrantCreateResult, nil)
	var card contracts.GrantCreateResult
	h.MustOK(h.Request(testkit.GrantToDeputy(owner, func(g *contracts.GrantCreate) {
		g.Grantee = contracts.Grantee{Method: contracts.MethodAsanImza, Phone: grantPhone, FIN: grantPhoneFIN}
	})), contracts.TypeGrantCreateResult, &card)
	h.MustOK(h.Request(testkit.GrantList(owner)), contracts.TypeGrantListResult, nil)
	h.MustOK(h.Request(testkit.GrantRevoke(owner, card.Grant.GrantID)), contracts.TypeGrantRevokeResult, nil)
	deputy := h.Login(testkit.DeputyAsanLogin(voen))
	// Refused logins: no grant, mistyped FIN.
	assert.Equal(t, "NO_AUTHORITY", h.Request(testkit.DirectorLogin(voen, func(a *contracts.LoginAssertion) {
		a.SignerFIN, a.Card.CardNumber, a.StampAuthority = grantFIN, grantCard, false
	})).Code())
	assert.Equal(t, "INVALID_FIN", h.Request(testkit.DeputyAsanLogin(voen, func(a *contracts.LoginAssertion) {
		a.SignerFIN = mistypedSigner
	})).Code())
	assert.Equal(t, "OWNER_ONLY", h.Request(testkit.GrantList(deputy)).Code())

	// Look-ups, found and refused.
	lookup := func(s testkit.Session, docType, fin, ssn string) testkit.Reply {
		return h.Request(testkit.PersonLookup(s, func(l *contracts.PersonLookup) { l.DocumentType, l.FIN, l.SSN = docType, fin, ssn }))
	}
	var lookupIDs []string
	for _, x := range []struct {
		docType, fin, ssn, want string
	}{
		{emp.Document.DocumentType, emp.Document.FIN, emp.Insured.SSN, ""},
		{second.Document.DocumentType, second.Document.FIN, second.Insured.SSN, ""},
		{migrant.Document.DocumentType, migrant.Document.FIN, migrant.Insured.SSN, ""},
		{stranger.Document.DocumentType, stranger.Document.FIN, stranger.Insured.SSN, "NOT_INSURED_BY_INSURER"},
		{expired.Document.DocumentType, expired.Document.FIN, expired.Insured.SSN, "DOCUMENT_EXPIRED"},
		{emp.Document.DocumentType, emp.Document.FIN, second.Insured.SSN, "SSN_FIN_MISMATCH"},
		{contracts.DocumentIDCard, migrant.Document.FIN, migrant.Insured.SSN, "DOCUMENT_NOT_FOUND"},
		{emp.Document.DocumentType, mistypedFIN, emp.Insured.SSN, "INVALID_FIN"},
		{emp.Document.DocumentType, emp.Document.FIN, mistypedSSN, "INVALID_SSN"},
	} {
		r := lookup(deputy, x.docType, x.fin, x.ssn)
		lookupIDs = append(lookupIDs, r.Envelope.Extension(contracts.ExtensionCorrelationID))
		if x.want == "" {
			h.MustOK(r, contracts.TypePersonLookupResult, nil)
		} else {
			assert.Equal(t, x.want, r.Code())
		}
	}

	// Save, change, submit; refusals on the way; registry, view, notice.
	var saved contracts.DraftSaveResult
	h.MustOK(h.Request(testkit.DraftSave(deputy)), contracts.TypeDraftSaveResult, &saved)
	appID := saved.Application.ApplicationID
	h.MustOK(h.Request(testkit.DraftSave(deputy, func(d *contracts.DraftSave) {
		d.ApplicationID, d.Reason = appID, contracts.ReasonDataError
	})), contracts.TypeDraftSaveResult, nil)
	assert.Equal(t, "NOT_INSURED_BY_INSURER", h.Request(testkit.DraftSave(deputy, func(d *contracts.DraftSave) {
		d.ApplicationInput = authzInput(stranger)
	})).Code())
	assert.Equal(t, "INVALID_FIN", h.Request(testkit.DraftSave(deputy, func(d *contracts.DraftSave) {
		d.FIN = mistypedFIN
	})).Code())
	h.MustOK(h.Request(testkit.SubmitDraft(deputy, appID)), contracts.TypeSubmitResult, nil)
	assert.Equal(t, "APPLICATION_ALREADY_OPEN", h.Request(testkit.SubmitNew(owner)).Code())
	var other contracts.SubmitResult
	h.MustOK(h.Request(testkit.SubmitNew(owner, func(in *contracts.ApplicationInput) {
		*in = authzInput(migrant)
	})), contracts.TypeSubmitResult, &other)
	var draft contracts.DraftSaveResult
	h.MustOK(h.Request(testkit.DraftSave(owner, func(d *contracts.DraftSave) {
		d.ApplicationInput = authzInput(second)
	})), contracts.TypeDraftSaveResult, &draft)
	assert.Equal(t, "APPLICATION_SIGNED", h.Request(testkit.DraftDelete(deputy, appID)).Code())
	h.MustOK(h.Request(testkit.DraftDelete(deputy, draft.Application.ApplicationID)), contracts.TypeDraftDeleteResult, nil)
	h.MustOK(h.Request(testkit.RegistrySearch(deputy, func(s *contracts.RegistrySearch) {
		s.Filter.Surname, s.Filter.FIN, s.Filter.SSN = lookupSurname, emp.Document.FIN, emp.Insured.SSN
	})), contracts.TypeRegistrySearchResult, nil)
	h.MustOK(h.Request(testkit.ApplicationGet(deputy, appID)), contracts.TypeApplicationGetResult, nil)

	// Back office: take into processing, issue; reject the other; a refused
	// move and an unknown application.
	decide := func(id, decision string) testkit.Command {
		c := testkit.Decision(voen, id, decision)
		h.Send(c)
		return c
	}
	decide(appID, contracts.DecisionTakeIntoProcessing)
	h.WaitNotice(appID, 2)
	decide(appID, contracts.DecisionIssueCertificate)
	h.WaitNotice(appID, 3)
	decide(other.Application.ApplicationID, contracts.DecisionReject)
	h.WaitNotice(other.Application.ApplicationID, 2)
	for _, c := range []testkit.Command{
		decide(appID, contracts.DecisionTakeIntoProcessing),
		decide("no-such-application", contracts.DecisionReject),
	} {
		h.WaitEvent(contracts.TypeCommandRejected, func(e contracts.Envelope) bool {
			return strings.Contains(string(e.Data), c.ID)
		})
	}
	var notice contracts.NoticeGetResult
	h.MustOK(h.Request(testkit.NoticeGet(deputy, appID)), contracts.TypeNoticeGetResult, &notice)
	assert.Equal(t, 3, notice.NoticeVersion)

	// Malformed records carrying personal data: not JSON, a schema
	// violation, and no envelope at all. Each is dead-lettered.
	personJSON := fmt.Sprintf(`"documentType":%q,"fin":%q,"ssn":%q`, emp.Document.DocumentType, emp.Document.FIN, emp.Insured.SSN)
	malformed := []struct {
		id      string
		headers []contracts.Header
		value   string
		code    string
	}{
		{"pii-not-json", piiCEHeaders("pii-not-json", contracts.TypePersonLookup),
			badJSONPrefix + `,"insurerVoen":"` + voen + `",` + personJSON + `,"surname":"` + emp.Document.Surname, "MALFORMED_MESSAGE"},
		{"pii-schema", piiCEHeaders("pii-schema", contracts.TypePersonLookup),
			`{"sessionId":"` + deputy.ID + `","insurerVoen":"` + voen + `",` + personJSON +
				`,"surname":"` + emp.Document.Surname + `","phone":"` + testkit.DeputyPhone + `","extra":"` + mistypedFIN + `"}`, "SCHEMA_VIOLATION"},
		{"", nil, `{"insurerVoen":"` + voen + `",` + personJSON + `}`, "MALFORMED_MESSAGE"},
	}
	for _, m := range malformed {
		require.NoError(t, h.Client.ProduceRaw(contracts.TopicPortalCommands, voen, m.headers, []byte(m.value)))
	}
	for _, m := range malformed {
		dl, ok := h.Client.Wait(contracts.TopicDeadLetter, 15*time.Second, func(r testkit.Received) bool {
			return string(r.Raw) == m.value
		})
		require.True(t, ok, "dead letter for %q", m.id)
		assert.Equal(t, m.code, recordHeader(dl, handlers.HeaderDLQCode))
		if m.id != "" {
			assert.Equal(t, m.code, h.WaitReply(m.id).Code())
		}
	}

	h.MustOK(h.Request(testkit.Logout(deputy)), contracts.TypeLogoutResult, nil)
	h.MustOK(h.Request(testkit.Logout(owner)), contracts.TypeLogoutResult, nil)

	// The personal data of every fixture person and signer, and what this
	// test typed in.
	data := []datum{
		{"signer FIN", testkit.DirectorFIN}, {"signer card", testkit.DirectorCard}, {"signer name", directorName},
		{"signer FIN", testkit.DeputyFIN}, {"signer phone", testkit.DeputyPhone},
		{"grantee FIN", grantFIN}, {"grantee card", grantCard}, {"grantee phone", grantPhone}, {"grantee FIN", grantPhoneFIN},
		{"mistyped FIN", mistypedFIN}, {"mistyped FIN", mistypedSigner}, {"mistyped SSN", mistypedSSN},
		{"search surname", lookupSurname},
	}
	for _, e := range testkit.Employees {
		d := e.Document
		data = append(data,
			datum{"FIN", d.FIN}, datum{"FIN", e.Insured.FIN}, datum{"SSN", e.Insured.SSN},
			datum{"surname", d.Surname}, datum{"name", d.Name}, datum{"patronymic", d.Patronymic},
			datum{"document number", d.DocumentNumber}, datum{"birth date", d.BirthDate},
			datum{"birth place", d.BirthPlace}, datum{"issuing authority", d.IssuingAuthority})
	}
	seen := map[string]bool{}
	unique := data[:0]
	for _, d := range data {
		require.NotEmpty(t, d.value, "datum %s is empty", d.kind)
		if !seen[d.value] {
			seen[d.value] = true
			unique = append(unique, d)
		}
	}
	data = unique

	// Logs. Stop the adapter first so its shutdown logs are scanned too.
	for _, in := range h.Instances() {
		in.Stop()
	}
	lines := logs.lines()
	var levels = map[string]int{}
	var msgs = map[string]bool{}
	var leaks []string
	for i, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("log line %d is not JSON (%v)", i, err)
			continue
		}
		level, _ := rec["level"].(string)
		msg, _ := rec["msg"].(string)
		levels[level]++
		msgs[msg] = true
		for _, d := range piiIn(line, data) {
			var keys []string
			for k, v := range rec {
				if len(piiIn(fmt.Sprint(v), []datum{d})) > 0 {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			leaks = append(leaks, fmt.Sprintf("log line %d (level %s): %s %q in attribute(s) %v", i, level, d.kind, mask(d.value), keys))
		}
	}
	// The scan saw the paths it is meant to see.
	assert.Greater(t, levels["DEBUG"], 0, "no DEBUG lines: the scan would miss watermill's logs")
	assert.True(t, msgs["message dead-lettered"], "the dead-letter path did not log")
	t.Logf("scanned %d log lines (%v)", len(lines), levels)

	// Metric labels of the in-process instance.
	families, err := h.Instances()[0].Service.Metrics.Registry.Gather()
	require.NoError(t, err)
	labels, handledOutcomes := 0, map[string]bool{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			for _, lp := range m.GetLabel() {
				labels++
				if f.GetName() == "dsmf_messages_handled_total" && lp.GetName() == "outcome" {
					handledOutcomes[lp.GetValue()] = true
				}
				for _, d := range piiIn(lp.GetValue(), data) {
					leaks = append(leaks, fmt.Sprintf("metric %s label %s: %s %q", f.GetName(), lp.GetName(), d.kind, mask(d.value)))
				}
			}
		}
	}
	assert.True(t, handledOutcomes["NOT_INSURED_BY_INSURER"] && handledOutcomes["INVALID_FIN"] && handledOutcomes["ok"],
		"the handled counter has the walk's outcomes: %v", handledOutcomes)
	t.Logf("scanned %d metric labels", labels)

	// Dead-letter headers added by the adapter (the value is the original
	// record, kept for operators).
	dls := h.Client.All(contracts.TopicDeadLetter, nil)
	assert.GreaterOrEqual(t, len(dls), len(malformed))
	for i, dl := range dls {
		for _, hd := range dl.Headers {
			if !strings.HasPrefix(hd.Key, "dlq_") {
				continue
			}
			for _, d := range piiIn(string(hd.Value), data) {
				leaks = append(leaks, fmt.Sprintf("dead letter %d header %s: %s %q", i, hd.Key, d.kind, mask(d.value)))
			}
		}
	}

	// The event log holds only event types, never a query result. The
	// applicant's snapshot travels with the application events, so the
	// place of birth and issuing authority checked are those of the persons
	// who were only looked up (found or refused), never applied for.
	eventTypes := map[string]bool{contracts.TypeSessionOpened: true, contracts.TypeSessionClosed: true,
		contracts.TypeGrantCreated: true, contracts.TypeGrantRevoked: true, contracts.TypeDraftSaved: true,
		contracts.TypeApplicationSubmitted: true, contracts.TypeDraftDeleted: true,
		contracts.TypeApplicationStatusMoved: true, contracts.TypeCommandRejected: true}
	lookedUpOnly := []datum{
		{"birth place", stranger.Document.BirthPlace}, {"issuing authority", stranger.Document.IssuingAuthority},
		{"birth place", expired.Document.BirthPlace}, {"issuing authority", expired.Document.IssuingAuthority},
	}
	// SecondEmployee was looked up and had a draft (deleted): its snapshot
	// is on the log through draft-saved, so it is not checked here.
	events := h.Client.All(contracts.TopicEvents, nil)
	require.NotEmpty(t, events)
	for i, ev := range events {
		if !eventTypes[ev.Envelope.Type] {
			leaks = append(leaks, fmt.Sprintf("event record %d has type %q, not an event type", i, ev.Envelope.Type))
		}
		for _, d := range piiIn(string(ev.Raw), lookedUpOnly) {
			leaks = append(leaks, fmt.Sprintf("event record %d (%s): look-up-only %s %q", i, shortType(ev.Envelope.Type), d.kind, mask(d.value)))
		}
		if ev.Envelope.Type == contracts.TypeCommandRejected {
			// A refusal records code and detail only, whatever was refused.
			for _, d := range piiIn(string(ev.Raw), data) {
				leaks = append(leaks, fmt.Sprintf("event record %d (command.rejected): %s %q", i, d.kind, mask(d.value)))
			}
		}
		var meta contracts.EventMeta
		if json.Unmarshal(ev.Raw, &meta) == nil {
			for _, id := range lookupIDs {
				if id != "" && meta.CommandID == id {
					leaks = append(leaks, fmt.Sprintf("event record %d (%s) records the look-up command %s", i, shortType(ev.Envelope.Type), id))
				}
			}
		}
	}
	// And every look-up result went to the replies topic.
	assert.NotEmpty(t, h.Client.All(contracts.TopicReplies, func(r testkit.Received) bool {
		return r.Envelope.Type == contracts.TypePersonLookupResult
	}))

	if len(leaks) > 0 {
		t.Errorf("personal data found in %d place(s):\n  %s", len(leaks), strings.Join(leaks, "\n  "))
	}
}

func piiCEHeaders(id, typ string) []contracts.Header {
	return []contracts.Header{
		{Key: "ce_specversion", Value: []byte("1.0")}, {Key: "ce_id", Value: []byte(id)},
		{Key: "ce_source", Value: []byte("urn:test")}, {Key: "ce_type", Value: []byte(typ)},
		{Key: "content-type", Value: []byte("application/json")},
	}
}
