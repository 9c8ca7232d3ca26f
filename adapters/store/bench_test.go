package store_test

import (
	"runtime"
	"syscall"
	"testing"

	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/cmd/dsmf-bench/workload"
)

// BenchmarkFold folds a small pre-built data set (reference records, then
// events) into a fresh store in batches of 1024, as the log reader hands
// them over. It reports records/s and the heap the resulting state holds
// per reference record (B/ref). Profile with
//
//	go test ./adapters/store -run '^$' -bench Fold -benchtime 5x -cpuprofile cpu.out -memprofile mem.out
func BenchmarkFold(b *testing.B) {
	refs, events, _ := generated(b, workload.Config{Insurers: 2_000, Persons: 20_000, Documents: 20_000, Events: 20_000, Seed: 1})
	for _, c := range []struct {
		name string
		log  []store.Record
		refs int
	}{
		{"all", append(append([]store.Record(nil), refs...), events...), len(refs)},
		{"references", refs, len(refs)},
	} {
		b.Run(c.name, func(b *testing.B) {
			batches := inBatches(c.log, benchBatch)
			var s *store.Store
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				s = newStore(b)
				for _, batch := range batches {
					s.Apply(batch)
				}
			}
			b.ReportMetric(float64(len(c.log))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			// CPU time, the collector's included, is less disturbed than
			// the wall time by other work on the machine.
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(len(c.log)*b.N), "cpu-ns/record")
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(float64(heapOf(b, func() any { return foldAll(b, batches) }))/float64(c.refs), "B/ref")
			runtime.KeepAlive(s)
		})
	}
}

func inBatches(log []store.Record, n int) [][]store.Record {
	var out [][]store.Record
	for len(log) > 0 {
		k := min(n, len(log))
		out = append(out, log[:k])
		log = log[k:]
	}
	return out
}

func foldAll(b *testing.B, batches [][]store.Record) *store.Store {
	s := newStore(b)
	for _, batch := range batches {
		s.Apply(batch)
	}
	return s
}

// heapOf is the live heap that what make returns holds, after a GC.
func heapOf(b *testing.B, make func() any) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := make()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	if after.HeapAlloc < before.HeapAlloc {
		return 0
	}
	return after.HeapAlloc - before.HeapAlloc
}

var benchBatch = 1024

// cpuTime is the process's user and system time, in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
