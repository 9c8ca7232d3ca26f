package handlers

import (
	"context"
	"errors"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/dsmf/ssc-adapter/domain"
)

// Intake passes a record on as a command once it is decoded and valid; a
// record that is not is dead-lettered and answered when it can be (intake).
// A command whose handling fails other than transiently cannot succeed
// however often it is tried: it is answered INTERNAL_ERROR and dead-lettered
// too, so that it does not block its partition.
func (h *Handler) Intake(next message.HandlerFunc) message.HandlerFunc {
	return func(msg *message.Message) ([]*message.Message, error) {
		p := progressOf(msg)
		cmd, refusal, err := h.intake(msg.Context(), p.in)
		if refusal != "" || err != nil {
			p.outcome = refusal
			return nil, err
		}
		p.typ, p.cmd = cmd.typ, &cmd
		msgs, err := next(msg)
		if err != nil && (!errors.Is(err, ErrTransient) || errors.Is(err, ErrPermanent)) {
			outboxOf(msg.Context()).drop()
			p.outcome, err = h.failPermanently(msg.Context(), p.in, err)
		}
		return msgs, err
	}
}

// failPermanently answers a command that cannot succeed however often it
// is tried (a bug, a corrupt record) with INTERNAL_ERROR and dead-letters it.
// The reason holds no personal data: errors here name ids and types only.
func (h *Handler) failPermanently(ctx context.Context, in Inbound, cause error) (string, error) {
	h.log.Error("command failed permanently", "topic", in.Topic, "partition", in.Partition, "offset", in.Offset, "err", cause)
	return h.reject(ctx, in, idHeader(in.Headers), typeHeader(in.Headers), domain.ErrInternal, "internal error")
}
