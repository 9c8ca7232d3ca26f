package store_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/cmd/dsmf-bench/workload"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
)

func metaOf(v any) contracts.EventMeta {
	if e, ok := v.(interface{ Meta() contracts.EventMeta }); ok {
		return e.Meta()
	}
	return contracts.EventMeta{}
}

// The fast path must decode every event exactly as encoding/json does, or
// leave it to encoding/json.

// sameAsJSON fails t when the fast path reads data and encoding/json reads
// it otherwise or not at all.
func sameAsJSON(t *testing.T, typ string, data []byte) (fast bool) {
	t.Helper()
	got, meta, ok := store.DecodeEventFast(typ, data)
	if !ok {
		return false
	}
	want, err := wire.DecodeEvent(typ, data)
	if err != nil || !reflect.DeepEqual(got, want) || meta != metaOf(want) {
		t.Errorf("%s %s:\n got %#v\nwant %#v, %v", typ, data, got, want, err)
	}
	return true
}

type sample struct {
	typ  string
	data []byte
}

func samples(t testing.TB) []sample {
	_, events, _ := generated(t, workload.Config{Insurers: 20, Persons: 100, Documents: 100, Events: 3000, Seed: 3})
	var out []sample
	for _, e := range events {
		typ, data, err := store.EnvelopeOf(e)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sample{typ, data})
	}
	return out
}

func TestEventFastPathMatchesEncodingJSON(t *testing.T) {
	types := map[string]int{}
	for _, s := range samples(t) {
		if !sameAsJSON(t, s.typ, s.data) {
			t.Errorf("the fast path does not read an event the adapter writes: %s %s", s.typ, s.data)
		}
		types[s.typ]++
	}
	if len(types) != 9 {
		t.Fatalf("samples of %d event types, want 9: %v", len(types), types)
	}
}

func TestEventFastPathLeavesTheUnusualToEncodingJSON(t *testing.T) {
	seen := map[string]bool{}
	var base []sample
	for _, s := range samples(t) {
		key := s.typ
		if strings.Contains(string(s.data), `"signedBy"`) {
			key += " signed"
		}
		if strings.Contains(string(s.data), `"asan"`) {
			key += " asan"
		}
		if !seen[key] {
			seen[key] = true
			base = append(base, s)
		}
	}
	edits := []struct{ old, new string }{
		{`":`, `" : `}, {`,"`, " ,\n\t\""}, {`{`, `{ `}, {`}`, ` }`}, {`[`, `[ `}, {`]`, ` ]`},
		{`"seq":`, `"Seq":`}, {`"seq":`, `"seq":1.0,"x":`}, {`"seq":`, `"seq":"1","y":`}, {`"seq":`, `"seq":-0,"seq":`},
		{`"seq":`, `"seq":01,"z":`}, {`"seq":`, `"seq":99999999999999999999,"seq":`}, {`"seq":`, `"seq":1e2,"seq":`},
		{`"seq":`, `"seq":-,"seq":`}, {`"seq":`, `"seq":null,"seq":`},
		{`"at":`, `"at":null,"at":`}, {`"at":"`, `"at":"x`}, {`"at":"`, `"at":"\u0032`},
		{`"commandId":"`, `"commandId":"\"`}, {`"commandId":"`, `"commandId":"` + "\x01"}, {`"commandId":"`, `"commandId":"` + "\xff"},
		{`"commandId":`, `"commandId":null,"commandId":`}, {`"commandId":`, `"commandId":7,"commandId":`},
		{`"commandId":`, `"extra":{"a":[1,2]},"commandId":`}, {`"commandId":`, `"commandId":"first","commandId":`},
		{`"person":`, `"person":{"fin":"X"},"person":`}, {`"application":`, `"application":{},"application":`},
		{`"signedBy":`, `"signedBy":null,"signedBy":`}, {`"signedAt":`, `"signedAt":null,"signedAt":`},
		{`"history":[`, `"history":[],"history":[`}, {`"history":[`, `"history":null,"history":[`},
		{`"history":[`, `"history":[{"status":"x","at":"2026-01-01T00:00:00Z","by":"y","zz":1},`},
		{`"noticeVersion":`, `"noticeVersion":2.5,"noticeVersion":`}, {`"card":`, `"card":{},"card":`},
		{`"grant":`, `"grant":{},"grant":`}, {`"grantee":`, `"grantee":{},"grantee":`}, {`"kind":`, `"Kind":`},
		{`"asan":`, `"asan":{"userId":"u"},"asan":`}, {`"fin":`, `"fİn":`}, {`"sessionId":`, `"ſessionId":`},
	}
	fast := 0
	for _, s := range base {
		data := string(s.data)
		inputs := []string{data, data + " ", data + "x", data + "{}", "[" + data + "]", "{}", "", "null", `{"seq":1}`}
		for _, e := range edits {
			if strings.Contains(data, e.old) {
				inputs = append(inputs, strings.Replace(data, e.old, e.new, 1), strings.ReplaceAll(data, e.old, e.new))
			}
		}
		for n := 0; n < len(data); n += 7 {
			inputs = append(inputs, data[:n])
		}
		for _, in := range inputs {
			if sameAsJSON(t, s.typ, []byte(in)) {
				fast++
			}
		}
	}
	if fast == 0 {
		t.Fatal("the fast path read none of the inputs")
	}
}

func FuzzEventFastPath(f *testing.F) {
	for _, s := range samples(f)[:40] {
		f.Add(s.typ, s.data)
	}
	f.Fuzz(func(t *testing.T, typ string, data []byte) {
		sameAsJSON(t, typ, data)
	})
}
