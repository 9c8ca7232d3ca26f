package main_test

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// TestRestartCyclesBench measures how long commands wait for their answer
// while two adapter processes are SIGKILLed and restarted at once, one after
// the other, DSMF_RESTART_CYCLES times (skipped when unset): with dynamic
// group membership and with static membership (-group-instance-id), side by
// side on one broker process, loopback only. It prints the waits (p50, p99,
// max) and how many commands waited over 3 s; it asserts only that every
// command is answered.
//
//	DSMF_RESTART_CYCLES=10 go test ./cmd/dsmf-adapter -run TestRestartCyclesBench -v -timeout 20m
func TestRestartCyclesBench(t *testing.T) {
	cycles, _ := strconv.Atoi(os.Getenv("DSMF_RESTART_CYCLES"))
	if cycles <= 0 {
		t.Skip("a benchmark of processes: set DSMF_RESTART_CYCLES")
	}
	w := newWorld(t, 20)
	for _, mode := range []string{"dynamic", "static"} {
		waits := restartCycles(t, w, mode, cycles)
		slices.Sort(waits)
		q := func(p float64) time.Duration { return waits[min(len(waits)-1, int(p*float64(len(waits))))] }
		over := 0
		for _, d := range waits {
			if d > 3*time.Second {
				over++
			}
		}
		t.Logf("restart bench, %s membership: %d cycles (SIGKILL + immediate restart), %d commands: wait p50 %s, p99 %s, max %s; over 3 s: %d",
			mode, cycles, len(waits), q(0.5).Round(time.Millisecond), q(0.99).Round(time.Millisecond), waits[len(waits)-1].Round(time.Millisecond), over)
	}
}

// restartCycles runs two instances in their own consumer group, sends a
// steady stream of commands (40/s, twenty insurers) and kills and restarts
// them in turn; it returns each command's wait for its answer.
func restartCycles(t *testing.T, w *world, mode string, cycles int) []time.Duration {
	group := "bench-" + mode + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	args := func(i int) []string {
		a := []string{"-consumer-group", group}
		if mode == "static" {
			a = append(a, "-group-instance-id", fmt.Sprintf("%s-%d", group, i))
		}
		return a
	}
	procs := []*adapterProcess{startAdapter(t, w.bin, w.brokerAddr, args(0)...), startAdapter(t, w.bin, w.brokerAddr, args(1)...)}

	var mu sync.Mutex
	sent := map[string]time.Time{}
	stop := make(chan struct{})
	sending := make(chan struct{})
	go func() {
		defer close(sending)
		tick := time.NewTicker(25 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			cmd := testkit.ProfileGet(testkit.Session{ID: "bench-no-session", VOEN: w.insurers[i%len(w.insurers)]})
			mu.Lock()
			sent[cmd.ID] = time.Now()
			mu.Unlock()
			sendRetrying(t, w.client, cmd)
		}
	}()
	time.Sleep(2 * time.Second)
	for c := 0; c < cycles; c++ {
		i := c % 2
		procs[i].kill(t)
		procs[i] = startAdapter(t, w.bin, w.brokerAddr, args(i)...)
		time.Sleep(3 * time.Second)
	}
	close(stop)
	<-sending

	mu.Lock()
	defer mu.Unlock()
	waits := make([]time.Duration, 0, len(sent))
	deadline := time.Now().Add(2 * time.Minute)
	for id, at := range sent {
		var r testkit.Received
		var ok bool
		for !ok {
			r, ok = w.client.Wait(contracts.TopicReplies, time.Second, func(r testkit.Received) bool {
				return r.Envelope.Extension(contracts.ExtensionCorrelationID) == id
			})
			require.True(t, ok || time.Now().Before(deadline), "command %s never answered", id)
		}
		waits = append(waits, r.Envelope.Time.Sub(at))
	}
	for _, p := range procs {
		p.kill(t)
	}
	return waits
}
