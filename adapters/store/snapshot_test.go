package store_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/cmd/dsmf-bench/workload"
	"github.com/dsmf/ssc-adapter/contracts"
)

// restoredAt folds log[:n] in batches of batch, takes a snapshot, encodes
// and decodes it, restores it into a fresh store and folds the tail there:
// every reference record of log[:n] (the registers are not in a snapshot)
// and then log[n:].
func restoredAt(t *testing.T, log []store.Record, n, batch int) *store.Store {
	t.Helper()
	head := foldInBatches(t, log[:n], func() int { return batch })
	data, err := store.MarshalSnapshot(head.View().Snapshot(map[int32]int64{0: int64(n)}))
	require.NoError(t, err)
	snap, err := store.UnmarshalSnapshot(data)
	require.NoError(t, err)
	require.Equal(t, map[int32]int64{0: int64(n)}, snap.Offsets)

	s := newStore(t)
	require.NoError(t, s.Restore(snap))
	var tail []store.Record
	for _, r := range log[:n] {
		if r.Topic != contracts.TopicEvents {
			tail = append(tail, r)
		}
	}
	tail = append(tail, log[n:]...)
	for len(tail) > 0 {
		k := min(batch, len(tail))
		s.Apply(tail[:k])
		tail = tail[k:]
	}
	return s
}

// A snapshot plus the tail of the log reads as the whole log folded: at
// any point, also one inside a batch of the full fold, at the start and at
// the end.
func TestSnapshotAndTailEqualTheFullFold(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			refs, events, _ := generated(t, workload.Config{Insurers: 12, Persons: 80, Documents: 90, Events: 1500, Seed: seed})
			log := noisy(t, refs, events, seed)
			k := keysOf(log)
			full := foldInBatches(t, log, func() int { return 100 })
			r := rand.New(rand.NewPCG(seed, 9))
			for _, n := range []int{0, len(refs), len(refs) + 1 + r.IntN(len(log)-len(refs)-1), len(log) - 1, len(log)} {
				sameView(t, fmt.Sprint("snapshot after ", n, " of ", len(log)), full, restoredAt(t, log, n, 100), k)
				// The snapshot falls inside a batch of the full fold.
				sameView(t, fmt.Sprint("batches of 37, snapshot after ", n), full, restoredAt(t, log, n, 37), k)
			}
		})
	}
}

// A snapshot older than the retention of outcomes: the tail forgets the
// outcomes the snapshot holds as the full fold forgot them.
func TestSnapshotOlderThanTheOutcomeRetention(t *testing.T) {
	l := newLog(t)
	var log []store.Record
	k := keys{}
	for day := range 12 {
		m := l.meta(voenA)
		m.At = t0.Add(time.Duration(day) * 24 * time.Hour)
		k.add("command", m.CommandID)
		log = append(log, event(t, contracts.TypeCommandRejected, m, contracts.CommandRejected{EventMeta: m,
			CommandType: contracts.TypeLogin, Code: "NO_AUTHORITY"}))
	}
	k.add("insurer", voenA)
	full := foldInBatches(t, log, func() int { return 1 })
	forgotten := 0
	for _, id := range k.sorted("command") {
		if _, ok := full.View().Outcome(id); !ok {
			forgotten++
		}
	}
	require.Positive(t, forgotten, "the log should outlast the retention")
	for _, n := range []int{1, 2, 3} {
		sameView(t, fmt.Sprint("snapshot after day ", n), full, restoredAt(t, log, n, 1), k)
	}
}

// A snapshot restores into a fresh store only.
func TestSnapshotRestoresIntoAFreshStoreOnly(t *testing.T) {
	used := newStore(t)
	used.View()
	require.ErrorIs(t, used.Restore(store.Snapshot{}), store.ErrNotFresh)
	again := newStore(t)
	require.NoError(t, again.Restore(store.Snapshot{}))
	require.ErrorIs(t, again.Restore(store.Snapshot{}), store.ErrNotFresh)
}

// A snapshot topic's records give the last complete checkpoint: one whose
// writing stopped before its head leaves the one before in force, and the
// tombstones of an old checkpoint do not touch the new one.
func TestSnapshotRecordsOnACompactedTopic(t *testing.T) {
	refs, events, _ := generated(t, workload.Config{Insurers: 5, Persons: 30, Documents: 30, Events: 300, Seed: 4})
	s := foldInBatches(t, append(refs, events...), func() int { return 50 })
	first := s.View().Snapshot(map[int32]int64{0: 300})
	recs, head1, err := store.SnapshotRecords(first, "c-1", 1000)
	require.NoError(t, err)
	require.Greater(t, head1.Chunks, 3, "chunks of 1000 bytes")
	require.Len(t, recs, head1.Chunks+1)

	read := func(recs []store.Record) (store.Snapshot, store.SnapshotHead, bool) {
		t.Helper()
		snap, head, ok, err := store.ReadSnapshot(recs)
		require.NoError(t, err)
		return snap, head, ok
	}
	encoded := func(s store.Snapshot) string {
		data, err := store.MarshalSnapshot(s)
		require.NoError(t, err)
		return string(data)
	}
	_, _, ok := read(nil)
	require.False(t, ok, "an empty topic holds no snapshot")
	got, head, ok := read(recs)
	require.True(t, ok)
	require.Equal(t, head1, head)
	require.Equal(t, encoded(first), encoded(got))

	// A second checkpoint half written: the first is still the one.
	s.Apply(events[:1]) // a duplicate: the state is the same, the snapshot's offsets are not
	second := s.View().Snapshot(map[int32]int64{0: 301})
	recs2, head2, err := store.SnapshotRecords(second, "c-2", 1000)
	require.NoError(t, err)
	log := append(append([]store.Record(nil), recs...), recs2[:2]...)
	_, head, _ = read(log)
	require.Equal(t, head1, head)
	// Written whole, with the first one's chunks deleted after it.
	log = append(append(log, recs2[2:]...), head1.Tombstones()...)
	got, head, ok = read(log)
	require.True(t, ok)
	require.Equal(t, head2, head)
	require.Equal(t, encoded(second), encoded(got))

	// A head whose chunks are gone is an error, not a wrong state.
	_, _, _, err = store.ReadSnapshot(append(log, head2.Tombstones()[:1]...))
	require.Error(t, err)
}
