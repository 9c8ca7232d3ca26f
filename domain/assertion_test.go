package domain_test

import (
	"testing"
	"time"

	"github.com/dsmf/ssc-adapter/domain"
)

func TestAssertionWindow(t *testing.T) {
	t.Parallel()
	w := domain.AssertionWindow{MaxAge: 5 * time.Minute, Skew: 30 * time.Second}
	cases := []struct {
		name     string
		issuedAt time.Time
		want     error
	}{
		{"just issued", t0, nil},
		{"at the age limit", t0.Add(-5 * time.Minute), nil},
		{"past the age limit", t0.Add(-5*time.Minute - time.Second), domain.ErrAssertionStale},
		{"slightly ahead, within the skew", t0.Add(30 * time.Second), nil},
		{"ahead beyond the skew", t0.Add(31 * time.Second), domain.ErrAssertionFuture},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { requireCode(t, w.Check(c.issuedAt, t0), c.want) })
	}
}
