package handlers

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// repliesTopic is where the answer to a command goes: the back office's
// decisions are answered on its own topic, which the portal cannot read.
func repliesTopic(commandType string) string {
	if commandType == contracts.TypeDecision {
		return contracts.TopicBackOfficeReplies
	}
	return contracts.TopicReplies
}

// publishReply publishes an answer on a replies topic, correlated with the
// command by ce_correlationid.
func (h *Handler) publishReply(ctx context.Context, topic, commandID, key, typ string, data any) error {
	env, err := contracts.NewEnvelope(eventID(commandID, -1), contracts.SourceAdapter, typ, key, h.cfg.Now(), data)
	if err != nil {
		return err
	}
	env = env.WithExtension(contracts.ExtensionCorrelationID, commandID)
	if err := h.out.Publish(ctx, FromEnvelope(topic, env)); err != nil {
		return errors.Join(ErrTransient, err)
	}
	return nil
}

// decisionApplication is the application a decision names, once its
// payload has passed its schema (an id, never personal data); "" if not.
func decisionApplication(c command) string {
	if c.typ != contracts.TypeDecision {
		return ""
	}
	var d struct {
		ApplicationID string `json:"applicationId"`
	}
	_ = json.Unmarshal(c.env.Data, &d)
	return d.ApplicationID
}

// answerDecision answers a decided back-office decision from its outcome:
// the status it moved the application to and the notice that followed, or
// the refusal with the application named.
func (h *Handler) answerDecision(ctx context.Context, c command, req contracts.Decision, o domain.Outcome) error {
	if !o.Accepted() {
		reply := wire.ErrorToWire(c.id, c.typ, refused(o))
		reply.ApplicationID = req.ApplicationID
		return h.publishReply(ctx, contracts.TopicBackOfficeReplies, c.id, c.insurerVOEN, contracts.TypeError, reply)
	}
	status, _ := domain.StatusAfter(domain.Decision(req.Decision))
	result := contracts.DecisionResult{CommandID: c.id, ApplicationID: req.ApplicationID, InsurerVOEN: c.insurerVOEN,
		Decision: req.Decision, Status: string(status)}
	if a, ok := h.state.View().Application(req.ApplicationID); ok {
		if then, ok := a.AtStatus(status); ok {
			result.NoticeVersion = then.NoticeVersion()
		}
	}
	return h.publishReply(ctx, contracts.TopicBackOfficeReplies, c.id, c.insurerVOEN, contracts.TypeDecisionResult, result)
}
