package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// Dead-letter headers (contracts/deadletter.go).
const (
	HeaderDLQReason    = contracts.HeaderDLQReason
	HeaderDLQCode      = contracts.HeaderDLQCode
	HeaderDLQTopic     = contracts.HeaderDLQTopic
	HeaderDLQPartition = contracts.HeaderDLQPartition
	HeaderDLQOffset    = contracts.HeaderDLQOffset
	HeaderDLQID        = contracts.HeaderDLQID
)

// commandTopics says which command types each command topic carries; the
// portal cannot put a back-office decision on its own topic, nor the other
// way round.
var commandTopics = map[string]map[string]bool{
	contracts.TopicPortalCommands:     portalTypes(),
	contracts.TopicBackOfficeCommands: {contracts.TypeDecision: true},
}

func portalTypes() map[string]bool {
	m := map[string]bool{}
	for t := range contracts.ResultTypeOf {
		m[t] = true
	}
	return m
}

// intake decodes and validates a record. A record that fails is sent to the
// dead-letter topic, answered with an error when it can be correlated, and
// reported by its code in refusal.
func (h *Handler) intake(ctx context.Context, in Inbound) (command, string, error) {
	env, err := contracts.DecodeCommand(in.Key, in.Headers, in.Value)
	if err != nil {
		code, err := h.reject(ctx, in, idHeader(in.Headers), "", intakeCode(err, domain.ErrMalformed), err.Error())
		return command{}, code, err
	}
	if !commandTopics[in.Topic][env.Type] {
		code, err := h.reject(ctx, in, env.ID, env.Type, domain.ErrUnknownType, fmt.Sprintf("type %.80q is not accepted on %s", env.Type, in.Topic))
		return command{}, code, err
	}
	if !json.Valid(env.Data) {
		code, err := h.reject(ctx, in, env.ID, env.Type, domain.ErrMalformed, "data is not JSON")
		return command{}, code, err
	}
	if err := contracts.ValidatePayload(env.Type, env.Data); err != nil {
		// A well-formed command whose user-entered field is wrong (a
		// mistyped FIN, say) gets that field's own code; it is no poison.
		if fe := fieldError(err); fe != nil && in.Topic == contracts.TopicPortalCommands {
			return command{}, fe.Code, h.replyError(ctx, env.ID, env.Type, string(in.Key), fe)
		}
		code, err := h.reject(ctx, in, env.ID, env.Type, intakeCode(err, domain.ErrSchema), err.Error())
		return command{}, code, err
	}
	var head struct {
		SessionID   string `json:"sessionId"`
		InsurerVOEN string `json:"insurerVoen"`
	}
	if err := json.Unmarshal(env.Data, &head); err != nil {
		code, err := h.reject(ctx, in, env.ID, env.Type, domain.ErrSchema, "data is not a JSON object")
		return command{}, code, err
	}
	if env.Key != head.InsurerVOEN {
		// Keyed wrongly, the command may be on another insurer's partition,
		// out of order with that insurer's other commands.
		return command{}, domain.ErrKeyMismatch.Code, h.replyError(ctx, env.ID, env.Type, head.InsurerVOEN, domain.ErrKeyMismatch)
	}
	return command{env: env, id: env.ID, typ: env.Type, insurerVOEN: head.InsurerVOEN,
		sessionID: head.SessionID, now: h.cfg.Now().UTC()}, "", nil
}

// reject dead-letters a record and answers it when it has an id. Failing to
// write either is transient: the record is retried, never lost.
func (h *Handler) reject(ctx context.Context, in Inbound, id, typ string, code *domain.Error, reason string) (string, error) {
	// A retry or a redelivery writes the dead letter again; the copies
	// share their identity, so list, replay and the metric count it once.
	dlqID := contracts.DeadLetterID(in.Topic, in.Partition, in.Offset)
	headers := append([]contracts.Header(nil), in.Headers...)
	headers = append(headers,
		contracts.Header{Key: HeaderDLQReason, Value: []byte(reason)},
		contracts.Header{Key: HeaderDLQCode, Value: []byte(code.Code)},
		contracts.Header{Key: HeaderDLQTopic, Value: []byte(in.Topic)},
		contracts.Header{Key: HeaderDLQPartition, Value: []byte(strconv.Itoa(int(in.Partition)))},
		contracts.Header{Key: HeaderDLQOffset, Value: []byte(strconv.FormatInt(in.Offset, 10))},
		// Last, so that it wins over a dlq_id the sender put in.
		contracts.Header{Key: HeaderDLQID, Value: []byte(dlqID)},
	)
	outcome := code.Code
	err := h.publishDeadLetter(ctx, Outgoing{Topic: contracts.TopicDeadLetter, Key: string(in.Key), Headers: headers, Value: in.Value,
		DeadLetter: DeadLetterTag{ID: dlqID, Code: code.Code}})
	switch {
	case errors.Is(err, ErrPermanent):
		h.log.Error("dead letter refused for good; answering and going on", "code", code.Code, "topic", in.Topic, "partition", in.Partition, "offset", in.Offset, "err", err)
		outcome = domain.ErrDeadLetterFailed.Code
	case err != nil:
		return code.Code, err
	default:
		h.log.Warn("message dead-lettered", "code", code.Code, "topic", in.Topic, "partition", in.Partition, "offset", in.Offset)
	}
	// Answered on the replies topic of the party that sent it, whatever
	// type it claims to be.
	switch {
	case id != "" && in.Topic == contracts.TopicPortalCommands:
		return outcome, h.publishReply(ctx, contracts.TopicReplies, id, string(in.Key), contracts.TypeError,
			wire.ErrorToWire(id, typ, code.With("%s", reason)))
	case id != "" && in.Topic == contracts.TopicBackOfficeCommands:
		return outcome, h.publishReply(ctx, contracts.TopicBackOfficeReplies, id, string(in.Key), contracts.TypeError,
			wire.ErrorToWire(id, typ, code.With("%s", reason)))
	}
	return outcome, nil
}

// fieldCodes names the specific refusal of a field whose value breaks its
// pattern or format.
var fieldCodes = map[string]*domain.Error{
	"fin": domain.ErrInvalidFIN, "signerFin": domain.ErrInvalidFIN,
	"ssn":         domain.ErrInvalidSSN,
	"insurerVoen": domain.ErrInvalidVOEN, "voen": domain.ErrInvalidVOEN,
	"phone":      domain.ErrInvalidPhone,
	"cardNumber": domain.ErrInvalidCard,
	"start":      domain.ErrInvalidDate, "end": domain.ErrInvalidDate, "certificateDate": domain.ErrInvalidDate,
	"ssnDateFrom": domain.ErrInvalidDate, "ssnDateTo": domain.ErrInvalidDate,
	"applicationDateFrom": domain.ErrInvalidDate, "applicationDateTo": domain.ErrInvalidDate,
	"reason": domain.ErrInvalidReason,
}

// fieldError returns the specific code of a schema error that is only a
// wrong value in one known field, or nil.
func fieldError(err error) *domain.Error {
	var se *contracts.SchemaError
	if !errors.As(err, &se) || len(se.Violations) == 0 {
		return nil
	}
	var found *domain.Error
	for _, v := range se.Violations {
		switch v.Keyword {
		case "pattern", "format", "enum", "minLength", "maxLength":
		default:
			return nil
		}
		field := v.Pointer[strings.LastIndex(v.Pointer, "/")+1:]
		code, ok := fieldCodes[field]
		if !ok || (found != nil && found != code) {
			return nil
		}
		found = code
	}
	return found.With("%s", se.Violations[0].Pointer)
}

func idHeader(headers []contracts.Header) string { return ceHeader(headers, "id") }

func typeHeader(headers []contracts.Header) string { return ceHeader(headers, "type") }

func ceHeader(headers []contracts.Header, attr string) string {
	for _, hd := range headers {
		if strings.EqualFold(hd.Key, contracts.HeaderPrefix+attr) {
			return string(hd.Value)
		}
	}
	return ""
}

// replyError answers a command with an error.
func (h *Handler) replyError(ctx context.Context, commandID, commandType, key string, de *domain.Error) error {
	return h.publishReply(ctx, repliesTopic(commandType), commandID, key, contracts.TypeError, wire.ErrorToWire(commandID, commandType, de))
}

// reply publishes an answer on the replies topic.
func (h *Handler) reply(ctx context.Context, commandID, key, typ string, data any) error {
	return h.publishReply(ctx, contracts.TopicReplies, commandID, key, typ, data)
}
