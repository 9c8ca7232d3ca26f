package contracts

import (
	"encoding/json"
	"strings"
	"testing"
)

// The fast path never misses a repeated name that the full check finds, and
// clears the plain documents commands are.
func TestMayRepeatName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		doc     string
		repeats bool
	}{
		{`{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}`, false},
		{`{"a":1,"a":2}`, true},
		{`{"a":{"b":1},"a":2}`, true},
		{`{"x":[{"b":1,"b":2}]}`, true},
		{`{"a" : 1, "b":"a:", "c":"\"a\":"}`, false},
	} {
		_, full := duplicateName([]byte(tc.doc))
		if full != tc.repeats {
			t.Fatalf("%s: the full check says %v", tc.doc, full)
		}
		if fast := mayRepeatName([]byte(tc.doc)); tc.repeats && !fast {
			t.Errorf("%s: the fast path misses the repeated name", tc.doc)
		} else if !tc.repeats && fast {
			t.Errorf("%s: the fast path sends a plain document to the full check", tc.doc)
		}
	}
	// Names written with escapes, and objects of many names, go to the full check.
	if !mayRepeatName([]byte(`{"a":1,"\u0061":2}`)) {
		t.Error("an escaped name must go to the full check")
	}
	many := "{" + strings.TrimSuffix(strings.Repeat(`"k":0,`, maxFastNames+1), ",") + "}"
	if !mayRepeatName([]byte(many)) {
		t.Error("an object of many names must go to the full check")
	}
}

func FuzzMayRepeatName(f *testing.F) {
	f.Add([]byte(`{"a":1,"b":{"a":2}}`))
	f.Add([]byte(`{"a":1,"\u0061":2}`))
	f.Add([]byte(`[{"a":[1,{"a":1,"a":2}]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		if _, dup := duplicateName(data); dup && !mayRepeatName(data) {
			t.Fatalf("the fast path misses a repeated name in %q", data)
		}
	})
}
