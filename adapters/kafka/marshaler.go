package kafka

import (
	"github.com/IBM/sarama"
	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/dsmf/ssc-adapter/contracts"
)

// CloudEventsMarshaler carries CloudEvents in binary content mode between
// watermill and Kafka. A watermill message's metadata holds the Kafka headers
// (ce_* and content-type) and its payload is the event data; the record key is
// the ce_partitionkey header.
//
// Unmarshal never fails: a record that is not a CloudEvent still reaches the
// handler, which sends it to the dead-letter topic: failing here would stall
// the partition.
type CloudEventsMarshaler struct{}

var _ interface {
	Marshal(string, *message.Message) (*sarama.ProducerMessage, error)
	Unmarshal(*sarama.ConsumerMessage) (*message.Message, error)
} = CloudEventsMarshaler{}

// Metadata keys the marshaler sets on consumed messages, beside the headers.
const (
	MetaKey = "x-kafka-key"
)

// Marshal turns a watermill message into a Kafka record.
func (CloudEventsMarshaler) Marshal(topic string, msg *message.Message) (*sarama.ProducerMessage, error) {
	headers := make([]sarama.RecordHeader, 0, len(msg.Metadata))
	var key sarama.Encoder
	for k, v := range msg.Metadata {
		if k == MetaKey {
			continue
		}
		if k == contracts.HeaderPrefix+contracts.ExtensionPartitionKey && v != "" {
			key = sarama.StringEncoder(v)
		}
		headers = append(headers, sarama.RecordHeader{Key: []byte(k), Value: []byte(v)})
	}
	if key == nil && msg.Metadata.Get(MetaKey) != "" {
		key = sarama.StringEncoder(msg.Metadata.Get(MetaKey))
	}
	var value sarama.Encoder
	if msg.Payload != nil {
		value = sarama.ByteEncoder(msg.Payload)
	}
	return &sarama.ProducerMessage{Topic: topic, Key: key, Value: value, Headers: headers}, nil
}

// Unmarshal turns a Kafka record into a watermill message.
func (CloudEventsMarshaler) Unmarshal(rec *sarama.ConsumerMessage) (*message.Message, error) {
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
	return msg, nil
}

// ToMessage puts an envelope into a watermill message in binary content mode.
func ToMessage(e contracts.Envelope) *message.Message {
	msg := message.NewMessage(e.ID, e.Data)
	for _, h := range e.BinaryHeaders() {
		msg.Metadata.Set(h.Key, string(h.Value))
	}
	return msg
}

// Headers returns a consumed message's Kafka headers and key.
func Headers(msg *message.Message) (key []byte, headers []contracts.Header) {
	headers = make([]contracts.Header, 0, len(msg.Metadata))
	for k, v := range msg.Metadata {
		if k == MetaKey {
			key = []byte(v)
			continue
		}
		headers = append(headers, contracts.Header{Key: k, Value: []byte(v)})
	}
	return key, headers
}

// RecordHeaders converts a consumed record's headers for the contract's
// envelope codec, skipping nil entries.
func RecordHeaders(hs []*sarama.RecordHeader) []contracts.Header {
	out := make([]contracts.Header, 0, len(hs))
	for _, h := range hs {
		if h != nil {
			out = append(out, contracts.Header{Key: headerName(h.Key), Value: h.Value})
		}
	}
	return out
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
