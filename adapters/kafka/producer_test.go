package kafka

import (
	"fmt"
	"sync"
	"testing"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Many callers writing at once through several connections: every record
// arrives once, and one key's records, each sent after the previous one was
// acknowledged (as a handler does), arrive in that order.
func TestProducerWritesEveryRecordOnceAndOneKeyInOrder(t *testing.T) {
	t.Parallel()
	client, _ := readerCluster(t, map[string]int32{"out": 3})
	var addrs []string
	for _, b := range client.Brokers() {
		addrs = append(addrs, b.Addr())
	}
	p, err := NewProducer(Config{Brokers: addrs, ClientID: "producer-test"}, sarama.CompressionLZ4, 3)
	require.NoError(t, err)
	defer p.Close()

	const keys, perKey = 20, 25
	var wg sync.WaitGroup
	for k := 0; k < keys; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perKey; i++ {
				key := sarama.StringEncoder(fmt.Sprint("key-", k))
				// Two records per Send, as an answer and its audit record.
				assert.NoError(t, p.Send(
					&sarama.ProducerMessage{Topic: "out", Key: key, Value: sarama.StringEncoder(fmt.Sprint(i, "a"))},
					&sarama.ProducerMessage{Topic: "out", Key: key, Value: sarama.StringEncoder(fmt.Sprint(i, "b"))}))
			}
		}()
	}
	wg.Wait()

	consumer, err := sarama.NewConsumerFromClient(client)
	require.NoError(t, err)
	defer consumer.Close()
	got := map[string][]string{}
	total := 0
	for part := int32(0); part < 3; part++ {
		end, err := client.GetOffset("out", part, sarama.OffsetNewest)
		require.NoError(t, err)
		if end == 0 {
			continue
		}
		pc, err := consumer.ConsumePartition("out", part, sarama.OffsetOldest)
		require.NoError(t, err)
		for m := range pc.Messages() {
			got[string(m.Key)] = append(got[string(m.Key)], string(m.Value))
			total++
			if m.Offset == end-1 {
				break
			}
		}
		pc.Close()
	}
	assert.Equal(t, keys*perKey*2, total, "every record once")
	for k := 0; k < keys; k++ {
		var want []string
		for i := 0; i < perKey; i++ {
			want = append(want, fmt.Sprint(i, "a"), fmt.Sprint(i, "b"))
		}
		assert.Equal(t, want, got[fmt.Sprint("key-", k)])
	}
}
