package kafka

import (
	"context"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/ThreeDotsLabs/watermill/message"
)

// claimDrain is how long a partition that is being taken away (rebalance,
// shutdown) waits for the messages it handed out to be acknowledged, so
// that their offsets are committed and the next owner does not see them
// again. Past it they are given up: the next owner handles them again,
// which the outcomes memory makes harmless.
const claimDrain = 2 * time.Second

// claimWork hands out one partition's records: records with the same key in
// offset order, one at a time; records with different keys at once.
type claimWork struct {
	h     *groupHandler
	sess  sarama.ConsumerGroupSession
	claim sarama.ConsumerGroupClaim
	ctx   context.Context // cancelled when the claim ends
	out   chan<- *message.Message
	wg    sync.WaitGroup

	done chan *sarama.ConsumerMessage // acknowledged records

	taken   int // records taken from the claim and not yet acknowledged
	running int // of them, handed out
	// lanes holds, for every key with a record handed out, the records
	// with that key waiting behind it.
	lanes map[string][]*sarama.ConsumerMessage
	// pending are the taken offsets not yet committed, in order; acked
	// those of them acknowledged.
	pending []int64
	acked   map[int64]bool
	// pendingAt are the timestamps of pending's records.
	pendingAt []time.Time
}

func (w *claimWork) run() {
	records := w.claim.Messages()
	closing := w.h.s.closing
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	defer w.reportOldest(true)
	for {
		in := records
		if w.taken >= w.h.s.cfg.MaxInFlight {
			in = nil // back-pressure: take no more until some are acknowledged
		}
		select {
		case rec, ok := <-in:
			if !ok {
				w.drain()
				return
			}
			w.take(rec)
		case rec := <-w.done:
			w.acknowledged(rec)
		case <-tick.C:
			w.reportOldest(false)
		case <-w.sess.Context().Done():
			w.drain()
			return
		case <-closing:
			w.drain()
			return
		case <-w.ctx.Done():
			w.commitAcknowledged()
			return
		}
	}
}

// commitAcknowledged commits what was acknowledged and not yet counted off,
// without waiting for more.
func (w *claimWork) commitAcknowledged() {
	for {
		select {
		case rec := <-w.done:
			w.commit(rec)
		default:
			return
		}
	}
}

func (w *claimWork) take(rec *sarama.ConsumerMessage) {
	w.taken++
	w.pending = append(w.pending, rec.Offset)
	at := rec.Timestamp
	if at.IsZero() {
		at = time.Now()
	}
	w.pendingAt = append(w.pendingAt, at)
	key := string(rec.Key)
	if queue, busy := w.lanes[key]; busy {
		w.lanes[key] = append(queue, rec)
		return
	}
	w.lanes[key] = nil
	w.handOut(rec)
}

// acknowledged commits what it can and hands out the next record with the
// same key.
func (w *claimWork) acknowledged(rec *sarama.ConsumerMessage) {
	w.commit(rec)
	key := string(rec.Key)
	if queue := w.lanes[key]; len(queue) > 0 {
		w.lanes[key] = queue[1:]
		w.handOut(queue[0])
		return
	}
	delete(w.lanes, key)
}

// commit marks the offset after the longest acknowledged prefix of what was
// taken: the group commits it (sarama's auto-commit) and a restart resumes
// there.
func (w *claimWork) commit(rec *sarama.ConsumerMessage) {
	w.taken--
	w.running--
	w.acked[rec.Offset] = true
	next := int64(-1)
	for len(w.pending) > 0 && w.acked[w.pending[0]] {
		next = w.pending[0] + 1
		delete(w.acked, w.pending[0])
		w.pending = w.pending[1:]
		w.pendingAt = w.pendingAt[1:]
	}
	if next >= 0 {
		w.sess.MarkOffset(w.claim.Topic(), w.claim.Partition(), next, "")
	}
}

// reportOldest tells the observer the age of the partition's oldest record
// taken and not acknowledged: one that stays old is a blocked partition.
// At the end of the claim it reports 0: the partition is no longer ours.
func (w *claimWork) reportOldest(ended bool) {
	o := w.h.s.cfg.Observer
	if o == nil {
		return
	}
	var age time.Duration
	if len(w.pendingAt) > 0 && !ended {
		age = max(time.Since(w.pendingAt[0]), 0)
	}
	o.Oldest(w.claim.Topic(), w.claim.Partition(), age)
}

// drain waits a little for what was handed out, handing out nothing new.
func (w *claimWork) drain() {
	deadline := time.NewTimer(claimDrain)
	defer deadline.Stop()
	for w.running > 0 {
		w.commitAcknowledged()
		if w.running == 0 {
			return
		}
		select {
		case rec := <-w.done:
			w.commit(rec)
		case <-deadline.C:
			return
		case <-w.ctx.Done():
			return
		}
	}
}

// handOut gives a record to the Router and waits in its own goroutine for
// the ack, handing it out again after a nack.
func (w *claimWork) handOut(rec *sarama.ConsumerMessage) {
	w.running++
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		msg := newMessage(rec)
		for {
			ctx, cancel := context.WithCancel(w.ctx)
			msg.SetContext(withRecord(ctx, rec))
			select {
			case w.out <- msg:
			case <-w.ctx.Done():
				cancel()
				return
			}
			select {
			case <-msg.Acked():
				cancel()
				w.done <- rec // buffered for every record that can be out
				return
			case <-msg.Nacked():
				cancel()
				msg = msg.Copy()
				select {
				case <-time.After(w.h.s.cfg.NackResendSleep):
				case <-w.ctx.Done():
					return
				}
			case <-w.ctx.Done():
				cancel()
				select {
				case <-msg.Acked(): // acknowledged as the claim ended: still counts
					w.done <- rec
				default:
				}
				return
			}
		}
	}()
}

type recordKey struct{}

func withRecord(ctx context.Context, rec *sarama.ConsumerMessage) context.Context {
	return context.WithValue(ctx, recordKey{}, rec)
}

// RecordFromContext returns the Kafka record a Subscriber's message was made
// from.
func RecordFromContext(ctx context.Context) (*sarama.ConsumerMessage, bool) {
	rec, ok := ctx.Value(recordKey{}).(*sarama.ConsumerMessage)
	return rec, ok
}
