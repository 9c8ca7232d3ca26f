package handlers

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// resultType is the type a command's success is answered with: the
// portal's commands' (contracts.ResultTypeOf) and the back office's
// decision's.
func resultType(commandType string) (string, bool) {
	if commandType == contracts.TypeDecision {
		return contracts.TypeDecisionResult, true
	}
	typ, ok := contracts.ResultTypeOf[commandType]
	return typ, ok
}

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

// refusalReply is the error reply to a command; a refused decision names
// its application in a field of its own.
func refusalReply(c command, de *domain.Error) contracts.ErrorReply {
	reply := wire.ErrorToWire(c.id, c.typ, de)
	if c.typ == contracts.TypeDecision {
		var d struct {
			ApplicationID string `json:"applicationId"`
		}
		if json.Unmarshal(c.env.Data, &d) == nil { // intake checked it against its schema: an id
			reply.ApplicationID = d.ApplicationID
		}
	}
	return reply
}

// decisionResult is the answer to an accepted decision: the status it moved
// the application to and the notice that followed, the same however often
// the decision is answered.
func decisionResult(v View, c Cmd[contracts.Decision]) contracts.DecisionResult {
	req := c.Payload
	status, _ := domain.StatusAfter(domain.Decision(req.Decision))
	result := contracts.DecisionResult{CommandID: c.id, ApplicationID: req.ApplicationID, InsurerVOEN: c.insurerVOEN,
		Decision: req.Decision, Status: string(status)}
	if a, ok := v.Application(req.ApplicationID); ok {
		if then, ok := a.AtStatus(status); ok {
			result.NoticeVersion = then.NoticeVersion()
		}
	}
	return result
}
