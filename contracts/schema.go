package contracts

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// The JSON Schemas (draft 2020-12) of every JSON payload. A schema file is
// named after its CloudEvents type without the "az.gov.dsmf." prefix, e.g.
// ssc.session.login.v1.schema.json for az.gov.dsmf.ssc.session.login.v1;
// common.schema.json holds shared $defs and is no message's schema.
//
//go:embed schemas/*.json
var schemaFS embed.FS

const (
	schemaDir    = "schemas"
	schemaSuffix = ".schema.json"
	// schemaTypePrefix is what a type loses to become a schema file name.
	schemaTypePrefix = "az.gov.dsmf."
	// SchemaBaseURL is the base of every schema's $id; relative $refs between
	// the files resolve against it, so no schema is ever fetched.
	SchemaBaseURL = "https://schemas.dsmf.gov.az/ssc/"
	commonSchema  = "common" + schemaSuffix
)

// Validation errors; ValidatePayload wraps one of them.
var (
	// ErrUnknownType: the CloudEvents type has no schema (unknown, or not
	// JSON such as TypeNotice).
	ErrUnknownType = errors.New("no schema for CloudEvents type")
	// ErrSchemaViolation: the data does not match the schema of its type.
	ErrSchemaViolation = errors.New("payload violates its schema")
	// ErrNotJSON: the data is not one JSON document. Errors wrapping it also
	// wrap ErrSchemaViolation.
	ErrNotJSON = errors.New("payload is not JSON")
)

// maxViolations bounds the reasons reported, so a garbage document yields a
// short error.
const maxViolations = 5

// Violation is one broken rule. It names where and which keyword but never
// the offending value, because payloads hold personal data (FIN, SSN, names)
// and errors end up in logs and replies.
type Violation struct {
	// Pointer is a JSON pointer into the data; "" is the document itself.
	Pointer string
	// Keyword is the schema keyword that failed, e.g. "pattern", "required",
	// "additionalProperties"; "false" means the property is not allowed here.
	Keyword string
	// Missing lists the absent properties of a "required" violation. They are
	// names from the schema, not from the data.
	Missing []string
}

func (v Violation) String() string {
	at := v.Pointer
	if at == "" {
		at = "(root)"
	}
	if len(v.Missing) > 0 {
		return at + ": " + v.Keyword + " " + strings.Join(v.Missing, ",")
	}
	return at + ": " + v.Keyword
}

// SchemaError says why a payload does not match its schema. It wraps
// ErrSchemaViolation.
type SchemaError struct {
	Type       string
	Violations []Violation
	// cause is a more specific error the violation also is (ErrInvalidUTF8).
	cause error
}

func (e *SchemaError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.String()
	}
	return fmt.Sprintf("%s: %s: %s", ErrSchemaViolation, e.Type, strings.Join(parts, "; "))
}

func (e *SchemaError) Unwrap() []error {
	if e.cause != nil {
		return []error{ErrSchemaViolation, e.cause}
	}
	return []error{ErrSchemaViolation}
}

// schemaFiles maps each CloudEvents type to its schema file name. Built once
// from the embedded directory, so adding a file adds a type.
var schemaFiles = sync.OnceValue(func() map[string]string {
	entries, err := fs.ReadDir(schemaFS, schemaDir)
	if err != nil {
		panic("contracts: embedded schemas: " + err.Error()) // cannot happen with go:embed
	}
	m := make(map[string]string, len(entries))
	for _, e := range entries {
		if name := e.Name(); name != commonSchema && strings.HasSuffix(name, schemaSuffix) {
			m[schemaTypePrefix+strings.TrimSuffix(name, schemaSuffix)] = name
		}
	}
	return m
})

// compiled holds every message schema, compiled once on first use. Compiled
// schemas are immutable, so validation is safe for concurrent use.
var compiled = sync.OnceValues(func() (map[string]*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat() // "date" and "date-time" are rules, not annotations
	// A "date-time" is what the Go types decode: the library's own check
	// lets through hours like "+0" (strconv.Atoi reads the sign) and leap
	// seconds, which time.Time refuses.
	c.RegisterFormat(&jsonschema.Format{Name: "date-time", Validate: func(v any) error {
		s, ok := v.(string)
		if !ok {
			return nil // formats apply to strings only
		}
		var t time.Time
		return t.UnmarshalText([]byte(s))
	}})
	// Content is asserted too (base64 of contentEncoding, the PDF below);
	// each schema says the same with a pattern, so standard validators, for
	// which these keywords are annotations, agree.
	c.AssertContent()
	c.RegisterContentMediaType(&jsonschema.MediaType{Name: PDFContentType, Validate: func(b []byte) error {
		if !IsPDFHeader(b) {
			return errors.New("not a PDF")
		}
		return nil
	}})
	// Only the embedded files are resources; a $ref elsewhere fails to compile
	// instead of reaching the network.
	c.UseLoader(noLoader{})
	entries, err := fs.ReadDir(schemaFS, schemaDir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		raw, err := schemaFS.ReadFile(path.Join(schemaDir, e.Name()))
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", e.Name(), err)
		}
		if err := c.AddResource(SchemaBaseURL+e.Name(), doc); err != nil {
			return nil, fmt.Errorf("schema %s: %w", e.Name(), err)
		}
	}
	out := make(map[string]*jsonschema.Schema, len(schemaFiles()))
	for typ, file := range schemaFiles() {
		sch, err := c.Compile(SchemaBaseURL + file)
		if err != nil {
			return nil, fmt.Errorf("compile schema %s: %w", file, err)
		}
		out[typ] = sch
	}
	return out, nil
})

// IsPDFHeader reports whether b starts as a PDF does: %PDF- and the first
// digit of its version.
func IsPDFHeader(b []byte) bool {
	return len(b) > 5 && bytes.HasPrefix(b, []byte("%PDF-")) && b[5] >= '0' && b[5] <= '9'
}

type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("schema %s is not embedded", url)
}

// CompileSchemas compiles every schema now instead of on first use, so a
// service can fail at start rather than on its first message.
func CompileSchemas() error {
	_, err := compiled()
	return err
}

// ValidatePayload checks JSON data against the schema of its CloudEvents
// type. It returns nil, an error wrapping ErrUnknownType, or one wrapping
// ErrSchemaViolation: a *SchemaError, or ErrNotJSON as well. An object that
// repeats a member name is a violation (keyword "duplicateName"); so is a
// string that is not UTF-8 (keyword "utf8", wrapping ErrInvalidUTF8 too:
// refused, never repaired) and a number the Go types cannot hold (keyword
// "integer").
func ValidatePayload(ceType string, data []byte) error {
	schemas, err := compiled()
	if err != nil {
		return fmt.Errorf("contracts: schemas do not compile: %w", err)
	}
	sch, ok := schemas[ceType]
	if !ok {
		// The type may come from a hostile record: quote it so it cannot
		// forge log lines.
		return fmt.Errorf("%w: %s", ErrUnknownType, strconv.QuoteToASCII(ceType))
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		// The decoder's message quotes input characters; leave it out.
		return fmt.Errorf("%w: %w: %s", ErrSchemaViolation, ErrNotJSON, ceType)
	}
	// The decoder replaced bytes that are not UTF-8; refuse them instead.
	if err := checkUTF8(ceType, data); err != nil {
		return err
	}
	// Objects with a repeated name are refused: the validator sees the last
	// value while other readers may take the first, and that difference is
	// how a checked document smuggles an unchecked value past the schema.
	if mayRepeatName(data) {
		if ptr, dup := duplicateName(data); dup {
			return &SchemaError{Type: ceType, Violations: []Violation{{Pointer: ptr, Keyword: "duplicateName"}}}
		}
	}
	err = sch.Validate(doc)
	if err == nil {
		return checkIntegers(ceType, doc)
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("%w: %s: %v", ErrSchemaViolation, ceType, err)
	}
	return &SchemaError{Type: ceType, Violations: violations(ve)}
}

// violations flattens the error tree to its leaves, the rules actually broken,
// in a stable order.
func violations(ve *jsonschema.ValidationError) []Violation {
	var out []Violation
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		v := Violation{Pointer: pointer(e.InstanceLocation), Keyword: strings.Join(e.ErrorKind.KeywordPath(), "/")}
		switch k := e.ErrorKind.(type) {
		case *kind.Required:
			v.Missing = slices.Sorted(slices.Values(k.Missing))
		case *kind.FalseSchema:
			v.Keyword = "false"
		}
		out = append(out, v)
	}
	walk(ve)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Pointer != out[j].Pointer {
			return out[i].Pointer < out[j].Pointer
		}
		return out[i].Keyword < out[j].Keyword
	})
	if len(out) > maxViolations {
		out = out[:maxViolations]
	}
	return out
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// pointer renders an instance location as a JSON pointer (RFC 6901).
func pointer(loc []string) string {
	var b strings.Builder
	for _, tok := range loc {
		b.WriteByte('/')
		b.WriteString(pointerEscaper.Replace(tok))
	}
	return b.String()
}

// duplicateName reports the JSON pointer of the first object that repeats a
// member name. data is known to be one valid JSON document.
func duplicateName(data []byte) (string, bool) {
	names := map[string]map[string]struct{}{} // by the object's pointer
	dup, found := "", false
	walkJSON(data, func(ptr string, isName bool, tok json.Token, _ int) bool {
		if !isName {
			return true
		}
		name, _ := tok.(string)
		seen := names[ptr]
		if seen == nil {
			seen = map[string]struct{}{}
			names[ptr] = seen
		}
		if _, ok := seen[name]; ok {
			dup, found = ptr, true
			return false
		}
		seen[name] = struct{}{}
		return true
	})
	return dup, found
}

// walkJSON calls visit with every member name (isName, ptr is the object's
// pointer) and every scalar value (ptr is the value's) of data, and the
// offset just past the token, until visit returns false or data ends or
// stops parsing. The walk is iterative, so deep nesting costs memory for the
// stack only.
func walkJSON(data []byte, visit func(ptr string, isName bool, tok json.Token, end int) bool) {
	type frame struct {
		pointer   string
		object    bool
		expectKey bool
		key       string // object: the current member's name
		index     int    // array: the current element's index
	}
	var stack []*frame
	// child is the pointer of the value about to start in the top frame.
	child := func() string {
		if len(stack) == 0 {
			return ""
		}
		top := stack[len(stack)-1]
		if top.object {
			return top.pointer + "/" + pointerEscaper.Replace(top.key)
		}
		return top.pointer + "/" + strconv.Itoa(top.index)
	}
	// done moves the top frame past the value that just ended.
	done := func() {
		if len(stack) == 0 {
			return
		}
		if top := stack[len(stack)-1]; top.object {
			top.expectKey = true
		} else {
			top.index++
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil { // io.EOF, or malformed input
			return
		}
		end := int(dec.InputOffset())
		switch tok {
		case json.Delim('{'), json.Delim('['):
			stack = append(stack, &frame{pointer: child(), object: tok == json.Delim('{'), expectKey: true})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			done()
			continue
		}
		if top := len(stack) - 1; top >= 0 && stack[top].object && stack[top].expectKey {
			f := stack[top]
			if !visit(f.pointer, true, tok, end) {
				return
			}
			f.key, f.expectKey = tok.(string), false
			continue
		}
		if !visit(child(), false, tok, end) {
			return
		}
		done()
	}
}

// SchemaFor returns the JSON Schema of a CloudEvents type (a copy).
func SchemaFor(ceType string) ([]byte, bool) {
	file, ok := schemaFiles()[ceType]
	if !ok {
		return nil, false
	}
	raw, err := schemaFS.ReadFile(path.Join(schemaDir, file))
	if err != nil {
		return nil, false
	}
	return raw, true // ReadFile of an embed.FS returns a fresh copy
}

// SchemaID returns the $id of a type's schema, the value for the CloudEvents
// dataschema attribute.
func SchemaID(ceType string) (string, bool) {
	file, ok := schemaFiles()[ceType]
	if !ok {
		return "", false
	}
	return SchemaBaseURL + file, true
}

// SchemaTypes lists every CloudEvents type that has a schema, sorted.
func SchemaTypes() []string {
	types := make([]string, 0, len(schemaFiles()))
	for t := range schemaFiles() {
		types = append(types, t)
	}
	sort.Strings(types)
	return types
}
