package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/go-memdb"

	"github.com/dsmf/ssc-adapter/domain"
)

// A Snapshot is everything the event log made, at a point of the log: the
// domain state of the memdb tables and the memories of handled commands
// and used assertions. A start that restores one folds only the events
// after the point it covers (its Offsets, which the caller that read the
// log gives) and all the reference records: the fold of events reads no
// reference data, so restored state plus that tail equals the state
// folded from the whole log.
type Snapshot struct {
	// Offsets are, per partition of the event log, the offset of the first
	// event it does not cover.
	Offsets      map[int32]int64
	Applications []domain.Application
	Grants       []domain.Grant
	Sessions     []domain.Session
	Streams      []domain.Stream
	Certificates []CertificateChange
	Outcomes     []Outcome
	// OutcomesDay is the retention's day (retention.go).
	OutcomesDay int64
	Assertions  []UsedAssertion
}

// UsedAssertion is a login assertion that opened a session, and when.
type UsedAssertion struct {
	ID string
	At time.Time
}

// Snapshot takes the state of a View, covering the log up to offsets.
func (v View) Snapshot(offsets map[int32]int64) Snapshot {
	s := Snapshot{Offsets: offsets, OutcomesDay: v.maps.outcomesDay}
	s.Applications = allOf[domain.Application](v.db, tableApplications)
	s.Grants = allOf[domain.Grant](v.db, tableGrants)
	s.Sessions = allOf[domain.Session](v.db, tableSessions)
	s.Streams = allOf[domain.Stream](v.db, tableStreams)
	s.Certificates = allOf[CertificateChange](v.db, tableCertificates)
	v.maps.outcomes.each(func(_ string, row string) {
		s.Outcomes = append(s.Outcomes, readOutcome(row, v.maps.strs))
	})
	v.maps.assertions.each(func(id string, at time.Time) {
		s.Assertions = append(s.Assertions, UsedAssertion{ID: id, At: at})
	})
	// In a fixed order, so that equal states make equal snapshots.
	slices.SortFunc(s.Outcomes, func(a, b Outcome) int { return strings.Compare(a.CommandID, b.CommandID) })
	slices.SortFunc(s.Assertions, func(a, b UsedAssertion) int { return strings.Compare(a.ID, b.ID) })
	return s
}

// allOf copies the objects of a table, in the order of their ids.
func allOf[T any](txn *memdb.Txn, table string) []T {
	var out []T
	for o := range all[T](txn.Get(table, indexID)) {
		out = append(out, *o)
	}
	return out
}

// ErrNotFresh is why a snapshot is not restored: the store already holds
// state, or was viewed.
var ErrNotFresh = errors.New("store: a snapshot restores into a fresh store only")

// Restore loads a snapshot into a fresh store, before any Apply or View.
// Fold the log after snap.Offsets (and all reference records) next.
func (s *Store) Restore(snap Snapshot) error {
	s.write.Lock()
	defer s.write.Unlock()
	s.snap.Lock()
	defer s.snap.Unlock()
	if s.gen != 0 || s.viewed.Load() {
		return ErrNotFresh
	}
	// As the first batch of a rebuild: nobody views it, so it writes the
	// flat bases in place, and the batches after it go on doing so.
	s.gen = 1
	m := *s.maps
	db := s.db.Txn(true)
	defer db.Abort()
	t := &tx{maps: &m, db: db, w: wr{gen: s.gen, bulk: true}, sh: &s.sh, strs: &m.strs, buf: s.buf}
	st := eventState{t}
	// Applications and sessions share their strings as an event's writes
	// do; a write is made when committed.
	for _, a := range snap.Applications {
		if err := st.PutApplication(a); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		if err := t.commit(); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	for _, v := range snap.Sessions {
		if err := st.PutSession(v); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		if err := t.commit(); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	puts := []struct {
		table string
		n     int
		obj   func(i int) any
	}{
		// Copies: memdb keeps what it is given, the caller keeps snap.
		{tableGrants, len(snap.Grants), func(i int) any { g := snap.Grants[i]; return &g }},
		{tableStreams, len(snap.Streams), func(i int) any { v := snap.Streams[i]; return &v }},
		{tableCertificates, len(snap.Certificates), func(i int) any { c := snap.Certificates[i]; return &c }},
	}
	for _, p := range puts {
		for i := range p.n {
			if err := db.Insert(p.table, p.obj(i)); err != nil {
				return fmt.Errorf("restore: store %s: %w", p.table, err)
			}
		}
	}
	for i := range snap.Outcomes {
		m.outcomes = t.setRow(m.outcomes, t.outcomeRow(&snap.Outcomes[i]))
	}
	for _, a := range snap.Assertions {
		m.assertions = m.assertions.Set(t.w.gen, a.ID, a.At)
	}
	m.outcomesDay = snap.OutcomesDay
	db.Commit()
	s.maps, s.buf = &m, t.buf
	return nil
}

// MarshalSnapshot encodes a snapshot for the snapshot topic.
func MarshalSnapshot(s Snapshot) ([]byte, error) { return json.Marshal(s) }

// UnmarshalSnapshot decodes what MarshalSnapshot encoded.
func UnmarshalSnapshot(data []byte) (Snapshot, error) {
	var s Snapshot
	err := json.Unmarshal(data, &s)
	return s, err
}

// A snapshot is kept on a compacted topic as the records of a checkpoint:
// its encoding cut into chunks keyed "<id>/<n>", then a head keyed "head"
// naming the id and the number of chunks. A reader takes the last head
// and the chunks of its id: a checkpoint whose writing stopped half-way
// leaves the head before it in force. Once a head is written, the chunks of
// the checkpoint before it are deleted (SnapshotHead.Tombstones).

// SnapshotHead names the checkpoint a snapshot topic holds.
type SnapshotHead struct {
	ID     string `json:"id"`
	Chunks int    `json:"chunks"`
}

const snapshotHeadKey = "head"

// SnapshotRecords encodes a snapshot as the records of checkpoint id, with
// chunks of at most size bytes; the head is the last record. The records
// have no topic.
func SnapshotRecords(s Snapshot, id string, size int) ([]Record, SnapshotHead, error) {
	data, err := MarshalSnapshot(s)
	if err != nil {
		return nil, SnapshotHead{}, fmt.Errorf("snapshot: %w", err)
	}
	var out []Record
	for n := 0; len(data) > 0 || n == 0; n++ {
		k := min(size, len(data))
		out = append(out, Record{Key: []byte(fmt.Sprintf("%s/%d", id, n)), Value: data[:k]})
		data = data[k:]
	}
	head := SnapshotHead{ID: id, Chunks: len(out)}
	v, err := json.Marshal(head)
	if err != nil {
		return nil, SnapshotHead{}, fmt.Errorf("snapshot head: %w", err)
	}
	return append(out, Record{Key: []byte(snapshotHeadKey), Value: v}), head, nil
}

// Tombstones are the records that delete the chunks of checkpoint h.
func (h SnapshotHead) Tombstones() []Record {
	out := make([]Record, h.Chunks)
	for n := range out {
		out[n] = Record{Key: []byte(fmt.Sprintf("%s/%d", h.ID, n))}
	}
	return out
}

// ReadSnapshot reads the snapshot of the last complete checkpoint among
// records (a snapshot topic's, in order); found is false when there is none.
func ReadSnapshot(records []Record) (_ Snapshot, _ SnapshotHead, found bool, _ error) {
	var head SnapshotHead
	chunks := map[string][]byte{}
	for _, r := range records {
		key := string(r.Key)
		switch {
		case key == snapshotHeadKey && r.Value != nil:
			if err := json.Unmarshal(r.Value, &head); err != nil {
				return Snapshot{}, SnapshotHead{}, false, fmt.Errorf("snapshot head: %w", err)
			}
		case r.Value == nil:
			delete(chunks, key)
		default:
			chunks[key] = r.Value
		}
	}
	if head.ID == "" {
		return Snapshot{}, head, false, nil
	}
	var data []byte
	for n := range head.Chunks {
		c, ok := chunks[fmt.Sprintf("%s/%d", head.ID, n)]
		if !ok {
			return Snapshot{}, head, false, fmt.Errorf("snapshot %s: chunk %d of %d missing", head.ID, n, head.Chunks)
		}
		data = append(data, c...)
	}
	s, err := UnmarshalSnapshot(data)
	if err != nil {
		return Snapshot{}, head, false, fmt.Errorf("snapshot %s: %w", head.ID, err)
	}
	return s, head, true, nil
}
