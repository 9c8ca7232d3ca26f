package service

import (
	"github.com/IBM/sarama"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/contracts"
)

// Fold is the log reader's fold, in two steps: it reads each batch of
// records for the store (beside the fold of the batch before), then
// applies it. The service uses it, and so does the cold-start benchmark,
// so that both measure the same work.
func Fold(state *store.Store) kafka.PrepareFunc {
	return func(batch []*sarama.ConsumerMessage) func() error {
		recs := make([]store.Record, len(batch))
		n := 0
		for _, m := range batch {
			n += len(m.Headers)
		}
		headers := make([]contracts.Header, 0, n) // one allocation for the batch's headers
		for i, m := range batch {
			from := len(headers)
			headers = kafka.AppendRecordHeaders(headers, m.Headers)
			recs[i] = store.Record{Topic: m.Topic, Key: m.Key, Value: m.Value, Headers: headers[from:len(headers):len(headers)]}
		}
		b := store.Prepare(recs)
		return func() error {
			state.ApplyBatch(b)
			return nil
		}
	}
}
