package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/dsmf/ssc-adapter/adapters/kafka/embedded"
	"github.com/dsmf/ssc-adapter/adapters/service"
)

// lockedBuffer collects log lines from many goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) lines() []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, l := range bytes.Split(b.buf.Bytes(), []byte("\n")) {
		var m map[string]any
		if json.Unmarshal(l, &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// A broker outage is logged once when it starts and once, with its length,
// when it ends; the clients' errors in between do not reach the log at
// warning or error level. /readyz says 503 meanwhile and 200 after.
func TestBrokerOutageIsLoggedOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kafka")
	opts := embedded.Options{Addr: "127.0.0.1:0", DataDir: dir, Extra: []kfake.Opt{kfake.GroupMinSessionTimeout(time.Second)}}
	b, err := embedded.Start(opts)
	require.NoError(t, err)
	opts.Addr = b.Addrs()[0]
	logs := &lockedBuffer{}
	svc, err := service.New(service.Config{Brokers: b.Addrs(), CreateTopics: true, HTTPAddr: "127.0.0.1:0",
		AllowUnsignedAssertions: true, GroupSessionTimeout: 6 * time.Second, GroupHeartbeat: 200 * time.Millisecond,
		ShutdownTimeout: 5 * time.Second, Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	defer func() { cancel(); <-done }()
	waitReady(t, svc)
	before := len(logs.lines())

	b.Close()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if code, body := readyz2(svc); code == http.StatusServiceUnavailable && body == "not ready: cannot reach Kafka" {
			break
		}
		require.True(t, time.Now().Before(deadline), "/readyz says the broker is unreachable")
	}
	time.Sleep(3 * time.Second) // the clients keep failing meanwhile
	b, err = embedded.Start(opts)
	require.NoError(t, err)
	defer b.Close()
	waitReady(t, svc)

	var loud []map[string]any
	for _, l := range logs.lines()[before:] {
		if l["level"] == "ERROR" || l["level"] == "WARN" {
			loud = append(loud, l)
		}
	}
	require.Len(t, loud, 2, "one line when it starts, one when it ends: %v", loud)
	assert.Equal(t, "ERROR", loud[0]["level"])
	assert.Contains(t, loud[0]["msg"], "Kafka unreachable")
	assert.Equal(t, "WARN", loud[1]["level"])
	assert.Contains(t, loud[1]["msg"], "Kafka reachable again")
	assert.Greater(t, loud[1]["outage_seconds"], 3.0)
}
