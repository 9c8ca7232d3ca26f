package handlers

import (
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
)

// Metrics tells the observer how each attempt at a message ended: its type
// and the outcome its answer carried, or "retry" when it is to be tried
// again; and how long it took. It begins the attempt's progress, so it goes
// first.
func (h *Handler) Metrics(next message.HandlerFunc) message.HandlerFunc {
	return func(msg *message.Message) ([]*message.Message, error) {
		start := time.Now()
		p, ctx := begin(msg)
		defer msg.SetContext(ctx)
		msgs, err := next(msg)
		outcome := p.outcome
		if err != nil {
			outcome = "retry"
		}
		h.observer.Handled(p.typ, outcome, time.Since(start))
		return msgs, err
	}
}
