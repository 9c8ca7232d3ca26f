package handlers

import (
	"context"
	"fmt"
	"time"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// Change decides a state-changing command with payload P and answers it with
// a result R. The decision is recorded on the event log, and the answer is
// read from the state once the log has folded it, so it always reflects what
// the log says, whoever wrote it. A command that already has an outcome is
// not decided again: its recorded outcome is answered once more.
type Change[P, R any] struct {
	// Decide returns the event that records the decision; a *domain.Error
	// is recorded as the command's refusal (contracts.CommandRejected).
	Decide func(h *Handler, v View, c Cmd[P], meta contracts.EventMeta) (Event, error)
	// Reply makes the result of an accepted command from the state after
	// its event; o.Ref names what the command made or changed.
	Reply func(ctx context.Context, h *Handler, v View, c Cmd[P], o domain.Outcome) (R, error)
}

// Event is what a Change records on the event log: its type and data.
type Event struct {
	Type string
	Data any
}

func (ch Change[P, R]) handle(ctx context.Context, h *Handler, c command) (string, error) {
	cmd, err := decode[P](c)
	if err != nil {
		return h.refuse(ctx, c, err)
	}
	o, err := h.record(ctx, c, func(v View, meta contracts.EventMeta) (Event, error) {
		return ch.Decide(h, v, cmd, meta)
	})
	if err != nil {
		return "", err
	}
	if !o.Accepted() {
		return h.refuse(ctx, c, refused(o))
	}
	result, err := ch.Reply(ctx, h, h.state.View(), cmd, o)
	if err != nil {
		return h.refuse(ctx, c, err)
	}
	return h.answer(ctx, c, result)
}

// maxAttempts bounds how often a command is decided again after losing a
// race for the insurer's next Seq (only during a partition handover).
const maxAttempts = 5

// record decides a command on a snapshot, writes the decision to the event
// log and waits until the log has folded it. It returns the command's
// recorded outcome: at once when it already has one.
func (h *Handler) record(ctx context.Context, c command, decide func(v View, meta contracts.EventMeta) (Event, error)) (domain.Outcome, error) {
	for attempt := 0; attempt < maxAttempts; attempt++ {
		v := h.state.View()
		if o, ok := v.Outcome(c.id); ok {
			return o, nil
		}
		meta := contracts.EventMeta{CommandID: c.id, InsurerVOEN: c.insurerVOEN,
			Seq: v.Stream(c.insurerVOEN).Seq + 1, At: c.now}
		ev, err := decide(v, meta)
		if err != nil {
			de, ok := domain.AsError(err)
			if !ok {
				return domain.Outcome{}, err
			}
			ev = Event{Type: contracts.TypeCommandRejected, Data: contracts.CommandRejected{EventMeta: meta,
				CommandType: c.typ, SessionID: c.sessionID, Code: de.Code, Detail: de.Detail}}
		}
		env, err := contracts.NewEnvelope(eventID(c.id, meta.Seq), contracts.SourceAdapter, ev.Type, c.insurerVOEN, c.now, ev.Data)
		if err != nil {
			return domain.Outcome{}, err
		}
		env.Subject = c.insurerVOEN
		wait := h.state.Await(c.id)
		start := time.Now()
		if err := h.out.Publish(ctx, FromEnvelope(contracts.TopicEvents, env)); err != nil {
			h.state.Forget(c.id, wait)
			return domain.Outcome{}, fmt.Errorf("%w: write event: %w", ErrTransient, err)
		}
		written := time.Now()
		h.observer.Waited(StageWriteEvent, written.Sub(start))
		select {
		case r := <-wait:
			h.observer.Waited(StageAwaitEvent, time.Since(written))
			if !r.Conflict {
				return r.Outcome, nil
			}
			h.log.Info("decision lost a race; deciding again", "type", c.typ, "command_id", c.id, "attempt", attempt+1)
		case <-time.After(h.cfg.DecisionTimeout):
			h.state.Forget(c.id, wait)
			return domain.Outcome{}, fmt.Errorf("%w: event for command %s not seen on the log within %s", ErrTransient, c.id, h.cfg.DecisionTimeout)
		case <-ctx.Done():
			h.state.Forget(c.id, wait)
			return domain.Outcome{}, fmt.Errorf("%w: %v", ErrTransient, ctx.Err())
		}
	}
	return domain.Outcome{}, fmt.Errorf("%w: command %s lost %d races in a row", ErrTransient, c.id, maxAttempts)
}

// refused turns a refusal outcome into its domain error.
func refused(o domain.Outcome) *domain.Error {
	if e, ok := domain.ByCode(o.Code); ok {
		return e.With("%s", o.Detail)
	}
	return &domain.Error{Code: o.Code, AZ: o.Code, EN: o.Code, Detail: o.Detail}
}
