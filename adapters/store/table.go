package store

// table is a map of rows (each starting with its key) in two layers: a flat
// base (flat.go), filled in place while nobody views the store (the
// rebuild at start), and a persistent map over it for what changed since a
// View froze the base (live work). A key deleted from the base is marked
// in the map over it by a dead value.
//
// A batch may write into the base (wr.bulk) only while no View can reach
// it: ApplyBatch decides that (fold.go).
type table struct {
	base *flat        // nil until a bulk write
	over pmap[string] // changes over the base; keys derived from the rows
}

// wr is how a batch writes: gen for the persistent maps' nodes (pmap.go);
// bulk when the bases may change in place.
type wr struct {
	gen  uint64
	bulk bool
}

func newRows() table { return table{over: pmap[string]{derive: rowKey}} }

// dead reports whether a value of the map over the base marks a deletion:
// a row of its key alone (rows always have more fields).
func (t table) dead(v string) bool {
	_, one := keyField(v)
	return len(one) == len(v)
}

// tombstone is the dead value for key.
func (t table) tombstone(key string) string {
	var w rowWriter
	w.str(key)
	return w.string()
}

// Get returns the value of key.
func (t table) Get(key string) (string, bool) {
	if t.over.root != nil {
		if v, ok := t.over.Get(key); ok {
			if t.dead(v) {
				return "", false
			}
			return v, true
		}
	}
	if t.base != nil {
		return t.base.get(key)
	}
	return "", false
}

// bulk returns the table ready for a write into its base: one made on the
// first bulk write, with what the map over it held moved into it.
func (t table) bulk() table {
	if t.base == nil {
		t.base = newFlat()
	}
	if t.over.root != nil {
		t.over.each(func(key, v string) {
			if t.dead(v) {
				t.base.delete(key)
			} else {
				t.base.update(key, func(string, bool) (string, bool) { return v, true })
			}
		})
		t.over = pmap[string]{derive: rowKey}
	}
	return t
}

// Set returns t with key set to val.
func (t table) Set(w wr, key, val string) table {
	return t.Update(w, key, func(string, bool) (string, string, bool) { return key, val, true })
}

// Update returns t with key set to what f makes of its value (see
// pmap.Update); when f returns false, t is left as it is.
func (t table) Update(w wr, key string, f func(old string, found bool) (string, string, bool)) table {
	if w.bulk {
		var dead bool
		t = t.bulk()
		t.base.update(key, func(old string, found bool) (string, bool) {
			_, v, ok := f(old, found)
			dead = ok && t.dead(v)
			return v, ok && !dead
		})
		if dead { // as over the base: a dead value deletes
			t.base.delete(key)
		}
		return t
	}
	if t.base == nil {
		t.over = t.over.Update(w.gen, key, f)
		return t
	}
	old, found := t.Get(key)
	if k, v, ok := f(old, found); ok {
		t.over = t.over.Set(w.gen, k, v)
	}
	return t
}

// Delete returns t without key.
func (t table) Delete(w wr, key string) table {
	switch {
	case w.bulk:
		t = t.bulk()
		t.base.delete(key)
	case t.base == nil:
		t.over = t.over.Delete(w.gen, key)
	default:
		if _, ok := t.base.get(key); ok {
			t.over = t.over.Set(w.gen, key, t.tombstone(key))
		} else {
			t.over = t.over.Delete(w.gen, key)
		}
	}
	return t
}

// each calls f for every entry, in no particular order.
func (t table) each(f func(key, val string)) {
	t.over.each(func(key, v string) {
		if !t.dead(v) {
			f(key, v)
		}
	})
	if t.base != nil {
		t.base.each(func(key, v string) {
			if t.over.root != nil {
				if _, shadowed := t.over.Get(key); shadowed {
					return
				}
			}
			f(key, v)
		})
	}
}
