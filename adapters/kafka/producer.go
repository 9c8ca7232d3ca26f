package kafka

import (
	"errors"
	"fmt"
	"hash/fnv"

	"github.com/IBM/sarama"
)

// Producer writes records and returns once the brokers have them (acks as
// SaramaConfig sets: all in-sync replicas, idempotent).
//
// Concurrent callers share produce requests: while one request is in
// flight, sarama gathers whatever else is sent and writes it in the next,
// so many handlers writing at once cost few round trips. The idempotent
// producer allows one request in flight per connection, so a Producer
// keeps several, each a producer of its own; one Send's records go through
// one of them, chosen by the first record's key, and are written in the
// order given. Records of one key sent one Send after another (a handler
// waits for each) keep their order too.
type Producer struct {
	ps []sarama.SyncProducer
}

// NewProducer connects conns producers of its own: a fetch waiting on a
// connection (kfake serves one request per connection at a time) must not
// hold up a write. Batches are compressed with the codec given.
func NewProducer(c Config, compression sarama.CompressionCodec, conns int) (*Producer, error) {
	p := &Producer{}
	for i := 0; i < max(conns, 1); i++ {
		sc := c.SaramaConfig()
		sc.Producer.Compression = compression
		sp, err := sarama.NewSyncProducer(c.Brokers, sc)
		if err != nil {
			_ = p.Close()
			return nil, fmt.Errorf("kafka producer: %w", err)
		}
		p.ps = append(p.ps, sp)
	}
	return p, nil
}

// Send writes the records and waits for all of them.
func (p *Producer) Send(records ...*sarama.ProducerMessage) error {
	if len(records) == 0 {
		return nil
	}
	sp := p.ps[0]
	if len(p.ps) > 1 && records[0].Key != nil {
		if key, err := records[0].Key.Encode(); err == nil {
			h := fnv.New32a()
			h.Write(key)
			sp = p.ps[h.Sum32()%uint32(len(p.ps))]
		}
	}
	if len(records) == 1 {
		_, _, err := sp.SendMessage(records[0])
		return err
	}
	return sp.SendMessages(records)
}

// Close flushes and disconnects.
func (p *Producer) Close() error {
	var errs []error
	for _, sp := range p.ps {
		errs = append(errs, sp.Close())
	}
	return errors.Join(errs...)
}
