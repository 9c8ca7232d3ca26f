package kafka

import (
	"github.com/IBM/sarama"
	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/dsmf/ssc-adapter/contracts"
)

// MetaKey is the metadata key of a consumed message's record key, beside
// its headers.
const MetaKey = "x-kafka-key"

// newMessage makes the watermill message of a consumed record, CloudEvents
// in binary content mode: the metadata holds the Kafka headers (ce_* and
// content-type) and the record key, the payload is the event data.
//
// It never fails: a record that is not a CloudEvent still reaches the
// handler, which sends it to the dead-letter topic; failing here would stall
// the partition.
func newMessage(rec *sarama.ConsumerMessage) *message.Message {
	md := make(message.Metadata, len(rec.Headers)+1)
	id := ""
	for _, h := range rec.Headers {
		if h == nil {
			continue
		}
		md.Set(string(h.Key), string(h.Value))
		if string(h.Key) == contracts.HeaderPrefix+"id" {
			id = string(h.Value)
		}
	}
	if rec.Key != nil {
		md.Set(MetaKey, string(rec.Key))
	}
	if id == "" {
		id = watermill.NewUUID()
	}
	msg := message.NewMessage(id, rec.Value)
	msg.Metadata = md
	return msg
}

// RecordHeaders converts a consumed record's headers for the contract's
// envelope codec, skipping nil entries.
func RecordHeaders(hs []*sarama.RecordHeader) []contracts.Header {
	return AppendRecordHeaders(make([]contracts.Header, 0, len(hs)), hs)
}

// AppendRecordHeaders appends a record's headers to dst: a batch of
// records can share one slice for them all.
func AppendRecordHeaders(dst []contracts.Header, hs []*sarama.RecordHeader) []contracts.Header {
	for _, h := range hs {
		if h != nil {
			dst = append(dst, contracts.Header{Key: headerName(h.Key), Value: h.Value})
		}
	}
	return dst
}

// knownHeaders are the header names every record carries: their names are
// not copied for each record (seven strings a record during a rebuild).
var knownHeaders = func() map[string]string {
	m := map[string]string{contracts.HeaderContentType: contracts.HeaderContentType}
	for _, attr := range []string{"specversion", "id", "source", "type", "time", "subject", "dataschema",
		contracts.ExtensionPartitionKey, contracts.ExtensionCorrelationID} {
		m[contracts.HeaderPrefix+attr] = contracts.HeaderPrefix + attr
	}
	return m
}()

func headerName(b []byte) string {
	if name, ok := knownHeaders[string(b)]; ok { // no allocation for the look-up
		return name
	}
	return string(b)
}
