package service

import (
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/ops"
)

// readiness decides /readyz from what the service knows: ready only when
// state is rebuilt, the broker is reachable, and this instance is in a group
// session, consuming what it was assigned (or assigned nothing, which the
// body says: more instances than partitions). It also feeds the metrics of
// the group and the broker, and logs a broker outage once, with its length.
type readiness struct {
	ops   *ops.Readiness
	sre   *ops.SRE
	log   *slog.Logger // not gated: the outage's own lines
	gate  *outageGate
	start time.Time

	mu         sync.Mutex
	rebuilt    bool
	inSession  bool
	claims     map[string][]int32
	brokerDown time.Time // zero: reachable
	stopping   bool
	everReady  bool
	firstReady chan struct{}
}

func newReadiness(r *ops.Readiness, sre *ops.SRE, log *slog.Logger, gate *outageGate) *readiness {
	return &readiness{ops: r, sre: sre, log: log, gate: gate, start: time.Now(), firstReady: make(chan struct{})}
}

// Rebuilt: state is rebuilt from the topics.
func (r *readiness) Rebuilt() { r.set(func() { r.rebuilt = true }) }

// Stopping: shutting down.
func (r *readiness) Stopping() { r.set(func() { r.stopping = true }) }

// BrokerDown and BrokerUp report what the broker watch sees.
func (r *readiness) BrokerDown(err error) {
	r.set(func() {
		if r.brokerDown.IsZero() {
			r.brokerDown = time.Now()
			r.sre.BrokerDown(true)
			r.log.Error("Kafka unreachable; not ready until it is back (warnings and errors during the outage are logged at debug level)", "err", err)
			r.gate.suppressed.Store(0)
			r.gate.down.Store(true)
		}
	})
}

func (r *readiness) BrokerUp() {
	r.set(func() {
		if !r.brokerDown.IsZero() {
			r.gate.down.Store(false)
			r.log.Warn("Kafka reachable again", "outage_seconds", time.Since(r.brokerDown).Seconds(),
				"lines_held_back", r.gate.suppressed.Load())
			r.brokerDown = time.Time{}
			r.sre.BrokerDown(false)
		}
	})
}

// Assigned implements kafka.GroupObserver.
func (r *readiness) Assigned(claims map[string][]int32) {
	r.set(func() {
		r.inSession, r.claims = true, claims
		r.sre.Assigned(countPartitions(claims))
	})
}

// Revoked implements kafka.GroupObserver.
func (r *readiness) Revoked(map[string][]int32) {
	r.set(func() {
		r.inSession, r.claims = false, nil
		r.sre.Assigned(0)
	})
}

// Oldest implements kafka.GroupObserver.
func (r *readiness) Oldest(topic string, partition int32, age time.Duration) {
	r.sre.OldestUnanswered(topic, partition, age)
}

// GroupError implements kafka.GroupObserver: a lost broker starts the
// outage at its first sign (one error per partition follows at once); any
// other error is logged.
func (r *readiness) GroupError(err error) {
	if kafka.IsUnreachable(err) {
		r.BrokerDown(err)
		return
	}
	r.gatedLog().Warn("consumer group error", "err", err)
}

// gatedLog is the service's log, quiet during an outage.
func (r *readiness) gatedLog() *slog.Logger { return slog.New(r.gate.handler(r.log.Handler())) }

// FirstReady is closed the first time the service is ready.
func (r *readiness) FirstReady() <-chan struct{} { return r.firstReady }

func (r *readiness) set(change func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	change()
	switch {
	case r.stopping:
		r.ops.NotReady("shutting down")
	case !r.rebuilt:
		r.ops.NotReady("rebuilding state from the event log")
	case !r.brokerDown.IsZero():
		r.ops.NotReady("cannot reach Kafka")
	case !r.inSession:
		r.ops.NotReady("waiting for the consumer group to assign partitions")
	default:
		r.ops.ReadyWith(describeClaims(r.claims))
		if !r.everReady {
			r.everReady = true
			r.sre.ReadyAfter(time.Since(r.start))
			close(r.firstReady)
		}
	}
}

func countPartitions(claims map[string][]int32) int {
	n := 0
	for _, ps := range claims {
		n += len(ps)
	}
	return n
}

// describeClaims is the ready body: what this instance consumes.
func describeClaims(claims map[string][]int32) string {
	if countPartitions(claims) == 0 {
		return "in the consumer group, which has assigned this instance no partitions (more instances than partitions): standing by"
	}
	topics := make([]string, 0, len(claims))
	for t := range claims {
		topics = append(topics, t)
	}
	sort.Strings(topics)
	parts := make([]string, 0, len(topics))
	for _, t := range topics {
		ps := append([]int32(nil), claims[t]...)
		sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
		parts = append(parts, fmt.Sprintf("%s %v", t, ps))
	}
	return "consuming " + strings.Join(parts, ", ")
}
