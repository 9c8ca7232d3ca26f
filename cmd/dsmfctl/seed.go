package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/uuid"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/refload"
	"github.com/dsmf/ssc-adapter/contracts"
)

const seedAbout = `
Publishes reference records from a file to their compacted topic, as DSMF's
registers do: insurers to dsmf.ref.insurers.v1 (key VÖEN), insured persons to
dsmf.ref.insured-persons.v1 (key SSN), identity documents to
dsmf.ref.identity-documents.v1 (key FIN). A running adapter uses them at once.

The file is CSV with a header row naming the JSON fields (voen,accountNumber,...),
or JSON Lines, one record per line. updatedAt may be left out: it is then the time
the load started. Each row is checked with the domain's validators and the
contract's JSON Schema; a bad row is reported on stderr as "line N: field: problem"
(never with its values) and skipped, and the load goes on. On a terminal a progress
line shows the rate. The summary goes to stdout.

With -tombstone the file lists keys, one per line, and each is deleted (a record
with a null value).

Exit 0 when every row was published; 1 when any row was bad (the good ones are
published all the same) or a record could not be published; 2 on a usage error.

  dsmfctl seed -kind insurers insurers.csv
  dsmfctl seed -kind identity-documents -format jsonl - < documents.ndjson
  dsmfctl seed -kind insured-persons -tombstone leavers.txt
`

type seedOptions struct {
	brokers   []string
	security  kafka.Security
	kind      refload.Kind
	format    refload.Format
	path      string // "-" is stdin
	tombstone bool
}

// seedStats count what a load did.
type seedStats struct {
	Read      int64 // good rows read
	Published int64 // records the brokers acknowledged
	Bad       int64 // bad rows skipped
	Failed    int64 // records the brokers refused
	Elapsed   time.Duration
}

func runSeed(ctx context.Context, e *env, g globals, args []string) error {
	fs, brokers := flagSet(e, g, "seed", "-kind insurers|insured-persons|identity-documents [-format csv|jsonl] [-tombstone] FILE", seedAbout)
	kind := fs.String("kind", "", "insurers, insured-persons or identity-documents")
	format := fs.String("format", "", "csv or jsonl (default: from the file's extension, .csv or .jsonl/.ndjson)")
	tombstone := fs.Bool("tombstone", false, "FILE lists keys (VÖEN, SSN or FIN), one a line: delete those records")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("seed: give one FILE (- for stdin); dsmfctl seed -help")
	}
	o := seedOptions{security: g.security, path: fs.Arg(0), tombstone: *tombstone}
	var err error
	if o.kind, err = refload.ParseKind(*kind); err != nil {
		return usagef("seed: -kind: %v", err)
	}
	if !o.tombstone {
		switch {
		case *format != "":
			o.format, err = refload.ParseFormat(*format)
		case o.path == "-":
			err = errors.New("give -format when reading stdin")
		default:
			o.format, err = refload.FormatOf(o.path)
		}
		if err != nil {
			return usagef("seed: %v", err)
		}
	}
	if o.brokers, err = splitBrokers(*brokers); err != nil {
		return err
	}
	st, err := seed(ctx, e, o)
	if err != nil {
		return err
	}
	if st.Bad > 0 || st.Failed > 0 {
		return errReported
	}
	return nil
}

// seedProducerConfig is the adapter's producer configuration (acks=all,
// idempotent, murmur2) with batching for bulk loads.
func seedProducerConfig(sec kafka.Security) *sarama.Config {
	cfg := kafka.Config{ClientID: "dsmfctl-seed", Security: sec}.SaramaConfig()
	cfg.Producer.Flush.Frequency = 5 * time.Millisecond
	cfg.Producer.Flush.Bytes = 512 << 10
	cfg.Producer.Compression = sarama.CompressionSnappy
	cfg.ChannelBufferSize = 4096
	return cfg
}

// seed loads one file and prints its bad rows and a summary.
func seed(ctx context.Context, e *env, o seedOptions) (seedStats, error) {
	in, size, err := openInput(e, o.path)
	if err != nil {
		return seedStats{}, err
	}
	defer in.Close()
	var next func() (*sarama.ProducerMessage, []refload.RowError, error)
	var progress func() int64
	if o.tombstone {
		kr, err := refload.NewKeyReader(in, o.kind)
		if err != nil {
			return seedStats{}, err
		}
		next, progress = tombstones(kr, o.kind), kr.BytesRead
	} else {
		rd, err := refload.NewReader(in, o.kind, o.format, refload.Options{Now: e.now})
		if err != nil {
			var he *refload.HeaderError
			if errors.As(err, &he) {
				return seedStats{}, fmt.Errorf("%s: %w", o.path, err)
			}
			return seedStats{}, err
		}
		defer rd.Close()
		next, progress = records(rd, e.now), rd.BytesRead
	}

	// Rows are checked and encoded in bulk: a larger heap between
	// collections trades a little memory for much less time in the GC.
	defer debug.SetGCPercent(debug.SetGCPercent(400))

	client, err := sarama.NewClient(o.brokers, seedProducerConfig(o.security))
	if err != nil {
		return seedStats{}, connectError(o.brokers, o.security, err)
	}
	defer client.Close()
	if _, err := client.Partitions(o.kind.Topic()); err != nil {
		return seedStats{}, fmt.Errorf("topic %s: %w (the adapter creates it when it starts)", o.kind.Topic(), err)
	}
	producer, err := sarama.NewAsyncProducerFromClient(client)
	if err != nil {
		return seedStats{}, fmt.Errorf("producer: %w", err)
	}
	var st seedStats
	var published, failed, bad atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	wg.Go(func() {
		for range producer.Successes() {
			published.Add(1)
		}
	})
	wg.Go(func() {
		for pe := range producer.Errors() {
			failed.Add(1)
			firstErr.CompareAndSwap(nil, pe.Err.Error())
		}
	})

	start := time.Now()
	bar := newProgress(e, size, progress, func() (int64, int64) { return published.Load(), bad.Load() })
	interrupted := false
read:
	for {
		msg, problems, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			producer.AsyncClose()
			wg.Wait()
			bar.stop()
			st.Bad = bad.Load()
			return st, err
		}
		if len(problems) > 0 {
			bad.Add(1)
			for _, b := range problems {
				bar.println(b.Error())
			}
			continue
		}
		st.Read++
		select {
		case producer.Input() <- msg:
		case <-ctx.Done():
			interrupted = true
			break read
		}
	}
	producer.AsyncClose()
	wg.Wait()
	bar.stop()
	st.Published, st.Failed, st.Bad, st.Elapsed = published.Load(), failed.Load(), bad.Load(), time.Since(start)

	what := "record"
	if o.tombstone {
		what = "tombstone"
	}
	rate := float64(st.Published) / max(st.Elapsed.Seconds(), 1e-9)
	fmt.Fprintf(e.stdout, "seed: published %s to %s in %s (%s/s); %s skipped\n",
		plural(st.Published, what), o.kind.Topic(), st.Elapsed.Round(time.Millisecond), group(int64(rate)), plural(st.Bad, "bad row"))
	if st.Failed > 0 {
		fmt.Fprintf(e.stderr, "seed: %s could not be published: %v\n", plural(st.Failed, what), firstErr.Load())
	}
	if interrupted {
		return st, errors.New("seed: interrupted; the rows after the last published one were not sent")
	}
	return st, nil
}

// records turns a reader's rows into messages in binary content mode.
func records(rd *refload.Reader, now func() time.Time) func() (*sarama.ProducerMessage, []refload.RowError, error) {
	run := uuid.NewString()[:8]
	return func() (*sarama.ProducerMessage, []refload.RowError, error) {
		row, err := rd.Next()
		if err != nil {
			return nil, nil, err
		}
		if !row.OK() {
			return nil, row.Errors, nil
		}
		topic, env, err := contracts.ReferenceEnvelope("seed-"+run+"-"+strconv.Itoa(row.Line), row.Record, now())
		if err != nil {
			return nil, nil, err
		}
		msg := &sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder(env.Key), Value: sarama.ByteEncoder(env.Data)}
		hs := env.BinaryHeaders()
		msg.Headers = make([]sarama.RecordHeader, len(hs))
		for i, h := range hs {
			msg.Headers[i] = sarama.RecordHeader{Key: []byte(h.Key), Value: h.Value}
		}
		return msg, nil, nil
	}
}

// tombstones turns keys into deletions: records with a null value.
func tombstones(kr *refload.KeyReader, kind refload.Kind) func() (*sarama.ProducerMessage, []refload.RowError, error) {
	return func() (*sarama.ProducerMessage, []refload.RowError, error) {
		k, err := kr.Next()
		if err != nil {
			return nil, nil, err
		}
		if k.Err != nil {
			return nil, []refload.RowError{*k.Err}, nil
		}
		return &sarama.ProducerMessage{Topic: kind.Topic(), Key: sarama.StringEncoder(k.Key)}, nil, nil
	}
}

// openInput opens a file, or stdin for "-"; size is -1 when unknown.
func openInput(e *env, path string) (io.ReadCloser, int64, error) {
	if path == "-" {
		return io.NopCloser(e.stdin), -1, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	return f, size, nil
}

// plural writes "1 record", "2 records".
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return group(n) + " " + noun + "s"
}
