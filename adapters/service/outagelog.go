package service

import (
	"context"
	"log/slog"
	"sync/atomic"
)

// outageGate quiets the logs while Kafka is known to be unreachable: every
// client retrying would otherwise write an error line a second (about 50 in
// a 10-second outage). The outage itself is logged once when it starts and
// once, with its length and the lines held back, when it ends.
type outageGate struct {
	down       atomic.Bool
	suppressed atomic.Int64
}

// handler wraps h: while down, warnings and errors go out at debug level.
func (g *outageGate) handler(h slog.Handler) slog.Handler { return gatedHandler{inner: h, gate: g} }

type gatedHandler struct {
	inner slog.Handler
	gate  *outageGate
}

func (h gatedHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l) || h.inner.Enabled(ctx, slog.LevelDebug)
}

func (h gatedHandler) Handle(ctx context.Context, r slog.Record) error {
	if h.gate.down.Load() && r.Level >= slog.LevelWarn {
		h.gate.suppressed.Add(1)
		r.Level = slog.LevelDebug
	}
	if !h.inner.Enabled(ctx, r.Level) {
		return nil
	}
	return h.inner.Handle(ctx, r)
}

func (h gatedHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return gatedHandler{inner: h.inner.WithAttrs(as), gate: h.gate}
}

func (h gatedHandler) WithGroup(name string) slog.Handler {
	return gatedHandler{inner: h.inner.WithGroup(name), gate: h.gate}
}
