package store

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/dsmf/ssc-adapter/contracts"
)

func refRecord(t *testing.T, rec any) Record {
	t.Helper()
	topic, env, err := contracts.ReferenceEnvelope("id", rec, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return Record{Topic: topic, Key: []byte(env.Key), Value: env.Data, Headers: env.BinaryHeaders()}
}

// A register's row without a value it is checked by is not stored.
func TestRegisterRowsWithoutTheirValuesAreRefused(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	s.Apply([]Record{refRecord(t, contracts.InsuredPerson{SSN: "1200000000003", InsurerVOEN: "1000000001"}),
		refRecord(t, contracts.InsuredPerson{SSN: "1200000000004", FIN: "CCCCCCC"}),
		refRecord(t, contracts.Insurer{VOEN: "1000000003"})})
	if st := s.Stats(); st.Undecodable != 3 {
		t.Fatalf("stats = %+v, want 3 undecodable", st)
	}
	v := s.View()
	if _, ok := v.InsuredPerson("1200000000003"); ok {
		t.Fatal("an insured person without a FIN was stored")
	}
	if _, ok := v.Insurer("1000000003"); ok {
		t.Fatal("an insurer without an account was stored")
	}
}

// An event whose metadata reads but whose payload does not is a conflict
// (its fold fails), not an undecodable record.
func TestUnreadablePayloadIsAConflict(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	env, err := contracts.NewEnvelope("e-1", contracts.SourceAdapter, contracts.TypeDraftSaved, "1000000001", time.Now(),
		map[string]any{"commandId": "c-1", "insurerVoen": "1000000001", "seq": 1, "application": 5})
	if err != nil {
		t.Fatal(err)
	}
	w := s.Await("c-1")
	s.Apply([]Record{{Topic: contracts.TopicEvents, Key: []byte(env.Key), Value: env.Data, Headers: env.BinaryHeaders()}})
	if st := s.Stats(); st != (Stats{Conflicts: 1}) {
		t.Fatalf("stats = %+v, want one conflict", st)
	}
	if r := <-w; !r.Conflict {
		t.Fatalf("result = %+v", r)
	}
}

// A batch that goes on changing the nodes of the batch before it (no View
// was taken in between) must never change what a View holds: Views taken
// while batches are applied read the same before and after (and the race
// detector sees no write to what they read).
func TestViewsStayWhileBatchesGoOn(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	doc := func(i, version int) Record {
		return refRecord(t, contracts.IdentityDocument{FIN: fmt.Sprintf("F%06d", i), DocumentNumber: fmt.Sprint("v", version)})
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for version := range 200 {
			var batch []Record
			for i := range 50 {
				batch = append(batch, doc(version*7+i, version))
			}
			s.Apply(batch)
		}
	}()
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		v := s.View()
		var first []string
		for i := range 1500 {
			d, _ := v.Document(fmt.Sprintf("F%06d", i))
			first = append(first, d.DocumentNumber)
		}
		runtime.Gosched()
		for i := range 1500 {
			if d, _ := v.Document(fmt.Sprintf("F%06d", i)); d.DocumentNumber != first[i] {
				t.Fatalf("a View changed: F%06d %q, then %q", i, first[i], d.DocumentNumber)
			}
		}
	}
}
