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
	day := dayOf(out.At)
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

// dayOf is the number of a time's day (UTC) since 1970-01-01: cheaper, for
// every event, than formatting its date.
func dayOf(t time.Time) int64 {
	sec := t.Unix()
	day := sec / 86400
	if sec%86400 < 0 {
		day--
	}
	return day
}
