// Command dsmf-bench measures the adapter. Each scenario is a subcommand in
// a file of its own:
//
//	dsmf-bench rebuild [flags]   cold start: state rebuilt from the topics (rebuild.go)
//	dsmf-bench pipe [flags]      ceiling A: consume→produce through the broker (pipe.go)
//	dsmf-bench ceiling-b [flags] ceiling B: a command's broker work and nothing else (ceilingb.go)
//	dsmf-bench adapter [flags]   the dsmf-adapter binary end to end: throughput, latency (adapter.go);
//	                             with -peer, the peer: the same handlers on watermill-kafka (peer.go)
//	dsmf-bench report [flags]    issues 9 and 17 in one table: the above, notices, memory, and a
//	                             latency plot (report.go, latencyplot.go); -quick for a smoke run
//	dsmf-bench kfake [-addr]     run only the broker, print its address (broker.go)
//
// By default a scenario starts kfake in a child process, so what it measures
// of memory is the adapter's alone; -brokers uses a running cluster instead.
// Run a subcommand with -h for its flags.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// asMainEnv, set in the environment of a child process this program starts
// from itself, makes a test binary of this package run main instead of the
// tests (see TestMain), so the scenarios' children work under go test too.
const asMainEnv = "DSMF_BENCH_AS_MAIN"

// scenarios are the subcommands; each registers itself in an init function.
var scenarios = map[string]func(ctx context.Context, args []string) error{}

func main() {
	if len(os.Args) < 2 || scenarios[os.Args[1]] == nil {
		usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := scenarios[os.Args[1]](ctx, os.Args[2:]); err != nil {
		fmt.Fprintf(os.Stderr, "dsmf-bench %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

func usage() {
	var names []string
	for n := range scenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(os.Stderr, "usage: dsmf-bench <scenario> [flags]\nscenarios: %v\n", names)
}
