package service_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/dsmf/ssc-adapter/adapters/service"
)

// A command router that cannot start makes Run return its error, with the
// log reader it started stopped, instead of leaving Run waiting for it.
func TestRunReturnsWhenTheRouterCannotStart(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	require.NoError(t, err)
	defer cluster.Close()
	svc, err := service.New(service.Config{Brokers: cluster.ListenAddrs(), CreateTopics: true, AllowUnsignedAssertions: true,
		// Sarama refuses a consumer group with a session this short: the
		// router's subscriber cannot join.
		GroupSessionTimeout: time.Millisecond,
		Logger:              slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)

	done := make(chan error, 1)
	go func() { done <- svc.Run(context.Background()) }()
	select {
	case err := <-done:
		require.ErrorContains(t, err, "command router")
		require.ErrorContains(t, err, "Session.Timeout")
	case <-time.After(2 * time.Minute): // a guard against hanging, not a speed check
		t.Fatal("Run is still running after its router failed to start")
	}
}
