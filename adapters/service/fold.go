package service

import (
	"github.com/IBM/sarama"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/store"
)

// Fold is the log reader's apply function: it hands each batch of records
// to the store. The service uses it, and so does the cold-start benchmark,
// so that both measure the same work.
func Fold(state *store.Store) kafka.ApplyFunc {
	return func(batch []*sarama.ConsumerMessage) error {
		recs := make([]store.Record, len(batch))
		for i, m := range batch {
			recs[i] = store.Record{Topic: m.Topic, Key: m.Key, Value: m.Value, Headers: kafka.RecordHeaders(m.Headers)}
		}
		state.Apply(recs)
		return nil
	}
}
