package handlers

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every command type intake lets through has its handler, and the registry
// holds no type that no topic carries.
func TestEveryAcceptedTypeHasAHandler(t *testing.T) {
	t.Parallel()
	accepted := map[string]bool{}
	for topic, types := range commandTopics {
		for typ := range types {
			accepted[typ] = true
			assert.Contains(t, commands, typ, "accepted on %s", topic)
		}
	}
	for typ := range commands {
		assert.True(t, accepted[typ], "%s has a handler but no topic carries it", typ)
	}
}
