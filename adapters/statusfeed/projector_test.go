package statusfeed_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/statusfeed"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// foldedState is a state that has folded everything; waitFolded, when set,
// runs on the projector's first wait, once it holds a batch.
type foldedState struct {
	snap       snapshot
	once       sync.Once
	waitFolded func()
}

func (s *foldedState) WaitFolded(context.Context, int32, int64) error {
	s.once.Do(func() {
		if s.waitFolded != nil {
			s.waitFolded()
		}
	})
	return nil
}

func (s *foldedState) Snapshot() statusfeed.Snapshot { return s.snap }

const group = "ssc-status"

func producerMessage(topic string, env contracts.Envelope) *sarama.ProducerMessage {
	m := &sarama.ProducerMessage{Topic: topic, Partition: 0, Key: sarama.StringEncoder(env.Key), Value: sarama.ByteEncoder(env.Data)}
	for _, h := range env.BinaryHeaders() {
		m.Headers = append(m.Headers, sarama.RecordHeader{Key: []byte(h.Key), Value: h.Value})
	}
	return m
}

// statusIDs reads the status topic as a read_committed subscriber does and
// counts the records by ce_id.
func statusIDs(t *testing.T, brokers []string) map[string]int {
	t.Helper()
	cfg := kafka.Config{}.SaramaConfig()
	cfg.Consumer.IsolationLevel = sarama.ReadCommitted
	cfg.Producer.Partitioner = sarama.NewManualPartitioner
	// A plain record after every transaction has ended: reading up to it
	// reads everything committed.
	end, err := sarama.NewSyncProducer(brokers, cfg)
	require.NoError(t, err)
	defer end.Close()
	_, endOffset, err := end.SendMessage(&sarama.ProducerMessage{Topic: contracts.TopicApplicationStatus, Partition: 0,
		Key: sarama.StringEncoder("end"), Value: sarama.StringEncoder("end")})
	require.NoError(t, err)
	consumer, err := sarama.NewConsumer(brokers, cfg)
	require.NoError(t, err)
	defer consumer.Close()
	pc, err := consumer.ConsumePartition(contracts.TopicApplicationStatus, 0, sarama.OffsetOldest)
	require.NoError(t, err)
	defer pc.Close()
	ids := map[string]int{}
	for m := range pc.Messages() {
		if m.Offset == endOffset {
			return ids
		}
		env, err := contracts.DecodeEnvelope(m.Key, kafka.RecordHeaders(m.Headers), m.Value)
		require.NoError(t, err)
		ids[env.ID]++
	}
	t.Fatal("status topic ended early")
	return nil
}

// A partition's new owner does not publish again what a stalled old owner
// published: the old owner holds a transaction with the status of the
// partition's first event and its offsets, and commits it while the new
// owner starts, either after sarama read the group's offsets but before
// the new owner fenced (the commit lands; the new owner must skip the
// event), or once the new owner fenced (the commit fails; the new owner
// publishes the event). Either way each event's status is on the topic once.
func TestNewOwnerDoesNotRepublishAStalledOwnersBatch(t *testing.T) {
	for _, fencedFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("fenced before the old commit=%v", fencedFirst), func(t *testing.T) {
			cluster, err := kfake.NewCluster(kfake.Ports(0), kfake.SeedTopics(1, contracts.TopicEvents, contracts.TopicApplicationStatus))
			require.NoError(t, err)
			t.Cleanup(cluster.Close)
			brokers := cluster.ListenAddrs()
			cfg := func() *sarama.Config {
				sc := kafka.Config{ClientID: "statusfeed-test"}.SaramaConfig()
				sc.Producer.Partitioner = sarama.NewManualPartitioner
				return sc
			}

			// Two draft deletions on the log, both took effect.
			snap := snapshot{outcomes: map[string]domain.Outcome{}}
			var events []contracts.Envelope
			for i := range 2 {
				cmd, app := fmt.Sprint("cmd-", i), fmt.Sprint("app-", i)
				env, err := contracts.NewEnvelope(fmt.Sprint("ev-", i), contracts.SourceAdapter, contracts.TypeDraftDeleted, "9802091761", t0,
					contracts.DraftDeleted{EventMeta: meta(cmd, t0), SessionID: "s-1", ApplicationID: app})
				require.NoError(t, err)
				events = append(events, env)
				snap.outcomes[cmd] = domain.Outcome{CommandID: cmd, EventType: contracts.TypeDraftDeleted, Ref: app, At: t0}
			}
			log, err := sarama.NewSyncProducer(brokers, cfg())
			require.NoError(t, err)
			defer log.Close()
			for _, env := range events {
				_, _, err := log.SendMessage(producerMessage(contracts.TopicEvents, env))
				require.NoError(t, err)
			}

			// The old owner, stalled before its commit: the first event's
			// status and the offset past it, in one open transaction.
			oc := cfg()
			oc.Producer.Transaction.ID = statusfeed.TransactionalID(group, 0)
			old, err := sarama.NewSyncProducer(brokers, oc)
			require.NoError(t, err)
			defer old.Close()
			require.NoError(t, old.BeginTxn())
			status, err := contracts.NewEnvelope(statusfeed.RecordID(events[0].ID), contracts.SourceAdapter,
				contracts.TypeApplicationStatus, "9802091761", t0, contracts.ApplicationStatus{ApplicationID: "app-0",
					InsurerVOEN: "9802091761", Status: contracts.StatusDeleted, At: t0})
			require.NoError(t, err)
			require.NoError(t, old.SendMessages([]*sarama.ProducerMessage{producerMessage(contracts.TopicApplicationStatus, status)}))
			require.NoError(t, old.AddOffsetsToTxn(map[string][]*sarama.PartitionOffsetMetadata{
				contracts.TopicEvents: {{Partition: 0, Offset: 1}}}, group))

			oldCommit := make(chan error, 1)
			commitOld := func() { oldCommit <- old.CommitTxn() }
			state := &foldedState{snap: snap}
			p := statusfeed.New(statusfeed.Config{Brokers: brokers, Sarama: cfg, Group: group,
				OutcomeRetention: retention, Now: func() time.Time { return t0 }}, state)
			if fencedFirst {
				state.waitFolded = commitOld
			} else {
				statusfeed.SetBeforeFence(p, func(int32) { commitOld() })
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { defer close(done); p.Run(ctx) }()
			defer func() { cancel(); <-done }()

			// The new owner has consumed both events.
			admin, err := sarama.NewClusterAdmin(brokers, cfg())
			require.NoError(t, err)
			defer admin.Close()
			deadline := time.Now().Add(20 * time.Second)
			for {
				// Until the group joins, it does not exist.
				resp, err := admin.ListConsumerGroupOffsets(group, map[string][]int32{contracts.TopicEvents: {0}})
				if err == nil && resp.GetBlock(contracts.TopicEvents, 0) != nil && resp.GetBlock(contracts.TopicEvents, 0).Offset == 2 {
					break
				}
				require.True(t, time.Now().Before(deadline), "the projector did not consume the log")
				time.Sleep(20 * time.Millisecond)
			}
			cancel()
			<-done

			if fencedFirst {
				assert.Error(t, <-oldCommit, "the fenced old owner cannot commit")
			} else {
				assert.NoError(t, <-oldCommit, "the old owner committed before it was fenced")
			}
			assert.Equal(t, map[string]int{statusfeed.RecordID(events[0].ID): 1, statusfeed.RecordID(events[1].ID): 1},
				statusIDs(t, brokers))
		})
	}
}
