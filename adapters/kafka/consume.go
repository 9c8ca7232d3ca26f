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
	parts, err := consumer.Partitions(topic)
	if err != nil {
		return fmt.Errorf("partitions of %s: %w", topic, err)
	}
	for _, p := range parts {
		pc, err := consumer.ConsumePartition(topic, p, offset)
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
					if !ok {
						return
					}
					handle(m)
				}
			}
		}()
	}
	return nil
}
