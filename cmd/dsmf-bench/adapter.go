package main

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/dsmf/ssc-adapter/cmd/dsmf-bench/workload"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/handlers"
	"github.com/dsmf/ssc-adapter/testkit"
)

// End-to-end throughput and latency of the real adapter (issue 9): the
// dsmf-adapter binary in a process of its own, kfake in another, reference
// data for many insurers, every insurer's director logged in; then a
// realistic mix of portal commands, first as fast as possible (throughput,
// from the first command sent to the last reply read), then paced at
// fractions of that throughput (latency from send to reply).

func init() { scenarios["adapter"] = runAdapter }

const benchKeyID = "bench"

// adapterOptions configure the end-to-end measurement.
type adapterOptions struct {
	Insurers, Employees, Commands, Partitions, Runs int
	Loads                                           []float64
	Phase                                           time.Duration
	Bin, Brokers, ExtraFlags                        string
	Seed                                            uint64
	CPUProfile                                      string
	ProfileFor                                      time.Duration
	ProfilePhase                                    int // 0: throughput, i: the i-th latency phase
	// Peer measures the peer (peer.go) instead of dsmf-adapter: this
	// program's peer-serve, with the same flags.
	Peer bool
}

// adapterRun is what one run measured.
type adapterRun struct {
	throughput phaseResult
	latency    []phaseResult
	outcomes   map[string]int
}

func runAdapter(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("adapter", flag.ContinueOnError)
	var o adapterOptions
	fs.IntVar(&o.Insurers, "insurers", 10000, "insurers on the reference topics (each director logs in)")
	fs.IntVar(&o.Employees, "employees", 100000, "insured persons with identity documents, spread over the insurers")
	fs.IntVar(&o.Commands, "commands", 40000, "commands of the throughput phase")
	loads := fs.String("loads", "0.2,0.6", "latency phases: fractions of the measured throughput, comma-separated")
	fs.DurationVar(&o.Phase, "duration", 10*time.Second, "length of each latency phase")
	ceiling := fs.Float64("ceiling", 0, "the pipe scenario's msg/s; the table then shows the adapter's share of it")
	fs.IntVar(&o.Runs, "runs", 1, "runs, each with a fresh broker and adapter; the table shows each and the median")
	fs.StringVar(&o.Bin, "adapter", "", "dsmf-adapter binary to run; empty builds ./cmd/dsmf-adapter")
	fs.StringVar(&o.Brokers, "brokers", "", "use these brokers (comma-separated) instead of starting kfake in a child process")
	fs.IntVar(&o.Partitions, "partitions", contracts.DefaultPartitions, "partitions of the keyed topics when created")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the reference data and of the command mix")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the adapter during the throughput phase to this file, and what it allocated to the file .allocs beside it (go tool pprof)")
	fs.DurationVar(&o.ProfileFor, "profile-seconds", 5*time.Second, "length of the -cpuprofile profile")
	fs.IntVar(&o.ProfilePhase, "profile-phase", 0, "phase -cpuprofile profiles: 0 the throughput phase, 1 the first latency phase, ...")
	fs.StringVar(&o.ExtraFlags, "adapter-flags", "", "more flags for dsmf-adapter, space-separated (e.g. -max-in-flight=64)")
	fs.BoolVar(&o.Peer, "peer", false, "measure the peer instead: the same handlers behind watermill-kafka's subscriber and publisher (peer.go)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var err error
	if o.Loads, err = parseLoads(*loads); err != nil {
		return err
	}
	runs, err := measureAdapter(ctx, o)
	if err != nil {
		return err
	}
	return printAdapter(runs, *ceiling)
}

func parseLoads(list string) ([]float64, error) {
	var fractions []float64
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f <= 0 {
			return nil, fmt.Errorf("-loads: %q is not a positive fraction", s)
		}
		fractions = append(fractions, f)
	}
	return fractions, nil
}

// measureAdapter builds the adapter when no binary is given, then measures
// o.Runs times.
func measureAdapter(ctx context.Context, o adapterOptions) ([]adapterRun, error) {
	tmp, err := os.MkdirTemp("", "dsmf-bench-adapter-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if o.Peer {
		if o.Bin, err = os.Executable(); err != nil {
			return nil, err
		}
	} else if o.Bin == "" {
		if o.Bin, err = buildAdapter(ctx, tmp); err != nil {
			return nil, err
		}
	}
	var runs []adapterRun
	for i := 0; i < o.Runs; i++ {
		logf("adapter run %d of %d", i+1, o.Runs)
		r, err := adapterOnce(ctx, o)
		if err != nil {
			return nil, fmt.Errorf("run %d: %w", i+1, err)
		}
		runs = append(runs, r)
	}
	return runs, nil
}

// buildAdapter builds dsmf-adapter into dir.
func buildAdapter(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "dsmf-adapter")
	logf("building dsmf-adapter")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/dsmf/ssc-adapter/cmd/dsmf-adapter")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("build dsmf-adapter: %w", err)
	}
	return bin, nil
}

// adapterOnce is one run: a fresh broker, reference data, a fresh adapter.
func adapterOnce(ctx context.Context, o adapterOptions) (adapterRun, error) {
	b, err := startBroker(ctx, o.Brokers)
	if err != nil {
		return adapterRun{}, err
	}
	defer b.Close()
	if err := ensureTopics(b.Addrs, int32(o.Partitions)); err != nil {
		return adapterRun{}, err
	}
	g := workload.New(workload.Config{Insurers: o.Insurers, Persons: o.Employees, Documents: o.Employees, Seed: o.Seed})
	f, err := fill(ctx, b.Addrs, g)
	if err != nil {
		return adapterRun{}, fmt.Errorf("reference data: %w", err)
	}
	logf("published %d reference records in %.1f s", f.References, f.Seconds)

	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		return adapterRun{}, err
	}
	httpAddr, err := freePort()
	if err != nil {
		return adapterRun{}, err
	}
	var serve []string
	if o.Peer {
		serve = []string{"peer-serve"}
	}
	cmd := exec.Command(o.Bin, append(append(serve, "-brokers", strings.Join(b.Addrs, ","), "-demo-data=false",
		"-portal-keys", benchKeyID+"="+base64.StdEncoding.EncodeToString(pub),
		"-http-addr", httpAddr, "-log-level", "warn", "-partitions", strconv.Itoa(o.Partitions), "-pprof"),
		strings.Fields(o.ExtraFlags)...)...)
	// gctrace: the garbage collector's share of the adapter's CPU per phase.
	cmd.Env = append(os.Environ(), asMainEnv+"=1", "GODEBUG=gctrace=1")
	gc := &gcTrace{out: os.Stderr}
	cmd.Stderr = gc
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return adapterRun{}, fmt.Errorf("start dsmf-adapter: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}()
	started := time.Now()
	if err := waitReady(ctx, httpAddr, exited, 3*time.Minute); err != nil {
		return adapterRun{}, err
	}
	logf("adapter ready in %.1f s (pid %d, broker pid %d)", time.Since(started).Seconds(), cmd.Process.Pid, b.Pid())

	d, err := newDriver(b.Addrs)
	if err != nil {
		return adapterRun{}, err
	}
	defer d.Close()
	m := newMix(g, key, o.Seed, time.Now())

	// Every director logs in.
	loginStart := time.Now()
	var wg sync.WaitGroup
	var sessMu sync.Mutex
	for i := 0; i < o.Insurers; i++ {
		c, err := m.login(i)
		if err != nil {
			return adapterRun{}, err
		}
		wg.Add(1)
		d.send(c, func(r reply) {
			defer wg.Done()
			var res contracts.LoginResult
			if r.typ != contracts.TypeError && json.Unmarshal(r.data, &res) == nil && res.SessionID != "" {
				sessMu.Lock()
				m.sessions[i] = append(m.sessions[i], testkit.Session{ID: res.SessionID, VOEN: g.VOEN(i)})
				sessMu.Unlock()
			}
		})
	}
	if !waitGroup(ctx, &wg, 3*time.Minute) {
		return adapterRun{}, fmt.Errorf("logins: not every director's login answered in 3 minutes")
	}
	logged := 0
	for _, s := range m.sessions {
		if len(s) > 0 {
			logged++
		}
	}
	logf("%d of %d directors logged in in %.1f s", logged, o.Insurers, time.Since(loginStart).Seconds())
	if logged == 0 {
		return adapterRun{}, fmt.Errorf("no director could log in")
	}
	// Drafts for the submits of the throughput phase to sign.
	m.onlyDrafts = true
	if _, err := m.run(ctx, d, o.Commands*15/100, 0, 0); err != nil {
		return adapterRun{}, fmt.Errorf("drafts: %w", err)
	}
	m.onlyDrafts = false
	logf("%d drafts saved to submit", len(m.drafts))
	d.resetStats()

	var profiled sync.WaitGroup
	defer profiled.Wait()
	profile := func(phase int) {
		if o.CPUProfile == "" || phase != o.ProfilePhase {
			return
		}
		profiled.Add(2)
		for kind, path := range map[string]string{"profile": o.CPUProfile, "allocs": o.CPUProfile + ".allocs"} {
			go func() {
				defer profiled.Done()
				if err := fetchProfile(httpAddr, kind, o.ProfileFor, path); err != nil {
					logf("%s profile: %v", kind, err)
				}
			}()
		}
	}

	// (a) Throughput.
	profile(0)
	var run adapterRun
	cpu0 := cpuTicks(cmd.Process.Pid, b.Pid(), os.Getpid())
	if run.throughput, err = m.run(ctx, d, o.Commands, 0, 0); err != nil {
		return adapterRun{}, fmt.Errorf("throughput: %w", err)
	}
	cpu1 := cpuTicks(cmd.Process.Pid, b.Pid(), os.Getpid())
	for i := range run.throughput.cpu {
		run.throughput.cpu[i] = float64(cpu1[i]-cpu0[i]) / 100 / run.throughput.seconds
	}
	run.outcomes = d.resetStats()

	// (b) Latency at fractions of it.
	for i, fr := range o.Loads {
		profile(i + 1)
		rate := run.throughput.rate() * fr
		logf("latency at %.0f%% of throughput: %.0f commands/s for %s", fr*100, rate, o.Phase)
		before, err := scrapeHistograms(httpAddr)
		if err != nil {
			return adapterRun{}, fmt.Errorf("metrics: %w", err)
		}
		stopNotices, err := d.watchNotices(ctx)
		if err != nil {
			return adapterRun{}, fmt.Errorf("notices: %w", err)
		}
		c0, gc0 := cpuTicks(cmd.Process.Pid, b.Pid(), os.Getpid()), gc.total()
		r, err := m.run(ctx, d, int(rate*o.Phase.Seconds()), rate, fr)
		if err != nil {
			stopNotices()
			return adapterRun{}, fmt.Errorf("latency at %.0f%%: %w", fr*100, err)
		}
		c1, gc1 := cpuTicks(cmd.Process.Pid, b.Pid(), os.Getpid()), gc.total()
		r.notices = stopNotices()
		if c1[0] > c0[0] {
			r.gcShare = (gc1 - gc0).Seconds() / (float64(c1[0]-c0[0]) / 100)
		}
		for i := range r.cpu {
			r.cpu[i] = float64(c1[i]-c0[i]) / 100 / r.seconds
		}
		after, err := scrapeHistograms(httpAddr)
		if err != nil {
			return adapterRun{}, fmt.Errorf("metrics: %w", err)
		}
		total := after["total"]
		r.inside = [3]float64{total.quantileSince(before["total"], 0.5), total.quantileSince(before["total"], 0.99),
			total.quantileSince(before["total"], 0.999)}
		for i, stage := range waitStages {
			r.waits[i] = after[stage].quantileSince(before[stage], 0.99)
		}
		run.latency = append(run.latency, r)
	}
	return run, nil
}

// waitStages are the adapter's wait stages, as the table shows them.
var waitStages = []string{handlers.StageWriteEvent, handlers.StageAwaitEvent, handlers.StageWriteAnswer}

// printAdapter prints every run's phases, then the medians.
func printAdapter(runs []adapterRun, ceiling float64) error {
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "run\tphase\tcommands\tanswered\tseconds\tcommands/s\tof ceiling\tp50 ms\tp99 ms\tp99.9 ms\tmax ms\tin the adapter ≤ p50/p99/p99.9 ms\tp99 waits ≤ event write/fold/answer write ms\tCPU adapter/kfake/bench\tnotices\tnotice delay p50/p99 ms\tGC of adapter CPU\t\n")
	share := func(rate float64) string {
		if ceiling > 0 {
			return fmt.Sprintf("%.1f%%", 100*rate/ceiling)
		}
		return "-"
	}
	row := func(run, name string, r phaseResult) {
		inside, waits, notices := "-", "-", "-"
		if len(r.notices) > 0 {
			notices = fmt.Sprintf("%.1f / %.1f", quantileMs(r.notices, 0.5), quantileMs(r.notices, 0.99))
		}
		if r.inside != [3]float64{} {
			inside = fmt.Sprintf("%g / %g / %g", r.inside[0], r.inside[1], r.inside[2])
			waits = fmt.Sprintf("%g / %g / %g", r.waits[0], r.waits[1], r.waits[2])
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.2f\t%.0f\t%s\t%.1f\t%.1f\t%.1f\t%.1f\t%s\t%s\t%.2f / %.2f / %.2f\t%d\t%s\t%.1f%%\t\n", run, name, r.sent, r.answered, r.seconds, r.rate(),
			share(r.rate()), r.pct(0.5), r.pct(0.99), r.pct(0.999), r.pct(1), inside, waits, r.cpu[0], r.cpu[1], r.cpu[2], len(r.notices), notices, 100*r.gcShare)
	}
	for i, run := range runs {
		row(strconv.Itoa(i+1), "throughput", run.throughput)
		for _, r := range run.latency {
			row(strconv.Itoa(i+1), fmt.Sprintf("paced %.0f%%", r.load*100), r)
		}
	}
	if len(runs) > 1 {
		med := medianAdapter(runs)
		fmt.Fprintf(tw, "median\tthroughput\t\t\t\t%.0f\t%s\t\t\t\t\t\n", med.rate, share(med.rate))
		for _, l := range med.latency {
			fmt.Fprintf(tw, "median\tpaced %.0f%%\t\t\t\t%.0f\t%s\t%.1f\t%.1f\t%.1f\t%.1f\t\n", l.load*100, l.rate, share(l.rate), l.p50, l.p99, l.p999, l.max)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Println()
	last := runs[len(runs)-1]
	tw = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "throughput phase (last run)\t\n")
	fmt.Fprintf(tw, "  CPU of the adapter / kfake / this bench\t%.2f / %.2f / %.2f cores\n", last.throughput.cpu[0], last.throughput.cpu[1], last.throughput.cpu[2])
	var kinds []string
	for k := range last.outcomes {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(tw, "  %s\t%d\n", k, last.outcomes[k])
	}
	return tw.Flush()
}

// adapterMedians are the medians over runs of each figure.
type adapterMedians struct {
	rate    float64
	cpu     float64
	latency []latencyMedian
}

type latencyMedian struct {
	load, rate, p50, p99, p999, max float64
	// noticeP50 and noticeP99 are the notice delay's (ms); notices counts them.
	noticeP50, noticeP99, notices float64
	// gcShare is the garbage collector's share of the adapter's CPU.
	gcShare float64
}

func medianAdapter(runs []adapterRun) adapterMedians {
	of := func(f func(adapterRun) float64) float64 {
		xs := make([]float64, len(runs))
		for i, r := range runs {
			xs[i] = f(r)
		}
		return medianOf(xs)
	}
	med := adapterMedians{rate: of(func(r adapterRun) float64 { return r.throughput.rate() }),
		cpu: of(func(r adapterRun) float64 { return r.throughput.cpu[0] })}
	for i := range runs[0].latency {
		at := func(q float64) float64 { return of(func(r adapterRun) float64 { return r.latency[i].pct(q) }) }
		med.latency = append(med.latency, latencyMedian{load: runs[0].latency[i].load,
			rate: of(func(r adapterRun) float64 { return r.latency[i].rate() }),
			p50:  at(0.5), p99: at(0.99), p999: at(0.999), max: at(1),
			noticeP50: of(func(r adapterRun) float64 { return quantileMs(r.latency[i].notices, 0.5) }),
			noticeP99: of(func(r adapterRun) float64 { return quantileMs(r.latency[i].notices, 0.99) }),
			notices:   of(func(r adapterRun) float64 { return float64(len(r.latency[i].notices)) }),
			gcShare:   of(func(r adapterRun) float64 { return r.latency[i].gcShare })})
	}
	return med
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// fetchProfile saves the adapter's profile of a kind (profile: CPU, allocs:
// allocations) over the next d.
func fetchProfile(addr, kind string, d time.Duration, path string) error {
	resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/%s?seconds=%d", addr, kind, int(d.Seconds())))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s", resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	logf("%s profile of the adapter written to %s (go tool pprof -top %s)", kind, path, path)
	return f.Close()
}

func waitReady(ctx context.Context, addr string, exited <-chan error, within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-exited:
			return fmt.Errorf("dsmf-adapter exited before it was ready: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("dsmf-adapter not ready within %s", within)
}

func waitGroup(ctx context.Context, wg *sync.WaitGroup, within time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-ctx.Done():
	case <-time.After(within):
	}
	return false
}

// cpuTicks is the user+system CPU time of each process, in clock ticks
// (1/100 s); 0 for a process that is not ours to read.
func cpuTicks(pids ...int) []int64 {
	out := make([]int64, len(pids))
	for i, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 12 {
			u, _ := strconv.ParseInt(f[11], 10, 64)
			k, _ := strconv.ParseInt(f[12], 10, 64)
			out[i] = u + k
		}
	}
	return out
}
