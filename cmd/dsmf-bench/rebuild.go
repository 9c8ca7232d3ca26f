package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/IBM/sarama"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/service"
	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/cmd/dsmf-bench/workload"
	"github.com/dsmf/ssc-adapter/contracts"
)

// The cold-start benchmark (issue 3): how fast an instance rebuilds its state
// from the event log and the three reference topics, against how fast a
// plain consumer can merely read the same records, and how much memory the
// rebuilt state takes.

func init() { scenarios["rebuild"] = runRebuild }

// stateTopics are the topics an instance folds into state at start.
var stateTopics = []string{contracts.TopicEvents, contracts.TopicInsurers,
	contracts.TopicInsuredPersons, contracts.TopicIdentityDocuments}

// Targets of issue 3.
const (
	targetRatio      = 0.5  // rebuild at no less than half the plain-read rate
	targetBytesPerRe = 1024 // under 1 KiB of memory per reference record
)

// measurement is what one child process reports.
type measurement struct {
	Kind       string  `json:"kind"` // "ceiling" or "rebuild"
	Records    int64   `json:"records"`
	Seconds    float64 `json:"seconds"`
	References int64   `json:"references,omitempty"`
	Applied    int64   `json:"applied,omitempty"`
	Conflicts  int64   `json:"conflicts,omitempty"`
	Duplicates int64   `json:"duplicates,omitempty"`
	Undecoded  int64   `json:"undecodable,omitempty"`
	HeapAlloc  uint64  `json:"heapAlloc,omitempty"`
	HeapInuse  uint64  `json:"heapInuse,omitempty"`
	PeakRSS    uint64  `json:"peakRSS"`
	// CPU is the process's user and system time while it measured: less
	// disturbed than Seconds by other work on the machine.
	CPU float64 `json:"cpu"`
}

func (m measurement) rate() float64 { return float64(m.Records) / m.Seconds }

func runRebuild(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("rebuild", flag.ContinueOnError)
	var cfg workload.Config
	fs.IntVar(&cfg.Documents, "documents", 1_000_000, "identity documents")
	fs.IntVar(&cfg.Persons, "persons", 1_000_000, "insured persons")
	fs.IntVar(&cfg.Insurers, "insurers", 100_000, "insurers")
	fs.IntVar(&cfg.Events, "events", 1_000_000, "domain events on the event log")
	seed := fs.Uint64("seed", 1, "seed of the generated data")
	runs := fs.Int("runs", 3, "measurements of each kind; the table shows each and the median")
	brokers := fs.String("brokers", "", "use these brokers (comma-separated) instead of starting kfake in a child process; topics that already hold records are measured as they are")
	partitions := fs.Int("partitions", contracts.DefaultPartitions, "partitions of the keyed topics when created")
	measure := fs.String("measure", "", "internal: measure once in this process (ceiling or rebuild) and print JSON")
	profile := fs.String("cpuprofile", "", "write a CPU profile of each rebuild to this file (the last run's is kept)")
	fromSnapshot := fs.Bool("snapshot", false, "start each rebuild from a snapshot of the state the event log makes (written once before the runs), as a restarted adapter does; the rate counts every record the state covers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.Seed = *seed
	withSnapshot = *fromSnapshot
	if *measure != "" {
		return measureOnce(ctx, *measure, strings.Split(*brokers, ","), *profile)
	}

	b, err := startBroker(ctx, *brokers)
	if err != nil {
		return err
	}
	defer b.Close()
	if err := ensureTopics(b.Addrs, int32(*partitions)); err != nil {
		return err
	}
	have, err := recordsIn(b.Addrs, stateTopics)
	if err != nil {
		return err
	}
	if have == 0 {
		g := workload.New(cfg)
		fmt.Printf("filling %v: %d insurers, %d insured persons, %d identity documents, %d events\n",
			b.Addrs, cfg.Insurers, cfg.Persons, cfg.Documents, cfg.Events)
		f, err := fill(ctx, b.Addrs, g)
		if err != nil {
			return fmt.Errorf("fill: %w", err)
		}
		fmt.Printf("filled %d reference records and %d events in %.1f s (%.0f records/s)\n  events: %v\n",
			f.References, f.Events, f.Seconds, float64(f.References+f.Events)/f.Seconds, f.Counts)
		if have, err = recordsIn(b.Addrs, stateTopics); err != nil {
			return err
		}
	} else {
		fmt.Printf("the topics already hold %d records: measuring those\n", have)
	}

	if withSnapshot {
		if err := writeSnapshot(ctx, b.Addrs); err != nil {
			return fmt.Errorf("snapshot: %w", err)
		}
	}
	ceilings, rebuilds, err := measureRuns(ctx, b.Addrs, *runs, *profile, have, func(format string, args ...any) {
		fmt.Printf(format+"\n", args...)
	})
	if err != nil {
		return err
	}
	report(cfg, have, ceilings, rebuilds)
	return nil
}

// measureRuns measures the plain read and the rebuild of topics holding
// have records, runs times each, each in a fresh child process; progress
// gets a line per measurement.
func measureRuns(ctx context.Context, addrs []string, runs int, profile string, have int64,
	progress func(format string, args ...any)) (ceilings, rebuilds []measurement, err error) {
	for i := 0; i < runs; i++ {
		for _, kind := range []string{"ceiling", "rebuild"} {
			m, err := measureInChild(ctx, kind, addrs, profile)
			if err != nil {
				return nil, nil, err
			}
			if m.Records != have {
				return nil, nil, fmt.Errorf("%s read %d records, the topics hold %d", kind, m.Records, have)
			}
			progress("  run %d %-8s %9d records in %6.2f s: %8.0f records/s, %6.2f s of CPU", i+1, kind, m.Records, m.Seconds, m.rate(), m.CPU)
			if kind == "ceiling" {
				ceilings = append(ceilings, m)
			} else {
				rebuilds = append(rebuilds, m)
			}
		}
	}
	return ceilings, rebuilds, nil
}

// recordsIn counts the records between the oldest and the end offsets.
func recordsIn(addrs []string, topics []string) (int64, error) {
	client, err := sarama.NewClient(addrs, saramaConfig())
	if err != nil {
		return 0, err
	}
	defer client.Close()
	var n int64
	for _, t := range topics {
		parts, err := client.Partitions(t)
		if err != nil {
			return 0, err
		}
		for _, p := range parts {
			end, err := client.GetOffset(t, p, sarama.OffsetNewest)
			if err != nil {
				return 0, err
			}
			oldest, err := client.GetOffset(t, p, sarama.OffsetOldest)
			if err != nil {
				return 0, err
			}
			n += end - oldest
		}
	}
	return n, nil
}

// measureInChild runs one measurement in a fresh process (this program), so
// that its peak RSS and heap are its own and nothing of an earlier run is
// left in memory.
func measureInChild(ctx context.Context, kind string, addrs []string, profile string) (measurement, error) {
	self, err := os.Executable()
	if err != nil {
		return measurement{}, err
	}
	cmd := exec.CommandContext(ctx, self, "rebuild", "-measure", kind, "-brokers", strings.Join(addrs, ","), "-cpuprofile", profile,
		"-snapshot="+strconv.FormatBool(withSnapshot))
	cmd.Stderr = os.Stderr
	cmd.Env = append(os.Environ(), asMainEnv+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.Output()
	if err != nil {
		return measurement{}, fmt.Errorf("%s: %w", kind, err)
	}
	var m measurement
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if line := sc.Bytes(); len(line) > 0 && line[0] == '{' {
			err = json.Unmarshal(line, &m)
		}
	}
	if err != nil || m.Kind != kind {
		return measurement{}, fmt.Errorf("%s: no result in %q: %v", kind, out, err)
	}
	return m, nil
}

// measureOnce is the child's side: measure, print one JSON line.
func measureOnce(ctx context.Context, kind string, addrs []string, profile string) error {
	var m measurement
	var err error
	switch kind {
	case "ceiling":
		m, err = plainRead(ctx, addrs)
	case "rebuild":
		if profile != "" {
			f, err := os.Create(profile)
			if err != nil {
				return err
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				return err
			}
			defer f.Close()
			defer pprof.StopCPUProfile()
		}
		m, err = coldStart(ctx, addrs)
	default:
		return fmt.Errorf("unknown measurement %q", kind)
	}
	if err != nil {
		return err
	}
	m.Kind, m.PeakRSS = kind, peakRSS()
	return json.NewEncoder(os.Stdout).Encode(m)
}

// plainRead is the ceiling: a sarama consumer that reads every partition of
// the state topics from the oldest offset to the end offsets and does
// nothing with the records.
func plainRead(ctx context.Context, addrs []string) (measurement, error) {
	client, err := sarama.NewClient(addrs, saramaConfig())
	if err != nil {
		return measurement{}, err
	}
	defer client.Close()
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		return measurement{}, err
	}
	defer consumer.Close()
	start, cpu0 := time.Now(), cpuSeconds()
	var total atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	for _, t := range stateTopics {
		parts, err := client.Partitions(t)
		if err != nil {
			return measurement{}, err
		}
		for _, p := range parts {
			end, err := client.GetOffset(t, p, sarama.OffsetNewest)
			if err != nil {
				return measurement{}, err
			}
			oldest, err := client.GetOffset(t, p, sarama.OffsetOldest)
			if err != nil {
				return measurement{}, err
			}
			if end <= oldest {
				continue
			}
			pc, err := consumer.ConsumePartition(t, p, sarama.OffsetOldest)
			if err != nil {
				return measurement{}, err
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer pc.AsyncClose()
				var n int64
				for {
					select {
					case m := <-pc.Messages():
						n++
						if m.Offset >= end-1 {
							total.Add(n)
							return
						}
					case e := <-pc.Errors():
						select {
						case errs <- e:
						default:
						}
						return
					case <-ctx.Done():
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	took, cpu := time.Since(start).Seconds(), cpuSeconds()-cpu0
	select {
	case err := <-errs:
		return measurement{}, err
	default:
	}
	return measurement{Records: total.Load(), Seconds: took, CPU: cpu}, ctx.Err()
}

// coldStart is what an instance does at start: a fresh store and the log
// reader over the state topics, folding with the service's own conversion,
// until the end offsets seen at start are applied. The heap is measured
// after a GC with the state still held.
func coldStart(ctx context.Context, addrs []string) (measurement, error) {
	client, err := sarama.NewClient(addrs, saramaConfig())
	if err != nil {
		return measurement{}, err
	}
	defer client.Close()
	state, err := store.New()
	if err != nil {
		return measurement{}, err
	}
	// The service's own fold, less its metrics.
	fold := service.Fold(state)
	reader := kafka.NewStagedLogReader(client, stateTopics, fold)
	// With a snapshot, the events before its offsets are not read: they
	// count as records the start covers (the event log keeps all from 0).
	var covered int64
	start, cpu0 := time.Now(), cpuSeconds()
	if withSnapshot {
		_, offsets, err := service.RestoreSnapshot(client, state, reader)
		if err != nil || offsets == nil {
			return measurement{}, fmt.Errorf("restore the snapshot: %v (found: %v)", err, offsets != nil)
		}
		for _, off := range offsets {
			covered += off
		}
	}
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- reader.Run(rctx) }()
	ends, err := reader.EndOffsets(stateTopics)
	if err != nil {
		stop()
		return measurement{}, err
	}
	err = reader.WaitFor(ctx, ends)
	state.Freeze() // as the service does once it caught up
	took, cpu := time.Since(start).Seconds(), cpuSeconds()-cpu0
	stop()
	if rerr := <-done; err == nil {
		err = rerr
	}
	if err != nil {
		return measurement{}, err
	}
	st := state.Stats()
	state.Compact() // as the service does once ready, before the heap is measured
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(state)
	return measurement{Records: reader.Records() + covered, Seconds: took, References: st.References, Applied: st.Applied,
		Conflicts: st.Conflicts, Duplicates: st.Duplicates, Undecoded: st.Undecodable,
		HeapAlloc: ms.HeapAlloc, HeapInuse: ms.HeapInuse, CPU: cpu}, nil
}

// withSnapshot makes a rebuild start from a snapshot (-snapshot).
var withSnapshot bool

// writeSnapshot folds the event log into a fresh state and writes its
// snapshot, covering the whole log, to the snapshot topic, as a running
// adapter's checkpoint does.
func writeSnapshot(ctx context.Context, addrs []string) error {
	if err := kafka.CreateTopics(addrs, []contracts.TopicSpec{service.SnapshotTopicSpec()}); err != nil {
		return err
	}
	client, err := sarama.NewClient(addrs, saramaConfig())
	if err != nil {
		return err
	}
	defer client.Close()
	state, err := store.New()
	if err != nil {
		return err
	}
	events := []string{contracts.TopicEvents}
	reader := kafka.NewStagedLogReader(client, events, service.Fold(state))
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- reader.Run(rctx) }()
	err = reader.CatchUp(ctx, events)
	stop()
	if rerr := <-done; err == nil {
		err = rerr
	}
	if err != nil {
		return err
	}
	msgs, _, err := service.SnapshotMessages(state.View().Snapshot(reader.Applied(contracts.TopicEvents)), store.SnapshotHead{})
	if err != nil {
		return err
	}
	producer, err := sarama.NewSyncProducer(addrs, saramaConfig())
	if err != nil {
		return err
	}
	defer producer.Close()
	if err := producer.SendMessages(msgs); err != nil {
		return err
	}
	var size int
	for _, m := range msgs {
		size += m.Value.Length()
	}
	fmt.Printf("snapshot of the state of %d events written: %d records, %.1f MiB\n", state.Stats().Applied, len(msgs), mib(uint64(size)))
	return nil
}

// cpuSeconds is the process's user and system CPU time so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// peakRSS is the process's peak resident set size (VmHWM), in bytes.
func peakRSS() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func median(ms []measurement, f func(measurement) float64) float64 {
	xs := make([]float64, len(ms))
	for i, m := range ms {
		xs[i] = f(m)
	}
	sort.Float64s(xs)
	if len(xs) == 0 {
		return 0
	}
	if len(xs)%2 == 1 {
		return xs[len(xs)/2]
	}
	return (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
}

func report(cfg workload.Config, records int64, ceilings, rebuilds []measurement) {
	fmt.Printf("\n%d records: %d insurers, %d insured persons, %d identity documents, %d events; %d CPUs (GOMAXPROCS %d)\n\n",
		records, cfg.Insurers, cfg.Persons, cfg.Documents, cfg.Events, runtime.NumCPU(), runtime.GOMAXPROCS(0))
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "run\tplain read rec/s\tplain read s\trebuild rec/s\trebuild s\tratio\theap B/ref record\theap MiB\tpeak RSS MiB\trebuild CPU s\t")
	for i := range rebuilds {
		c, r := ceilings[i], rebuilds[i]
		fmt.Fprintf(w, "%d\t%.0f\t%.2f\t%.0f\t%.2f\t%.2f\t%.0f\t%.0f\t%.0f\t%.1f\t\n", i+1, c.rate(), c.Seconds, r.rate(), r.Seconds,
			r.rate()/c.rate(), float64(r.HeapAlloc)/float64(r.References), mib(r.HeapAlloc), mib(r.PeakRSS), r.CPU)
	}
	cr, rr := median(ceilings, measurement.rate), median(rebuilds, measurement.rate)
	bpr := median(rebuilds, func(m measurement) float64 { return float64(m.HeapAlloc) / float64(m.References) })
	fmt.Fprintf(w, "median\t%.0f\t%.2f\t%.0f\t%.2f\t%.2f\t%.0f\t%.0f\t%.0f\t%.1f\t\n", cr,
		median(ceilings, func(m measurement) float64 { return m.Seconds }), rr,
		median(rebuilds, func(m measurement) float64 { return m.Seconds }), rr/cr, bpr,
		median(rebuilds, func(m measurement) float64 { return mib(m.HeapAlloc) }),
		median(rebuilds, func(m measurement) float64 { return mib(m.PeakRSS) }),
		median(rebuilds, func(m measurement) float64 { return m.CPU }))
	w.Flush()
	last := rebuilds[len(rebuilds)-1]
	fmt.Printf("\nfold: %d reference records, %d events applied, %d conflicts, %d duplicates, %d undecodable; heap in use %.0f MiB\n",
		last.References, last.Applied, last.Conflicts, last.Duplicates, last.Undecoded, mib(last.HeapInuse))
	fmt.Printf("targets: rebuild ≥ %.0f%% of the plain read: %s (%.0f%%); < %d B per reference record: %s (%.0f B)\n",
		targetRatio*100, verdict(rr/cr >= targetRatio), 100*rr/cr, targetBytesPerRe, verdict(bpr < targetBytesPerRe), bpr)
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}
