package handlers_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/handlers"
)

func lastHeader(headers []contracts.Header, key string) string {
	v := ""
	for _, h := range headers {
		if h.Key == key {
			v = string(h.Value)
		}
	}
	return v
}

// The dead letter is written before the answer; when the answer fails and
// the record is handled again, the dead letter is written again. Its copies
// carry one identity, derived from where the record was read (not from a
// dlq_id the sender put in), so that they can be told to be one.
func TestDeadLetterCopiesShareTheirIdentity(t *testing.T) {
	t.Parallel()
	h, log := newUnit(t, nil)
	in := handlers.Inbound{Topic: contracts.TopicPortalCommands, Partition: 2, Offset: 41, Key: []byte("1234567890"),
		Headers: []contracts.Header{{Key: "ce_id", Value: []byte("dup-1")}, {Key: contracts.HeaderDLQID, Value: []byte("chosen-by-sender")}},
		Value:   []byte("garbage")}
	log.fail[contracts.TopicReplies] = errors.New("kafka: broker not available")
	require.Error(t, h.Handle(context.Background(), in), "the answer failed: handled again")
	delete(log.fail, contracts.TopicReplies)
	require.NoError(t, h.Handle(context.Background(), in))

	letters := log.on(contracts.TopicDeadLetter)
	require.Len(t, letters, 2, "written once per handling")
	want := contracts.DeadLetterID(contracts.TopicPortalCommands, 2, 41)
	for _, dl := range letters {
		assert.Equal(t, want, lastHeader(dl.Headers, contracts.HeaderDLQID))
		assert.Equal(t, handlers.DeadLetterTag{ID: want, Code: "MALFORMED_MESSAGE"}, dl.DeadLetter)
	}
	assert.NotEqual(t, want, contracts.DeadLetterID(contracts.TopicPortalCommands, 2, 42), "another record, another identity")
}
