package testkit

import (
	"sync"
	"time"
)

// Clock is a wall clock that a test can move forward, to expire sessions
// and grants without waiting. Pass its Now in Options.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now is the real time plus what Advance added.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}
