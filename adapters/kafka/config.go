// Package kafka connects the adapter to Kafka: sarama configuration, the
// CloudEvents headers, the command subscriber (a watermill Subscriber) and
// producer, topic creation and the event-log reader that rebuilds state. The
// embedded broker for development is in the subpackage embedded.
package kafka

import (
	"time"

	"github.com/IBM/sarama"
)

// Config says how to reach the brokers.
type Config struct {
	Brokers  []string
	ClientID string
	// Security is SASL and TLS to the brokers; the zero value is PLAINTEXT.
	Security Security
}

// SaramaConfig returns the client configuration every part of the adapter
// starts from. Records are keyed by VÖEN and partitioned with murmur2, the
// Java client's default, so that the portal's and the back office's
// producers put an insurer on the same partition as the adapter does.
//
// It applies Security (SASL, TLS); call Security.Validate first to get its
// mistakes as an error.
func (c Config) SaramaConfig() *sarama.Config {
	sc := sarama.NewConfig()
	sc.ClientID = c.ClientID
	if sc.ClientID == "" {
		sc.ClientID = "dsmf-ssc-adapter"
	}
	sc.Version = sarama.V2_1_0_0
	sc.Metadata.Retry.Backoff = 250 * time.Millisecond
	sc.Producer.Partitioner = sarama.NewMurmur2Partitioner
	// Durability: every write waits for all in-sync replicas, and the
	// idempotent producer keeps retries from writing a record twice.
	sc.Producer.RequiredAcks = sarama.WaitForAll
	sc.Producer.Idempotent = true
	sc.Net.MaxOpenRequests = 1
	sc.Producer.Retry.Max = 10
	sc.Producer.Retry.Backoff = 100 * time.Millisecond
	sc.Producer.Return.Successes = true
	sc.Producer.Return.Errors = true
	sc.Consumer.Return.Errors = true
	sc.Consumer.Offsets.Initial = sarama.OffsetOldest
	sc.Consumer.Fetch.Default = 4 << 20
	// A fetch that finds nothing waits this long on the broker, and a
	// connection serves one request at a time: the consumer group's
	// heartbeats and commits queue behind it, and so does the next fetch.
	// Short keeps a command's wait short; idle, it costs 50 fetches a second.
	sc.Consumer.MaxWaitTime = 20 * time.Millisecond
	c.Security.apply(sc)
	return sc
}
