package handlers_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// A FIN with the letter O is never issued: the look-up is answered
// INVALID_FIN naming the field, not DOCUMENT_NOT_FOUND, and is no poison.
func TestFINWithLetterOIsInvalidFIN(t *testing.T) {
	t.Parallel()
	h := testkit.Start(t, testkit.Options{})
	s := h.Login(testkit.DirectorLogin(testkit.Insurer.VOEN))
	r := h.Request(testkit.PersonLookup(s, func(c *contracts.PersonLookup) { c.FIN = "7QLO4CD" }))
	assert.Equal(t, "INVALID_FIN", r.Code())
	assert.Contains(t, r.Error().Detail, "/fin")
	assert.Empty(t, h.Client.All(contracts.TopicDeadLetter, nil), "no dead letter for user input")
}
