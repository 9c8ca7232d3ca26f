package kafka

import (
	"fmt"

	"github.com/IBM/sarama"
)

// Producer writes records and returns once the brokers have them (acks as
// SaramaConfig sets: all in-sync replicas, idempotent).
//
// Concurrent callers share produce requests: while one request is in
// flight, sarama gathers whatever else is sent and writes it in the next,
// so many handlers writing at once cost few round trips. One Send's records
// are written in the order given.
type Producer struct {
	p sarama.SyncProducer
}

// NewProducer connects a producer of its own: a fetch waiting on a
// connection (kfake serves one request per connection at a time) must not
// hold up a write. Its batches are compressed with the codec given.
func NewProducer(c Config, compression sarama.CompressionCodec) (*Producer, error) {
	sc := c.SaramaConfig()
	sc.Producer.Compression = compression
	p, err := sarama.NewSyncProducer(c.Brokers, sc)
	if err != nil {
		return nil, fmt.Errorf("kafka producer: %w", err)
	}
	return &Producer{p: p}, nil
}

// Send writes the records and waits for all of them.
func (p *Producer) Send(records ...*sarama.ProducerMessage) error {
	switch len(records) {
	case 0:
		return nil
	case 1:
		_, _, err := p.p.SendMessage(records[0])
		return err
	}
	return p.p.SendMessages(records)
}

// Close flushes and disconnects.
func (p *Producer) Close() error { return p.p.Close() }
