// Command dsmf-adapter runs the DSMF certificate service's integration
// adapter. With no brokers configured it starts an embedded Kafka-protocol
// broker on 127.0.0.1:9092 with demo data, so `go run ./cmd/dsmf-adapter`
// is all a newcomer needs.
//
// Configuration is flags, each also read from an environment variable
// (config.go); run with -help for the list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/dsmf/ssc-adapter/adapters/service"
)

func main() {
	cfg, logger, err := configure(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dsmf-adapter:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	svc, err := service.New(cfg)
	if err != nil {
		logger.Error("cannot start", "err", err)
		os.Exit(1)
	}
	if err := svc.Run(ctx); err != nil {
		logger.Error("stopped with an error", "err", err)
		os.Exit(1)
	}
	logger.Info("stopped")
}
