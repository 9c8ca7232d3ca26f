package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
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
	cfg   Config
	state State
	// out publishes into the outbox of the message being handled (it
	// travels in the context), broker straight to the broker.
	out, broker Publisher
	notices     NoticeRenderer
	observer    Observer
	log         *slog.Logger
	// chain is Decide within Middlewares, for Handle.
	chain message.HandlerFunc
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
	h := &Handler{cfg: cfg, state: state, out: viaOutbox{broker: out}, broker: out, notices: notices,
		observer: observer, log: log}
	h.chain = h.compose()
	return h
}

// ErrTransient marks a failure worth retrying (the broker, a timeout): the
// message is redelivered, and the outcomes memory makes the retry safe.
var ErrTransient = errors.New("transient failure")

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
