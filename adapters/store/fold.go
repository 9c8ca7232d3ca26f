package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/hashicorp/go-memdb"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// Record is one Kafka record to fold.
type Record struct {
	Topic   string
	Key     []byte
	Value   []byte // nil: a tombstone
	Headers []contracts.Header
}

// Apply folds records into state in one transaction. It is the only writer:
// the live adapter and a rebuild at start both go through it, so a rebuilt
// state equals the live one. A record it cannot read is counted and skipped;
// the log is never rewritten.
func (s *Store) Apply(records []Record) { s.ApplyBatch(Prepare(records)) }

// Batch is records read for Apply. Reading them needs nothing of state, so
// a log reader prepares a batch while the one before it is applied.
type Batch struct {
	records []Record
	scratch *scratch
}

// Prepare reads records for ApplyBatch: it decodes events and reference
// records (in parallel when the batch is big). It may run beside Apply.
func Prepare(records []Record) *Batch {
	sc := scratchPool.Get().(*scratch)
	sc.decoded = decodeRecords(records, sc.decoded)
	return &Batch{records: records, scratch: sc}
}

// ApplyBatch folds a prepared batch, as Apply does; a batch is applied once.
func (s *Store) ApplyBatch(b *Batch) {
	records, scratch := b.records, b.scratch
	b.scratch = nil
	if scratch == nil {
		panic("store: a batch applied twice")
	}
	s.write.Lock() // Apply runs alone
	defer s.write.Unlock()
	// A batch changes in place the map nodes it made itself (its gen).
	// When no View was taken since the current gen began, no reader holds
	// a version with that gen's nodes, so this batch goes on with the same
	// gen, holding Views off until it is published: a rebuild, which nobody
	// views, copies each node about once instead of once a batch.
	s.snap.Lock()
	held := s.gen != 0 && !s.viewed.Load()
	if held {
		defer s.snap.Unlock() // published below, before Views go on
	} else {
		s.gen++
		s.viewed.Store(false)
		s.snap.Unlock()
	}
	// A held batch writes into the tables' flat bases while no View has
	// seen them (table.go): the bulk of a rebuild.
	w := wr{gen: s.gen, bulk: held && !s.frozen.Load()}
	m := *s.maps
	db := s.db.Txn(true) // the batch's events, in one write transaction
	defer db.Abort()     // after Commit, nothing
	t := &tx{maps: &m, db: db, w: w, sh: &s.sh, strs: &m.strs, buf: s.buf}

	// The batch's scratch slices are reused: a rebuild makes less garbage.
	defer scratchPool.Put(scratch)
	decoded := scratch.decoded
	defer clear(decoded) // no payload kept alive by the pool

	// References and events change disjoint tables, each kind with a table
	// of shared strings of its own: a big batch (a rebuild) folds the
	// references on a goroutine of their own, each kind in its order.
	var refs Stats
	foldRefs := func() {
		tr := &tx{maps: &m, w: w, sh: &s.refSh, strs: &m.refStrs, buf: s.refBuf}
		for i, r := range records {
			if r.Topic != contracts.TopicEvents {
				if err := applyReference(tr, r, &decoded[i]); err != nil {
					refs.Undecodable++
				} else {
					refs.References++
				}
			}
		}
		s.refBuf = tr.buf
	}
	refsDone := make(chan struct{})
	if len(records) >= parallelBatch {
		go func() {
			defer close(refsDone)
			foldRefs()
		}()
	} else {
		foldRefs()
		close(refsDone)
	}

	fates := scratch.fates[:0]
	defer func() {
		clear(fates)
		scratch.fates = fates[:0]
	}()
	var st Stats
	for i, r := range records {
		if r.Topic != contracts.TopicEvents {
			continue
		}
		f, err := s.applyEvent(t, decoded[i])
		switch {
		case err != nil:
			st.Undecodable++
		case f.Conflict:
			st.Conflicts++
		case f.duplicate:
			st.Duplicates++
		default:
			st.Applied++
		}
		if err == nil && !f.duplicate {
			fates = append(fates, f)
		}
	}
	<-refsDone
	st.References, st.Undecodable = refs.References, st.Undecodable+refs.Undecodable
	s.buf = t.buf
	if !held {
		s.snap.Lock()
	}
	s.maps = t.maps
	db.Commit()
	if !held {
		s.snap.Unlock()
	}
	s.mu.Lock()
	s.stats.Applied += st.Applied
	s.stats.Duplicates += st.Duplicates
	s.stats.Conflicts += st.Conflicts
	s.stats.Undecodable += st.Undecodable
	s.stats.References += st.References
	s.mu.Unlock()
	for _, f := range fates {
		s.notify(f.commandID, f.Result)
	}
}

// parallelBatch is the size of a batch from which references are folded
// beside the events.
const parallelBatch = 256

// scratch are the slices of one Apply.
type scratch struct {
	decoded []decoded
	fates   []fate
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// tx is one Apply's writes: new versions of the maps and memdb's write
// transaction, published together.
type tx struct {
	maps *maps
	db   *memdb.Txn
	w    wr      // how it writes
	sh   *sharer // with strs, the table of shared strings this tx writes to
	strs *strs
	buf  []byte
	// pending are the writes of the event being applied (eventstate.go).
	pending []pending
}

type fate struct {
	Result
	commandID string
	duplicate bool
}

func decode[T any](data []byte) (T, error) {
	var v T
	err := json.Unmarshal(data, &v)
	return v, err
}

// A reference record as Prepare read it: the one of insurer, insured
// and document its topic says, or why it did not read. Its strings alias
// the record's bytes: only rows made of it are kept.
type reference struct {
	insurer  contracts.Insurer
	insured  contracts.InsuredPerson
	document contracts.IdentityDocument
	err      error
}

// decodeReference reads a reference record; a tombstone reads as nothing.
func decodeReference(r Record, d *decoded) {
	if r.Value == nil {
		return
	}
	ref := &d.ref
	_, data, err := envelopeOf(r)
	if err != nil {
		ref.err = err
		return
	}
	switch r.Topic {
	case contracts.TopicInsurers:
		v, err := decodeInsurer(data)
		if err != nil || v.VOEN == "" || v.AccountNumber == "" {
			ref.err = fmt.Errorf("insurer record: %w", errOr(err))
		}
		ref.insurer = v
	case contracts.TopicInsuredPersons:
		v, err := decodeInsured(data)
		if err != nil || v.SSN == "" || v.FIN == "" || v.InsurerVOEN == "" {
			ref.err = fmt.Errorf("insured person record: %w", errOr(err))
		}
		ref.insured = v
	default:
		v, err := decodeDocument(data)
		if err != nil || v.FIN == "" {
			ref.err = fmt.Errorf("identity document record: %w", errOr(err))
		}
		ref.document = v
	}
}

// errMissingKey is why a reference record without its key, or a value it is
// checked by, is not stored.
var errMissingKey = errors.New("no value for its key or a look-up")

func errOr(err error) error {
	if err != nil {
		return err
	}
	return errMissingKey
}

// applyReference replaces or deletes a reference row. A row is stored
// under the key its data names; a tombstone deletes the row its record key
// names. A row without the values the service finds or checks it by (its
// key; an insurer's account, an insured person's FIN and insurer) is not
// stored.
func applyReference(t *tx, r Record, d *decoded) error {
	m := t.maps
	if r.Value == nil {
		key := string(r.Key)
		switch r.Topic {
		case contracts.TopicInsurers:
			m.insurers = m.insurers.Delete(t.w, key)
		case contracts.TopicInsuredPersons:
			m.insured = m.insured.Delete(t.w, key)
		default:
			m.documents = m.documents.Delete(t.w, key)
		}
		return nil
	}
	ref := &d.ref
	if ref.err != nil {
		return ref.err
	}
	switch r.Topic {
	case contracts.TopicInsurers:
		m.insurers = t.setRow(m.insurers, t.insurerRow(&ref.insurer))
	case contracts.TopicInsuredPersons:
		m.insured = t.setRow(m.insured, t.insuredRow(&ref.insured))
	default:
		m.documents = t.setRow(m.documents, t.documentRow(&ref.document))
	}
	return nil
}

// event is a decoded event: its type, its metadata, and the domain event
// or why its data could not be read as one.
type event struct {
	typ        string
	meta       domain.EventMeta
	ev         domain.Event
	payloadErr error
}

// decodeEvent reads an event's data once, into the contract's type of its
// type (the fast path, else encoding/json), and that as a domain event
// (contracts/wire's registry). When that fails but the metadata reads, the
// event is still one (its fold fails: a conflict); when the metadata does
// not read, the record is undecodable.
func decodeEvent(typ string, data []byte) (event, error) {
	e := event{typ: typ}
	payload, _, ok := decodeEventFast(typ, data)
	var err error
	if !ok {
		payload, err = wire.DecodeEvent(typ, data)
	}
	if err == nil {
		e.ev, err = wire.EventFromWire(typ, payload)
	}
	if err != nil {
		e.payloadErr = err
		meta, merr := decode[struct{ contracts.EventMeta }](data)
		if merr != nil {
			return event{}, merr
		}
		e.meta = wire.MetaFromWire(meta.EventMeta)
		return e, nil
	}
	e.meta = e.ev.Meta()
	return e, nil
}

// decoded is a record as Prepare read it: an event, or a reference.
type decoded struct {
	ev  event
	err error
	ref reference
}

// decodeRecords decodes the records of a batch, in parallel when the batch
// is big (a rebuild): decoding reads nothing of state, so only the fold
// itself has to run in order. The result has an entry for every record.
func decodeRecords(records []Record, out []decoded) []decoded {
	if cap(out) < len(records) {
		out = make([]decoded, len(records))
	} else {
		out = out[:len(records)] // each entry is reset below
	}
	one := func(from, to int) {
		for i := from; i < to; i++ {
			r := records[i]
			out[i] = decoded{}
			if r.Topic != contracts.TopicEvents {
				decodeReference(r, &out[i])
				continue
			}
			typ, data, err := envelopeOf(r)
			if err != nil {
				out[i].err = err
				continue
			}
			ev, err := decodeEvent(typ, data)
			if err != nil {
				err = fmt.Errorf("event %s: no command id or insurer", typ)
			}
			out[i].ev, out[i].err = ev, err
		}
	}
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 || len(records) < 256 {
		one(0, len(records))
		return out
	}
	var wg sync.WaitGroup
	per := (len(records) + workers - 1) / workers
	for from := 0; from < len(records); from += per {
		wg.Add(1)
		go func() {
			defer wg.Done()
			one(from, min(from+per, len(records)))
		}()
	}
	wg.Wait()
	return out
}

// applyEvent folds one domain event. An event applies only if its command has
// no outcome yet and its Seq is the insurer's next; that makes the fold
// idempotent and lets the first of two racing writers win everywhere alike.
func (s *Store) applyEvent(t *tx, d decoded) (fate, error) {
	ev, typ, err := d.ev, d.ev.typ, d.err
	if err != nil {
		return fate{}, err
	}
	if ev.meta.CommandID == "" || ev.meta.InsurerVOEN == "" {
		return fate{}, fmt.Errorf("event %s: no command id or insurer", typ)
	}
	m := ev.meta
	m.InsurerVOEN = t.share(m.InsurerVOEN)
	f := fate{commandID: m.CommandID}
	if _, ok := t.maps.outcomes.Get(m.CommandID); ok {
		f.duplicate = true
		return f, nil
	}
	stream, ok := value[Stream](t.db, tableStreams, m.InsurerVOEN)
	if !ok {
		stream = Stream{VOEN: m.InsurerVOEN}
	}
	if !stream.Next(m.Seq) {
		f.Conflict = true
		return f, nil
	}
	out := Outcome{CommandID: m.CommandID, InsurerVOEN: m.InsurerVOEN, EventType: typ, At: m.At}
	if err := foldEvent(t, ev, &stream, &out); err != nil {
		// A well-formed event that does not fit state was decided on state
		// this reader does not have: treat it as a lost race.
		f.Conflict = true
		return f, nil
	}
	if err := t.commit(); err != nil {
		return fate{}, fmt.Errorf("event %s: %w", typ, err)
	}
	stream.Seq++
	if err := t.db.Insert(tableStreams, &stream); err != nil {
		return fate{}, fmt.Errorf("event %s: %w", typ, err)
	}
	row := t.outcomeRow(&out)
	t.maps.outcomes = t.setRow(t.maps.outcomes, row)
	t.rememberOutcome(&out)
	f.Outcome = readOutcome(row, t.maps.strs) // out may alias the record
	return f, nil
}

// foldEvent applies the event's change (the domain's rules) and names
// what it touched in out.Ref. Its writes are pending until the caller
// commits them; when it fails, none is kept (an event ignored as a
// conflict changes nothing, as every reader ignores it alike).
func foldEvent(t *tx, ev event, stream *Stream, out *Outcome) error {
	if ev.payloadErr != nil {
		return ev.payloadErr
	}
	if err := ev.ev.Apply(eventState{t}, stream, out); err != nil {
		t.discard()
		return err
	}
	return nil
}
