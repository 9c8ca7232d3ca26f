package main

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// progress draws a status line on stderr while seed runs, when stderr is a
// terminal: a bar (when the size is known), the records published, the
// rate and the bad rows. Lines printed meanwhile go above it.
type progress struct {
	e      *env
	size   int64
	read   func() int64
	counts func() (published, bad int64)
	start  time.Time

	mu    sync.Mutex
	drawn bool
	done  chan struct{}
	wg    sync.WaitGroup
}

func newProgress(e *env, size int64, read func() int64, counts func() (int64, int64)) *progress {
	p := &progress{e: e, size: size, read: read, counts: counts, start: time.Now(), done: make(chan struct{})}
	if !e.stderrTTY {
		return p
	}
	p.wg.Go(func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.done:
				return
			case <-t.C:
				p.mu.Lock()
				p.draw()
				p.mu.Unlock()
			}
		}
	})
	return p
}

// println prints a line to stderr above the status line.
func (p *progress) println(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.e.stderr, "\r\x1b[K")
		p.drawn = false
	}
	fmt.Fprintln(p.e.stderr, line)
}

// stop draws the final state and ends the status line.
func (p *progress) stop() {
	if !p.e.stderrTTY {
		return
	}
	close(p.done)
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.draw()
	fmt.Fprintln(p.e.stderr)
	p.drawn = false
}

const barWidth = 24

func (p *progress) draw() {
	published, bad := p.counts()
	secs := time.Since(p.start).Seconds()
	rate := int64(0)
	if secs > 0 {
		rate = int64(float64(published) / secs)
	}
	var b strings.Builder
	b.WriteString("\r\x1b[K")
	if p.size > 0 {
		frac := min(float64(p.read())/float64(p.size), 1)
		full := int(frac * barWidth)
		fmt.Fprintf(&b, "[%s%s] %3.0f%%  ", strings.Repeat("#", full), strings.Repeat(".", barWidth-full), frac*100)
	}
	fmt.Fprintf(&b, "%s published  %s/s  %s bad", group(published), group(rate), group(bad))
	fmt.Fprint(p.e.stderr, b.String())
	p.drawn = true
}

// group writes n with thousands separated by commas: 1,234,567.
func group(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
