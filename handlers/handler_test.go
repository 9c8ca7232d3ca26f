package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/adapters/service"
	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/handlers"
	"github.com/dsmf/ssc-adapter/testkit"
)

// memoryLog is a Publisher that keeps records in memory and folds events
// into the store at once, as the log reader would: fast unit tests of the
// handlers without a broker.
type memoryLog struct {
	mu      sync.Mutex
	state   *store.Store
	records map[string][]handlers.Outgoing
	fail    map[string]error // topic -> error to return
	writes  [][]string       // the topics of each Publish call's records
}

// Publish writes all the records or, when one of their topics fails, none.
func (m *memoryLog) Publish(_ context.Context, recs ...handlers.Outgoing) error {
	m.mu.Lock()
	for _, r := range recs {
		if err := m.fail[r.Topic]; err != nil {
			m.mu.Unlock()
			return err
		}
	}
	var topics []string
	for _, r := range recs {
		m.records[r.Topic] = append(m.records[r.Topic], r)
		topics = append(topics, r.Topic)
	}
	m.writes = append(m.writes, topics)
	m.mu.Unlock()
	for _, r := range recs {
		switch r.Topic {
		case contracts.TopicEvents, contracts.TopicInsurers, contracts.TopicInsuredPersons, contracts.TopicIdentityDocuments:
			m.state.Apply([]store.Record{{Topic: r.Topic, Key: []byte(r.Key), Value: r.Value, Headers: r.Headers}})
		}
	}
	return nil
}

func (m *memoryLog) on(topic string) []handlers.Outgoing {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]handlers.Outgoing(nil), m.records[topic]...)
}

type renderer func(contracts.Notice) ([]byte, error)

func (r renderer) Render(n contracts.Notice) ([]byte, error) { return r(n) }

func newUnit(t testing.TB, notices handlers.NoticeRenderer) (*handlers.Handler, *memoryLog) {
	t.Helper()
	st, err := store.New()
	require.NoError(t, err)
	log := &memoryLog{state: st, records: map[string][]handlers.Outgoing{}, fail: map[string]error{}}
	var refs []store.Record
	for i, r := range []any{testkit.Insurer, testkit.Employee().Insured, testkit.Employee().Document} {
		topic, env, err := contracts.ReferenceEnvelope(string(rune('a'+i)), r, time.Now())
		require.NoError(t, err)
		refs = append(refs, store.Record{Topic: topic, Key: []byte(env.Key), Value: env.Data, Headers: env.BinaryHeaders()})
	}
	st.Apply(refs)
	h := handlers.New(handlers.Config{DecisionTimeout: 2 * time.Second}, service.HandlerState(st), log, notices, nil,
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	return h, log
}

func inbound(t testing.TB, c testkit.Command) handlers.Inbound {
	t.Helper()
	env, err := c.Envelope(contracts.SourcePortal, time.Now())
	require.NoError(t, err)
	return handlers.Inbound{Topic: c.Topic, Key: []byte(c.Key), Headers: env.BinaryHeaders(), Value: env.Data}
}

func lastReply(t *testing.T, log *memoryLog) contracts.ErrorReply {
	t.Helper()
	replies := log.on(contracts.TopicReplies)
	require.NotEmpty(t, replies)
	r := replies[len(replies)-1]
	var e contracts.ErrorReply
	require.NoError(t, json.Unmarshal(r.Value, &e))
	return e
}

// A broker that refuses the event is a transient failure: the command is
// retried (Handle returns an error), nothing is answered or dead-lettered.
func TestBrokerFailureIsTransient(t *testing.T) {
	t.Parallel()
	h, log := newUnit(t, nil)
	log.fail[contracts.TopicEvents] = errors.New("kafka: broker not available")
	err := h.Handle(context.Background(), inbound(t, testkit.DirectorLogin(testkit.Insurer.VOEN)))
	require.Error(t, err)
	assert.ErrorIs(t, err, handlers.ErrTransient)
	assert.Empty(t, log.on(contracts.TopicReplies))
	assert.Empty(t, log.on(contracts.TopicDeadLetter))

	// Once the broker is back, the retry succeeds.
	delete(log.fail, contracts.TopicEvents)
	cmd := testkit.DirectorLogin(testkit.Insurer.VOEN)
	require.NoError(t, h.Handle(context.Background(), inbound(t, cmd)))
	assert.Len(t, log.on(contracts.TopicReplies), 1)
}

// A command costs two writes when it changes state (its event, then the
// rest) and one when it does not: the reply, notice and audit record share
// one produce request (issue 9).
func TestCommandWritesItsRecordsTogether(t *testing.T) {
	t.Parallel()
	h, log := newUnit(t, renderer(func(contracts.Notice) ([]byte, error) { return []byte("%PDF-1.3"), nil }))
	ctx := context.Background()
	require.NoError(t, h.Handle(ctx, inbound(t, testkit.DirectorLogin(testkit.Insurer.VOEN))))
	var res contracts.LoginResult
	require.NoError(t, json.Unmarshal(log.on(contracts.TopicReplies)[0].Value, &res))
	s := testkit.Session{ID: res.SessionID, VOEN: testkit.Insurer.VOEN}
	require.NoError(t, h.Handle(ctx, inbound(t, testkit.SubmitNew(s))))
	require.NoError(t, h.Handle(ctx, inbound(t, testkit.PersonLookup(s))))
	require.NoError(t, h.Handle(ctx, handlers.Inbound{Topic: contracts.TopicPortalCommands, Value: []byte("garbage")}))

	ev, reply, audit, notice, dlq := contracts.TopicEvents, contracts.TopicReplies, contracts.TopicAudit,
		contracts.TopicNotices, contracts.TopicDeadLetter
	assert.Equal(t, [][]string{
		{ev}, {reply, audit}, // login
		{ev}, {notice, reply, audit}, // submit
		{reply, audit}, // look-up
		{dlq}, {audit}, // garbage: dead-lettered first, so its audit record says what became of it
	}, log.writes)
}

// stages records the wait stages a handler reports.
type stages struct {
	mu   sync.Mutex
	seen []string
}

func (s *stages) Handled(string, string, time.Duration) {}
func (s *stages) Waited(stage string, _ time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = append(s.seen, stage)
}

// The stages a command waits on the broker are reported, so that an
// operator sees where latency goes (dsmf_handler_wait_seconds).
func TestWaitsOnTheBrokerAreReported(t *testing.T) {
	t.Parallel()
	_, log := newUnit(t, nil)
	obs := &stages{}
	h := handlers.New(handlers.Config{DecisionTimeout: 2 * time.Second}, service.HandlerState(log.state), log, nil, obs,
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx := context.Background()
	require.NoError(t, h.Handle(ctx, inbound(t, testkit.DirectorLogin(testkit.Insurer.VOEN))))
	assert.Equal(t, []string{handlers.StageWriteEvent, handlers.StageAwaitEvent, handlers.StageWriteAnswer}, obs.seen,
		"a state-changing command writes its event, waits for it, then writes its answer")
	var res contracts.LoginResult
	require.NoError(t, json.Unmarshal(log.on(contracts.TopicReplies)[0].Value, &res))
	obs.seen = nil
	require.NoError(t, h.Handle(ctx, inbound(t, testkit.PersonLookup(testkit.Session{ID: res.SessionID, VOEN: testkit.Insurer.VOEN}))))
	assert.Equal(t, []string{handlers.StageWriteAnswer}, obs.seen, "a query only writes its answer")
}

// A dead letter that cannot be written is retried too: never lost.
func TestDeadLetterFailureIsTransient(t *testing.T) {
	t.Parallel()
	h, log := newUnit(t, nil)
	log.fail[contracts.TopicDeadLetter] = errors.New("kafka: broker not available")
	err := h.Handle(context.Background(), handlers.Inbound{Topic: contracts.TopicPortalCommands, Value: []byte("garbage")})
	assert.ErrorIs(t, err, handlers.ErrTransient)
}

// A failure that no retry can mend (here the notice renderer panics, then
// fails) is answered with INTERNAL_ERROR and dead-lettered, and the
// partition goes on.
func TestPermanentFailureIsAnsweredAndDeadLettered(t *testing.T) {
	t.Parallel()
	for name, r := range map[string]renderer{
		"panic": func(contracts.Notice) ([]byte, error) { panic("font table corrupt") },
		"error": func(contracts.Notice) ([]byte, error) { return nil, errors.New("font table corrupt") },
	} {
		t.Run(name, func(t *testing.T) {
			h, log := newUnit(t, r)
			login := testkit.DirectorLogin(testkit.Insurer.VOEN)
			require.NoError(t, h.Handle(context.Background(), inbound(t, login)))
			var res contracts.LoginResult
			require.NoError(t, json.Unmarshal(log.on(contracts.TopicReplies)[0].Value, &res))
			s := testkit.Session{ID: res.SessionID, VOEN: testkit.Insurer.VOEN}

			submit := testkit.SubmitNew(s)
			require.NoError(t, h.Handle(context.Background(), inbound(t, submit)))
			e := lastReply(t, log)
			assert.Equal(t, "INTERNAL_ERROR", e.Code)
			assert.Equal(t, submit.ID, e.CommandID)
			assert.Len(t, log.on(contracts.TopicReplies), 2, "the login's answer and the submit's one answer")
			assert.Len(t, log.on(contracts.TopicDeadLetter), 1)
		})
	}
}
