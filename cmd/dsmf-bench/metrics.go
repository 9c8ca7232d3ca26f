package main

import (
	"bufio"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// handlerBuckets are the cumulative counts of one of the adapter's
// histograms by bucket bound (seconds; +Inf as math.Inf(1)).
type handlerBuckets map[float64]float64

// histograms are the adapter's histograms of handling: "total" is
// dsmf_handler_duration_seconds summed over message types, the others
// dsmf_handler_wait_seconds by stage.
type histograms map[string]handlerBuckets

// scrapeHistograms reads them from the adapter's /metrics.
func scrapeHistograms(addr string) (histograms, error) {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	hs := histograms{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		var name string
		switch {
		case strings.HasPrefix(line, "dsmf_handler_duration_seconds_bucket{"):
			name = "total"
		case strings.HasPrefix(line, `dsmf_handler_wait_seconds_bucket{stage="`):
			name, _, _ = strings.Cut(strings.TrimPrefix(line, `dsmf_handler_wait_seconds_bucket{stage="`), `"`)
		default:
			continue
		}
		if hs[name] == nil {
			hs[name] = handlerBuckets{}
		}
		b := hs[name]
		_, rest, _ := strings.Cut(line, `le="`)
		le, count, ok := strings.Cut(rest, `"} `)
		if !ok {
			continue
		}
		bound, err1 := strconv.ParseFloat(le, 64) // "+Inf" parses as +Inf
		n, err2 := strconv.ParseFloat(strings.TrimSpace(count), 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("metrics line %q", line)
		}
		b[bound] += n
	}
	return hs, sc.Err()
}

// quantileSince is the bucket bound under which the q-quantile of what was
// handled between before and b lies, in milliseconds: an upper bound, as
// fine as the histogram's buckets.
func (b handlerBuckets) quantileSince(before handlerBuckets, q float64) float64 {
	bounds := make([]float64, 0, len(b))
	for bound := range b {
		bounds = append(bounds, bound)
	}
	sort.Float64s(bounds)
	if len(bounds) == 0 {
		return math.NaN()
	}
	total := b[bounds[len(bounds)-1]] - before[bounds[len(bounds)-1]]
	for _, bound := range bounds {
		if b[bound]-before[bound] >= q*total {
			return bound * 1000
		}
	}
	return math.Inf(1)
}
