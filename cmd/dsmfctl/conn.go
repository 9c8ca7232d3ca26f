package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/uuid"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/contracts"
)

// conn is a connection that sends commands and reads what answers them: the
// reply on the replies topic (matched by ce_correlationid), or for a
// back-office decision the event on the event log (matched by commandId).
type conn struct {
	client   sarama.Client
	producer sarama.SyncProducer
	consumer sarama.Consumer
	source   string
	now      func() time.Time

	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	waiters map[*waiter]struct{}
}

// record is a record read from a watched topic.
type record struct {
	Topic     string
	Partition int32
	Offset    int64
	Timestamp time.Time
	Key       string
	Headers   []contracts.Header
	Value     []byte
	// Envelope is the decoded CloudEvent; EnvelopeErr says why not.
	Envelope    contracts.Envelope
	EnvelopeErr error
}

type waiter struct {
	match func(record) bool
	ch    chan record
}

func saramaConfig(clientID string, sec kafka.Security) *sarama.Config {
	cfg := kafka.Config{ClientID: clientID, Security: sec}.SaramaConfig()
	cfg.Consumer.MaxWaitTime = 50 * time.Millisecond
	cfg.Metadata.Retry.Max = 3
	cfg.Net.DialTimeout = 5 * time.Second
	return cfg
}

// dial connects and starts reading the answer topics from their current
// end, so that it sees only what answers commands sent after it returns.
func dial(brokers []string, sec kafka.Security, now func() time.Time) (*conn, error) {
	client, err := sarama.NewClient(brokers, saramaConfig("dsmfctl", sec))
	if err != nil {
		return nil, connectError(brokers, sec, err)
	}
	producer, err := sarama.NewSyncProducerFromClient(client)
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("producer: %w", err)
	}
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		producer.Close()
		client.Close()
		return nil, fmt.Errorf("consumer: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &conn{client: client, producer: producer, consumer: consumer, source: contracts.SourcePortal,
		now: now, cancel: cancel, waiters: map[*waiter]struct{}{}}
	for _, topic := range []string{contracts.TopicReplies, contracts.TopicEvents, contracts.TopicNotices} {
		if err := consume(ctx, consumer, topic, sarama.OffsetNewest, &c.wg, c.dispatch); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// connectError says what failed to connect and what to check.
func connectError(brokers []string, sec kafka.Security, err error) error {
	hint := "is a broker listening there? the adapter's embedded one starts with go run ./cmd/dsmf-adapter"
	switch {
	case sec.SASL():
		hint = "check the SASL mechanism, user and password, and TLS"
	case sec.TLS:
		hint = "check the TLS settings"
	}
	return fmt.Errorf("connect to %s (%s): %w (%s)", strings.Join(brokers, ","), sec.Protocol(), err, hint)
}

// consume reads every partition of topic from offset and hands each record
// to handle until ctx ends (kafka.ConsumeTopic).
func consume(ctx context.Context, consumer sarama.Consumer, topic string, offset int64, wg *sync.WaitGroup, handle func(record)) error {
	return kafka.ConsumeTopic(ctx, consumer, topic, offset, wg, func(m *sarama.ConsumerMessage) { handle(toRecord(m)) })
}

func toRecord(m *sarama.ConsumerMessage) record {
	r := record{Topic: m.Topic, Partition: m.Partition, Offset: m.Offset, Timestamp: m.Timestamp,
		Key: string(m.Key), Value: m.Value, Headers: kafka.RecordHeaders(m.Headers)}
	if m.Value != nil || len(r.Headers) > 0 {
		r.Envelope, r.EnvelopeErr = contracts.DecodeEnvelope(m.Key, r.Headers, m.Value)
	} else {
		r.EnvelopeErr = errTombstone
	}
	return r
}

var errTombstone = errors.New("a tombstone (null value)")

func (c *conn) dispatch(r record) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for w := range c.waiters {
		if w.match(r) {
			select {
			case w.ch <- r:
			default:
			}
		}
	}
}

// expect registers interest in a record before the command that causes it
// is sent; wait then returns it.
func (c *conn) expect(match func(record) bool) *waiter {
	w := &waiter{match: match, ch: make(chan record, 1)}
	c.mu.Lock()
	c.waiters[w] = struct{}{}
	c.mu.Unlock()
	return w
}

func (c *conn) forget(w *waiter) {
	c.mu.Lock()
	delete(c.waiters, w)
	c.mu.Unlock()
}

// wait returns the record w expects, or an error when ctx ends first.
func (c *conn) wait(ctx context.Context, w *waiter) (record, error) {
	defer c.forget(w)
	select {
	case r := <-w.ch:
		return r, nil
	case <-ctx.Done():
		return record{}, ctx.Err()
	}
}

// Close stops reading and disconnects.
func (c *conn) Close() {
	c.cancel()
	c.wg.Wait()
	c.consumer.Close()
	c.producer.Close()
	c.client.Close()
}

// command is a command ready to send.
type command struct {
	ID    string
	Type  string
	Topic string
	Key   string
	// Data is the JSON payload.
	Data []byte
}

// newCommand makes a command of payload, keyed by its insurer's VÖEN; a
// decision goes to the back office's topic, everything else to the portal's.
func newCommand(typ, voen string, payload any) (command, error) {
	data, err := json.Marshal(payload)
	if err != nil {
		return command{}, fmt.Errorf("encode %s: %w", typ, err)
	}
	return command{ID: uuid.NewString(), Type: typ, Topic: topicOf(typ), Key: voen, Data: data}, nil
}

func topicOf(typ string) string {
	if typ == contracts.TypeDecision {
		return contracts.TopicBackOfficeCommands
	}
	return contracts.TopicPortalCommands
}

func sourceOf(topic string) string {
	if topic == contracts.TopicBackOfficeCommands {
		return contracts.SourceBackOffice
	}
	return contracts.SourcePortal
}

// send produces a command in binary content mode.
func (c *conn) send(cmd command) error {
	env := contracts.Envelope{ID: cmd.ID, Source: sourceOf(cmd.Topic), Type: cmd.Type, Time: c.now().UTC(),
		DataContentType: contracts.JSONContentType, Data: cmd.Data, Key: cmd.Key}
	msg := &sarama.ProducerMessage{Topic: cmd.Topic, Key: sarama.StringEncoder(cmd.Key), Value: sarama.ByteEncoder(cmd.Data)}
	for _, h := range env.BinaryHeaders() {
		msg.Headers = append(msg.Headers, sarama.RecordHeader{Key: []byte(h.Key), Value: h.Value})
	}
	if _, _, err := c.producer.SendMessage(msg); err != nil {
		return fmt.Errorf("send %s to %s: %w", cmd.Type, cmd.Topic, err)
	}
	return nil
}

// answers matches what answers a command: its reply, or for a back-office
// decision, which has no reply, the event it leaves on the log (a malformed
// decision is still answered by an error reply).
func answers(cmd command) func(record) bool {
	id := cmd.ID
	return func(r record) bool {
		switch r.Topic {
		case contracts.TopicReplies:
			return r.EnvelopeErr == nil && r.Envelope.Extension(contracts.ExtensionCorrelationID) == id
		case contracts.TopicEvents:
			if cmd.Topic != contracts.TopicBackOfficeCommands || r.EnvelopeErr != nil || (r.Envelope.Type != contracts.TypeApplicationStatusMoved && r.Envelope.Type != contracts.TypeCommandRejected) {
				return false
			}
			var meta struct {
				CommandID string `json:"commandId"`
			}
			return json.Unmarshal(r.Envelope.Data, &meta) == nil && meta.CommandID == id
		}
		return false
	}
}

// timeoutError says no answer came in time.
type timeoutError struct {
	typ, id string
	after   time.Duration
}

func (e timeoutError) Error() string {
	return fmt.Sprintf("no answer to %s (command id %s) within %s: is the adapter running and reading these brokers?", e.typ, e.id, e.after)
}

// request sends a command and waits up to timeout for what answers it.
func (c *conn) request(ctx context.Context, cmd command, timeout time.Duration) (record, error) {
	w := c.expect(answers(cmd))
	if err := c.send(cmd); err != nil {
		c.forget(w)
		return record{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r, err := c.wait(ctx, w)
	if errors.Is(err, context.DeadlineExceeded) {
		return record{}, timeoutError{cmd.Type, cmd.ID, timeout}
	}
	return r, err
}

// refusal is an error reply, or a decision refused on the event log.
type refusal struct {
	Code    string
	Message contracts.Message
	Detail  string
}

func (r *refusal) Error() string {
	s := r.Code
	if r.Message.EN != "" {
		s += ": " + r.Message.EN
		if r.Message.AZ != "" {
			s += " / " + r.Message.AZ
		}
	}
	if r.Detail != "" {
		s += " (" + r.Detail + ")"
	}
	return s
}

// refusalOf returns the refusal an answer carries, or nil for a success.
func refusalOf(r record) *refusal {
	switch r.Envelope.Type {
	case contracts.TypeError:
		var e contracts.ErrorReply
		_ = json.Unmarshal(r.Envelope.Data, &e)
		return &refusal{Code: e.Code, Message: e.Message, Detail: e.Detail}
	case contracts.TypeCommandRejected:
		var e contracts.CommandRejected
		_ = json.Unmarshal(r.Envelope.Data, &e)
		return &refusal{Code: e.Code, Detail: e.Detail}
	}
	return nil
}

// call sends a command, waits for its answer and decodes a success into out
// (when not nil); a refusal is returned as a *refusal error.
func (c *conn) call(ctx context.Context, typ, voen string, payload any, timeout time.Duration, out any) (record, error) {
	cmd, err := newCommand(typ, voen, payload)
	if err != nil {
		return record{}, err
	}
	r, err := c.request(ctx, cmd, timeout)
	if err != nil {
		return record{}, err
	}
	if ref := refusalOf(r); ref != nil {
		return r, ref
	}
	if out != nil {
		if err := json.Unmarshal(r.Envelope.Data, out); err != nil {
			return r, fmt.Errorf("decode %s: %w", r.Envelope.Type, err)
		}
	}
	return r, nil
}
