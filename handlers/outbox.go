package handlers

import (
	"context"
	"errors"
	"fmt"

	"github.com/dsmf/ssc-adapter/contracts"
)

// outbox holds what a command sends besides its event (the reply, a notice,
// a dead letter) until the Audit middleware adds the audit record, and then
// writes them all in one produce: one round trip per command instead of one
// per record. Events go out at once: the command waits for its event to come
// back through the log before it answers.
//
// A failure before the flush drops what was held; the command is retried
// and sends it all again. A failed flush is transient in the same way.
type outbox struct {
	out  Publisher
	held []Outgoing
}

func (o *outbox) Publish(ctx context.Context, records ...Outgoing) error {
	var now []Outgoing
	for _, r := range records {
		if r.Topic == contracts.TopicEvents {
			now = append(now, r)
		} else {
			o.held = append(o.held, r)
		}
	}
	if len(now) > 0 {
		return o.out.Publish(ctx, now...)
	}
	return nil
}

// flush writes what is held.
func (o *outbox) flush(ctx context.Context) error {
	if len(o.held) == 0 {
		return nil
	}
	if err := o.out.Publish(ctx, o.held...); err != nil {
		if errors.Is(err, ErrPermanent) {
			// Refused for good, even as a dead-letter stub: the publisher
			// logged and counted it; retrying would block the partition.
			o.held = nil
			return nil
		}
		return fmt.Errorf("%w: %d records of the command: %v", ErrTransient, len(o.held), err)
	}
	o.held = nil
	return nil
}

// drop forgets what is held (the command is retried and sends it again).
func (o *outbox) drop() {
	if o != nil {
		o.held = nil
	}
}

type outboxKey struct{}

// withOutbox makes what is published with ctx go through ob.
func withOutbox(ctx context.Context, ob *outbox) context.Context {
	return context.WithValue(ctx, outboxKey{}, ob)
}

// outboxOf is the outbox of the message being handled, or nil.
func outboxOf(ctx context.Context) *outbox {
	ob, _ := ctx.Value(outboxKey{}).(*outbox)
	return ob
}

// viaOutbox publishes into the outbox of the context it is given, and
// straight to the broker when the context has none.
type viaOutbox struct{ broker Publisher }

func (p viaOutbox) Publish(ctx context.Context, records ...Outgoing) error {
	if ob := outboxOf(ctx); ob != nil {
		return ob.Publish(ctx, records...)
	}
	return p.broker.Publish(ctx, records...)
}
