package handlers_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// A command delivered twice has the effect of one: one event on the log,
// and the repeat gets the same answer. The memory of handled commands
// survives a restart, because it is rebuilt from the log.
func TestRedeliveredCommandHasOneEffect(t *testing.T) {
	t.Parallel()
	h := testkit.Start(t, testkit.Options{})
	owner := h.Login(testkit.DirectorLogin(testkit.Insurer.VOEN))

	save := testkit.DraftSave(owner)
	first := h.Request(save)
	h.MustOK(first, contracts.TypeDraftSaveResult, nil)
	h.Send(save) // the same command id again
	waitReplies(t, h, save.ID, 2)

	h.RestartAdapter()
	h.Send(save) // and once more after a restart
	replies := waitReplies(t, h, save.ID, 3)

	var want contracts.DraftSaveResult
	require.NoError(t, first.Decode(&want))
	for _, r := range replies {
		var got contracts.DraftSaveResult
		h.MustOK(r, contracts.TypeDraftSaveResult, &got)
		assert.Equal(t, want, got)
	}
	events := h.Client.All(contracts.TopicEvents, func(r testkit.Received) bool {
		var meta contracts.EventMeta
		return json.Unmarshal(r.Envelope.Data, &meta) == nil && meta.CommandID == save.ID
	})
	assert.Len(t, events, 1, "one event for the command on the log")

	var reg contracts.RegistrySearchResult
	h.MustOK(h.Request(testkit.RegistrySearch(owner)), contracts.TypeRegistrySearchResult, &reg)
	assert.Equal(t, 1, reg.Page.Total, "one draft, not three")

	// A refused command is answered again from its recorded refusal.
	del := testkit.DraftDelete(owner, "no-such-application")
	assert.Equal(t, "APPLICATION_NOT_FOUND", h.Request(del).Code())
	h.Send(del)
	for _, r := range waitReplies(t, h, del.ID, 2) {
		assert.Equal(t, "APPLICATION_NOT_FOUND", r.Code())
	}
}

func waitReplies(t *testing.T, h *testkit.Harness, id string, n int) []testkit.Reply {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		rs := h.Replies(id)
		if len(rs) >= n {
			return rs
		}
		if time.Now().After(deadline) {
			t.Fatalf("want %d replies to %s, got %d", n, id, len(rs))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
