package kafka

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/IBM/sarama"
)

// ApplyFunc folds a batch of records into state. It is called from one
// goroutine, in each partition's order. It must not fail on a bad record
// (skip and count it); an error stops the reader.
type ApplyFunc func(batch []*sarama.ConsumerMessage) error

// PrepareFunc reads a batch of records without changing state and returns
// the function that folds it (an ApplyFunc in two steps). The log reader
// prepares a batch on a goroutine of its own while it folds the batch
// before; the folds run one at a time, in order.
type PrepareFunc func(batch []*sarama.ConsumerMessage) (fold func() error)

// LogReader reads whole topics, every partition from the oldest offset, and
// folds them into state: the event log and the reference topics. Every
// instance reads all partitions, so its state is complete whatever command
// partitions it owns.
type LogReader struct {
	client  sarama.Client
	topics  []string
	prepare PrepareFunc

	records atomic.Int64

	mu      sync.Mutex
	next    map[topicPartition]int64 // next offset to apply
	changed chan struct{}            // closed and replaced on progress
}

type topicPartition struct {
	topic     string
	partition int32
}

// NewLogReader prepares a reader of topics.
func NewLogReader(client sarama.Client, topics []string, apply ApplyFunc) *LogReader {
	return NewStagedLogReader(client, topics, func(batch []*sarama.ConsumerMessage) func() error {
		return func() error { return apply(batch) }
	})
}

// NewStagedLogReader prepares a reader of topics that folds in two steps.
func NewStagedLogReader(client sarama.Client, topics []string, prepare PrepareFunc) *LogReader {
	return &LogReader{client: client, topics: topics, prepare: prepare,
		next: map[topicPartition]int64{}, changed: make(chan struct{})}
}

// StartAt makes Run read the partitions of topic named in offsets from
// those offsets instead of the oldest (the offsets a restored snapshot of
// state covers; adapters/store/snapshot.go). Call it before Run.
func (r *LogReader) StartAt(topic string, offsets map[int32]int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for p, off := range offsets {
		r.next[topicPartition{topic, p}] = off
	}
}

// Applied returns, for each partition of topic read so far, the offset of
// the first record not applied yet.
func (r *LogReader) Applied(topic string) map[int32]int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[int32]int64{}
	for tp, next := range r.next {
		if tp.topic == topic {
			out[tp.partition] = next
		}
	}
	return out
}

// Records counts the records applied so far.
func (r *LogReader) Records() int64 { return r.records.Load() }

// Run reads until ctx ends or applying fails.
//
// Until it has applied what the topics held when it started (the rebuild
// of state at start), the garbage collector runs rebuildGCFactor times less
// often: the rebuild makes a big heap of state and garbage besides, and
// marking the state again at every cycle was a fifth of its CPU time. It
// costs memory at the peak, only during the rebuild.
func (r *LogReader) Run(ctx context.Context) error {
	consumer, err := sarama.NewConsumerFromClient(r.client)
	if err != nil {
		return fmt.Errorf("log reader: %w", err)
	}
	defer consumer.Close()
	ctx, stop := context.WithCancel(ctx)
	defer stop()

	if ends, err := r.EndOffsets(r.topics); err == nil && len(ends) > 0 {
		restore := rebuildGC()
		defer restore()
		go func() {
			_ = r.WaitFor(ctx, ends)
			restore()
		}()
	}

	// Each partition's messages are handed over in chunks, through a buffer
	// deep enough to hold about a whole fetch: sarama fetches again only
	// once every partition has handed over what it fetched, so a shallow
	// buffer leaves the fold idle while the next fetch is on its way. A
	// deeper one only holds more messages (pointers, headers) for the
	// garbage collector to mark while the fold is the slower: 1,024 chunks
	// cost a rebuild 9% more CPU than 256, 96 left the fold waiting.
	in := make(chan []*sarama.ConsumerMessage, 256)
	var wg sync.WaitGroup
	// However Run ends, the partition goroutines stop before it returns.
	defer func() {
		stop()
		wg.Wait()
	}()
	for _, topic := range r.topics {
		err := readPartitionsFrom(ctx, consumer, topic, r.startOf(topic), &wg,
			func(pc sarama.PartitionConsumer, m *sarama.ConsumerMessage) bool {
				return handOver(ctx, pc, m, in)
			})
		if err != nil {
			return fmt.Errorf("log reader: %w", err)
		}
	}

	// Batches are prepared on a goroutine of their own, one ahead of the
	// fold: a rebuild decodes the next batch while it folds this one.
	type prepared struct {
		batch []*sarama.ConsumerMessage
		fold  func() error
	}
	ready := make(chan prepared, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			var batch []*sarama.ConsumerMessage
			select {
			case <-ctx.Done():
				return
			case chunk := <-in:
				batch = append(make([]*sarama.ConsumerMessage, 0, maxBatch), chunk...)
			}
		drain:
			for len(batch) < maxBatch {
				select {
				case chunk := <-in:
					batch = append(batch, chunk...)
				default:
					break drain
				}
			}
			select {
			case ready <- prepared{batch, r.prepare(batch)}:
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case p := <-ready:
			if err := p.fold(); err != nil {
				return fmt.Errorf("log reader: apply: %w", err)
			}
			r.advance(p.batch)
		}
	}
}

// handOver sends m, with what else its partition has ready (up to
// chunkSize), as one chunk to in; false once ctx ends.
func handOver(ctx context.Context, pc sarama.PartitionConsumer, m *sarama.ConsumerMessage, in chan<- []*sarama.ConsumerMessage) bool {
	chunk := append(make([]*sarama.ConsumerMessage, 0, chunkSize), m)
more:
	for len(chunk) < chunkSize {
		select {
		case m, ok := <-pc.Messages():
			if !ok {
				break more
			}
			chunk = append(chunk, m)
		default:
			break more
		}
	}
	select {
	case in <- chunk:
		return true
	case <-ctx.Done():
		return false
	}
}

const (
	// chunkSize bounds how many messages of a partition are handed over at once.
	chunkSize = 256
	// maxBatch is about how many records one call of the apply function
	// gets (one transaction of the store): big enough that a rebuild
	// shares the work of a transaction among many records, small enough
	// that live updates are not held back.
	maxBatch = 4096
)

// rebuildGCFactor is how many times less often the collector runs while a
// reader rebuilds state.
const rebuildGCFactor = 4

var rebuilding struct {
	sync.Mutex
	n       int // readers rebuilding
	percent int // the setting before the first of them
}

// rebuildGC makes the collector run less often until restore is called
// (once or more), when the setting goes back to what it was, unless
// another reader is still rebuilding.
func rebuildGC() (restore func()) {
	rebuilding.Lock()
	defer rebuilding.Unlock()
	if rebuilding.n == 0 {
		rebuilding.percent = debug.SetGCPercent(-1)
		if rebuilding.percent > 0 {
			debug.SetGCPercent(rebuilding.percent * rebuildGCFactor)
		} else {
			debug.SetGCPercent(rebuilding.percent)
		}
	}
	rebuilding.n++
	var once sync.Once
	return func() {
		once.Do(func() {
			rebuilding.Lock()
			defer rebuilding.Unlock()
			if rebuilding.n--; rebuilding.n == 0 {
				debug.SetGCPercent(rebuilding.percent)
			}
		})
	}
}

// startOf is where Run reads a partition of topic from: where StartAt
// said, or the oldest offset.
func (r *LogReader) startOf(topic string) func(partition int32) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	from := map[int32]int64{}
	for tp, next := range r.next {
		if tp.topic == topic {
			from[tp.partition] = next
		}
	}
	return func(p int32) int64 {
		if off, ok := from[p]; ok {
			return off
		}
		return sarama.OffsetOldest
	}
}

func (r *LogReader) advance(batch []*sarama.ConsumerMessage) {
	r.records.Add(int64(len(batch)))
	r.mu.Lock()
	for _, m := range batch {
		tp := topicPartition{m.Topic, m.Partition}
		if m.Offset+1 > r.next[tp] {
			r.next[tp] = m.Offset + 1
		}
	}
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

// EndOffsets returns the current end offset (high-water mark) of every
// partition of topics.
func (r *LogReader) EndOffsets(topics []string) (map[topicPartition]int64, error) {
	ends := map[topicPartition]int64{}
	for _, topic := range topics {
		parts, err := r.client.Partitions(topic)
		if err != nil {
			return nil, fmt.Errorf("partitions of %s: %w", topic, err)
		}
		for _, p := range parts {
			end, err := r.client.GetOffset(topic, p, sarama.OffsetNewest)
			if err != nil {
				return nil, fmt.Errorf("end offset of %s/%d: %w", topic, p, err)
			}
			oldest, err := r.client.GetOffset(topic, p, sarama.OffsetOldest)
			if err != nil {
				return nil, fmt.Errorf("start offset of %s/%d: %w", topic, p, err)
			}
			if end > oldest {
				ends[topicPartition{topic, p}] = end
			}
		}
	}
	return ends, nil
}

// Behind counts the records between what is applied and ends.
func (r *LogReader) Behind(ends map[topicPartition]int64) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var n int64
	for tp, end := range ends {
		if d := end - r.next[tp]; d > 0 {
			n += d
		}
	}
	return n
}

// CatchUp waits until every record written to topics before the call is
// applied: the barrier before the adapter reports ready, and before it
// decides commands of a newly assigned partition.
func (r *LogReader) CatchUp(ctx context.Context, topics []string) error {
	ends, err := r.EndOffsets(topics)
	if err != nil {
		return err
	}
	return r.WaitFor(ctx, ends)
}

// WaitFor waits until the reader has applied up to ends.
func (r *LogReader) WaitFor(ctx context.Context, ends map[topicPartition]int64) error {
	for {
		r.mu.Lock()
		done := true
		for tp, end := range ends {
			if r.next[tp] < end {
				done = false
				break
			}
		}
		changed := r.changed
		r.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}
