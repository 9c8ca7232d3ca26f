package main

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// The latency distribution as a percentile plot (the HdrHistogram way): the
// x axis spreads the tail (50 %, 90 %, 99 %, 99.9 % equally apart), the y
// axis is logarithmic, so one picture shows the median and the tail.

// latencySeries is one line of the plot.
type latencySeries struct {
	label string
	// sorted are the latencies, shortest first.
	sorted []time.Duration
}

// plotPoints bounds the points drawn per line: the SVG stays small.
const plotPoints = 600

// writeLatencyPlot draws the series to path (.svg, .png or .pdf, by its
// extension).
func writeLatencyPlot(path, title string, series []latencySeries) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "percentile (send to reply read)"
	p.Y.Label.Text = "latency (ms)"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Legend.Top, p.Legend.Left = false, false // bottom right: the lines rise to the right
	p.Add(plotter.NewGrid())
	colors := []color.Color{color.RGBA{B: 200, A: 255}, color.RGBA{R: 200, A: 255}, color.RGBA{G: 140, A: 255}, color.Black}
	maxX := 1.0
	for i, s := range series {
		if len(s.sorted) == 0 {
			continue
		}
		xys := percentilePoints(s.sorted)
		maxX = math.Max(maxX, xys[len(xys)-1].X)
		l, err := plotter.NewLine(xys)
		if err != nil {
			return fmt.Errorf("plot %s: %w", s.label, err)
		}
		l.Color = colors[i%len(colors)]
		l.Width = vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("%s (%d commands)", s.label, len(s.sorted)), l)
	}
	p.X.Min, p.X.Max = 0, math.Ceil(maxX)
	var ticks []plot.Tick
	for n := 0.0; n <= p.X.Max; n++ {
		ticks = append(ticks, plot.Tick{Value: n, Label: nines(n)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	return p.Save(16*vg.Centimeter, 10*vg.Centimeter, path)
}

// percentilePoints places the i-th of n sorted latencies at x = -log10(1-q),
// q = (i+0.5)/n, thinned to about plotPoints points spread evenly along x.
func percentilePoints(sorted []time.Duration) plotter.XYs {
	n := len(sorted)
	top := -math.Log10(0.5 / float64(n))
	var xys plotter.XYs
	next := 0.0
	for i, d := range sorted {
		x := -math.Log10(1 - (float64(i)+0.5)/float64(n))
		if x < next && i != n-1 {
			continue
		}
		next = x + top/plotPoints
		xys = append(xys, plotter.XY{X: x, Y: math.Max(float64(d)/float64(time.Millisecond), 0.001)})
	}
	return xys
}

// nines labels x = n: 0 %, 90 %, 99 %, 99.9 % ...
func nines(n float64) string {
	if n == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.*f%%", max(0, int(n)-2), 100*(1-math.Pow(10, -n)))
}

// pooled are the latencies of every run's phase i, sorted.
func pooled(runs []adapterRun, i int) []time.Duration {
	var all []time.Duration
	for _, r := range runs {
		if i < len(r.latency) {
			all = append(all, r.latency[i].latencies...)
		}
	}
	sort.Slice(all, func(a, b int) bool { return all[a] < all[b] })
	return all
}
