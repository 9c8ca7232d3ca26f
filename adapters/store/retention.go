package store

import "time"

// OutcomeRetention is how long the outcome of a command is remembered. A
// command can come again only while it is on a command topic (7 days of
// retention), so a day more is enough: an older outcome can never be asked
// for, and forgetting it keeps the memory of handled commands bounded.
// Never reset the adapter's consumer group to the earliest offset: commands
// older than this would be decided again.
const OutcomeRetention = 8 * 24 * time.Hour

// rememberOutcome forgets, when an outcome opens a new day, the outcomes
// older than OutcomeRetention. It runs in the fold, by the events' own
// times, so a rebuild forgets exactly what the live state forgot. Once a
// day it walks the outcomes: no index, so no memory per outcome.
func (t *tx) rememberOutcome(out *Outcome) {
	day := out.At.UTC().Format(time.DateOnly)
	if day <= t.maps.outcomesDay {
		return
	}
	t.maps.outcomesDay = day
	cutoff := out.At.Add(-OutcomeRetention)
	var old []string
	t.maps.outcomes.each(func(id string, row string) {
		if outcomeAt(row).Before(cutoff) {
			old = append(old, id)
		}
	})
	for _, id := range old {
		t.maps.outcomes = t.maps.outcomes.Delete(t.w, id)
	}
}
