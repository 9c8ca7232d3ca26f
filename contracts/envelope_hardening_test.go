package contracts_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	c "github.com/dsmf/ssc-adapter/contracts"
)

// A binary header that is not ours may hold any bytes (tracing, say).
func TestEnvelopeIgnoresForeignBinaryHeaders(t *testing.T) {
	t.Parallel()
	h := append(envHeaders(envBinary()...), c.Header{Key: "traceparent-bin", Value: []byte{0xff, 0xfe}})
	_, err := c.DecodeEnvelope([]byte("9802091761"), h, []byte(`{}`))
	require.NoError(t, err)
}

// Attribute names are lower-case letters and digits: a forged "ID" cannot
// later replace the real id.
func TestEnvelopeRefusesBadAttributeNames(t *testing.T) {
	t.Parallel()
	_, err := c.DecodeEnvelope(nil, []c.Header{{Key: "content-type", Value: []byte(c.StructuredContentType)}},
		[]byte(`{"specversion":"1.0","id":"a","source":"s","type":"t","ID":"forged"}`))
	assert.True(t, errors.Is(err, c.ErrBadEnvelope), "%v", err)
	_, err = c.DecodeEnvelope(nil, append(envHeaders(envBinary()...), c.Header{Key: "ce_trace-id", Value: []byte("x")}), []byte(`{}`))
	assert.True(t, errors.Is(err, c.ErrBadEnvelope), "%v", err)
}

// The context attributes must be strings in structured mode.
func TestEnvelopeStructuredAttributesAreStrings(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{
		`{"specversion":1.0,"id":"a","source":"s","type":"t"}`,
		`{"specversion":"1.0","id":123,"source":"s","type":"t"}`,
	} {
		_, err := c.DecodeEnvelope(nil, []c.Header{{Key: "content-type", Value: []byte(c.StructuredContentType)}}, []byte(doc))
		assert.True(t, errors.Is(err, c.ErrBadEnvelope), "%s: %v", doc, err)
	}
}

// "data": null is no data.
func TestEnvelopeStructuredNullData(t *testing.T) {
	t.Parallel()
	e, err := c.DecodeEnvelope(nil, []c.Header{{Key: "content-type", Value: []byte(c.StructuredContentType)}},
		[]byte(`{"specversion":"1.0","id":"a","source":"s","type":"t","data":null}`))
	require.NoError(t, err)
	assert.Nil(t, e.Data)
}
