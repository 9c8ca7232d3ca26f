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

func runAdapter(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("adapter", flag.ContinueOnError)
	insurers := fs.Int("insurers", 10000, "insurers on the reference topics (each director logs in)")
	employees := fs.Int("employees", 100000, "insured persons with identity documents, spread over the insurers")
	commands := fs.Int("commands", 20000, "commands of the throughput phase")
	loads := fs.String("loads", "0.2,0.6", "latency phases: fractions of the measured throughput, comma-separated")
	phase := fs.Duration("duration", 10*time.Second, "length of each latency phase")
	ceiling := fs.Float64("ceiling", 0, "the pipe scenario's msg/s; the table then shows the adapter's share of it")
	bin := fs.String("adapter", "", "dsmf-adapter binary to run; empty builds ./cmd/dsmf-adapter")
	brokers := fs.String("brokers", "", "use these brokers (comma-separated) instead of starting kfake in a child process")
	partitions := fs.Int("partitions", contracts.DefaultPartitions, "partitions of the keyed topics when created")
	seed := fs.Uint64("seed", 1, "seed of the reference data and of the command mix")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the adapter during the throughput phase to this file, and what it allocated to the file .allocs beside it (go tool pprof)")
	profileFor := fs.Duration("profile-seconds", 5*time.Second, "length of the -cpuprofile profile")
	extra := fs.String("adapter-flags", "", "more flags for dsmf-adapter, space-separated (e.g. -max-in-flight=64)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var fractions []float64
	for _, s := range strings.Split(*loads, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f <= 0 {
			return fmt.Errorf("-loads: %q is not a positive fraction", s)
		}
		fractions = append(fractions, f)
	}

	tmp, err := os.MkdirTemp("", "dsmf-bench-adapter-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if *bin == "" {
		*bin = filepath.Join(tmp, "dsmf-adapter")
		logf("building dsmf-adapter")
		build := exec.CommandContext(ctx, "go", "build", "-o", *bin, "github.com/dsmf/ssc-adapter/cmd/dsmf-adapter")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build dsmf-adapter: %w", err)
		}
	}

	b, err := startBroker(ctx, *brokers)
	if err != nil {
		return err
	}
	defer b.Close()
	if err := ensureTopics(b.Addrs, int32(*partitions)); err != nil {
		return err
	}
	g := workload.New(workload.Config{Insurers: *insurers, Persons: *employees, Documents: *employees, Seed: *seed})
	f, err := fill(ctx, b.Addrs, g)
	if err != nil {
		return fmt.Errorf("reference data: %w", err)
	}
	logf("published %d reference records in %.1f s", f.References, f.Seconds)

	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		return err
	}
	httpAddr, err := freePort()
	if err != nil {
		return err
	}
	cmd := exec.Command(*bin, append([]string{"-brokers", strings.Join(b.Addrs, ","), "-demo-data=false",
		"-portal-keys", benchKeyID + "=" + base64.StdEncoding.EncodeToString(pub),
		"-http-addr", httpAddr, "-log-level", "warn", "-partitions", strconv.Itoa(*partitions), "-pprof"},
		strings.Fields(*extra)...)...)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start dsmf-adapter: %w", err)
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
		return err
	}
	logf("adapter ready in %.1f s (pid %d, broker pid %d)", time.Since(started).Seconds(), cmd.Process.Pid, b.Pid())

	d, err := newDriver(b.Addrs)
	if err != nil {
		return err
	}
	defer d.Close()
	m := newMix(g, key, *seed, time.Now())

	// Every director logs in.
	loginStart := time.Now()
	var wg sync.WaitGroup
	var sessMu sync.Mutex
	for i := 0; i < *insurers; i++ {
		c, err := m.login(i)
		if err != nil {
			return err
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
		return fmt.Errorf("logins: not every director's login answered in 3 minutes")
	}
	logged := 0
	for _, s := range m.sessions {
		if len(s) > 0 {
			logged++
		}
	}
	logf("%d of %d directors logged in in %.1f s", logged, *insurers, time.Since(loginStart).Seconds())
	if logged == 0 {
		return fmt.Errorf("no director could log in")
	}
	// Drafts for the submits of the throughput phase to sign.
	m.onlyDrafts = true
	if _, err := m.run(ctx, d, *commands*15/100, 0, 0); err != nil {
		return fmt.Errorf("drafts: %w", err)
	}
	m.onlyDrafts = false
	logf("%d drafts saved to submit", len(m.drafts))
	d.resetStats()

	// (a) Throughput.
	var profiled sync.WaitGroup
	if *cpuProfile != "" {
		profiled.Add(2)
		for kind, path := range map[string]string{"profile": *cpuProfile, "allocs": *cpuProfile + ".allocs"} {
			go func() {
				defer profiled.Done()
				if err := fetchProfile(httpAddr, kind, *profileFor, path); err != nil {
					logf("%s profile: %v", kind, err)
				}
			}()
		}
	}
	cpu0 := cpuTicks(cmd.Process.Pid, b.Pid())
	tp, err := m.run(ctx, d, *commands, 0, 0)
	if err != nil {
		return fmt.Errorf("throughput: %w", err)
	}
	cpu1 := cpuTicks(cmd.Process.Pid, b.Pid())
	outcomes := d.resetStats()
	profiled.Wait()

	// (b) Latency at fractions of it.
	var lat []phaseResult
	for _, fr := range fractions {
		rate := tp.rate() * fr
		logf("latency at %.0f%% of throughput: %.0f commands/s for %s", fr*100, rate, *phase)
		r, err := m.run(ctx, d, int(rate*phase.Seconds()), rate, fr)
		if err != nil {
			return fmt.Errorf("latency at %.0f%%: %w", fr*100, err)
		}
		lat = append(lat, r)
	}

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "phase\tcommands\tanswered\tseconds\tcommands/s\tof ceiling\tp50 ms\tp99 ms\tp99.9 ms\tmax ms\t\n")
	row := func(name string, r phaseResult) {
		share := "-"
		if *ceiling > 0 {
			share = fmt.Sprintf("%.1f%%", 100*r.rate()/(*ceiling))
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.2f\t%.0f\t%s\t%.1f\t%.1f\t%.1f\t%.1f\t\n", name, r.sent, r.answered, r.seconds, r.rate(), share,
			r.pct(0.5), r.pct(0.99), r.pct(0.999), r.pct(1))
	}
	row("throughput", tp)
	for _, r := range lat {
		row(fmt.Sprintf("paced %.0f%%", r.load*100), r)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Println()
	tw = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "throughput phase\t\n")
	fmt.Fprintf(tw, "  CPU of the adapter / of kfake\t%.2f / %.2f cores\n",
		float64(cpu1[0]-cpu0[0])/100/tp.seconds, float64(cpu1[1]-cpu0[1])/100/tp.seconds)
	var kinds []string
	for k := range outcomes {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(tw, "  %s\t%d\n", k, outcomes[k])
	}
	return tw.Flush()
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
