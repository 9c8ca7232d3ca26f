package store

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/hashicorp/go-memdb"
)

// The memory of handled commands side by side: the compact engine's rows
// (as the store keeps them) against a go-memdb table of the same outcomes
// with the two indexes it would need (by command id; by time, for the
// retention). It reports the heap per outcome kept and the insert rate.
//
//	go test ./adapters/store -run '^$' -bench OutcomeMemory -benchtime 3x
func BenchmarkOutcomeMemory(b *testing.B) {
	const n = 200_000
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	outcomes := make([]Outcome, n)
	for i := range outcomes {
		outcomes[i] = Outcome{CommandID: fmt.Sprintf("0b7c6f3e-5d2a-4c1b-9e8f-%012d", i), InsurerVOEN: fmt.Sprintf("10%08d", i%50_000),
			EventType: "az.gov.dsmf.ssc.application.draft-saved.v1", Ref: fmt.Sprintf("app-%09d", i), At: t0.Add(time.Duration(i) * time.Second)}
	}
	b.Run("compact", func(b *testing.B) {
		measure(b, n, func() any {
			m := &maps{outcomes: newRows()}
			t := &tx{maps: m, w: wr{gen: 1, bulk: true}, sh: &sharer{ids: map[string]uint32{}}, strs: &m.strs}
			for i := range outcomes {
				m.outcomes = t.setRow(m.outcomes, t.outcomeRow(&outcomes[i]))
			}
			return m
		})
	})
	b.Run("memdb", func(b *testing.B) {
		schema := &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{"outcomes": {Name: "outcomes",
			Indexes: map[string]*memdb.IndexSchema{
				indexID: {Name: indexID, Unique: true, Indexer: indexer[Outcome](func(o *Outcome) []byte { return key(o.CommandID) })},
				"at":    {Name: "at", Indexer: indexer[Outcome](func(o *Outcome) []byte { return timeKey(nil, o.At) })},
			}}}}
		measure(b, n, func() any {
			db, err := memdb.NewMemDB(schema)
			if err != nil {
				b.Fatal(err)
			}
			for from := 0; from < n; from += 1024 { // a write transaction a batch, as the fold
				txn := db.Txn(true)
				for i := from; i < min(from+1024, n); i++ {
					o := outcomes[i]
					if err := txn.Insert("outcomes", &o); err != nil {
						b.Fatal(err)
					}
				}
				txn.Commit()
			}
			return db
		})
	})
}

// measure runs fill b.N times, reporting rows/s, and the live heap of one
// fill's result per row (B/row).
func measure(b *testing.B, rows int, fill func() any) {
	b.ReportAllocs()
	var kept any
	for b.Loop() {
		kept = fill()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(0, "ns/op")
	kept = nil
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	kept = fill()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(kept)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(rows), "B/row")
}
