package handlers

import (
	"context"
	"errors"

	"github.com/ThreeDotsLabs/watermill/message"
)

// Middlewares are the steps around deciding each command, outermost first;
// the router applies them to both command topics, and Handle runs them too.
// They share what they learn through the message's context (progress, the
// outbox), fresh for each attempt at a message.
func (h *Handler) Middlewares() []message.HandlerMiddleware {
	return []message.HandlerMiddleware{
		h.Metrics, // how the message ended, and how long it took (metrics.go)
		h.Audit,   // its audit record, then all it sends in one produce (audit.go)
		h.Recover, // a panic is a permanent failure, its value never logged (recovery.go)
		h.Intake,  // decode and validate, or dead-letter; and dead-letter what cannot succeed (intake_middleware.go)
	}
}

// Decide decides and answers the command Intake passed: the router's handler
// of both command topics, within Middlewares.
func (h *Handler) Decide(msg *message.Message) error {
	p := progressOf(msg)
	if p.cmd == nil {
		return errors.New("no command to decide: the Intake middleware did not run")
	}
	var err error
	p.outcome, err = h.decide(msg.Context(), *p.cmd)
	return err
}

// Handle decides one consumed record through the same steps as the router.
// It returns an error only for a transient failure (the broker): the message
// is then retried with backoff and never dropped. Everything else is
// answered, dead-lettered, or both, and acknowledged: a permanent failure is
// not retried forever.
func (h *Handler) Handle(ctx context.Context, in Inbound) error {
	msg := message.NewMessage("", in.Value)
	msg.SetContext(WithInbound(ctx, in))
	_, err := h.chain(msg)
	return err
}

func (h *Handler) compose() message.HandlerFunc {
	chain := func(msg *message.Message) ([]*message.Message, error) { return nil, h.Decide(msg) }
	mws := h.Middlewares()
	for i := len(mws) - 1; i >= 0; i-- {
		chain = mws[i](chain)
	}
	return chain
}

type inboundKey struct{}

// WithInbound gives the handlers the consumed record a message was made
// from, with its partition, offset, key and headers.
func WithInbound(ctx context.Context, in Inbound) context.Context {
	return context.WithValue(ctx, inboundKey{}, in)
}

// inboundOf is the record of a message: as WithInbound gave it, or else the
// message's payload alone (no headers: intake dead-letters it).
func inboundOf(msg *message.Message) Inbound {
	if in, ok := msg.Context().Value(inboundKey{}).(Inbound); ok {
		return in
	}
	return Inbound{Topic: message.SubscribeTopicFromCtx(msg.Context()), Value: msg.Payload}
}

// progress is what the steps learn about one attempt at a message.
type progress struct {
	in Inbound
	// cmd is the command once it passed intake.
	cmd *command
	// typ is the message type reported to metrics and audit:
	// intakeRefusedType until the record passed intake.
	typ string
	// outcome is "ok" or an error code: what the answer carried.
	outcome string
}

type progressKey struct{}

// begin starts an attempt at a message, and returns the context to restore
// when the attempt ends.
func begin(msg *message.Message) (p *progress, ctx context.Context) {
	ctx = msg.Context()
	p = &progress{in: inboundOf(msg), typ: intakeRefusedType}
	msg.SetContext(context.WithValue(ctx, progressKey{}, p))
	return p, ctx
}

// progressOf is the attempt's progress; a step that runs without Metrics
// before it begins one.
func progressOf(msg *message.Message) *progress {
	if p, ok := msg.Context().Value(progressKey{}).(*progress); ok {
		return p
	}
	p, _ := begin(msg)
	return p
}
