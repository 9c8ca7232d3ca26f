package service

import (
	"context"

	"github.com/IBM/sarama"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/handlers"
)

// publisher adapts the Kafka producers to handlers.Publisher. Events have a
// producer of their own: a command waits for its event before it answers,
// and with one request in flight per connection (the idempotent producer's
// rule) an event would otherwise queue behind megabytes of notices.
type publisher struct {
	events, rest *kafka.Producer
}

func (p publisher) Publish(_ context.Context, records ...handlers.Outgoing) error {
	var events, rest []*sarama.ProducerMessage
	for _, r := range records {
		m := &sarama.ProducerMessage{Topic: r.Topic, Headers: make([]sarama.RecordHeader, len(r.Headers))}
		for j, h := range r.Headers {
			m.Headers[j] = sarama.RecordHeader{Key: []byte(h.Key), Value: h.Value}
		}
		if r.Key != "" {
			m.Key = sarama.StringEncoder(r.Key)
		}
		if r.Value != nil {
			m.Value = sarama.ByteEncoder(r.Value)
		}
		if r.Topic == contracts.TopicEvents {
			events = append(events, m)
		} else {
			rest = append(rest, m)
		}
	}
	if err := p.events.Send(events...); err != nil {
		return err
	}
	return p.rest.Send(rest...)
}
