package handlers

import (
	"fmt"
	"runtime/debug"

	"github.com/ThreeDotsLabs/watermill/message"
)

// Recover makes a panic a permanent failure: what the command sent before
// it is dropped, and it is answered INTERNAL_ERROR and dead-lettered. The
// panic's value may hold message data (personal data): the log says where it
// happened, never what it was.
func (h *Handler) Recover(next message.HandlerFunc) message.HandlerFunc {
	return func(msg *message.Message) (msgs []*message.Message, err error) {
		defer func() {
			if r := recover(); r != nil {
				p := progressOf(msg)
				outboxOf(msg.Context()).drop()
				p.outcome, err = h.failPermanently(msg.Context(), p.in, fmt.Errorf("panic (%T) at:\n%s", r, debug.Stack()))
			}
		}()
		return next(msg)
	}
}
