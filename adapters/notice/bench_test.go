package notice

import (
	"testing"
)

// benchRender renders n b.N times and reports documents per second and
// bytes per document.
func benchRender(b *testing.B, n Notice) {
	r := testRenderer(b)
	var size int
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pdf, err := r.Render(n)
		if err != nil {
			b.Fatal(err)
		}
		size = len(pdf)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(size), "bytes/doc")
}

// BenchmarkRender renders the sample notice (the manual's insurer, a
// rejected duplicate with four history rows): the fast path.
func BenchmarkRender(b *testing.B) { benchRender(b, Example()) }

// BenchmarkRenderFallback renders a notice with a Cyrillic name, which takes
// the UTF-8 fallback path.
func BenchmarkRenderFallback(b *testing.B) {
	n := Example()
	n.App.Person.Name = "ЛЕЙЛА"
	benchRender(b, n)
}

// BenchmarkRenderParallel renders the sample notice from GOMAXPROCS
// goroutines.
func BenchmarkRenderParallel(b *testing.B) {
	r := testRenderer(b)
	n := Example()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := r.Render(n); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkNewRenderer measures the one-time preparation of the fonts.
func BenchmarkNewRenderer(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := NewRenderer(); err != nil {
			b.Fatal(err)
		}
	}
}
