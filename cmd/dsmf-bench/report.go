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

// Issues 9 and 17 in one table: ceilings A and B, the adapter's and the
// peer's throughput, the adapter's latency and notice delay, the cold start, notices and memory, each the median of
// several runs, with the machine and the commit.

func init() { scenarios["report"] = runReport }

// Targets of issue 17 (and 9 and 3, for notices and the cold start).
const (
	targetShareB       = 0.2 // adapter throughput / ceiling B
	targetPeerRatio    = 3.0 // adapter throughput / the peer's
	targetP99At20      = 25.0
	targetP999At20     = 50.0
	targetP99At60      = 60.0
	targetNoticeP99    = 1000.0 // ms, at 60 % load
	targetGCShare      = 0.10   // of the adapter's CPU, at 60 % load
	targetNoticesPerS  = 500.0
	targetNoticeBytes  = 60_000
	targetLatencyLoad1 = 0.2
	targetLatencyLoad2 = 0.6
)

// reportOptions are the report's sizes and parts.
type reportOptions struct {
	Runs                                 int
	Scale                                float64
	Commands, PipeMessages, CeilingBCmds int
	Phase                                time.Duration
	Bin, Plot                            string
	Skipped                              map[string]bool
}

// quickReport is -quick: every part at a tiny size, one run, in about a
// minute; for checking that the bench works, not for figures.
func quickReport(o reportOptions) reportOptions {
	o.Runs, o.Scale, o.Commands, o.PipeMessages, o.CeilingBCmds, o.Phase = 1, 0.005, 300, 2_000, 500, time.Second
	return o
}

func runReport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	var o reportOptions
	fs.IntVar(&o.Runs, "runs", 3, "runs of each measurement; the table shows medians")
	fs.Float64Var(&o.Scale, "scale", 1, "fraction of the issue's data sets (cold start: 1,000,000 documents and persons, 100,000 insurers, 1,000,000 events; adapter: 10,000 insurers, 100,000 employees)")
	fs.IntVar(&o.Commands, "commands", 40000, "commands of the adapter's and the peer's throughput phase")
	fs.IntVar(&o.PipeMessages, "pipe-messages", 200_000, "messages of ceiling A (the pipe)")
	fs.IntVar(&o.CeilingBCmds, "ceiling-b-commands", 100_000, "commands of ceiling B")
	fs.DurationVar(&o.Phase, "duration", 10*time.Second, "length of each latency phase")
	fs.StringVar(&o.Bin, "adapter", "", "dsmf-adapter binary; empty builds ./cmd/dsmf-adapter")
	fs.StringVar(&o.Plot, "plot", "cmd/dsmf-bench/latency.svg", "where to draw the adapter's latency distribution at both loads (.svg or .png); empty draws none")
	skip := fs.String("skip", "", "comma-separated parts to leave out: pipe, ceiling-b, adapter, peer, coldstart, notices, memory")
	quick := fs.Bool("quick", false, "every part at a tiny size, one run (about a minute): checks the bench, measures nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *quick {
		o = quickReport(o)
	}
	o.Skipped = map[string]bool{}
	for _, s := range strings.Split(*skip, ",") {
		o.Skipped[strings.TrimSpace(s)] = true
	}
	rows, err := makeReport(ctx, o)
	if err != nil {
		return err
	}
	printReport(rows, o.Runs, o.Scale)
	return nil
}

// makeReport measures every part not skipped and returns the table's rows.
func makeReport(ctx context.Context, o reportOptions) ([]reportRow, error) {
	skipped := o.Skipped
	n := func(full int) int { return max(1, int(float64(full)*o.Scale)) }
	var rows []reportRow

	var ceilingA, ceilingB float64
	if !skipped["pipe"] {
		logf("== ceiling A: sarama consume→produce pipe")
		pr, err := measurePipe(ctx, pipeOptions{Messages: o.PipeMessages, Runs: o.Runs, Partitions: contracts.DefaultPartitions, Size: 500})
		if err != nil {
			return nil, fmt.Errorf("pipe: %w", err)
		}
		ceilingA = medianRate(pr)
		rows = append(rows, reportRow{"1. ceiling A: sarama consume→produce pipe (msg/s)", fmt.Sprintf("%.0f", ceilingA), "", ""})
	}
	if !skipped["ceiling-b"] {
		logf("== ceiling B: a command's broker work")
		cr, err := measureCeilingB(ctx, ceilingBOptions{Commands: o.CeilingBCmds, Runs: o.Runs, Partitions: contracts.DefaultPartitions})
		if err != nil {
			return nil, fmt.Errorf("ceiling B: %w", err)
		}
		ceilingB = medianRate(cr)
		rows = append(rows, reportRow{fmt.Sprintf("1. ceiling B: a command's broker work: %d B command, %d B event written and read back, %d B reply + %d B audit (commands/s)",
			cbCommandBytes, cbEventBytes, cbReplyBytes, cbAuditBytes), fmt.Sprintf("%.0f", ceilingB), "", ""})
	}

	if !skipped["adapter"] {
		ar, pr, err := adapterAndPeer(ctx, o, n)
		if err != nil {
			return nil, err
		}
		rows = append(rows, adapterRows(ar, pr, ceilingA, ceilingB)...)
		if o.Plot != "" {
			var series []latencySeries
			for i, l := range ar[0].latency {
				series = append(series, latencySeries{label: fmt.Sprintf("%.0f %% load", l.load*100), sorted: pooled(ar, i)})
			}
			title := fmt.Sprintf("dsmf-adapter, send to reply read; %s; %d run(s) pooled", machine(), len(ar))
			if err := writeLatencyPlot(o.Plot, title, series); err != nil {
				return nil, fmt.Errorf("latency plot: %w", err)
			}
			logf("latency plot written to %s", o.Plot)
		}
	}

	if !skipped["coldstart"] {
		logf("== cold start")
		cfg := workload.Config{Documents: n(1_000_000), Persons: n(1_000_000), Insurers: n(100_000), Events: n(1_000_000), Seed: 1}
		plain, rebuild, perRef, err := coldStartMedians(ctx, cfg, o.Runs)
		if err != nil {
			return nil, fmt.Errorf("cold start: %w", err)
		}
		rows = append(rows, reportRow{fmt.Sprintf("4. cold start of %d records: rebuild / plain read (records/s)", cfg.Documents+cfg.Persons+cfg.Insurers+cfg.Events),
			fmt.Sprintf("%.0f / %.0f (%.2f)", rebuild.rate, plain.rate, rebuild.rate/plain.rate), "≥ 0.5 of the plain read", verdict(rebuild.rate/plain.rate >= targetRatio)})
		rows = append(rows, reportRow{"   cold start: seconds to ready, peak RSS (MiB)", fmt.Sprintf("%.1f s, %.0f MiB", rebuild.seconds, rebuild.peakMiB), "", ""})
		rows = append(rows, reportRow{"6. heap per reference record (B, all state included)", fmt.Sprintf("%.0f", perRef), fmt.Sprintf("< %d", targetBytesPerRe), verdict(perRef < targetBytesPerRe)})
	}

	if !skipped["notices"] {
		logf("== notices")
		perSecond, size := noticeFigures(o.Runs)
		rows = append(rows, reportRow{"5. notices on one core (PDFs/s), bytes per notice", fmt.Sprintf("%.0f, %d B", perSecond, size),
			fmt.Sprintf("≥ %.0f/s, < %d B", targetNoticesPerS, targetNoticeBytes), verdict(perSecond >= targetNoticesPerS && size < targetNoticeBytes)})
	}

	if !skipped["memory"] {
		logf("== memory per application")
		perApp, apps, err := applicationMemory(workload.Config{Insurers: n(100_000), Persons: n(1_000_000),
			Documents: n(1_000_000), Events: n(1_000_000), Seed: 1})
		if err != nil {
			return nil, fmt.Errorf("memory: %w", err)
		}
		rows = append(rows, reportRow{fmt.Sprintf("6. heap per application held (B; %d applications, with the sessions, grants and outcomes of the same log)", apps),
			fmt.Sprintf("%.0f", perApp), "", ""})
	}
	return rows, nil
}

func medianRate(runs []pipeRun) float64 {
	var rates []float64
	for _, r := range runs {
		rates = append(rates, r.rate())
	}
	return medianOf(rates)
}

// adapterAndPeer measures the adapter (throughput, then latency at both
// loads) and the peer (throughput) o.Runs times each, one after the other,
// so that both see the same state of a shared machine.
func adapterAndPeer(ctx context.Context, o reportOptions, n func(int) int) (adapter, peer []adapterRun, err error) {
	tmp, err := os.MkdirTemp("", "dsmf-bench-report-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(tmp)
	bin := o.Bin
	if bin == "" {
		if bin, err = buildAdapter(ctx, tmp); err != nil {
			return nil, nil, err
		}
	}
	ao := adapterOptions{Insurers: n(10_000), Employees: n(100_000), Commands: o.Commands,
		Partitions: contracts.DefaultPartitions, Runs: 1, Loads: []float64{targetLatencyLoad1, targetLatencyLoad2}, Phase: o.Phase,
		Bin: bin, Seed: 1}
	po := ao
	po.Peer, po.Loads = true, nil
	for i := 0; i < o.Runs; i++ {
		logf("== adapter end to end, run %d of %d", i+1, o.Runs)
		r, err := measureAdapter(ctx, ao)
		if err != nil {
			return nil, nil, fmt.Errorf("adapter: %w", err)
		}
		adapter = append(adapter, r...)
		if o.Skipped["peer"] {
			continue
		}
		logf("== the peer (watermill-kafka), run %d of %d", i+1, o.Runs)
		if r, err = measureAdapter(ctx, po); err != nil {
			return nil, nil, fmt.Errorf("peer: %w", err)
		}
		peer = append(peer, r...)
	}
	return adapter, peer, nil
}

// adapterRows are the table's rows of the adapter and the peer.
func adapterRows(ar, pr []adapterRun, ceilingA, ceilingB float64) []reportRow {
	var rows []reportRow
	med := medianAdapter(ar)
	var shares []string
	if ceilingA > 0 {
		shares = append(shares, fmt.Sprintf("%.1f%% of A", 100*med.rate/ceilingA))
	}
	verdictB := ""
	if ceilingB > 0 {
		shares = append(shares, fmt.Sprintf("%.1f%% of B", 100*med.rate/ceilingB))
		verdictB = verdict(med.rate/ceilingB >= targetShareB)
	}
	value := fmt.Sprintf("%.0f", med.rate)
	if len(shares) > 0 {
		value += " (" + strings.Join(shares, ", ") + ")"
	}
	rows = append(rows, reportRow{"2. adapter throughput, realistic mix (commands/s)", value, fmt.Sprintf("≥ %.0f%% of B", targetShareB*100), verdictB})
	rows = append(rows, reportRow{"   CPU of the adapter in that phase (cores)", fmt.Sprintf("%.2f", med.cpu), "", ""})
	if len(pr) > 0 {
		peer := medianAdapter(pr)
		rows = append(rows, reportRow{"2. the peer: the same handlers on watermill-kafka's subscriber and publisher (commands/s)", fmt.Sprintf("%.0f", peer.rate), "", ""})
		rows = append(rows, reportRow{"   adapter / peer", fmt.Sprintf("%.1f×", med.rate/peer.rate), fmt.Sprintf("≥ %.0f×", targetPeerRatio), verdict(med.rate/peer.rate >= targetPeerRatio)})
	}
	for _, l := range med.latency {
		target, v := "", ""
		switch l.load {
		case targetLatencyLoad1:
			target = fmt.Sprintf("p99 < %.0f, p99.9 < %.0f", targetP99At20, targetP999At20)
			v = verdict(l.p99 < targetP99At20 && l.p999 < targetP999At20)
		case targetLatencyLoad2:
			target = fmt.Sprintf("p99 < %.0f", targetP99At60)
			v = verdict(l.p99 < targetP99At60)
		}
		rows = append(rows, reportRow{fmt.Sprintf("3. latency at %.0f%% load, %.0f commands/s: p50 / p99 / p99.9 (ms)", l.load*100, l.rate),
			fmt.Sprintf("%.1f / %.1f / %.1f", l.p50, l.p99, l.p999), target, v})
		target, v = "", ""
		if l.load == targetLatencyLoad2 {
			target, v = fmt.Sprintf("p99 < %.0f", targetNoticeP99), verdict(l.notices > 0 && l.noticeP99 < targetNoticeP99)
		}
		rows = append(rows, reportRow{fmt.Sprintf("   notice delay at %.0f%% load, %.0f notices: p50 / p99 (ms)", l.load*100, l.notices),
			fmt.Sprintf("%.1f / %.1f", l.noticeP50, l.noticeP99), target, v})
		target, v = "", ""
		if l.load == targetLatencyLoad2 {
			target, v = fmt.Sprintf("< %.0f%%", 100*targetGCShare), verdict(l.gcShare < targetGCShare)
		}
		rows = append(rows, reportRow{fmt.Sprintf("   garbage collection at %.0f%% load (share of the adapter's CPU, gctrace)", l.load*100),
			fmt.Sprintf("%.1f%%", 100*l.gcShare), target, v})
	}
	return rows
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
