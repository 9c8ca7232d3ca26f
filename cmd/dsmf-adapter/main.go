// Command dsmf-adapter runs the DSMF certificate service's integration
// adapter. With no brokers configured it starts an embedded Kafka-protocol
// broker on 127.0.0.1:9092 with demo data, so `go run ./cmd/dsmf-adapter`
// is all a newcomer needs.
//
// Configuration is environment variables, with flags over them; run with
// -help for the list.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dsmf/ssc-adapter/adapters/service"
	"github.com/dsmf/ssc-adapter/contracts"
)

func main() {
	cfg, logger, err := configure(os.Args[1:], os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
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

// configure reads the environment, then flags over it.
func configure(args []string, getenv func(string) string) (service.Config, *slog.Logger, error) {
	def := service.Defaults()
	env := func(name, fallback string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return fallback
	}
	fs := flag.NewFlagSet("dsmf-adapter", flag.ContinueOnError)
	brokers := fs.String("brokers", env("DSMF_BROKERS", ""), "Kafka brokers, comma-separated (env DSMF_BROKERS); empty starts the embedded broker")
	embedded := fs.String("embedded-addr", env("DSMF_EMBEDDED_ADDR", def.EmbeddedAddr), "address of the embedded broker (env DSMF_EMBEDDED_ADDR)")
	dataDir := fs.String("data-dir", env("DSMF_DATA_DIR", def.DataDir), "data directory of the embedded broker; empty keeps data in memory (env DSMF_DATA_DIR)")
	httpAddr := fs.String("http-addr", env("DSMF_HTTP_ADDR", def.HTTPAddr), "address of /healthz, /readyz and /metrics; empty disables (env DSMF_HTTP_ADDR)")
	partitions := fs.Int("partitions", envInt(getenv, "DSMF_PARTITIONS", int(def.Partitions)), "partitions of the keyed topics when created (env DSMF_PARTITIONS)")
	group := fs.String("consumer-group", env("DSMF_CONSUMER_GROUP", def.ConsumerGroup), "consumer group of all instances (env DSMF_CONSUMER_GROUP)")
	create := fs.Bool("create-topics", envBool(getenv, "DSMF_CREATE_TOPICS", def.CreateTopics), "create missing topics at start (env DSMF_CREATE_TOPICS)")
	demo := fs.Bool("demo-data", envBool(getenv, "DSMF_DEMO_DATA", def.DemoData), "load demo reference data into empty reference topics (env DSMF_DEMO_DATA)")
	idle := fs.Duration("session-idle", envDuration(getenv, "DSMF_SESSION_IDLE", def.SessionIdle), "close a session after this long without a command (env DSMF_SESSION_IDLE)")
	shutdown := fs.Duration("shutdown-timeout", envDuration(getenv, "DSMF_SHUTDOWN_TIMEOUT", def.ShutdownTimeout), "deadline of a graceful stop (env DSMF_SHUTDOWN_TIMEOUT)")
	groupSession := fs.Duration("group-session-timeout", envDuration(getenv, "DSMF_GROUP_SESSION_TIMEOUT", def.GroupSessionTimeout), "consumer group session timeout: how soon a crashed instance's partitions move (env DSMF_GROUP_SESSION_TIMEOUT)")
	portalKeys := fs.String("portal-keys", env("DSMF_PORTAL_KEYS", ""), "public keys that verify the portal's login-assertion signatures: keyId=base64 Ed25519 key, comma-separated (env DSMF_PORTAL_KEYS)")
	allowUnsigned := fs.Bool("allow-unsigned-assertions", envBool(getenv, "DSMF_ALLOW_UNSIGNED_ASSERTIONS", false), "accept login assertions without checking signatures: development only (env DSMF_ALLOW_UNSIGNED_ASSERTIONS)")
	devKey := fs.String("dev-key-file", env("DSMF_DEV_KEY_FILE", def.DevKeyFile), "with the embedded broker and no portal keys: where the development signing key is kept (env DSMF_DEV_KEY_FILE)")
	clientID := fs.String("client-id", env("DSMF_CLIENT_ID", def.ClientID), "Kafka client id of this instance (env DSMF_CLIENT_ID)")
	inFlight := fs.Int("max-in-flight", envInt(getenv, "DSMF_MAX_IN_FLIGHT", def.MaxInFlight), "commands of one partition handled at once; one insurer's always one after the other (env DSMF_MAX_IN_FLIGHT)")
	conns := fs.Int("producer-conns", envInt(getenv, "DSMF_PRODUCER_CONNS", def.ProducerConns), "connections the events, and the answers, are each written through (env DSMF_PRODUCER_CONNS)")
	pprof := fs.Bool("pprof", envBool(getenv, "DSMF_PPROF", false), "serve Go's profiler on the operations endpoint at /debug/pprof/ (env DSMF_PPROF)")
	level := fs.String("log-level", env("DSMF_LOG_LEVEL", "info"), "debug, info, warn or error (env DSMF_LOG_LEVEL)")
	format := fs.String("log-format", env("DSMF_LOG_FORMAT", "text"), "text or json (env DSMF_LOG_FORMAT)")
	kafkaSecurity := securityFlags(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return service.Config{}, nil, err
	}
	security, err := kafkaSecurity(*brokers == "")
	if err != nil {
		return service.Config{}, nil, err
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		return service.Config{}, nil, fmt.Errorf("log level %q: %w", *level, err)
	}
	var handler slog.Handler = slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lv})
	if *format == "json" {
		handler = slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: lv})
	}
	logger := slog.New(handler)
	slog.SetDefault(logger)

	cfg := def
	cfg.Kafka = security
	if *brokers != "" {
		cfg.Brokers = strings.Split(*brokers, ",")
	}
	cfg.EmbeddedAddr, cfg.DataDir, cfg.HTTPAddr = *embedded, *dataDir, *httpAddr
	cfg.Partitions, cfg.ConsumerGroup = int32(*partitions), *group
	cfg.CreateTopics, cfg.DemoData = *create, *demo
	cfg.SessionIdle, cfg.ShutdownTimeout, cfg.ClientID = *idle, *shutdown, *clientID
	cfg.GroupSessionTimeout = *groupSession
	cfg.MaxInFlight, cfg.Pprof, cfg.ProducerConns = *inFlight, *pprof, *conns
	keys, err := contracts.ParseKeySet(*portalKeys)
	if err != nil {
		return service.Config{}, nil, err
	}
	cfg.PortalKeys, cfg.AllowUnsignedAssertions, cfg.DevKeyFile = keys, *allowUnsigned, *devKey
	cfg.Logger = logger
	return cfg, logger, nil
}

func envInt(getenv func(string) string, name string, fallback int) int {
	if n, err := strconv.Atoi(getenv(name)); err == nil {
		return n
	}
	return fallback
}

func envBool(getenv func(string) string, name string, fallback bool) bool {
	if b, err := strconv.ParseBool(getenv(name)); err == nil {
		return b
	}
	return fallback
}

func envDuration(getenv func(string) string, name string, fallback time.Duration) time.Duration {
	if d, err := time.ParseDuration(getenv(name)); err == nil {
		return d
	}
	return fallback
}
