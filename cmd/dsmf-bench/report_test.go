package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain runs this program instead of the tests in the children the
// scenarios start from their own executable (kfake, the peer, the cold
// start's measurements): under go test that executable is the test binary.
func TestMain(m *testing.M) {
	if os.Getenv(asMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestReportQuick runs every part of the report at a tiny size (a few
// hundred commands) through kfake in a child process: each figure comes out
// and the latency plot is drawn. It checks that the bench works, not how
// fast anything is.
func TestReportQuick(t *testing.T) {
	plot := filepath.Join(t.TempDir(), "latency.svg")
	o := quickReport(reportOptions{Plot: plot, Skipped: map[string]bool{}})
	if testing.Short() {
		o.Skipped = map[string]bool{"coldstart": true, "memory": true, "notices": true}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rows, err := makeReport(ctx, o)
	require.NoError(t, err)

	figure := func(prefix string) float64 {
		t.Helper()
		for _, r := range rows {
			if strings.HasPrefix(r.figure, prefix) {
				first, _, _ := strings.Cut(r.value, " ")
				v, err := strconv.ParseFloat(strings.TrimRight(first, "×,"), 64)
				require.NoError(t, err, "%s: %q", r.figure, r.value)
				return v
			}
		}
		t.Fatalf("no row %q in the report", prefix)
		return 0
	}
	for _, prefix := range []string{"1. ceiling A", "1. ceiling B", "2. adapter throughput", "2. the peer", "   adapter / peer",
		"3. latency at 20% load", "3. latency at 60% load"} {
		assert.Positive(t, figure(prefix), prefix)
	}
	if !testing.Short() {
		for _, prefix := range []string{"4. cold start", "5. notices", "6. heap per application"} {
			assert.Positive(t, figure(prefix), prefix)
		}
	}

	svg, err := os.ReadFile(plot)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(svg), "<?xml"), "an SVG document")
	assert.Contains(t, string(svg), "20 % load")
	assert.Contains(t, string(svg), "60 % load")
}

func TestNinesLabelTheTail(t *testing.T) {
	assert.Equal(t, []string{"0%", "90%", "99%", "99.9%", "99.99%"}, []string{nines(0), nines(1), nines(2), nines(3), nines(4)})
}

func TestPercentilePointsKeepTheExtremes(t *testing.T) {
	sorted := make([]time.Duration, 100_000)
	for i := range sorted {
		sorted[i] = time.Duration(i+1) * time.Microsecond
	}
	xys := percentilePoints(sorted)
	assert.LessOrEqual(t, len(xys), plotPoints+2, "thinned")
	assert.Equal(t, 0.001, xys[0].Y, "the shortest, in ms")
	assert.Equal(t, 100.0, xys[len(xys)-1].Y, "the longest, in ms")
	for i := 1; i < len(xys); i++ {
		require.Greater(t, xys[i].X, xys[i-1].X)
	}
}

func TestGCTraceCountsCPUAndPassesTheRestOn(t *testing.T) {
	var out strings.Builder
	g := &gcTrace{out: &out}
	_, err := g.Write([]byte("gc 1 @0.012s 2%: 0.011+1.2+0.003 ms clock, 0.045+0.5/1.1/0.25+0.012 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\nlevel=WARN msg=x\ngc 2 @0.1s 2%: 0+1+0 ms clock, 1+2/3/4+5 ms "))
	require.NoError(t, err)
	_, err = g.Write([]byte("cpu, 4->4->1 MB, 4 MB goal, 2 P\n"))
	require.NoError(t, err)
	assert.InDelta(t, (0.045+0.5+1.1+0.25+0.012+15)*float64(time.Millisecond), float64(g.total()), 1)
	assert.Equal(t, "level=WARN msg=x\n", out.String())
}
