// Package service wires the adapter together: broker (given or embedded),
// topics, state rebuilt from the log, the command router and the
// operations endpoint.
package service

import (
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/contracts"
)

// Config is the service's configuration; cmd/dsmf-adapter fills it from
// environment variables and flags.
type Config struct {
	// Brokers to use; empty starts the embedded broker.
	Brokers []string
	// EmbeddedAddr is where the embedded broker listens.
	EmbeddedAddr string
	// DataDir keeps the embedded broker's data; empty keeps it in memory.
	DataDir string
	// EmbeddedOptions adds kfake options (tests: SASL, ACLs, fast groups).
	EmbeddedOptions []kfake.Opt
	// HTTPAddr serves /healthz, /readyz and /metrics; empty disables it.
	HTTPAddr string
	// Partitions of the keyed topics when the adapter creates them.
	Partitions int32
	// ConsumerGroup shared by all instances.
	ConsumerGroup string
	// CreateTopics creates missing topics at start.
	CreateTopics bool
	// DemoData loads the demo reference data when the insurers topic is empty.
	DemoData bool
	// SessionIdle closes sessions after this long without a command.
	SessionIdle time.Duration
	// ShutdownTimeout bounds a graceful stop.
	ShutdownTimeout time.Duration
	// GroupSessionTimeout and GroupHeartbeat tune the consumer group; a
	// short heartbeat makes rebalances quick.
	GroupSessionTimeout time.Duration
	GroupHeartbeat      time.Duration
	// ClientID names this instance to the brokers.
	ClientID string
	// GroupInstanceID makes this instance a static member of the consumer
	// group (KIP-345): a name stable across its restarts and unique among
	// instances (the pod's name, say). A restart then takes its partitions
	// back without a rebalance of the whole group, and a stop does not leave
	// the group: the partitions of an instance that does not come back move
	// after GroupSessionTimeout. Empty: dynamic membership.
	GroupInstanceID string
	// Kafka is SASL and TLS to the brokers; every client the adapter builds
	// (client, admin, publisher, subscriber) uses it. Zero is PLAINTEXT.
	Kafka kafka.Security
	// Logger receives the service's logs; nil uses slog.Default().
	Logger *slog.Logger
	// Now is the clock; nil uses time.Now.
	Now func() time.Time
	// PortalKeys verify the portal's Ed25519 signatures on login assertions.
	PortalKeys contracts.KeySet
	// AllowUnsignedAssertions turns signature checks off: development only.
	AllowUnsignedAssertions bool
	// DevKeyFile keeps the development signing key made when the embedded
	// broker runs without PortalKeys; empty makes a throwaway one.
	DevKeyFile string
	// Pprof serves Go's profiler at /debug/pprof/ on HTTPAddr.
	Pprof bool
	// MaxInFlight bounds the commands of one partition handled at once
	// (one insurer's commands are always handled one after the other).
	MaxInFlight int
	// ProducerConns is how many connections (idempotent producers) the
	// events and the answers each write through: one request in flight on
	// each.
	ProducerConns int
	// Middlewares wrap every command handler (tracing, fault injection in tests).
	Middlewares []message.HandlerMiddleware
	// SnapshotInterval is how often a ready instance writes a checkpoint of
	// state to TopicStateSnapshots (a start folds only the events after
	// it); zero is DefaultSnapshotInterval, negative writes none.
	SnapshotInterval time.Duration
}

// Defaults returns the configuration of a laptop run.
func Defaults() Config {
	return Config{
		EmbeddedAddr:        "127.0.0.1:9092",
		DataDir:             "data/kafka",
		DevKeyFile:          "data/portal-signing-key.json",
		HTTPAddr:            "127.0.0.1:8080",
		Partitions:          contracts.DefaultPartitions,
		ConsumerGroup:       "dsmf-ssc-adapter",
		CreateTopics:        true,
		DemoData:            true,
		SessionIdle:         30 * time.Minute,
		ShutdownTimeout:     30 * time.Second,
		GroupSessionTimeout: 10 * time.Second,
		GroupHeartbeat:      time.Second,
		ClientID:            "dsmf-ssc-adapter",
		MaxInFlight:         64,
		ProducerConns:       4,
	}
}
