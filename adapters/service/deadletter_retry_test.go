package service_test

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/handlers"
	"github.com/dsmf/ssc-adapter/testkit"
)

// The answer of a dead-lettered command fails for longer than the
// producer retries, so the handler runs again and writes the dead letter
// again: both copies carry one dlq_id, and dsmf_dead_letters_total counts
// it once.
func TestDeadLetterWrittenAgainByARetryCountsOnce(t *testing.T) {
	h := testkit.Start(t, testkit.Options{})
	voen := testkit.Insurer.VOEN

	var mu sync.Mutex
	failures := 0
	h.Cluster().ControlKey(int16(kmsg.Produce), func(req kmsg.Request) (kmsg.Response, error, bool) {
		h.Cluster().KeepControl()
		pr := req.(*kmsg.ProduceRequest)
		replies := false
		for _, tp := range pr.Topics {
			replies = replies || tp.Topic == contracts.TopicReplies
		}
		mu.Lock()
		defer mu.Unlock()
		if !replies || failures >= 11 { // the producer's first try and its 10 retries
			return nil, nil, false
		}
		failures++
		resp := pr.ResponseKind().(*kmsg.ProduceResponse)
		for _, tp := range pr.Topics {
			rt := kmsg.NewProduceResponseTopic()
			rt.Topic = tp.Topic
			for _, p := range tp.Partitions {
				rp := kmsg.NewProduceResponseTopicPartition()
				rp.Partition = p.Partition
				rp.ErrorCode = 19 // NOT_ENOUGH_REPLICAS: retriable
				rt.Partitions = append(rt.Partitions, rp)
			}
			resp.Topics = append(resp.Topics, rt)
		}
		return resp, nil, true
	})

	headers := []contracts.Header{{Key: "ce_specversion", Value: []byte("1.0")}, {Key: "ce_id", Value: []byte("dl-retry")},
		{Key: "ce_source", Value: []byte("urn:test")}, {Key: "ce_type", Value: []byte(contracts.TypeProfileGet)},
		{Key: "content-type", Value: []byte("text/plain")}}
	require.NoError(t, h.Client.ProduceRaw(contracts.TopicPortalCommands, voen, headers, []byte(`{"insurerVoen":"`+voen+`"}`)))
	assert.Equal(t, "UNSUPPORTED_CONTENT_TYPE", h.WaitReply("dl-retry").Code())

	isIt := func(r testkit.Received) bool { return recHeader(r, "ce_id") == "dl-retry" }
	var letters []testkit.Received
	require.Eventually(t, func() bool {
		letters = h.Client.All(contracts.TopicDeadLetter, isIt)
		return len(letters) >= 2
	}, 10*time.Second, 20*time.Millisecond, "written again by the retry")
	mu.Lock()
	require.Equal(t, 11, failures, "the first answer failed for good")
	mu.Unlock()
	require.Len(t, letters, 2, "written twice, not more")
	id := recHeader(letters[0], handlers.HeaderDLQID)
	partition, err := strconv.Atoi(recHeader(letters[0], handlers.HeaderDLQPartition))
	require.NoError(t, err)
	offset, err := strconv.ParseInt(recHeader(letters[0], handlers.HeaderDLQOffset), 10, 64)
	require.NoError(t, err)
	assert.Equal(t, contracts.DeadLetterID(contracts.TopicPortalCommands, int32(partition), offset), id)
	assert.Equal(t, id, recHeader(letters[1], handlers.HeaderDLQID))

	reg := h.Instances()[0].Service.Metrics.Registry
	assert.Equal(t, 1.0, metricValue(t, reg, "dsmf_dead_letters_total", map[string]string{"reason": "UNSUPPORTED_CONTENT_TYPE", "form": "whole"}))
}
