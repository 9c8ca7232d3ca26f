package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/adapters/service"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/handlers"
	"github.com/dsmf/ssc-adapter/testkit"
)

// A panic whose value holds personal data (here the person's FIN and name)
// is logged by where it happened, never by its value; the command is
// answered INTERNAL_ERROR.
func TestPanicValueIsNotLogged(t *testing.T) {
	t.Parallel()
	_, log := newUnit(t, nil)
	var logs bytes.Buffer
	panicky := renderer(func(n contracts.Notice) ([]byte, error) {
		panic("cannot print " + n.App.Person.FIN + " " + n.App.Person.Surname)
	})
	h := handlers.New(handlers.Config{DecisionTimeout: 2 * time.Second}, service.HandlerState(log.state), log, panicky, nil,
		slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	ctx := context.Background()
	require.NoError(t, h.Handle(ctx, inbound(t, testkit.DirectorLogin(testkit.Insurer.VOEN))))
	var res contracts.LoginResult
	require.NoError(t, json.Unmarshal(log.on(contracts.TopicReplies)[0].Value, &res))

	require.NoError(t, h.Handle(ctx, inbound(t, testkit.SubmitNew(testkit.Session{ID: res.SessionID, VOEN: testkit.Insurer.VOEN}))))
	assert.Equal(t, "INTERNAL_ERROR", lastReply(t, log).Code)
	assert.Contains(t, logs.String(), "command failed permanently")
	assert.Contains(t, logs.String(), "panic (string)", "the log says a panic happened, and where")
	person := testkit.Employee()
	for _, pii := range []string{person.Document.FIN, person.Document.Surname} {
		require.NotEmpty(t, pii)
		assert.NotContains(t, logs.String(), pii)
	}
}
