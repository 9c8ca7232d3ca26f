package store

import "hash/maphash"

// pmap is a persistent hash map from strings to V: a hash array mapped trie
// (CHAMP layout). A version never changes once published, so a View holds
// one without locks. It keeps tables with millions of rows at a few dozen
// bytes a row, where a go-memdb index costs a radix leaf, a node and two
// channels (about 350 bytes) per row and per index, and it makes far less
// garbage per write.
//
// Writes copy the nodes on the path they change, except nodes made by the
// same write batch (gen), which only that batch can reach and so changes in
// place: a batch copies each node at most once.
type pmap[V any] struct {
	root *pnode[V]
	n    int
	// derive, if set, reads the key of an entry from its value (a row
	// starting with its key): the entry keeps no key of its own, one
	// pointer less for the garbage collector to follow, per row.
	derive func(V) string
}

// newEntry is an entry, without its key if it is derived.
func newEntry[V any](derive func(V) string, h uint64, key string, val V) pentry[V] {
	if derive != nil {
		key = ""
	}
	return pentry[V]{hash: h, key: key, val: val}
}

// keyOf is the key of an entry.
func keyOf[V any](derive func(V) string, e *pentry[V]) string {
	if derive != nil {
		return derive(e.val)
	}
	return e.key
}

type pnode[V any] struct {
	gen      uint64
	dataMap  uint32 // slots holding an entry
	nodeMap  uint32 // slots holding a child
	entries  []pentry[V]
	children []*pnode[V]
}

type pentry[V any] struct {
	hash uint64
	key  string
	val  V
}

const (
	pBits = 5
	// pMaxDepth is where the 64 hash bits run out: a node there lists its
	// entries (full hash collisions) without slots.
	pMaxDepth = 64 / pBits
)

var pSeed = maphash.MakeSeed()

func phash(key string) uint64 { return maphash.String(pSeed, key) }

func pslot(hash uint64, depth int) uint32 { return uint32(hash>>(depth*pBits)) & (1<<pBits - 1) }

// index is the position of bit among the set bits of bitmap.
func index(bitmap, bit uint32) int { return popcount(bitmap & (bit - 1)) }

func popcount(x uint32) int {
	n := 0
	for x != 0 {
		x &= x - 1
		n++
	}
	return n
}

// Len is the number of keys.
func (m pmap[V]) Len() int { return m.n }

// Get returns the value of key.
func (m pmap[V]) Get(key string) (V, bool) { return m.get(phash(key), key) }

func (m pmap[V]) get(h uint64, key string) (V, bool) {
	var zero V
	n := m.root
	for depth := 0; n != nil; depth++ {
		if depth >= pMaxDepth {
			for _, e := range n.entries {
				if keyOf(m.derive, &e) == key {
					return e.val, true
				}
			}
			return zero, false
		}
		bit := uint32(1) << pslot(h, depth)
		switch {
		case n.dataMap&bit != 0:
			if e := n.entries[index(n.dataMap, bit)]; e.hash == h && keyOf(m.derive, &e) == key {
				return e.val, true
			}
			return zero, false
		case n.nodeMap&bit != 0:
			n = n.children[index(n.nodeMap, bit)]
		default:
			return zero, false
		}
	}
	return zero, false
}

// Set returns m with key set to val; nodes of batch gen change in place.
func (m pmap[V]) Set(gen uint64, key string, val V) pmap[V] {
	return m.set(gen, pentry[V]{hash: phash(key), key: key, val: val})
}

func (m pmap[V]) set(gen uint64, e pentry[V]) pmap[V] {
	return m.update(gen, e.hash, e.key, func(V, bool) (string, V, bool) { return e.key, e.val, true })
}

// Update returns m with key set to what f makes of its value (found:
// whether it has one), in one walk of the trie; f also returns the string
// to keep as the key (equal to key: the caller chooses which copy is kept).
// When f returns false, m is left as it is.
func (m pmap[V]) Update(gen uint64, key string, f func(old V, found bool) (string, V, bool)) pmap[V] {
	return m.update(gen, phash(key), key, f)
}

func (m pmap[V]) update(gen uint64, h uint64, key string, f func(V, bool) (string, V, bool)) pmap[V] {
	root := m.root
	if root == nil {
		root = &pnode[V]{gen: gen}
	}
	root, added, changed := root.update(gen, h, key, f, m.derive, 0)
	if changed {
		m.root = root
		if added {
			m.n++
		}
	}
	return m
}

// Delete returns m without key.
func (m pmap[V]) Delete(gen uint64, key string) pmap[V] { return m.del(gen, phash(key), key) }

func (m pmap[V]) del(gen uint64, hash uint64, key string) pmap[V] {
	if m.root == nil {
		return m
	}
	root, removed := m.root.delete(gen, hash, key, m.derive, 0)
	if removed {
		m.root = root
		m.n--
	}
	return m
}

// editable returns n itself if batch gen made it, else a copy for gen.
func (n *pnode[V]) editable(gen uint64) *pnode[V] {
	if n.gen == gen {
		return n
	}
	c := &pnode[V]{gen: gen, dataMap: n.dataMap, nodeMap: n.nodeMap}
	if len(n.entries) > 0 {
		c.entries = append(make([]pentry[V], 0, len(n.entries)+1), n.entries...)
	}
	if len(n.children) > 0 {
		c.children = append(make([]*pnode[V], 0, len(n.children)+1), n.children...)
	}
	return c
}

func (n *pnode[V]) update(gen uint64, h uint64, key string, f func(V, bool) (string, V, bool), derive func(V) string, depth int) (_ *pnode[V], added, changed bool) {
	if depth >= pMaxDepth {
		for i, x := range n.entries {
			if keyOf(derive, &x) == key {
				return n.replace(gen, i, h, x.val, f, derive)
			}
		}
		var zero V
		k, v, ok := f(zero, false)
		if !ok {
			return n, false, false
		}
		n = n.editable(gen)
		n.entries = append(n.entries, newEntry(derive, h, k, v))
		return n, true, true
	}
	bit := uint32(1) << pslot(h, depth)
	switch {
	case n.dataMap&bit != 0:
		i := index(n.dataMap, bit)
		old := n.entries[i]
		if old.hash == h && keyOf(derive, &old) == key {
			return n.replace(gen, i, h, old.val, f, derive)
		}
		var zero V
		k, v, ok := f(zero, false)
		if !ok {
			return n, false, false
		}
		// Two keys in one slot: they move into a child.
		n = n.editable(gen)
		child := pair(gen, old, newEntry(derive, h, k, v), depth+1)
		n.entries = append(n.entries[:i], n.entries[i+1:]...)
		n.dataMap &^= bit
		j := index(n.nodeMap, bit)
		n.children = append(n.children, nil)
		copy(n.children[j+1:], n.children[j:])
		n.children[j] = child
		n.nodeMap |= bit
		return n, true, true
	case n.nodeMap&bit != 0:
		j := index(n.nodeMap, bit)
		child, added, changed := n.children[j].update(gen, h, key, f, derive, depth+1)
		if changed && child != n.children[j] {
			n = n.editable(gen)
			n.children[j] = child
		}
		return n, added, changed
	default:
		var zero V
		k, v, ok := f(zero, false)
		if !ok {
			return n, false, false
		}
		n = n.editable(gen)
		i := index(n.dataMap, bit)
		n.entries = append(n.entries, pentry[V]{})
		copy(n.entries[i+1:], n.entries[i:])
		n.entries[i] = newEntry(derive, h, k, v)
		n.dataMap |= bit
		return n, true, true
	}
}

// replace sets entry i, whose key is found, to what f makes of its value.
func (n *pnode[V]) replace(gen uint64, i int, h uint64, old V, f func(V, bool) (string, V, bool), derive func(V) string) (_ *pnode[V], added, changed bool) {
	k, v, ok := f(old, true)
	if !ok {
		return n, false, false
	}
	n = n.editable(gen)
	n.entries[i] = newEntry(derive, h, k, v)
	return n, false, true
}

// pair is a node holding two entries whose hashes agree above depth.
func pair[V any](gen uint64, a, b pentry[V], depth int) *pnode[V] {
	if depth >= pMaxDepth {
		return &pnode[V]{gen: gen, entries: []pentry[V]{a, b}}
	}
	sa, sb := pslot(a.hash, depth), pslot(b.hash, depth)
	if sa == sb {
		return &pnode[V]{gen: gen, nodeMap: 1 << sa, children: []*pnode[V]{pair(gen, a, b, depth+1)}}
	}
	if sb < sa {
		a, b = b, a
		sa, sb = sb, sa
	}
	return &pnode[V]{gen: gen, dataMap: 1<<sa | 1<<sb, entries: []pentry[V]{a, b}}
}

// delete returns the node without key (nil when it became empty).
func (n *pnode[V]) delete(gen uint64, hash uint64, key string, derive func(V) string, depth int) (*pnode[V], bool) {
	if depth >= pMaxDepth {
		for i, x := range n.entries {
			if keyOf(derive, &x) == key {
				if len(n.entries) == 1 {
					return nil, true
				}
				n = n.editable(gen)
				n.entries = append(n.entries[:i], n.entries[i+1:]...)
				return n, true
			}
		}
		return n, false
	}
	bit := uint32(1) << pslot(hash, depth)
	switch {
	case n.dataMap&bit != 0:
		i := index(n.dataMap, bit)
		if x := n.entries[i]; x.hash != hash || keyOf(derive, &x) != key {
			return n, false
		}
		if len(n.entries) == 1 && len(n.children) == 0 && depth > 0 {
			return nil, true
		}
		n = n.editable(gen)
		n.entries = append(n.entries[:i], n.entries[i+1:]...)
		n.dataMap &^= bit
		return n, true
	case n.nodeMap&bit != 0:
		j := index(n.nodeMap, bit)
		child, removed := n.children[j].delete(gen, hash, key, derive, depth+1)
		if !removed {
			return n, false
		}
		n = n.editable(gen)
		if child == nil {
			n.children = append(n.children[:j], n.children[j+1:]...)
			n.nodeMap &^= bit
			if len(n.entries) == 0 && len(n.children) == 0 && depth > 0 {
				return nil, true
			}
		} else {
			n.children[j] = child
		}
		return n, true
	}
	return n, false
}

// each calls f for every entry, in no particular order.
func (m pmap[V]) each(f func(key string, val V)) {
	var walk func(n *pnode[V])
	walk = func(n *pnode[V]) {
		if n == nil {
			return
		}
		for _, e := range n.entries {
			f(keyOf(m.derive, &e), e.val)
		}
		for _, c := range n.children {
			walk(c)
		}
	}
	walk(m.root)
}
