package kafka

import (
	"context"

	"github.com/IBM/sarama"
	wmkafka "github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
)

// Barrier runs when the consumer group assigns partitions, before any of
// their messages is handed to a handler. An error ends the group session, and
// the group rejoins.
type Barrier func(ctx context.Context, claims map[string][]int32) error

// HandoverHook plugs a Barrier into watermill-kafka's subscriber through its
// tracer hook, the one place it exposes the sarama group handler. This is how
// a new partition owner catches up on the event log before deciding
// anything: goka restores a partition's table up to its high-water mark in the
// same spot.
type HandoverHook struct {
	Barrier Barrier
}

var _ wmkafka.SaramaTracer = HandoverHook{}

// WrapConsumerGroupHandler adds the barrier to Setup.
func (h HandoverHook) WrapConsumerGroupHandler(in sarama.ConsumerGroupHandler) sarama.ConsumerGroupHandler {
	return barrierHandler{ConsumerGroupHandler: in, barrier: h.Barrier}
}

// WrapConsumer leaves the consumer as it is.
func (HandoverHook) WrapConsumer(c sarama.Consumer) sarama.Consumer { return c }

// WrapPartitionConsumer leaves the partition consumer as it is.
func (HandoverHook) WrapPartitionConsumer(pc sarama.PartitionConsumer) sarama.PartitionConsumer {
	return pc
}

// WrapSyncProducer leaves the producer as it is.
func (HandoverHook) WrapSyncProducer(_ *sarama.Config, p sarama.SyncProducer) sarama.SyncProducer {
	return p
}

type barrierHandler struct {
	sarama.ConsumerGroupHandler
	barrier Barrier
}

func (b barrierHandler) Setup(sess sarama.ConsumerGroupSession) error {
	if b.barrier != nil {
		if err := b.barrier(sess.Context(), sess.Claims()); err != nil {
			return err
		}
	}
	return b.ConsumerGroupHandler.Setup(sess)
}
