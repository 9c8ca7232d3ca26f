package handlers

import (
	"context"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// decision applies a back-office decision. The outcome is on the event log
// (a status change, or a command.rejected with its code) and the back office
// is answered on its own replies topic, never the portal's; a new notice
// follows a change.
var decision = Change[contracts.Decision, contracts.DecisionResult]{Decide: decideDecision, Reply: publishDecisionNotice}

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

// publishDecisionNotice publishes the application's new notice, and
// answers the back office.
func publishDecisionNotice(ctx context.Context, h *Handler, v View, c Cmd[contracts.Decision], o domain.Outcome) (contracts.DecisionResult, error) {
	a, ok := v.Application(o.Ref)
	if !ok {
		return decisionResult(v, c), nil
	}
	return decisionResult(v, c), h.publishNotice(ctx, v, a)
}
