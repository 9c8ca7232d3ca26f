package service_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/adapters/statusfeed"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// statusesOf lists the statuses an application went through on the status
// topic, in the order published.
func statusesOf(h *testkit.Harness, applicationID string) []string {
	var out []string
	for _, s := range h.StatusChanges(applicationID) {
		out = append(out, s.Status)
	}
	return out
}

// waitAudited waits until a command has been audited n times: each delivery
// of it has been handled.
func waitAudited(t *testing.T, h *testkit.Harness, commandID string, n int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for len(h.Client.All(contracts.TopicAudit, func(r testkit.Received) bool {
		return r.Envelope.Extension(contracts.ExtensionCorrelationID) == commandID
	})) < n {
		require.True(t, time.Now().Before(deadline), "command %s not audited %d times", commandID, n)
		time.Sleep(20 * time.Millisecond)
	}
}

// A portal subscribed to the status topic sees every status change of its
// insurer's applications once: drafts saved and deleted, the submission and
// each decision, even when a decision is delivered twice, the adapter
// restarts and its state is rebuilt from the log.
func TestStatusTopicHasEveryChangeOnce(t *testing.T) {
	h := testkit.Start(t, testkit.Options{})
	voen := testkit.Insurer.VOEN
	owner := h.Login(testkit.DirectorLogin(voen))

	var draft contracts.DraftSaveResult
	h.MustOK(h.Request(testkit.DraftSave(owner)), contracts.TypeDraftSaveResult, &draft)
	drafted := draft.Application.ApplicationID
	h.MustOK(h.Request(testkit.DraftDelete(owner, drafted)), contracts.TypeDraftDeleteResult, nil)

	var sub contracts.SubmitResult
	h.MustOK(h.Request(testkit.SubmitNew(owner)), contracts.TypeSubmitResult, &sub)
	app := sub.Application
	h.Send(testkit.Decision(voen, app.ApplicationID, contracts.DecisionTakeIntoProcessing))
	h.WaitStatus(app.ApplicationID, contracts.StatusInProcessing)
	issue := testkit.Decision(voen, app.ApplicationID, contracts.DecisionIssueCertificate)
	h.Send(issue)
	completed := h.WaitStatus(app.ApplicationID, contracts.StatusCompleted)
	h.WaitStatus(drafted, contracts.StatusDeleted)

	// The decision comes again (a redelivery): no second status.
	h.Send(issue)
	waitAudited(t, h, issue.ID, 2)
	// A restart rebuilds state from the log; the projector goes on from
	// its committed offsets.
	h.RestartAdapter()
	var later contracts.DraftSaveResult
	h.MustOK(h.Request(testkit.DraftSave(owner, func(d *contracts.DraftSave) {
		d.ApplicationInput = testkit.Input()
		d.ApplicationInput.Reason = contracts.ReasonDataError
	})), contracts.TypeDraftSaveResult, &later)
	h.WaitStatus(later.Application.ApplicationID, contracts.StatusDraft)

	assert.Equal(t, []string{contracts.StatusDraft, contracts.StatusDeleted}, statusesOf(h, drafted))
	assert.Equal(t, []string{contracts.StatusSubmitted, contracts.StatusInProcessing, contracts.StatusCompleted},
		statusesOf(h, app.ApplicationID))
	assert.Equal(t, []string{contracts.StatusDraft}, statusesOf(h, later.Application.ApplicationID))

	assert.Equal(t, app.Number, completed.Number)
	assert.Equal(t, voen, completed.InsurerVOEN)
	assert.Equal(t, contracts.CertificateReplaced, completed.CertificateStatus)
	require.NotNil(t, completed.NoticeVersion)
	assert.Equal(t, 3, *completed.NoticeVersion, "the notice of the last decision")
	h.WaitNotice(app.ApplicationID, 3)

	// Every record is valid, keyed by the VÖEN, has its event's derived id,
	// and holds no personal data.
	events := map[string]bool{}
	for _, e := range h.Client.All(contracts.TopicEvents, nil) {
		events[statusfeed.RecordID(e.Envelope.ID)] = true
	}
	emp := testkit.Employee()
	for _, r := range h.Client.All(contracts.TopicApplicationStatus, nil) {
		assert.NoError(t, contracts.ValidatePayload(contracts.TypeApplicationStatus, r.Envelope.Data))
		assert.Equal(t, voen, r.Key)
		assert.True(t, events[r.Envelope.ID], "ce_id %s derives from no event", r.Envelope.ID)
		for _, pii := range []string{emp.Document.FIN, emp.Insured.SSN, emp.Document.Surname, emp.Document.Name} {
			assert.NotContains(t, string(r.Raw), pii)
		}
		var s contracts.ApplicationStatus
		require.NoError(t, json.Unmarshal(r.Envelope.Data, &s))
		assert.Equal(t, s.ApplicationID, r.Envelope.Subject)
	}
}
