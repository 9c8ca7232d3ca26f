package main

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/contracts"
)

// deadLetterBroker is a bare broker with a dead-letter topic of partitions
// partitions, and a writer that puts records on the partition it is told.
type deadLetterBroker struct {
	brokers  string
	client   sarama.Client
	producer sarama.SyncProducer
}

func newDeadLetterBroker(t *testing.T, partitions int32) *deadLetterBroker {
	t.Helper()
	cluster, err := kfake.NewCluster(kfake.SeedTopics(partitions, contracts.TopicDeadLetter),
		kfake.SeedTopics(3, contracts.TopicPortalCommands))
	require.NoError(t, err)
	t.Cleanup(cluster.Close)
	cfg := saramaConfig("test", kafka.Security{})
	cfg.Producer.Partitioner = sarama.NewManualPartitioner
	client, err := sarama.NewClient(cluster.ListenAddrs(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { client.Close() })
	producer, err := sarama.NewSyncProducerFromClient(client)
	require.NoError(t, err)
	t.Cleanup(func() { producer.Close() })
	return &deadLetterBroker{brokers: strings.Join(cluster.ListenAddrs(), ","), client: client, producer: producer}
}

func (b *deadLetterBroker) write(t *testing.T, partition int32, key string, headers map[string]string) int64 {
	t.Helper()
	m := &sarama.ProducerMessage{Topic: contracts.TopicDeadLetter, Partition: partition, Key: sarama.StringEncoder(key),
		Value: sarama.StringEncoder(`{"insurerVoen":"` + key + `"}`)}
	for _, k := range []string{"ce_id", contracts.HeaderDLQReplayOf, contracts.HeaderDLQCode, contracts.HeaderDLQTopic,
		contracts.HeaderDLQPartition, contracts.HeaderDLQOffset, contracts.HeaderDLQID, contracts.HeaderDLQReplayedAt} {
		if v, ok := headers[k]; ok {
			m.Headers = append(m.Headers, sarama.RecordHeader{Key: []byte(k), Value: []byte(v)})
		}
	}
	_, off, err := b.producer.SendMessage(m)
	require.NoError(t, err)
	return off
}

// deadLetterOf is the headers of the dead letter of portal-commands/0/offset.
func deadLetterOf(offset int64) map[string]string {
	return map[string]string{"ce_id": "cmd-" + strconv.FormatInt(offset, 10), contracts.HeaderDLQCode: "SCHEMA_VIOLATION",
		contracts.HeaderDLQTopic: contracts.TopicPortalCommands, contracts.HeaderDLQPartition: "0",
		contracts.HeaderDLQOffset: strconv.FormatInt(offset, 10),
		contracts.HeaderDLQID:     contracts.DeadLetterID(contracts.TopicPortalCommands, 0, offset)}
}

// commandsWritten is how many records the command topic holds.
func (b *deadLetterBroker) commandsWritten(t *testing.T) int64 {
	t.Helper()
	var n int64
	for p := int32(0); p < 3; p++ {
		end, err := b.client.GetOffset(contracts.TopicPortalCommands, p, sarama.OffsetNewest)
		require.NoError(t, err)
		n += end
	}
	return n
}

// A dead letter written twice (the adapter retried after its answer
// failed) is listed once, naming its copy, and replayed once whichever
// copy's offset the operator gives.
func TestDeadLetterCopiesAreListedAndReplayedAsOne(t *testing.T) {
	b := newDeadLetterBroker(t, 1)
	first := b.write(t, 0, "1234567890", deadLetterOf(7))
	other := b.write(t, 0, "1234567890", deadLetterOf(8))
	copyOff := b.write(t, 0, "1234567890", deadLetterOf(7))

	code, out, errs := runCLI(t, "-brokers", b.brokers, "deadletter", "list")
	require.Equal(t, 0, code, errs)
	letters := deadLetterLines(t, out)
	require.Len(t, letters, 2, "one line per dead letter, not per copy")
	assert.Equal(t, first, letters[0].Offset)
	assert.Equal(t, []int64{copyOff}, letters[0].Copies)
	assert.Equal(t, other, letters[1].Offset)
	assert.Empty(t, letters[1].Copies)

	code, out, errs = runCLI(t, "-brokers", b.brokers, "deadletter", "replay", jsonNumber(copyOff), jsonNumber(first))
	require.Equal(t, 0, code, errs)
	assert.Equal(t, 1, strings.Count(out, "replayed dead letter"), out)
	assert.Equal(t, int64(1), b.commandsWritten(t), "re-driven once")

	code, _, errs = runCLI(t, "-brokers", b.brokers, "deadletter", "replay", jsonNumber(first))
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "already replayed")
	assert.Equal(t, int64(1), b.commandsWritten(t))
}

// Two operators replay the same dead letter at once: both read no marker,
// both write one; only the one whose marker is first re-drives it.
func TestDeadLetterConcurrentReplayRedrivesOnce(t *testing.T) {
	b := newDeadLetterBroker(t, 1)
	off := b.write(t, 0, "1234567890", deadLetterOf(7))
	e, out, _ := testEnv("")
	o := deadLetterOptions{brokers: strings.Split(b.brokers, ","), partition: 0}
	o.beforeMarker = func() {
		// The other operator, who read the same and got here first.
		b.write(t, 0, "1234567890", map[string]string{
			contracts.HeaderDLQReplayOf:   contracts.DeadLetterID(contracts.TopicPortalCommands, 0, 7),
			contracts.HeaderDLQReplayedAt: time.Now().UTC().Format(time.RFC3339)})
	}
	err := replayDeadLetters(e, o, []int64{off})
	require.ErrorIs(t, err, errReplayLost)
	assert.NotContains(t, out.String(), "replayed dead letter")
	assert.Equal(t, int64(0), b.commandsWritten(t), "the loser does not re-drive")
}

// On a dead-letter topic of two partitions, the marker of a replay goes to
// the partition the dead letter was read from, whatever its key hashes to,
// so that a second replay of it is refused.
func TestDeadLetterReplayMarkerIsOnThePartitionRead(t *testing.T) {
	b := newDeadLetterBroker(t, 2)
	// A key that murmur2 puts on partition 0.
	key := ""
	hash := sarama.NewMurmur2Partitioner(contracts.TopicDeadLetter)
	for i := 1000000000; key == ""; i++ {
		k := strconv.Itoa(i)
		p, err := hash.Partition(&sarama.ProducerMessage{Key: sarama.StringEncoder(k)}, 2)
		require.NoError(t, err)
		if p == 0 {
			key = k
		}
	}
	off := b.write(t, 1, key, deadLetterOf(7))

	code, _, errs := runCLI(t, "-brokers", b.brokers, "deadletter", "replay", "-partition", "1", jsonNumber(off))
	require.Equal(t, 0, code, errs)
	code, out, errs := runCLI(t, "-brokers", b.brokers, "deadletter", "list", "-partition", "1")
	require.Equal(t, 0, code, errs)
	letters := deadLetterLines(t, out)
	require.Len(t, letters, 1)
	assert.NotEmpty(t, letters[0].ReplayedAt, "the marker is on partition 1")
	code, _, errs = runCLI(t, "-brokers", b.brokers, "deadletter", "replay", "-partition", "1", jsonNumber(off))
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "already replayed")
	assert.Equal(t, int64(1), b.commandsWritten(t), fmt.Sprintf("re-driven once, key %s", key))
}

// A sender's own dlq_replay_of header, copied onto its dead letter, does
// not make that dead letter a marker: it is listed, and the dead letter it
// names stays replayable.
func TestDeadLetterSendersReplayHeaderIsNoMarker(t *testing.T) {
	b := newDeadLetterBroker(t, 1)
	victim := b.write(t, 0, "1234567890", deadLetterOf(7))
	hostile := deadLetterOf(8)
	hostile[contracts.HeaderDLQReplayOf] = contracts.DeadLetterID(contracts.TopicPortalCommands, 0, 7)
	b.write(t, 0, "1234567890", hostile)

	code, out, errs := runCLI(t, "-brokers", b.brokers, "deadletter", "list")
	require.Equal(t, 0, code, errs)
	letters := deadLetterLines(t, out)
	require.Len(t, letters, 2)
	assert.Empty(t, letters[0].ReplayedAt)
	code, _, errs = runCLI(t, "-brokers", b.brokers, "deadletter", "replay", jsonNumber(victim))
	assert.Equal(t, 0, code, errs)
}
