package main

import (
	"errors"
	"flag"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/adapters/service"
)

// configureWith runs configure with exactly env as the DSMF_* environment
// (any DSMF_* variable of the test process is cleared for the test).
func configureWith(t *testing.T, args []string, env map[string]string) (service.Config, *slog.Logger, error) {
	t.Helper()
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, envPrefix+"_") {
			t.Setenv(name, "")
		}
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	return configure(args)
}

// Every variable of the README's Configuration table is read, through the
// flag of the same meaning.
func TestConfigurationFromTheEnvironment(t *testing.T) {
	cfg, _, err := configureWith(t, nil, map[string]string{
		"DSMF_BROKERS": "k1:9092,k2:9092", "DSMF_EMBEDDED_ADDR": "127.0.0.1:19092", "DSMF_DATA_DIR": "/var/lib/dsmf",
		"DSMF_HTTP_ADDR": ":9090", "DSMF_PARTITIONS": "12", "DSMF_CONSUMER_GROUP": "g", "DSMF_CREATE_TOPICS": "false",
		"DSMF_DEMO_DATA": "false", "DSMF_SESSION_IDLE": "5m", "DSMF_SHUTDOWN_TIMEOUT": "7s",
		"DSMF_GROUP_SESSION_TIMEOUT": "20s", "DSMF_CLIENT_ID": "dsmf-2", "DSMF_MAX_IN_FLIGHT": "8",
		"DSMF_PRODUCER_CONNS": "2", "DSMF_PPROF": "true", "DSMF_LOG_LEVEL": "warn", "DSMF_LOG_FORMAT": "json",
		"DSMF_ALLOW_UNSIGNED_ASSERTIONS": "true", "DSMF_DEV_KEY_FILE": "/tmp/k.json", "DSMF_SNAPSHOT_INTERVAL": "30m",
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"k1:9092", "k2:9092"}, cfg.Brokers)
	assert.Equal(t, "127.0.0.1:19092", cfg.EmbeddedAddr)
	assert.Equal(t, "/var/lib/dsmf", cfg.DataDir)
	assert.Equal(t, ":9090", cfg.HTTPAddr)
	assert.Equal(t, int32(12), cfg.Partitions)
	assert.Equal(t, "g", cfg.ConsumerGroup)
	assert.False(t, cfg.CreateTopics)
	assert.False(t, cfg.DemoData)
	assert.Equal(t, 5*time.Minute, cfg.SessionIdle)
	assert.Equal(t, 7*time.Second, cfg.ShutdownTimeout)
	assert.Equal(t, 20*time.Second, cfg.GroupSessionTimeout)
	assert.Equal(t, "dsmf-2", cfg.ClientID)
	assert.Equal(t, 8, cfg.MaxInFlight)
	assert.Equal(t, 2, cfg.ProducerConns)
	assert.True(t, cfg.Pprof)
	assert.True(t, cfg.AllowUnsignedAssertions)
	assert.Equal(t, "/tmp/k.json", cfg.DevKeyFile)
	assert.Equal(t, 30*time.Minute, cfg.SnapshotInterval)
	assert.False(t, cfg.Logger.Enabled(t.Context(), slog.LevelInfo), "log level warn")
	assert.True(t, cfg.Logger.Enabled(t.Context(), slog.LevelWarn))
}

func TestConfigurationDefaultsAndFlagsOverTheEnvironment(t *testing.T) {
	cfg, _, err := configureWith(t, nil, nil)
	require.NoError(t, err)
	want := service.Defaults()
	assert.Empty(t, cfg.Brokers, "no brokers: the embedded one")
	assert.Equal(t, want.Partitions, cfg.Partitions)
	assert.Equal(t, want.DataDir, cfg.DataDir)
	assert.Equal(t, want.MaxInFlight, cfg.MaxInFlight)
	assert.Equal(t, service.DefaultSnapshotInterval, cfg.SnapshotInterval)

	cfg, _, err = configureWith(t, []string{"-partitions", "3", "-data-dir", "", "-http-addr="},
		map[string]string{"DSMF_PARTITIONS": "9", "DSMF_MAX_IN_FLIGHT": "16"})
	require.NoError(t, err)
	assert.Equal(t, int32(3), cfg.Partitions, "the flag wins")
	assert.Equal(t, 16, cfg.MaxInFlight, "the variable where no flag is given")
	assert.Empty(t, cfg.DataDir, "-data-dir '' keeps the embedded broker in memory")
	assert.Empty(t, cfg.HTTPAddr)

	cfg, _, err = configureWith(t, []string{"-snapshot-interval", "0"}, nil)
	require.NoError(t, err)
	assert.Negative(t, cfg.SnapshotInterval, "0 writes no snapshots (service.Config: negative; its zero is the default)")
}

// A value that does not parse, or is out of range, stops the start with an
// error naming the variable or the flag.
func TestConfigurationRefusesBadValues(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"partitions not a number", nil, map[string]string{"DSMF_PARTITIONS": "six"}, "DSMF_PARTITIONS"},
		{"partitions zero", nil, map[string]string{"DSMF_PARTITIONS": "0"}, "DSMF_PARTITIONS"},
		{"partitions flag", []string{"-partitions", "-1"}, nil, "-partitions"},
		{"partitions flag not a number", []string{"-partitions", "x"}, nil, "-partitions"},
		{"max in flight", nil, map[string]string{"DSMF_MAX_IN_FLIGHT": "0"}, "DSMF_MAX_IN_FLIGHT"},
		{"producer connections", nil, map[string]string{"DSMF_PRODUCER_CONNS": "many"}, "DSMF_PRODUCER_CONNS"},
		{"boolean", nil, map[string]string{"DSMF_CREATE_TOPICS": "yes"}, "DSMF_CREATE_TOPICS"},
		{"demo data", nil, map[string]string{"DSMF_DEMO_DATA": "nope"}, "DSMF_DEMO_DATA"},
		{"duration without unit", nil, map[string]string{"DSMF_SESSION_IDLE": "30"}, "DSMF_SESSION_IDLE"},
		{"negative duration", nil, map[string]string{"DSMF_SHUTDOWN_TIMEOUT": "-1s"}, "DSMF_SHUTDOWN_TIMEOUT"},
		{"negative snapshot interval", nil, map[string]string{"DSMF_SNAPSHOT_INTERVAL": "-1m"}, "DSMF_SNAPSHOT_INTERVAL"},
		{"log level", nil, map[string]string{"DSMF_LOG_LEVEL": "loud"}, "DSMF_LOG_LEVEL"},
		{"log format", nil, map[string]string{"DSMF_LOG_FORMAT": "xml"}, "DSMF_LOG_FORMAT"},
		{"portal keys", nil, map[string]string{"DSMF_PORTAL_KEYS": "k1=not-base64"}, "k1"},
		{"unknown flag", []string{"-partitons", "6"}, nil, "partitons"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := configureWith(t, c.args, c.env)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestConfigurationHelpIsNoError(t *testing.T) {
	_, _, err := configureWith(t, []string{"-help"}, nil)
	assert.True(t, errors.Is(err, flag.ErrHelp), "main exits 0 on -help: %v", err)
}
