package service_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/handlers"
	"github.com/dsmf/ssc-adapter/testkit"
)

// Strict intake through Kafka: invalid UTF-8 anywhere in a command, a
// content type the CloudEvents Kafka binding does not allow for JSON, and a
// number the Go types cannot hold are refused with a stable code naming the
// field, never repaired, and follow the one rule: dead-lettered, and
// answered when the record has a ce_id on the portal's topic.
func TestStrictIntakeRefusesAndDeadLetters(t *testing.T) {
	h := testkit.Start(t, testkit.Options{})
	voen := testkit.Insurer.VOEN
	s := h.Login(testkit.DirectorLogin(voen))

	payload := func(c testkit.Command) []byte {
		raw, err := json.Marshal(c.Payload)
		require.NoError(t, err)
		return raw
	}
	search := payload(testkit.RegistrySearch(s, func(r *contracts.RegistrySearch) { r.Filter.Surname = "MARKER" }))
	badSurname := bytes.Replace(search, []byte("MARKER"), []byte{0xFF, 0xFE, 0xC3}, 1)
	hugePage := bytes.Replace(search, []byte(`{`), []byte(`{"page":1e30,`), 1)
	withCT := func(id, typ, ct string) []contracts.Header {
		hs := ceHeaders(id, typ)[:4]
		if ct != "" {
			hs = append(hs, contracts.Header{Key: "content-type", Value: []byte(ct)})
		}
		return hs
	}
	structured := func(data string, extra string) []byte {
		return []byte(`{"specversion":"1.0","id":"s-1","source":"urn:test","type":"` + contracts.TypeRegistrySearch + `"` + extra + `,"data":` + data + `}`)
	}
	structuredCT := []contracts.Header{{Key: "content-type", Value: []byte(contracts.StructuredContentType)}}

	cases := []struct {
		name, id, topic string
		headers         []contracts.Header
		value           []byte
		code, detail    string
	}{
		{"invalid UTF-8 in a search field", "utf8-1", contracts.TopicPortalCommands,
			withCT("utf8-1", contracts.TypeRegistrySearch, "application/json"), badSurname, "INVALID_UTF8", "/filter/surname"},
		{"invalid UTF-8 in a back-office reason", "", contracts.TopicBackOfficeCommands,
			withCT("utf8-2", contracts.TypeDecision, "application/json"),
			[]byte(`{"applicationId":"a-1","insurerVoen":"` + voen + `","decision":"reject","reason":"S` + "\xff\xfe" + `","officer":"o-1"}`),
			"INVALID_UTF8", "/reason"},
		{"invalid UTF-8 in a structured event", "", contracts.TopicPortalCommands,
			structuredCT, structured(string(badSurname), ""), "INVALID_UTF8", ""},
		{"text/plain", "ct-1", contracts.TopicPortalCommands,
			withCT("ct-1", contracts.TypeRegistrySearch, "text/plain"), search, "UNSUPPORTED_CONTENT_TYPE", "text/plain"},
		{"no content type", "ct-2", contracts.TopicPortalCommands,
			withCT("ct-2", contracts.TypeRegistrySearch, ""), search, "UNSUPPORTED_CONTENT_TYPE", "no content-type"},
		{"a charset other than UTF-8", "ct-3", contracts.TopicPortalCommands,
			withCT("ct-3", contracts.TypeRegistrySearch, "application/json; charset=latin1"), search, "UNSUPPORTED_CONTENT_TYPE", ""},
		{"structured event whose data is not JSON", "", contracts.TopicPortalCommands,
			structuredCT, structured(string(search), `,"datacontenttype":"text/plain"`), "UNSUPPORTED_CONTENT_TYPE", ""},
		{"a number too large", "num-1", contracts.TopicPortalCommands,
			withCT("num-1", contracts.TypeRegistrySearch, "application/json"), hugePage, "SCHEMA_VIOLATION", "/page"},
	}
	for _, c := range cases {
		require.NoError(t, h.Client.ProduceRaw(c.topic, voen, c.headers, c.value))
	}
	// A valid command after them is still answered.
	h.MustOK(h.Request(testkit.ProfileGet(s)), contracts.TypeProfileResult, nil)

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dl, ok := h.Client.Wait(contracts.TopicDeadLetter, 10*time.Second, func(r testkit.Received) bool {
				return bytes.Equal(r.Raw, c.value) && recHeader(r, "ce_id") == headerID(c.headers)
			})
			require.True(t, ok, "dead-lettered")
			assert.Equal(t, c.code, recHeader(dl, handlers.HeaderDLQCode))
			assert.Contains(t, recHeader(dl, handlers.HeaderDLQReason), c.detail)
			assert.Equal(t, c.topic, recHeader(dl, handlers.HeaderDLQTopic))
			if c.id == "" || c.topic != contracts.TopicPortalCommands {
				return
			}
			e := h.WaitReply(c.id).Error()
			assert.Equal(t, c.code, e.Code)
			assert.Contains(t, e.Detail, c.detail)
			assert.NotEmpty(t, e.Message.AZ)
		})
	}
	// Nothing was answered as a normal search.
	for _, id := range []string{"utf8-1", "ct-1", "ct-2", "num-1"} {
		for _, r := range h.Replies(id) {
			assert.Equal(t, contracts.TypeError, r.Type(), id)
		}
	}
}

func headerID(hs []contracts.Header) string {
	for _, h := range hs {
		if h.Key == "ce_id" {
			return string(h.Value)
		}
	}
	return ""
}
