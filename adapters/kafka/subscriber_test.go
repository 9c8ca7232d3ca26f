package kafka

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const subTopic = "commands"

// subscriberCluster starts kfake with a one-partition topic holding the
// given key/value records, in order.
func subscriberCluster(t *testing.T, records ...[2]string) []string {
	t.Helper()
	client, producer := readerCluster(t, map[string]int32{subTopic: 1})
	msgs := make([]*sarama.ProducerMessage, len(records))
	for i, r := range records {
		msgs[i] = &sarama.ProducerMessage{Topic: subTopic, Key: sarama.StringEncoder(r[0]), Value: sarama.StringEncoder(r[1])}
	}
	require.NoError(t, producer.SendMessages(msgs))
	addrs := make([]string, 0)
	for _, b := range client.Brokers() {
		addrs = append(addrs, b.Addr())
	}
	return addrs
}

func subscribe(t *testing.T, addrs []string, maxInFlight int) (*Subscriber, <-chan *message.Message) {
	t.Helper()
	sc := Config{ClientID: "subscriber-test"}.SaramaConfig()
	sc.Consumer.Offsets.AutoCommit.Interval = 50 * time.Millisecond
	s, err := NewSubscriber(SubscriberConfig{Brokers: addrs, ConsumerGroup: "g", Sarama: sc,
		MaxInFlight: maxInFlight, NackResendSleep: time.Millisecond}, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	ch, err := s.Subscribe(context.Background(), subTopic)
	require.NoError(t, err)
	return s, ch
}

// next returns the next message handed out, failing after a generous wait.
func next(t *testing.T, ch <-chan *message.Message) *message.Message {
	t.Helper()
	select {
	case m := <-ch:
		return m
	case <-time.After(30 * time.Second):
		t.Fatal("no message handed out")
		return nil
	}
}

// none asserts that nothing more is handed out for a while.
func none(t *testing.T, ch <-chan *message.Message, why string) {
	t.Helper()
	select {
	case m := <-ch:
		t.Fatalf("%s, but got %s=%s", why, key(m), m.Payload)
	case <-time.After(300 * time.Millisecond):
	}
}

func key(m *message.Message) string {
	rec, _ := RecordFromContext(m.Context())
	return string(rec.Key)
}

func offset(m *message.Message) int64 {
	rec, _ := RecordFromContext(m.Context())
	return rec.Offset
}

func TestSubscriberHandsOutDifferentKeysAtOnceAndOneKeyInOrder(t *testing.T) {
	t.Parallel()
	addrs := subscriberCluster(t, [2]string{"a", "a0"}, [2]string{"a", "a1"}, [2]string{"b", "b0"},
		[2]string{"a", "a2"}, [2]string{"b", "b1"}, [2]string{"c", "c0"})
	_, ch := subscribe(t, addrs, 16)

	// Without any ack, the first record of every key is out at once.
	first := map[string]*message.Message{}
	for len(first) < 3 {
		m := next(t, ch)
		require.NotContains(t, first, key(m), "a second record of key %s before the first was acknowledged", key(m))
		first[key(m)] = m
	}
	assert.Equal(t, "a0", string(first["a"].Payload))
	assert.Equal(t, "b0", string(first["b"].Payload))
	assert.Equal(t, "c0", string(first["c"].Payload))
	none(t, ch, "every key has a record out")

	// Acknowledging b0 releases b1 only.
	first["b"].Ack()
	m := next(t, ch)
	assert.Equal(t, "b1", string(m.Payload))
	m.Ack()
	none(t, ch, "a0 is not acknowledged")

	// A nacked record comes again before the next of its key.
	first["a"].Nack()
	m = next(t, ch)
	assert.Equal(t, "a0", string(m.Payload))
	m.Ack()
	for _, want := range []string{"a1", "a2"} {
		m = next(t, ch)
		assert.Equal(t, want, string(m.Payload))
		m.Ack()
	}
	first["c"].Ack()
}

func TestSubscriberCommitsOnlyPastAcknowledgedRecords(t *testing.T) {
	t.Parallel()
	var records [][2]string
	for i := 0; i < 8; i++ {
		records = append(records, [2]string{fmt.Sprint("k", i), fmt.Sprint("v", i)})
	}
	addrs := subscriberCluster(t, records...)
	s, ch := subscribe(t, addrs, 16)
	for i := 0; i < 8; i++ {
		m := next(t, ch)
		if offset(m) != 3 {
			m.Ack()
		}
	}
	require.NoError(t, s.Close())

	// Offset 3 was never acknowledged: a new member starts there, and sees
	// again what came after it, but not what came before.
	_, ch = subscribe(t, addrs, 16)
	var again []int64
	for len(again) < 5 {
		m := next(t, ch)
		again = append(again, offset(m))
		m.Ack()
	}
	assert.ElementsMatch(t, []int64{3, 4, 5, 6, 7}, again)
	none(t, ch, "everything before offset 3 was acknowledged and committed")
}

func TestSubscriberTakesNoMoreThanMaxInFlight(t *testing.T) {
	t.Parallel()
	var records [][2]string
	for i := 0; i < 10; i++ {
		records = append(records, [2]string{fmt.Sprint("k", i), fmt.Sprint("v", i)})
	}
	addrs := subscriberCluster(t, records...)
	_, ch := subscribe(t, addrs, 3)
	var out []*message.Message
	for i := 0; i < 3; i++ {
		out = append(out, next(t, ch))
	}
	none(t, ch, "three records are out and none acknowledged")
	out[0].Ack()
	m := next(t, ch)
	assert.Equal(t, int64(3), offset(m))
}

// RecordHeaders keeps every header, known CloudEvents names or not, and
// copies no known name.
func TestRecordHeaders(t *testing.T) {
	in := []*sarama.RecordHeader{{Key: []byte("ce_id"), Value: []byte("1")}, nil,
		{Key: []byte("x-other"), Value: []byte("2")}, {Key: []byte("content-type"), Value: []byte("application/json")}}
	got := RecordHeaders(in)
	require.Len(t, got, 3)
	assert.Equal(t, "ce_id", got[0].Key)
	assert.Equal(t, "x-other", got[1].Key)
	assert.Equal(t, "content-type", got[2].Key)
	assert.Equal(t, []byte("2"), got[1].Value)
	known := []*sarama.RecordHeader{{Key: []byte("ce_type"), Value: []byte("t")}, {Key: []byte("ce_partitionkey"), Value: []byte("k")}}
	assert.LessOrEqual(t, testing.AllocsPerRun(100, func() { RecordHeaders(known) }), 1.0, "the slice at most, no name")
}

// Two members of one group, the second joining while the first is handling
// a stream of records of many keys: every record is acknowledged by one of
// them (some twice, after the handover: never fewer than once), and the
// second member does take over part of the work.
func TestSubscriberRebalanceLosesNothing(t *testing.T) {
	t.Parallel()
	const keys, perKey = 30, 40
	client, producer := readerCluster(t, map[string]int32{subTopic: 4})
	var addrs []string
	for _, b := range client.Brokers() {
		addrs = append(addrs, b.Addr())
	}
	member := func() <-chan *message.Message {
		sc := Config{ClientID: "rebalance-test"}.SaramaConfig()
		sc.Consumer.Offsets.AutoCommit.Interval = 50 * time.Millisecond
		sc.Consumer.Group.Session.Timeout = 6 * time.Second
		sc.Consumer.Group.Heartbeat.Interval = 200 * time.Millisecond
		s, err := NewSubscriber(SubscriberConfig{Brokers: addrs, ConsumerGroup: "g", Sarama: sc, MaxInFlight: 8}, nil)
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		ch, err := s.Subscribe(context.Background(), subTopic)
		require.NoError(t, err)
		return ch
	}
	type handled struct {
		member int
		record string // key@offset (a key lives on one partition)
	}
	acked := make(chan handled, keys*perKey*2)
	handle := func(id int, ch <-chan *message.Message) {
		for m := range ch {
			time.Sleep(time.Millisecond) // some work
			acked <- handled{id, fmt.Sprintf("%s@%d", key(m), offset(m))}
			m.Ack()
		}
	}
	send := func(from, to int) {
		var msgs []*sarama.ProducerMessage
		for i := from; i < to; i++ {
			for k := 0; k < keys; k++ {
				msgs = append(msgs, &sarama.ProducerMessage{Topic: subTopic, Key: sarama.StringEncoder(fmt.Sprint("k", k)),
					Value: sarama.StringEncoder(fmt.Sprint(i))})
			}
		}
		require.NoError(t, producer.SendMessages(msgs))
	}

	go handle(1, member())
	send(0, perKey/2)
	seen := map[string]bool{}
	byMember := map[int]int{}
	take := func(h handled) {
		seen[h.record] = true
		byMember[h.member]++
	}
	for len(seen) < keys*perKey/4 {
		take(<-acked)
	}
	go handle(2, member()) // joins mid-stream
	send(perKey/2, perKey)
	deadline := time.After(60 * time.Second)
	for len(seen) < keys*perKey {
		select {
		case h := <-acked:
			take(h)
		case <-deadline:
			t.Fatalf("only %d of %d records acknowledged", len(seen), keys*perKey)
		}
	}
	assert.Len(t, seen, keys*perKey, "every record acknowledged")
	assert.Positive(t, byMember[2], "the second member took over partitions")
}
