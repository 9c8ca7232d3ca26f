package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// The audit trail: the Audit middleware ends every message it takes from a
// command topic with one contracts.AuditRecord on contracts.TopicAudit (see
// contracts/audit.go for what a record holds and why a consumer deduplicates).

// Audit gives the message an outbox, and once the message is handled
// publishes its audit record and flushes the outbox: the answers and the
// record in one produce. A message to be retried leaves nothing behind: it
// is audited and answered when it is handled.
func (h *Handler) Audit(next message.HandlerFunc) message.HandlerFunc {
	return func(msg *message.Message) ([]*message.Message, error) {
		ctx := msg.Context()
		ob := &outbox{out: h.broker}
		msg.SetContext(withOutbox(ctx, ob))
		defer msg.SetContext(ctx)
		msgs, err := next(msg)
		p := progressOf(msg)
		if err = h.audit(msg.Context(), p.in, p.cmd, p.typ, p.outcome, err); err != nil {
			ob.drop()
			return msgs, err
		}
		flushed := time.Now()
		err = ob.flush(ctx)
		h.observer.Waited(StageWriteAnswer, time.Since(flushed))
		return msgs, err
	}
}

// intakeRefusedType is the message type Metrics reports for a record that did
// not pass intake (its initial value of typ).
const intakeRefusedType = "invalid"

// maxAuditID is the longest id an audit record copies (the schemas' id).
const maxAuditID = 128

// audit publishes the audit record of a command Handle is done with. typ and
// outcome are what Handle reports to the observer, err what it is about to
// return. A transient failure leaves no record (the command is retried and
// audited then) and err is returned as it is. Failing to publish the record
// is transient as well: the command is redelivered and, its outcome being
// recorded, answered and audited again without a second effect.
func (h *Handler) audit(ctx context.Context, in Inbound, cmd *command, typ, outcome string, err error) error {
	if err != nil {
		return err
	}
	rec, id := h.auditRecord(in, cmd, typ, outcome)
	env, err := contracts.NewEnvelope(auditID(in, id, rec.Outcome), contracts.SourceAdapter, contracts.TypeAudit,
		rec.InsurerVOEN, rec.At, rec)
	if err != nil {
		return fmt.Errorf("%w: audit record: %v", ErrTransient, err)
	}
	env.Subject = rec.InsurerVOEN
	if rec.CommandID != "" {
		env = env.WithExtension(contracts.ExtensionCorrelationID, rec.CommandID)
	}
	out := FromEnvelope(contracts.TopicAudit, env)
	if out.Key == "" && isVOEN(string(in.Key)) {
		// No insurer known: the record's original key, as on the dead
		// letter, when it has the shape the contract gives keys. A key of
		// any other shape may hold anything, personal data included: the
		// record then has no key.
		out.Key = string(in.Key)
	}
	if err := h.out.Publish(ctx, out); err != nil {
		return fmt.Errorf("%w: audit record: %v", ErrTransient, err)
	}
	return nil
}

// auditRecord describes how a command ended, and returns the command's id as
// received (for the record's ce_id). Values come from the envelope, the
// record's key and the payload's sessionId and insurerVoen only. From a
// record that did not pass intake, whose payload no schema vouches for, only
// what state knows is copied: a registered insurer's VÖEN (from the payload,
// else from the key), a session the adapter opened.
//
// cmd is the command as intake decoded it, or nil when it did not pass.
func (h *Handler) auditRecord(in Inbound, cmd *command, typ, outcome string) (contracts.AuditRecord, string) {
	decoded := typ != intakeRefusedType
	rec := contracts.AuditRecord{PrincipalKind: contracts.AuditPrincipalPortal, At: h.cfg.Now().UTC(),
		SourceTopic: in.Topic, SourcePartition: in.Partition, SourceOffset: in.Offset}
	if in.Topic == contracts.TopicBackOfficeCommands {
		rec.PrincipalKind = contracts.AuditPrincipalBackOffice
	}
	rec.Outcome, rec.Code = auditOutcome(decoded, outcome)
	if rec.Outcome == contracts.AuditDeadLettered || rec.Outcome == contracts.AuditFailed {
		rec.DeadLetterID = contracts.DeadLetterID(in.Topic, in.Partition, in.Offset)
	}

	var id string
	var head struct {
		SessionID   string `json:"sessionId"`
		InsurerVOEN string `json:"insurerVoen"`
	}
	if cmd != nil {
		id, rec.CommandType = cmd.id, cmd.typ
		head.SessionID, head.InsurerVOEN = cmd.sessionID, cmd.insurerVOEN
	} else if env, err := contracts.DecodeEnvelope(in.Key, in.Headers, in.Value); err == nil {
		id, rec.CommandType = env.ID, env.Type
		_ = json.Unmarshal(env.Data, &head) // a refused record's data may be anything
	} else {
		id, rec.CommandType = idHeader(in.Headers), typeHeader(in.Headers)
	}
	if auditableID(id) {
		rec.CommandID = id
	}
	if !isCommandType(rec.CommandType) {
		rec.CommandType = ""
	}

	v := h.state.View()
	for _, voen := range []string{head.InsurerVOEN, string(in.Key)} {
		if !isVOEN(voen) {
			continue
		}
		if _, registered := v.Insurer(voen); (decoded && voen == head.InsurerVOEN) || registered {
			rec.InsurerVOEN = voen
			break
		}
	}
	recorded, hasOutcome := v.Outcome(id)
	hasOutcome = hasOutcome && decoded && id != "" && recorded.CommandID == id && recorded.Code == rec.Code &&
		(rec.Outcome == contracts.AuditAccepted || rec.Outcome == contracts.AuditRefused)
	if hasOutcome && !recorded.At.IsZero() {
		rec.At = recorded.At.UTC() // when the state change was decided, also on a redelivery
	}
	if rec.PrincipalKind == contracts.AuditPrincipalPortal {
		sessionID := head.SessionID
		if hasOutcome && rec.CommandType == contracts.TypeLogin && rec.Outcome == contracts.AuditAccepted {
			sessionID = recorded.Ref // the session the login opened
		}
		rec.SessionID, rec.Role = auditSession(v, sessionID, decoded)
	}
	return rec, id
}

// auditOutcome maps the outcome Handle reports ("ok" or an error code) to
// the record's outcome and code.
func auditOutcome(decoded bool, outcome string) (string, string) {
	switch {
	case outcome == "ok":
		return contracts.AuditAccepted, ""
	case outcome == domain.ErrInternal.Code || !isCode(outcome):
		return contracts.AuditFailed, domain.ErrInternal.Code
	case !decoded && deadLetterCodes[outcome]:
		return contracts.AuditDeadLettered, outcome
	default:
		return contracts.AuditRefused, outcome
	}
}

// auditSession returns the session a command named and its role when the
// session is known; a session unknown to state is named only by a command
// that passed intake.
func auditSession(v View, sessionID string, decoded bool) (string, string) {
	if !auditableID(sessionID) {
		return "", ""
	}
	if s, ok := v.Session(sessionID); ok && s.Principal.Role != "" {
		return sessionID, string(s.Principal.Role)
	}
	if decoded {
		return sessionID, ""
	}
	return "", ""
}

// auditID names an audit record after the consumed record it audits, the
// command and the outcome: the same record delivered again and ending the
// same way gets the same ce_id.
func auditID(in Inbound, commandID, outcome string) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "audit\x00%s\x00%d\x00%d\x00%s\x00%s", in.Topic, in.Partition, in.Offset, commandID, outcome))
	return hex.EncodeToString(sum[:16])
}

// isCommandType reports whether t is a command type of either command topic.
func isCommandType(t string) bool {
	for _, types := range commandTopics {
		if types[t] {
			return true
		}
	}
	return false
}

// auditableID reports whether an id fits the contract's id: 1 to 128
// characters of text, no control characters.
func auditableID(id string) bool {
	if id == "" || !utf8.ValidString(id) || utf8.RuneCountInString(id) > maxAuditID {
		return false
	}
	for _, r := range id {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// isVOEN: 10 digits.
func isVOEN(s string) bool {
	if len(s) != 10 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isCode: an error code as the contract writes one, ^[A-Z][A-Z0-9_]*$, at
// most 64 characters.
func isCode(s string) bool {
	if s == "" || len(s) > 64 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
