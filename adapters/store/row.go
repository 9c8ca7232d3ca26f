package store

import (
	"encoding/binary"
	"hash/maphash"
	"time"
)

// Rows kept by the million (reference records, outcomes) are stored as one
// string each: their field values one after the other, each either inline
// (its length, then its bytes) or the number of a shared string in the
// store's string table. A row is a single allocation without pointers, so
// the garbage collector never scans it, and its key is a substring of it.
// A row is turned back into its struct when it is read, which is rare next
// to the writes of a rebuild.
//
// A field starts with a uvarint: even, the length of the inline bytes that
// follow (times two); odd, the number of a shared string (times two, plus
// one).

// strChunk is the number of strings in one chunk of the string table.
const strChunk = 4096

// maxShared bounds the string table; past it, strings are stored inline.
const maxShared = 1 << 22

// strs is a version of the append-only table of shared strings. Apply
// appends to it (under its write lock) in slots that no published
// version reaches, so a View reads its version without locks.
type strs struct {
	chunks []*[strChunk]string
	n      uint32
}

func (t strs) at(id uint32) string { return t.chunks[id/strChunk][id%strChunk] }

// sharer numbers the shared strings; Apply only.
type sharer struct {
	ids map[string]uint32
	// last is the string found last (the table's copy) and its number: an
	// event's VÖEN is looked up for its stream, its outcome and its
	// application, one after the other.
	last   string
	lastID uint32
	// recent caches strings by hash, one slot each (3 MiB in all): most
	// shared values (statuses, offices, names, VÖENs) come again and
	// again, and a look-up in the big map cost a few cache misses (a
	// tenth of a rebuild's CPU time); a slot costs one.
	recent *[recentSize]recentString
}

type recentString struct {
	s  string // the table's copy
	id uint32
	// n and b are the string's length and first bytes, compared before
	// its bytes (elsewhere in memory) are.
	n uint32
	b [recentBytes]byte
}

const recentBytes = 20

// matches reports whether the slot holds s.
func (r *recentString) matches(s string) bool {
	if int(r.n) != len(s) || len(s) == 0 {
		return false
	}
	if len(s) <= recentBytes {
		return string(r.b[:len(s)]) == s
	}
	return r.s == s
}

func newRecent(s string, id uint32) recentString {
	r := recentString{s: s, id: id, n: uint32(len(s))}
	copy(r.b[:], s)
	return r
}

const recentSize = 1 << 16

// id returns the number of b in the table, adding it if there is room.
func (sh *sharer) id(t *strs, b string) (uint32, bool) {
	if b == sh.last && b != "" {
		return sh.lastID, true
	}
	if sh.recent == nil {
		sh.recent = new([recentSize]recentString)
	}
	slot := &sh.recent[maphash.String(pSeed, b)&(recentSize-1)]
	if slot.matches(b) {
		sh.last, sh.lastID = slot.s, slot.id
		return slot.id, true
	}
	if id, ok := sh.ids[b]; ok {
		sh.last, sh.lastID = t.at(id), id
		*slot = newRecent(sh.last, id)
		return id, true
	}
	if t.n >= maxShared {
		return 0, false
	}
	s := string(append([]byte(nil), b...)) // b may alias a record's bytes
	id := t.n
	if id%strChunk == 0 {
		t.chunks = append(t.chunks, new([strChunk]string))
	}
	t.chunks[id/strChunk][id%strChunk] = s
	t.n++
	sh.ids[s] = id
	*slot = newRecent(s, id)
	return id, true
}

// rowWriter builds a row.
type rowWriter struct {
	b  []byte
	sh *sharer
	t  *strs
}

// str appends a value inline.
func (w *rowWriter) str(s string) {
	w.b = binary.AppendUvarint(w.b, uint64(len(s))<<1)
	w.b = append(w.b, s...)
}

// shared appends a value that many rows share: by number when the table
// has room.
func (w *rowWriter) shared(s string) {
	if s == "" {
		w.str(s)
		return
	}
	if id, ok := w.sh.id(w.t, s); ok {
		w.b = binary.AppendUvarint(w.b, uint64(id)<<1|1)
		return
	}
	w.str(s)
}

func (w *rowWriter) int(v int64) { w.b = binary.AppendVarint(w.b, v) }

func (w *rowWriter) bool(v bool) {
	if v {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}

// Times are stored so that they read back equal (==, and reflect.DeepEqual)
// to what was stored: a time in UTC as seconds and nanoseconds; any other as
// well its location: Local, or the fixed zone of its name and offset (the
// locations time.Parse gives).
const (
	timeUTC   = 0
	timeLocal = 1
	timeFixed = 2
)

func (w *rowWriter) time(t time.Time) {
	loc := t.Location()
	switch loc {
	case time.UTC:
		w.b = append(w.b, timeUTC)
	case time.Local:
		w.b = append(w.b, timeLocal)
	default:
		name, offset := t.Zone()
		w.b = append(w.b, timeFixed)
		w.shared(name)
		w.int(int64(offset))
	}
	w.int(t.Unix())
	w.b = binary.AppendUvarint(w.b, uint64(t.Nanosecond()))
}

// string returns the row.
func (w *rowWriter) string() string { return string(w.b) }

// rowReader reads a row's fields in the order they were written. A row
// that does not read (it never happens to a row rowWriter made) reads as
// zero values.
type rowReader struct {
	s string
	i int
	t strs
}

func (r *rowReader) uvarint() uint64 {
	var x uint64
	var shift uint
	for r.i < len(r.s) {
		c := r.s[r.i]
		r.i++
		if c < 0x80 {
			return x | uint64(c)<<shift
		}
		x |= uint64(c&0x7f) << shift
		shift += 7
	}
	return x
}

func (r *rowReader) str() string {
	v := r.uvarint()
	if v&1 == 1 {
		return r.t.at(uint32(v >> 1))
	}
	n := int(v >> 1)
	if n > len(r.s)-r.i {
		r.i = len(r.s)
		return ""
	}
	s := r.s[r.i : r.i+n]
	r.i += n
	return s
}

// skip passes over a field.
func (r *rowReader) skip() {
	if v := r.uvarint(); v&1 == 0 {
		r.i = min(r.i+int(v>>1), len(r.s))
	}
}

func (r *rowReader) int() int64 {
	u := r.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (r *rowReader) bool() bool {
	if r.i >= len(r.s) {
		return false
	}
	r.i++
	return r.s[r.i-1] == 1
}

func (r *rowReader) time() time.Time {
	if r.i >= len(r.s) {
		return time.Time{}
	}
	kind := r.s[r.i]
	r.i++
	var loc *time.Location
	switch kind {
	case timeLocal:
		loc = time.Local
	case timeFixed:
		name := r.str()
		loc = time.FixedZone(name, int(r.int()))
	}
	t := time.Unix(r.int(), int64(r.uvarint()))
	if loc == nil {
		return t.UTC()
	}
	return t.In(loc)
}
