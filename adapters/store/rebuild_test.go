package store_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/cmd/dsmf-bench/workload"
	"github.com/dsmf/ssc-adapter/contracts"
)

// A rebuilt state equals the live state: the same log folded into fresh
// stores, in one batch or in batches of any size, reads the same through
// View.

// generated is a data set from the benchmark's generator.
func generated(t testing.TB, cfg workload.Config) (refs, events []store.Record, counts workload.EventCounts) {
	t.Helper()
	g := workload.New(cfg)
	if err := g.References(func(r workload.Record) error {
		refs = append(refs, r.StoreRecord())
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	counts, err := g.Events(func(r workload.Record) error {
		events = append(events, r.StoreRecord())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return refs, events, counts
}

// noisy mixes into a log what a real one has besides: redelivered events,
// events that lost a race, reference updates and tombstones between events,
// structured-mode records and records nobody can read.
func noisy(t testing.TB, refs, events []store.Record, seed uint64) []store.Record {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	out := append([]store.Record(nil), refs...)
	for i, e := range events {
		out = append(out, e)
		switch r.IntN(20) {
		case 0: // a redelivery of an earlier event
			out = append(out, events[r.IntN(i+1)])
		case 1: // an event that lost the race for the same seq
			out = append(out, loser(t, e, r))
		case 2: // a register update, or a deletion
			ref := refs[r.IntN(len(refs))]
			if r.IntN(3) == 0 {
				ref = store.Record{Topic: ref.Topic, Key: ref.Key}
			}
			out = append(out, ref)
		case 3: // the same record in structured content mode
			out = append(out, structured(t, refs[r.IntN(len(refs))]))
		case 4: // garbage
			out = append(out, store.Record{Topic: contracts.TopicEvents, Key: e.Key, Value: []byte("{"), Headers: e.Headers},
				store.Record{Topic: contracts.TopicInsuredPersons, Key: []byte("x"), Value: []byte("{}")})
		}
	}
	return out
}

// loser is an event for the same seq under another command id.
func loser(t testing.TB, e store.Record, r *rand.Rand) store.Record {
	t.Helper()
	var data map[string]any
	if err := json.Unmarshal(e.Value, &data); err != nil {
		t.Fatal(err)
	}
	data["commandId"] = fmt.Sprintf("lost-%d", r.Uint64())
	data["sessionId"] = "lost-session"
	v, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	return store.Record{Topic: e.Topic, Key: e.Key, Value: v, Headers: e.Headers}
}

func structured(t testing.TB, rec store.Record) store.Record {
	t.Helper()
	env, err := contracts.DecodeEnvelope(rec.Key, rec.Headers, rec.Value)
	if err != nil {
		t.Fatal(err)
	}
	v, err := env.StructuredJSON()
	if err != nil {
		t.Fatal(err)
	}
	return store.Record{Topic: rec.Topic, Key: rec.Key, Value: v,
		Headers: []contracts.Header{{Key: contracts.HeaderContentType, Value: []byte(contracts.StructuredContentType)}}}
}

// keys names everything a log mentions, so a dump can read it back.
type keys map[string]map[string]bool

func (k keys) add(kind, key string) {
	if key == "" {
		return
	}
	if k[kind] == nil {
		k[kind] = map[string]bool{}
	}
	k[kind][key] = true
}

func (k keys) sorted(kind string) []string {
	var out []string
	for key := range k[kind] {
		out = append(out, key)
	}
	sort.Strings(out)
	return out
}

func keysOf(log []store.Record) keys {
	k := keys{}
	for _, r := range log {
		switch r.Topic {
		case contracts.TopicInsurers:
			k.add("insurer", string(r.Key))
		case contracts.TopicInsuredPersons:
			k.add("person", string(r.Key))
		case contracts.TopicIdentityDocuments:
			k.add("document", string(r.Key))
		case contracts.TopicEvents:
			var e struct {
				CommandID, InsurerVOEN, SessionID, GrantID, ApplicationID, AssertionID string
				Grant                                                                  struct{ GrantID string }
				Application                                                            struct {
					ApplicationID string
					Person        struct{ SSN string }
				}
			}
			if json.Unmarshal(r.Value, &e) != nil {
				continue
			}
			k.add("command", e.CommandID)
			k.add("assertion", e.AssertionID)
			k.add("insurer", e.InsurerVOEN)
			k.add("insurer", string(r.Key))
			k.add("session", e.SessionID)
			k.add("grant", e.GrantID)
			k.add("grant", e.Grant.GrantID)
			k.add("application", e.ApplicationID)
			k.add("application", e.Application.ApplicationID)
			k.add("person", e.Application.Person.SSN)
		}
	}
	return k
}

// dump reads everything named in k through View, one line per key.
func dump(s *store.Store, k keys) []string {
	v := s.View()
	var out []string
	line := func(kind, key string, val any, ok bool) {
		data, err := json.Marshal(val) // follows pointers, unlike %v
		if err != nil {
			panic(err)
		}
		out = append(out, fmt.Sprintf("%s %s %v %s", kind, key, ok, data))
	}
	for _, key := range k.sorted("insurer") {
		i, ok := v.Insurer(key)
		line("insurer", key, i, ok)
		line("stream", key, v.Stream(key), true)
		line("grants", key, v.Grants(key), true)
		as := v.Applications(key)
		sort.Slice(as, func(i, j int) bool { return as[i].ID < as[j].ID })
		line("applications", key, as, true)
	}
	for _, key := range k.sorted("person") {
		p, ok := v.InsuredPerson(key)
		line("person", key, p, ok)
		line("certificate", key, v.CertificateStatus(contracts.InsuredPerson{SSN: key, UpdatedAt: p.UpdatedAt,
			CertificateStatus: p.CertificateStatus}), true)
		as := v.ApplicationsOf(key)
		sort.Slice(as, func(i, j int) bool { return as[i].ID < as[j].ID })
		line("applications-of", key, as, true)
	}
	for _, key := range k.sorted("document") {
		d, ok := v.Document(key)
		line("document", key, d, ok)
	}
	for _, key := range k.sorted("session") {
		x, ok := v.Session(key)
		line("session", key, x, ok)
	}
	for _, key := range k.sorted("grant") {
		x, ok := v.Grant(key)
		line("grant", key, x, ok)
	}
	for _, key := range k.sorted("application") {
		x, ok := v.Application(key)
		line("application", key, x, ok)
	}
	for _, key := range k.sorted("command") {
		x, ok := v.Outcome(key)
		line("outcome", key, x, ok)
	}
	for _, key := range k.sorted("assertion") {
		line("assertion", key, nil, v.AssertionUsed(key))
	}
	return out
}

// foldInBatches folds log into a fresh store in batches of the sizes next gives.
func foldInBatches(t testing.TB, log []store.Record, next func() int) *store.Store {
	t.Helper()
	return foldViewed(t, log, next, func() bool { return false })
}

// foldViewed folds the log in batches, taking a View after the batches
// view says to: a View freezes what the batches before it built in
// place, and the batches after it write over that.
func foldViewed(t testing.TB, log []store.Record, next func() int, view func() bool) *store.Store {
	t.Helper()
	s := newStore(t)
	for len(log) > 0 {
		n := min(max(next(), 1), len(log))
		s.Apply(log[:n])
		log = log[n:]
		if view() {
			s.View()
		}
	}
	return s
}

func sameState(t *testing.T, name string, want, got *store.Store, k keys) {
	t.Helper()
	if ws, gs := want.Stats(), got.Stats(); ws != gs {
		t.Errorf("%s: stats %+v, want %+v", name, gs, ws)
	}
	sameView(t, name, want, got, k)
}

// sameView fails t unless the two stores read the same through View.
func sameView(t *testing.T, name string, want, got *store.Store, k keys) {
	t.Helper()
	w, g := dump(want, k), dump(got, k)
	if len(w) != len(g) {
		t.Fatalf("%s: %d lines, want %d", name, len(g), len(w))
	}
	diffs := 0
	for i := range w {
		if w[i] != g[i] {
			if diffs++; diffs <= 3 {
				t.Errorf("%s:\n got %s\nwant %s", name, short(g[i]), short(w[i]))
			}
		}
	}
	if diffs > 0 {
		t.Fatalf("%s: %d of %d lines differ", name, diffs, len(w))
	}
}

func TestGeneratedLogAppliesWhole(t *testing.T) {
	cfg := workload.Config{Insurers: 30, Persons: 200, Documents: 220, Events: 3000, Seed: 7}
	refs, events, counts := generated(t, cfg)
	s := newStore(t)
	s.Apply(refs)
	s.Apply(events)
	want := store.Stats{Applied: int64(cfg.Events), References: int64(len(refs))}
	if got := s.Stats(); got != want {
		t.Fatalf("stats = %+v, want %+v (every generated event must apply)", got, want)
	}
	for _, typ := range []string{contracts.TypeSessionOpened, contracts.TypeSessionClosed, contracts.TypeGrantCreated,
		contracts.TypeGrantRevoked, contracts.TypeDraftSaved, contracts.TypeApplicationSubmitted, contracts.TypeDraftDeleted,
		contracts.TypeApplicationStatusMoved, contracts.TypeCommandRejected} {
		if counts[typ] == 0 {
			t.Errorf("the generated log has no %s", typ)
		}
	}
}

func TestRebuiltStateEqualsLiveState(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			refs, events, _ := generated(t, workload.Config{Insurers: 12, Persons: 80, Documents: 90, Events: 1500, Seed: seed})
			log := noisy(t, refs, events, seed)
			k := keysOf(log)

			always := func() bool { return true }
			live := foldViewed(t, log, func() int { return 1 }, always) // viewed as live
			st := live.Stats()
			if st.Duplicates == 0 || st.Conflicts == 0 || st.Undecodable == 0 {
				t.Fatalf("the noisy log should have duplicates, conflicts and undecodable records: %+v", st)
			}
			once := foldInBatches(t, log, func() int { return len(log) })
			sameState(t, "one batch", live, once, k)
			again := foldInBatches(t, log, func() int { return len(log) })
			sameState(t, "one batch, twice", once, again, k)
			sameState(t, "batches of 7", live, foldInBatches(t, log, func() int { return 7 }), k)
			r := rand.New(rand.NewPCG(seed, 2))
			sameState(t, "random batches", live, foldInBatches(t, log, func() int { return 1 + r.IntN(300) }), k)
			sameState(t, "batches of 1, never viewed", live, foldInBatches(t, log, func() int { return 1 }), k)
			compacted := foldInBatches(t, log, func() int { return 1 + r.IntN(50) })
			compacted.Freeze()
			compacted.Compact()
			sameState(t, "frozen and compacted", live, compacted, k)
			sameState(t, "viewed after every batch", live, foldViewed(t, log, func() int { return 1 + r.IntN(100) }, always), k)
			for range 3 {
				n := r.IntN(len(log) / 20)
				sameState(t, fmt.Sprint("viewed first after batch ", n), live, foldViewed(t, log, func() int { return 20 },
					func() bool { n--; return n < 0 }), k)
			}
		})
	}
}

func short(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}

// The fold may read records without copying them, but keeps nothing of
// them: records overwritten after Apply leave the state and the outcomes
// waiters got as they were.
func TestStateKeepsNothingOfTheRecords(t *testing.T) {
	refs, events, _ := generated(t, workload.Config{Insurers: 12, Persons: 80, Documents: 90, Events: 1500, Seed: 5})
	log := noisy(t, refs, events, 5)
	k := keysOf(log)
	want := foldInBatches(t, log, func() int { return 100 })

	got := newStore(t)
	var waits []<-chan store.Result
	for from := 0; from < len(log); from += 100 {
		batch := make([]store.Record, 0, 100)
		for _, r := range log[from:min(from+100, len(log))] {
			c := r
			c.Key, c.Value = append([]byte(nil), r.Key...), append([]byte(nil), r.Value...)
			c.Headers = nil
			for _, h := range r.Headers {
				c.Headers = append(c.Headers, contracts.Header{Key: h.Key, Value: append([]byte(nil), h.Value...)})
			}
			batch = append(batch, c)
		}
		waits = waits[:0]
		for _, c := range k.sorted("command") {
			waits = append(waits, got.Await(c))
		}
		got.Apply(batch)
		for _, c := range batch {
			for i := range c.Value {
				c.Value[i] = 'X'
			}
			for i := range c.Key {
				c.Key[i] = 'X'
			}
			for _, h := range c.Headers {
				for i := range h.Value {
					h.Value[i] = 'X'
				}
			}
		}
		v := got.View()
		for i, c := range k.sorted("command") {
			select {
			case r := <-waits[i]:
				if o, _ := v.Outcome(c); !r.Conflict && r.Outcome != o {
					t.Fatalf("a waiter of %s got %+v, the state has %+v", c, r.Outcome, o)
				}
			default:
			}
			got.Forget(c, waits[i])
		}
	}
	sameState(t, "records overwritten after Apply", want, got, k)
}
