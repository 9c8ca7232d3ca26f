package refload

import (
	"errors"
	"sync"
)

// The pipeline reads ahead on its own goroutine, in batches; a pool of
// workers checks each batch in chunks; next hands the rows out in file
// order. At most maxAhead batches are in flight, which bounds memory.
const (
	batchSize = 1024
	chunkSize = 128
	maxAhead  = 4
)

type batch struct {
	rows    []Row
	pending sync.WaitGroup // chunks not yet checked
	err     error          // what ended the input after this batch
}

type chunk struct {
	b          *batch
	raws       []rawRow
	start, end int
}

type pipeline struct {
	batches chan *batch
	quit    chan struct{}
	once    sync.Once

	cur *batch
	pos int
	err error
}

func startPipeline(r *Reader) *pipeline {
	p := &pipeline{batches: make(chan *batch, maxAhead), quit: make(chan struct{})}
	jobs := make(chan chunk, maxAhead*batchSize/chunkSize)
	for range r.workers {
		go func() {
			for c := range jobs {
				for i := c.start; i < c.end; i++ {
					c.b.rows[i] = r.check(c.raws[i])
				}
				c.b.pending.Done()
			}
		}()
	}
	go func() {
		defer close(jobs)
		defer close(p.batches)
		for {
			raws := make([]rawRow, 0, batchSize)
			var err error
			for len(raws) < batchSize {
				var raw rawRow
				if raw, err = r.parse(); err != nil {
					break
				}
				raws = append(raws, raw)
			}
			b := &batch{rows: make([]Row, len(raws)), err: err}
			for start := 0; start < len(raws); start += chunkSize {
				b.pending.Add(1)
				select {
				case jobs <- chunk{b: b, raws: raws, start: start, end: min(start+chunkSize, len(raws))}:
				case <-p.quit:
					return
				}
			}
			select {
			case p.batches <- b:
			case <-p.quit:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return p
}

func (p *pipeline) next() (Row, error) {
	for {
		if p.cur != nil && p.pos < len(p.cur.rows) {
			row := p.cur.rows[p.pos]
			p.cur.rows[p.pos] = Row{}
			p.pos++
			return row, nil
		}
		if p.cur != nil && p.cur.err != nil {
			p.err = p.cur.err
		}
		if p.err != nil {
			return Row{}, p.err
		}
		b, ok := <-p.batches
		if !ok { // stopped by close
			p.err = errClosed
			continue
		}
		b.pending.Wait()
		p.cur, p.pos = b, 0
	}
}

// close tells the goroutines to stop without waiting for them: the reading
// one may be blocked on the input, e.g. a terminal.
func (p *pipeline) close() {
	p.once.Do(func() { close(p.quit) })
}

var errClosed = errors.New("refload: the reader is closed")
