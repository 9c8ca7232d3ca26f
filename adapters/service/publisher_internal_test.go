package service

import (
	"context"
	"testing"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/ops"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/handlers"
)

// A dead letter written again (the handler retried after its answer
// failed) counts once, and the metric's reason is the adapter's own code,
// bounded to the codes it knows, whatever dlq_code the sender put in.
func TestDeadLetterMetricCountsEachIdentityOnce(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.SeedTopics(1, contracts.TopicDeadLetter))
	require.NoError(t, err)
	defer cluster.Close()
	prod, err := kafka.NewProducer(kafka.Config{Brokers: cluster.ListenAddrs()}, sarama.CompressionNone, 1)
	require.NoError(t, err)
	defer prod.Close()
	metrics := ops.NewMetrics()
	p := publisher{events: prod, rest: prod, sre: metrics.SRE, counted: newRecentIDs(16)}

	letter := func(id, code string, senderCode string) handlers.Outgoing {
		return handlers.Outgoing{Topic: contracts.TopicDeadLetter, Key: "1234567890", Value: []byte("garbage"),
			Headers:    []contracts.Header{{Key: contracts.HeaderDLQCode, Value: []byte(senderCode)}},
			DeadLetter: handlers.DeadLetterTag{ID: id, Code: code}}
	}
	ctx := context.Background()
	require.NoError(t, p.Publish(ctx, letter("a", "MALFORMED_MESSAGE", "x-1")))
	require.NoError(t, p.Publish(ctx, letter("a", "MALFORMED_MESSAGE", "x-2")), "the same dead letter again")
	require.NoError(t, p.Publish(ctx, letter("b", "MALFORMED_MESSAGE", "x-3")))
	require.NoError(t, p.Publish(ctx, letter("c", "NO_SUCH_CODE", "x-4")))

	families, err := metrics.Registry.Gather()
	require.NoError(t, err)
	got := map[string]float64{}
	for _, f := range families {
		if f.GetName() != "dsmf_dead_letters_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			got[labels["reason"]+"/"+labels["form"]] = m.GetCounter().GetValue()
		}
	}
	assert.Equal(t, map[string]float64{"MALFORMED_MESSAGE/whole": 2, "other/whole": 1}, got,
		"a counted once; an unknown code bounded to other; the sender's dlq_code no label")
}
