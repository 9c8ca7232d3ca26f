// Package refload reads reference data files (insurers, insured persons,
// identity documents) in CSV or JSON Lines and checks every row with the
// domain's validators and the contract's JSON Schema. It knows nothing of
// Kafka: a caller publishes the records it yields.
//
// A bad row never stops the reader: it is reported with its line number,
// the field and what is wrong with it, and reading goes on. Row errors never
// quote the row's values, which are personal data (FIN, SSN, names).
package refload

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/dsmf/ssc-adapter/contracts"
)

// Kind is a kind of reference record; each has its own topic and key.
type Kind string

// The kinds of reference records.
const (
	Insurers          Kind = "insurers"
	InsuredPersons    Kind = "insured-persons"
	IdentityDocuments Kind = "identity-documents"
)

// Kinds lists every kind.
var Kinds = []Kind{Insurers, InsuredPersons, IdentityDocuments}

// ParseKind reads a kind by name.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown kind %q: want insurers, insured-persons or identity-documents", s)
}

// Topic is the compacted topic of the kind.
func (k Kind) Topic() string {
	switch k {
	case Insurers:
		return contracts.TopicInsurers
	case InsuredPersons:
		return contracts.TopicInsuredPersons
	default:
		return contracts.TopicIdentityDocuments
	}
}

// Type is the CloudEvents type of the kind's records.
func (k Kind) Type() string {
	switch k {
	case Insurers:
		return contracts.TypeInsurer
	case InsuredPersons:
		return contracts.TypeInsuredPerson
	default:
		return contracts.TypeIdentityDocument
	}
}

// KeyField is the field whose value is the record's key: voen, ssn or fin.
func (k Kind) KeyField() string { return specs[k].fields[0].name }

// Fields lists the kind's field names in the contract's order, the columns a
// CSV file's header names (updatedAt is optional).
func (k Kind) Fields() []string {
	var out []string
	for _, f := range specs[k].fields {
		out = append(out, f.name)
	}
	return out
}

// ValidateKey checks a key of the kind (a VÖEN, an SSN or a FIN).
func (k Kind) ValidateKey(key string) error {
	return specs[k].fields[0].check(key)
}

// Format is a file format.
type Format string

// The formats.
const (
	CSV   Format = "csv"
	JSONL Format = "jsonl"
)

// ParseFormat reads a format by name.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "csv":
		return CSV, nil
	case "jsonl", "ndjson", "json":
		return JSONL, nil
	}
	return "", fmt.Errorf("unknown format %q: want csv or jsonl", s)
}

// FormatOf guesses a file's format from its extension: .csv, or .jsonl,
// .ndjson and .json for JSON Lines.
func FormatOf(path string) (Format, error) {
	ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	if ext == "" {
		return "", fmt.Errorf("cannot tell the format of %s from its name: give it", filepath.Base(path))
	}
	f, err := ParseFormat(ext)
	if err != nil {
		return "", fmt.Errorf("cannot tell the format of %s from its extension: give it", filepath.Base(path))
	}
	return f, nil
}
