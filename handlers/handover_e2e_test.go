package handlers_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// Two instances in one consumer group; partitions move in the middle of a
// stream of commands for the same insurers (a second instance joins, then
// the first leaves). No decision is made on stale state: every draft is
// deleted exactly once, no command has two effects, and both insurers'
// registries are what the commands say.
func TestPartitionHandoverDecidesOnFreshState(t *testing.T) {
	t.Parallel()
	h := testkit.Start(t, testkit.Options{})
	first := h.Instances()[0]
	sessions := []testkit.Session{
		h.Login(testkit.DirectorLogin(testkit.Insurer.VOEN)),
		h.Login(testkit.DirectorLogin(testkit.OtherInsurer.VOEN)),
	}
	employees := map[string]func(*contracts.DraftSave){
		testkit.Insurer.VOEN: nil,
		testkit.OtherInsurer.VOEN: func(c *contracts.DraftSave) {
			e := testkit.OtherEmployee()
			c.FIN, c.SSN, c.DocumentType = e.Document.FIN, e.Insured.SSN, e.Document.DocumentType
		},
	}

	const rounds = 24
	var second *testkit.Instance
	type pair struct{ a, b testkit.Command }
	var deletes []pair
	kept := map[string]int{}
	for i := 0; i < rounds; i++ {
		switch i {
		case rounds / 3:
			second = h.StartInstance("adapter-2") // partitions are shared out again
		case 2 * rounds / 3:
			handledByFirst := first.Service.Metrics.HandledTotal()
			first.Stop() // and all move to the second instance
			require.Positive(t, handledByFirst)
		}
		s := sessions[i%2]
		var mods []func(*contracts.DraftSave)
		if m := employees[s.VOEN]; m != nil {
			mods = append(mods, m)
		}
		var saved contracts.DraftSaveResult
		h.MustOK(h.Request(testkit.DraftSave(s, mods...)), contracts.TypeDraftSaveResult, &saved)
		if i%3 == 2 {
			kept[s.VOEN]++ // this one stays a draft
			continue
		}
		// Two different commands delete the same draft, and the first is
		// delivered twice: exactly one may succeed.
		a, b := testkit.DraftDelete(s, saved.Application.ApplicationID), testkit.DraftDelete(s, saved.Application.ApplicationID)
		h.Send(a)
		h.Send(b)
		h.Send(a)
		deletes = append(deletes, pair{a, b})
	}

	for i, p := range deletes {
		ra, rb := waitReplies(t, h, p.a.ID, 2), waitReplies(t, h, p.b.ID, 1)
		assert.Equal(t, ra[0].Code(), ra[1].Code(), "delete %d: a redelivered command gets the same answer", i)
		codes := []string{ra[0].Code(), rb[0].Code()}
		assert.ElementsMatch(t, []string{"", "APPLICATION_NOT_FOUND"}, codes, "delete %d: exactly one of two deletes succeeds", i)
	}

	// From the log: one event per command, one deletion per draft.
	perCommand := map[string]int{}
	perApplication := map[string]int{}
	for _, r := range h.Client.All(contracts.TopicEvents, nil) {
		var ev struct {
			contracts.EventMeta
			ApplicationID string `json:"applicationId"`
		}
		require.NoError(t, json.Unmarshal(r.Envelope.Data, &ev))
		perCommand[ev.CommandID]++
		if r.Envelope.Type == contracts.TypeDraftDeleted {
			perApplication[ev.ApplicationID]++
		}
	}
	for id, n := range perCommand {
		if n > 1 {
			// A second event for a command may only be a lost race that the fold ignored.
			t.Logf("command %s has %d events on the log (the later ones lost the race)", id, n)
		}
	}
	assert.Len(t, perApplication, len(deletes))
	for id, n := range perApplication {
		assert.Equal(t, 1, n, "application %s deleted %d times", id, n)
	}

	assert.Positive(t, second.Service.Metrics.HandledTotal(), "the second instance took over commands")
	for _, s := range sessions {
		var reg contracts.RegistrySearchResult
		h.MustOK(h.Request(testkit.RegistrySearch(s)), contracts.TypeRegistrySearchResult, &reg)
		assert.Equal(t, kept[s.VOEN], reg.Page.Total, fmt.Sprintf("drafts left for %s", s.VOEN))
	}
}
