package testkit

import (
	"fmt"
	"sync"
)

// Standalone is a TB for programs and examples: Fatalf panics, and Close
// runs the cleanups, newest first.
type Standalone struct {
	mu       sync.Mutex
	cleanups []func()
}

// NewStandalone returns a TB to use outside a test.
func NewStandalone() *Standalone { return &Standalone{} }

// Helper does nothing outside a test.
func (*Standalone) Helper() {}

// Fatalf panics with the message.
func (*Standalone) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

// Cleanup registers f to run on Close.
func (s *Standalone) Cleanup(f func()) {
	s.mu.Lock()
	s.cleanups = append(s.cleanups, f)
	s.mu.Unlock()
}

// Close runs the cleanups.
func (s *Standalone) Close() {
	s.mu.Lock()
	fs := s.cleanups
	s.cleanups = nil
	s.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}
