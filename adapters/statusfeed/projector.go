package statusfeed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
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
// owner fences a stalled old one.
type Projector struct {
	cfg   Config
	state State

	mu        sync.Mutex
	producers map[int32]sarama.SyncProducer
}

// New prepares a projector; Run starts it.
func New(cfg Config, state State) *Projector {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Projector{cfg: cfg, state: state, producers: map[int32]sarama.SyncProducer{}}
}

// maxBatch bounds the events of one transaction.
const maxBatch = 500

// Run follows the event log until ctx ends. It never gives up: a broker
// that cannot be reached, or a group that cannot be joined, is tried again.
func (p *Projector) Run(ctx context.Context) {
	defer p.closeProducers()
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

// Setup is part of sarama.ConsumerGroupHandler.
func (p *Projector) Setup(sarama.ConsumerGroupSession) error { return nil }

// Cleanup is part of sarama.ConsumerGroupHandler.
func (p *Projector) Cleanup(sarama.ConsumerGroupSession) error { return nil }

// ConsumeClaim publishes a partition's events batch by batch, each batch in
// one transaction with its offsets. A batch that fails is aborted and tried
// again (its records are invisible to read_committed readers) until it
// commits or the claim ends.
func (p *Projector) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	ctx := sess.Context()
	for {
		batch := nextBatch(ctx, claim.Messages())
		if len(batch) == 0 {
			return nil
		}
		for wait := 100 * time.Millisecond; ; wait = min(2*wait, 5*time.Second) {
			err := p.publish(ctx, claim.Partition(), batch)
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return nil
			}
			p.cfg.Log.Warn("status projector: batch not published; trying again", "partition", claim.Partition(),
				"from_offset", batch[0].Offset, "records", len(batch), "err", err)
			p.dropProducer(claim.Partition())
			sleep(ctx, wait)
		}
	}
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
func (p *Projector) publish(ctx context.Context, partition int32, batch []*sarama.ConsumerMessage) error {
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
	prod, err := p.producer(partition)
	if err != nil {
		return err
	}
	if err := prod.BeginTxn(); err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	err = func() error {
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

// producer returns the partition's transactional producer, made on first use.
func (p *Projector) producer(partition int32) (sarama.SyncProducer, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if prod, ok := p.producers[partition]; ok {
		return prod, nil
	}
	sc := p.cfg.Sarama()
	sc.Producer.Idempotent = true
	sc.Producer.RequiredAcks = sarama.WaitForAll
	sc.Net.MaxOpenRequests = 1
	sc.Producer.Return.Successes = true
	sc.Producer.Transaction.ID = p.cfg.Group + "-" + strconv.Itoa(int(partition))
	prod, err := sarama.NewSyncProducer(p.cfg.Brokers, sc)
	if err != nil {
		return nil, fmt.Errorf("transactional producer: %w", err)
	}
	p.producers[partition] = prod
	return prod, nil
}

// dropProducer closes a partition's producer after a failure; the next
// batch makes a new one, whose start aborts whatever the old one left open.
func (p *Projector) dropProducer(partition int32) {
	p.mu.Lock()
	prod, ok := p.producers[partition]
	delete(p.producers, partition)
	p.mu.Unlock()
	if ok {
		_ = prod.Close()
	}
}

func (p *Projector) closeProducers() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for part, prod := range p.producers {
		_ = prod.Close()
		delete(p.producers, part)
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
