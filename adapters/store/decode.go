package store

import (
	"reflect"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/dsmf/ssc-adapter/contracts"
)

// Fast paths of the fold's decoding. A rebuild decodes millions of records,
// nearly all of them plain: binary content mode with lower-case headers, and
// flat JSON whose strings have no escapes. For those, the paths below read
// what the fold needs without building maps, using reflection or copying
// strings. They accept a record only when contracts.DecodeEnvelope and
// encoding/json would read it the same way, and hand anything else
// (structured mode, unusual headers, escapes, unknown or mis-cased fields,
// errors) to them, so what is folded, skipped or counted as undecodable
// does not change. Events, which are not flat, are read by go-json
// (eventdecode.go); reference records stay here because go-json's copies
// of their strings cost the fold of the registers about a quarter more CPU
// (docs/decisions/json-decoders.md).

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
// encoding/json does: Time.UnmarshalJSON of the quoted text is
// Time.UnmarshalText of the text.
func setTime(t *time.Time, content []byte) bool {
	return t.UnmarshalText(content) == nil
}

// alias is the string of b without a copy. The decoders below return
// records whose strings alias the record's bytes: they live only until the
// record is encoded as a row (row.go), which copies what it keeps.
func alias(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// flatField is where a member of a flat record goes: the member name of
// its json tag (the contract's, spelled once, in its struct tag) and the
// offset of its field, a string or a time.Time.
type flatField struct {
	name   string
	offset uintptr
	time   bool
}

// flatFieldsOf reads T's fields, in order; T may have only string and
// time.Time fields with plain json names (TestFlatDecodeMatchesEncodingJSON
// reads each reference type).
func flatFieldsOf[T any]() []flatField {
	var ff []flatField
	t := reflect.TypeFor[T]()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || !f.IsExported() || f.Anonymous {
			panic("store: flat record " + t.String() + " has a field without a plain json name: " + f.Name)
		}
		switch f.Type {
		case reflect.TypeFor[string](), reflect.TypeFor[time.Time]():
			ff = append(ff, flatField{name, f.Offset, f.Type != reflect.TypeFor[string]()})
		default:
			panic("store: flat record " + t.String() + " has a field neither string nor time: " + f.Name)
		}
	}
	return ff
}

var (
	insurerFields  = flatFieldsOf[contracts.Insurer]()
	insuredFields  = flatFieldsOf[contracts.InsuredPerson]()
	documentFields = flatFieldsOf[contracts.IdentityDocument]()
)

// decodeFlat reads a flat record of type T (fields ff) as decode[T] does:
// the flat reader when it can, else encoding/json. Members come in the
// order of the fields as a rule, so the next field is tried first.
func decodeFlat[T any](ff []flatField, data []byte) (T, error) {
	var v T
	base := unsafe.Pointer(&v)
	next := 0
	if flatObject(data, func(name, value []byte) bool {
		i := next
		if i >= len(ff) || ff[i].name != string(name) {
			for i = 0; i < len(ff) && ff[i].name != string(name); i++ {
			}
			if i == len(ff) {
				return false
			}
		}
		next = i + 1
		if ff[i].time {
			return setTime((*time.Time)(unsafe.Add(base, ff[i].offset)), value)
		}
		*(*string)(unsafe.Add(base, ff[i].offset)) = alias(value)
		return true
	}) {
		return v, nil
	}
	return decode[T](data)
}

func decodeInsurer(data []byte) (contracts.Insurer, error) {
	return decodeFlat[contracts.Insurer](insurerFields, data)
}

func decodeInsured(data []byte) (contracts.InsuredPerson, error) {
	return decodeFlat[contracts.InsuredPerson](insuredFields, data)
}

func decodeDocument(data []byte) (contracts.IdentityDocument, error) {
	return decodeFlat[contracts.IdentityDocument](documentFields, data)
}
