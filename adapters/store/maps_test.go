package store

import (
	"fmt"
	"runtime"
	"sort"
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

func keysOfRows[T any](rows []T, key func(*T) string) []string {
	var out []string
	for i := range rows {
		out = append(out, key(&rows[i]))
	}
	sort.Strings(out)
	return out
}

// The look-ups the registers need (insurers by DSMF account number,
// insured persons by FIN) follow updates and tombstones.
func TestSecondaryLookUpsFollowTheRegisters(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	ssn := func(p *contracts.InsuredPerson) string { return p.SSN }
	voen := func(i *contracts.Insurer) string { return i.VOEN }
	a := contracts.InsuredPerson{SSN: "1200000000001", FIN: "AAAAAAA", InsurerVOEN: "1000000001"}
	b := contracts.InsuredPerson{SSN: "1200000000002", FIN: "AAAAAAA", InsurerVOEN: "1000000001"}
	i1 := contracts.Insurer{VOEN: "1000000001", AccountNumber: "9000000001"}
	i2 := contracts.Insurer{VOEN: "1000000002", AccountNumber: "9000000001"}
	s.Apply([]Record{refRecord(t, a), refRecord(t, b), refRecord(t, i1), refRecord(t, i2)})
	byFIN := s.View().insuredOfFIN("AAAAAAA")
	if got := keysOfRows(byFIN, ssn); len(got) != 2 {
		t.Fatalf("by FIN = %v, want both", got)
	}
	byAccount := s.View().insurersOfAccount("9000000001")
	if got := keysOfRows(byAccount, voen); len(got) != 2 {
		t.Fatalf("by account = %v, want both", got)
	}

	// b's FIN changes, i2's account changes, a and i1 are deleted.
	b.FIN, i2.AccountNumber = "BBBBBBB", "9000000002"
	before := s.View()
	s.Apply([]Record{refRecord(t, b), refRecord(t, i2),
		{Topic: contracts.TopicInsuredPersons, Key: []byte(a.SSN)}, {Topic: contracts.TopicInsurers, Key: []byte(i1.VOEN)}})
	v := s.View()
	if _, ok := v.maps.insuredByFIN.Get("AAAAAAA"); ok {
		t.Fatal("FIN AAAAAAA still finds someone")
	}
	if rows := v.insuredOfFIN("BBBBBBB"); len(rows) != 1 || rows[0].SSN != b.SSN {
		t.Fatalf("by FIN BBBBBBB = %v", keysOfRows(rows, ssn))
	}
	if _, ok := v.maps.insurersByAccount.Get("9000000001"); ok {
		t.Fatal("account 9000000001 still finds an insurer")
	}
	if rows := v.insurersOfAccount("9000000002"); len(rows) != 1 || rows[0].VOEN != i2.VOEN {
		t.Fatalf("by account 9000000002 = %v", keysOfRows(rows, voen))
	}
	// The older view is unchanged.
	if rows := before.insuredOfFIN("AAAAAAA"); len(rows) != 2 {
		t.Fatalf("older view by FIN = %v", keysOfRows(rows, ssn))
	}

	// A row without a value for a look-up is not stored, as memdb refused it.
	s.Apply([]Record{refRecord(t, contracts.InsuredPerson{SSN: "1200000000003", InsurerVOEN: "1000000001"}),
		refRecord(t, contracts.InsuredPerson{SSN: "1200000000004", FIN: "CCCCCCC"}),
		refRecord(t, contracts.Insurer{VOEN: "1000000003"})})
	if st := s.Stats(); st.Undecodable != 3 {
		t.Fatalf("stats = %+v, want 3 undecodable", st)
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
