package refload_test

import (
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/dsmf/ssc-adapter/adapters/refload"
)

// rowErrorText is the shape of every row error: a line, a field name (from
// the contract, or a plain identifier) and a problem from a fixed wording.
var rowErrorText = regexp.MustCompile(`^line [1-9][0-9]*: ([A-Za-z][A-Za-z0-9_-]{0,39}|\(a field\)): ` +
	`(is required|must not be empty|must be a string|is not a field of this kind of record|is not one JSON object|` +
	`has a different number of fields than the header|is not valid CSV \(check the quotes\)|is longer than 1 MiB|` +
	`must be an RFC 3339 time, e\.g\. 2026-01-05T06:00:00Z|must be 10 digits( \(VÖEN\))?|must be 13 digits \(SSN\)|` +
	`must be 7 digits and Latin capitals other than I and O \(FIN\)|must be a date YYYY-MM-DD|must be one of [a-z, -]+|` +
	`does not have the contract's pattern|is too long|is not in the contract's format|has the wrong JSON type|` +
	`is not one of the allowed values|repeats a field|breaks the contract's rule [A-Za-z /]+|does not match the contract's schema)$`)

func fuzzRead(t *testing.T, kind refload.Kind, format refload.Format, text string) {
	r, err := refload.NewReader(strings.NewReader(text), kind, format, refload.Options{})
	if err != nil {
		var he *refload.HeaderError
		if !errors.As(err, &he) {
			t.Fatalf("not a header error: %v", err)
		}
		return
	}
	defer r.Close()
	last := 0
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if row.Line <= last {
			t.Fatalf("line %d after line %d", row.Line, last)
		}
		last = row.Line
		if row.OK() != (row.Record != nil) || row.OK() != (row.Key != "") {
			t.Fatalf("line %d: OK %v with record %v and key %q", row.Line, row.OK(), row.Record, row.Key)
		}
		for _, e := range row.Errors {
			if e.Line != row.Line || !rowErrorText.MatchString(e.Error()) {
				t.Fatalf("row error %q", e.Error())
			}
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add(insurersCSV)
	f.Add("voen,accountNumber,fullName,type,responsiblePerson,officeCode,officeName\n98020917AB,1,,x,,,\n\"a\"b\",1\n")
	f.Add("voen,accountNumber,fullName,type,responsiblePerson,officeCode,officeName,updatedAt\n9802091761,9819854215,M,legal-entity,,1,,yesterday\n")
	f.Fuzz(func(t *testing.T, text string) { fuzzRead(t, refload.Insurers, refload.CSV, text) })
}

func FuzzReadJSONL(f *testing.F) {
	f.Add(`{"ssn":"1200019850314","fin":"5ZK8T3B","ssnDate":"2005-09-01","certificateStatus":"active","insurerVoen":"9802091761"}` + "\n")
	f.Add(`{"ssn":1,"fin":null,"x":[],"ssnDate":"2005-02-30"}` + "\n[]\n{\"a\":1} {}\n")
	f.Add(`{"ssn":"1200019850314","ssn":"1200019850315"}`)
	f.Fuzz(func(t *testing.T, text string) { fuzzRead(t, refload.InsuredPersons, refload.JSONL, text) })
}
