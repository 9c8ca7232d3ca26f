package service_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/handlers"
	"github.com/dsmf/ssc-adapter/testkit"
)

func recHeader(r testkit.Received, key string) string {
	v := ""
	for _, h := range r.Headers {
		if h.Key == key {
			v = string(h.Value)
		}
	}
	return v
}

// A 2 MiB command on a command topic that allows it, while the dead-letter
// topic does not: it is answered, dead-lettered as a stub (headers, reason,
// size and digest), audited as dead-lettered, once, and the next command on
// its partition is answered.
func TestOversizedCommandIsStubbedAndThePartitionMovesOn(t *testing.T) {
	h := testkit.Start(t, testkit.Options{})
	voen := testkit.Insurer.VOEN

	admin, err := sarama.NewClusterAdmin(h.Brokers, kafka.Config{Brokers: h.Brokers}.SaramaConfig())
	require.NoError(t, err)
	defer admin.Close()
	limit := strconv.Itoa(4 << 20)
	require.NoError(t, admin.AlterConfig(sarama.TopicResource, contracts.TopicPortalCommands,
		map[string]*string{"max.message.bytes": &limit}, false))

	sc := kafka.Config{Brokers: h.Brokers}.SaramaConfig()
	sc.Producer.MaxMessageBytes = 4 << 20
	prod, err := sarama.NewSyncProducer(h.Brokers, sc)
	require.NoError(t, err)
	defer prod.Close()
	big := append(append([]byte(`{"insurerVoen":"`+voen+`","pad":"`), bytes.Repeat([]byte("x"), 2<<20)...), `"}`...)
	msg := &sarama.ProducerMessage{Topic: contracts.TopicPortalCommands, Key: sarama.StringEncoder(voen), Value: sarama.ByteEncoder(big)}
	for _, hd := range ceHeaders("big-1", contracts.TypeLogin) {
		msg.Headers = append(msg.Headers, sarama.RecordHeader{Key: []byte(hd.Key), Value: hd.Value})
	}
	_, _, err = prod.SendMessage(msg)
	require.NoError(t, err)

	// The next command of the same insurer, so on the same partition.
	session := h.Login(testkit.DirectorLogin(voen))
	assert.NotEmpty(t, session.ID, "the partition moved on")

	r := h.WaitReply("big-1")
	assert.Equal(t, "MALFORMED_MESSAGE", r.Code())
	assert.Len(t, h.Replies("big-1"), 1, "answered once, not retried")

	dl, ok := h.Client.Wait(contracts.TopicDeadLetter, 10*time.Second, func(r testkit.Received) bool {
		return recHeader(r, "ce_id") == "big-1"
	})
	require.True(t, ok, "a dead letter for the oversized command")
	assert.Empty(t, dl.Raw, "a stub: the value did not fit")
	assert.Equal(t, "true", recHeader(dl, handlers.HeaderDLQStub))
	assert.Equal(t, strconv.Itoa(len(big)), recHeader(dl, handlers.HeaderDLQStubSize))
	sum := sha256.Sum256(big)
	assert.Equal(t, hex.EncodeToString(sum[:]), recHeader(dl, handlers.HeaderDLQStubSHA256))
	assert.Contains(t, recHeader(dl, handlers.HeaderDLQStubReason), "message_too_large")
	assert.Equal(t, "MALFORMED_MESSAGE", recHeader(dl, handlers.HeaderDLQCode))
	assert.Equal(t, contracts.TopicPortalCommands, recHeader(dl, handlers.HeaderDLQTopic))
	assert.Len(t, h.Client.All(contracts.TopicDeadLetter, func(r testkit.Received) bool {
		return recHeader(r, "ce_id") == "big-1"
	}), 1, "dead-lettered once")

	isBig := func(r testkit.Received) bool {
		var a contracts.AuditRecord
		return json.Unmarshal(r.Raw, &a) == nil && a.CommandID == "big-1"
	}
	_, ok = h.Client.Wait(contracts.TopicAudit, 10*time.Second, isBig)
	require.True(t, ok, "an audit record")
	audits := h.Client.All(contracts.TopicAudit, isBig)
	require.Len(t, audits, 1, "audited once")
	var a contracts.AuditRecord
	require.NoError(t, json.Unmarshal(audits[0].Raw, &a))
	assert.Equal(t, contracts.AuditDeadLettered, a.Outcome)
	assert.Equal(t, "MALFORMED_MESSAGE", a.Code)

	reg := h.Instances()[0].Service.Metrics.Registry
	assert.Equal(t, 1.0, metricValue(t, reg, "dsmf_dead_letters_total", map[string]string{"reason": "MALFORMED_MESSAGE", "form": "stub"}))
	assert.Equal(t, 1.0, metricValue(t, reg, "dsmf_produce_refused_total",
		map[string]string{"topic": contracts.TopicDeadLetter, "refusal": "message_too_large"}))
}

func ceHeaders(id, typ string) []contracts.Header {
	return []contracts.Header{
		{Key: "ce_specversion", Value: []byte("1.0")}, {Key: "ce_id", Value: []byte(id)},
		{Key: "ce_source", Value: []byte("urn:test")}, {Key: "ce_type", Value: []byte(typ)},
		{Key: "content-type", Value: []byte("application/json")},
	}
}

// metricValue is the value of a counter or gauge with these labels, or -1.
func metricValue(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if v, ok := labels[l.GetName()]; ok && v != l.GetValue() {
					continue metrics
				}
			}
			if m.GetCounter() != nil {
				return m.GetCounter().GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return -1
}
