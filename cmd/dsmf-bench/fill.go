package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"

	"github.com/dsmf/ssc-adapter/cmd/dsmf-bench/workload"
	"github.com/dsmf/ssc-adapter/contracts"
)

// filled says what fill wrote.
type filled struct {
	References, Events int64
	Counts             workload.EventCounts
	Seconds            float64
}

// fill writes the generator's reference records and events to the brokers
// with a sarama async producer, keyed and partitioned as the adapter does.
// Reference records are made by several goroutines at once; events by one,
// in order, so that each insurer's seq numbers arrive in order.
func fill(ctx context.Context, addrs []string, g *workload.Generator) (filled, error) {
	w, err := newBulkWriter(addrs, false)
	if err != nil {
		return filled{}, err
	}
	p := w.p

	start := time.Now()
	var refs, events atomic.Int64
	send := func(counter *atomic.Int64) func(workload.Record) error {
		return func(r workload.Record) error {
			m := &sarama.ProducerMessage{Topic: r.Topic, Key: sarama.ByteEncoder(r.Key), Headers: make([]sarama.RecordHeader, len(r.Headers))}
			if r.Value != nil {
				m.Value = sarama.ByteEncoder(r.Value)
			}
			for i, h := range r.Headers {
				m.Headers[i] = sarama.RecordHeader{Key: []byte(h.Key), Value: h.Value}
			}
			select {
			case p.Input() <- m:
			case <-ctx.Done():
				return ctx.Err()
			}
			if n := counter.Add(1); n%500_000 == 0 {
				fmt.Printf("  filled %d records of %s\n", n, map[bool]string{true: "events", false: "reference data"}[r.Topic == contracts.TopicEvents])
			}
			return nil
		}
	}
	var wg sync.WaitGroup
	var genErr error
	var mu sync.Mutex
	fail := func(err error) {
		mu.Lock()
		if genErr == nil {
			genErr = err
		}
		mu.Unlock()
	}
	const shards = 3
	for s := 0; s < shards; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := g.ReferenceShard(s, shards, send(&refs)); err != nil {
				fail(err)
			}
		}()
	}
	var counts workload.EventCounts
	wg.Add(1)
	go func() {
		defer wg.Done()
		var err error
		if counts, err = g.Events(send(&events)); err != nil {
			fail(err)
		}
	}()
	wg.Wait()
	closeErr := w.close()
	took := time.Since(start).Seconds()
	switch {
	case genErr != nil:
		return filled{}, genErr
	case closeErr != nil:
		return filled{}, closeErr
	}
	return filled{References: refs.Load(), Events: events.Load(), Counts: counts, Seconds: took}, nil
}

// bulkWriter writes fast, not durably: one broker in memory, nothing to
// retry against. manual keeps each record's Partition.
type bulkWriter struct {
	p        sarama.AsyncProducer
	errCount atomic.Int64
	firstErr atomic.Value
	errsDone chan struct{}
}

func newBulkWriter(addrs []string, manual bool) (*bulkWriter, error) {
	cfg := saramaConfig()
	cfg.Producer.Idempotent = false
	cfg.Net.MaxOpenRequests = 5
	cfg.Producer.RequiredAcks = sarama.WaitForLocal
	cfg.Producer.Retry.Max = 0 // a retry could reorder an insurer's events: fail instead
	cfg.Producer.Return.Successes = false
	cfg.Producer.Flush.Frequency = 5 * time.Millisecond
	cfg.Producer.Flush.Bytes = 512 << 10
	cfg.ChannelBufferSize = 8192
	if manual {
		cfg.Producer.Partitioner = sarama.NewManualPartitioner
	}
	p, err := sarama.NewAsyncProducer(addrs, cfg)
	if err != nil {
		return nil, fmt.Errorf("producer: %w", err)
	}
	w := &bulkWriter{p: p, errsDone: make(chan struct{})}
	go func() {
		defer close(w.errsDone)
		for e := range p.Errors() {
			if w.errCount.Add(1) == 1 {
				w.firstErr.Store(e.Err)
			}
		}
	}()
	return w, nil
}

// close flushes everything buffered and says whether all of it was written.
func (w *bulkWriter) close() error {
	closeErr := w.p.Close()
	<-w.errsDone
	if n := w.errCount.Load(); n > 0 {
		return fmt.Errorf("%d records not written, the first: %v", n, w.firstErr.Load())
	}
	return closeErr
}
