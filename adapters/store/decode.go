package store

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dsmf/ssc-adapter/contracts"
)

// Fast paths of the fold's decoding. A rebuild decodes millions of records,
// nearly all of them plain: binary content mode with lower-case headers, and
// flat JSON whose strings have no escapes. For those, the paths below read
// what the fold needs without building maps or using reflection. They
// accept a record only when contracts.DecodeEnvelope and encoding/json
// would read it the same way, and hand anything else (structured mode,
// unusual headers, escapes, unknown or mis-cased fields, errors) to them, so
// what is folded, skipped or counted as undecodable does not change.

// envelopeOf returns the record's type and data as DecodeEnvelope would.
func envelopeOf(r Record) (typ string, data []byte, err error) {
	if typ, ok := plainBinaryType(r.Headers, r.Value); ok {
		return typ, r.Value, nil
	}
	env, err := contracts.DecodeEnvelope(r.Key, r.Headers, r.Value)
	return env.Type, env.Data, err
}

// plainBinaryType reads a binary-mode record whose header names are lower
// case ASCII and whose envelope DecodeEnvelope accepts; ok is false for any
// other record, valid or not.
func plainBinaryType(headers []contracts.Header, value []byte) (typ string, ok bool) {
	if len(value) > contracts.MaxMessageBytes {
		return "", false
	}
	var spec, id, source, ctype, at []byte
	var hasSpec bool
	for _, h := range headers {
		if !plainName(h.Key) || !utf8.Valid(h.Value) {
			return "", false
		}
		if h.Key == contracts.HeaderContentType {
			ctype = h.Value
			continue
		}
		name, isCE := strings.CutPrefix(h.Key, contracts.HeaderPrefix)
		if !isCE {
			continue
		}
		switch name {
		case "specversion":
			spec, hasSpec = h.Value, true
		case "id":
			id = h.Value
		case "source":
			source = h.Value
		case "type":
			typ = internType(h.Value)
		case "time":
			at = h.Value
		}
	}
	for _, c := range ctype {
		if c >= utf8.RuneSelf {
			return "", false
		}
	}
	if len(ctype) >= len(contracts.StructuredContentType) &&
		strings.EqualFold(string(ctype[:len(contracts.StructuredContentType)]), contracts.StructuredContentType) {
		return "", false
	}
	if !hasSpec || string(spec) != contracts.SpecVersion || len(id) == 0 || len(source) == 0 || typ == "" {
		return "", false
	}
	if len(at) > 0 {
		if _, err := time.Parse(time.RFC3339Nano, string(at)); err != nil {
			return "", false
		}
	}
	return typ, true
}

// plainName reports whether a header name is already what strings.ToLower
// makes of it, in ASCII.
func plainName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// knownTypes are the CloudEvents types the fold reads, so that a record's
// type need not be a string of its own.
var knownTypes = func() map[string]string {
	m := map[string]string{}
	for _, t := range []string{contracts.TypeSessionOpened, contracts.TypeSessionClosed, contracts.TypeGrantCreated,
		contracts.TypeGrantRevoked, contracts.TypeDraftSaved, contracts.TypeApplicationSubmitted, contracts.TypeDraftDeleted,
		contracts.TypeApplicationStatusMoved, contracts.TypeCommandRejected,
		contracts.TypeInsurer, contracts.TypeInsuredPerson, contracts.TypeIdentityDocument} {
		m[t] = t
	}
	return m
}()

func internType(b []byte) string {
	if t, ok := knownTypes[string(b)]; ok { // no allocation for the look-up
		return t
	}
	return string(b)
}

// flatObject reads a JSON object whose members are all strings without
// escapes or control characters, calling set for each in order (a repeated
// name is set again, as encoding/json does). It returns false, having maybe
// called set, for anything else: then the caller decodes with encoding/json.
func flatObject(data []byte, set func(name, value []byte) bool) bool {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return skipSpace(data, i+1) == len(data)
	}
	for {
		name, next, ok := plainString(data, i)
		if !ok {
			return false
		}
		i = skipSpace(data, next)
		if i >= len(data) || data[i] != ':' {
			return false
		}
		i = skipSpace(data, i+1)
		value, next, ok := plainString(data, i)
		if !ok || !set(name, value) {
			return false
		}
		i = skipSpace(data, next)
		if i >= len(data) {
			return false
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return skipSpace(data, i+1) == len(data)
		default:
			return false
		}
	}
}

// plainString reads a JSON string at data[i] with no escapes, no control
// characters and valid UTF-8; it returns its content and the index after it.
func plainString(data []byte, i int) (s []byte, next int, ok bool) {
	if i >= len(data) || data[i] != '"' {
		return nil, 0, false
	}
	ascii := true
	for j := i + 1; j < len(data); j++ {
		switch c := data[j]; {
		case c == '"':
			s = data[i+1 : j]
			if !ascii && !utf8.Valid(s) {
				return nil, 0, false
			}
			return s, j + 1, true
		case c == '\\' || c < 0x20:
			return nil, 0, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, 0, false
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// setTime sets a time.Time from a JSON string's content the way
// encoding/json does, through UnmarshalJSON of the quoted text.
func setTime(t *time.Time, content []byte) bool {
	quoted := make([]byte, 0, len(content)+2)
	quoted = append(append(append(quoted, '"'), content...), '"')
	return t.UnmarshalJSON(quoted) == nil
}

// interner shares the strings that repeat across rows: office names,
// citizenship, issuing authorities, places, dates, names, VÖENs of
// insurers. It is used only inside a write transaction, so memdb's writer
// lock guards it.
type interner struct {
	m map[string]string
}

// maxInterned bounds the interner; past it, new strings are not kept.
const maxInterned = 1 << 19

func (in *interner) bytes(b []byte) string {
	if s, ok := in.m[string(b)]; ok { // no allocation for the look-up
		return s
	}
	s := string(b)
	if len(in.m) < maxInterned {
		in.m[s] = s
	}
	return s
}

func (in *interner) string(s string) string {
	if t, ok := in.m[s]; ok {
		return t
	}
	if len(in.m) < maxInterned {
		in.m[s] = s
	}
	return s
}

// decodeInsurer reads an insurer's record as decode[contracts.Insurer] does.
func (in *interner) decodeInsurer(data []byte) (contracts.Insurer, error) {
	var v contracts.Insurer
	if flatObject(data, func(name, value []byte) bool {
		switch string(name) {
		case "voen":
			v.VOEN = in.bytes(value)
		case "accountNumber":
			v.AccountNumber = string(value)
		case "fullName":
			v.FullName = string(value)
		case "type":
			v.Type = in.bytes(value)
		case "responsiblePerson":
			v.ResponsiblePerson = string(value)
		case "officeCode":
			v.OfficeCode = in.bytes(value)
		case "officeName":
			v.OfficeName = in.bytes(value)
		case "updatedAt":
			return setTime(&v.UpdatedAt, value)
		default:
			return false
		}
		return true
	}) {
		return v, nil
	}
	return decode[contracts.Insurer](data)
}

// decodeInsured reads an insured person's record as
// decode[contracts.InsuredPerson] does.
func (in *interner) decodeInsured(data []byte) (contracts.InsuredPerson, error) {
	var v contracts.InsuredPerson
	if flatObject(data, func(name, value []byte) bool {
		switch string(name) {
		case "ssn":
			v.SSN = string(value)
		case "fin":
			v.FIN = string(value)
		case "ssnDate":
			v.SSNDate = in.bytes(value)
		case "certificateStatus":
			v.CertificateStatus = in.bytes(value)
		case "insurerVoen":
			v.InsurerVOEN = in.bytes(value)
		case "updatedAt":
			return setTime(&v.UpdatedAt, value)
		default:
			return false
		}
		return true
	}) {
		return v, nil
	}
	return decode[contracts.InsuredPerson](data)
}

// decodeDocument reads an identity document's record as
// decode[contracts.IdentityDocument] does.
func (in *interner) decodeDocument(data []byte) (contracts.IdentityDocument, error) {
	var v contracts.IdentityDocument
	if flatObject(data, func(name, value []byte) bool {
		switch string(name) {
		case "fin":
			v.FIN = string(value)
		case "documentType":
			v.DocumentType = in.bytes(value)
		case "documentNumber":
			v.DocumentNumber = string(value)
		case "surname":
			v.Surname = in.bytes(value)
		case "name":
			v.Name = in.bytes(value)
		case "patronymic":
			v.Patronymic = in.bytes(value)
		case "gender":
			v.Gender = in.bytes(value)
		case "citizenship":
			v.Citizenship = in.bytes(value)
		case "birthPlace":
			v.BirthPlace = in.bytes(value)
		case "birthDate":
			v.BirthDate = in.bytes(value)
		case "issuingAuthority":
			v.IssuingAuthority = in.bytes(value)
		case "issueDate":
			v.IssueDate = in.bytes(value)
		case "validUntil":
			v.ValidUntil = in.bytes(value)
		case "updatedAt":
			return setTime(&v.UpdatedAt, value)
		default:
			return false
		}
		return true
	}) {
		return v, nil
	}
	return decode[contracts.IdentityDocument](data)
}
