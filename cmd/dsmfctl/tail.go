package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

const tailAbout = `
Follows a topic and prints one line per record: time, type, key and the data in
short on a terminal, one JSON object per line when piped. Notices show their id,
application, version and PDF size instead of the PDF; dead letters show their
dlq_* headers. Stops on Ctrl-C, or after -n records.

  dsmfctl tail                                   # the event log, from now on
  dsmfctl tail -topic replies -from oldest -n 10
  dsmfctl tail -type ssc.application -insurer 9802091761
`

// topicAliases are the short names -topic takes; a full topic name works too.
var topicAliases = map[string]string{
	"events":              contracts.TopicEvents,
	"replies":             contracts.TopicReplies,
	"notices":             contracts.TopicNotices,
	"deadletter":          contracts.TopicDeadLetter,
	"audit":               contracts.TopicAudit,
	"status":              contracts.TopicApplicationStatus,
	"backoffice-replies":  contracts.TopicBackOfficeReplies,
	"portal-commands":     contracts.TopicPortalCommands,
	"backoffice-commands": contracts.TopicBackOfficeCommands,
	"insurers":            contracts.TopicInsurers,
	"insured-persons":     contracts.TopicInsuredPersons,
	"identity-documents":  contracts.TopicIdentityDocuments,
}

// tailOptions say what tail reads and prints.
type tailOptions struct {
	brokers  []string
	security kafka.Security
	topic    string
	oldest   bool
	typ      string // prefix of the CloudEvents type
	insurer  string // the record key
	limit    int
	// ready, when set, is called once reading has started (tests).
	ready func()
}

func runTail(ctx context.Context, e *env, g globals, args []string) error {
	fs, brokers := flagSet(e, g, "tail", "[-topic T] [-from newest|oldest] [-type PREFIX] [-insurer VÖEN] [-n N]", tailAbout)
	topic := fs.String("topic", "events", "events, replies, notices, deadletter, audit, status, backoffice-replies (or portal-commands, backoffice-commands, insurers, insured-persons, identity-documents, or a topic name)")
	from := fs.String("from", "newest", "newest (only what comes from now on) or oldest (everything kept)")
	typ := fs.String("type", "", "only this CloudEvents type, or types starting with it; the az.gov.dsmf. prefix may be left out")
	insurer := fs.String("insurer", "", "only records of this insurer (the record key, a VÖEN)")
	n := fs.Int("n", 0, "stop after this many records (0: follow until Ctrl-C)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("tail: unexpected argument %q", fs.Arg(0))
	}
	opts := tailOptions{security: g.security, topic: *topic, typ: *typ, insurer: *insurer, limit: *n}
	if full, ok := topicAliases[*topic]; ok {
		opts.topic = full
	} else if !strings.Contains(*topic, ".") {
		return usagef("tail: unknown topic %q", *topic)
	}
	switch *from {
	case "newest":
	case "oldest":
		opts.oldest = true
	default:
		return usagef("tail: -from must be newest or oldest")
	}
	if *n < 0 {
		return usagef("tail: -n must not be negative")
	}
	if *insurer != "" && domain.ValidateVOEN(*insurer) != nil {
		return usagef("tail: -insurer must be a VÖEN, 10 digits")
	}
	var err error
	if opts.brokers, err = splitBrokers(*brokers); err != nil {
		return err
	}
	return tail(ctx, e, opts)
}

// tail prints the records of a topic until ctx ends or the limit is reached.
func tail(ctx context.Context, e *env, o tailOptions) error {
	cfg := saramaConfig("dsmfctl-tail", o.security)
	cfg.Consumer.IsolationLevel = sarama.ReadCommitted // the status topic is written in transactions
	client, err := sarama.NewClient(o.brokers, cfg)
	if err != nil {
		return connectError(o.brokers, o.security, err)
	}
	defer client.Close()
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		return fmt.Errorf("consumer: %w", err)
	}
	defer consumer.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	records := make(chan record, 256)
	var wg sync.WaitGroup
	offset := sarama.OffsetNewest
	if o.oldest {
		offset = sarama.OffsetOldest
	}
	err = consume(ctx, consumer, o.topic, offset, &wg, func(r record) {
		select {
		case records <- r:
		case <-ctx.Done():
		}
	})
	defer wg.Wait()
	if err != nil {
		cancel()
		if errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
			return fmt.Errorf("no topic %s on %v", o.topic, o.brokers)
		}
		return err
	}
	if o.ready != nil {
		o.ready()
	}
	typ := o.typ
	if typ != "" && !strings.HasPrefix(typ, "az.gov.dsmf.") {
		typ = "az.gov.dsmf." + typ
	}
	printed := 0
	for {
		select {
		case <-ctx.Done():
			cancel()
			return nil
		case r := <-records:
			if typ != "" && (r.EnvelopeErr != nil || !strings.HasPrefix(r.Envelope.Type, typ)) {
				continue
			}
			if o.insurer != "" && r.Key != o.insurer {
				continue
			}
			if err := printRecord(e, r); err != nil {
				cancel()
				return err
			}
			printed++
			if o.limit > 0 && printed >= o.limit {
				cancel()
				return nil
			}
		}
	}
}

func printRecord(e *env, r record) error {
	if e.stdoutTTY {
		_, err := fmt.Fprintln(e.stdout, recordLine(r, e.colour()))
		return err
	}
	return writeJSONLine(e.stdout, recordJSON(r))
}

// recordLine is a record in one line for a person: time, type, key, data.
func recordLine(r record, colour bool) string {
	p := painter(colour)
	at := r.Envelope.Time
	if at.IsZero() {
		at = r.Timestamp
	}
	typ := strings.TrimPrefix(r.Envelope.Type, "az.gov.dsmf.")
	typColour := ansiBlue
	switch r.Envelope.Type {
	case contracts.TypeError, contracts.TypeCommandRejected:
		typColour = ansiRed
	}
	var what string
	switch {
	case r.Topic == contracts.TopicDeadLetter:
		typ, typColour = "dead letter", ansiRed
		what = dlqSummary(r)
	case r.EnvelopeErr != nil:
		typ, typColour = "(not a CloudEvent)", ansiRed
		what = r.EnvelopeErr.Error()
		if errors.Is(r.EnvelopeErr, errTombstone) {
			typ, typColour, what = "(tombstone)", ansiYellow, "deletes the record with this key"
		}
	case r.Envelope.Type == contracts.TypeNotice:
		what = fmt.Sprintf("notice %s · application %s · version %s · PDF %d bytes", r.Envelope.ID,
			r.Envelope.Extension("applicationid"), r.Envelope.Extension("noticeversion"), len(r.Envelope.Data))
	default:
		what = shorten(string(compactJSON(r.Envelope.Data)), 160)
	}
	return fmt.Sprintf("%s  %s  %s  %s", p.paint(ansiGrey, at.UTC().Format("2006-01-02T15:04:05.000Z")),
		p.paint(typColour, typ), p.paint(ansiYellow, r.Key), what)
}

// dlqHeaders are a dead letter's dlq_* headers, sorted by name.
func dlqHeaders(r record) [][2]string {
	var out [][2]string
	for _, h := range r.Headers {
		if strings.HasPrefix(h.Key, "dlq_") {
			out = append(out, [2]string{h.Key, string(h.Value)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

func dlqSummary(r record) string {
	var parts []string
	for _, h := range dlqHeaders(r) {
		parts = append(parts, h[0]+"="+shorten(h[1], 100))
	}
	return strings.Join(parts, " ") + fmt.Sprintf(" (value %d bytes)", len(r.Value))
}

// recordOut is a record as one JSON object, for programs.
type recordOut struct {
	Topic      string            `json:"topic"`
	Partition  int32             `json:"partition"`
	Offset     int64             `json:"offset"`
	Timestamp  string            `json:"timestamp"`
	Key        string            `json:"key"`
	ID         string            `json:"id,omitempty"`
	Type       string            `json:"type,omitempty"`
	Source     string            `json:"source,omitempty"`
	Time       string            `json:"time,omitempty"`
	Subject    string            `json:"subject,omitempty"`
	Extensions map[string]string `json:"extensions,omitempty"`
	Data       json.RawMessage   `json:"data,omitempty"`
	DataBytes  *int              `json:"dataBytes,omitempty"` // data that is not JSON
	PDFBytes   *int              `json:"pdfBytes,omitempty"`  // a notice
	DLQ        map[string]string `json:"dlq,omitempty"`       // a dead letter's dlq_* headers
	ValueBytes *int              `json:"valueBytes,omitempty"`
	Tombstone  bool              `json:"tombstone,omitempty"`
	Error      string            `json:"error,omitempty"` // why it is not a CloudEvent
}

func recordJSON(r record) recordOut {
	size := func(n int) *int { return &n }
	out := recordOut{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset,
		Timestamp: r.Timestamp.UTC().Format(time.RFC3339Nano), Key: r.Key}
	if r.Topic == contracts.TopicDeadLetter {
		out.DLQ = map[string]string{}
		for _, kv := range dlqHeaders(r) {
			out.DLQ[kv[0]] = kv[1]
		}
		out.ValueBytes = size(len(r.Value))
		if r.EnvelopeErr == nil {
			out.ID, out.Type = r.Envelope.ID, r.Envelope.Type
		}
		return out
	}
	if r.EnvelopeErr != nil {
		if errors.Is(r.EnvelopeErr, errTombstone) {
			out.Tombstone = true
		} else {
			out.Error, out.ValueBytes = r.EnvelopeErr.Error(), size(len(r.Value))
		}
		return out
	}
	env := r.Envelope
	out.ID, out.Type, out.Source, out.Subject, out.Extensions = env.ID, env.Type, env.Source, env.Subject, env.Extensions
	if !env.Time.IsZero() {
		out.Time = env.Time.UTC().Format(time.RFC3339Nano)
	}
	switch {
	case env.Type == contracts.TypeNotice:
		out.PDFBytes = size(len(env.Data))
	case json.Valid(env.Data):
		out.Data = compactJSON(env.Data)
	default:
		out.DataBytes = size(len(env.Data))
	}
	return out
}
