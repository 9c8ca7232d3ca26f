package service

import (
	"context"

	"github.com/ThreeDotsLabs/watermill"
	wmkafka "github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/handlers"
)

// publisher adapts watermill-kafka's publisher to handlers.Publisher.
type publisher struct {
	pub *wmkafka.Publisher
}

func (p publisher) Publish(_ context.Context, topic string, records ...handlers.Outgoing) error {
	msgs := make([]*message.Message, len(records))
	for i, r := range records {
		m := message.NewMessage(watermill.NewUUID(), r.Value)
		for _, h := range r.Headers {
			m.Metadata.Set(h.Key, string(h.Value))
		}
		if r.Key != "" {
			m.Metadata.Set(kafka.MetaKey, r.Key)
		}
		msgs[i] = m
	}
	return p.pub.Publish(topic, msgs...)
}
