package contracts_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	c "github.com/dsmf/ssc-adapter/contracts"
)

func TestInvalidUTF8IsRefusedWithItsPointer(t *testing.T) {
	cases := map[string]string{
		"{\"sessionId\":\"s\",\"insurerVoen\":\"9802091761\",\"filter\":{\"surname\":\"\xff\xfe\xc3\"}}": "/filter/surname",
		"{\"sessionId\":\"s\",\"insurerVoen\":\"9802091761\",\"filter\":{\"sur\xc3name\":\"x\"}}":        "/filter",
		"{\"sessionId\":\"s\xed\xa0\x80\",\"insurerVoen\":\"9802091761\"}":                               "/sessionId",
	}
	for data, ptr := range cases {
		err := c.ValidatePayload(c.TypeRegistrySearch, []byte(data))
		require.ErrorIs(t, err, c.ErrInvalidUTF8, "%q", data)
		require.ErrorIs(t, err, c.ErrSchemaViolation)
		var se *c.SchemaError
		require.True(t, errors.As(err, &se))
		assert.Equal(t, ptr, se.Violations[0].Pointer, "%q", data)
		assert.Equal(t, "utf8", se.Violations[0].Keyword)
	}
}

func TestNumbersMustFitTheGoTypes(t *testing.T) {
	for _, page := range []string{"1e30", "1.0", "99999999999999999999"} {
		err := c.ValidatePayload(c.TypeRegistrySearch, []byte(`{"sessionId":"s","insurerVoen":"9802091761","filter":{},"page":`+page+`}`))
		var se *c.SchemaError
		require.True(t, errors.As(err, &se), page)
		assert.Equal(t, "/page", se.Violations[0].Pointer)
	}
}

func TestCommandContentTypes(t *testing.T) {
	ce := func(ct ...string) []c.Header {
		h := []c.Header{{Key: "ce_specversion", Value: []byte("1.0")}, {Key: "ce_id", Value: []byte("1")},
			{Key: "ce_source", Value: []byte("s")}, {Key: "ce_type", Value: []byte("t")}}
		for _, v := range ct {
			h = append(h, c.Header{Key: "Content-Type", Value: []byte(v)})
		}
		return h
	}
	for ct, ok := range map[string]bool{
		"application/json": true, "application/json; charset=utf-8": true, "Application/JSON;charset=UTF-8": true,
		"text/plain": false, "application/json; charset=latin1": false, "application/jsonx": false, "": false,
	} {
		_, err := c.DecodeCommand(nil, ce(ct), []byte(`{}`))
		assert.Equal(t, ok, err == nil, "%q: %v", ct, err)
		if !ok {
			assert.ErrorIs(t, err, c.ErrContentType)
		}
	}
	_, err := c.DecodeCommand(nil, ce(), []byte(`{}`))
	assert.ErrorIs(t, err, c.ErrContentType, "no content-type")

	structured := []c.Header{{Key: "content-type", Value: []byte(c.StructuredContentType)}}
	_, err = c.DecodeCommand(nil, structured, []byte(`{"specversion":"1.0","id":"1","source":"s","type":"t","data":{}}`))
	assert.NoError(t, err, "no datacontenttype: JSON")
	_, err = c.DecodeCommand(nil, structured, []byte(`{"specversion":"1.0","id":"1","source":"s","type":"t","datacontenttype":"text/plain","data":{}}`))
	assert.ErrorIs(t, err, c.ErrContentType)
	_, err = c.DecodeCommand(nil, structured, []byte("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"s\",\"type\":\"t\",\"data\":{\"a\":\"\xff\"}}"))
	assert.ErrorIs(t, err, c.ErrInvalidUTF8)
}
