package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"

	"github.com/IBM/sarama"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/ops"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
	"github.com/dsmf/ssc-adapter/handlers"
)

// publisher adapts the Kafka producers to handlers.Publisher. Events have a
// producer of their own: a command waits for its event before it answers,
// and with one request in flight per connection (the idempotent producer's
// rule) an event would otherwise queue behind megabytes of notices.
//
// A record refused for good (kafka.IsPermanent: too large, invalid, not
// authorised) is not sent again: an event so refused fails the command
// (handlers.ErrPermanent), and any other record, a dead letter included, is
// replaced by a stub on the dead-letter topic: its headers, the refusal,
// the size and SHA-256 of its value. So a record that cannot be written
// never blocks its partition, and what it was stays findable.
type publisher struct {
	events, rest *kafka.Producer
	sre          *ops.SRE     // nil: not counted
	log          *slog.Logger // nil: slog.Default()
	counted      *recentIDs   // dead letters counted; nil: every write counts
}

func (p publisher) Publish(_ context.Context, records ...handlers.Outgoing) error {
	var events, rest []*sarama.ProducerMessage
	for _, r := range records {
		m := producerMessage(r)
		if r.Topic == contracts.TopicEvents {
			events = append(events, m)
		} else {
			rest = append(rest, m)
		}
	}
	if err := p.send(p.events, events); err != nil {
		return err
	}
	return p.send(p.rest, rest)
}

func producerMessage(r handlers.Outgoing) *sarama.ProducerMessage {
	m := &sarama.ProducerMessage{Topic: r.Topic, Headers: make([]sarama.RecordHeader, len(r.Headers)),
		Metadata: recordMark{deadLetter: r.DeadLetter}}
	for j, h := range r.Headers {
		m.Headers[j] = sarama.RecordHeader{Key: []byte(h.Key), Value: h.Value}
	}
	if r.Key != "" {
		m.Key = sarama.StringEncoder(r.Key)
	}
	if r.Value != nil {
		m.Value = sarama.ByteEncoder(r.Value)
	}
	return m
}

// send writes msgs; records refused for good become stubs (see publisher).
func (p publisher) send(prod *kafka.Producer, msgs []*sarama.ProducerMessage) error {
	err := prod.Send(msgs...)
	if err == nil {
		p.countDeadLetters(msgs)
		return nil
	}
	failed := kafka.FailedRecords(err, msgs)
	var stubs []*sarama.ProducerMessage
	var transient, refusedEvent, refusedStub error
	for _, f := range failed {
		if !kafka.IsPermanent(f.Err) {
			transient = errors.Join(transient, f.Err)
			continue
		}
		refusal := kafka.Refusal(f.Err)
		p.logger().Error("Kafka refused a record for good; not retrying it", "topic", f.Record.Topic,
			"bytes", valueSize(f.Record), "refusal", refusal, "broker_reason", f.Err.Error())
		if p.sre != nil {
			p.sre.Refused(f.Record.Topic, refusal)
		}
		switch {
		case f.Record.Topic == contracts.TopicEvents:
			refusedEvent = errors.Join(refusedEvent, f.Err)
		case isStub(f.Record):
			refusedStub = errors.Join(refusedStub, f.Err)
			if p.sre != nil {
				p.sre.DeadLetterFailed(refusal)
			}
		default:
			stubs = append(stubs, stubOf(f.Record, f.Err))
		}
	}
	if transient != nil {
		if p.sre != nil {
			p.sre.Retried("produce")
		}
		return fmt.Errorf("produce: %w", transient)
	}
	if refusedEvent != nil {
		return fmt.Errorf("%w: event: %w", handlers.ErrPermanent, refusedEvent)
	}
	if refusedStub != nil {
		return fmt.Errorf("%w: dead-letter stub: %w", handlers.ErrPermanent, refusedStub)
	}
	p.countDeadLetters(written(msgs, failed))
	if len(stubs) == 0 {
		return nil
	}
	return p.send(p.rest, stubs)
}

// stubOf is the dead letter that stands for a record refused for good.
func stubOf(m *sarama.ProducerMessage, refusal error) *sarama.ProducerMessage {
	var value []byte
	if m.Value != nil {
		value, _ = m.Value.Encode()
	}
	sum := sha256.Sum256(value)
	headers := append([]sarama.RecordHeader(nil), m.Headers...)
	mark := recordMark{stub: true, deadLetter: markOf(m).deadLetter}
	if m.Topic != contracts.TopicDeadLetter {
		// A refused reply, notice or audit record: say why it is here.
		mark.deadLetter = handlers.DeadLetterTag{Code: codeProduceRefused}
		headers = append(headers,
			sarama.RecordHeader{Key: []byte(handlers.HeaderDLQCode), Value: []byte(codeProduceRefused)},
			sarama.RecordHeader{Key: []byte(handlers.HeaderDLQReason), Value: []byte("the broker refused this record for good")})
	}
	headers = append(headers,
		sarama.RecordHeader{Key: []byte(handlers.HeaderDLQStub), Value: []byte("true")},
		sarama.RecordHeader{Key: []byte(handlers.HeaderDLQStubReason), Value: []byte(kafka.Refusal(refusal) + ": " + refusal.Error())},
		sarama.RecordHeader{Key: []byte(handlers.HeaderDLQStubTopic), Value: []byte(m.Topic)},
		sarama.RecordHeader{Key: []byte(handlers.HeaderDLQStubSize), Value: []byte(strconv.Itoa(len(value)))},
		sarama.RecordHeader{Key: []byte(handlers.HeaderDLQStubSHA256), Value: []byte(hex.EncodeToString(sum[:]))})
	return &sarama.ProducerMessage{Topic: contracts.TopicDeadLetter, Key: m.Key, Headers: headers, Metadata: mark}
}

// codeProduceRefused is the dlq_code of the stub of a record that is not a
// dead letter (a reply, a notice, an audit record) refused for good.
const codeProduceRefused = "PRODUCE_REFUSED"

// recordMark is the Metadata of every record: whether it is a stub, and
// what dead letter it is, told by how it was made, not by headers a hostile
// original could carry too.
type recordMark struct {
	stub       bool
	deadLetter handlers.DeadLetterTag
}

func markOf(m *sarama.ProducerMessage) recordMark {
	mark, _ := m.Metadata.(recordMark)
	return mark
}

func isStub(m *sarama.ProducerMessage) bool { return markOf(m).stub }

func valueSize(m *sarama.ProducerMessage) int {
	if m.Value == nil {
		return 0
	}
	return m.Value.Length()
}

// written are the records of msgs not in failed.
func written(msgs []*sarama.ProducerMessage, failed []kafka.RecordError) []*sarama.ProducerMessage {
	bad := make(map[*sarama.ProducerMessage]bool, len(failed))
	for _, f := range failed {
		bad[f.Record] = true
	}
	var out []*sarama.ProducerMessage
	for _, m := range msgs {
		if !bad[m] {
			out = append(out, m)
		}
	}
	return out
}

// countDeadLetters counts the dead letters among written records, each
// identity once as far as p.counted remembers it.
func (p publisher) countDeadLetters(msgs []*sarama.ProducerMessage) {
	if p.sre == nil {
		return
	}
	for _, m := range msgs {
		if m.Topic != contracts.TopicDeadLetter {
			continue
		}
		dl := markOf(m).deadLetter
		if dl.ID != "" && p.counted != nil && !p.counted.add(dl.ID) {
			continue
		}
		p.sre.DeadLettered(reasonLabel(dl.Code), isStub(m))
	}
}

// reasonLabel bounds the metric's reason label to the codes the adapter
// writes.
func reasonLabel(code string) string {
	if _, ok := domain.ByCode(code); ok || code == codeProduceRefused {
		return code
	}
	return "other"
}

// recentIDs remembers the last max identities added: a retry or a
// redelivery writes a dead letter again soon after, so a short memory
// finds nearly every copy in bounded space.
type recentIDs struct {
	mu    sync.Mutex
	max   int
	seen  map[string]bool
	order []string
}

func newRecentIDs(max int) *recentIDs { return &recentIDs{max: max, seen: map[string]bool{}} }

// add reports whether id is new, and remembers it.
func (r *recentIDs) add(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[id] {
		return false
	}
	if len(r.order) == r.max {
		delete(r.seen, r.order[0])
		r.order = r.order[1:]
	}
	r.seen[id] = true
	r.order = append(r.order, id)
	return true
}

func (p publisher) logger() *slog.Logger {
	if p.log == nil {
		return slog.Default()
	}
	return p.log
}
