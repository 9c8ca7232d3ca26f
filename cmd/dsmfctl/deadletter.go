package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/IBM/sarama"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

const deadLetterAbout = `
Lists, shows and re-drives the dead letters on dsmf.ssc.deadletter.v1.

  dsmfctl deadletter list [-reason CODE] [-type TYPE] [-insurer VÖEN] [-since 24h|RFC3339] [-until RFC3339]
  dsmfctl deadletter show OFFSET...
  dsmfctl deadletter replay OFFSET...

list prints one line per dead letter (offset, time, code, where it was read,
type, id, key, size; "stub" when only its headers were kept, "copies N" when a
retry wrote it N times (one dlq_id), "replayed" when it was re-driven), JSON
lines when piped. show prints one with all its headers and its value. replay
writes each chosen dead letter back to the topic it was read from (its key,
value and headers, without the dlq_* ones, plus dlq_replayed_from), after a
fix, at most once: it first writes a marker record naming the dead letter's
dlq_id on this partition, reads the partition again, and re-drives only if its
marker is the first for that dlq_id (another operator's replay at the same time
loses). A dead letter already replayed, a stub (its value was not kept) or one
not read from a command topic is refused. Offsets are of partition -partition
(the topic has one); any copy's offset names the dead letter.
`

// deadLetter is a dead letter as list and show see it.
type deadLetter struct {
	record
	id         string  // identity: dlq_id, or partition/offset for one without
	copies     []int64 // offsets of later copies of it (same id)
	replayedAt string  // from the first marker, or ""
	markedAt   int64   // offset of the first marker; -1 when none
}

func (d deadLetter) header(name string) string {
	v := ""
	for _, h := range d.Headers {
		if h.Key == name {
			v = string(h.Value) // the last: dlq_* headers are appended after the original's
		}
	}
	return v
}

func (d deadLetter) stub() bool { return d.header(contracts.HeaderDLQStub) == "true" }

type deadLetterOptions struct {
	brokers   []string
	security  kafka.Security
	partition int32
	reason    string
	typ       string
	insurer   string
	since     time.Time
	until     time.Time
	// beforeMarker, when set, runs between reading the dead letters and
	// writing a replay's marker: tests race another replay there.
	beforeMarker func()
}

func runDeadLetter(ctx context.Context, e *env, g globals, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usagef("deadletter: give list, show or replay (dsmfctl deadletter list -help)")
	}
	verb, args := args[0], args[1:]
	fs, brokers := flagSet(e, g, "deadletter "+verb, "[flags] [OFFSET...]", deadLetterAbout)
	partition := fs.Int("partition", 0, "the dead-letter topic's partition the offsets are of")
	reason := fs.String("reason", "", "list: only this dlq_code (e.g. SCHEMA_VIOLATION)")
	typ := fs.String("type", "", "list: only this CloudEvents type, or types starting with it; the az.gov.dsmf. prefix may be left out")
	insurer := fs.String("insurer", "", "list: only dead letters keyed by this VÖEN")
	since := fs.String("since", "", "list: only dead letters written since then: a duration back from now (24h) or an RFC 3339 time")
	until := fs.String("until", "", "list: only dead letters written before this RFC 3339 time")
	if err := parse(fs, args); err != nil {
		return err
	}
	o := deadLetterOptions{security: g.security, partition: int32(*partition), reason: *reason, typ: *typ, insurer: *insurer}
	var err error
	if o.brokers, err = splitBrokers(*brokers); err != nil {
		return err
	}
	if *insurer != "" && domain.ValidateVOEN(*insurer) != nil {
		return usagef("deadletter: -insurer must be a VÖEN, 10 digits")
	}
	if o.since, err = parseSince(*since, e.now()); err != nil {
		return err
	}
	if *until != "" {
		if o.until, err = time.Parse(time.RFC3339, *until); err != nil {
			return usagef("deadletter: -until must be an RFC 3339 time")
		}
	}
	offsets, err := parseOffsets(fs.Args())
	if err != nil {
		return err
	}
	switch verb {
	case "list":
		if len(offsets) > 0 {
			return usagef("deadletter list takes no offsets; use show")
		}
		return listDeadLetters(e, o)
	case "show", "replay":
		if len(offsets) == 0 {
			return usagef("deadletter %s: give the offsets of the dead letters (from list)", verb)
		}
		if verb == "show" {
			return showDeadLetters(e, o, offsets)
		}
		return replayDeadLetters(e, o, offsets)
	}
	return usagef("deadletter: unknown verb %q: list, show or replay", verb)
}

func parseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, usagef("deadletter: -since must be a duration (24h) or an RFC 3339 time")
	}
	return t, nil
}

func parseOffsets(args []string) ([]int64, error) {
	var out []int64
	for _, a := range args {
		for _, f := range strings.Split(a, ",") {
			n, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
			if err != nil || n < 0 {
				return nil, usagef("deadletter: %q is not an offset", f)
			}
			out = append(out, n)
		}
	}
	return out, nil
}

// readDeadLetters reads the partition from the oldest record to its end as
// it is now: one dead letter per identity (the first copy, naming the
// others), marked with the first marker that names it.
func readDeadLetters(client sarama.Client, partition int32) ([]deadLetter, error) {
	end, err := client.GetOffset(contracts.TopicDeadLetter, partition, sarama.OffsetNewest)
	if err != nil {
		return nil, fmt.Errorf("end of %s/%d: %w", contracts.TopicDeadLetter, partition, err)
	}
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		return nil, fmt.Errorf("consumer: %w", err)
	}
	defer consumer.Close()
	var letters []deadLetter
	byID := map[string]int{}
	type mark struct {
		at     string
		offset int64
	}
	markers := map[string]mark{}
	if end > 0 {
		pc, err := consumer.ConsumePartition(contracts.TopicDeadLetter, partition, sarama.OffsetOldest)
		if err != nil {
			return nil, fmt.Errorf("read %s/%d: %w", contracts.TopicDeadLetter, partition, err)
		}
		defer pc.AsyncClose()
		timeout := time.NewTimer(30 * time.Second)
		defer timeout.Stop()
		for done := false; !done; {
			select {
			case m := <-pc.Messages():
				d := deadLetter{record: toRecord(m), markedAt: -1}
				d.id = d.identity()
				switch i, seen := byID[d.id]; {
				case d.marker():
					of := d.header(contracts.HeaderDLQReplayOf)
					if _, first := markers[of]; !first {
						markers[of] = mark{at: d.header(contracts.HeaderDLQReplayedAt), offset: d.Offset}
					}
				case seen:
					letters[i].copies = append(letters[i].copies, d.Offset)
				default:
					byID[d.id] = len(letters)
					letters = append(letters, d)
				}
				done = m.Offset >= end-1
			case err := <-pc.Errors():
				return nil, fmt.Errorf("read %s/%d: %w", contracts.TopicDeadLetter, partition, err)
			case <-timeout.C:
				return nil, fmt.Errorf("read %s/%d: not at its end (%d) within 30s", contracts.TopicDeadLetter, partition, end)
			}
		}
	}
	for i := range letters {
		if m, ok := markers[letters[i].id]; ok {
			letters[i].replayedAt, letters[i].markedAt = m.at, m.offset
		}
	}
	return letters, nil
}

// identity is the dead letter's dlq_id (the adapter's, written last), or
// its partition/offset when it has none (a stub of a reply, say).
func (d deadLetter) identity() string {
	if id := d.header(contracts.HeaderDLQID); id != "" {
		return id
	}
	return letterRef(d.record)
}

// marker says whether the record is a replay marker. Every dead letter has
// a dlq_code of the adapter's, so a sender's own dlq_replay_of header does
// not make its dead letter a marker.
func (d deadLetter) marker() bool {
	return d.header(contracts.HeaderDLQReplayOf) != "" && d.header(contracts.HeaderDLQCode) == ""
}

func letterRef(r record) string { return fmt.Sprintf("%d/%d", r.Partition, r.Offset) }

func (o deadLetterOptions) match(d deadLetter) bool {
	typ := d.header("ce_type")
	want := o.typ
	if want != "" && !strings.HasPrefix(want, "az.gov.dsmf.") {
		want = "az.gov.dsmf." + want
	}
	switch {
	case o.reason != "" && d.header(contracts.HeaderDLQCode) != o.reason:
	case want != "" && !strings.HasPrefix(typ, want):
	case o.insurer != "" && d.Key != o.insurer:
	case !o.since.IsZero() && d.Timestamp.Before(o.since):
	case !o.until.IsZero() && !d.Timestamp.Before(o.until):
	default:
		return true
	}
	return false
}

func openDeadLetters(o deadLetterOptions) (sarama.Client, []deadLetter, error) {
	cfg := saramaConfig("dsmfctl-deadletter", o.security)
	cfg.Producer.Partitioner = replayPartitioner
	client, err := sarama.NewClient(o.brokers, cfg)
	if err != nil {
		return nil, nil, connectError(o.brokers, o.security, err)
	}
	letters, err := readDeadLetters(client, o.partition)
	if err != nil {
		client.Close()
		return nil, nil, err
	}
	return client, letters, nil
}

// deadLetterOut is a dead letter as one JSON object.
type deadLetterOut struct {
	Offset     int64             `json:"offset"`
	Partition  int32             `json:"partition"`
	Timestamp  string            `json:"timestamp"`
	Code       string            `json:"code"`
	Source     string            `json:"source,omitempty"` // topic/partition/offset it was read from
	Type       string            `json:"type,omitempty"`
	ID         string            `json:"id,omitempty"`
	Key        string            `json:"key,omitempty"`
	ValueBytes int               `json:"valueBytes"`
	DLQID      string            `json:"dlqId,omitempty"`
	Copies     []int64           `json:"copies,omitempty"` // offsets of the same dead letter written again
	Stub       bool              `json:"stub,omitempty"`
	ReplayedAt string            `json:"replayedAt,omitempty"`
	Headers    map[string]string `json:"headers,omitempty"` // show
	Value      string            `json:"value,omitempty"`   // show: the value as text, when it is UTF-8
}

func deadLetterJSON(d deadLetter, full bool) deadLetterOut {
	out := deadLetterOut{Offset: d.Offset, Partition: d.Partition, Timestamp: d.Timestamp.UTC().Format(time.RFC3339Nano),
		Code: d.header(contracts.HeaderDLQCode), Type: d.header("ce_type"), ID: d.header("ce_id"), Key: d.Key,
		ValueBytes: len(d.Value), DLQID: d.header(contracts.HeaderDLQID), Copies: d.copies, Stub: d.stub(), ReplayedAt: d.replayedAt}
	if t := d.header(contracts.HeaderDLQTopic); t != "" {
		out.Source = t + "/" + d.header(contracts.HeaderDLQPartition) + "/" + d.header(contracts.HeaderDLQOffset)
	}
	if full {
		out.Headers = map[string]string{}
		for _, h := range d.Headers {
			out.Headers[h.Key] = string(h.Value)
		}
		if utf8.Valid(d.Value) {
			out.Value = string(d.Value)
		}
	}
	return out
}

func deadLetterLine(d deadLetter, colour bool) string {
	p := painter(colour)
	j := deadLetterJSON(d, false)
	var marks []string
	if j.Stub {
		marks = append(marks, p.paint(ansiYellow, "stub"))
	}
	if len(j.Copies) > 0 {
		marks = append(marks, p.paint(ansiYellow, fmt.Sprintf("copies %d", len(j.Copies)+1)))
	}
	if j.ReplayedAt != "" {
		marks = append(marks, p.paint(ansiGreen, "replayed "+j.ReplayedAt))
	}
	return strings.TrimSpace(fmt.Sprintf("%6d  %s  %-24s  %s  %s  %s  %s  %d B  %s", j.Offset,
		p.paint(ansiGrey, d.Timestamp.UTC().Format("2006-01-02T15:04:05Z")), p.paint(ansiRed, j.Code), orDash(j.Source),
		orDash(strings.TrimPrefix(j.Type, "az.gov.dsmf.")), orDash(shorten(j.ID, 40)), orDash(j.Key), j.ValueBytes,
		strings.Join(marks, " ")))
}

func orDash(s string) string {
	if s == "" || s == "//" {
		return "-"
	}
	return s
}

func listDeadLetters(e *env, o deadLetterOptions) error {
	client, letters, err := openDeadLetters(o)
	if err != nil {
		return err
	}
	defer client.Close()
	for _, d := range letters {
		if !o.match(d) {
			continue
		}
		if e.stdoutTTY {
			fmt.Fprintln(e.stdout, deadLetterLine(d, e.colour()))
		} else if err := writeJSONLine(e.stdout, deadLetterJSON(d, false)); err != nil {
			return err
		}
	}
	return nil
}

// findLetters returns the dead letters at offsets, each once: the offset of
// any copy names its dead letter.
func findLetters(letters []deadLetter, offsets []int64) ([]deadLetter, error) {
	byOffset := map[int64]int{}
	for i, d := range letters {
		byOffset[d.Offset] = i
		for _, c := range d.copies {
			byOffset[c] = i
		}
	}
	out := make([]deadLetter, 0, len(offsets))
	chosen := map[int]bool{}
	for _, off := range offsets {
		i, ok := byOffset[off]
		if !ok {
			return nil, fmt.Errorf("no dead letter at offset %d (a replay marker, or past the end)", off)
		}
		if !chosen[i] {
			chosen[i] = true
			out = append(out, letters[i])
		}
	}
	return out, nil
}

func showDeadLetters(e *env, o deadLetterOptions, offsets []int64) error {
	client, letters, err := openDeadLetters(o)
	if err != nil {
		return err
	}
	defer client.Close()
	chosen, err := findLetters(letters, offsets)
	if err != nil {
		return err
	}
	for _, d := range chosen {
		j := deadLetterJSON(d, true)
		if !e.stdoutTTY {
			if err := writeJSONLine(e.stdout, j); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintln(e.stdout, deadLetterLine(d, e.colour()))
		for _, h := range d.Headers {
			fmt.Fprintf(e.stdout, "  %s: %s\n", h.Key, shorten(string(h.Value), 300))
		}
		switch {
		case d.stub():
			fmt.Fprintln(e.stdout, "  (a stub: the value was not kept)")
		case utf8.Valid(d.Value):
			fmt.Fprintf(e.stdout, "  value (%d bytes): %s\n", len(d.Value), shorten(string(d.Value), 2000))
		default:
			fmt.Fprintf(e.stdout, "  value: %d bytes, not text\n", len(d.Value))
		}
	}
	return nil
}

// errCannotReplay refuses a replay: done already, a stub, or not a command.
var errCannotReplay = errors.New("cannot replay")

func replayable(d deadLetter) error {
	src := d.header(contracts.HeaderDLQTopic)
	switch {
	case d.replayedAt != "":
		return fmt.Errorf("%w offset %d: already replayed at %s", errCannotReplay, d.Offset, d.replayedAt)
	case d.stub():
		return fmt.Errorf("%w offset %d: a stub, its value was not kept (the producer must send it again)", errCannotReplay, d.Offset)
	case src != contracts.TopicPortalCommands && src != contracts.TopicBackOfficeCommands:
		return fmt.Errorf("%w offset %d: not read from a command topic (%q)", errCannotReplay, d.Offset, src)
	}
	return nil
}

// replayPartitioner puts a replay marker on the partition it names (the
// one read), and a re-driven command where its VÖEN key puts it (murmur2,
// as the portal's producer does).
func replayPartitioner(topic string) sarama.Partitioner {
	if topic == contracts.TopicDeadLetter {
		return sarama.NewManualPartitioner(topic)
	}
	return sarama.NewMurmur2Partitioner(topic)
}

// errReplayLost is a replay that another one, at the same time, got first.
var errReplayLost = errors.New("replayed by another operator at the same time")

// claimReplay writes the marker of d on the partition read, reads the
// partition again and returns nil only if that marker is the first for d:
// of two replays at once, exactly one goes on.
func claimReplay(e *env, client sarama.Client, producer sarama.SyncProducer, d deadLetter) error {
	marker := &sarama.ProducerMessage{Topic: contracts.TopicDeadLetter, Partition: d.Partition, Headers: []sarama.RecordHeader{
		{Key: []byte(contracts.HeaderDLQReplayOf), Value: []byte(d.id)},
		{Key: []byte(contracts.HeaderDLQReplayedAt), Value: []byte(e.now().UTC().Format(time.RFC3339))},
	}}
	if d.Key != "" {
		marker.Key = sarama.StringEncoder(d.Key)
	}
	p, off, err := producer.SendMessage(marker)
	if err != nil {
		return fmt.Errorf("record the replay of offset %d: %w", d.Offset, err)
	}
	if p != d.Partition {
		return fmt.Errorf("the replay marker of offset %d went to partition %d, not %d", d.Offset, p, d.Partition)
	}
	letters, err := readDeadLetters(client, d.Partition)
	if err != nil {
		return fmt.Errorf("replay of offset %d recorded, not sent; reading the markers again: %w", d.Offset, err)
	}
	for _, again := range letters {
		if again.id == d.id && again.markedAt != off {
			return fmt.Errorf("%w offset %d: %w (its marker at %d is first)", errCannotReplay, d.Offset, errReplayLost, again.markedAt)
		}
	}
	return nil
}

func replayDeadLetters(e *env, o deadLetterOptions, offsets []int64) error {
	client, letters, err := openDeadLetters(o)
	if err != nil {
		return err
	}
	defer client.Close()
	chosen, err := findLetters(letters, offsets)
	if err != nil {
		return err
	}
	for _, d := range chosen {
		if err := replayable(d); err != nil {
			return err
		}
	}
	producer, err := sarama.NewSyncProducerFromClient(client)
	if err != nil {
		return fmt.Errorf("producer: %w", err)
	}
	defer producer.Close()
	for _, d := range chosen {
		ref := letterRef(d.record)
		if o.beforeMarker != nil {
			o.beforeMarker()
		}
		// The marker first: a replay happens at most once, even if the
		// re-drive below fails (then say so, and the operator sends it).
		if err := claimReplay(e, client, producer, d); err != nil {
			return err
		}
		cmd := &sarama.ProducerMessage{Topic: d.header(contracts.HeaderDLQTopic), Value: sarama.ByteEncoder(d.Value)}
		if d.Key != "" {
			cmd.Key = sarama.StringEncoder(d.Key)
		}
		for _, h := range d.Headers {
			if !strings.HasPrefix(h.Key, "dlq_") {
				cmd.Headers = append(cmd.Headers, sarama.RecordHeader{Key: []byte(h.Key), Value: h.Value})
			}
		}
		cmd.Headers = append(cmd.Headers, sarama.RecordHeader{Key: []byte(contracts.HeaderDLQReplayedFrom), Value: []byte(ref)})
		p, off, err := producer.SendMessage(cmd)
		if err != nil {
			return fmt.Errorf("replay of %s recorded but not sent (send it by hand): %w", ref, err)
		}
		fmt.Fprintf(e.stdout, "replayed dead letter %s to %s/%d/%d\n", ref, cmd.Topic, p, off)
	}
	return nil
}
