package testkit

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/contracts"
)

// Client talks to a deployment the way the portal and the back office do:
// it produces commands and reads the replies, events, notices, dead letters,
// the audit trail and the status topic, knowing nothing of the adapter's
// insides.
type Client struct {
	producer sarama.SyncProducer
	client   sarama.Client
	cancel   context.CancelFunc
	done     chan struct{}

	mu      sync.Mutex
	seen    map[string][]Received
	changed chan struct{}
}

// Received is a record read from one of the output topics.
type Received struct {
	Topic     string
	Partition int32
	Offset    int64
	Envelope  contracts.Envelope
	// Raw is the record value and Headers its headers (dead letters are
	// not always CloudEvents).
	Raw     []byte
	Headers []contracts.Header
	Key     string
}

// watched are the topics a Client reads.
var watched = []string{contracts.TopicReplies, contracts.TopicEvents, contracts.TopicNotices, contracts.TopicDeadLetter,
	contracts.TopicAudit, contracts.TopicApplicationStatus, contracts.TopicBackOfficeReplies}

// NewClient connects to brokers and starts reading the output topics from
// their current end, so it sees only what happens from now on.
func NewClient(brokers []string) (*Client, error) {
	return NewSecureClient(brokers, kafka.Security{})
}

// NewSecureClient is NewClient with SASL credentials and TLS settings. The
// principal must be allowed to read every topic a Client watches (replies,
// events, notices, dead letters, the audit trail) and to write those it
// produces to.
func NewSecureClient(brokers []string, sec kafka.Security) (*Client, error) {
	if err := sec.Validate(); err != nil {
		return nil, fmt.Errorf("testkit: %w", err)
	}
	cfg := kafka.Config{Brokers: brokers, ClientID: "dsmf-testkit", Security: sec}.SaramaConfig()
	cfg.Consumer.MaxWaitTime = 20 * time.Millisecond
	// The status topic is written in transactions: read only what committed.
	cfg.Consumer.IsolationLevel = sarama.ReadCommitted
	client, err := sarama.NewClient(brokers, cfg)
	if err != nil {
		return nil, fmt.Errorf("testkit: connect to %v: %w", brokers, err)
	}
	producer, err := sarama.NewSyncProducerFromClient(client)
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("testkit: producer: %w", err)
	}
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("testkit: consumer: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &Client{producer: producer, client: client, cancel: cancel, done: make(chan struct{}),
		seen: map[string][]Received{}, changed: make(chan struct{})}
	var wg sync.WaitGroup
	for _, topic := range watched {
		if err := kafka.ConsumeTopic(ctx, consumer, topic, sarama.OffsetNewest, &wg, c.add); err != nil {
			cancel()
			client.Close()
			return nil, fmt.Errorf("testkit: %w", err)
		}
	}
	go func() {
		wg.Wait()
		consumer.Close()
		close(c.done)
	}()
	return c, nil
}

func (c *Client) add(m *sarama.ConsumerMessage) {
	r := Received{Topic: m.Topic, Partition: m.Partition, Offset: m.Offset, Raw: m.Value, Key: string(m.Key),
		Headers: kafka.RecordHeaders(m.Headers)}
	r.Envelope, _ = contracts.DecodeEnvelope(m.Key, r.Headers, m.Value)
	c.mu.Lock()
	c.seen[m.Topic] = append(c.seen[m.Topic], r)
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
}

// Close stops reading and disconnects.
func (c *Client) Close() {
	c.cancel()
	<-c.done
	c.producer.Close()
	c.client.Close()
}

// Produce writes one record in binary content mode and returns its id.
func (c *Client) Produce(topic string, env contracts.Envelope) error {
	msg := &sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder(env.Key)}
	if env.Data != nil {
		msg.Value = sarama.ByteEncoder(env.Data)
	}
	for _, h := range env.BinaryHeaders() {
		msg.Headers = append(msg.Headers, sarama.RecordHeader{Key: []byte(h.Key), Value: h.Value})
	}
	if _, _, err := c.producer.SendMessage(msg); err != nil {
		return fmt.Errorf("testkit: produce to %s: %w", topic, err)
	}
	return nil
}

// ProduceRaw writes a record exactly as given, for malformed-input tests.
func (c *Client) ProduceRaw(topic, key string, headers []contracts.Header, value []byte) error {
	msg := &sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder(key)}
	if value != nil {
		msg.Value = sarama.ByteEncoder(value)
	}
	for _, h := range headers {
		msg.Headers = append(msg.Headers, sarama.RecordHeader{Key: []byte(h.Key), Value: h.Value})
	}
	if _, _, err := c.producer.SendMessage(msg); err != nil {
		return fmt.Errorf("testkit: produce to %s: %w", topic, err)
	}
	return nil
}

// Wait returns the first record on topic that matches, waiting up to timeout.
func (c *Client) Wait(topic string, timeout time.Duration, match func(Received) bool) (Received, bool) {
	deadline := time.After(timeout)
	for {
		c.mu.Lock()
		for _, r := range c.seen[topic] {
			if match(r) {
				c.mu.Unlock()
				return r, true
			}
		}
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-deadline:
			return Received{}, false
		}
	}
}

// All returns every record seen on topic that matches.
func (c *Client) All(topic string, match func(Received) bool) []Received {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Received
	for _, r := range c.seen[topic] {
		if match == nil || match(r) {
			out = append(out, r)
		}
	}
	return out
}
