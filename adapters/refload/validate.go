package refload

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// Problem is what is wrong with a field, in words that never quote the
// value. It may wrap the domain error it stands for, so errors.Is matches
// e.g. domain.ErrInvalidVOEN.
type Problem struct {
	Text  string
	Cause error
}

func (p *Problem) Error() string { return p.Text }
func (p *Problem) Unwrap() error { return p.Cause }

// The problems a row can have besides the domain validators'.
var (
	ErrRequired     = &Problem{Text: "is required"}
	ErrEmpty        = &Problem{Text: "must not be empty"}
	ErrNotString    = &Problem{Text: "must be a string"}
	ErrUnknownField = &Problem{Text: "is not a field of this kind of record"}
	ErrNotObject    = &Problem{Text: "is not one JSON object"}
	ErrFieldCount   = &Problem{Text: "has a different number of fields than the header"}
	ErrBadCSV       = &Problem{Text: "is not valid CSV (check the quotes)"}
	ErrLineTooLong  = &Problem{Text: "is longer than 1 MiB"}
	ErrBadTime      = &Problem{Text: "must be an RFC 3339 time, e.g. 2026-01-05T06:00:00Z"}
	ErrBadAccount   = &Problem{Text: "must be 10 digits"}
)

// Problems standing for domain validators.
var (
	errVOEN = &Problem{Text: "must be 10 digits (VÖEN)", Cause: domain.ErrInvalidVOEN}
	errSSN  = &Problem{Text: "must be 13 digits (SSN)", Cause: domain.ErrInvalidSSN}
	errFIN  = &Problem{Text: "must be 7 digits and Latin capitals other than I and O (FIN)", Cause: domain.ErrInvalidFIN}
	errDate = &Problem{Text: "must be a date YYYY-MM-DD", Cause: domain.ErrInvalidDate}
)

// RowError is one problem of one row. Its text names the line, the field
// and what is wrong, never the value.
type RowError struct {
	Line  int
	Field string // a field name, or "row" for the row as a whole
	Err   error
}

func (e RowError) Error() string {
	return "line " + itoa(e.Line) + ": " + e.Field + ": " + e.Err.Error()
}

func (e RowError) Unwrap() error { return e.Err }

// rowField names the row as a whole in a RowError.
const rowField = "row"

type check func(string) error

type fieldSpec struct {
	name     string
	required bool
	check    check // nil: any string
}

type kindSpec struct {
	fields []fieldSpec
	byName map[string]int
}

func voen(s string) error {
	if domain.ValidateVOEN(s) != nil {
		return errVOEN
	}
	return nil
}

func ssn(s string) error {
	if domain.ValidateSSN(s) != nil {
		return errSSN
	}
	return nil
}

func fin(s string) error {
	if domain.ValidateFIN(s) != nil {
		return errFIN
	}
	return nil
}

func date(s string) error {
	if _, err := domain.ParseDate(s); err != nil {
		return errDate
	}
	return nil
}

func account(s string) error {
	if len(s) != 10 || strings.Trim(s, "0123456789") != "" {
		return ErrBadAccount
	}
	return nil
}

func nonEmpty(s string) error {
	if s == "" {
		return ErrEmpty
	}
	return nil
}

func oneOf(values ...string) check {
	p := &Problem{Text: "must be one of " + strings.Join(values, ", ")}
	return func(s string) error {
		for _, v := range values {
			if s == v {
				return nil
			}
		}
		return p
	}
}

func updatedAt(s string) error {
	if s == "" {
		return nil // filled in with the load's time
	}
	if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		return ErrBadTime
	}
	return nil
}

// fieldUpdatedAt is optional in a file: a row without it is stamped with the
// time the load started.
const fieldUpdatedAt = "updatedAt"

func spec(fields ...fieldSpec) kindSpec {
	k := kindSpec{fields: fields, byName: map[string]int{}}
	for i, f := range fields {
		k.byName[f.name] = i
	}
	return k
}

func req(name string, c check) fieldSpec { return fieldSpec{name: name, required: true, check: c} }

// specs are the fields of each kind, key first, in the contract's order.
var specs = map[Kind]kindSpec{
	Insurers: spec(
		req("voen", voen), req("accountNumber", account), req("fullName", nonEmpty),
		req("type", oneOf(contracts.InsurerLegalEntity, contracts.InsurerNaturalPerson)),
		req("responsiblePerson", nil), req("officeCode", nonEmpty), req("officeName", nil),
		fieldSpec{name: fieldUpdatedAt, check: updatedAt}),
	InsuredPersons: spec(
		req("ssn", ssn), req("fin", fin), req("ssnDate", date),
		req("certificateStatus", oneOf(contracts.CertificateActive, contracts.CertificateReplaced)),
		req("insurerVoen", voen),
		fieldSpec{name: fieldUpdatedAt, check: updatedAt}),
	IdentityDocuments: spec(
		req("fin", fin), req("documentType", oneOf(contracts.DocumentIDCard, contracts.DocumentMigration)),
		req("documentNumber", nonEmpty), req("surname", nil), req("name", nil), req("patronymic", nil),
		req("gender", oneOf(contracts.GenderMale, contracts.GenderFemale)),
		req("citizenship", nil), req("birthPlace", nil), req("birthDate", date),
		req("issuingAuthority", nil), req("issueDate", date), req("validUntil", date),
		fieldSpec{name: fieldUpdatedAt, check: updatedAt}),
}

// safeName matches field names that may be printed: a name from a file
// could be anything, even a value pasted in the wrong place.
var safeName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,39}$`)

func printable(name string) string {
	if safeName.MatchString(name) {
		return name
	}
	return "(a field)"
}

// checkRow validates one row's values (strings from CSV, or any JSON value)
// and builds its record. stamp fills a missing updatedAt.
func checkRow(k Kind, line int, values map[string]any, stamp string) Row {
	sp := specs[k]
	row := Row{Line: line}
	bad := map[string]bool{}
	add := func(field string, err error) {
		if !bad[field] {
			bad[field] = true
			row.Errors = append(row.Errors, RowError{Line: line, Field: field, Err: err})
		}
	}
	var unknown []string
	for name := range values {
		if _, ok := sp.byName[name]; !ok {
			unknown = append(unknown, name)
		}
	}
	for _, f := range sp.fields {
		raw, present := values[f.name]
		if !present {
			if f.required {
				add(f.name, ErrRequired)
			}
			continue
		}
		s, ok := raw.(string)
		if !ok {
			add(f.name, ErrNotString)
			continue
		}
		if f.check != nil {
			if err := f.check(s); err != nil {
				add(f.name, err)
			}
		}
	}
	sortStrings(unknown)
	for _, name := range unknown {
		add(printable(name), ErrUnknownField)
	}
	if len(row.Errors) > 0 {
		return row
	}
	if s, _ := values[fieldUpdatedAt].(string); s == "" {
		values[fieldUpdatedAt] = stamp
	}
	rec, key := buildRecord(k, values)
	data, err := json.Marshal(rec)
	if err != nil { // cannot happen: strings and a time only
		add(rowField, ErrNotObject)
		return row
	}
	if err := contracts.ValidatePayload(k.Type(), data); err != nil {
		schemaErrors(err, add)
		return row
	}
	row.Record, row.Key = rec, key
	return row
}

// buildRecord makes the record of checked values: every field is a string
// and updatedAt an RFC 3339 time.
func buildRecord(k Kind, values map[string]any) (any, string) {
	str := func(name string) string { s, _ := values[name].(string); return s }
	at, _ := time.Parse(time.RFC3339Nano, str(fieldUpdatedAt))
	switch k {
	case Insurers:
		v := contracts.Insurer{VOEN: str("voen"), AccountNumber: str("accountNumber"), FullName: str("fullName"),
			Type: str("type"), ResponsiblePerson: str("responsiblePerson"), OfficeCode: str("officeCode"),
			OfficeName: str("officeName"), UpdatedAt: at}
		return v, v.VOEN
	case InsuredPersons:
		v := contracts.InsuredPerson{SSN: str("ssn"), FIN: str("fin"), SSNDate: str("ssnDate"),
			CertificateStatus: str("certificateStatus"), InsurerVOEN: str("insurerVoen"), UpdatedAt: at}
		return v, v.SSN
	default:
		v := contracts.IdentityDocument{FIN: str("fin"), DocumentType: str("documentType"),
			DocumentNumber: str("documentNumber"), Surname: str("surname"), Name: str("name"),
			Patronymic: str("patronymic"), Gender: str("gender"), Citizenship: str("citizenship"),
			BirthPlace: str("birthPlace"), BirthDate: str("birthDate"), IssuingAuthority: str("issuingAuthority"),
			IssueDate: str("issueDate"), ValidUntil: str("validUntil"), UpdatedAt: at}
		return v, v.FIN
	}
}

// schemaErrors turns the schema's violations into row errors; they already
// name only pointers and keywords, never values.
func schemaErrors(err error, add func(string, error)) {
	var se *contracts.SchemaError
	if !errors.As(err, &se) {
		add(rowField, &Problem{Text: "does not match the contract's schema", Cause: err})
		return
	}
	for _, v := range se.Violations {
		field := strings.TrimPrefix(v.Pointer, "/")
		if field == "" {
			field = rowField
		}
		field = printable(field)
		switch v.Keyword {
		case "required":
			for _, m := range v.Missing {
				add(m, ErrRequired)
			}
			continue
		}
		add(field, &Problem{Text: keywordText(v.Keyword), Cause: err})
	}
}

func keywordText(keyword string) string {
	switch keyword {
	case "pattern":
		return "does not have the contract's pattern"
	case "maxLength":
		return "is too long"
	case "minLength":
		return "must not be empty"
	case "format":
		return "is not in the contract's format"
	case "type":
		return "has the wrong JSON type"
	case "enum", "const":
		return "is not one of the allowed values"
	case "false", "additionalProperties":
		return ErrUnknownField.Text
	case "duplicateName":
		return "repeats a field"
	}
	return "breaks the contract's rule " + strings.ReplaceAll(keyword, "/", " ")
}
