package kafka

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordingObserver keeps what a Subscriber tells its GroupObserver.
type recordingObserver struct {
	mu       sync.Mutex
	assigned []map[string][]int32
	oldest   map[int32]time.Duration
}

func (o *recordingObserver) Assigned(c map[string][]int32) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.assigned = append(o.assigned, c)
}

func (o *recordingObserver) Revoked(map[string][]int32) {}

func (o *recordingObserver) GroupError(error) {}

func (o *recordingObserver) Oldest(_ string, p int32, age time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.oldest[p] = age
}

func (o *recordingObserver) age(p int32) time.Duration {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.oldest[p]
}

// The observer learns the assignment, and a record handed out and not
// acknowledged shows as the partition's oldest unanswered one until it is.
func TestSubscriberReportsAssignmentAndOldestUnacknowledged(t *testing.T) {
	t.Parallel()
	addrs := subscriberCluster(t, [2]string{"a", "a0"})
	obs := &recordingObserver{oldest: map[int32]time.Duration{}}
	sc := Config{ClientID: "observer-test"}.SaramaConfig()
	s, err := NewSubscriber(SubscriberConfig{Brokers: addrs, ConsumerGroup: "g-observer", Sarama: sc,
		Topics: []string{subTopic}, Observer: obs}, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	ch, err := s.Subscribe(context.Background(), subTopic)
	require.NoError(t, err)

	m := next(t, ch) // handed out, not acknowledged
	obs.mu.Lock()
	require.NotEmpty(t, obs.assigned)
	assert.Equal(t, map[string][]int32{subTopic: {0}}, obs.assigned[0])
	obs.mu.Unlock()
	for deadline := time.Now().Add(30 * time.Second); obs.age(0) == 0; time.Sleep(20 * time.Millisecond) {
		require.True(t, time.Now().Before(deadline), "the unacknowledged record is reported")
	}
	m.Ack()
	for deadline := time.Now().Add(30 * time.Second); obs.age(0) != 0; time.Sleep(20 * time.Millisecond) {
		require.True(t, time.Now().Before(deadline), "acknowledged: nothing unanswered")
	}
}
