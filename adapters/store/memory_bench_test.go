package store

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/hashicorp/go-memdb"

	"github.com/dsmf/ssc-adapter/domain"
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

// The heap an application held in go-memdb costs with its three indexes
// (issue 14's target: at most 2.5 KiB), for applications with a year's
// history like the workload's.
//
//	go test ./adapters/store -run '^$' -bench ApplicationMemory -benchtime 3x
func BenchmarkApplicationMemory(b *testing.B) {
	const n = 50_000
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s := func(format string, i int) string { return fmt.Sprintf(format, i) } // a string of its own each
	measure(b, n, func() any {
		db, err := memdb.NewMemDB(stateSchema())
		if err != nil {
			b.Fatal(err)
		}
		m := &maps{}
		sh := &sharer{ids: map[string]uint32{}}
		for from := 0; from < n; from += 1024 {
			txn := db.Txn(true)
			st := eventState{&tx{maps: m, db: txn, sh: sh, strs: &m.strs}} // as the fold stores them
			for i := from; i < min(from+1024, n); i++ {
				at := t0.Add(time.Duration(i) * time.Minute)
				a := &domain.Application{ID: s("0b7c6f3e-5d2a-4c1b-9e8f-%012d", i), Number: s("SSC-1000000001-%06d", i),
					InsurerVOEN: s("10%08d", i%5000), Type: domain.TypeReplacement, Reason: domain.ReasonDocumentChanged,
					Status: domain.StatusSubmitted, CreatedAt: at, UpdatedAt: at,
					Person: domain.Person{
						Document: domain.IdentityDocument{FIN: s("5ZK%04d", i), Type: "din-id-card", Number: s("AA%07d", i),
							Surname: s("ƏLİYEVA%d", i%7), Name: s("ŞƏHLA%d", i%5), Patronymic: s("VÜQAR QIZI%d", i%3),
							Gender: "female", Citizenship: "Azərbaycan", BirthPlace: s("Bakı şəhəri %d", i%9),
							BirthDate: "1985-03-14", IssuingAuthority: s("ASAN xidmət mərkəzi №%d", i%6), IssueDate: "2019-05-20"},
						Insured: domain.InsuredPerson{SSN: s("1200000%06d", i), FIN: s("5ZK%04d", i), SSNDate: "2010-01-01",
							CertificateStatus: "active", InsurerVOEN: s("10%08d", i%5000)}},
					Signature: &domain.Signature{Role: domain.RoleOwner, Method: domain.MethodCard, FIN: s("2DRC%03d", i%1000),
						CardNumber: s("RYTN%06d", i%1000), SessionID: s("s-%09d", i), At: at},
					History: []domain.StatusChange{{Status: domain.StatusDraft, At: at, By: domain.ApplicantBy},
						{Status: domain.StatusSubmitted, At: at, By: domain.ApplicantBy}}}
				if err := st.PutApplication(*a); err != nil {
					b.Fatal(err)
				}
			}
			txn.Commit()
		}
		return []any{db, m, sh}
	})
}
