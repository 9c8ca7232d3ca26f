package service_test

import (
	"context"

	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// A restarted adapter restores the last checkpoint of state from the
// snapshot topic and folds only the events after it: its state is the
// state of the instance that folded the whole log, and it goes on working.
func TestRestartRestoresTheSnapshotAndFoldsTheTail(t *testing.T) {
	h := testkit.Start(t, testkit.Options{})
	owner := h.Login(testkit.DirectorLogin(testkit.Insurer.VOEN))
	h.MustOK(h.Request(testkit.DraftSave(owner)), contracts.TypeDraftSaveResult, nil)
	h.MustOK(h.Request(testkit.GrantToDeputy(owner)), contracts.TypeGrantCreateResult, nil)
	first := h.Instances()[0].Service
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, first.Checkpoint(ended), context.Canceled, "a shutdown writes no checkpoint")
	require.NoError(t, first.Checkpoint(context.Background()))
	covered := first.Restored() // nil: the first instance folded the whole log
	require.Nil(t, covered)

	// After the checkpoint: a submitted application, a logout.
	h.MustOK(h.Request(testkit.SubmitNew(owner)), contracts.TypeSubmitResult, nil)
	h.MustOK(h.Request(testkit.Logout(owner)), contracts.TypeLogoutResult, nil)

	second := h.RestartAdapter().Service
	offsets := second.Restored()
	require.NotEmpty(t, offsets, "the restart restored no snapshot")
	var sum int64
	for _, o := range offsets {
		sum += o
	}
	require.Positive(t, sum, "the snapshot covers the events before the checkpoint")

	encoded := func(s *store.Store) string {
		data, err := store.MarshalSnapshot(s.View().Snapshot(nil))
		require.NoError(t, err)
		return string(data)
	}
	require.Equal(t, encoded(first.State), encoded(second.State), "restored + tail differs from the full fold")

	// It goes on: a new login and a search of the registry.
	again := h.Login(testkit.DirectorLogin(testkit.Insurer.VOEN))
	var found contracts.RegistrySearchResult
	h.MustOK(h.Request(testkit.RegistrySearch(again)), contracts.TypeRegistrySearchResult, &found)
	require.Equal(t, 2, found.Page.Total)
}
