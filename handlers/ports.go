// Package handlers decides the portal's and the back office's commands:
// load state, let the domain decide, record the decision on the event log,
// answer. It speaks the contract; what it needs from outside is declared
// here and in state.go, and it imports nothing under adapters/. Each command
// has its file (a Query or a Change, found in registry.go); the steps every
// command goes through are Watermill middlewares (middlewares.go).
package handlers

import (
	"context"
	"time"

	"github.com/dsmf/ssc-adapter/contracts"
)

// Inbound is a consumed Kafka record.
type Inbound struct {
	Topic     string
	Partition int32
	Offset    int64
	Key       []byte
	Headers   []contracts.Header
	Value     []byte
}

// Outgoing is a record to produce.
type Outgoing struct {
	Topic   string
	Key     string
	Headers []contracts.Header
	Value   []byte
	// DeadLetter names a dead letter for the metrics, as intake set it: the
	// headers also carry the sender's own, which may say anything.
	DeadLetter DeadLetterTag
}

// DeadLetterTag is a dead letter's identity (dlq_id) and code (dlq_code);
// zero on any other record.
type DeadLetterTag struct{ ID, Code string }

// Publisher writes records, each to its topic, and returns once the broker
// has all of them (acks=all). Records of one partition are written in the
// order given.
type Publisher interface {
	Publish(ctx context.Context, records ...Outgoing) error
}

// NoticeRenderer makes a notice PDF.
type NoticeRenderer interface {
	Render(n contracts.Notice) ([]byte, error)
}

// Observer is told how each message ended, for metrics. Labels are the
// message type and an outcome code: never personal data.
type Observer interface {
	Handled(messageType, outcome string, took time.Duration)
	// Waited reports how long a command waited on the broker in one
	// stage of its handling (StageWriteEvent, StageAwaitEvent,
	// StageWriteAnswer): where its latency went.
	Waited(stage string, took time.Duration)
}

// Stages of a command's handling that wait on the broker.
const (
	StageWriteEvent  = "write_event"  // the event's produce, until acknowledged
	StageAwaitEvent  = "await_event"  // from then until the log reader has folded it
	StageWriteAnswer = "write_answer" // the reply, notice, dead letter and audit record's produce
)

// FromEnvelope makes an outgoing record in binary content mode.
func FromEnvelope(topic string, e contracts.Envelope) Outgoing {
	return Outgoing{Topic: topic, Key: e.Key, Headers: e.BinaryHeaders(), Value: e.Data}
}

type nopObserver struct{}

func (nopObserver) Handled(string, string, time.Duration) {}

func (nopObserver) Waited(string, time.Duration) {}
