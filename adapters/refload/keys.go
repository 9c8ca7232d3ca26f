package refload

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Key is one key of a tombstone file: the record to delete.
type Key struct {
	Line int
	Key  string
	// Err says why the key is not valid for its kind; Key is then "".
	Err *RowError
}

// KeyReader reads a file of keys to delete, one a line. Blank lines and
// lines starting with # are skipped, and so is a first line that is the
// key field's name (voen, ssn or fin), so a one-column CSV file works too.
type KeyReader struct {
	kind  Kind
	count *countingReader
	lines *bufio.Scanner
	line  int
}

// NewKeyReader reads keys of the kind.
func NewKeyReader(r io.Reader, kind Kind) (*KeyReader, error) {
	if _, ok := specs[kind]; !ok {
		return nil, fmt.Errorf("refload: unknown kind %q", kind)
	}
	c := &countingReader{r: r}
	s := bufio.NewScanner(c)
	s.Buffer(make([]byte, 0, 4096), 4096)
	return &KeyReader{kind: kind, count: c, lines: s}, nil
}

// BytesRead is how much of the input has been read so far.
func (r *KeyReader) BytesRead() int64 { return r.count.n.Load() }

// Next returns the next key, valid or not, or io.EOF after the last.
func (r *KeyReader) Next() (Key, error) {
	for r.lines.Scan() {
		r.line++
		text := bytes.TrimSpace(r.lines.Bytes())
		text = bytes.TrimPrefix(text, []byte("\ufeff"))
		if len(text) == 0 || text[0] == '#' {
			continue
		}
		if r.line == 1 && string(text) == r.kind.KeyField() {
			continue
		}
		key := string(text)
		if err := r.kind.ValidateKey(key); err != nil {
			return Key{Line: r.line, Err: &RowError{Line: r.line, Field: r.kind.KeyField(), Err: err}}, nil
		}
		return Key{Line: r.line, Key: key}, nil
	}
	if err := r.lines.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return Key{}, fmt.Errorf("refload: line %d is too long for a key file", r.line+1)
		}
		return Key{}, fmt.Errorf("refload: read: %w", err)
	}
	return Key{}, io.EOF
}
