package testkit

import (
	"encoding/json"

	"github.com/dsmf/ssc-adapter/contracts"
)

// StatusChanges returns every record of the public status topic seen for an
// application, in the order published (one insurer's are on one partition).
func (h *Harness) StatusChanges(applicationID string) []contracts.ApplicationStatus {
	var out []contracts.ApplicationStatus
	for _, r := range h.Client.All(contracts.TopicApplicationStatus, nil) {
		var s contracts.ApplicationStatus
		if json.Unmarshal(r.Envelope.Data, &s) == nil && s.ApplicationID == applicationID {
			out = append(out, s)
		}
	}
	return out
}

// WaitStatus waits for an application's status record with a status, as a
// portal subscribed to the status topic sees it.
func (h *Harness) WaitStatus(applicationID, status string) contracts.ApplicationStatus {
	h.t.Helper()
	var got contracts.ApplicationStatus
	_, ok := h.Client.Wait(contracts.TopicApplicationStatus, h.opts.Timeout, func(r Received) bool {
		var s contracts.ApplicationStatus
		if json.Unmarshal(r.Envelope.Data, &s) != nil || s.ApplicationID != applicationID || s.Status != status {
			return false
		}
		got = s
		return true
	})
	if !ok {
		h.t.Fatalf("testkit: no %s status of application %s on %s within %s", status, applicationID,
			contracts.TopicApplicationStatus, h.opts.Timeout)
	}
	return got
}
