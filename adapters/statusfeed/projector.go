package statusfeed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/IBM/sarama"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/contracts"
)

// State is what the projector needs of the adapter's state: to wait until
// it has folded the event log through a record, and a snapshot to read.
type State interface {
	WaitFolded(ctx context.Context, partition int32, offset int64) error
	Snapshot() Snapshot
}

// Config configures a Projector.
type Config struct {
	Brokers []string
	// Sarama returns a fresh client configuration (security, the group's
	// session timings); the projector sets what transactions need.
	Sarama func() *sarama.Config
	// Group is the projector's own consumer group on the event log; it
	// also prefixes the transactional ids (Group-<partition>).
	Group string
	// OutcomeRetention is how long state remembers outcomes (see Derive).
	OutcomeRetention time.Duration
	Now              func() time.Time
	Log              *slog.Logger
}

// Projector follows the event log in its own consumer group and publishes
// each status change on contracts.TopicApplicationStatus. A batch of
// events and the offsets that consume it are committed in one Kafka
// transaction, so each event is published once: a crash before the commit
// aborts both, and the next owner of the partition starts where the last
// commit ended. The transactional id is per partition of the log, so a new
// owner fences a stalled old one; it reads where to start only after it
// has fenced (see claimPublisher).
type Projector struct {
	cfg   Config
	state State
	// beforeFence, when set, runs as a claim starts, before its producer
	// fences the partition's previous owner (tests force interleavings).
	beforeFence func(partition int32)
}

// New prepares a projector; Run starts it.
func New(cfg Config, state State) *Projector {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Projector{cfg: cfg, state: state}
}

// maxBatch bounds the events of one transaction.
const maxBatch = 500

// Run follows the event log until ctx ends. It never gives up: a broker
// that cannot be reached, or a group that cannot be joined, is tried again.
func (p *Projector) Run(ctx context.Context) {
	for ctx.Err() == nil {
		if err := p.follow(ctx); err != nil && ctx.Err() == nil {
			p.cfg.Log.Warn("status projector: trying again", "err", err)
			sleep(ctx, time.Second)
		}
	}
}

// follow joins the group and consumes until ctx ends or the group fails.
func (p *Projector) follow(ctx context.Context) error {
	sc := p.cfg.Sarama()
	sc.Consumer.Offsets.Initial = sarama.OffsetOldest
	sc.Consumer.Offsets.AutoCommit.Enable = false // offsets go in the transactions
	sc.Consumer.IsolationLevel = sarama.ReadCommitted
	group, err := sarama.NewConsumerGroup(p.cfg.Brokers, p.cfg.Group, sc)
	if err != nil {
		return fmt.Errorf("consumer group %s: %w", p.cfg.Group, err)
	}
	defer group.Close()
	for ctx.Err() == nil {
		if err := group.Consume(ctx, []string{contracts.TopicEvents}, p); err != nil && ctx.Err() == nil {
			p.cfg.Log.Warn("status projector: consume", "err", err)
			sleep(ctx, time.Second)
		}
	}
	return nil
}

// Setup is part of sarama.ConsumerGroupHandler. Producers are made per
// claim (ConsumeClaim), so that partitions fence in parallel.
func (p *Projector) Setup(sarama.ConsumerGroupSession) error { return nil }

// Cleanup is part of sarama.ConsumerGroupHandler. Sarama calls it once
// every ConsumeClaim has returned, and each claim closes its producer as it
// returns: a revoked partition keeps no producer.
func (p *Projector) Cleanup(sarama.ConsumerGroupSession) error { return nil }

// ConsumeClaim publishes a partition's events batch by batch, each batch in
// one transaction with its offsets. It first fences the partition's
// previous owner and reads the group's offset as of then: sarama read the
// offset it starts the claim at before, and an old owner's transaction may
// have committed between the two, so records below the offset read after
// fencing were published already and are skipped. A batch that fails is
// aborted (its records are invisible to read_committed readers) and tried
// again with a new producer, which fences and reads the offset again,
// until it commits or the claim ends.
func (p *Projector) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	ctx, partition := sess.Context(), claim.Partition()
	var pub *claimPublisher
	defer func() { pub.close() }()
	fence := func() error {
		pub.close()
		var err error
		pub, err = p.fence(partition)
		return err
	}
	if p.beforeFence != nil {
		p.beforeFence(partition)
	}
	if !p.retry(ctx, partition, "producer not ready", fence) {
		return nil
	}
	for {
		batch := nextBatch(ctx, claim.Messages())
		if len(batch) == 0 {
			return nil
		}
		ok := p.retry(ctx, partition, "batch not published", func() error {
			if pub == nil {
				if err := fence(); err != nil {
					return err
				}
			}
			err := p.publish(ctx, pub, partition, above(batch, pub.floor))
			if err != nil {
				pub.close()
				pub = nil
			}
			return err
		})
		if !ok {
			return nil
		}
	}
}

// retry runs f until it succeeds (true) or ctx ends (false), waiting
// longer after each failure.
func (p *Projector) retry(ctx context.Context, partition int32, what string, f func() error) bool {
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 5*time.Second) {
		err := f()
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		p.cfg.Log.Warn("status projector: "+what+"; trying again", "partition", partition, "err", err)
		sleep(ctx, wait)
		if ctx.Err() != nil {
			return false
		}
	}
}

// above is the part of batch at or above offset.
func above(batch []*sarama.ConsumerMessage, offset int64) []*sarama.ConsumerMessage {
	for i, m := range batch {
		if m.Offset >= offset {
			return batch[i:]
		}
	}
	return nil
}

// nextBatch waits for a record, then takes what else is already there.
func nextBatch(ctx context.Context, in <-chan *sarama.ConsumerMessage) []*sarama.ConsumerMessage {
	var batch []*sarama.ConsumerMessage
	select {
	case <-ctx.Done():
		return nil
	case m, ok := <-in:
		if !ok {
			return nil
		}
		batch = append(batch, m)
	}
	for len(batch) < maxBatch {
		select {
		case m, ok := <-in:
			if !ok {
				return batch
			}
			batch = append(batch, m)
		default:
			return batch
		}
	}
	return batch
}

// publish derives the batch's status records once state has folded the
// batch, and commits them with the batch's offsets in one transaction.
func (p *Projector) publish(ctx context.Context, pub *claimPublisher, partition int32, batch []*sarama.ConsumerMessage) error {
	if len(batch) == 0 {
		return nil // published by the previous owner
	}
	last := batch[len(batch)-1]
	if err := p.state.WaitFolded(ctx, partition, last.Offset); err != nil {
		return fmt.Errorf("wait for state: %w", err)
	}
	snap, now := p.state.Snapshot(), p.cfg.Now()
	var out []*sarama.ProducerMessage
	for _, m := range batch {
		env, err := contracts.DecodeEnvelope(m.Key, kafka.RecordHeaders(m.Headers), m.Value)
		if err != nil {
			continue // the fold ignores it too
		}
		status, ok, err := Derive(env, snap, now, p.cfg.OutcomeRetention)
		if err != nil {
			// An event state could not fold: no status changed.
			p.cfg.Log.Warn("status projector: event skipped", "type", env.Type, "partition", partition, "offset", m.Offset, "err", err)
			continue
		}
		if !ok {
			continue
		}
		rec, err := contracts.NewEnvelope(RecordID(env.ID), contracts.SourceAdapter, contracts.TypeApplicationStatus,
			status.InsurerVOEN, status.At, status)
		if err != nil {
			return err
		}
		rec.Subject = status.ApplicationID
		msg := &sarama.ProducerMessage{Topic: contracts.TopicApplicationStatus, Key: sarama.StringEncoder(rec.Key),
			Value: sarama.ByteEncoder(rec.Data)}
		for _, h := range rec.BinaryHeaders() {
			msg.Headers = append(msg.Headers, sarama.RecordHeader{Key: []byte(h.Key), Value: h.Value})
		}
		out = append(out, msg)
	}
	prod := pub.prod
	if err := prod.BeginTxn(); err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	err := func() error {
		if len(out) > 0 {
			if err := prod.SendMessages(out); err != nil {
				return fmt.Errorf("send: %w", err)
			}
		}
		offsets := map[string][]*sarama.PartitionOffsetMetadata{
			contracts.TopicEvents: {{Partition: partition, Offset: last.Offset + 1}},
		}
		if err := prod.AddOffsetsToTxn(offsets, p.cfg.Group); err != nil {
			return fmt.Errorf("add offsets: %w", err)
		}
		return prod.CommitTxn()
	}()
	if err != nil {
		if abortErr := prod.AbortTxn(); abortErr != nil {
			err = errors.Join(err, fmt.Errorf("abort: %w", abortErr))
		}
		return err
	}
	return nil
}

// claimPublisher is a claim's transactional producer and the group's
// committed offset read once the producer had fenced the previous owner.
type claimPublisher struct {
	client sarama.Client
	prod   sarama.SyncProducer
	// floor is the partition's committed offset after fencing (-1: none):
	// records below it were published by an earlier owner.
	floor int64
}

// fence makes the partition's transactional producer, whose start
// (InitProducerID) aborts or completes whatever transaction an earlier
// producer with the same id left open and makes that producer's further
// commits fail; then it reads the group's committed offset, now final.
func (p *Projector) fence(partition int32) (*claimPublisher, error) {
	sc := p.cfg.Sarama()
	sc.Producer.Idempotent = true
	sc.Producer.RequiredAcks = sarama.WaitForAll
	sc.Net.MaxOpenRequests = 1
	sc.Producer.Return.Successes = true
	sc.Producer.Transaction.ID = TransactionalID(p.cfg.Group, partition)
	client, err := sarama.NewClient(p.cfg.Brokers, sc)
	if err != nil {
		return nil, fmt.Errorf("transactional producer: %w", err)
	}
	prod, err := sarama.NewSyncProducerFromClient(client)
	if err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("transactional producer: %w", err)
	}
	pub := &claimPublisher{client: client, prod: prod}
	if pub.floor, err = committedOffset(client, p.cfg.Group, partition); err != nil {
		pub.close()
		return nil, err
	}
	return pub, nil
}

// committedOffset reads the group's committed offset of an event-log
// partition (-1 when it has none).
func committedOffset(client sarama.Client, group string, partition int32) (int64, error) {
	broker, err := client.Coordinator(group)
	if err != nil {
		return 0, fmt.Errorf("group coordinator: %w", err)
	}
	req := sarama.NewOffsetFetchRequest(client.Config().Version, group, map[string][]int32{contracts.TopicEvents: {partition}})
	req.RequireStable = req.Version >= 7
	resp, err := broker.FetchOffset(req)
	if err != nil {
		return 0, fmt.Errorf("fetch committed offset: %w", err)
	}
	block := resp.GetBlock(contracts.TopicEvents, partition)
	switch {
	case block == nil && resp.Err != sarama.ErrNoError:
		return 0, fmt.Errorf("fetch committed offset: %w", resp.Err)
	case block == nil:
		return 0, fmt.Errorf("fetch committed offset: no answer for partition %d", partition)
	case block.Err != sarama.ErrNoError:
		return 0, fmt.Errorf("fetch committed offset: %w", block.Err)
	}
	return block.Offset, nil
}

// close closes the producer and its client; nil is a no-op.
func (c *claimPublisher) close() {
	if c == nil {
		return
	}
	_ = c.prod.Close()
	_ = c.client.Close()
}

// TransactionalID is the transactional id of the projector of group for an
// event-log partition.
func TransactionalID(group string, partition int32) string {
	return group + "-" + strconv.Itoa(int(partition))
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
