package store_test

import (
	"testing"
	"time"

	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/contracts"
)

// Outcomes are remembered for OutcomeRetention, counted by the events' own
// times, and then forgotten: the memory of handled commands stays bounded,
// and a rebuild forgets exactly what the live state forgot.
func TestOutcomesAreForgottenAfterTheRetention(t *testing.T) {
	l := newLog(t)
	rejected := func(at time.Time) (contracts.EventMeta, store.Record) {
		m := l.meta(voenA)
		m.At = at
		return m, event(t, contracts.TypeCommandRejected, m, contracts.CommandRejected{EventMeta: m,
			CommandType: contracts.TypeLogin, Code: "NO_AUTHORITY"})
	}
	old, r1 := rejected(t0)
	recent, r2 := rejected(t0.Add(3 * 24 * time.Hour))
	// Just inside the retention of the first: nothing is forgotten yet.
	inside, r3 := rejected(t0.Add(store.OutcomeRetention))
	// A day past it: the first day's outcomes go.
	past, r4 := rejected(t0.Add(store.OutcomeRetention + 24*time.Hour))

	live := newStore(t)
	for i, r := range []store.Record{r1, r2, r3} {
		live.Apply([]store.Record{r})
		if _, ok := live.View().Outcome(old.CommandID); !ok {
			t.Fatalf("outcome of %s forgotten after record %d, within the retention", old.CommandID, i+1)
		}
	}
	live.Apply([]store.Record{r4})
	v := live.View()
	if _, ok := v.Outcome(old.CommandID); ok {
		t.Fatalf("outcome of %s still remembered past the retention", old.CommandID)
	}
	for _, m := range []contracts.EventMeta{recent, inside, past} {
		if _, ok := v.Outcome(m.CommandID); !ok {
			t.Fatalf("outcome of %s forgotten too early", m.CommandID)
		}
	}
	if got := v.Stream(voenA).Seq; got != 4 {
		t.Fatalf("stream seq %d, want 4: forgetting outcomes must not touch the stream", got)
	}

	// The same log folded in one batch forgets the same.
	rebuilt := newStore(t)
	rebuilt.Apply([]store.Record{r1, r2, r3, r4})
	for _, m := range []contracts.EventMeta{old, recent, inside, past} {
		_, a := live.View().Outcome(m.CommandID)
		_, b := rebuilt.View().Outcome(m.CommandID)
		if a != b {
			t.Fatalf("outcome of %s: live remembers %v, rebuilt %v", m.CommandID, a, b)
		}
	}

	// A forgotten command's event coming again is not applied a second time:
	// its seq is long taken.
	rebuilt.Apply([]store.Record{r1})
	if st := rebuilt.Stats(); st.Conflicts != 1 {
		t.Fatalf("stats %+v: the old event should be a conflict", st)
	}
}
