package testkit

import "github.com/dsmf/ssc-adapter/contracts"

// WaitDecisionAnswer waits for the answer to a back-office decision on the
// back office's replies topic: a decision result or an error.
func (h *Harness) WaitDecisionAnswer(commandID string) Reply {
	h.t.Helper()
	return h.waitAnswer(contracts.TopicBackOfficeReplies, commandID)
}

// DecisionAnswers returns every answer seen for a back-office decision.
func (h *Harness) DecisionAnswers(commandID string) []Reply {
	return h.answers(contracts.TopicBackOfficeReplies, commandID)
}
