package handlers

import (
	"context"

	"github.com/dsmf/ssc-adapter/domain"
)

// Query answers a read-only command with payload P by a result R, read from
// one snapshot of state. Nothing is recorded, so a repeat simply reads the
// state again.
type Query[P, R any] struct {
	// Action is what the command's session must be allowed to do.
	Action domain.Action
	// Check, when set, applies the payload's own rules; it runs before the
	// session is checked.
	Check func(p P) error
	// Read makes the result; a *domain.Error is answered as a refusal.
	Read func(h *Handler, v View, c Cmd[P]) (R, error)
}

func (q Query[P, R]) handle(ctx context.Context, h *Handler, c command) (string, error) {
	result, err := q.read(h, c)
	if err != nil {
		return h.refuse(ctx, c, err)
	}
	return h.answer(ctx, c, result)
}

func (q Query[P, R]) read(h *Handler, c command) (R, error) {
	var none R
	cmd, err := decode[P](c)
	if err != nil {
		return none, err
	}
	if q.Check != nil {
		if err := q.Check(cmd.Payload); err != nil {
			return none, err
		}
	}
	v := h.state.View()
	if _, err := h.authorize(v, c, q.Action); err != nil {
		return none, err
	}
	return q.Read(h, v, cmd)
}
