package kafka

import (
	"context"
	"fmt"
	"sync"

	"github.com/IBM/sarama"
)

// ConsumeTopic reads every partition of topic from offset (OffsetNewest,
// OffsetOldest or an offset) and hands each record to handle, from one
// goroutine per partition, until ctx ends; wg counts those goroutines. Each
// partition's order is kept. The starting offsets are fixed when it returns,
// so nothing written afterwards is missed.
func ConsumeTopic(ctx context.Context, consumer sarama.Consumer, topic string, offset int64, wg *sync.WaitGroup, handle func(*sarama.ConsumerMessage)) error {
	return readPartitions(ctx, consumer, topic, offset, wg, func(_ sarama.PartitionConsumer, m *sarama.ConsumerMessage) bool {
		handle(m)
		return true
	})
}

// readPartitions is ConsumeTopic for handlers that also read their
// partition's consumer (the log reader takes what else it has ready) and
// stop it by returning false. The errors the consumer returns are drained
// and dropped: sarama retries, and its logger has them; left unread, they
// would block the partition.
func readPartitions(ctx context.Context, consumer sarama.Consumer, topic string, offset int64, wg *sync.WaitGroup,
	handle func(sarama.PartitionConsumer, *sarama.ConsumerMessage) bool) error {
	return readPartitionsFrom(ctx, consumer, topic, func(int32) int64 { return offset }, wg, handle)
}

// readPartitionsFrom is readPartitions with an offset of each partition's own.
func readPartitionsFrom(ctx context.Context, consumer sarama.Consumer, topic string, offset func(partition int32) int64,
	wg *sync.WaitGroup, handle func(sarama.PartitionConsumer, *sarama.ConsumerMessage) bool) error {
	parts, err := consumer.Partitions(topic)
	if err != nil {
		return fmt.Errorf("partitions of %s: %w", topic, err)
	}
	for _, p := range parts {
		pc, err := consumer.ConsumePartition(topic, p, offset(p))
		if err != nil {
			return fmt.Errorf("read %s/%d: %w", topic, p, err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer pc.AsyncClose()
			for {
				select {
				case <-ctx.Done():
					return
				case m, ok := <-pc.Messages():
					if !ok || !handle(pc, m) {
						return
					}
				case _, ok := <-pc.Errors():
					if !ok {
						return
					}
				}
			}
		}()
	}
	return nil
}
