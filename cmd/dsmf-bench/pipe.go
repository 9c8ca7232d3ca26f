package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/IBM/sarama"
)

// The ceiling (issue 9): the fastest a consume→produce step can go through
// the broker on this machine, one record written for each one read. A
// sarama consumer group reads the input; an async producer configured as
// the adapter's (acks=all, idempotent) forwards each record to the output
// topic, on the same partition. No work is done between the two.

func init() { scenarios["pipe"] = runPipe }

const (
	pipeIn          = "bench.pipe.in"
	pipeOutPrefix   = "bench.pipe.out."
	pipeGroupPrefix = "bench.pipe."
)

// pipeOptions configure the ceiling's measurement.
type pipeOptions struct {
	Messages, Runs, Partitions, Size int
	Brokers                          string
}

func runPipe(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("pipe", flag.ContinueOnError)
	var o pipeOptions
	fs.IntVar(&o.Messages, "messages", 200_000, "messages pre-filled into the input topic and forwarded in each run")
	fs.IntVar(&o.Runs, "runs", 3, "runs; the table shows each and the median")
	fs.IntVar(&o.Partitions, "partitions", 6, "partitions of the input and output topics")
	fs.IntVar(&o.Size, "size", 500, "bytes of each message's value")
	fs.StringVar(&o.Brokers, "brokers", "", "use these brokers (comma-separated) instead of starting kfake in a child process")
	latRates := fs.String("latency", "", "instead: the pipe's latency, paced at these rates (messages/s, comma-separated), for -duration each")
	dur := fs.Duration("duration", 10*time.Second, "with -latency: length of each paced phase")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *latRates != "" {
		return runPipeLatency(ctx, o, *latRates, *dur)
	}
	runs, err := measurePipe(ctx, o)
	if err != nil {
		return err
	}
	return printRuns(runs, "messages", "msg/s")
}

// printRuns prints each run of a pipe-shaped measurement and their median.
func printRuns(runs []pipeRun, what, rate string) error {
	var rates []float64
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "run\t%s\tseconds\t%s\t\n", what, rate)
	for i, r := range runs {
		rates = append(rates, r.rate())
		fmt.Fprintf(tw, "%d\t%d\t%.2f\t%.0f\t\n", i+1, r.messages, r.took.Seconds(), r.rate())
	}
	fmt.Fprintf(tw, "median\t\t\t%.0f\t\n", medianOf(rates))
	return tw.Flush()
}

func runPipeLatency(ctx context.Context, o pipeOptions, list string, dur time.Duration) error {
	b, err := startBroker(ctx, o.Brokers)
	if err != nil {
		return err
	}
	defer b.Close()
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "msg/s\tmessages\tp50 ms\tp99 ms\tp99.9 ms\tmax ms\t\n")
	for _, s := range strings.Split(list, ",") {
		rate, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || rate <= 0 {
			return fmt.Errorf("-latency: %q is not a rate", s)
		}
		r, err := pipeLatency(ctx, b.Addrs, int32(o.Partitions), rate, dur, o.Size)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%.0f\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t\n", rate, r.answered, r.pct(0.5), r.pct(0.99), r.pct(0.999), r.pct(1))
	}
	return tw.Flush()
}

// pipeRun is one run of the pipe.
type pipeRun struct {
	messages int64
	took     time.Duration
}

func (r pipeRun) rate() float64 { return float64(r.messages) / r.took.Seconds() }

// measurePipe fills the input topic once and forwards it o.Runs times.
func measurePipe(ctx context.Context, o pipeOptions) ([]pipeRun, error) {
	b, err := startBroker(ctx, o.Brokers)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	tag := fmt.Sprintf("%d", time.Now().UnixNano()) // fresh topics on a shared cluster
	in := pipeIn + "." + tag
	if err := createTopics(b.Addrs, int32(o.Partitions), in); err != nil {
		return nil, err
	}
	took, err := pipeFill(ctx, b.Addrs, in, int32(o.Partitions), o.Messages, o.Size)
	if err != nil {
		return nil, fmt.Errorf("fill: %w", err)
	}
	logf("filled %d messages of %d bytes into %s (%d partitions) in %.1f s", o.Messages, o.Size, in, o.Partitions, took.Seconds())
	var runs []pipeRun
	for i := 0; i < o.Runs; i++ {
		out := fmt.Sprintf("%s%s.%d", pipeOutPrefix, tag, i)
		if err := createTopics(b.Addrs, int32(o.Partitions), out); err != nil {
			return nil, err
		}
		n, d, err := pipeOnce(ctx, b.Addrs, in, out, fmt.Sprintf("%s%s.%d", pipeGroupPrefix, tag, i), int64(o.Messages))
		if err != nil {
			return nil, fmt.Errorf("run %d: %w", i+1, err)
		}
		runs = append(runs, pipeRun{messages: n, took: d})
	}
	return runs, nil
}

func medianOf(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// createTopics creates topics with partitions; one that exists is left as it is.
func createTopics(addrs []string, partitions int32, topics ...string) error {
	admin, err := sarama.NewClusterAdmin(addrs, saramaConfig())
	if err != nil {
		return fmt.Errorf("kafka admin: %w", err)
	}
	defer admin.Close()
	for _, t := range topics {
		err := admin.CreateTopic(t, &sarama.TopicDetail{NumPartitions: partitions, ReplicationFactor: 1}, false)
		if err != nil && !errors.Is(err, sarama.ErrTopicAlreadyExists) {
			return fmt.Errorf("create %s: %w", t, err)
		}
	}
	return nil
}

// pipeFill writes n command-like JSON messages of about size bytes, spread
// evenly over the partitions.
func pipeFill(ctx context.Context, addrs []string, topic string, partitions int32, n, size int) (time.Duration, error) {
	w, err := newBulkWriter(addrs, true)
	if err != nil {
		return 0, err
	}
	p := w.p
	start := time.Now()
	for i := 0; i < n && ctx.Err() == nil; i++ {
		key := fmt.Sprintf("%010d", 1_000_000_000+i%100_000)
		head := fmt.Sprintf(`{"sessionId":"%08x-0000-4000-8000-%012x","insurerVoen":"%s","documentType":"id-card","fin":"5ZXK%03d","ssn":"1200%09d","reason":"certificate-lost","note":"`, i, i, key, i%1000, i)
		pad := size - len(head) - 2
		if pad < 0 {
			pad = 0
		}
		v := head + strings.Repeat("x", pad) + `"}`
		p.Input() <- &sarama.ProducerMessage{Topic: topic, Partition: int32(i) % partitions, Key: sarama.StringEncoder(key), Value: sarama.StringEncoder(v),
			Headers: []sarama.RecordHeader{{Key: []byte("ce_type"), Value: []byte("az.gov.dsmf.ssc.draft.save.v1")}, {Key: []byte("ce_id"), Value: []byte(fmt.Sprintf("cmd-%d", i))}}}
	}
	closeErr := w.close()
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	return time.Since(start), closeErr
}

// forwarder is the consumer-group handler of the pipe.
type forwarder struct {
	out   string
	p     sarama.AsyncProducer
	first sync.Once
	start chan time.Time
}

func (*forwarder) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (*forwarder) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (f *forwarder) ConsumeClaim(s sarama.ConsumerGroupSession, c sarama.ConsumerGroupClaim) error {
	for {
		select {
		case m, ok := <-c.Messages():
			if !ok {
				return nil
			}
			f.first.Do(func() { f.start <- time.Now() })
			pm := &sarama.ProducerMessage{Topic: f.out, Partition: m.Partition, Key: sarama.ByteEncoder(m.Key), Value: sarama.ByteEncoder(m.Value),
				Headers: make([]sarama.RecordHeader, len(m.Headers))}
			for i, h := range m.Headers {
				pm.Headers[i] = *h
			}
			select {
			case f.p.Input() <- pm:
			case <-s.Context().Done():
				return nil
			}
			s.MarkMessage(m, "")
		case <-s.Context().Done():
			return nil
		}
	}
}

// forwarding is the pipe at work: a consumer group reading in, forwarding
// each record to out through an async producer with the adapter's settings
// (acks=all, idempotent), on the same partition.
type forwarding struct {
	f        *forwarder
	p        sarama.AsyncProducer
	cg       sarama.ConsumerGroup
	consumed chan error // the group's loop ended: nil, or why
	cancel   context.CancelFunc
}

func startForwarding(ctx context.Context, addrs []string, in, out, group string) (*forwarding, error) {
	pcfg := saramaConfig()
	pcfg.Producer.Partitioner = sarama.NewManualPartitioner
	p, err := sarama.NewAsyncProducer(addrs, pcfg)
	if err != nil {
		return nil, err
	}
	ccfg := saramaConfig()
	ccfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cg, err := sarama.NewConsumerGroup(addrs, group, ccfg)
	if err != nil {
		p.Close()
		return nil, err
	}
	cctx, cancel := context.WithCancel(ctx)
	r := &forwarding{f: &forwarder{out: out, p: p, start: make(chan time.Time, 1)}, p: p, cg: cg,
		consumed: make(chan error, 1), cancel: cancel}
	go func() {
		for cctx.Err() == nil {
			if err := cg.Consume(cctx, []string{in}, r.f); err != nil && cctx.Err() == nil {
				r.consumed <- err
				return
			}
		}
		r.consumed <- nil
	}()
	go func() {
		for range cg.Errors() {
		}
	}()
	return r, nil
}

// stop ends the group's loop, then closes the group and the producer.
func (r *forwarding) stop() {
	r.cancel()
	<-r.consumed
	r.cg.Close()
	r.p.Close()
}

// pipeOnce forwards every message of in to out and times it from the first
// message consumed to the last one acknowledged by the broker; it then
// checks that the output's end offsets add up to n.
func pipeOnce(ctx context.Context, addrs []string, in, out, group string, n int64) (int64, time.Duration, error) {
	r, err := startForwarding(ctx, addrs, in, out, group)
	if err != nil {
		return 0, 0, err
	}
	p, f, consumed := r.p, r.f, r.consumed
	var acked, failed int64
	var end time.Time
	var firstErr error
	timeout := time.After(10 * time.Minute)
	for acked+failed < n {
		select {
		case <-p.Successes():
			acked++
			if acked+failed == n {
				end = time.Now()
			}
		case e := <-p.Errors():
			failed++
			if firstErr == nil {
				firstErr = e.Err
			}
		case err := <-consumed:
			r.cancel()
			r.cg.Close()
			p.Close()
			return 0, 0, fmt.Errorf("consumer group: %v", err)
		case <-timeout:
			firstErr = fmt.Errorf("only %d of %d forwarded in 10 minutes", acked, n)
			failed = n
		case <-ctx.Done():
			r.stop()
			return 0, 0, ctx.Err()
		}
	}
	start := <-f.start
	r.stop()
	if firstErr != nil {
		return 0, 0, fmt.Errorf("%d not forwarded, the first: %v", failed, firstErr)
	}
	have, err := recordsIn(addrs, []string{out})
	if err != nil {
		return 0, 0, err
	}
	if have != n {
		return 0, 0, fmt.Errorf("output holds %d records, want %d", have, n)
	}
	return acked, end.Sub(start), nil
}
