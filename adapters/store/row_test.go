package store

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
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

// Lists of keys follow adds and removals, in a table's base and over it.
func TestKeyLists(t *testing.T) {
	for _, bulk := range []bool{false, true} {
		tr := testTx()
		w := wr{gen: 1, bulk: bulk}
		var m table
		rows := map[string]string{}
		for _, k := range []string{"a", "bb", "", "ccc"} {
			rows[k] = tr.insurerRow(&contracts.Insurer{VOEN: k, AccountNumber: "acc"})
			m = withKey(w, m, "acc", rows[k])
		}
		list, _ := m.Get("acc")
		if got := listKeys(list); !reflect.DeepEqual(got, []string{"a", "bb", "", "ccc"}) {
			t.Fatalf("bulk %v: keys = %q", bulk, got)
		}
		if bulk != (m.base != nil) {
			t.Fatalf("bulk %v: base %v", bulk, m.base != nil)
		}
		for _, k := range []string{"bb", "x", "a", "", "ccc"} {
			m = withoutKey(wr{gen: 2}, m, "acc", k) // over the base, if any
		}
		if _, ok := m.Get("acc"); ok {
			t.Fatalf("bulk %v: an empty list is kept", bulk)
		}
	}
}

// Applications, sessions and outcomes read back as they were written.
func TestEventRowsReadBack(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 123, time.UTC)
	baku := at.In(time.FixedZone("", 4*60*60))
	tr := testTx()
	apps := []domain.Application{
		{ID: "a-1", InsurerVOEN: "1000000001", Status: domain.StatusDraft, CreatedAt: at},
		{ID: "a-2", Number: "SSC-1", InsurerVOEN: "1000000001", Type: "duplicate", Reason: "certificate-lost",
			Status: domain.StatusRejected, CreatedAt: at, UpdatedAt: baku, CertificateDate: "2026-03-04", RejectionReason: "no",
			Person: domain.Person{
				Document: domain.IdentityDocument{FIN: "5ZK8T3B", Type: "din-id-card", Number: "AA1", Surname: "ƏLİYEVA",
					Name: "ŞƏHLA", Patronymic: "VÜQAR QIZI", Gender: "female", Citizenship: "Azərbaycan", BirthPlace: "Bakı",
					BirthDate: "1985-03-14", IssuingAuthority: "ASAN", IssueDate: "2019-05-20", ValidUntil: "2029-05-20"},
				Insured: domain.InsuredPerson{SSN: "1200000000001", FIN: "5ZK8T3B", SSNDate: "2010-01-01",
					CertificateStatus: "active", InsurerVOEN: "1000000001"}},
			Signature: &domain.Signature{Role: "owner", Method: "esign-card", FIN: "2DRC7TR", CardNumber: "RYTN1",
				Phone: "+994", SessionID: "s-1", At: baku},
			History: []domain.StatusChange{{Status: "draft", At: at, By: "applicant"}, {Status: "rejected", At: baku, By: "bo-1", Reason: "no"}}},
		{ID: "a-3", History: []domain.StatusChange{}},
	}
	for _, a := range apps {
		row := tr.applicationRow(&a)
		if got := readApplication(row, *tr.strs); !reflect.DeepEqual(got, a) {
			t.Errorf("application:\n got %#v\nwant %#v", got, a)
		}
		if id, voen, ssn := appKeys(row, *tr.strs); id != a.ID || voen != a.InsurerVOEN || ssn != a.Person.Insured.SSN {
			t.Errorf("application keys %q %q %q", id, voen, ssn)
		}
	}
	s := domain.Session{ID: "s-1", InsurerVOEN: "1000000001", Principal: domain.Principal{Role: "delegate", GrantID: "g-1"},
		Signer: domain.Signer{Method: "asan-imza", FIN: "4DPT9UY", CardNumber: "c", Phone: "+994501234567", StampAuthority: true,
			CertNotBefore: at, CertNotAfter: baku}, OpenedAt: at, LastActive: baku, Closed: true}
	row := tr.sessionRow(&s)
	if got := readSession(row, *tr.strs); !reflect.DeepEqual(got, s) {
		t.Errorf("session:\n got %#v\nwant %#v", got, s)
	}
	// A touch changes LastActive only, and only to a later time.
	later := s
	later.LastActive = baku.Add(time.Hour)
	if touched, ok := tr.touched(row, later.LastActive); !ok || !reflect.DeepEqual(readSession(touched, *tr.strs), later) {
		t.Errorf("session after touch:\n got %#v\nwant %#v", readSession(touched, *tr.strs), later)
	}
	if _, ok := tr.touched(row, s.LastActive); ok {
		t.Error("a touch at the same time changed the session")
	}
	o := Outcome{CommandID: "c-1", InsurerVOEN: "1000000001", EventType: "x", Ref: "a-2", Code: "NO", Detail: "d", At: baku}
	row = tr.outcomeRow(&o)
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
