package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/google/uuid"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// Config holds the handlers' settings.
type Config struct {
	// SessionIdle closes a session after this long without a command.
	SessionIdle time.Duration
	// DecisionTimeout bounds the wait for a written event to come back
	// through the log; past it the command is retried by redelivery.
	DecisionTimeout time.Duration
	// Now is the clock; tests set it.
	Now func() time.Time
	// PortalKeys verify the portal's signatures on login assertions; when
	// empty, signatures are not checked (development only).
	PortalKeys contracts.KeySet
	// AssertionWindow bounds a signed assertion's age and clock skew.
	AssertionWindow domain.AssertionWindow
}

// Handler decides commands.
type Handler struct {
	cfg      Config
	state    State
	out      Publisher
	notices  NoticeRenderer
	observer Observer
	log      *slog.Logger
}

// New builds a handler. observer and log may be nil.
func New(cfg Config, state State, out Publisher, notices NoticeRenderer, observer Observer, log *slog.Logger) *Handler {
	if cfg.SessionIdle == 0 {
		cfg.SessionIdle = 30 * time.Minute
	}
	if cfg.DecisionTimeout == 0 {
		cfg.DecisionTimeout = 15 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.AssertionWindow == (domain.AssertionWindow{}) {
		cfg.AssertionWindow = domain.AssertionWindow{MaxAge: 5 * time.Minute, Skew: 30 * time.Second}
	}
	if observer == nil {
		observer = nopObserver{}
	}
	if log == nil {
		log = slog.Default()
	}
	return &Handler{cfg: cfg, state: state, out: out, notices: notices, observer: observer, log: log}
}

// ErrTransient marks a failure worth retrying (the broker, a timeout): the
// message is redelivered, and the outcomes memory makes the retry safe.
var ErrTransient = errors.New("transient failure")

// Handle decides one consumed record. It returns an error only for a
// transient failure (the broker): the message is then retried with backoff
// and never dropped. Everything else is answered, dead-lettered, or both,
// and acknowledged: a permanent failure is not retried forever.
func (h *Handler) Handle(ctx context.Context, in Inbound) error {
	ob := &outbox{out: h.out}
	withOutbox := *h
	withOutbox.out = ob
	return withOutbox.handleRecord(ctx, in, ob)
}

// handleRecord is Handle with the command's writes held in ob, and written
// with its audit record.
func (h *Handler) handleRecord(ctx context.Context, in Inbound, ob *outbox) (err error) {
	start := time.Now()
	typ, outcome := "invalid", ""
	var decoded *command // once intake passed
	defer func() {
		if p := recover(); p != nil {
			// The panic's value may hold message data: log where, not what.
			ob.drop() // whatever was answered before it: the answer is INTERNAL_ERROR
			outcome, err = h.failPermanently(ctx, in, fmt.Errorf("panic (%T) at:\n%s", p, debug.Stack()))
		}
		err = h.audit(ctx, in, decoded, typ, outcome, err)
		if err == nil {
			flushed := time.Now()
			err = ob.flush(ctx)
			h.observer.Waited(StageWriteAnswer, time.Since(flushed))
		} else {
			ob.drop()
		}
		if err != nil {
			outcome = "retry"
		}
		h.observer.Handled(typ, outcome, time.Since(start))
	}()
	cmd, refusal, err := h.intake(ctx, in)
	if refusal != "" || err != nil {
		outcome = refusal
		return err
	}
	typ, decoded = cmd.typ, &cmd
	outcome, err = h.decide(ctx, cmd)
	if err != nil && !errors.Is(err, ErrTransient) {
		ob.drop()
		outcome, err = h.failPermanently(ctx, in, err)
	}
	return err
}

// failPermanently answers a command that cannot succeed however often it
// is tried (a bug, a corrupt record) with INTERNAL_ERROR and dead-letters it,
// so it does not block its partition. The reason holds no personal data:
// errors here name ids and types only.
func (h *Handler) failPermanently(ctx context.Context, in Inbound, cause error) (string, error) {
	h.log.Error("command failed permanently", "topic", in.Topic, "partition", in.Partition, "offset", in.Offset, "err", cause)
	return h.reject(ctx, in, idHeader(in.Headers), typeHeader(in.Headers), domain.ErrInternal, "internal error")
}

// derivedID makes an id from a command id, so that a command decided twice
// (after a crash) proposes the same ids.
func derivedID(kind, commandID string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:dsmf:ssc:"+kind+":"+commandID)).String()
}

// eventID names the event a command causes.
func eventID(commandID string, seq int64) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s/%d", commandID, seq)))
	return hex.EncodeToString(sum[:16])
}
