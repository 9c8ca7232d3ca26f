package handlers

import (
	"context"
	"errors"
	"fmt"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// What intake does with a record it refuses, one rule (README "Envelope and
// replies", the AsyncAPI document's "Intake" section):
//
//   - dead-lettered and answered: a record that is not a command of this
//     contract (not a CloudEvent, wrong content type, unknown type, not JSON,
//     invalid UTF-8, schema violation, too large) or whose handling failed
//     for good (INTERNAL_ERROR). It is answered when it has a ce_id: on the
//     replies topic of the party whose topic it came on (the portal's, or
//     the back office's own);
//   - answered only: a well-formed command refused for what it asks or for a
//     value the user typed (a mistyped FIN, a key that is not the insurer's,
//     every domain refusal): no poison, nothing for an operator to do.
//
// The dead letter is written before the answer and the audit record, on its
// own, so that the audit record says what happened to it.

// ErrPermanent marks a write the broker (or the client) refuses for a
// reason that retrying cannot fix: a record too large, a malformed record,
// no authorisation. A Publisher wraps it; the command is then answered and
// dead-lettered as far as possible, and its partition moves on.
var ErrPermanent = errors.New("write refused for good")

// Stub headers (contracts/deadletter.go).
const (
	HeaderDLQStub       = contracts.HeaderDLQStub
	HeaderDLQStubReason = contracts.HeaderDLQStubReason
	HeaderDLQStubTopic  = contracts.HeaderDLQStubTopic
	HeaderDLQStubSize   = contracts.HeaderDLQStubSize
	HeaderDLQStubSHA256 = contracts.HeaderDLQStubSHA256
)

// deadLetterCodes are the codes a refused record is dead-lettered with
// (the first kind above).
var deadLetterCodes = map[string]bool{
	domain.ErrMalformed.Code:   true,
	domain.ErrUnknownType.Code: true,
	domain.ErrSchema.Code:      true,
	domain.ErrContentType.Code: true,
	domain.ErrInvalidUTF8.Code: true,
}

// intakeCode is the code of an envelope or payload refusal: the specific
// one when there is one, else fallback.
func intakeCode(err error, fallback *domain.Error) *domain.Error {
	switch {
	case errors.Is(err, contracts.ErrInvalidUTF8):
		return domain.ErrInvalidUTF8
	case errors.Is(err, contracts.ErrContentType):
		return domain.ErrContentType
	}
	return fallback
}

// publishDeadLetter writes a dead letter now, past the outbox. It returns
// nil once it is written (whole, or as a stub when the publisher could not
// write it whole), an error wrapping ErrTransient to retry, or one wrapping
// ErrPermanent when the dead-letter topic refuses even the stub: the caller
// answers and audits that, and the partition moves on.
func (h *Handler) publishDeadLetter(ctx context.Context, dl Outgoing) error {
	err := h.broker.Publish(ctx, dl)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrPermanent):
		return fmt.Errorf("dead-letter: %w", err)
	default:
		return fmt.Errorf("%w: dead-letter: %v", ErrTransient, err)
	}
}
