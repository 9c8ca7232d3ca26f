package store

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// checkMap compares a pmap with the map it should equal.
func checkMap[V comparable](t *testing.T, m pmap[V], want map[string]V, hashOf func(string) uint64) {
	t.Helper()
	if m.Len() != len(want) {
		t.Fatalf("len %d, want %d", m.Len(), len(want))
	}
	for k, v := range want {
		if got, ok := m.get(hashOf(k), k); !ok || got != v {
			t.Fatalf("get %q = %v, %v; want %v", k, got, ok, v)
		}
	}
	n := 0
	m.each(func(k string, v V) {
		n++
		if want[k] != v {
			t.Fatalf("each: %q = %v, want %v", k, v, want[k])
		}
	})
	if n != len(want) {
		t.Fatalf("each saw %d entries, want %d", n, len(want))
	}
}

// TestPmapAgainstMap runs random sets and deletes in batches on a pmap and
// a Go map, keeping every published version and checking that none of them
// changed afterwards. With few hash bits, keys collide at every depth,
// down to whole-hash collisions.
func TestPmapAgainstMap(t *testing.T) {
	for name, hashOf := range map[string]func(string) uint64{
		"maphash":     phash,
		"8-bit hash":  func(k string) uint64 { return phash(k) & 0xff },
		"collisions":  func(k string) uint64 { return phash(k) & 0x3 << 58 },
		"zero hashes": func(string) uint64 { return 0 },
	} {
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			var m pmap[int]
			want := map[string]int{}
			type version struct {
				m    pmap[int]
				want map[string]int
			}
			var versions []version
			for gen := uint64(1); gen <= 60; gen++ {
				for i := 0; i < r.IntN(200); i++ {
					k := fmt.Sprint("key-", r.IntN(400))
					switch r.IntN(4) {
					case 0:
						m = m.del(gen, hashOf(k), k)
						delete(want, k)
					case 1: // add one to what is there, or leave an absent key absent
						m = m.update(gen, hashOf(k), k, func(old int, found bool) (string, int, bool) { return k, old + 1, found })
						if _, ok := want[k]; ok {
							want[k]++
						}
					default:
						v := r.Int()
						m = m.set(gen, pentry[int]{hash: hashOf(k), key: k, val: v})
						want[k] = v
					}
				}
				checkMap(t, m, want, hashOf)
				copied := map[string]int{}
				for k, v := range want {
					copied[k] = v
				}
				versions = append(versions, version{m, copied})
			}
			for _, v := range versions {
				checkMap(t, v.m, v.want, hashOf)
			}
			if _, ok := m.get(hashOf("absent"), "absent"); ok {
				t.Fatal("found an absent key")
			}
		})
	}
}

// A map whose keys are read from its values (rows) works as one that keeps
// them, through sets, updates and deletes, with colliding hashes too.
func TestPmapDerivedKeys(t *testing.T) {
	for name, hashOf := range map[string]func(string) uint64{
		"maphash":     phash,
		"collisions":  func(k string) uint64 { return phash(k) & 0x3 << 58 },
		"zero hashes": func(string) uint64 { return 0 },
	} {
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(3, 4))
			m := pmap[string]{derive: func(row string) string { k, _, _ := strings.Cut(row, "|"); return k }}
			want := map[string]string{}
			for gen := uint64(1); gen <= 40; gen++ {
				for i := 0; i < r.IntN(200); i++ {
					k := fmt.Sprint("key-", r.IntN(300))
					row := fmt.Sprint(k, "|", r.Int())
					switch r.IntN(3) {
					case 0:
						m = m.del(gen, hashOf(k), k)
						delete(want, k)
					case 1:
						m = m.update(gen, hashOf(k), k, func(old string, found bool) (string, string, bool) { return k, row, found })
						if _, ok := want[k]; ok {
							want[k] = row
						}
					default:
						m = m.set(gen, pentry[string]{hash: hashOf(k), key: k, val: row})
						want[k] = row
					}
				}
				checkMap(t, m, want, hashOf)
			}
		})
	}
}

func BenchmarkPmapSet(b *testing.B) {
	keys := make([]string, 1<<20)
	for i := range keys {
		keys[i] = fmt.Sprintf("%07X", i*2654435761%(1<<28))
	}
	b.ResetTimer()
	for b.Loop() {
		var m pmap[int]
		for i, k := range keys {
			m = m.Set(uint64(i/1024+1), k, i)
		}
	}
	b.ReportMetric(float64(len(keys))*float64(b.N)/b.Elapsed().Seconds(), "sets/s")
}
