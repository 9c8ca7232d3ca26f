package contracts_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	c "github.com/dsmf/ssc-adapter/contracts"
)

func envHeaders(kv ...string) []c.Header {
	h := make([]c.Header, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		h = append(h, c.Header{Key: kv[i], Value: []byte(kv[i+1])})
	}
	return h
}

// envBinary are the headers of a minimal valid binary-mode command.
func envBinary() []string {
	return []string{
		"ce_specversion", "1.0", "ce_id", fxCommand, "ce_source", c.SourcePortal,
		"ce_type", c.TypeLogout, "ce_time", "2026-03-10T09:20:00Z", "content-type", c.JSONContentType,
	}
}

func without(kv []string, name string) []string {
	var out []string
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i] != name {
			out = append(out, kv[i], kv[i+1])
		}
	}
	return out
}

func with(kv []string, name, value string) []string {
	return append(without(kv, name), name, value)
}

func TestEnvelopeBinaryRoundTrip(t *testing.T) {
	t.Parallel()
	env, err := c.NewEnvelope(fxCommand, c.SourceAdapter, c.TypeLogoutResult, fxVOEN,
		time.Date(2026, 3, 10, 13, 20, 0, 5, time.FixedZone("Baku", 4*3600)),
		c.LogoutResult{CommandID: fxCommand, SessionID: fxSession})
	require.NoError(t, err)
	env.Subject, env.DataSchema = "session/"+fxSession, "https://schemas.dsmf.gov.az/ssc/ssc.session.logout.result.v1.schema.json"
	env = env.WithExtension(c.ExtensionCorrelationID, "cmd-1")

	got, err := c.DecodeEnvelope([]byte(fxVOEN), env.BinaryHeaders(), env.Data)
	require.NoError(t, err)
	assert.Equal(t, env.ID, got.ID)
	assert.Equal(t, env.Source, got.Source)
	assert.Equal(t, env.Type, got.Type)
	assert.Equal(t, env.Subject, got.Subject)
	assert.Equal(t, env.DataSchema, got.DataSchema)
	assert.Equal(t, c.JSONContentType, got.DataContentType)
	assert.True(t, env.Time.Equal(got.Time), "time survives to the nanosecond")
	assert.Equal(t, map[string]string{c.ExtensionCorrelationID: "cmd-1"}, got.Extensions)
	assert.Equal(t, "cmd-1", got.Extension(c.ExtensionCorrelationID))
	assert.Equal(t, env.Data, got.Data)
	assert.Equal(t, fxVOEN, got.Key)
	require.NoError(t, c.ValidatePayload(got.Type, got.Data))

	// Without a record key, the partitionkey header gives it.
	got, err = c.DecodeEnvelope(nil, env.BinaryHeaders(), env.Data)
	require.NoError(t, err)
	assert.Equal(t, fxVOEN, got.Key)
}

func TestEnvelopeBinaryHeaderNamesIgnoreCase(t *testing.T) {
	t.Parallel()
	got, err := c.DecodeEnvelope(nil, envHeaders("CE_SpecVersion", "1.0", "ce_ID", "x", "Ce_Source", "s", "ce_type", "t", "Content-Type", "application/json"), []byte(`{}`))
	require.NoError(t, err)
	assert.Equal(t, "x", got.ID)
	assert.Equal(t, "application/json", got.DataContentType)
}

func TestEnvelopeBinaryPDF(t *testing.T) {
	t.Parallel()
	h := with(with(envBinary(), "content-type", c.PDFContentType), "ce_type", c.TypeNotice)
	got, err := c.DecodeEnvelope([]byte(fxVOEN), envHeaders(h...), fxPDF)
	require.NoError(t, err)
	assert.Equal(t, fxPDF, got.Data)
	assert.Equal(t, c.PDFContentType, got.DataContentType)
	assert.ErrorIs(t, c.ValidatePayload(got.Type, got.Data), c.ErrUnknownType, "a notice has no JSON Schema")
}

func TestEnvelopeStructured(t *testing.T) {
	t.Parallel()
	value := `{"specversion":"1.0","id":"e-1","source":"urn:az:gov:e-gov:portal","type":"` + c.TypeLogout + `",
		"time":"2026-03-10T09:20:00.5+04:00","datacontenttype":"application/json","subject":"s",
		"partitionkey":"` + fxVOEN + `","traceparent":"00-abc-def-01","attempt":3,
		"data":{"sessionId":"` + fxSession + `","insurerVoen":"` + fxVOEN + `"}}`
	got, err := c.DecodeEnvelope(nil, envHeaders("content-type", "application/cloudevents+json; charset=utf-8"), []byte(value))
	require.NoError(t, err)
	assert.Equal(t, "e-1", got.ID)
	assert.Equal(t, c.TypeLogout, got.Type)
	assert.Equal(t, "s", got.Subject)
	assert.Equal(t, fxVOEN, got.Key, "partitionkey gives the key when the record has none")
	assert.True(t, time.Date(2026, 3, 10, 5, 20, 0, 500_000_000, time.UTC).Equal(got.Time))
	assert.Equal(t, map[string]string{"traceparent": "00-abc-def-01", "attempt": "3"}, got.Extensions, "non-string extensions keep their JSON text")
	require.NoError(t, c.ValidatePayload(got.Type, got.Data))

	// The record key wins over partitionkey.
	got, err = c.DecodeEnvelope([]byte("1111111111"), envHeaders("content-type", c.StructuredContentType), []byte(value))
	require.NoError(t, err)
	assert.Equal(t, "1111111111", got.Key)
}

func TestEnvelopeStructuredDataBase64(t *testing.T) {
	t.Parallel()
	env := c.Envelope{ID: "n-1", Source: c.SourceAdapter, Type: c.TypeNotice, Key: fxVOEN,
		DataContentType: c.PDFContentType, Data: fxPDF, Time: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	value, err := env.StructuredJSON()
	require.NoError(t, err)
	assert.Contains(t, string(value), `"data_base64"`)
	got, err := c.DecodeEnvelope(nil, envHeaders("content-type", c.StructuredContentType), value)
	require.NoError(t, err)
	assert.Equal(t, fxPDF, got.Data)
	assert.Equal(t, c.PDFContentType, got.DataContentType)
	assert.Equal(t, fxVOEN, got.Key)
	assert.True(t, env.Time.Equal(got.Time))

	// JSON data stays inline and comes back byte for byte.
	env, err = c.NewEnvelope("r-1", c.SourceAdapter, c.TypeLogoutResult, fxVOEN, env.Time, c.LogoutResult{CommandID: "c", SessionID: "s"})
	require.NoError(t, err)
	value, err = env.StructuredJSON()
	require.NoError(t, err)
	assert.NotContains(t, string(value), "data_base64")
	got, err = c.DecodeEnvelope(nil, envHeaders("content-type", c.StructuredContentType), value)
	require.NoError(t, err)
	assert.JSONEq(t, string(env.Data), string(got.Data))
}

func TestEnvelopeErrors(t *testing.T) {
	t.Parallel()
	structured := envHeaders("content-type", c.StructuredContentType)
	okStructured := func(mutate func(m map[string]any)) []byte {
		m := map[string]any{"specversion": "1.0", "id": "e", "source": "s", "type": c.TypeLogout, "data": map[string]any{}}
		mutate(m)
		b, _ := json.Marshal(m)
		return b
	}
	cases := []struct {
		name    string
		headers []c.Header
		value   []byte
		want    error
	}{
		{"binary without specversion", envHeaders(without(envBinary(), "ce_specversion")...), []byte(`{}`), c.ErrNotCloudEvent},
		{"no headers at all", nil, []byte(`{}`), c.ErrNotCloudEvent},
		{"binary wrong specversion", envHeaders(with(envBinary(), "ce_specversion", "0.3")...), []byte(`{}`), c.ErrBadEnvelope},
		{"binary empty specversion", envHeaders(with(envBinary(), "ce_specversion", "")...), []byte(`{}`), c.ErrBadEnvelope},
		{"binary without id", envHeaders(without(envBinary(), "ce_id")...), []byte(`{}`), c.ErrBadEnvelope},
		{"binary empty id", envHeaders(with(envBinary(), "ce_id", "")...), []byte(`{}`), c.ErrBadEnvelope},
		{"binary without source", envHeaders(without(envBinary(), "ce_source")...), []byte(`{}`), c.ErrBadEnvelope},
		{"binary without type", envHeaders(without(envBinary(), "ce_type")...), []byte(`{}`), c.ErrBadEnvelope},
		{"binary bad time", envHeaders(with(envBinary(), "ce_time", "10.03.2026 09:20")...), []byte(`{}`), c.ErrBadEnvelope},
		{"binary non-UTF-8 header", append(envHeaders(envBinary()...), c.Header{Key: "ce_subject", Value: []byte{0xff, 0xfe}}), []byte(`{}`), c.ErrBadEnvelope},
		{"too large", envHeaders(envBinary()...), bytes.Repeat([]byte{' '}, c.MaxMessageBytes+1), c.ErrTooLarge},
		{"structured not JSON", structured, []byte(`specversion=1.0`), c.ErrBadEnvelope},
		{"structured JSON array", structured, []byte(`[{"specversion":"1.0"}]`), c.ErrBadEnvelope},
		{"structured empty value", structured, nil, c.ErrBadEnvelope},
		{"structured without specversion", structured, okStructured(func(m map[string]any) { delete(m, "specversion") }), c.ErrBadEnvelope},
		{"structured wrong specversion", structured, okStructured(func(m map[string]any) { m["specversion"] = "0.3" }), c.ErrBadEnvelope},
		{"structured numeric specversion", structured, okStructured(func(m map[string]any) { m["specversion"] = 1.0 }), c.ErrBadEnvelope},
		{"structured without id", structured, okStructured(func(m map[string]any) { delete(m, "id") }), c.ErrBadEnvelope},
		{"structured without source", structured, okStructured(func(m map[string]any) { delete(m, "source") }), c.ErrBadEnvelope},
		{"structured without type", structured, okStructured(func(m map[string]any) { delete(m, "type") }), c.ErrBadEnvelope},
		{"structured bad time", structured, okStructured(func(m map[string]any) { m["time"] = "yesterday" }), c.ErrBadEnvelope},
		{"structured data_base64 not a string", structured, okStructured(func(m map[string]any) { delete(m, "data"); m["data_base64"] = 12 }), c.ErrBadEnvelope},
		{"structured data_base64 not base64", structured, okStructured(func(m map[string]any) { delete(m, "data"); m["data_base64"] = "%PDF" }), c.ErrBadEnvelope},
		{"structured too large", structured, bytes.Repeat([]byte{' '}, c.MaxMessageBytes+1), c.ErrTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.DecodeEnvelope([]byte(fxVOEN), tc.headers, tc.value)
			require.ErrorIs(t, err, tc.want)
		})
	}

	// The limit itself is accepted.
	_, err := c.DecodeEnvelope(nil, envHeaders(envBinary()...), bytes.Repeat([]byte{' '}, c.MaxMessageBytes))
	assert.NoError(t, err)
}

func FuzzDecodeEnvelope(f *testing.F) {
	f.Add([]byte(fxVOEN), "application/json", "1.0", c.TypeLogout, []byte(`{"sessionId":"s","insurerVoen":"9802091761"}`))
	f.Add([]byte(nil), c.StructuredContentType, "", "", []byte(`{"specversion":"1.0","id":"1","source":"s","type":"t","data_base64":"JVBERi0="}`))
	f.Add([]byte("k"), c.StructuredContentType, "", "", []byte(`{"specversion":"1.0","id":"1","source":"s","type":"t","time":"2026-01-01T00:00:00Z","x":{"a":[1]}}`))
	f.Add([]byte{}, "", "0.3", "", []byte{0xff})
	f.Add([]byte{}, c.StructuredContentType, "", "", []byte(`null`))
	f.Add([]byte(fxVOEN), "text/plain", "1.0", c.TypeLogout, []byte(`{"sessionId":"s","insurerVoen":"9802091761"}`))
	f.Add([]byte(fxVOEN), "", "1.0", c.TypeLogout, []byte(`{"sessionId":"s","insurerVoen":"9802091761"}`))
	f.Add([]byte(fxVOEN), "application/json; charset=latin1", "1.0", c.TypeLogout, []byte(`{"sessionId":"s","insurerVoen":"9802091761"}`))
	f.Add([]byte(fxVOEN), "application/json", "1.0", c.TypeLogout, []byte("{\"sessionId\":\"\xff\xfe\xc3\",\"insurerVoen\":\"9802091761\"}"))
	f.Add([]byte(nil), c.StructuredContentType, "", "", []byte("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"s\",\"type\":\"t\",\"data\":{\"a\":\"\xff\"}}"))
	f.Add([]byte(nil), c.StructuredContentType, "", "", []byte(`{"specversion":"1.0","id":"1","source":"s","type":"t","datacontenttype":"text/plain","data":{}}`))
	f.Fuzz(func(t *testing.T, key []byte, contentType, specVersion, ceType string, value []byte) {
		headers := envHeaders("content-type", contentType, "ce_specversion", specVersion, "ce_id", "id-1",
			"ce_source", c.SourcePortal, "ce_type", ceType, "ce_partitionkey", string(key))
		if cmd, err := c.DecodeCommand(key, headers, value); err == nil {
			// A command is JSON in either mode: binary with application/json,
			// structured with JSON data or none named.
			ct := strings.ToLower(contentType)
			if !strings.HasPrefix(ct, c.StructuredContentType) && !strings.HasPrefix(ct, c.JSONContentType) {
				t.Fatalf("DecodeCommand accepted content-type %q", contentType)
			}
			if cmd.DataContentType != "" && !strings.HasPrefix(strings.ToLower(cmd.DataContentType), c.JSONContentType) {
				t.Fatalf("DecodeCommand accepted datacontenttype %q", cmd.DataContentType)
			}
		} else if !errors.Is(err, c.ErrNotCloudEvent) && !errors.Is(err, c.ErrBadEnvelope) && !errors.Is(err, c.ErrTooLarge) &&
			!errors.Is(err, c.ErrContentType) {
			t.Fatalf("unexpected command error kind: %v", err)
		}
		env, err := c.DecodeEnvelope(key, headers, value)
		if err != nil {
			if !errors.Is(err, c.ErrNotCloudEvent) && !errors.Is(err, c.ErrBadEnvelope) && !errors.Is(err, c.ErrTooLarge) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if strings.HasPrefix(strings.ToLower(contentType), c.StructuredContentType) && !utf8.Valid(value) {
			t.Fatalf("decoded a structured event that is not UTF-8")
		}
		if env.ID == "" || env.Source == "" || env.Type == "" {
			t.Fatalf("decoded an envelope without id, source or type: %+v", env)
		}
		// Whatever decodes can be written again in both modes.
		if _, err := env.StructuredJSON(); err != nil {
			t.Fatalf("StructuredJSON: %v", err)
		}
		_ = env.BinaryHeaders()
		_ = c.ValidatePayload(env.Type, env.Data)
	})
}

func FuzzValidatePayload(f *testing.F) {
	for i, fx := range goFixtures() {
		data, _ := json.Marshal(fx.value)
		f.Add(uint8(i), data)
	}
	f.Add(uint8(0), []byte(`{"page":1.0}`))
	f.Add(uint8(3), []byte(`{"sessionId":"s","insurerVoen":"9802091761","page":1e400}`))
	f.Add(uint8(7), []byte(`[[[[[[[[[[]]]]]]]]]]`))
	f.Add(uint8(9), []byte("\xef\xbb\xbf{}"))
	f.Add(uint8(3), []byte("{\"sessionId\":\"s\xff\xfe\xc3\",\"insurerVoen\":\"9802091761\"}"))
	f.Add(uint8(3), []byte("{\"se\xc3ssionId\":\"s\",\"insurerVoen\":\"9802091761\"}"))
	f.Add(uint8(5), []byte("{\"filter\":{\"surname\":\"\xed\xa0\x80\"}}"))
	types := c.SchemaTypes()
	goTypes := fixtureTypes()
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		typ := types[int(which)%len(types)]
		err := c.ValidatePayload(typ, data)
		if (err == nil || errors.Is(err, c.ErrInvalidUTF8)) && errors.Is(err, c.ErrInvalidUTF8) == utf8.Valid(data) {
			t.Fatalf("UTF-8 valid %v, but the error is %v", utf8.Valid(data), err)
		}
		if err != nil {
			if !errors.Is(err, c.ErrSchemaViolation) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error: %q", err)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		// What the schema accepts, the Go type can hold, numbers included.
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(reflect.New(goTypes[typ]).Interface()); err != nil {
			t.Fatalf("schema accepts what %s cannot decode: %v", goTypes[typ], err)
		}
	})
}
