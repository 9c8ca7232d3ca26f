package handlers_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/handlers"
	"github.com/dsmf/ssc-adapter/testkit"
)

// The handlers' own cost per command, without Kafka (the in-memory log of
// the unit tests folds each event at once): what `dsmf-bench adapter`
// measures end to end, minus the broker, sarama and the notice of a submit
// (adapters/notice has its benchmark; a submit benchmark here would pile
// every application on the fixtures' one person). Run with
//
//	go test ./handlers -run '^$' -bench Handle -benchmem

func BenchmarkHandleLookup(b *testing.B) {
	u := benchUnit(b, nil)
	in := inbound(b, testkit.PersonLookup(u.session))
	u.run(b, func() handlers.Inbound { return in }) // a query: the same command is answered again
}

func BenchmarkHandleRegistrySearch(b *testing.B) {
	u := benchUnit(b, nil)
	in := inbound(b, testkit.RegistrySearch(u.session))
	u.run(b, func() handlers.Inbound { return in })
}

func BenchmarkHandleLogin(b *testing.B) {
	u := benchUnit(b, nil)
	u.run(b, func() handlers.Inbound { return inbound(b, testkit.DirectorLogin(testkit.Insurer.VOEN)) })
}

// unit is a handler with the fixtures and a director's session.
type unit struct {
	h       *handlers.Handler
	log     *memoryLog
	session testkit.Session
}

func benchUnit(b *testing.B, r handlers.NoticeRenderer) unit {
	h, log := newUnit(b, r)
	require.NoError(b, h.Handle(context.Background(), inbound(b, testkit.DirectorLogin(testkit.Insurer.VOEN))))
	var res contracts.LoginResult
	require.NoError(b, json.Unmarshal(log.on(contracts.TopicReplies)[0].Value, &res))
	return unit{h: h, log: log, session: testkit.Session{ID: res.SessionID, VOEN: testkit.Insurer.VOEN}}
}

// run times Handle of what next makes (next itself is not timed).
func (u unit) run(b *testing.B, next func() handlers.Inbound) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		in := next()
		b.StartTimer()
		if err := u.h.Handle(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
