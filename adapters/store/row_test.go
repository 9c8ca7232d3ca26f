package store

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dsmf/ssc-adapter/contracts"
)

// A row reads back exactly what was written, times and their locations
// included (a fixed zone as an equal one: time.Parse makes a new one each
// time too).
func TestRowsReadBackWhatWasWritten(t *testing.T) {
	baku := time.FixedZone("", 4*60*60)
	var times []time.Time
	for _, s := range []string{"2026-03-02T09:00:00Z", "2026-03-02T09:00:00.123456789Z", "2026-03-02T09:00:00+04:00",
		"2026-03-02T09:00:00-00:30", "2026-03-02T09:00:00+00:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
		"1969-12-31T23:59:59.5Z"} {
		var at time.Time
		if err := at.UnmarshalText([]byte(s)); err != nil {
			t.Fatal(err)
		}
		times = append(times, at)
	}
	times = append(times, time.Time{}, time.Date(2026, 3, 2, 9, 0, 0, 7, baku), time.Date(2026, 3, 2, 9, 0, 0, 0, time.Local),
		time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("AZT", 4*60*60)))
	full := testTx()
	full.strs.n = maxShared // no room: shared strings go inline
	for _, tr := range []*tx{testTx(), full} {
		for i, at := range times {
			doc := contracts.IdentityDocument{FIN: "5ZK8T3B", DocumentType: "din-id-card", DocumentNumber: "AA1234567",
				Surname: "ƏLİYEVA", Name: "ŞƏHLA", Patronymic: "VÜQAR QIZI", Gender: "female", Citizenship: "Azərbaycan",
				BirthPlace: "Bakı şəhəri", BirthDate: "1985-03-14", IssuingAuthority: "ASAN xidmət №1", IssueDate: "2019-05-20",
				ValidUntil: strings.Repeat("x", 20*i), UpdatedAt: at}
			if got := readDocument(tr.documentRow(&doc), *tr.strs); !reflect.DeepEqual(got, doc) || (at.Location() == time.UTC || at.Location() == time.Local) && got.UpdatedAt != at {
				t.Errorf("document %d:\n got %#v %#v\nwant %#v %#v", i, got.UpdatedAt, got.UpdatedAt.Location(), doc.UpdatedAt, doc.UpdatedAt.Location())
			}
			ins := contracts.Insurer{VOEN: "1000000001", AccountNumber: "9", FullName: "\x00", UpdatedAt: at}
			if got := readInsurer(tr.insurerRow(&ins), *tr.strs); !reflect.DeepEqual(got, ins) {
				t.Errorf("insurer %d:\n got %#v\nwant %#v", i, got, ins)
			}
			p := contracts.InsuredPerson{SSN: "1200000000001", FIN: "AAAAAAA", InsurerVOEN: "1000000001", UpdatedAt: at}
			if got := readInsured(tr.insuredRow(&p), *tr.strs); !reflect.DeepEqual(got, p) {
				t.Errorf("insured %d:\n got %#v\nwant %#v", i, got, p)
			}
		}
	}
}

// Outcomes read back as they were written.
func TestOutcomeRowsReadBack(t *testing.T) {
	baku := time.Date(2026, 3, 2, 9, 0, 0, 123, time.FixedZone("", 4*60*60))
	tr := testTx()
	o := Outcome{CommandID: "c-1", InsurerVOEN: "1000000001", EventType: "x", Ref: "a-2", Code: "NO", Detail: "d", At: baku}
	row := tr.outcomeRow(&o)
	if got := readOutcome(row, *tr.strs); !reflect.DeepEqual(got, o) || !outcomeAt(row).Equal(o.At) {
		t.Errorf("outcome:\n got %#v\nwant %#v", got, o)
	}
}

// testTx is a transaction for rows only.
func testTx() *tx {
	m := &maps{}
	return &tx{maps: m, sh: &sharer{ids: map[string]uint32{}}, strs: &m.strs}
}

// A shared string's number always reads back as that string, whether it
// was found in the small table of recent strings, the big map, or added.
func TestSharedStringsReadBack(t *testing.T) {
	sh, tab := sharer{ids: map[string]uint32{}}, strs{}
	r := rand.New(rand.NewPCG(3, 4))
	for range 200_000 {
		n := r.IntN(40) // short ones compared in the slot, long ones not
		s := strings.Repeat("x", n) + fmt.Sprint(r.IntN(20_000))
		id, ok := sh.id(&tab, s)
		if !ok || tab.at(id) != s {
			t.Fatalf("%q got number %d (%v), which reads %q", s, id, ok, tab.at(id))
		}
	}
	if len(sh.ids) < 10_000 {
		t.Fatalf("only %d strings were added", len(sh.ids))
	}
}
