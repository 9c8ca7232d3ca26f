package contracts

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// Dead-letter headers, added to the original record's own (AsyncAPI
// deadLetterHeaders). A reason names what is wrong (a header, a JSON
// pointer, a schema keyword), never a value, so it carries no personal data.
const (
	HeaderDLQReason    = "dlq_reason"
	HeaderDLQCode      = "dlq_code"
	HeaderDLQTopic     = "dlq_source_topic"
	HeaderDLQPartition = "dlq_source_partition"
	HeaderDLQOffset    = "dlq_source_offset"
	// HeaderDLQID is the dead letter's identity (DeadLetterID): a record
	// handled again (a retry, a redelivery) is dead-lettered again, and its
	// copies share it.
	HeaderDLQID = "dlq_id"

	// A stub stands for a record the broker refused for good: the value is
	// left out and these describe it.
	HeaderDLQStub       = "dlq_stub"        // "true"
	HeaderDLQStubReason = "dlq_stub_reason" // the refusal and the broker's words
	HeaderDLQStubTopic  = "dlq_stub_topic"  // the topic the refused record was for
	HeaderDLQStubSize   = "dlq_stub_size"   // bytes of the refused value
	HeaderDLQStubSHA256 = "dlq_stub_sha256" // hex SHA-256 of the refused value

	// Re-driving (dsmfctl deadletter replay): the marker record written on
	// the dead-letter topic names the dead letter it replayed, so that a
	// second replay is refused; the re-driven command names it too.
	HeaderDLQReplayOf     = "dlq_replay_of"     // on the marker: the dlq_id, or "<partition>/<offset>" for a dead letter without one
	HeaderDLQReplayedAt   = "dlq_replayed_at"   // on the marker: RFC 3339
	HeaderDLQReplayedFrom = "dlq_replayed_from" // on the re-driven command: "<partition>/<offset>"
)

// DeadLetterID is the identity of the dead letter of the record read at
// topic/partition/offset: the same for every copy of it.
func DeadLetterID(topic string, partition int32, offset int64) string {
	sum := sha256.Sum256([]byte(topic + "/" + strconv.Itoa(int(partition)) + "/" + strconv.FormatInt(offset, 10)))
	return hex.EncodeToString(sum[:16])
}
