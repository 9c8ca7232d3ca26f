package store

import (
	"fmt"
	"iter"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-memdb"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// Store is the adapter's state. Writes come only from Apply (the fold of the
// log), so every instance that has read the same records holds the same state.
type Store struct {
	write sync.Mutex // Apply runs alone
	// snap orders the publishing of an Apply's maps against the taking of
	// a View.
	snap sync.RWMutex
	maps *maps // guarded by snap; Apply replaces it
	// db holds the domain state (schema.go); Apply commits its batch
	// under snap, with the maps.
	db  *memdb.MemDB
	gen uint64 // Apply's batch number, under write
	// viewed is set by a View: the nodes of gen may have readers.
	viewed atomic.Bool
	// frozen is set by Freeze, or by the first View of maps with flat
	// bases: they never change again (table.go).
	frozen atomic.Bool

	mu      sync.Mutex
	waiters map[string][]chan Result // by command id
	// lastSeen holds session activity from queries, which are not logged.
	lastSeen map[string]time.Time

	stats Stats

	// Apply's tables of shared strings and buffers for rows, of events and
	// of references; used under write.
	sh, refSh   sharer
	buf, refBuf []byte
}

// Stats counts what the fold did.
type Stats struct {
	Applied, Duplicates, Conflicts, Undecodable, References int64
}

// New returns an empty store.
func New() (*Store, error) {
	primary, err := memdb.NewMemDB(stateSchema())
	if err != nil {
		return nil, fmt.Errorf("state schema: %w", err)
	}
	// A snapshot of the empty database is a MemDB that tracks no mutation:
	// nobody here watches (no WatchSet), and a primary's commit of more than
	// 8,192 changed radix nodes (any rebuild batch) walks every node of each
	// index it touched to close watch channels, which makes a rebuild's cost
	// grow with the square of the state.
	db := primary.Snapshot()
	rows := newRows()
	m := &maps{insurers: rows, insured: rows, documents: rows, outcomes: rows}
	return &Store{maps: m, db: db, waiters: map[string][]chan Result{}, lastSeen: map[string]time.Time{},
		sh: sharer{ids: map[string]uint32{}}, refSh: sharer{ids: map[string]uint32{}}}, nil
}

// Stats returns the fold's counters.
func (s *Store) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Freeze ends the rebuild's writing in place: from now on every batch
// writes over the flat bases (table.go), which never change again. Call it
// once state has caught up at start. Until then a batch writes in place
// whenever no View was taken since the batch before; an instance that
// takes no View (it handles no command) would otherwise go on doing so,
// and a base keeps every version of a row it was given.
func (s *Store) Freeze() {
	s.snap.RLock() // after a batch that holds it
	defer s.snap.RUnlock()
	s.frozen.Store(true)
}

// Compact copies, once the store is frozen, what the flat bases hold into
// arenas of their own: a base keeps every version of a row it was given
// during the rebuild (about a quarter of its bytes). It changes nothing a
// View reads and may run beside Apply and Views; the service runs it after
// its start.
func (s *Store) Compact() {
	if !s.frozen.Load() {
		return // bases may still change
	}
	// One table at a time, so that the old and the new arena of only one
	// are held at once.
	for i := range len(new(maps).tables()) {
		// The current version's base: reading it needs no View (and sets
		// no viewed), as bases never change once frozen.
		s.snap.RLock()
		base := s.maps.tables()[i].base
		s.snap.RUnlock()
		if base == nil {
			continue
		}
		fresh := base.compacted()
		s.write.Lock() // no batch has a copy of the maps to publish
		s.snap.Lock()
		next := *s.maps
		next.tables()[i].base = fresh
		s.maps = &next
		s.snap.Unlock()
		s.write.Unlock()
	}
}

// View is a consistent read-only snapshot: a version of the compact maps
// and memdb's read transaction of the same point.
type View struct {
	maps  *maps
	db    *memdb.Txn
	store *Store
}

// View opens a snapshot; it needs no closing.
func (s *Store) View() View {
	s.snap.RLock()
	defer s.snap.RUnlock()
	if !s.viewed.Load() { // most Views only read the flags
		s.viewed.Store(true)
	}
	if !s.frozen.Load() && s.maps.based() { // once frozen, Views read only the flag
		s.frozen.Store(true)
	}
	return View{maps: s.maps, db: s.db.Txn(false), store: s}
}

// read reads a row of a map.
func read[T any](m table, key string, tab strs, decode func(string, strs) T) (T, bool) {
	row, ok := m.Get(key)
	if !ok {
		var zero T
		return zero, false
	}
	return decode(row, tab), true
}

// Insurer returns a registered insurer.
func (v View) Insurer(voen string) (contracts.Insurer, bool) {
	return read(v.maps.insurers, voen, v.maps.refStrs, readInsurer)
}

// InsuredPerson returns the insurance record of an SSN.
func (v View) InsuredPerson(ssn string) (contracts.InsuredPerson, bool) {
	return read(v.maps.insured, ssn, v.maps.refStrs, readInsured)
}

// Document returns the identity document of a FIN.
func (v View) Document(fin string) (contracts.IdentityDocument, bool) {
	return read(v.maps.documents, fin, v.maps.refStrs, readDocument)
}

// CertificateStatus is a person's certificate status: the register's, unless
// an application issued a new certificate after the register's record.
func (v View) CertificateStatus(p contracts.InsuredPerson) domain.CertificateStatus {
	if c, ok := first[CertificateChange](v.db, tableCertificates, p.SSN); ok && c.At.After(p.UpdatedAt) {
		return domain.CertificateReplaced
	}
	return domain.CertificateStatus(p.CertificateStatus)
}

// Session returns a session with its latest activity.
func (v View) Session(id string) (domain.Session, bool) {
	s, ok := value[domain.Session](v.db, tableSessions, id)
	if ok {
		v.store.mu.Lock()
		if t, seen := v.store.lastSeen[id]; seen && t.After(s.LastActive) {
			s.LastActive = t
		}
		v.store.mu.Unlock()
	}
	return s, ok
}

// AssertionUsed reports whether a login assertion already opened a session.
func (v View) AssertionUsed(assertionID string) bool {
	_, used := v.maps.assertions.Get(assertionID)
	return used
}

// Grant returns a grant, revoked or not.
func (v View) Grant(id string) (domain.Grant, bool) {
	return value[domain.Grant](v.db, tableGrants, id)
}

// Grants returns an insurer's grants, oldest first, revoked ones included.
func (v View) Grants(voen string) []domain.Grant {
	var gs []domain.Grant // nil when there is none
	for g := range all[domain.Grant](v.db.Get(tableGrants, indexInsurer, voen)) {
		gs = append(gs, *g)
	}
	return gs
}

// Application returns an application.
func (v View) Application(id string) (domain.Application, bool) {
	return value[domain.Application](v.db, tableApplications, id)
}

// Applications returns an insurer's applications, newest first (the order
// of domain.SortNewestFirst).
func (v View) Applications(voen string) []domain.Application {
	out := []domain.Application{}
	for a := range all[domain.Application](v.db.GetReverse(tableApplications, indexInsurer, voen)) {
		out = append(out, *a)
	}
	return out
}

// ApplicationsPage returns the page of an insurer's applications that
// match, newest first (the registry), and how many match in all. It walks
// the insurer's index once and copies only the page.
func (v View) ApplicationsPage(voen string, match func(domain.Application) bool, page domain.Page) (rows []domain.Application, total int) {
	from := (page.Number - 1) * page.Size
	for a := range all[domain.Application](v.db.GetReverse(tableApplications, indexInsurer, voen)) {
		if match != nil && !match(*a) {
			continue
		}
		if total >= from && total < from+page.Size {
			rows = append(rows, *a)
		}
		total++
	}
	return rows, total
}

// ApplicationsOf returns every application for a person, any insurer, in
// the order of their ids.
func (v View) ApplicationsOf(ssn string) []domain.Application {
	out := []domain.Application{}
	for a := range all[domain.Application](v.db.Get(tableApplications, indexPerson, ssn)) {
		out = append(out, *a)
	}
	return out
}

// all yields the objects of a memdb iterator.
func all[T any](it memdb.ResultIterator, err error) iter.Seq[*T] {
	return func(yield func(*T) bool) {
		if err != nil { // the schema's tables and indexes: no error
			return
		}
		for raw := it.Next(); raw != nil; raw = it.Next() {
			if !yield(raw.(*T)) {
				return
			}
		}
	}
}

// Outcome returns the recorded decision on a command.
func (v View) Outcome(commandID string) (Outcome, bool) {
	return read(v.maps.outcomes, commandID, v.maps.strs, readOutcome)
}

// Stream returns an insurer's position in the log.
func (v View) Stream(voen string) Stream {
	if s, ok := value[Stream](v.db, tableStreams, voen); ok {
		return s
	}
	return Stream{VOEN: voen}
}

// Touch records a session's activity that left no event (a query).
func (s *Store) Touch(sessionID string, at time.Time) {
	s.mu.Lock()
	if last, ok := s.lastSeen[sessionID]; !ok {
		s.lastSeen[strings.Clone(sessionID)] = at // the id may be part of a row: keep none of it
	} else if at.After(last) {
		s.lastSeen[sessionID] = at
	}
	s.mu.Unlock()
}

// Result is the domain's FoldResult.
type Result = domain.FoldResult

// Await returns a channel that receives the fate of the next event folded
// for a command. Call it before publishing the event; call Forget when done.
func (s *Store) Await(commandID string) <-chan Result {
	ch := make(chan Result, 1)
	s.mu.Lock()
	s.waiters[commandID] = append(s.waiters[commandID], ch)
	s.mu.Unlock()
	return ch
}

// Forget drops a waiter that no longer listens.
func (s *Store) Forget(commandID string, ch <-chan Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ws := s.waiters[commandID]
	for i, w := range ws {
		if w == ch {
			ws = append(ws[:i], ws[i+1:]...)
			break
		}
	}
	if len(ws) == 0 {
		delete(s.waiters, commandID)
	} else {
		s.waiters[commandID] = ws
	}
}

func (s *Store) notify(commandID string, r Result) {
	s.mu.Lock()
	ws := s.waiters[commandID]
	delete(s.waiters, commandID)
	s.mu.Unlock()
	for _, w := range ws {
		w <- r
	}
}
