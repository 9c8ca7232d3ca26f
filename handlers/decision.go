package handlers

import (
	"context"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// decision applies a back-office decision. The back office reads the
// outcome on the event log (a status change, or a command.rejected with its
// code), so nothing goes to the portal's replies; a new notice follows a
// change.
var decision = Change[contracts.Decision, struct{}]{Decide: decideDecision, Reply: publishDecisionNotice}

func decideDecision(_ *Handler, v View, c Cmd[contracts.Decision], meta contracts.EventMeta) (Event, error) {
	req := c.Payload
	a, err := ownApplication(v, c.insurerVOEN, req.ApplicationID)
	if err != nil {
		return Event{}, err
	}
	from := a.Status
	a, err = a.Decide(domain.Decision(req.Decision), req.CertificateDate, req.Reason, req.Officer, c.now)
	if err != nil {
		return Event{}, err
	}
	return Event{contracts.TypeApplicationStatusMoved, contracts.ApplicationStatusChanged{EventMeta: meta,
		ApplicationID: a.ID, From: string(from), To: string(a.Status), Officer: req.Officer,
		CertificateDate: string(a.CertificateDate), Reason: a.RejectionReason}}, nil
}

// publishDecisionNotice publishes the application's new notice.
func publishDecisionNotice(ctx context.Context, h *Handler, v View, _ Cmd[contracts.Decision], o domain.Outcome) (struct{}, error) {
	a, ok := v.Application(o.Ref)
	if !ok {
		return struct{}{}, nil
	}
	return struct{}{}, h.publishNotice(ctx, v, a)
}
