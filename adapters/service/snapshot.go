package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/IBM/sarama"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/contracts"
)

// TopicStateSnapshots keeps checkpoints of the state folded from the event
// log (adapters/store/snapshot.go): a start restores the last one and folds
// only the events after it. It is the adapter's own, not a part of the
// contract; compacted, one partition. It holds personal data: only the
// adapter may read or write it (kafka.Grants).
const TopicStateSnapshots = kafka.TopicStateSnapshots

// snapshotChunk bounds a snapshot record's value, under the brokers' and
// sarama's default message size (1 MB).
const snapshotChunk = 512 << 10

// DefaultSnapshotInterval is how often a ready instance writes a checkpoint.
const DefaultSnapshotInterval = 10 * time.Minute

// SnapshotTopicSpec is how TopicStateSnapshots is created.
func SnapshotTopicSpec() contracts.TopicSpec {
	return contracts.TopicSpec{Name: TopicStateSnapshots, Partitions: 1, CleanupPolicy: contracts.CleanupCompact,
		RetentionMs: -1, Key: "checkpoint chunk or head"}
}

// restoreSnapshot loads the last checkpoint into the fresh state and makes
// the log reader start the event log where it ends. Without a usable one
// state is folded from the whole log.
func (s *Service) restoreSnapshot() {
	head, offsets, err := restoreSnapshot(s.client, s.State, s.reader, s.log)
	switch {
	case err != nil:
		s.log.Warn("no snapshot of state restored; folding the whole event log", "err", err)
	case offsets == nil:
		s.log.Info("no snapshot of state yet; folding the whole event log")
	default:
		s.snapshot, s.restored = head, offsets
		s.log.Info("state restored from a snapshot", "checkpoint", head.ID)
	}
}

// RestoreSnapshot loads the last checkpoint on TopicStateSnapshots into a
// fresh state and makes reader (not yet running) start the event log where
// it ends; offsets is nil when the topic holds none. A snapshot ahead of
// the event log (a log recreated since) is an error.
func RestoreSnapshot(client sarama.Client, state *store.Store, reader *kafka.LogReader) (head store.SnapshotHead, offsets map[int32]int64, err error) {
	return restoreSnapshot(client, state, reader, slog.Default())
}

// restoreSnapshot is RestoreSnapshot logging to log.
func restoreSnapshot(client sarama.Client, state *store.Store, reader *kafka.LogReader, log *slog.Logger) (head store.SnapshotHead, offsets map[int32]int64, err error) {
	recs, err := readSnapshotTopic(client, log)
	if err != nil {
		return head, nil, err
	}
	snap, head, found, err := store.ReadSnapshot(recs)
	if err != nil || !found {
		return head, nil, err
	}
	for p, off := range snap.Offsets {
		end, err := client.GetOffset(contracts.TopicEvents, p, sarama.OffsetNewest)
		if err != nil {
			return head, nil, fmt.Errorf("event log offsets: %w", err)
		}
		if off > end {
			return head, nil, fmt.Errorf("snapshot %s is ahead of the event log (partition %d: %d > %d): recreated?",
				head.ID, p, off, end)
		}
	}
	if err := state.Restore(snap); err != nil {
		return head, nil, err
	}
	if snap.Offsets == nil {
		snap.Offsets = map[int32]int64{}
	}
	reader.StartAt(contracts.TopicEvents, snap.Offsets)
	return head, snap.Offsets, nil
}

// Restored returns the event-log offsets the restored snapshot covered, or
// nil when state was folded from the whole log.
func (s *Service) Restored() map[int32]int64 { return s.restored }

// readSnapshotTopic reads the snapshot topic from its start to its end.
func readSnapshotTopic(client sarama.Client, log *slog.Logger) ([]store.Record, error) {
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		return nil, err
	}
	defer consumer.Close()
	parts, err := consumer.Partitions(TopicStateSnapshots)
	if err != nil {
		return nil, err
	}
	var out []store.Record
	for _, p := range parts {
		oldest, err1 := client.GetOffset(TopicStateSnapshots, p, sarama.OffsetOldest)
		end, err2 := client.GetOffset(TopicStateSnapshots, p, sarama.OffsetNewest)
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		if end <= oldest {
			continue
		}
		pc, err := consumer.ConsumePartition(TopicStateSnapshots, p, oldest)
		if err != nil {
			return nil, err
		}
		read, last := 0, oldest-1
		quiet, err := readUntil(pc, end, func(m *sarama.ConsumerMessage) {
			out = append(out, store.Record{Key: m.Key, Value: m.Value})
			read, last = read+1, m.Offset
		})
		pc.AsyncClose()
		if err != nil {
			return nil, err
		}
		if quiet {
			// Usually a compaction took the last records; on a slow broker
			// the checkpoint is incomplete, and state is folded whole.
			log.Warn("snapshot topic read stopped before its end after a quiet while", "partition", p,
				"records", read, "last_offset", last, "end_offset", end, "quiet_for", snapshotQuiet)
		}
	}
	return out, nil
}

// snapshotQuiet is how long readUntil waits for a partition's next record.
const snapshotQuiet = 5 * time.Second

// readUntil hands over a partition's messages until the one before end; a
// compaction may have removed the last ones, so a partition quiet for
// snapshotQuiet is read too, and quiet says so.
func readUntil(pc sarama.PartitionConsumer, end int64, handle func(*sarama.ConsumerMessage)) (quiet bool, err error) {
	for {
		select {
		case m := <-pc.Messages():
			handle(m)
			if m.Offset+1 >= end {
				return false, nil
			}
		case err := <-pc.Errors():
			return false, err
		case <-time.After(snapshotQuiet):
			return true, nil
		}
	}
}

// Checkpoint writes a snapshot of state to the snapshot topic, covering
// the event log as far as the reader applied it, then deletes the chunks of
// the checkpoint before. Once ctx ends it writes nothing more; a write
// under way is not cut (its chunks would stay on the topic with no head).
func (s *Service) Checkpoint(ctx context.Context) error {
	s.checkpointMu.Lock()
	defer s.checkpointMu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	// The offsets are read before the View: the View covers at least them,
	// and the events between, folded again after a restore, are duplicates.
	offsets := s.reader.Applied(contracts.TopicEvents)
	msgs, head, err := SnapshotMessages(s.State.View().Snapshot(offsets), s.snapshot)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.checkpointer.Send(msgs...); err != nil {
		return fmt.Errorf("write snapshot of state: %w", err)
	}
	s.snapshot = head
	return nil
}

// SnapshotMessages are the messages that write snap to TopicStateSnapshots
// as a new checkpoint, then delete the chunks of prev (if any).
func SnapshotMessages(snap store.Snapshot, prev store.SnapshotHead) ([]*sarama.ProducerMessage, store.SnapshotHead, error) {
	id := strconv.FormatInt(time.Now().UnixNano(), 36)
	recs, head, err := store.SnapshotRecords(snap, id, snapshotChunk)
	if err != nil {
		return nil, head, err
	}
	if prev.ID != "" {
		recs = append(recs, prev.Tombstones()...)
	}
	msgs := make([]*sarama.ProducerMessage, len(recs))
	for i, r := range recs {
		msgs[i] = &sarama.ProducerMessage{Topic: TopicStateSnapshots, Key: sarama.ByteEncoder(r.Key)}
		if r.Value != nil {
			msgs[i].Value = sarama.ByteEncoder(r.Value)
		}
	}
	return msgs, head, nil
}

// checkpoints writes a checkpoint every interval until ctx ends.
func (s *Service) checkpoints(ctx context.Context, every time.Duration) {
	if every <= 0 {
		return
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := s.Checkpoint(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("snapshot of state not written", "err", err)
			}
		}
	}
}
