package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// syncBuffer is a bytes.Buffer safe to write from one goroutine and read
// from another.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testEnv is a run's outside world with captured output, not a terminal.
func testEnv(stdin string) (*env, *syncBuffer, *syncBuffer) {
	out, errs := &syncBuffer{}, &syncBuffer{}
	return &env{stdin: strings.NewReader(stdin), stdout: out, stderr: errs,
		getenv: func(string) string { return "" }, now: time.Now}, out, errs
}

// runCLI runs dsmfctl with args and returns the exit code and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	e, out, errs := testEnv("")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code := run(ctx, args, e)
	return code, out.String(), errs.String()
}

// start starts the adapter with a portal signing key and writes the key
// where dsmfctl's -key reads it. It returns the harness, the brokers and the
// key file.
func start(t *testing.T, opts testkit.Options) (*testkit.Harness, string, string) {
	t.Helper()
	_, key, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	opts.SigningKey, opts.SigningKeyID = key, "portal-test"
	file := filepath.Join(t.TempDir(), "portal-signing-key.json")
	require.NoError(t, contracts.WriteSigningKey(file, opts.SigningKeyID, key))
	h := testkit.Start(t, opts)
	return h, strings.Join(h.Brokers, ","), file
}
