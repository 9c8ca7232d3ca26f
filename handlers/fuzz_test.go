package handlers_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/handlers"
	"github.com/dsmf/ssc-adapter/testkit"
)

// FuzzHandle feeds hostile records through the whole intake and decision
// path. Whatever arrives, the handler must answer or dead-letter it: never
// panic (which it would report as INTERNAL_ERROR), never ask for a retry.
func FuzzHandle(f *testing.F) {
	for _, c := range []testkit.Command{
		testkit.DirectorLogin(testkit.Insurer.VOEN),
		testkit.PersonLookup(testkit.Session{ID: "s", VOEN: testkit.Insurer.VOEN}),
		testkit.DraftSave(testkit.Session{ID: "s", VOEN: testkit.Insurer.VOEN}),
		testkit.Decision(testkit.Insurer.VOEN, "app", contracts.DecisionReject),
	} {
		env, err := c.Envelope(contracts.SourcePortal, time.Now())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(c.Type, c.Key, env.Data, c.Topic == contracts.TopicBackOfficeCommands)
	}
	f.Add(contracts.TypeLogin, "9802091761", []byte(`{"method":"esign-card","method":"password"}`), false)
	f.Add(contracts.TypeRegistrySearch, "9802091761", []byte(`{"sessionId":"s","insurerVoen":"9802091761","filter":{"surname":"\xff"}}`), false)
	f.Add(contracts.TypeGrantList, "9802091761", []byte(`{"sessionId":"s","insurerVoen":"9802091761","page":1e400}`), false)
	f.Add("", "", []byte(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`), false)

	h, log := newUnit(f, nil)
	n := 0
	f.Fuzz(func(t *testing.T, typ, key string, data []byte, backOffice bool) {
		n++ // a new command each time, so none is answered from a recorded outcome
		topic := contracts.TopicPortalCommands
		if backOffice {
			topic = contracts.TopicBackOfficeCommands
		}
		headers := []contracts.Header{
			{Key: "ce_specversion", Value: []byte("1.0")}, {Key: "ce_id", Value: []byte("fuzz-" + strconv.Itoa(n))},
			{Key: "ce_source", Value: []byte("urn:fuzz")}, {Key: "ce_type", Value: []byte(typ)},
			{Key: "content-type", Value: []byte("application/json")},
		}
		before := len(log.on(contracts.TopicDeadLetter))
		err := h.Handle(context.Background(), handlers.Inbound{Topic: topic, Key: []byte(key), Headers: headers, Value: data})
		if err != nil {
			t.Fatalf("a hostile record asked for a retry: %v", err)
		}
		for _, r := range log.on(contracts.TopicDeadLetter)[before:] {
			for _, hd := range r.Headers {
				if hd.Key == handlers.HeaderDLQCode && string(hd.Value) == "INTERNAL_ERROR" {
					t.Fatalf("the handler failed on a hostile record (type %q)", typ)
				}
			}
		}
	})
}
