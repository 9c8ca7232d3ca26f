package service_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/kafka/embedded"
	"github.com/dsmf/ssc-adapter/adapters/service"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// instance is one adapter on a broker, with its operations endpoint.
type instance struct {
	svc  *service.Service
	stop func()
}

func startInstance(t *testing.T, brokers []string, name, groupInstanceID string) instance {
	t.Helper()
	svc, err := service.New(service.Config{Brokers: brokers, CreateTopics: true, ClientID: name, GroupInstanceID: groupInstanceID,
		HTTPAddr: "127.0.0.1:0", AllowUnsignedAssertions: true,
		GroupSessionTimeout: 6 * time.Second, GroupHeartbeat: 200 * time.Millisecond, ShutdownTimeout: 5 * time.Second})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}
	t.Cleanup(stop)
	return instance{svc: svc, stop: stop}
}

// readyz returns /readyz's status and body.
func readyz(t *testing.T, svc *service.Service) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + svc.HTTPAddr() + "/readyz")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// waitReady polls /readyz until it answers 200, and returns the body.
func waitReady(t *testing.T, svc *service.Service) string {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if code, body := readyz(t, svc); code == http.StatusOK {
			return body
		}
	}
	t.Fatal("/readyz never answered 200")
	return ""
}

// /readyz answers 200 only once this instance holds its group assignment and
// consumes it: at that moment the group is stable with this instance as its
// one member, owning every command partition, and a command sent then is
// answered. After a graceful stop the next instance gets the partitions
// without waiting for the old member's session to expire.
func TestReadyMeansConsuming(t *testing.T) {
	b, err := embedded.Start(embedded.Options{Addr: "127.0.0.1:0",
		Extra: []kfake.Opt{kfake.GroupMinSessionTimeout(time.Second)}})
	require.NoError(t, err)
	t.Cleanup(b.Close) // after the instances' own clean-ups
	admin, err := sarama.NewClusterAdmin(b.Addrs(), kafka.Config{Brokers: b.Addrs()}.SaramaConfig())
	require.NoError(t, err)
	defer admin.Close()
	require.NoError(t, kafka.CreateTopics(b.Addrs(), contracts.Topics(contracts.DefaultPartitions)))
	client, err := testkit.NewClient(b.Addrs())
	require.NoError(t, err)
	defer client.Close()

	group := service.Defaults().ConsumerGroup
	for round, name := range []string{"first", "after a graceful restart"} {
		in := startInstance(t, b.Addrs(), name, "")
		code, _ := readyz(t, in.svc)
		body := waitReady(t, in.svc)
		readyAt := time.Now()
		assert.Contains(t, body, "consuming "+contracts.TopicBackOfficeCommands+" [0 1 2 3 4 5], "+contracts.TopicPortalCommands+" [0 1 2 3 4 5]", name)

		groups, err := admin.DescribeConsumerGroups([]string{group})
		require.NoError(t, err)
		require.Len(t, groups, 1)
		assert.Equal(t, "Stable", groups[0].State, "%s: ready, so the group is not rebalancing", name)
		require.Len(t, groups[0].Members, 1, "%s: one member per instance, and the stopped one left", name)
		for _, m := range groups[0].Members {
			a, err := m.GetMemberAssignment()
			require.NoError(t, err)
			assert.Len(t, a.Topics[contracts.TopicPortalCommands], 6, name)
			assert.Len(t, a.Topics[contracts.TopicBackOfficeCommands], 6, name)
		}

		cmd := testkit.ProfileGet(testkit.Session{ID: "no-such-session", VOEN: testkit.Insurer.VOEN})
		env, err := cmd.Envelope(contracts.SourcePortal, time.Now())
		require.NoError(t, err)
		require.NoError(t, client.Produce(contracts.TopicPortalCommands, env))
		r, ok := client.Wait(contracts.TopicReplies, 30*time.Second, func(r testkit.Received) bool {
			return r.Envelope.Extension(contracts.ExtensionCorrelationID) == cmd.ID
		})
		require.True(t, ok, "%s: the command sent at ready is answered", name)
		assert.Equal(t, contracts.TypeError, r.Envelope.Type)
		t.Logf("%s: /readyz first answered %d, then 200; first answer %.2f s after ready", name, code, time.Since(readyAt).Seconds())
		reg := in.svc.Metrics.Registry
		assert.Equal(t, 12.0, metricValue(t, reg, "dsmf_partitions_assigned", nil))
		assert.Equal(t, 0.0, metricValue(t, reg, "dsmf_broker_unreachable", nil))
		assert.Greater(t, metricValue(t, reg, "dsmf_time_to_ready_seconds", nil), 0.0)
		assert.Greater(t, metricValue(t, reg, "dsmf_rebuild_seconds", nil), 0.0)
		assert.GreaterOrEqual(t, metricValue(t, reg, "dsmf_rebuild_records", nil), 0.0)
		if round == 0 {
			in.stop()
			code, body := readyz2(in.svc)
			assert.NotEqual(t, http.StatusOK, code, "stopped: %s", body)
		}
	}
}

// readyz2 asks a stopped instance: its endpoint is closed, or not ready.
func readyz2(svc *service.Service) (int, string) {
	resp, err := http.Get("http://" + svc.HTTPAddr() + "/readyz")
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(body))
}

// With static membership (-group-instance-id) an instance that restarts
// takes its partitions back without a rebalance of the group: the other
// instance keeps consuming (its /readyz never leaves 200), and commands on
// every partition are answered after the restart. Without it the same
// restart takes the other instance's partitions away twice.
func TestStaticMemberRestartDoesNotStallTheGroup(t *testing.T) {
	b, err := embedded.Start(embedded.Options{Addr: "127.0.0.1:0",
		Extra: []kfake.Opt{kfake.GroupMinSessionTimeout(time.Second)}})
	require.NoError(t, err)
	t.Cleanup(b.Close)
	require.NoError(t, kafka.CreateTopics(b.Addrs(), contracts.Topics(contracts.DefaultPartitions)))
	client, err := testkit.NewClient(b.Addrs())
	require.NoError(t, err)
	defer client.Close()
	admin, err := sarama.NewClusterAdmin(b.Addrs(), kafka.Config{Brokers: b.Addrs()}.SaramaConfig())
	require.NoError(t, err)
	defer admin.Close()

	// b first: the group's leader, whose rejoin would rebalance anyway.
	other := startInstance(t, b.Addrs(), "b", "instance-b")
	waitReady(t, other.svc)
	first := startInstance(t, b.Addrs(), "a", "instance-a")
	waitReady(t, first.svc)
	stable := func() bool {
		groups, err := admin.DescribeConsumerGroups([]string{service.Defaults().ConsumerGroup})
		return err == nil && len(groups) == 1 && groups[0].State == "Stable" && len(groups[0].Members) == 2
	}
	for deadline := time.Now().Add(60 * time.Second); !stable() || !strings.HasPrefix(readyBody(t, other.svc), "ready"); time.Sleep(20 * time.Millisecond) {
		require.True(t, time.Now().Before(deadline), "two members, stable")
	}

	var notReady atomic.Int64
	watching, stopWatch := context.WithCancel(context.Background())
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for watching.Err() == nil {
			if code, _ := readyz2(other.svc); code != http.StatusOK {
				notReady.Add(1)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	first.stop()
	again := startInstance(t, b.Addrs(), "a", "instance-a")
	waitReady(t, again.svc)

	// Commands for many insurer keys: every partition's owner answers.
	ids := map[string]bool{}
	for i := 0; i < 24; i++ {
		voen := strconv.Itoa(1000000000 + i*7919)
		cmd := testkit.ProfileGet(testkit.Session{ID: "no-such-session", VOEN: voen})
		env, err := cmd.Envelope(contracts.SourcePortal, time.Now())
		require.NoError(t, err)
		require.NoError(t, client.Produce(contracts.TopicPortalCommands, env))
		ids[cmd.ID] = true
	}
	for id := range ids {
		_, ok := client.Wait(contracts.TopicReplies, 30*time.Second, func(r testkit.Received) bool {
			return r.Envelope.Extension(contracts.ExtensionCorrelationID) == id
		})
		require.True(t, ok, "answered after the restart")
	}
	stopWatch()
	<-watched
	assert.Zero(t, notReady.Load(), "the other instance kept its partitions through the restart")
	assert.True(t, stable(), "still two members")
}

func readyBody(t *testing.T, svc *service.Service) string {
	_, body := readyz(t, svc)
	return body
}
