package handlers_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// Every back-office decision is answered on the back office's own replies
// topic: a result naming the status and notice it led to, or an error with
// the usual code and the application in applicationId; a repeat is answered
// alike, and nothing goes to the portal's replies.
func TestEveryDecisionIsAnswered(t *testing.T) {
	h := testkit.Start(t, testkit.Options{})
	voen := testkit.Insurer.VOEN
	owner := h.Login(testkit.DirectorLogin(voen))
	var sub contracts.SubmitResult
	h.MustOK(h.Request(testkit.SubmitNew(owner)), contracts.TypeSubmitResult, &sub)
	app := sub.Application.ApplicationID

	decide := func(cmd testkit.Command) testkit.Reply {
		h.Send(cmd)
		return h.WaitDecisionAnswer(cmd.ID)
	}
	var taken contracts.DecisionResult
	h.MustOK(decide(testkit.Decision(voen, app, contracts.DecisionTakeIntoProcessing)), contracts.TypeDecisionResult, &taken)
	assert.Equal(t, contracts.DecisionResult{CommandID: taken.CommandID, ApplicationID: app, InsurerVOEN: voen,
		Decision: contracts.DecisionTakeIntoProcessing, Status: contracts.StatusInProcessing, NoticeVersion: 2}, taken)

	issue := testkit.Decision(voen, app, contracts.DecisionIssueCertificate)
	first := decide(issue)
	var issued contracts.DecisionResult
	h.MustOK(first, contracts.TypeDecisionResult, &issued)
	assert.Equal(t, contracts.StatusCompleted, issued.Status)
	assert.Equal(t, 3, issued.NoticeVersion)
	h.WaitNotice(app, 3)

	// Delivered again, the decision is answered again, alike.
	h.Send(issue)
	deadline := time.Now().Add(15 * time.Second)
	for len(h.DecisionAnswers(issue.ID)) < 2 {
		require.True(t, time.Now().Before(deadline), "the repeated decision was not answered")
		time.Sleep(10 * time.Millisecond)
	}
	assert.JSONEq(t, string(first.Envelope.Data), string(h.DecisionAnswers(issue.ID)[1].Envelope.Data))

	refused := decide(testkit.Decision(voen, app, contracts.DecisionTakeIntoProcessing))
	assert.Equal(t, "INVALID_STATUS_TRANSITION", refused.Code())
	assert.Equal(t, app, refused.Error().ApplicationID)

	unknown := decide(testkit.Decision(voen, "no-such-application", contracts.DecisionReject))
	assert.Equal(t, "APPLICATION_NOT_FOUND", unknown.Code())
	assert.Equal(t, "no-such-application", unknown.Error().ApplicationID)

	bad := testkit.Decision(voen, app, "approve")
	malformed := decide(bad)
	assert.Equal(t, "SCHEMA_VIOLATION", malformed.Code())
	_, dead := h.Client.Wait(contracts.TopicDeadLetter, 15*time.Second, func(r testkit.Received) bool {
		return r.Envelope.ID == bad.ID
	})
	assert.True(t, dead, "a malformed decision is still dead-lettered")

	for _, r := range h.Client.All(contracts.TopicBackOfficeReplies, nil) {
		assert.NoError(t, contracts.ValidatePayload(r.Envelope.Type, r.Envelope.Data), "%s", r.Raw)
		assert.Equal(t, voen, r.Key)
		assert.Empty(t, h.Replies(r.Envelope.Extension(contracts.ExtensionCorrelationID)),
			"a decision is never answered on the portal's replies topic")
	}
}
