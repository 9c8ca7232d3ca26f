package contracts

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Intake errors: what DecodeCommand and ValidatePayload refuse besides a
// bad envelope or a schema violation. Each has an error code of its own.
var (
	// ErrContentType: the record's content type is not one the CloudEvents
	// Kafka binding allows for a JSON command.
	ErrContentType = errors.New("content type not accepted")
	// ErrInvalidUTF8: a string of the data is not valid UTF-8. Errors
	// wrapping it also wrap ErrSchemaViolation and are *SchemaError with the
	// string's JSON pointer (keyword "utf8").
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
)

// DecodeCommand decodes a command record: DecodeEnvelope, then the content
// type a command must have.
//
// Binary content mode: the "content-type" header must be present and be
// application/json (parameters allowed; a charset, if given, must be
// utf-8). A missing one is refused: the binding lets a producer leave it
// out only when the data's format is known by other means, and a command
// topic carries JSON only, so its absence means a producer that was not
// written for this contract. Structured content mode
// (application/cloudevents+json): the event is JSON and so UTF-8, and its
// datacontenttype attribute, when present, must be application/json; when
// absent the CloudEvents JSON format says the data is JSON.
func DecodeCommand(key []byte, headers []Header, value []byte) (Envelope, error) {
	env, err := DecodeEnvelope(key, headers, value)
	if err != nil {
		return env, err
	}
	ct, present := headerValue(headers, HeaderContentType)
	if present && isStructured(ct) {
		if env.DataContentType != "" && !isJSONMediaType(env.DataContentType) {
			return Envelope{}, fmt.Errorf("%w: datacontenttype %.80q of a structured event, want %s", ErrContentType, env.DataContentType, JSONContentType)
		}
		return env, nil
	}
	if !present {
		return Envelope{}, fmt.Errorf("%w: no content-type header, want %s (binary mode) or %s (structured mode)", ErrContentType, JSONContentType, StructuredContentType)
	}
	if !isJSONMediaType(ct) {
		return Envelope{}, fmt.Errorf("%w: content-type %.80q, want %s (binary mode) or %s (structured mode)", ErrContentType, ct, JSONContentType, StructuredContentType)
	}
	return env, nil
}

func headerValue(headers []Header, name string) (string, bool) {
	for _, h := range headers {
		if strings.EqualFold(h.Key, name) {
			return string(h.Value), true
		}
	}
	return "", false
}

func isStructured(contentType string) bool {
	return strings.HasPrefix(strings.ToLower(contentType), StructuredContentType)
}

// isJSONMediaType: application/json, any parameters, charset utf-8 if named.
func isJSONMediaType(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != JSONContentType {
		return false
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return false
	}
	return true
}

// checkUTF8 refuses data holding bytes that are not UTF-8, naming the JSON
// pointer of the string (or member name) they are in. A JSON decoder would
// silently turn them into U+FFFD, and a repaired value would be stored.
func checkUTF8(ceType string, data []byte) error {
	if utf8.Valid(data) {
		return nil
	}
	bad := firstInvalidUTF8(data)
	ptr := pointerAt(data, bad)
	return &SchemaError{Type: ceType, Violations: []Violation{{Pointer: ptr, Keyword: "utf8"}}, cause: ErrInvalidUTF8}
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// pointerAt returns the JSON pointer of the string (or of the object whose
// member name) spanning byte offset off of data; "" when none does.
func pointerAt(data []byte, off int) string {
	at := ""
	walkJSON(data, func(ptr string, _ bool, _ json.Token, end int) bool {
		if end > off {
			at = ptr
			return false
		}
		return true
	})
	return at
}

// checkIntegers refuses a number the Go types cannot hold: every number of
// this contract is an integer field decoded into an int, so a number must be
// written as an integer (no fraction or exponent: 1.0 and 1e3 do not decode
// into an int) and fit 64 bits. Otherwise the schema would let through what
// the handler then fails to decode.
func checkIntegers(ceType string, doc any) error {
	var bad string
	var walk func(ptr string, v any) bool
	walk = func(ptr string, v any) bool {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if !walk(ptr+"/"+pointerEscaper.Replace(k), e) {
					return false
				}
			}
		case []any:
			for i, e := range x {
				if !walk(ptr+"/"+strconv.Itoa(i), e) {
					return false
				}
			}
		case json.Number:
			if _, err := strconv.ParseInt(string(x), 10, 64); err != nil {
				bad = ptr
				return false
			}
		}
		return true
	}
	if walk("", doc) {
		return nil
	}
	return &SchemaError{Type: ceType, Violations: []Violation{{Pointer: bad, Keyword: "integer"}}}
}
