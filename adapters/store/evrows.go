package store

import "time"

// The outcome of each command, as a row (row.go) starting with its key,
// inline: the memory of handled commands stays in the compact engine
// (docs/decisions/reference-registers.md).

func (t *tx) outcomeRow(o *Outcome) string {
	w := t.writer()
	w.str(o.CommandID)
	w.shared(o.InsurerVOEN)
	w.shared(o.EventType)
	w.str(o.Ref)
	w.shared(o.Code)
	w.str(o.Detail)
	w.time(o.At)
	return t.done(w)
}

func readOutcome(row string, tab strs) Outcome {
	r := rowReader{s: row, t: tab}
	return Outcome{CommandID: r.str(), InsurerVOEN: r.str(), EventType: r.str(), Ref: r.str(), Code: r.str(),
		Detail: r.str(), At: r.time()}
}

// outcomeAt is the time of an outcome's row.
func outcomeAt(row string) time.Time {
	r := rowReader{s: row} // skips shared strings without reading them
	for range 6 {
		r.skip()
	}
	return r.time()
}
