package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
)

// The latency floor: the pipe's consume→produce step, paced as the
// adapter's latency phases are, timed from a record's send to its forward
// being read back. A command to the adapter makes three such hops (command,
// event, reply), so its latency cannot be below this, and this shows what
// the broker and the client library add on this machine before any work.

const sentHeader = "x-bench-sent" // unix nanoseconds, 8 bytes big-endian

// pipeLatency forwards n records sent at rate per second and returns their
// latencies.
func pipeLatency(ctx context.Context, addrs []string, partitions int32, rate float64, dur time.Duration, size int) (phaseResult, error) {
	tag := fmt.Sprintf("%d", time.Now().UnixNano())
	in, out := pipeIn+".lat."+tag, pipeOutPrefix+"lat."+tag
	if err := createTopics(addrs, partitions, in, out); err != nil {
		return phaseResult{}, err
	}
	r, err := startForwarding(ctx, addrs, in, out, pipeGroupPrefix+"lat."+tag)
	if err != nil {
		return phaseResult{}, err
	}
	defer r.stop()
	discardResults(r.p)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Read the output back.
	rcfg := saramaConfig()
	rcfg.Consumer.MaxWaitTime = 5 * time.Millisecond // as the driver reads replies
	client, err := sarama.NewClient(addrs, rcfg)
	if err != nil {
		return phaseResult{}, err
	}
	defer client.Close()
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		return phaseResult{}, err
	}
	defer consumer.Close()
	var mu sync.Mutex
	var lat []time.Duration
	var last time.Time
	var wg sync.WaitGroup
	if err := kafka.ConsumeTopic(cctx, consumer, out, sarama.OffsetOldest, &wg, func(m *sarama.ConsumerMessage) {
		now := time.Now()
		for _, h := range m.Headers {
			if string(h.Key) == sentHeader && len(h.Value) == 8 {
				sent := time.Unix(0, int64(binary.BigEndian.Uint64(h.Value)))
				mu.Lock()
				lat = append(lat, now.Sub(sent))
				last = now
				mu.Unlock()
			}
		}
	}); err != nil {
		return phaseResult{}, err
	}

	// Wait for the forwarder to own the partitions: one record through.
	p, err := sarama.NewAsyncProducer(addrs, saramaConfig())
	if err != nil {
		return phaseResult{}, err
	}
	defer p.Close()
	discardResults(p) // a lost record shows as one not read back
	value := strings.Repeat("x", size)
	send := func(i int) {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(time.Now().UnixNano()))
		p.Input() <- &sarama.ProducerMessage{Topic: in, Key: sarama.StringEncoder(fmt.Sprintf("%010d", 1_000_000_000+i%10_000)),
			Value: sarama.StringEncoder(value), Headers: []sarama.RecordHeader{{Key: []byte(sentHeader), Value: b[:]}}}
	}
	send(-1)
	if err := waitFor(ctx, 30*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return len(lat) == 1 }); err != nil {
		return phaseResult{}, fmt.Errorf("the pipe forwarded nothing: %w", err)
	}
	mu.Lock()
	lat = lat[:0]
	mu.Unlock()

	n := int(rate * dur.Seconds())
	start := time.Now()
	for i := 0; i < n && ctx.Err() == nil; i++ {
		if wait := time.Until(start.Add(time.Duration(float64(i) / rate * float64(time.Second)))); wait > 0 {
			time.Sleep(wait)
		}
		send(i)
	}
	if err := waitFor(ctx, time.Minute, func() bool { mu.Lock(); defer mu.Unlock(); return len(lat) >= n }); err != nil {
		return phaseResult{}, fmt.Errorf("%d of %d forwarded: %w", len(lat), n, err)
	}
	mu.Lock()
	defer mu.Unlock()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return phaseResult{sent: n, answered: len(lat), seconds: last.Sub(start).Seconds(), latencies: append([]time.Duration(nil), lat...)}, nil
}

// discardResults drains a producer's successes and errors.
func discardResults(p sarama.AsyncProducer) {
	go func() {
		for range p.Successes() {
		}
	}()
	go func() {
		for range p.Errors() {
		}
	}()
}

func waitFor(ctx context.Context, within time.Duration, done func() bool) error {
	deadline := time.Now().Add(within)
	for !done() {
		if time.Now().After(deadline) {
			return fmt.Errorf("not within %s", within)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return nil
}
