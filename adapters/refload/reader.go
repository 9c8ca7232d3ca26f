package refload

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dsmf/ssc-adapter/contracts"
)

// Row is one row of a file: a valid record, or the problems that make it bad.
type Row struct {
	// Line is the row's line number in the file, from 1; a CSV record that
	// spans lines has the line it starts on.
	Line int
	// Record is a contracts.Insurer, contracts.InsuredPerson or
	// contracts.IdentityDocument; nil when Errors is not empty.
	Record any
	// Key is the record's key: its VÖEN, SSN or FIN.
	Key string
	// Errors lists what is wrong with a bad row, one entry per field.
	Errors []RowError
}

// OK reports whether the row is a valid record.
func (r Row) OK() bool { return len(r.Errors) == 0 }

// Options tune a Reader.
type Options struct {
	// Now stamps rows that have no updatedAt; default time.Now, read once
	// when the reader is made.
	Now func() time.Time
	// Workers check rows in parallel while the file is read ahead; the
	// rows still come out in file order. Default runtime.GOMAXPROCS(0); 1
	// reads and checks on the caller's goroutine.
	Workers int
}

// Reader yields the rows of one file.
type Reader struct {
	kind  Kind
	stamp string
	count *countingReader

	csv    *csv.Reader
	header []string

	lines *bufio.Reader
	line  int

	workers int
	pipe    *pipeline // with workers > 1, started by the first Next
}

// rawRow is a parsed row not yet checked: its values, or the problem that
// kept it from being parsed.
type rawRow struct {
	line   int
	values map[string]any
	errs   []RowError
}

// maxLine bounds a JSON Lines line: a record is far smaller than a message.
const maxLine = contracts.MaxMessageBytes

// NewReader reads a file of the kind in the format. For CSV it reads the
// header at once and fails if the header does not name the kind's fields.
func NewReader(r io.Reader, kind Kind, format Format, opts Options) (*Reader, error) {
	if _, ok := specs[kind]; !ok {
		return nil, fmt.Errorf("refload: unknown kind %q", kind)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	rd := &Reader{kind: kind, stamp: now().UTC().Format(time.RFC3339Nano), count: &countingReader{r: r}, workers: workers}
	switch format {
	case CSV:
		return rd, rd.readHeader()
	case JSONL:
		rd.lines = bufio.NewReaderSize(rd.count, 64<<10)
		return rd, nil
	}
	return nil, fmt.Errorf("refload: unknown format %q", format)
}

// BytesRead is how much of the input has been read so far, for progress.
func (r *Reader) BytesRead() int64 { return r.count.n.Load() }

// Next returns the next row, bad or good, or io.EOF after the last. Any
// other error (reading the input) ends the file.
func (r *Reader) Next() (Row, error) {
	if r.workers == 1 {
		raw, err := r.parse()
		if err != nil {
			return Row{}, err
		}
		return r.check(raw), nil
	}
	if r.pipe == nil {
		r.pipe = startPipeline(r)
	}
	return r.pipe.next()
}

// Close stops the workers of a reader that is left before its end; the
// input is not closed. Reading to io.EOF needs no Close.
func (r *Reader) Close() {
	if r.pipe != nil {
		r.pipe.close()
	}
}

func (r *Reader) check(raw rawRow) Row {
	if raw.errs != nil {
		return Row{Line: raw.line, Errors: raw.errs}
	}
	return checkRow(r.kind, raw.line, raw.values, r.stamp)
}

func (r *Reader) parse() (rawRow, error) {
	if r.csv != nil {
		return r.parseCSV()
	}
	return r.parseJSONL()
}

func badRow(line int, problem error) rawRow {
	return rawRow{line: line, errs: []RowError{{Line: line, Field: rowField, Err: problem}}}
}

// HeaderError says why a CSV header is not usable; it ends the file.
type HeaderError struct {
	Problem string
}

func (e *HeaderError) Error() string { return "line 1: header: " + e.Problem }

func (r *Reader) readHeader() error {
	r.csv = csv.NewReader(r.count)
	r.csv.ReuseRecord = false
	header, err := r.csv.Read()
	if errors.Is(err, io.EOF) {
		return &HeaderError{Problem: "the file is empty; the first row must name the fields"}
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return &HeaderError{Problem: "is not valid CSV"}
		}
		return fmt.Errorf("refload: read header: %w", err)
	}
	sp := specs[r.kind]
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff") // a byte-order mark from a spreadsheet
		}
		if _, ok := sp.byName[h]; !ok {
			return &HeaderError{Problem: fmt.Sprintf("column %d is not a field of %s; the first row must name the fields: %s",
				i+1, r.kind, strings.Join(r.kind.Fields(), ","))}
		}
		if seen[h] {
			return &HeaderError{Problem: fmt.Sprintf("column %s appears twice", h)}
		}
		seen[h] = true
		header[i] = h
	}
	var missing []string
	for _, f := range sp.fields {
		if f.required && !seen[f.name] {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return &HeaderError{Problem: "missing column(s) " + strings.Join(missing, ",")}
	}
	r.header = header
	r.csv.FieldsPerRecord = len(header)
	return nil
}

func (r *Reader) parseCSV() (rawRow, error) {
	for {
		rec, err := r.csv.Read()
		if errors.Is(err, io.EOF) {
			return rawRow{}, io.EOF
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return rawRow{}, fmt.Errorf("refload: read: %w", err)
			}
			problem := ErrBadCSV
			if errors.Is(pe.Err, csv.ErrFieldCount) {
				problem = ErrFieldCount
			}
			return badRow(pe.StartLine, problem), nil
		}
		line, _ := r.csv.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line with spaces
		}
		values := make(map[string]any, len(rec))
		for i, v := range rec {
			values[r.header[i]] = strings.TrimSpace(v)
		}
		return rawRow{line: line, values: values}, nil
	}
}

func (r *Reader) parseJSONL() (rawRow, error) {
	for {
		text, tooLong, err := r.readLine()
		if err != nil && (len(text) == 0 || !errors.Is(err, io.EOF)) {
			if errors.Is(err, io.EOF) {
				return rawRow{}, io.EOF
			}
			return rawRow{}, fmt.Errorf("refload: read: %w", err)
		}
		r.line++
		if tooLong {
			return badRow(r.line, ErrLineTooLong), nil
		}
		text = bytes.TrimSpace(text)
		if len(text) == 0 {
			continue
		}
		values, ok := decodeObject(text)
		if !ok {
			return badRow(r.line, ErrNotObject), nil
		}
		return rawRow{line: r.line, values: values}, nil
	}
}

// readLine reads one line without its end, or reports one longer than
// maxLine (and skips it).
func (r *Reader) readLine() (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := r.lines.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > maxLine+2 {
				tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if tooLong {
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, true, err
			}
			return []byte{'x'}, true, nil
		}
		return buf, false, err
	}
}

// decodeObject reads one JSON object whose values are kept as decoded
// (strings stay strings; anything else is refused later as not a string).
func decodeObject(text []byte) (map[string]any, bool) {
	if text[0] != '{' {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var values map[string]any
	if err := dec.Decode(&values); err != nil || values == nil {
		return nil, false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, false // something after the object
	}
	return values, true
}

type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func itoa(n int) string { return strconv.Itoa(n) }

func sortStrings(s []string) { sort.Strings(s) }
