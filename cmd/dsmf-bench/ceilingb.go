package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"
	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/service"
	"github.com/dsmf/ssc-adapter/contracts"
)

// Ceiling B (issue 17): the broker work one command needs and nothing else.
// Each command is consumed through the adapter's own subscriber (as many
// in flight per partition, one insurer's in order); its event is written
// through the adapter's event producer and awaited until the adapter's log
// reader has read it back; its reply and audit record are written in one
// request through the answers' producer; then it is acknowledged, which
// commits it. No decoding, validation or decision: the records are opaque
// bytes of the adapter's typical sizes.

func init() { scenarios["ceiling-b"] = runCeilingB }

// Sizes of a command's records (values; the CloudEvents headers come on top,
// as on the adapter's records).
const (
	cbCommandBytes = 500
	cbEventBytes   = 1200
	cbReplyBytes   = 700
	cbAuditBytes   = 400
	// cbInsurers is how many keys the commands spread over: the adapter
	// bench's insurers.
	cbInsurers = 10_000
)

// ceilingBOptions configure ceiling B.
type ceilingBOptions struct {
	Commands, Runs, Partitions int
	Brokers                    string
	// MaxInFlight and ProducerConns override the adapter's defaults
	// (service.Defaults), to see what the plumbing's settings cost.
	MaxInFlight, ProducerConns int
}

func runCeilingB(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("ceiling-b", flag.ContinueOnError)
	var o ceilingBOptions
	fs.IntVar(&o.Commands, "commands", 100_000, "commands pre-filled into the input topic and handled in each run")
	fs.IntVar(&o.Runs, "runs", 3, "runs; the table shows each and the median")
	fs.IntVar(&o.Partitions, "partitions", contracts.DefaultPartitions, "partitions of every topic")
	fs.StringVar(&o.Brokers, "brokers", "", "use these brokers (comma-separated) instead of starting kfake in a child process")
	fs.IntVar(&o.MaxInFlight, "max-in-flight", 0, "commands in flight per partition; 0: the adapter's default")
	fs.IntVar(&o.ProducerConns, "producer-conns", 0, "connections of the event producer and of the answers' producer each; 0: the adapter's default")
	if err := fs.Parse(args); err != nil {
		return err
	}
	runs, err := measureCeilingB(ctx, o)
	if err != nil {
		return err
	}
	return printRuns(runs, "commands", "commands/s")
}

// measureCeilingB fills the command topic once and handles it o.Runs times,
// each run with topics and a consumer group of its own.
func measureCeilingB(ctx context.Context, o ceilingBOptions) ([]pipeRun, error) {
	b, err := startBroker(ctx, o.Brokers)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	tag := fmt.Sprintf("%d", time.Now().UnixNano())
	in := "bench.cb.commands." + tag
	if err := createTopics(b.Addrs, int32(o.Partitions), in); err != nil {
		return nil, err
	}
	start := time.Now()
	if err := cbFill(ctx, b.Addrs, in, o.Commands); err != nil {
		return nil, fmt.Errorf("fill: %w", err)
	}
	logf("filled %d commands of %d bytes into %s (%d partitions) in %.1f s", o.Commands, cbCommandBytes, in, o.Partitions, time.Since(start).Seconds())
	var runs []pipeRun
	for i := 0; i < o.Runs; i++ {
		t := cbTopics{in: in, events: fmt.Sprintf("bench.cb.events.%s.%d", tag, i),
			replies: fmt.Sprintf("bench.cb.replies.%s.%d", tag, i), audit: fmt.Sprintf("bench.cb.audit.%s.%d", tag, i)}
		if err := createTopics(b.Addrs, int32(o.Partitions), t.events, t.replies, t.audit); err != nil {
			return nil, err
		}
		def := service.Defaults()
		if o.MaxInFlight > 0 {
			def.MaxInFlight = o.MaxInFlight
		}
		if o.ProducerConns > 0 {
			def.ProducerConns = o.ProducerConns
		}
		r, err := ceilingBOnce(ctx, b.Addrs, t, fmt.Sprintf("bench.cb.%s.%d", tag, i), int64(o.Commands), def)
		if err != nil {
			return nil, fmt.Errorf("run %d: %w", i+1, err)
		}
		runs = append(runs, r)
	}
	return runs, nil
}

type cbTopics struct{ in, events, replies, audit string }

// cbHeaders are CloudEvents headers of the adapter's shape.
func cbHeaders(id, typ, key string) []sarama.RecordHeader {
	h := func(k, v string) sarama.RecordHeader { return sarama.RecordHeader{Key: []byte(k), Value: []byte(v)} }
	return []sarama.RecordHeader{h(contracts.HeaderPrefix+"specversion", "1.0"), h(contracts.HeaderPrefix+"id", id),
		h(contracts.HeaderPrefix+"source", contracts.SourcePortal), h(contracts.HeaderPrefix+"type", typ),
		h(contracts.HeaderPrefix+"time", time.Now().UTC().Format(time.RFC3339Nano)),
		h(contracts.HeaderContentType, "application/json"), h(contracts.HeaderPrefix+contracts.ExtensionPartitionKey, key)}
}

// cbValue is size bytes of JSON-looking filler.
func cbValue(size int) []byte {
	return []byte(`{"x":"` + strings.Repeat("x", max(0, size-8)) + `"}`)
}

func cbKey(i int) string { return fmt.Sprintf("%010d", 1_000_000_000+i%cbInsurers) }

// cbFill writes n commands keyed by VÖEN, partitioned as the portal does.
func cbFill(ctx context.Context, addrs []string, topic string, n int) error {
	w, err := newBulkWriter(addrs, false)
	if err != nil {
		return err
	}
	value := cbValue(cbCommandBytes)
	for i := 0; i < n && ctx.Err() == nil; i++ {
		key := cbKey(i)
		w.p.Input() <- &sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder(key), Value: sarama.ByteEncoder(value),
			Headers: cbHeaders(fmt.Sprintf("cmd-%d", i), "az.gov.dsmf.ssc.draft.save.v1", key)}
	}
	if err := w.close(); err != nil {
		return err
	}
	return ctx.Err()
}

// cbWaiters tell a command when the log reader has read its event back: the
// adapter's store does the same by command id.
type cbWaiters struct {
	mu sync.Mutex
	m  map[string]chan struct{}
}

func (w *cbWaiters) await(id string) <-chan struct{} {
	ch := make(chan struct{})
	w.mu.Lock()
	w.m[id] = ch
	w.mu.Unlock()
	return ch
}

// fold is the log reader's fold: it finds each record's command id.
func (w *cbWaiters) fold(batch []*sarama.ConsumerMessage) func() error {
	ids := make([]string, 0, len(batch))
	for _, m := range batch {
		for _, h := range m.Headers {
			if string(h.Key) == contracts.HeaderPrefix+contracts.ExtensionCorrelationID {
				ids = append(ids, string(h.Value))
			}
		}
	}
	return func() error {
		w.mu.Lock()
		for _, id := range ids {
			if ch, ok := w.m[id]; ok {
				close(ch)
				delete(w.m, id)
			}
		}
		w.mu.Unlock()
		return nil
	}
}

// ceilingBOnce handles every command of t.in, with def's in-flight bound
// and producer connections, and times it from the first command handed out
// to the last one acknowledged; it then checks that the events, replies and
// audit topics hold n records each.
func ceilingBOnce(ctx context.Context, addrs []string, t cbTopics, group string, n int64, def service.Config) (pipeRun, error) {
	kc := kafka.Config{Brokers: addrs, ClientID: "dsmf-bench"}
	events, err := kafka.NewProducer(kc, sarama.CompressionNone, def.ProducerConns)
	if err != nil {
		return pipeRun{}, err
	}
	defer events.Close()
	answers, err := kafka.NewProducer(kc, sarama.CompressionNone, def.ProducerConns)
	if err != nil {
		return pipeRun{}, err
	}
	defer answers.Close()
	readerClient, err := sarama.NewClient(addrs, kc.SaramaConfig())
	if err != nil {
		return pipeRun{}, err
	}
	defer readerClient.Close()
	waiters := &cbWaiters{m: map[string]chan struct{}{}}
	reader := kafka.NewStagedLogReader(readerClient, []string{t.events}, waiters.fold)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	readerDone := make(chan error, 1)
	go func() { readerDone <- reader.Run(ctx) }()
	defer func() { cancel(); <-readerDone }()

	sub, err := kafka.NewSubscriber(cbSubscriberConfig(addrs, group, def), watermill.NopLogger{})
	if err != nil {
		return pipeRun{}, err
	}
	defer sub.Close()
	msgs, err := sub.Subscribe(ctx, t.in)
	if err != nil {
		return pipeRun{}, err
	}

	eventValue, replyValue, auditValue := cbValue(cbEventBytes), cbValue(cbReplyBytes), cbValue(cbAuditBytes)
	var done atomic.Int64
	var failed atomic.Pointer[error]
	finished := make(chan time.Time, 1)
	handle := func(msg *message.Message) {
		key := msg.Metadata.Get(kafka.MetaKey)
		id := msg.UUID
		fail := func(err error) {
			failed.CompareAndSwap(nil, &err)
			msg.Nack()
		}
		back := waiters.await(id)
		hs := cbHeaders("ev-"+id, "az.gov.dsmf.ssc.event.v1", key)
		hs = append(hs, sarama.RecordHeader{Key: []byte(contracts.HeaderPrefix + contracts.ExtensionCorrelationID), Value: []byte(id)})
		if err := events.Send(&sarama.ProducerMessage{Topic: t.events, Key: sarama.StringEncoder(key), Value: sarama.ByteEncoder(eventValue), Headers: hs}); err != nil {
			fail(fmt.Errorf("event: %w", err))
			return
		}
		select {
		case <-back:
		case <-time.After(time.Minute):
			fail(fmt.Errorf("event of %s not read back in a minute", id))
			return
		case <-ctx.Done():
			return
		}
		err := answers.Send(
			&sarama.ProducerMessage{Topic: t.replies, Key: sarama.StringEncoder(key), Value: sarama.ByteEncoder(replyValue), Headers: cbHeaders("re-"+id, contracts.TypeError, key)},
			&sarama.ProducerMessage{Topic: t.audit, Key: sarama.StringEncoder(key), Value: sarama.ByteEncoder(auditValue), Headers: cbHeaders("au-"+id, "az.gov.dsmf.ssc.audit.v1", key)})
		if err != nil {
			fail(fmt.Errorf("reply and audit: %w", err))
			return
		}
		msg.Ack()
		if done.Add(1) == n {
			finished <- time.Now()
		}
	}

	var start time.Time
	timeout := time.After(10 * time.Minute)
	for {
		select {
		case msg, ok := <-msgs:
			if !ok {
				return pipeRun{}, fmt.Errorf("subscriber closed after %d of %d commands", done.Load(), n)
			}
			if start.IsZero() {
				start = time.Now()
			}
			go handle(msg)
			continue
		case end := <-finished:
			if e := failed.Load(); e != nil {
				return pipeRun{}, *e
			}
			cancel()
			if err := cbCheck(addrs, t, n); err != nil {
				return pipeRun{}, err
			}
			return pipeRun{messages: n, took: end.Sub(start)}, nil
		case err := <-readerDone:
			readerDone <- err
			return pipeRun{}, fmt.Errorf("log reader stopped: %v", err)
		case <-timeout:
			return pipeRun{}, fmt.Errorf("only %d of %d commands handled in 10 minutes", done.Load(), n)
		case <-ctx.Done():
			return pipeRun{}, ctx.Err()
		}
	}
}

// cbSubscriberConfig is the adapter's subscriber configuration
// (service.router), without the catch-up barrier: the event topic is new.
func cbSubscriberConfig(addrs []string, group string, def service.Config) kafka.SubscriberConfig {
	sc := kafka.Config{Brokers: addrs, ClientID: "dsmf-bench"}.SaramaConfig()
	sc.Consumer.Group.Session.Timeout = def.GroupSessionTimeout
	sc.Consumer.Group.Heartbeat.Interval = def.GroupHeartbeat
	sc.Consumer.Group.Rebalance.Timeout = def.GroupSessionTimeout
	return kafka.SubscriberConfig{Brokers: addrs, ConsumerGroup: group, Sarama: sc, MaxInFlight: def.MaxInFlight,
		NackResendSleep: 250 * time.Millisecond, ReconnectRetrySleep: time.Second}
}

// cbCheck says whether every command left its three records.
func cbCheck(addrs []string, t cbTopics, n int64) error {
	for _, topic := range []string{t.events, t.replies, t.audit} {
		have, err := recordsIn(addrs, []string{topic})
		if err != nil {
			return err
		}
		if have < n {
			return fmt.Errorf("%s holds %d records, want %d", topic, have, n)
		}
	}
	return nil
}
