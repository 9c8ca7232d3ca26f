package main

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
)

// gcTrace counts the CPU the adapter's garbage collector used, from the
// lines GODEBUG=gctrace=1 makes it print on stderr, one a cycle:
//
//	gc 12 @3.1s 4%: 0.02+1.5+0.01 ms clock, 0.08+0.4/2.9/1.1+0.05 ms cpu, ...
//
// The "ms cpu" figures (pauses, assist, background and idle marking) are
// what the runtime counts as its GC CPU. Other lines go on to out.
type gcTrace struct {
	out io.Writer

	mu      sync.Mutex
	partial []byte
	cpu     time.Duration
}

func (g *gcTrace) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.partial = append(g.partial, p...)
	for {
		i := bytes.IndexByte(g.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := g.partial[:i+1]
		if cpu, ok := gcLineCPU(string(line)); ok {
			g.cpu += cpu
		} else if _, err := g.out.Write(line); err != nil {
			return len(p), err
		}
		g.partial = g.partial[i+1:]
	}
}

// total is the GC CPU counted so far.
func (g *gcTrace) total() time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.cpu
}

// gcLineCPU is the CPU of one gctrace line's cycle.
func gcLineCPU(line string) (time.Duration, bool) {
	if !strings.HasPrefix(line, "gc ") {
		return 0, false
	}
	head, _, ok := strings.Cut(line, " ms cpu")
	if !ok {
		return 0, false
	}
	figures := head[strings.LastIndexByte(head, ' ')+1:]
	var ms float64
	for _, f := range strings.FieldsFunc(figures, func(r rune) bool { return r == '+' || r == '/' }) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return 0, false
		}
		ms += v
	}
	return time.Duration(ms * float64(time.Millisecond)), true
}
