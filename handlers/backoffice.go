package handlers

import (
	"context"

	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// decide applies a back-office decision. The outcome is on the event log (a
// status change, or a command.rejected with its code), and the back office
// is answered on its own replies topic, never the portal's; a new notice
// follows a change.
func (h *Handler) decide(ctx context.Context, c command) (replyFunc, error) {
	req, err := payload[contracts.Decision](c)
	if err != nil {
		return nil, err
	}
	o, err := h.change(ctx, c, func(v store.View, meta contracts.EventMeta) (string, any, error) {
		a, err := ownApplication(v, c.insurerVOEN, req.ApplicationID)
		if err != nil {
			return "", nil, err
		}
		from := a.Status
		a, err = a.Decide(domain.Decision(req.Decision), req.CertificateDate, req.Reason, req.Officer, c.now)
		if err != nil {
			return "", nil, err
		}
		return contracts.TypeApplicationStatusMoved, contracts.ApplicationStatusChanged{EventMeta: meta,
			ApplicationID: a.ID, From: string(from), To: string(a.Status), Officer: req.Officer,
			CertificateDate: string(a.CertificateDate), Reason: a.RejectionReason}, nil
	})
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (string, error) {
		if err := h.answerDecision(ctx, c, req, o); err != nil {
			return "", err
		}
		if !o.Accepted() {
			return o.Code, nil
		}
		v := h.state.View()
		a, ok := v.Application(o.Ref)
		if !ok {
			return "ok", nil
		}
		return "ok", h.publishNotice(ctx, v, a)
	}, nil
}
