package contracts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// The envelope is CloudEvents 1.0 over the Kafka protocol binding.
//
// The adapter writes **binary content mode**: the event data is the Kafka
// record value, the context attributes are headers named "ce_<attribute>",
// and "content-type" carries datacontenttype. The record key is the
// "partitionkey" extension (the insurer's VÖEN). As the binding requires of a
// receiver, the adapter also accepts **structured content mode**: a record
// whose content-type starts with "application/cloudevents+json" and whose
// value is the whole event as JSON.
const (
	SpecVersion            = "1.0"
	HeaderContentType      = "content-type"
	HeaderPrefix           = "ce_"
	StructuredContentType  = "application/cloudevents+json"
	JSONContentType        = "application/json"
	PDFContentType         = "application/pdf"
	ExtensionCorrelationID = "correlationid" // on replies: the command's id
	ExtensionPartitionKey  = "partitionkey"
)

// Source names of the parties.
const (
	SourcePortal     = "urn:az:gov:e-gov:portal"
	SourceBackOffice = "urn:az:gov:dsmf:back-office"
	SourceAdapter    = "urn:az:gov:dsmf:ssc-adapter"
	SourceRegisters  = "urn:az:gov:dsmf:registers"
)

// MaxMessageBytes bounds a record the adapter will decode.
const MaxMessageBytes = 1 << 20

// Header is one Kafka record header.
type Header struct {
	Key   string
	Value []byte
}

// Envelope is a CloudEvent as it travels on Kafka.
type Envelope struct {
	ID              string
	Source          string
	Type            string
	Subject         string
	Time            time.Time
	DataContentType string
	DataSchema      string
	// Extensions holds extension attributes (lower-case names).
	Extensions map[string]string
	// Data is the event data: JSON, or the PDF of a notice.
	Data []byte
	// Key is the Kafka record key (partitionkey).
	Key string
}

// Envelope errors; DecodeEnvelope wraps one of them.
var (
	ErrNotCloudEvent = errors.New("not a CloudEvent")
	ErrBadEnvelope   = errors.New("invalid CloudEvents envelope")
	ErrTooLarge      = errors.New("message too large")
)

// NewEnvelope builds an envelope with JSON data.
func NewEnvelope(id, source, typ, key string, at time.Time, data any) (Envelope, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return Envelope{}, fmt.Errorf("marshal %s data: %w", typ, err)
	}
	return Envelope{
		ID: id, Source: source, Type: typ, Time: at.UTC(), Key: key,
		DataContentType: JSONContentType, Data: raw,
	}, nil
}

// Extension returns an extension attribute, or "".
func (e Envelope) Extension(name string) string { return e.Extensions[name] }

// WithExtension returns a copy with the extension set.
func (e Envelope) WithExtension(name, value string) Envelope {
	ext := make(map[string]string, len(e.Extensions)+1)
	for k, v := range e.Extensions {
		ext[k] = v
	}
	ext[name] = value
	e.Extensions = ext
	return e
}

// BinaryHeaders returns the Kafka headers of binary content mode.
func (e Envelope) BinaryHeaders() []Header {
	h := []Header{
		{HeaderPrefix + "specversion", []byte(SpecVersion)},
		{HeaderPrefix + "id", []byte(e.ID)},
		{HeaderPrefix + "source", []byte(e.Source)},
		{HeaderPrefix + "type", []byte(e.Type)},
	}
	if !e.Time.IsZero() {
		h = append(h, Header{HeaderPrefix + "time", []byte(e.Time.UTC().Format(time.RFC3339Nano))})
	}
	if e.Subject != "" {
		h = append(h, Header{HeaderPrefix + "subject", []byte(e.Subject)})
	}
	if e.DataSchema != "" {
		h = append(h, Header{HeaderPrefix + "dataschema", []byte(e.DataSchema)})
	}
	if e.DataContentType != "" {
		h = append(h, Header{HeaderContentType, []byte(e.DataContentType)})
	}
	for k, v := range e.Extensions {
		h = append(h, Header{HeaderPrefix + k, []byte(v)})
	}
	if e.Key != "" {
		h = append(h, Header{HeaderPrefix + ExtensionPartitionKey, []byte(e.Key)})
	}
	return h
}

// DecodeEnvelope reads a Kafka record in binary or structured content mode.
// It checks the envelope only; the data is checked against its schema later.
func DecodeEnvelope(key []byte, headers []Header, value []byte) (Envelope, error) {
	if len(value) > MaxMessageBytes {
		return Envelope{}, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(value), MaxMessageBytes)
	}
	var contentType string
	ce := map[string]string{}
	for _, h := range headers {
		name := strings.ToLower(h.Key)
		// Other headers (tracing, say) may hold bytes; only ours must be text.
		isOurs := name == HeaderContentType || strings.HasPrefix(name, HeaderPrefix)
		if isOurs && !utf8.Valid(h.Value) {
			return Envelope{}, fmt.Errorf("%w: header %q is not UTF-8", ErrBadEnvelope, name)
		}
		switch {
		case name == HeaderContentType:
			contentType = string(h.Value)
		case strings.HasPrefix(name, HeaderPrefix):
			attr := strings.TrimPrefix(name, HeaderPrefix)
			if !validAttributeName(attr) {
				return Envelope{}, fmt.Errorf("%w: header %q does not name a CloudEvents attribute", ErrBadEnvelope, name)
			}
			ce[attr] = string(h.Value)
		}
	}
	if strings.HasPrefix(strings.ToLower(contentType), StructuredContentType) {
		return decodeStructured(key, value)
	}
	if _, ok := ce["specversion"]; !ok {
		return Envelope{}, fmt.Errorf("%w: no ce_specversion header and content-type is not %s", ErrNotCloudEvent, StructuredContentType)
	}
	ce["datacontenttype"] = contentType
	return fromAttributes(key, ce, value)
}

func decodeStructured(key, value []byte) (Envelope, error) {
	// JSON text is UTF-8; a decoder would replace other bytes, not refuse them.
	if !utf8.Valid(value) {
		return Envelope{}, fmt.Errorf("%w: %w: structured event at byte %d", ErrBadEnvelope, ErrInvalidUTF8, firstInvalidUTF8(value))
	}
	if !json.Valid(value) {
		return Envelope{}, fmt.Errorf("%w: structured event is not valid JSON", ErrBadEnvelope)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(value, &raw); err != nil {
		return Envelope{}, fmt.Errorf("%w: structured event is not a JSON object", ErrBadEnvelope)
	}
	attrs := map[string]string{}
	var data []byte
	for name, v := range raw {
		if !validAttributeName(name) && name != "data_base64" {
			return Envelope{}, fmt.Errorf("%w: %q is not a CloudEvents attribute name", ErrBadEnvelope, name)
		}
		switch name {
		case "data":
			if string(v) != "null" {
				data = v
			}
		case "data_base64":
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return Envelope{}, fmt.Errorf("%w: data_base64 is not a string", ErrBadEnvelope)
			}
			b, err := decodeBase64(s)
			if err != nil {
				return Envelope{}, fmt.Errorf("%w: data_base64: %v", ErrBadEnvelope, err)
			}
			data = b
		default:
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				if contextAttributes[name] {
					return Envelope{}, fmt.Errorf("%w: attribute %q must be a string", ErrBadEnvelope, name)
				}
				// CloudEvents allows non-string extension values; keep their JSON text.
				s = string(v)
			}
			attrs[name] = s
		}
	}
	return fromAttributes(key, attrs, data)
}

// contextAttributes are the attributes CloudEvents defines, all strings here.
var contextAttributes = map[string]bool{"specversion": true, "id": true, "source": true, "type": true,
	"subject": true, "time": true, "datacontenttype": true, "dataschema": true}

// validAttributeName: CloudEvents attribute names are lower-case letters
// and digits, at most 20 of them.
func validAttributeName(name string) bool {
	if name == "" || len(name) > 20 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func fromAttributes(key []byte, attrs map[string]string, data []byte) (Envelope, error) {
	e := Envelope{Data: data, Key: string(key)}
	if v := attrs["specversion"]; v != SpecVersion {
		return Envelope{}, fmt.Errorf("%w: specversion %q, want %q", ErrBadEnvelope, v, SpecVersion)
	}
	for _, req := range []string{"id", "source", "type"} {
		if attrs[req] == "" {
			return Envelope{}, fmt.Errorf("%w: attribute %q is required", ErrBadEnvelope, req)
		}
	}
	e.ID, e.Source, e.Type = attrs["id"], attrs["source"], attrs["type"]
	e.Subject, e.DataSchema = attrs["subject"], attrs["dataschema"]
	e.DataContentType = attrs["datacontenttype"]
	if t := attrs["time"]; t != "" {
		at, err := time.Parse(time.RFC3339Nano, t)
		if err != nil {
			return Envelope{}, fmt.Errorf("%w: time %q is not RFC 3339", ErrBadEnvelope, t)
		}
		e.Time = at
	}
	for name, v := range attrs {
		switch name {
		case "specversion", "id", "source", "type", "subject", "dataschema", "datacontenttype", "time":
		case ExtensionPartitionKey:
			if e.Key == "" {
				e.Key = v
			}
		default:
			if e.Extensions == nil {
				e.Extensions = map[string]string{}
			}
			e.Extensions[name] = v
		}
	}
	return e, nil
}

// StructuredJSON renders the envelope in structured content mode, for tools
// and for producers that prefer it.
func (e Envelope) StructuredJSON() ([]byte, error) {
	m := map[string]any{
		"specversion": SpecVersion, "id": e.ID, "source": e.Source, "type": e.Type,
	}
	if !e.Time.IsZero() {
		m["time"] = e.Time.UTC().Format(time.RFC3339Nano)
	}
	if e.Subject != "" {
		m["subject"] = e.Subject
	}
	if e.DataContentType != "" {
		m["datacontenttype"] = e.DataContentType
	}
	for k, v := range e.Extensions {
		m[k] = v
	}
	if e.Key != "" {
		m[ExtensionPartitionKey] = e.Key
	}
	if json.Valid(e.Data) && (e.DataContentType == "" || strings.Contains(e.DataContentType, "json")) {
		m["data"] = json.RawMessage(e.Data)
	} else if e.Data != nil {
		m["data_base64"] = encodeBase64(e.Data)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("encode structured event: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
