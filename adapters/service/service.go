package service

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/kafka/embedded"
	"github.com/dsmf/ssc-adapter/adapters/notice"
	"github.com/dsmf/ssc-adapter/adapters/ops"
	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/handlers"
)

// stateTopics are folded into state by every instance.
var stateTopics = []string{contracts.TopicEvents, contracts.TopicInsurers,
	contracts.TopicInsuredPersons, contracts.TopicIdentityDocuments}

// commandTopics are consumed in the consumer group.
var commandTopics = []string{contracts.TopicPortalCommands, contracts.TopicBackOfficeCommands}

// Service is a running adapter.
type Service struct {
	cfg Config
	// log is quieted during a broker outage (outagelog.go); lifecycle
	// lines (start, ready, failure, shutdown) go to life, which is not.
	log      *slog.Logger
	life     *slog.Logger
	embedded *embedded.Broker
	brokers  []string
	client   sarama.Client
	// readerClient is the log reader's own: its fetches wait on the broker
	// (a connection serves one request at a time) and must not queue behind
	// the health and lag checks, nor they behind it.
	readerClient sarama.Client
	State        *store.Store
	reader       *kafka.LogReader
	Metrics      *ops.Metrics
	ready        *ops.Readiness
	http         *ops.Server
	pub          publisher
	// checkpointer writes the snapshots: their 512 KiB chunks must not hold
	// up replies on pub's producers.
	checkpointer *kafka.Producer
	readyCh      chan struct{}
	rd           *readiness
	keys         contracts.KeySet
	// snapshot is the last checkpoint of state written or restored;
	// restored the event-log offsets a restored one covered.
	checkpointMu sync.Mutex // one Checkpoint at a time
	snapshot     store.SnapshotHead
	restored     map[int32]int64
}

// New connects to the brokers (starting the embedded one if none are
// given), creates the topics and prepares state. Run starts the work.
func New(cfg Config) (*Service, error) {
	def := Defaults()
	if cfg.Partitions == 0 {
		cfg.Partitions = def.Partitions
	}
	if cfg.ConsumerGroup == "" {
		cfg.ConsumerGroup = def.ConsumerGroup
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = def.ShutdownTimeout
	}
	if cfg.SnapshotInterval == 0 {
		cfg.SnapshotInterval = DefaultSnapshotInterval
	}
	if cfg.GroupSessionTimeout == 0 {
		cfg.GroupSessionTimeout = def.GroupSessionTimeout
	}
	if cfg.GroupHeartbeat == 0 {
		cfg.GroupHeartbeat = def.GroupHeartbeat
	}
	if cfg.MaxInFlight == 0 {
		cfg.MaxInFlight = def.MaxInFlight
	}
	if cfg.ProducerConns == 0 {
		cfg.ProducerConns = def.ProducerConns
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	plain := cfg.Logger
	if plain == nil {
		plain = slog.Default()
	}
	gate := &outageGate{}
	log := slog.New(gate.handler(plain.Handler()))
	s := &Service{cfg: cfg, log: log, life: plain, brokers: cfg.Brokers, Metrics: ops.NewMetrics(),
		ready: ops.NewReadiness("starting"), readyCh: make(chan struct{})}
	s.rd = newReadiness(s.ready, s.Metrics.SRE, plain, gate)
	ok := false
	defer func() {
		if !ok {
			s.closeAll()
		}
	}()

	if err := cfg.Kafka.Validate(); err != nil {
		return nil, fmt.Errorf("kafka security: %w", err)
	}
	if len(s.brokers) == 0 {
		e, err := embedded.Start(embedded.Options{Addr: cfg.EmbeddedAddr, DataDir: cfg.DataDir, Extra: cfg.EmbeddedOptions})
		if err != nil {
			return nil, err
		}
		s.embedded, s.brokers = e, e.Addrs()
		log.Info("embedded Kafka-protocol broker started", "addr", s.brokers[0], "data_dir", cfg.DataDir,
			"try", "kcat -b "+s.brokers[0]+" -L")
		cfg.CreateTopics = true
		if cfg.GroupInstanceID == "" {
			// The embedded broker has this one instance: as a static member
			// it gets its partitions back at once after a restart (measured:
			// README "Operations"), with no other instance to fence.
			cfg.GroupInstanceID = "embedded-" + cmp.Or(cfg.ClientID, def.ClientID)
		}
		s.cfg = cfg
	}
	var err error
	if s.keys, err = s.portalKeys(); err != nil {
		return nil, err
	}
	kc := s.kafkaConfig()
	if cfg.Kafka != (kafka.Security{}) {
		log.Info("Kafka security", "kafka", cfg.Kafka)
	}
	for _, w := range cfg.Kafka.Warnings() {
		log.Warn(w)
	}
	client, err := sarama.NewClient(s.brokers, kc.SaramaConfig())
	if err != nil {
		return nil, fmt.Errorf("connect to Kafka at %v as %s: %w", s.brokers, cfg.Kafka.Protocol(), err)
	}
	s.client = client
	if cfg.CreateTopics {
		admin, err := sarama.NewClusterAdminFromClient(client)
		if err != nil {
			return nil, fmt.Errorf("kafka admin: %w", err)
		}
		if err := kafka.EnsureTopics(admin, []contracts.TopicSpec{SnapshotTopicSpec()}); err != nil {
			log.Warn("no topic for snapshots of state: every start folds the whole event log", "err", err)
		}
		if err := kafka.EnsureTopics(admin, contracts.Topics(cfg.Partitions)); err != nil {
			return nil, err
		}
	}
	if err := kafka.CheckTopics(client, contracts.Topics(cfg.Partitions)); err != nil {
		return nil, err
	}

	s.pub.sre, s.pub.log, s.pub.counted = s.Metrics.SRE, log, newRecentIDs(4096)
	if s.pub.events, err = kafka.NewProducer(kc, sarama.CompressionNone, s.cfg.ProducerConns); err != nil {
		return nil, err
	}
	// Uncompressed: LZ4 on the answers (46 KB notices among them) cost the
	// adapter more CPU than it saved (dsmf-bench adapter: 7 % fewer commands/s).
	if s.pub.rest, err = kafka.NewProducer(kc, sarama.CompressionNone, s.cfg.ProducerConns); err != nil {
		return nil, err
	}
	if s.checkpointer, err = kafka.NewProducer(kc, sarama.CompressionNone, 1); err != nil {
		return nil, err
	}
	if s.State, err = store.New(); err != nil {
		return nil, err
	}
	if s.readerClient, err = sarama.NewClient(s.brokers, kc.SaramaConfig()); err != nil {
		return nil, fmt.Errorf("connect the log reader to Kafka: %w", err)
	}
	s.reader = kafka.NewStagedLogReader(s.readerClient, stateTopics, s.fold)
	if s.http, err = s.listenOps(); err != nil {
		return nil, err
	}
	ok = true
	return s, nil
}

func (s *Service) listenOps() (*ops.Server, error) {
	if s.cfg.HTTPAddr == "" {
		return nil, nil
	}
	srv, err := ops.Listen(s.cfg.HTTPAddr, s.ready, s.Metrics, s.cfg.Pprof)
	if err != nil {
		return nil, err
	}
	s.log.Info("operations endpoint", "addr", "http://"+srv.Addr(), "paths", "/healthz /readyz /metrics", "pprof", s.cfg.Pprof)
	return srv, nil
}

func (s *Service) wmLogger() watermill.LoggerAdapter {
	return watermill.NewSlogLoggerWithLevelMapping(s.log, map[slog.Level]slog.Level{
		slog.LevelInfo: slog.LevelDebug,
	})
}

// kafkaConfig is what every Kafka client of the adapter is built from.
func (s *Service) kafkaConfig() kafka.Config {
	return kafka.Config{Brokers: s.brokers, ClientID: s.cfg.ClientID, Security: s.cfg.Kafka}
}

// Brokers are the brokers in use (the embedded one's address when embedded).
func (s *Service) Brokers() []string { return s.brokers }

// HTTPAddr is the operations endpoint's address, or "".
func (s *Service) HTTPAddr() string {
	if s.http == nil {
		return ""
	}
	return s.http.Addr()
}

// Ready is closed once state is rebuilt and commands are being consumed.
func (s *Service) Ready() <-chan struct{} { return s.readyCh }

// Embedded is the embedded broker, or nil.
func (s *Service) Embedded() *embedded.Broker { return s.embedded }

// fold reads a batch from the log reader for the store, and returns what
// applies and counts it.
func (s *Service) fold(batch []*sarama.ConsumerMessage) func() error {
	apply := Fold(s.State)(batch)
	return func() error {
		if err := apply(); err != nil {
			return err
		}
		s.Metrics.Folded(len(batch))
		return nil
	}
}

// Run rebuilds state, then handles commands until ctx ends, then stops
// within the shutdown timeout.
func (s *Service) Run(ctx context.Context) error {
	defer s.closeAll()
	ctx, cancel := context.WithCancel(ctx)
	// Every goroutine below ends with ctx and is waited for before
	// closeAll closes the clients and producers they use, however Run
	// returns.
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	goWait := func(f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f()
		}()
	}

	if s.cfg.DemoData {
		if err := s.loadDemo(ctx); err != nil {
			return err
		}
	}
	s.restoreSnapshot()
	readerErr := make(chan error, 1)
	goWait(func() { readerErr <- s.reader.Run(ctx) })

	s.ready.NotReady("rebuilding state from the event log")
	if err := s.rebuild(ctx); err != nil {
		return err
	}
	s.rd.Rebuilt()

	notices, err := notice.NewRenderer()
	if err != nil {
		return fmt.Errorf("notice renderer: %w", err)
	}
	h := handlers.New(handlers.Config{SessionIdle: s.cfg.SessionIdle, Now: s.cfg.Now, PortalKeys: s.keys}, HandlerState(s.State),
		s.pub, notices, s.Metrics, s.log)
	router, err := s.router(h)
	if err != nil {
		return err
	}
	routerDone := make(chan error, 1)
	go func() { routerDone <- router.Run(context.Background()) }()
	select {
	case <-router.Running():
	case err := <-routerDone:
		return fmt.Errorf("command router: %w", err)
	}
	goWait(func() { s.watchLag(ctx) })
	goWait(func() { s.watchBroker(ctx) })
	goWait(func() { s.checkpoints(ctx, s.cfg.SnapshotInterval) })
	// The projector tries a broker or group it cannot reach again, and
	// logs why, until ctx ends (adapters/statusfeed).
	goWait(func() { s.statusProjector().Run(ctx) })
	// Ready once the group has given this instance its partitions and
	// their records are handed out, not when the router merely runs.
	select {
	case <-s.rd.FirstReady():
		close(s.readyCh)
		s.life.Info("ready: consuming commands", "topics", commandTopics, "group", s.cfg.ConsumerGroup, "status", s.ready.Detail())
	case <-ctx.Done():
	case err := <-routerDone:
		routerDone <- err // seen again below
	case err := <-readerErr:
		readerErr <- err
	}

	// A reader or router that stops by itself leaves the service unable to
	// work: stop too, with an error, so that whatever runs it restarts it.
	var failure error
	stopped := func(what string, err error) {
		if ctx.Err() == nil { // not merely the shutdown reaching it first
			failure = fmt.Errorf("%s stopped: %w", what, errors.Join(err, errors.New("it should run until shutdown")))
		}
	}
	select {
	case <-ctx.Done():
	case err := <-readerErr:
		stopped("event log reader", err)
	case err := <-routerDone:
		stopped("command router", err)
	}
	if failure != nil {
		s.life.Error("cannot go on", "err", failure)
	}
	s.rd.Stopping()
	s.life.Info("shutting down", "deadline", s.cfg.ShutdownTimeout)
	closed := make(chan error, 1)
	go func() { closed <- router.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			s.life.Warn("router close", "err", err)
		}
	case <-time.After(s.cfg.ShutdownTimeout):
		s.life.Warn("shutdown deadline passed; abandoning in-flight commands (they are redelivered and deduplicated)")
	}
	return failure
}

// rebuild folds every state topic up to the end offsets seen now, logging
// progress so a long rebuild is visibly moving.
func (s *Service) rebuild(ctx context.Context) error {
	start := time.Now()
	ends, err := s.reader.EndOffsets(stateTopics)
	if err != nil {
		return fmt.Errorf("rebuild: %w", err)
	}
	total := s.reader.Behind(ends)
	s.log.Info("rebuilding state", "records", total)
	done := make(chan error, 1)
	go func() { done <- s.reader.WaitFor(ctx, ends) }()
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("rebuild: %w", err)
			}
			s.State.Freeze() // what comes now is live: written over the rebuilt state
			go s.State.Compact()
			took := time.Since(start)
			n := s.reader.Records()
			s.Metrics.SRE.Rebuilt(n, took)
			s.log.Info("state rebuilt", "records", n, "seconds", took.Seconds(),
				"records_per_second", int64(float64(n)/max(took.Seconds(), 1e-9)))
			return nil
		case <-tick.C:
			n := s.reader.Records()
			s.log.Info("rebuilding state", "records", n, "of", total,
				"records_per_second", int64(float64(n)/time.Since(start).Seconds()))
		}
	}
}

// groupConfig is the client configuration of a consumer-group member with
// the adapter's group timings.
func (s *Service) groupConfig() *sarama.Config {
	sc := s.kafkaConfig().SaramaConfig()
	sc.Consumer.Group.Session.Timeout = s.cfg.GroupSessionTimeout
	sc.Consumer.Group.Heartbeat.Interval = s.cfg.GroupHeartbeat
	// A join must complete well within a request's read timeout: with the
	// default 60 s, a member that crashed mid-rebalance keeps a new one's
	// JoinGroup waiting past 30 s, the request times out, and the new
	// member never gets in.
	sc.Consumer.Group.Rebalance.Timeout = s.cfg.GroupSessionTimeout
	return sc
}

// router builds the watermill router that consumes both command topics in
// the consumer group.
func (s *Service) router(h *handlers.Handler) (*message.Router, error) {
	sc := s.groupConfig()
	if s.cfg.GroupInstanceID != "" {
		sc.Version = sarama.V2_3_0_0 // the first with static membership
		sc.Consumer.Group.InstanceId = s.cfg.GroupInstanceID
	}
	sub, err := kafka.NewSubscriber(kafka.SubscriberConfig{
		Brokers: s.brokers, ConsumerGroup: s.cfg.ConsumerGroup, Sarama: sc,
		MaxInFlight: s.cfg.MaxInFlight, NackResendSleep: 250 * time.Millisecond, ReconnectRetrySleep: time.Second,
		Topics: commandTopics, Observer: s.rd,
		// Before a partition's commands are handled, state catches up on
		// everything already on the event log.
		Barrier: func(ctx context.Context, claims map[string][]int32) error {
			return s.reader.CatchUp(ctx, []string{contracts.TopicEvents})
		},
	}, s.wmLogger())
	if err != nil {
		return nil, fmt.Errorf("kafka subscriber: %w", err)
	}
	r, err := message.NewRouter(message.RouterConfig{CloseTimeout: s.cfg.ShutdownTimeout}, s.wmLogger())
	if err != nil {
		return nil, err
	}
	// Outermost first. A handler's error is transient (the broker): the
	// message is tried again, and redelivered after the retries, never dropped.
	r.AddMiddleware(middleware.Retry{MaxRetries: 5, InitialInterval: 100 * time.Millisecond,
		MaxInterval: 5 * time.Second, Multiplier: 2, Logger: s.wmLogger(),
		OnRetryHook: func(int, time.Duration) { s.Metrics.SRE.Retried("handle") }}.Middleware)
	r.AddMiddleware(s.cfg.Middlewares...)
	r.AddMiddleware(withRecord)
	r.AddMiddleware(h.Middlewares()...) // metrics, audit and outbox, recovery, intake
	for _, topic := range commandTopics {
		r.AddConsumerHandler(topic, topic, sub, h.Decide)
	}
	return r, nil
}

// withRecord gives the handlers the Kafka record behind a message.
func withRecord(next message.HandlerFunc) message.HandlerFunc {
	return func(msg *message.Message) ([]*message.Message, error) {
		ctx := msg.Context()
		msg.SetContext(handlers.WithInbound(ctx, inbound(message.SubscribeTopicFromCtx(ctx), msg)))
		defer msg.SetContext(ctx)
		return next(msg)
	}
}

// inbound is the record a Subscriber's message was made from.
func inbound(topic string, msg *message.Message) handlers.Inbound {
	rec, ok := kafka.RecordFromContext(msg.Context())
	if !ok { // not from kafka.Subscriber: no headers, so the handler dead-letters it
		return handlers.Inbound{Topic: topic, Value: msg.Payload}
	}
	return handlers.Inbound{Topic: topic, Partition: rec.Partition, Offset: rec.Offset, Key: rec.Key,
		Headers: kafka.RecordHeaders(rec.Headers), Value: rec.Value}
}

// watchBroker reports not-ready while Kafka cannot be reached; sarama
// reconnects by itself, and commands wait (they are retried, not dropped).
func (s *Service) watchBroker(ctx context.Context) {
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		_, err := s.client.Controller()
		if err == nil {
			err = s.client.RefreshMetadata(contracts.TopicEvents)
		}
		// Both are idempotent: the consumer group may report an outage first.
		if err != nil {
			s.rd.BrokerDown(err)
		} else {
			s.rd.BrokerUp()
		}
	}
}

// watchLag updates the lag gauges every few seconds.
func (s *Service) watchLag(ctx context.Context) {
	admin, err := sarama.NewClusterAdminFromClient(s.client)
	if err != nil {
		return
	}
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if ends, err := s.reader.EndOffsets(stateTopics); err == nil {
			s.Metrics.SetLag("state", s.reader.Behind(ends))
		}
		offsets, err := admin.ListConsumerGroupOffsets(s.cfg.ConsumerGroup, nil)
		if err != nil {
			continue
		}
		for _, topic := range commandTopics {
			var lag int64
			for p, block := range offsets.Blocks[topic] {
				end, err := s.client.GetOffset(topic, p, sarama.OffsetNewest)
				if err == nil && block.Offset >= 0 && end > block.Offset {
					lag += end - block.Offset
				}
			}
			s.Metrics.SetLag(topic, lag)
		}
	}
}

// loadDemo publishes the demo reference data when the insurers topic is empty.
func (s *Service) loadDemo(ctx context.Context) error {
	ends, err := s.reader.EndOffsets([]string{contracts.TopicInsurers})
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	if len(ends) > 0 {
		return nil
	}
	insurers, insured, docs := demoRecords(s.cfg.Now())
	var records []any
	for _, r := range insurers {
		records = append(records, r)
	}
	for _, r := range insured {
		records = append(records, r)
	}
	for _, r := range docs {
		records = append(records, r)
	}
	p := s.pub
	for i, r := range records {
		topic, env, err := contracts.ReferenceEnvelope(fmt.Sprintf("demo-%d", i), r, s.cfg.Now())
		if err != nil {
			return err
		}
		if err := p.Publish(ctx, handlers.FromEnvelope(topic, env)); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	s.log.Info("demo reference data loaded", "insurers", len(insurers), "insured_persons", len(insured), "identity_documents", len(docs))
	return nil
}

func (s *Service) closeAll() {
	if s.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = s.http.Close(ctx)
		cancel()
	}
	for _, p := range []*kafka.Producer{s.pub.events, s.pub.rest, s.checkpointer} {
		if p != nil {
			_ = p.Close()
		}
	}
	for _, c := range []sarama.Client{s.readerClient, s.client} {
		if c != nil {
			_ = c.Close()
		}
	}
	if s.embedded != nil {
		s.embedded.Close()
	}
}
