package contracts_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	standard "github.com/google/jsonschema-go/jsonschema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
)

// The service's validator asserts "format" and the content keywords, which
// JSON Schema 2020-12 leaves as annotations. Every such rule is also written
// as a pattern, so a portal team validating with any standard implementation
// gets the service's verdict. This test proves it with a second, independent
// implementation, one that treats format and content as annotations only.

// standardSchemas resolves every message schema with the second validator,
// loading the $refs between files from the schemas folder.
var standardSchemas = sync.OnceValues(func() (map[string]*standard.Resolved, error) {
	load := func(file string) (*standard.Schema, error) {
		raw, err := os.ReadFile(filepath.Join(schemasDir, file))
		if err != nil {
			return nil, err
		}
		var s standard.Schema
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		return &s, nil
	}
	loader := func(u *url.URL) (*standard.Schema, error) {
		if !strings.HasPrefix(u.String(), contracts.SchemaBaseURL) {
			return nil, fmt.Errorf("schema %s is not in the contract", u)
		}
		return load(path.Base(u.Path))
	}
	out := map[string]*standard.Resolved{}
	for _, typ := range contracts.SchemaTypes() {
		file := contractName(typ) + ".schema.json"
		s, err := load(file)
		if err != nil {
			return nil, err
		}
		r, err := s.Resolve(&standard.ResolveOptions{BaseURI: contracts.SchemaBaseURL + file, Loader: loader})
		if err != nil {
			return nil, fmt.Errorf("resolve %s: %w", file, err)
		}
		out[typ] = r
	}
	return out, nil
})

func standardVerdict(t *testing.T, ceType string, data []byte) error {
	t.Helper()
	schemas, err := standardSchemas()
	require.NoError(t, err)
	sch, ok := schemas[ceType]
	require.True(t, ok, "no schema for %s", ceType)
	var v any
	require.NoError(t, json.Unmarshal(data, &v))
	return sch.Validate(v)
}

// TestExamplesHaveOneVerdict runs every example through both validators: the
// service's and a standard one agree, and both agree with the file's name.
func TestExamplesHaveOneVerdict(t *testing.T) {
	t.Parallel()
	for _, ex := range loadExamples(t) {
		t.Run(ex.file, func(t *testing.T) {
			service := contracts.ValidatePayload(ex.ceType, ex.data)
			std := standardVerdict(t, ex.ceType, ex.data)
			assert.Equal(t, ex.valid, service == nil, "service validator: %v", service)
			assert.Equal(t, ex.valid, std == nil, "standard validator: %v", std)
		})
	}
}

// schemaPattern reads the pattern of a schema file's node,
// found by following a path of member names.
func schemaPattern(t *testing.T, file string, at ...string) *regexp.Regexp {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(schemasDir, file))
	require.NoError(t, err)
	var node map[string]any
	require.NoError(t, json.Unmarshal(raw, &node))
	for _, k := range at {
		next, ok := node[k].(map[string]any)
		require.True(t, ok, "%s: no %s", file, strings.Join(at, "/"))
		node = next
	}
	p, ok := node["pattern"].(string)
	require.True(t, ok, "%s: %s has no pattern", file, strings.Join(at, "/"))
	return regexp.MustCompile(p)
}

// The date pattern is exactly the calendar: it accepts what time.Parse
// accepts, leap days included, and nothing else.
func TestDatePatternIsTheCalendar(t *testing.T) {
	t.Parallel()
	re := schemaPattern(t, "common.schema.json", "$defs", "date")
	for _, year := range []int{0, 4, 100, 1900, 1985, 2000, 2023, 2024, 2026, 2100, 2400, 9996, 9999} {
		for month := 0; month <= 13; month++ {
			for day := 0; day <= 32; day++ {
				s := fmt.Sprintf("%04d-%02d-%02d", year, month, day)
				_, err := time.Parse(time.DateOnly, s)
				assert.Equal(t, err == nil, re.MatchString(s), s)
			}
		}
	}
}

// Whatever the date-time pattern accepts, the Go types decode; what Go
// writes, the pattern accepts.
func TestDateTimePatternIsWhatGoDecodes(t *testing.T) {
	t.Parallel()
	re := schemaPattern(t, "common.schema.json", "$defs", "dateTime")
	accepted := []string{"2026-03-10T09:00:00Z", "2026-03-10T09:00:00+04:00", "2024-02-29T23:59:59.123456789-12:30",
		"2026-01-05T06:00:00.5Z", "0000-01-01T00:00:00Z"}
	refused := []string{"2026-03-10 09:00:00Z", "2026-03-10T09:00:00", "2026-03-10T24:00:00Z", "2026-03-10T09:60:00Z",
		"2026-03-10T09:00:60Z", "2026-02-30T09:00:00Z", "2026-03-10T09:00:00+0", "2026-03-10T09:00:00+24:00",
		"2026-03-10t09:00:00z", "2026-03-10T09:00:00.Z", "2026-03-10T09:00:00.1234567890Z", "2023-02-29T00:00:00Z"}
	for _, s := range accepted {
		assert.True(t, re.MatchString(s), s)
	}
	for _, s := range refused {
		assert.False(t, re.MatchString(s), s)
	}
	for _, s := range append(accepted, refused...) {
		if re.MatchString(s) {
			var tm time.Time
			assert.NoError(t, tm.UnmarshalText([]byte(s)), "the pattern accepts %s, Go does not", s)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		tm := time.Unix(r.Int64N(1<<35), r.Int64N(1e9)).In(time.FixedZone("", (r.IntN(48)-24)*30*60))
		b, err := tm.MarshalText()
		require.NoError(t, err)
		assert.True(t, re.MatchString(string(b)), "Go writes %s, the pattern refuses it", b)
	}
}

// The base64 patterns accept exactly what encodes some bytes (the PDF's,
// bytes that start as a PDF), which is what the service's content check
// asserts.
func TestBase64PatternsAreTheContentRules(t *testing.T) {
	t.Parallel()
	plain := schemaPattern(t, "common.schema.json", "$defs", "assertionSignature", "properties", "value")
	pdf := schemaPattern(t, "ssc.notice.get.result.v1.schema.json", "properties", "pdf")
	r := rand.New(rand.NewPCG(3, 4))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
	for range 20000 {
		// Random text over the base64 alphabet: the plain pattern accepts it
		// only if it decodes.
		b := make([]byte, r.IntN(13))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		if plain.MatchString(string(b)) {
			_, err := base64.StdEncoding.DecodeString(string(b))
			assert.NoError(t, err, "the pattern accepts %q, which does not decode", b)
		}
		// Random bytes, often starting like a PDF: both patterns accept
		// their encoding, the PDF one exactly when they start as a PDF.
		raw := make([]byte, r.IntN(12))
		for i := range raw {
			raw[i] = byte(r.IntN(256))
		}
		if r.IntN(2) == 0 {
			raw = append([]byte("%PDF-")[:r.IntN(6)], raw...)
		}
		enc := base64.StdEncoding.EncodeToString(raw)
		assert.True(t, plain.MatchString(enc) || enc == "", enc)
		assert.Equal(t, contracts.IsPDFHeader(raw), pdf.MatchString(enc), "%q", raw)
	}
}
