package testkit

import "github.com/dsmf/ssc-adapter/contracts"

// WaitDecisionAnswer waits for the answer to a back-office decision on the
// back office's replies topic: a decision result or an error.
func (h *Harness) WaitDecisionAnswer(commandID string) Reply {
	h.t.Helper()
	r, ok := h.Client.Wait(contracts.TopicBackOfficeReplies, h.opts.Timeout, func(r Received) bool {
		return r.Envelope.Extension(contracts.ExtensionCorrelationID) == commandID
	})
	if !ok {
		h.t.Fatalf("testkit: no answer to decision %s on %s within %s", commandID, contracts.TopicBackOfficeReplies, h.opts.Timeout)
	}
	return Reply{r}
}

// DecisionAnswers returns every answer seen for a back-office decision.
func (h *Harness) DecisionAnswers(commandID string) []Reply {
	var out []Reply
	for _, r := range h.Client.All(contracts.TopicBackOfficeReplies, func(r Received) bool {
		return r.Envelope.Extension(contracts.ExtensionCorrelationID) == commandID
	}) {
		out = append(out, Reply{r})
	}
	return out
}
