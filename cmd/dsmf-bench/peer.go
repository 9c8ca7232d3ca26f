package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/IBM/sarama"
	"github.com/ThreeDotsLabs/watermill"
	wmkafka "github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/notice"
	"github.com/dsmf/ssc-adapter/adapters/ops"
	"github.com/dsmf/ssc-adapter/adapters/service"
	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/handlers"
)

// The peer (issue 17): the design a Go team builds first with the card's
// stack. The adapter's handlers, state and log reader, unchanged, behind
// watermill-kafka's own Subscriber and Publisher on a watermill Router, in
// place of the adapter's subscriber (many commands of a partition at once)
// and producers (shared requests, events apart). It serves the same flags
// as dsmf-adapter that the adapter bench passes, so that the same bench
// drives it: `dsmf-bench adapter -peer`.

func init() { scenarios["peer-serve"] = runPeerServe }

// peerMetaKey carries an outgoing record's key to the partitioning marshaler.
const peerMetaKey = "x-kafka-key"

func runPeerServe(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("peer-serve", flag.ContinueOnError)
	brokers := fs.String("brokers", "", "Kafka brokers, comma-separated")
	keys := fs.String("portal-keys", "", "keyId=base64 Ed25519 public key, comma-separated")
	httpAddr := fs.String("http-addr", "127.0.0.1:0", "serves /readyz and /metrics")
	level := fs.String("log-level", "warn", "debug, info, warn or error")
	pprof := fs.Bool("pprof", false, "serve /debug/pprof/ on -http-addr")
	fs.Bool("demo-data", false, "ignored (as dsmf-adapter's; the peer never loads demo data)")
	fs.Int("partitions", contracts.DefaultPartitions, "ignored (the bench creates the topics)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lv}))
	keySet, err := contracts.ParseKeySet(*keys)
	if err != nil {
		return fmt.Errorf("-portal-keys: %w", err)
	}
	p, err := newPeer(strings.Split(*brokers, ","), keySet, log)
	if err != nil {
		return err
	}
	defer p.close()
	metrics := ops.NewMetrics()
	ready := ops.NewReadiness("rebuilding state from the event log")
	srv, err := ops.Listen(*httpAddr, ready, metrics, *pprof)
	if err != nil {
		return err
	}
	defer srv.Close(context.Background())
	return p.run(ctx, metrics, ready)
}

// peer is the peer's service: the adapter's state and handlers, wired to
// watermill-kafka.
type peer struct {
	brokers      []string
	keys         contracts.KeySet
	log          *slog.Logger
	state        *store.Store
	readerClient sarama.Client
	pub          *wmkafka.Publisher
}

func newPeer(brokers []string, keys contracts.KeySet, log *slog.Logger) (*peer, error) {
	kc := kafka.Config{Brokers: brokers, ClientID: "dsmf-bench-peer"}
	st, err := store.New()
	if err != nil {
		return nil, err
	}
	p := &peer{brokers: brokers, keys: keys, log: log, state: st}
	if p.readerClient, err = sarama.NewClient(brokers, kc.SaramaConfig()); err != nil {
		return nil, err
	}
	// The adapter's producer settings (acks=all, idempotent, murmur2 by
	// key), so that both write as durably and to the same partitions.
	p.pub, err = wmkafka.NewPublisher(wmkafka.PublisherConfig{Brokers: brokers, OverwriteSaramaConfig: kc.SaramaConfig(),
		Marshaler: wmkafka.NewWithPartitioningMarshaler(func(_ string, m *message.Message) (string, error) {
			return m.Metadata.Get(peerMetaKey), nil
		})}, p.wmLogger())
	if err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

func (p *peer) wmLogger() watermill.LoggerAdapter {
	return watermill.NewSlogLoggerWithLevelMapping(p.log, map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug})
}

// run rebuilds state as the service does, then handles commands until ctx ends.
func (p *peer) run(ctx context.Context, metrics *ops.Metrics, ready *ops.Readiness) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fold := service.Fold(p.state)
	reader := kafka.NewStagedLogReader(p.readerClient, stateTopics, func(batch []*sarama.ConsumerMessage) func() error {
		apply := fold(batch)
		return func() error {
			err := apply()
			metrics.Folded(len(batch))
			return err
		}
	})
	readerErr := make(chan error, 1)
	go func() { readerErr <- reader.Run(ctx) }()
	defer func() { cancel(); <-readerErr }()
	ends, err := reader.EndOffsets(stateTopics)
	if err != nil {
		return err
	}
	if err := reader.WaitFor(ctx, ends); err != nil {
		return fmt.Errorf("rebuild: %w", err)
	}
	p.state.Freeze()
	go p.state.Compact()

	notices, err := notice.NewRenderer()
	if err != nil {
		return err
	}
	def := service.Defaults()
	h := handlers.New(handlers.Config{SessionIdle: def.SessionIdle, Now: time.Now, PortalKeys: p.keys},
		service.HandlerState(p.state), peerPublisher{p.pub}, notices, metrics, p.log)

	sc := kafka.Config{Brokers: p.brokers, ClientID: "dsmf-bench-peer"}.SaramaConfig()
	sc.Consumer.Group.Session.Timeout = def.GroupSessionTimeout
	sc.Consumer.Group.Heartbeat.Interval = def.GroupHeartbeat
	sc.Consumer.Group.Rebalance.Timeout = def.GroupSessionTimeout
	sub, err := wmkafka.NewSubscriber(wmkafka.SubscriberConfig{Brokers: p.brokers, ConsumerGroup: def.ConsumerGroup,
		Unmarshaler: wmkafka.DefaultMarshaler{}, OverwriteSaramaConfig: sc}, p.wmLogger())
	if err != nil {
		return err
	}
	r, err := message.NewRouter(message.RouterConfig{CloseTimeout: def.ShutdownTimeout}, p.wmLogger())
	if err != nil {
		return err
	}
	// The service's router, step for step (service.router).
	r.AddMiddleware(middleware.Retry{MaxRetries: 5, InitialInterval: 100 * time.Millisecond,
		MaxInterval: 5 * time.Second, Multiplier: 2, Logger: p.wmLogger()}.Middleware)
	r.AddMiddleware(peerWithRecord)
	r.AddMiddleware(h.Middlewares()...)
	for _, topic := range []string{contracts.TopicPortalCommands, contracts.TopicBackOfficeCommands} {
		r.AddConsumerHandler(topic, topic, sub, h.Decide)
	}
	routerDone := make(chan error, 1)
	go func() { routerDone <- r.Run(context.Background()) }()
	select {
	case <-r.Running():
	case err := <-routerDone:
		return fmt.Errorf("router: %w", err)
	}
	ready.Ready()
	select {
	case <-ctx.Done():
	case err := <-readerErr:
		readerErr <- err
		return fmt.Errorf("log reader stopped: %v", err)
	case err := <-routerDone:
		return fmt.Errorf("router stopped: %v", err)
	}
	return r.Close()
}

func (p *peer) close() {
	if p.pub != nil {
		_ = p.pub.Close()
	}
	if p.readerClient != nil {
		_ = p.readerClient.Close()
	}
}

// peerWithRecord gives the handlers the Kafka record behind a message.
func peerWithRecord(next message.HandlerFunc) message.HandlerFunc {
	return func(msg *message.Message) ([]*message.Message, error) {
		ctx := msg.Context()
		msg.SetContext(handlers.WithInbound(ctx, peerInbound(message.SubscribeTopicFromCtx(ctx), msg)))
		defer msg.SetContext(ctx)
		return next(msg)
	}
}

// peerInbound is the record a watermill-kafka message was made from; the
// default unmarshaler keeps the headers in the metadata.
func peerInbound(topic string, msg *message.Message) handlers.Inbound {
	in := handlers.Inbound{Topic: topic, Value: msg.Payload}
	in.Partition, _ = wmkafka.MessagePartitionFromCtx(msg.Context())
	in.Offset, _ = wmkafka.MessagePartitionOffsetFromCtx(msg.Context())
	in.Key, _ = wmkafka.MessageKeyFromCtx(msg.Context())
	for k, v := range msg.Metadata {
		in.Headers = append(in.Headers, contracts.Header{Key: k, Value: []byte(v)})
	}
	return in
}

// peerPublisher writes the handlers' records through watermill-kafka's
// Publisher, one Publish per topic, in the order given.
type peerPublisher struct{ pub *wmkafka.Publisher }

func (p peerPublisher) Publish(_ context.Context, records ...handlers.Outgoing) error {
	for i := 0; i < len(records); {
		j := i
		var msgs []*message.Message
		for ; j < len(records) && records[j].Topic == records[i].Topic; j++ {
			r := records[j]
			m := message.NewMessage(watermill.NewUUID(), r.Value)
			for _, h := range r.Headers {
				m.Metadata.Set(h.Key, string(h.Value))
			}
			m.Metadata.Set(peerMetaKey, r.Key)
			msgs = append(msgs, m)
		}
		if err := p.pub.Publish(records[i].Topic, msgs...); err != nil {
			return err
		}
		i = j
	}
	return nil
}
