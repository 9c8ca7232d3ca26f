package handlers

import (
	"context"
	"fmt"
	"time"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// decideFunc decides a state-changing command on a snapshot. It returns the
// event to record, or a *domain.Error to record as a refusal.
type decideFunc func(v View, meta contracts.EventMeta) (eventType string, event any, err error)

// maxAttempts bounds how often a command is decided again after losing a
// race for the insurer's next Seq (only during a partition handover).
const maxAttempts = 5

// change records the decision on a state-changing command on the event log
// and waits until the log has folded it, so the answer always reflects what
// the log says, whoever wrote it. A command that already has an outcome is
// not decided again: its recorded outcome is answered once more.
func (h *Handler) change(ctx context.Context, c command, decide decideFunc) (domain.Outcome, error) {
	for attempt := 0; attempt < maxAttempts; attempt++ {
		v := h.state.View()
		if o, ok := v.Outcome(c.id); ok {
			return o, nil
		}
		meta := contracts.EventMeta{CommandID: c.id, InsurerVOEN: c.insurerVOEN,
			Seq: v.Stream(c.insurerVOEN).Seq + 1, At: c.now}
		typ, ev, err := decide(v, meta)
		if err != nil {
			de, ok := domain.AsError(err)
			if !ok {
				return domain.Outcome{}, err
			}
			typ, ev = contracts.TypeCommandRejected, contracts.CommandRejected{EventMeta: meta,
				CommandType: c.typ, SessionID: c.sessionID, Code: de.Code, Detail: de.Detail}
		}
		env, err := contracts.NewEnvelope(eventID(c.id, meta.Seq), contracts.SourceAdapter, typ, c.insurerVOEN, c.now, ev)
		if err != nil {
			return domain.Outcome{}, err
		}
		env.Subject = c.insurerVOEN
		wait := h.state.Await(c.id)
		start := time.Now()
		if err := h.out.Publish(ctx, FromEnvelope(contracts.TopicEvents, env)); err != nil {
			h.state.Forget(c.id, wait)
			return domain.Outcome{}, fmt.Errorf("%w: write event: %v", ErrTransient, err)
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

// answer replies to a state-changing command from its outcome.
func (h *Handler) answer(c command, o domain.Outcome, ok func(ctx context.Context, v View) (string, any, error)) replyFunc {
	return func(ctx context.Context) (string, error) {
		if !o.Accepted() {
			de := refused(o)
			return de.Code, h.replyError(ctx, c.id, c.typ, c.insurerVOEN, de)
		}
		typ, data, err := ok(ctx, h.state.View())
		if err != nil {
			if de, isDomain := domain.AsError(err); isDomain {
				return de.Code, h.replyError(ctx, c.id, c.typ, c.insurerVOEN, de)
			}
			return "", err
		}
		return "ok", h.reply(ctx, c.id, c.insurerVOEN, typ, data)
	}
}
