package store

import "time"

// OutcomeRetention is how long the outcome of a command is remembered. A
// command can come again only while it is on a command topic (7 days of
// retention), so a day more is enough: an older outcome can never be asked
// for, and forgetting it keeps the memory of handled commands bounded.
// Never reset the adapter's consumer group to the earliest offset: commands
// older than this would be decided again.
const OutcomeRetention = 8 * 24 * time.Hour

// rememberOutcome files an outcome under its day and forgets the days that
// have passed OutcomeRetention. It runs in the fold, by the events' own
// times, so a rebuild forgets exactly what the live state forgot.
func (t *tx) rememberOutcome(out *Outcome) {
	day := out.At.UTC().Format(time.DateOnly)
	ids, _ := t.maps.outcomeDays.Get(day)
	t.maps.outcomeDays = t.maps.outcomeDays.Set(t.gen, day, ids.Set(t.gen, out.CommandID, struct{}{}))
	if t.maps.oldestDay == "" || day < t.maps.oldestDay {
		t.maps.oldestDay = day
	}
	cut := out.At.Add(-OutcomeRetention).UTC().Format(time.DateOnly)
	for t.maps.oldestDay != "" && t.maps.oldestDay < cut {
		old := t.maps.oldestDay
		if ids, ok := t.maps.outcomeDays.Get(old); ok {
			ids.each(func(id string, _ struct{}) { t.maps.outcomes = t.maps.outcomes.Delete(t.gen, id) })
			t.maps.outcomeDays = t.maps.outcomeDays.Delete(t.gen, old)
		}
		if t.maps.outcomeDays.Len() == 0 {
			t.maps.oldestDay = ""
			break
		}
		next, _ := time.Parse(time.DateOnly, old)
		t.maps.oldestDay = next.AddDate(0, 0, 1).Format(time.DateOnly)
	}
}
