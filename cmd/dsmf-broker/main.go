// Command dsmf-broker runs only the embedded Kafka-protocol broker (kfake),
// with a data directory, in a process of its own: for tests that kill and
// restart the adapter or the broker separately, and for benchmarks that
// measure the adapter apart from its broker.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/kafka/embedded"
	"github.com/dsmf/ssc-adapter/contracts"
)

func main() {
	fs := flag.NewFlagSet("dsmf-broker", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:9092", "address to listen on; port 0 picks a free one")
	dataDir := fs.String("data-dir", "", "keep records and group offsets here across restarts; empty keeps them in memory")
	topics := fs.Bool("create-topics", true, "create the contract's topics")
	partitions := fs.Int("partitions", contracts.DefaultPartitions, "partitions of the keyed topics")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	b, err := embedded.Start(embedded.Options{Addr: *addr, DataDir: *dataDir})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer b.Close()
	if *topics {
		if err := kafka.CreateTopics(b.Addrs(), contracts.Topics(int32(*partitions))); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	// The first line of output is the address, for programs that start us.
	fmt.Println(b.Addrs()[0])
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
}
