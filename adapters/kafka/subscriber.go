package kafka

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
)

// Barrier runs when the consumer group assigns partitions, before any of
// their records is handed out. This is how a new partition owner catches up
// on the event log before deciding anything: goka restores a partition's
// table up to its high-water mark in the same spot.
type Barrier func(ctx context.Context, claims map[string][]int32) error

// SubscriberConfig configures a Subscriber.
type SubscriberConfig struct {
	Brokers       []string
	ConsumerGroup string
	// Sarama is the client configuration (SaramaConfig plus group tuning).
	Sarama *sarama.Config
	// MaxInFlight bounds the records of one partition taken and not yet
	// acknowledged; it is the subscriber's back-pressure. Default 64.
	MaxInFlight int
	// NackResendSleep is the pause before a nacked message is handed out
	// again. Default 250 ms.
	NackResendSleep time.Duration
	// ReconnectRetrySleep is the pause before joining the group again after
	// a failed session. Default 1 s.
	ReconnectRetrySleep time.Duration
	// Barrier runs when partitions are assigned, before any of their records
	// is handed out; an error ends the session and the group rejoins.
	Barrier Barrier
	// Topics, when given, are consumed by one group member: Subscribe is
	// called once for each, and the member joins the group when the last
	// one is subscribed. One member per instance instead of one per topic
	// halves the joins and rebalances a start or a stop causes.
	Topics []string
	// Observer is told of assignments and of the oldest record each
	// partition has not had acknowledged; nil: nobody is.
	Observer GroupObserver
}

// GroupObserver learns what the consumer group gives this member, for
// readiness and metrics.
type GroupObserver interface {
	// Assigned: a session started with these partitions (maybe none), and
	// their records are being handed out.
	Assigned(claims map[string][]int32)
	// Revoked: the session ended (rebalance, shutdown, lost broker).
	Revoked(claims map[string][]int32)
	// Oldest reports the age of the oldest record of a partition taken and
	// not yet acknowledged, by its timestamp; 0 when there is none.
	Oldest(topic string, partition int32, age time.Duration)
	// GroupError gets the consumer group's errors, which the Subscriber
	// then does not log: a lost broker gives one per partition at once,
	// and the observer knows whether it is an outage already reported.
	GroupError(err error)
}

func (c *SubscriberConfig) setDefaults() {
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 64
	}
	if c.NackResendSleep == 0 {
		c.NackResendSleep = 250 * time.Millisecond
	}
	if c.ReconnectRetrySleep == 0 {
		c.ReconnectRetrySleep = time.Second
	}
}

// Subscriber is a watermill subscriber on a Kafka consumer group that hands
// out many records of a partition at once, but never two with the same key:
// records with one key (one insurer's commands) are handled one after the
// other, in offset order, and records with different keys side by side.
//
// watermill-kafka's subscriber hands out one record per partition and waits
// for its ack, so a service does at most as many things at once as it has
// partitions, each waiting on broker round trips. Here the Router's
// goroutine-per-message model gets real concurrency, and a partition's
// committed offset only ever moves past records that are acknowledged: after
// a crash everything not yet acknowledged comes again, never less.
type Subscriber struct {
	cfg    SubscriberConfig
	logger watermill.LoggerAdapter

	mu      sync.Mutex
	closed  bool
	closing chan struct{}
	wg      sync.WaitGroup
	groups  []sarama.ConsumerGroup
	// outs are the channels of the Topics subscribed so far.
	outs map[string]chan *message.Message
}

var _ message.Subscriber = (*Subscriber)(nil)

// NewSubscriber checks the configuration; Subscribe joins the group.
func NewSubscriber(cfg SubscriberConfig, logger watermill.LoggerAdapter) (*Subscriber, error) {
	if len(cfg.Brokers) == 0 || cfg.ConsumerGroup == "" || cfg.Sarama == nil {
		return nil, errors.New("kafka subscriber: Brokers, ConsumerGroup and Sarama are required")
	}
	if logger == nil {
		logger = watermill.NopLogger{}
	}
	cfg.setDefaults()
	return &Subscriber{cfg: cfg, logger: logger, closing: make(chan struct{})}, nil
}

// Subscribe joins the consumer group for topic (for all Topics, once the
// last of them is subscribed). The channel closes when ctx ends or the
// subscriber is closed.
func (s *Subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("kafka subscriber is closed")
	}
	out := make(chan *message.Message)
	if len(s.cfg.Topics) == 0 {
		return out, s.join(ctx, map[string]chan *message.Message{topic: out})
	}
	if !slices.Contains(s.cfg.Topics, topic) {
		return nil, fmt.Errorf("kafka subscriber: topic %s is not one of %v", topic, s.cfg.Topics)
	}
	if s.outs == nil {
		s.outs = map[string]chan *message.Message{}
	}
	if _, dup := s.outs[topic]; dup {
		return nil, fmt.Errorf("kafka subscriber: %s subscribed twice", topic)
	}
	s.outs[topic] = out
	if len(s.outs) < len(s.cfg.Topics) {
		return out, nil
	}
	return out, s.join(ctx, s.outs)
}

// join starts one group member consuming the topics of outs.
func (s *Subscriber) join(ctx context.Context, outs map[string]chan *message.Message) error {
	group, err := sarama.NewConsumerGroup(s.cfg.Brokers, s.cfg.ConsumerGroup, s.cfg.Sarama)
	if err != nil {
		return fmt.Errorf("join consumer group %s: %w", s.cfg.ConsumerGroup, err)
	}
	s.groups = append(s.groups, group)
	topics := slices.Sorted(maps.Keys(outs))
	ctx, cancel := context.WithCancel(ctx)
	h := &groupHandler{s: s, outs: map[string]chan<- *message.Message{}, ctx: ctx}
	for t, o := range outs {
		h.outs[t] = o
	}
	fields := watermill.LogFields{"topics": topics, "consumer_group": s.cfg.ConsumerGroup}

	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		for err := range group.Errors() {
			if o := s.cfg.Observer; o != nil {
				o.GroupError(err)
				continue
			}
			s.logger.Error("consumer group error", err, fields)
		}
	}()
	go func() {
		defer s.wg.Done()
		defer func() {
			for _, o := range outs {
				close(o)
			}
		}()
		defer cancel()
		go func() {
			select {
			case <-s.closing:
				cancel()
			case <-ctx.Done():
			}
		}()
		for ctx.Err() == nil {
			// Consume returns at every rebalance; each round is one session.
			err := group.Consume(ctx, topics, h)
			if errors.Is(err, sarama.ErrClosedConsumerGroup) {
				return
			}
			if err != nil && ctx.Err() == nil {
				s.logger.Error("consumer group session failed; joining again", err, fields)
				select {
				case <-time.After(s.cfg.ReconnectRetrySleep):
				case <-ctx.Done():
				}
			}
		}
	}()
	return nil
}

// Close leaves the groups; messages handed out and not acknowledged are
// given up (they come again to whoever owns their partition next).
func (s *Subscriber) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.closing)
	groups := s.groups
	s.mu.Unlock()
	var errs []error
	for _, g := range groups {
		errs = append(errs, g.Close())
	}
	s.wg.Wait()
	return errors.Join(errs...)
}

// groupHandler is the sarama group handler of one Subscribe.
type groupHandler struct {
	s    *Subscriber
	outs map[string]chan<- *message.Message
	ctx  context.Context
}

func (h *groupHandler) Setup(sess sarama.ConsumerGroupSession) error {
	if h.s.cfg.Barrier != nil {
		if err := h.s.cfg.Barrier(sess.Context(), sess.Claims()); err != nil {
			return err
		}
	}
	if o := h.s.cfg.Observer; o != nil {
		o.Assigned(sess.Claims())
	}
	return nil
}

func (h *groupHandler) Cleanup(sess sarama.ConsumerGroupSession) error {
	if o := h.s.cfg.Observer; o != nil {
		o.Revoked(sess.Claims())
	}
	return nil
}

func (h *groupHandler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	ctx, cancel := context.WithCancel(h.ctx)
	defer cancel()
	w := &claimWork{h: h, sess: sess, claim: claim, ctx: ctx, out: h.outs[claim.Topic()],
		done:  make(chan *sarama.ConsumerMessage, h.s.cfg.MaxInFlight),
		lanes: map[string][]*sarama.ConsumerMessage{}, acked: map[int64]bool{}}
	w.run()
	cancel()
	w.wg.Wait()
	// Whatever was acknowledged meanwhile is committed with the session.
	w.commitAcknowledged()
	return nil
}
