package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/dsmf/ssc-adapter/adapters/notice"
	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/cmd/dsmf-bench/workload"
	"github.com/dsmf/ssc-adapter/contracts"
)

// The whole of issue 9 in one table: the ceiling, the adapter's throughput
// and latency, the cold start, notices and memory, each the median of
// several runs, with the machine and the commit.

func init() { scenarios["report"] = runReport }

// Targets of issue 9 (and 3, for the cold start).
const (
	targetShare        = 0.5 // adapter throughput / ceiling
	targetP99At60      = 20.0
	targetP999At60     = 50.0
	targetNoticesPerS  = 500.0
	targetNoticeBytes  = 60_000
	targetLatencyLoad2 = 0.6
)

func runReport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	runs := fs.Int("runs", 3, "runs of each measurement; the table shows medians")
	scale := fs.Float64("scale", 1, "fraction of the issue's data sets (cold start: 1,000,000 documents and persons, 100,000 insurers, 1,000,000 events; adapter: 10,000 insurers, 100,000 employees)")
	commands := fs.Int("commands", 40000, "commands of the adapter's throughput phase")
	phase := fs.Duration("duration", 10*time.Second, "length of each latency phase")
	bin := fs.String("adapter", "", "dsmf-adapter binary; empty builds ./cmd/dsmf-adapter")
	skip := fs.String("skip", "", "comma-separated parts to leave out: pipe, adapter, coldstart, notices, memory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	skipped := map[string]bool{}
	for _, s := range strings.Split(*skip, ",") {
		skipped[strings.TrimSpace(s)] = true
	}
	n := func(full int) int { return max(1, int(float64(full)**scale)) }
	var rows []reportRow

	var ceiling float64
	if !skipped["pipe"] {
		logf("== ceiling: sarama consume→produce pipe")
		pr, err := measurePipe(ctx, pipeOptions{Messages: 200_000, Runs: *runs, Partitions: contracts.DefaultPartitions, Size: 500})
		if err != nil {
			return fmt.Errorf("pipe: %w", err)
		}
		var rates []float64
		for _, r := range pr {
			rates = append(rates, r.rate())
		}
		ceiling = medianOf(rates)
		rows = append(rows, reportRow{"1. ceiling: sarama consume→produce pipe (msg/s)", fmt.Sprintf("%.0f", ceiling), "", ""})
	}

	if !skipped["adapter"] {
		logf("== adapter end to end")
		ar, err := measureAdapter(ctx, adapterOptions{Insurers: n(10_000), Employees: n(100_000), Commands: *commands,
			Partitions: contracts.DefaultPartitions, Runs: *runs, Loads: []float64{0.2, targetLatencyLoad2}, Phase: *phase,
			Bin: *bin, Seed: 1})
		if err != nil {
			return fmt.Errorf("adapter: %w", err)
		}
		med := medianAdapter(ar)
		share, verdictShare := "", ""
		if ceiling > 0 {
			share = fmt.Sprintf(" (%.1f%% of the ceiling)", 100*med.rate/ceiling)
			verdictShare = verdict(med.rate/ceiling >= targetShare)
		}
		rows = append(rows, reportRow{"2. adapter throughput, realistic mix (commands/s)", fmt.Sprintf("%.0f%s", med.rate, share),
			fmt.Sprintf("≥ %.0f%% of (1)", targetShare*100), verdictShare})
		rows = append(rows, reportRow{"   CPU of the adapter in that phase (cores)", fmt.Sprintf("%.2f", med.cpu), "", ""})
		for _, l := range med.latency {
			target, v := "", ""
			if l.load == targetLatencyLoad2 {
				target = fmt.Sprintf("p99 < %.0f, p99.9 < %.0f", targetP99At60, targetP999At60)
				v = verdict(l.p99 < targetP99At60 && l.p999 < targetP999At60)
			}
			rows = append(rows, reportRow{fmt.Sprintf("3. latency at %.0f%% load, %.0f commands/s: p50 / p99 / p99.9 (ms)", l.load*100, l.rate),
				fmt.Sprintf("%.1f / %.1f / %.1f", l.p50, l.p99, l.p999), target, v})
		}
	}

	if !skipped["coldstart"] {
		logf("== cold start")
		cfg := workload.Config{Documents: n(1_000_000), Persons: n(1_000_000), Insurers: n(100_000), Events: n(1_000_000), Seed: 1}
		plain, rebuild, perRef, err := coldStartMedians(ctx, cfg, *runs)
		if err != nil {
			return fmt.Errorf("cold start: %w", err)
		}
		rows = append(rows, reportRow{fmt.Sprintf("4. cold start of %d records: rebuild / plain read (records/s)", cfg.Documents+cfg.Persons+cfg.Insurers+cfg.Events),
			fmt.Sprintf("%.0f / %.0f (%.2f)", rebuild.rate, plain.rate, rebuild.rate/plain.rate), "≥ 0.5 of the plain read", verdict(rebuild.rate/plain.rate >= targetRatio)})
		rows = append(rows, reportRow{"   cold start: seconds to ready, peak RSS (MiB)", fmt.Sprintf("%.1f s, %.0f MiB", rebuild.seconds, rebuild.peakMiB), "", ""})
		rows = append(rows, reportRow{"6. heap per reference record (B, all state included)", fmt.Sprintf("%.0f", perRef), fmt.Sprintf("< %d", targetBytesPerRe), verdict(perRef < targetBytesPerRe)})
	}

	if !skipped["notices"] {
		logf("== notices")
		perSecond, size := noticeFigures(*runs)
		rows = append(rows, reportRow{"5. notices on one core (PDFs/s), bytes per notice", fmt.Sprintf("%.0f, %d B", perSecond, size),
			fmt.Sprintf("≥ %.0f/s, < %d B", targetNoticesPerS, targetNoticeBytes), verdict(perSecond >= targetNoticesPerS && size < targetNoticeBytes)})
	}

	if !skipped["memory"] {
		logf("== memory per application")
		perApp, apps, err := applicationMemory(workload.Config{Insurers: n(100_000), Persons: n(1_000_000),
			Documents: n(1_000_000), Events: n(1_000_000), Seed: 1})
		if err != nil {
			return fmt.Errorf("memory: %w", err)
		}
		rows = append(rows, reportRow{fmt.Sprintf("6. heap per application held (B; %d applications, with the sessions, grants and outcomes of the same log)", apps),
			fmt.Sprintf("%.0f", perApp), "", ""})
	}

	printReport(rows, *runs, *scale)
	return nil
}

type reportRow struct{ figure, value, target, verdict string }

func printReport(rows []reportRow, runs int, scale float64) {
	fmt.Printf("\n%s; commit %s; %s; medians of %d runs; data sets at %.2f of the issue's\n\n",
		machine(), commit(), runtime.Version(), runs, scale)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 1, ' ', 0)
	fmt.Fprintln(tw, "| figure\t| value\t| target\t| \t|")
	fmt.Fprintln(tw, "|---\t|---\t|---\t|---\t|")
	for _, r := range rows {
		fmt.Fprintf(tw, "| %s\t| %s\t| %s\t| %s\t|\n", r.figure, r.value, r.target, r.verdict)
	}
	tw.Flush()
}

// machine names the CPU and how many there are.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%d × %s", runtime.NumCPU(), model)
}

// commit is the commit this program was built from (go run and go build in
// the repository record it), else the working directory's.
func commit() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		var rev, dirty string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "-dirty"
				}
			}
		}
		if len(rev) >= 7 {
			return rev[:7] + dirty
		}
	}
	out, err := exec.Command("git", "describe", "--always", "--dirty").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

// coldFigures are a cold start's medians.
type coldFigures struct{ rate, seconds, peakMiB float64 }

// coldStartMedians fills a fresh kfake with cfg's data set, then measures
// the plain read and the rebuild runs times each, in child processes.
func coldStartMedians(ctx context.Context, cfg workload.Config, runs int) (plain, rebuild coldFigures, perRef float64, err error) {
	b, err := startBroker(ctx, "")
	if err != nil {
		return plain, rebuild, 0, err
	}
	defer b.Close()
	if err := ensureTopics(b.Addrs, contracts.DefaultPartitions); err != nil {
		return plain, rebuild, 0, err
	}
	if _, err := fill(ctx, b.Addrs, workload.New(cfg)); err != nil {
		return plain, rebuild, 0, err
	}
	have, err := recordsIn(b.Addrs, stateTopics)
	if err != nil {
		return plain, rebuild, 0, err
	}
	ceilings, rebuilds, err := measureRuns(ctx, b.Addrs, runs, "", have, logf)
	if err != nil {
		return plain, rebuild, 0, err
	}
	figures := func(ms []measurement) coldFigures {
		return coldFigures{rate: median(ms, measurement.rate), seconds: median(ms, func(m measurement) float64 { return m.Seconds }),
			peakMiB: median(ms, func(m measurement) float64 { return mib(m.PeakRSS) })}
	}
	perRef = median(rebuilds, func(m measurement) float64 { return float64(m.HeapAlloc) / float64(m.References) })
	return figures(ceilings), figures(rebuilds), perRef, nil
}

// noticeFigures renders the example notice on one core: the median rate of
// runs benchmarks, and the size of one notice.
func noticeFigures(runs int) (perSecond float64, size int) {
	r, err := notice.NewRenderer()
	if err != nil {
		logf("notice renderer: %v", err)
		return 0, 0
	}
	n := notice.Example()
	pdf, err := r.Render(n)
	if err != nil {
		logf("notice: %v", err)
		return 0, 0
	}
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	var rates []float64
	for i := 0; i < runs; i++ {
		res := testing.Benchmark(func(b *testing.B) {
			for b.Loop() {
				if _, err := r.Render(n); err != nil {
					b.Fatal(err)
				}
			}
		})
		rates = append(rates, float64(res.N)/res.T.Seconds())
	}
	return medianOf(rates), len(pdf)
}

// applicationMemory folds the event log of the cold start's data set (its
// reference data left out) into a fresh store and divides the heap it holds
// by the applications in it.
func applicationMemory(cfg workload.Config) (perApp float64, apps int, err error) {
	g := workload.New(cfg)
	var records []store.Record
	if _, err := g.Events(func(r workload.Record) error {
		records = append(records, r.StoreRecord())
		return nil
	}); err != nil {
		return 0, 0, err
	}
	before := heapAlloc()
	st, err := store.New()
	if err != nil {
		return 0, 0, err
	}
	const batch = 4096
	for i := 0; i < len(records); i += batch {
		st.Apply(records[i:min(i+batch, len(records))])
	}
	st.Freeze() // as the service does after its start
	st.Compact()
	after := heapAlloc()
	runtime.KeepAlive(records) // held in both measurements: only the store differs
	v := st.View()
	for i := 0; i < cfg.Insurers; i++ {
		apps += len(v.Applications(g.VOEN(i)))
	}
	runtime.KeepAlive(st)
	if apps == 0 {
		return 0, 0, fmt.Errorf("no application in state after %d events", cfg.Events)
	}
	return float64(after-before) / float64(apps), apps, nil
}

func heapAlloc() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
