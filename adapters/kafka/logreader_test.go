package kafka

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"
)

// readerCluster starts kfake with the given topics (name → partitions).
func readerCluster(t *testing.T, topics map[string]int32) (sarama.Client, sarama.SyncProducer) {
	t.Helper()
	b, err := kfake.NewCluster(kfake.Ports(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	cfg := Config{ClientID: "logreader-test"}.SaramaConfig()
	client, err := sarama.NewClient(b.ListenAddrs(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	for name, n := range topics {
		if err := admin.CreateTopic(name, &sarama.TopicDetail{NumPartitions: n, ReplicationFactor: -1}, false); err != nil {
			t.Fatal(err)
		}
	}
	if err := client.RefreshMetadata(); err != nil {
		t.Fatal(err)
	}
	producer, err := sarama.NewSyncProducer(b.ListenAddrs(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { producer.Close() })
	return client, producer
}

func produce(t *testing.T, p sarama.SyncProducer, topic string, from, n int) {
	t.Helper()
	msgs := make([]*sarama.ProducerMessage, n)
	for i := range msgs {
		msgs[i] = &sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder(fmt.Sprint("key-", (from+i)%37)),
			Value: sarama.StringEncoder(fmt.Sprint(from + i))}
	}
	if err := p.SendMessages(msgs); err != nil {
		t.Fatal(err)
	}
}

// collector records what the reader applies, per partition.
type collector struct {
	mu      sync.Mutex
	offsets map[topicPartition][]int64
	values  map[topicPartition][]string
	batches int
}

func (c *collector) apply(batch []*sarama.ConsumerMessage) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.batches++
	for _, m := range batch {
		tp := topicPartition{m.Topic, m.Partition}
		c.offsets[tp] = append(c.offsets[tp], m.Offset)
		c.values[tp] = append(c.values[tp], string(m.Value))
	}
	return nil
}

// check verifies that each partition was applied whole, in order, once.
func (c *collector) check(t *testing.T, ends map[topicPartition]int64) int {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	total := 0
	for tp, end := range ends {
		got := c.offsets[tp]
		if int64(len(got)) != end {
			t.Fatalf("%v: %d records applied, want %d", tp, len(got), end)
		}
		for i, o := range got {
			if o != int64(i) {
				t.Fatalf("%v: record %d has offset %d: out of order or twice", tp, i, o)
			}
		}
		total += len(got)
	}
	return total
}

func TestLogReaderFoldsWholeTopicsInPartitionOrder(t *testing.T) {
	t.Parallel()
	topics := map[string]int32{"state-a": 3, "state-b": 2, "state-empty": 2}
	client, producer := readerCluster(t, topics)
	produce(t, producer, "state-a", 0, 5000)
	produce(t, producer, "state-b", 0, 1200)

	c := &collector{offsets: map[topicPartition][]int64{}, values: map[topicPartition][]string{}}
	names := []string{"state-a", "state-b", "state-empty"}
	r := NewLogReader(client, names, c.apply)
	ends, err := r.EndOffsets(names)
	if err != nil {
		t.Fatal(err)
	}
	for tp := range ends {
		if tp.topic == "state-empty" {
			t.Fatalf("an empty partition has an end offset to wait for: %v", tp)
		}
	}
	if got := r.Behind(ends); got != 6200 {
		t.Fatalf("behind = %d before reading, want 6200", got)
	}

	stop := runUntil(t, r, ends)
	if n := c.check(t, ends); n != 6200 || r.Records() != 6200 || r.Behind(ends) != 0 {
		t.Fatalf("applied %d, Records %d, Behind %d; want 6200, 6200, 0", n, r.Records(), r.Behind(ends))
	}

	// Live: records written later are folded too; CatchUp waits for them.
	produce(t, producer, "state-b", 1200, 300)
	produce(t, producer, "state-empty", 0, 10)
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	if err := r.CatchUp(wctx, names); err != nil {
		t.Fatal(err)
	}
	ends, _ = r.EndOffsets(names)
	if n := c.check(t, ends); n != 6510 {
		t.Fatalf("applied %d after live writes, want 6510", n)
	}
	// Per key, values arrive in the order written.
	c.mu.Lock()
	for tp, vs := range c.values {
		seen := map[int]int{}
		for _, v := range vs {
			var i int
			fmt.Sscan(v, &i)
			if last, ok := seen[i%37]; ok && last > i {
				t.Fatalf("%v: value %d after %d for the same key", tp, i, last)
			}
			seen[i%37] = i
		}
	}
	c.mu.Unlock()

	// Waiting for what is not written ends with the context.
	short, scancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer scancel()
	ends[topicPartition{"state-a", 0}] += 1000
	if err := r.WaitFor(short, ends); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitFor beyond the end = %v, want the deadline", err)
	}

	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	select {
	case err := <-stopped:
		if err != nil {
			t.Fatalf("Run after cancel = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop with its context")
	}
}

func TestLogReaderStopsWhenApplyFails(t *testing.T) {
	t.Parallel()
	client, producer := readerCluster(t, map[string]int32{"state": 2})
	produce(t, producer, "state", 0, 100)
	boom := errors.New("boom")
	r := NewLogReader(client, []string{"state"}, func([]*sarama.ConsumerMessage) error { return boom })
	done := make(chan error, 1)
	go func() { done <- r.Run(context.Background()) }()
	select {
	case err := <-done:
		if !errors.Is(err, boom) {
			t.Fatalf("Run = %v, want the apply error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop when apply failed")
	}
	if r.Records() != 0 {
		t.Fatalf("records = %d after a failed apply, want 0", r.Records())
	}
}

func gcPercent() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

// While a reader rebuilds (applies what the topics held when it started),
// the collector runs less often; then it runs as before, also when
// rebuilds overlap.
// Not parallel: it sets the process's GC percent, which every reader's
// rebuild changes too.
func TestLogReaderRelaxesTheCollectorWhileRebuilding(t *testing.T) {
	before := debug.SetGCPercent(50)
	defer debug.SetGCPercent(before)

	a, b := rebuildGC(), rebuildGC()
	if got := gcPercent(); got != 50*rebuildGCFactor {
		t.Fatalf("GC percent while rebuilding = %d, want %d", got, 50*rebuildGCFactor)
	}
	a()
	a()
	if got := gcPercent(); got != 50*rebuildGCFactor {
		t.Fatalf("GC percent while one of two readers rebuilds = %d", got)
	}
	b()
	if got := gcPercent(); got != 50 {
		t.Fatalf("GC percent after rebuilding = %d, want 50", got)
	}

	client, producer := readerCluster(t, map[string]int32{"state": 2})
	produce(t, producer, "state", 0, 2000)
	var mu sync.Mutex
	var seen []int
	r := NewLogReader(client, []string{"state"}, func(batch []*sarama.ConsumerMessage) error {
		mu.Lock()
		seen = append(seen, gcPercent())
		mu.Unlock()
		return nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	if err := r.CatchUp(ctx, []string{"state"}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if len(seen) == 0 || seen[0] != 50*rebuildGCFactor {
		t.Fatalf("GC percent while the reader rebuilt: %v", seen)
	}
	mu.Unlock()
	for gcPercent() != 50 {
		if ctx.Err() != nil {
			t.Fatal("the GC percent was not restored after the rebuild")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if got := gcPercent(); got != 50 {
		t.Fatalf("GC percent after Run = %d, want 50", got)
	}
}

// A staged reader prepares the next batch while it folds the one before,
// folds in the order it prepared, and counts a batch as applied (for
// WaitFor) only once it is folded.
func TestStagedLogReaderPreparesAheadAndFoldsInOrder(t *testing.T) {
	t.Parallel()
	client, producer := readerCluster(t, map[string]int32{"state": 3})
	produce(t, producer, "state", 0, 20000)

	c := &collector{offsets: map[topicPartition][]int64{}, values: map[topicPartition][]string{}}
	var mu sync.Mutex
	var prepared, folded []*sarama.ConsumerMessage // each batch's first record
	second := make(chan struct{})
	r := NewStagedLogReader(client, []string{"state"}, func(batch []*sarama.ConsumerMessage) func() error {
		mu.Lock()
		prepared = append(prepared, batch[0])
		if len(prepared) == 2 {
			close(second)
		}
		mu.Unlock()
		return func() error {
			mu.Lock()
			first := len(folded) == 0
			folded = append(folded, batch[0])
			mu.Unlock()
			if first {
				// The first fold waits until the next batch is prepared:
				// it would wait forever if preparing waited for folding.
				select {
				case <-second:
				case <-time.After(10 * time.Second):
					t.Error("the next batch was not prepared while the first was folded")
				}
			}
			return c.apply(batch)
		}
	})
	ends, err := r.EndOffsets([]string{"state"})
	if err != nil {
		t.Fatal(err)
	}
	stop := runUntil(t, r, ends)
	if n := c.check(t, ends); n != 20000 {
		t.Fatalf("applied %d records, want 20000", n)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(folded) > len(prepared) {
		t.Fatalf("%d batches folded, %d prepared", len(folded), len(prepared))
	}
	for i := range folded {
		if folded[i] != prepared[i] {
			t.Fatalf("batch %d folded out of the order it was prepared in", i)
		}
	}
}

// runUntil runs the reader until it applied up to ends; stop ends it and
// returns what Run returned.
func runUntil(t *testing.T, r *LogReader, ends map[topicPartition]int64) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
	defer wcancel()
	if err := r.WaitFor(wctx, ends); err != nil {
		cancel()
		t.Fatal(err)
	}
	return func() error {
		cancel()
		return <-done
	}
}

// A reader told where a snapshot of state ends reads those partitions from
// there, the others whole, and reports how far it applied.
func TestLogReaderStartsWhereASnapshotEnds(t *testing.T) {
	t.Parallel()
	client, producer := readerCluster(t, map[string]int32{"events": 3, "refs": 1})
	produce(t, producer, "events", 0, 1500)
	produce(t, producer, "refs", 0, 100)
	c := &collector{offsets: map[topicPartition][]int64{}, values: map[topicPartition][]string{}}
	names := []string{"events", "refs"}
	r := NewLogReader(client, names, c.apply)
	ends, err := r.EndOffsets(names)
	if err != nil {
		t.Fatal(err)
	}
	from := map[int32]int64{0: ends[topicPartition{"events", 0}] / 2, 1: ends[topicPartition{"events", 1}]}
	r.StartAt("events", from)
	if got, want := r.Behind(ends), ends[topicPartition{"events", 0}]-from[0]+ends[topicPartition{"events", 2}]+100; got != want {
		t.Fatalf("behind = %d, want %d", got, want)
	}
	stop := runUntil(t, r, ends)
	defer func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	}()
	c.mu.Lock()
	defer c.mu.Unlock()
	for tp, end := range ends {
		start := from[tp.partition]
		if tp.topic != "events" {
			start = 0
		}
		got := c.offsets[tp]
		if int64(len(got)) != end-start {
			t.Fatalf("%v: %d records applied, want %d (from %d)", tp, len(got), end-start, start)
		}
		for i, o := range got {
			if o != start+int64(i) {
				t.Fatalf("%v: record %d has offset %d, want %d", tp, i, o, start+int64(i))
			}
		}
	}
	applied := r.Applied("events")
	for p := range int32(3) {
		if applied[p] != ends[topicPartition{"events", p}] {
			t.Fatalf("applied %v, want the end offsets %v", applied, ends)
		}
	}
}
