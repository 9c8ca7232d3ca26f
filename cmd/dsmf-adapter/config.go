package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/peterbourgon/ff/v3"

	"github.com/dsmf/ssc-adapter/adapters/service"
	"github.com/dsmf/ssc-adapter/contracts"
)

// envPrefix names each flag's environment variable: DSMF_ and the flag's
// name in capitals with - as _ (-max-in-flight: DSMF_MAX_IN_FLIGHT).
const envPrefix = "DSMF"

// configure declares every setting once, as a flag; ff reads the flags, then
// the environment for the flags not given, through the same parsers, so a
// value that does not parse stops the start with the variable's name.
func configure(args []string) (service.Config, *slog.Logger, error) {
	cfg := service.Defaults()
	fs := flag.NewFlagSet("dsmf-adapter", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: dsmf-adapter [flags]\n\nEvery flag is also read from the environment: "+
			"%s_ and its name in capitals, - as _ (-max-in-flight: DSMF_MAX_IN_FLIGHT); a flag given overrides its variable.\n\n", envPrefix)
		fs.PrintDefaults()
	}
	var (
		brokers, portalKeys string
		partitions          = int(cfg.Partitions)
		level               = slog.LevelInfo
		format              = "text"
		snapshotEvery       = service.DefaultSnapshotInterval
	)
	fs.StringVar(&brokers, "brokers", "", "Kafka brokers, comma-separated; empty starts the embedded broker")
	fs.StringVar(&cfg.EmbeddedAddr, "embedded-addr", cfg.EmbeddedAddr, "address of the embedded broker")
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "data directory of the embedded broker; empty (-data-dir '') keeps data in memory")
	fs.StringVar(&cfg.HTTPAddr, "http-addr", cfg.HTTPAddr, "address of /healthz, /readyz and /metrics; empty (-http-addr '') disables")
	fs.IntVar(&partitions, "partitions", partitions, "partitions of the keyed topics when created")
	fs.StringVar(&cfg.ConsumerGroup, "consumer-group", cfg.ConsumerGroup, "consumer group of all instances")
	fs.BoolVar(&cfg.CreateTopics, "create-topics", cfg.CreateTopics, "create missing topics at start")
	fs.BoolVar(&cfg.DemoData, "demo-data", cfg.DemoData, "load demo reference data into empty reference topics")
	fs.DurationVar(&cfg.SessionIdle, "session-idle", cfg.SessionIdle, "close a session after this long without a command")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", cfg.ShutdownTimeout, "deadline of a graceful stop")
	fs.DurationVar(&cfg.GroupSessionTimeout, "group-session-timeout", cfg.GroupSessionTimeout, "consumer group session timeout: how soon a crashed instance's partitions move")
	fs.StringVar(&portalKeys, "portal-keys", "", "public keys that verify the portal's login-assertion signatures: keyId=base64 Ed25519 key, comma-separated")
	fs.BoolVar(&cfg.AllowUnsignedAssertions, "allow-unsigned-assertions", false, "accept login assertions without checking signatures: development only")
	fs.StringVar(&cfg.DevKeyFile, "dev-key-file", cfg.DevKeyFile, "with the embedded broker and no portal keys: where the development signing key is kept")
	fs.StringVar(&cfg.ClientID, "client-id", cfg.ClientID, "Kafka client id of this instance")
	fs.StringVar(&cfg.GroupInstanceID, "group-instance-id", cfg.GroupInstanceID, "static consumer-group membership: a name stable across restarts, unique per instance (e.g. the pod name); a restart takes its partitions back without a group-wide rebalance")
	fs.IntVar(&cfg.MaxInFlight, "max-in-flight", cfg.MaxInFlight, "commands of one partition handled at once; one insurer's always one after the other")
	fs.IntVar(&cfg.ProducerConns, "producer-conns", cfg.ProducerConns, "connections the events, and the answers, are each written through")
	fs.DurationVar(&snapshotEvery, "snapshot-interval", snapshotEvery, "how often a ready instance writes a snapshot of its state (a start folds only the events after it); 0 writes none")
	fs.BoolVar(&cfg.Pprof, "pprof", false, "serve Go's profiler on the operations endpoint at /debug/pprof/")
	fs.TextVar(&level, "log-level", level, "debug, info, warn or error")
	fs.StringVar(&format, "log-format", format, "text or json")
	kafkaSecurity := securityFlags(fs, os.Getenv)

	if err := ff.Parse(fs, args, ff.WithEnvVarPrefix(envPrefix)); err != nil {
		return service.Config{}, nil, err
	}
	var errs []error
	atLeast := func(name string, v, min int) {
		if v < min {
			errs = append(errs, fmt.Errorf("-%s (%s) must be at least %d, not %d", name, envName(name), min, v))
		}
	}
	atLeast("partitions", partitions, 1)
	atLeast("max-in-flight", cfg.MaxInFlight, 1)
	atLeast("producer-conns", cfg.ProducerConns, 1)
	for name, d := range map[string]int64{"session-idle": int64(cfg.SessionIdle),
		"shutdown-timeout": int64(cfg.ShutdownTimeout), "group-session-timeout": int64(cfg.GroupSessionTimeout)} {
		if d <= 0 {
			errs = append(errs, fmt.Errorf("-%s (%s) must be a positive duration such as 30s", name, envName(name)))
		}
	}
	if snapshotEvery < 0 {
		errs = append(errs, fmt.Errorf("-snapshot-interval (%s) must be 0 (none) or a positive duration such as 10m", envName("snapshot-interval")))
	}
	if format != "text" && format != "json" {
		errs = append(errs, fmt.Errorf("-log-format (%s) is text or json, not %q", envName("log-format"), format))
	}
	security, err := kafkaSecurity(brokers == "")
	errs = append(errs, err)
	keys, err := contracts.ParseKeySet(portalKeys)
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return service.Config{}, nil, err
	}

	var handler slog.Handler = slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})
	if format == "json" {
		handler = slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level})
	}
	logger := slog.New(handler)
	slog.SetDefault(logger)

	if brokers != "" {
		cfg.Brokers = strings.Split(brokers, ",")
	}
	cfg.Partitions = int32(partitions)
	cfg.SnapshotInterval = snapshotEvery
	if snapshotEvery == 0 {
		cfg.SnapshotInterval = -1 // service.Config's zero is the default
	}
	cfg.Kafka, cfg.PortalKeys, cfg.Logger = security, keys, logger
	return cfg, logger, nil
}

// envName is the environment variable of a flag, as ff derives it.
func envName(flagName string) string {
	return envPrefix + "_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}
