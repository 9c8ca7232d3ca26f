package store

import (
	"encoding/binary"
	"unsafe"
)

// flat is a hash table whose entries live in an arena of byte chunks: the
// base a table gets at start, while it is folded with nobody viewing it
// (table.go). It has no pointers for the garbage collector to follow, one
// slot per entry and no node to walk: at full size the persistent maps'
// trie nodes made a third of a rebuild's CPU time, with the collector
// marking them. It changes in place, so it must not change once a View
// can see it.
//
// An entry is a row starting with its key (refrows.go).
type flat struct {
	slots []fslot // open addressing with linear probing; a power of two long
	live  int     // slots holding an entry
	used  int     // slots holding an entry or a deletion
	arena arena
}

// fslot is a slot: the key's hash and where its entry is in the arena.
type fslot struct {
	hash uint64
	ref  uint64 // slotEmpty, slotDeleted, or an arena reference plus refBase
}

const (
	slotEmpty   = 0
	slotDeleted = 1
	refBase     = 2
	flatMinSize = 1 << 10
)

func newFlat() *flat {
	return &flat{slots: make([]fslot, flatMinSize)}
}

// entry reads the key and the row at an arena reference.
func (f *flat) entry(ref uint64) (key, row string) {
	s := f.arena.at(ref - refBase)
	return rowKey(s), s
}

// find returns the slot of key, or the slot to put it in (found false).
func (f *flat) find(h uint64, key string) (int, bool) {
	mask := len(f.slots) - 1
	free := -1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		s := f.slots[i]
		switch {
		case s.ref == slotEmpty:
			if free < 0 {
				free = i
			}
			return free, false
		case s.ref == slotDeleted:
			if free < 0 {
				free = i
			}
		case s.hash == h:
			if k, _ := f.entry(s.ref); k == key {
				return i, true
			}
		}
	}
}

// get returns the value of key.
func (f *flat) get(key string) (string, bool) {
	if i, ok := f.find(phash(key), key); ok {
		_, v := f.entry(f.slots[i].ref)
		return v, true
	}
	return "", false
}

// update sets key to the row fn makes of its row (found: whether it has
// one), which must start with key; when fn returns false, nothing changes.
func (f *flat) update(key string, fn func(old string, found bool) (string, bool)) {
	h := phash(key)
	i, found := f.find(h, key)
	var old string
	if found {
		_, old = f.entry(f.slots[i].ref)
	}
	val, ok := fn(old, found)
	if !ok {
		return
	}
	ref := f.put(val)
	if !found {
		if f.slots[i].ref == slotEmpty {
			f.used++
		}
		f.live++
	}
	f.slots[i] = fslot{hash: h, ref: ref}
	if f.used*4 >= len(f.slots)*3 {
		f.grow()
	}
}

// put writes a row into the arena. The bytes of the row it replaces stay
// there: strings read from it may still be in use.
func (f *flat) put(row string) uint64 {
	return f.arena.add(row) + refBase
}

// delete removes key.
func (f *flat) delete(key string) {
	if i, ok := f.find(phash(key), key); ok {
		f.slots[i].ref = slotDeleted
		f.live--
	}
}

// grow rehashes into twice the slots (or as many, if deletions filled them).
func (f *flat) grow() {
	size := len(f.slots)
	if f.live*2 >= size/2 {
		size *= 2
	}
	old := f.slots
	f.slots = make([]fslot, size)
	mask := size - 1
	for _, s := range old {
		if s.ref < refBase {
			continue
		}
		i := int(s.hash) & mask
		for f.slots[i].ref != slotEmpty {
			i = (i + 1) & mask
		}
		f.slots[i] = s
	}
	f.used = f.live
}

// compacted returns a copy of f holding only its entries: the bytes of
// what was replaced or deleted (a rebuild rewrites a session for every
// event of it) stay behind.
func (f *flat) compacted() *flat {
	size := flatMinSize
	for f.live*4 >= size*3 { // at most three quarters full, as grow keeps it
		size *= 2
	}
	c := &flat{slots: make([]fslot, size), live: f.live, used: f.live}
	mask := size - 1
	for _, s := range f.slots {
		if s.ref < refBase {
			continue
		}
		_, row := f.entry(s.ref)
		i := int(s.hash) & mask
		for c.slots[i].ref != slotEmpty {
			i = (i + 1) & mask
		}
		c.slots[i] = fslot{hash: s.hash, ref: c.put(row)}
	}
	return c
}

// each calls fn for every entry, in no particular order.
func (f *flat) each(fn func(key, val string)) {
	for _, s := range f.slots {
		if s.ref >= refBase {
			fn(f.entry(s.ref))
		}
	}
}

// arena holds entries in chunks of bytes that are appended to and never
// changed, so strings can point into them.
type arena struct {
	chunks [][]byte
}

const arenaChunk = 1 << 20

// add appends an entry, one string, and returns where it is.
func (a *arena) add(val string) uint64 {
	n := len(val)
	need := uvarintLen(uint64(n)) + n
	last := len(a.chunks) - 1
	if last < 0 || cap(a.chunks[last])-len(a.chunks[last]) < need {
		a.chunks = append(a.chunks, make([]byte, 0, max(arenaChunk, need)))
		last++
	}
	c := a.chunks[last]
	off := len(c)
	c = binary.AppendUvarint(c, uint64(n))
	a.chunks[last] = append(c, val...)
	return uint64(last)<<32 | uint64(off)
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// at returns the entry at ref.
func (a *arena) at(ref uint64) string {
	c := a.chunks[ref>>32]
	r := rowReader{s: unsafe.String(unsafe.SliceData(c), len(c)), i: int(uint32(ref))}
	n := int(r.uvarint())
	return r.s[r.i : r.i+n]
}
