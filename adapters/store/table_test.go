package store

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/dsmf/ssc-adapter/contracts"
)

// checkTable compares a table with the map it should equal.
func checkTable(t *testing.T, name string, m table, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got, ok := m.Get(k); !ok || got != v {
			t.Fatalf("%s: get %q = %q, %v; want %q", name, k, got, ok, v)
		}
	}
	seen := map[string]bool{}
	m.each(func(k, v string) {
		if seen[k] {
			t.Fatalf("%s: each saw %q twice", name, k)
		}
		seen[k] = true
		if w, ok := want[k]; !ok || w != v {
			t.Fatalf("%s: each: %q = %q, want %q (%v)", name, k, v, w, ok)
		}
	})
	if len(seen) != len(want) {
		t.Fatalf("%s: each saw %d entries, want %d", name, len(seen), len(want))
	}
}

// TestTableAgainstMap runs random sets, updates and deletes on a table and
// a Go map: first into the base (bulk batches), then, from a random batch
// on, over it, as after a View. Every version published after the base
// froze must stay as it was, and keys deleted from the base must stay
// deleted.
func TestTableAgainstMap(t *testing.T) {
	row := func(key string, v int) string {
		var w rowWriter
		w.str(key)
		w.int(int64(v))
		return w.string()
	}
	for seed := range uint64(6) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 9))
			m := newRows()
			value := row
			want := map[string]string{}
			type version struct {
				m    table
				want map[string]string
			}
			var kept []version
			freezeAt := r.IntN(30)
			for batch := range 40 {
				w := wr{gen: uint64(batch + 1), bulk: batch > 0 && batch < freezeAt}
				for range r.IntN(400) {
					key := fmt.Sprint("k", r.IntN(600))
					switch op := r.IntN(10); {
					case op < 5:
						v := value(key, r.Int())
						m = m.Set(w, key, v)
						want[key] = v
					case op < 7:
						v := value(key, r.Int())
						m = m.Update(w, key, func(old string, found bool) (string, string, bool) {
							if w, ok := want[key]; found != ok || old != w {
								t.Fatalf("update of %q saw %q, %v; want %q, %v", key, old, found, w, ok)
							}
							return key, v, found // changes only what exists
						})
						if _, ok := want[key]; ok {
							want[key] = v
						}
					default:
						m = m.Delete(w, key)
						delete(want, key)
					}
				}
				checkTable(t, fmt.Sprint("batch ", batch), m, want)
				if !w.bulk && batch > 0 {
					kept = append(kept, version{m, clone(want)})
				}
			}
			for i, v := range kept {
				checkTable(t, fmt.Sprint("kept version ", i), v.m, v.want)
			}
		})
	}
}

func clone(m map[string]string) map[string]string {
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// A flat base grows through many sizes, and reuses deleted slots, whole.
func TestFlatGrows(t *testing.T) {
	f := newFlat()
	want := map[string]string{}
	for i := range 100_000 {
		key := fmt.Sprint("key", i)
		var w rowWriter
		w.str(key)
		w.str(fmt.Sprint("v", i))
		v := w.string()
		f.update(key, func(string, bool) (string, bool) { return v, true })
		want[key] = v
		if i%3 == 0 {
			f.delete(fmt.Sprint("key", i/2))
			delete(want, fmt.Sprint("key", i/2))
		}
	}
	if f.live != len(want) {
		t.Fatalf("%d live entries, want %d", f.live, len(want))
	}
	checkTable(t, "flat", table{base: f}, want)
}

// A dead value (a row of its key alone) written into a table deletes its
// key, in the base as over it.
func TestDeadValuesDelete(t *testing.T) {
	for _, bulk := range []bool{true, false} {
		m := newRows()
		w := wr{gen: 1, bulk: bulk}
		var rw rowWriter
		rw.str("k")
		rw.int(7)
		m = m.Set(w, "k", rw.string())
		m = m.Set(w, "k", m.tombstone("k"))
		if v, ok := m.Get("k"); ok {
			t.Fatalf("bulk %v: a dead value is read as %q", bulk, v)
		}
		m.each(func(k, v string) { t.Fatalf("bulk %v: each saw %q = %q", bulk, k, v) })
	}
}

// Batches write in place only until Freeze (or a View): an instance that
// takes no View keeps no arena growing after its start.
func TestFreezeEndsWritingInPlace(t *testing.T) {
	doc := func(i int) Record {
		return refRecord(t, contracts.IdentityDocument{FIN: fmt.Sprintf("F%06d", i), DocumentNumber: "n"})
	}
	s, _ := New()
	s.Apply([]Record{doc(1)})
	s.Apply([]Record{doc(2)}) // held: into the base
	if base := s.maps.documents.base; base == nil || base.live != 2 {
		t.Fatalf("the second batch did not write into the base: %+v", base)
	}
	s.Freeze()
	s.Apply([]Record{doc(3)})
	s.Apply([]Record{doc(4)})
	if s.maps.documents.base.live != 2 {
		t.Fatalf("batches after Freeze wrote into the base: %d entries", s.maps.documents.base.live)
	}
	v := s.View()
	for i := 1; i <= 4; i++ {
		if _, ok := v.Document(fmt.Sprintf("F%06d", i)); !ok {
			t.Fatalf("document %d is lost", i)
		}
	}

	fresh, _ := New()
	fresh.Freeze() // before any record: no base at all
	for i := range 5 {
		fresh.Apply([]Record{doc(i)})
	}
	if fresh.maps.documents.base != nil {
		t.Fatal("a store frozen at start made a base")
	}
}

// tables lists every table of the maps (Compact goes by it).
func TestTablesListsEveryTable(t *testing.T) {
	n := 0
	typ := reflect.TypeOf(maps{})
	for i := range typ.NumField() {
		if typ.Field(i).Type == reflect.TypeOf(table{}) {
			n++
		}
	}
	if got := len(new(maps).tables()); got != n {
		t.Fatalf("tables lists %d tables, the maps have %d", got, n)
	}
}

// Compacting keeps what the bases hold, in fewer bytes, and runs beside
// batches, held ones (no View between them: they change the maps' nodes
// in place) and viewed ones (the race detector watches).
func TestCompactKeepsTheRowsInFewerBytes(t *testing.T) {
	doc := func(i, version int) Record {
		return refRecord(t, contracts.IdentityDocument{FIN: fmt.Sprintf("F%06d", i), DocumentNumber: fmt.Sprint("v", version)})
	}
	s, _ := New()
	for version := range 5 { // every document rewritten five times in place
		var batch []Record
		for i := range 2000 {
			batch = append(batch, doc(i, version))
		}
		s.Apply(batch)
	}
	s.Freeze()
	arena := func() (n int) {
		for _, c := range s.View().maps.documents.base.arena.chunks {
			n += len(c)
		}
		return n
	}
	before := arena()
	written := map[int]bool{}
	compactBeside := func(view bool) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.Compact()
		}()
		for i := 0; ; i++ {
			s.Apply([]Record{doc(2000+i, 9), doc(i%2000, 9)})
			written[i%2000] = true
			if view {
				if _, ok := s.View().Document(fmt.Sprintf("F%06d", (i+1)%2000)); !ok {
					t.Fatalf("document %d lost while compacting", (i+1)%2000)
				}
			}
			select {
			case <-done:
				return
			default:
			}
		}
	}
	compactBeside(false)
	if after := arena(); after*3 > before {
		t.Fatalf("the base holds %d bytes after compacting, %d before", after, before)
	}
	compactBeside(true)
	v := s.View()
	for i := range 2000 {
		want := "v4"
		if written[i] {
			want = "v9"
		}
		if d, ok := v.Document(fmt.Sprintf("F%06d", i)); !ok || d.DocumentNumber != want {
			t.Fatalf("document %d = %+v, %v after compacting; want %s", i, d, ok, want)
		}
	}
}
