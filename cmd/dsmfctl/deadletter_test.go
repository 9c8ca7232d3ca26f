package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

func deadLetterLines(t *testing.T, out string) []deadLetterOut {
	t.Helper()
	var letters []deadLetterOut
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var d deadLetterOut
		require.NoError(t, json.Unmarshal([]byte(line), &d), line)
		letters = append(letters, d)
	}
	return letters
}

// An operator lists dead letters by reason, type and insurer, shows one with
// its headers, and re-drives it to its source topic once: the adapter takes
// it again, and a second replay is refused.
func TestDeadLetterListShowReplay(t *testing.T) {
	h, brokers, _ := start(t, testkit.Options{})
	voen := testkit.Insurer.VOEN
	hdrs := func(id, typ, ct string) []contracts.Header {
		return []contracts.Header{{Key: "ce_specversion", Value: []byte("1.0")}, {Key: "ce_id", Value: []byte(id)},
			{Key: "ce_source", Value: []byte("urn:test")}, {Key: "ce_type", Value: []byte(typ)},
			{Key: "content-type", Value: []byte(ct)}}
	}
	require.NoError(t, h.Client.ProduceRaw(contracts.TopicPortalCommands, voen,
		hdrs("dl-ct", contracts.TypeProfileGet, "text/plain"), []byte(`{"sessionId":"s","insurerVoen":"`+voen+`"}`)))
	require.NoError(t, h.Client.ProduceRaw(contracts.TopicPortalCommands, testkit.OtherInsurer.VOEN,
		hdrs("dl-json", contracts.TypeLogin, "application/json"), []byte(`not json`)))
	h.WaitReply("dl-ct")
	h.WaitReply("dl-json")
	_, ok := h.Client.Wait(contracts.TopicDeadLetter, 10*time.Second, func(r testkit.Received) bool { return string(r.Raw) == "not json" })
	require.True(t, ok)

	code, out, errs := runCLI(t, "-brokers", brokers, "deadletter", "list")
	require.Equal(t, 0, code, errs)
	all := deadLetterLines(t, out)
	require.Len(t, all, 2)

	code, out, _ = runCLI(t, "-brokers", brokers, "deadletter", "list", "-reason", "UNSUPPORTED_CONTENT_TYPE")
	require.Equal(t, 0, code)
	got := deadLetterLines(t, out)
	require.Len(t, got, 1)
	letter := got[0]
	assert.Equal(t, "dl-ct", letter.ID)
	assert.Equal(t, contracts.TypeProfileGet, letter.Type)
	assert.True(t, strings.HasPrefix(letter.Source, contracts.TopicPortalCommands+"/"), letter.Source)

	code, out, _ = runCLI(t, "-brokers", brokers, "deadletter", "list", "-insurer", testkit.OtherInsurer.VOEN, "-type", "ssc.session.login")
	require.Equal(t, 0, code)
	got = deadLetterLines(t, out)
	require.Len(t, got, 1)
	assert.Equal(t, "dl-json", got[0].ID)
	code, out, _ = runCLI(t, "-brokers", brokers, "deadletter", "list", "-since", "2000-01-01T00:00:00Z", "-until", "2001-01-01T00:00:00Z")
	require.Equal(t, 0, code)
	assert.Empty(t, strings.TrimSpace(out), "nothing in 2000")

	offset := strings.TrimSpace(jsonNumber(letter.Offset))
	code, out, _ = runCLI(t, "-brokers", brokers, "deadletter", "show", offset)
	require.Equal(t, 0, code)
	shown := deadLetterLines(t, out)
	require.Len(t, shown, 1)
	assert.Equal(t, "UNSUPPORTED_CONTENT_TYPE", shown[0].Headers[contracts.HeaderDLQCode])
	assert.Equal(t, "text/plain", shown[0].Headers["content-type"])
	assert.Contains(t, shown[0].Value, `"sessionId":"s"`)

	code, out, errs = runCLI(t, "-brokers", brokers, "deadletter", "replay", offset)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "replayed dead letter 0/"+offset)
	// The adapter takes the command again: the same refusal here (nothing
	// was fixed), with the replay named on the new dead letter.
	again, ok := h.Client.Wait(contracts.TopicDeadLetter, 10*time.Second, func(r testkit.Received) bool {
		for _, hd := range r.Headers {
			if hd.Key == contracts.HeaderDLQReplayedFrom && string(hd.Value) == "0/"+offset {
				return true
			}
		}
		return false
	})
	require.True(t, ok, "the replayed command was taken and refused again")
	assert.Equal(t, `{"sessionId":"s","insurerVoen":"`+voen+`"}`, string(again.Raw))

	code, _, errs = runCLI(t, "-brokers", brokers, "deadletter", "replay", offset)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "already replayed")
	code, out, _ = runCLI(t, "-brokers", brokers, "deadletter", "list", "-reason", "UNSUPPORTED_CONTENT_TYPE")
	require.Equal(t, 0, code)
	got = deadLetterLines(t, out)
	require.Len(t, got, 2, "the first and the replay's")
	assert.NotEmpty(t, got[0].ReplayedAt, "list shows the replay")

	code, _, _ = runCLI(t, "-brokers", brokers, "deadletter", "frobnicate")
	assert.Equal(t, 2, code)
}

func jsonNumber(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
