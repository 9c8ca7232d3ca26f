package service

import (
	"context"

	"github.com/IBM/sarama"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/handlers"
)

// publisher adapts the Kafka producer to handlers.Publisher.
type publisher struct {
	p *kafka.Producer
}

func (p publisher) Publish(_ context.Context, records ...handlers.Outgoing) error {
	msgs := make([]*sarama.ProducerMessage, len(records))
	for i, r := range records {
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
		msgs[i] = m
	}
	return p.p.Send(msgs...)
}
