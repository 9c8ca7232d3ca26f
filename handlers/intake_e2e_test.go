package handlers_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/handlers"
	"github.com/dsmf/ssc-adapter/testkit"
)

func ceHeaders(id, typ string) []contracts.Header {
	return []contracts.Header{
		{Key: "ce_specversion", Value: []byte("1.0")}, {Key: "ce_id", Value: []byte(id)},
		{Key: "ce_source", Value: []byte("urn:test")}, {Key: "ce_type", Value: []byte(typ)},
		{Key: "content-type", Value: []byte("application/json")},
	}
}

func header(r testkit.Received, key string) string {
	for _, h := range r.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

// Malformed input on the command topic is answered with a code when it can
// be correlated, lands on the dead-letter topic with the reason, and the
// consumer goes on with the next message.
func TestMalformedInputIsDeadLetteredAndAnswered(t *testing.T) {
	t.Parallel()
	h := testkit.Start(t, testkit.Options{})
	voen := testkit.Insurer.VOEN
	cases := []struct {
		name    string
		id      string
		headers []contracts.Header
		value   string
		code    string
	}{
		{"not JSON", "bad-json", ceHeaders("bad-json", contracts.TypeLogin), "not json", "MALFORMED_MESSAGE"},
		{"no envelope", "", nil, `{"insurerVoen":"9802091761"}`, "MALFORMED_MESSAGE"},
		{"wrong specversion", "bad-spec", append(ceHeaders("bad-spec", contracts.TypeLogin)[1:],
			contracts.Header{Key: "ce_specversion", Value: []byte("0.3")}), `{"case":"spec"}`, "MALFORMED_MESSAGE"},
		{"unknown type", "bad-type", ceHeaders("bad-type", "az.gov.dsmf.ssc.nonsense.v1"), `{"case":"type"}`, "UNKNOWN_MESSAGE_TYPE"},
		{"decision on the portal topic", "bad-topic", ceHeaders("bad-topic", contracts.TypeDecision),
			`{"applicationId":"x","insurerVoen":"9802091761","decision":"reject","reason":"r","officer":"o"}`, "UNKNOWN_MESSAGE_TYPE"},
		{"schema violation", "bad-schema", ceHeaders("bad-schema", contracts.TypeProfileGet),
			`{"sessionId":"s","insurerVoen":"9802091761","extra":1}`, "SCHEMA_VIOLATION"},
	}
	for _, c := range cases {
		require.NoError(t, h.Client.ProduceRaw(contracts.TopicPortalCommands, voen, c.headers, []byte(c.value)))
	}
	// A valid command after the poison is still handled.
	session := h.Login(testkit.DirectorLogin(voen))
	assert.NotEmpty(t, session.ID)

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dl, ok := h.Client.Wait(contracts.TopicDeadLetter, 10*time.Second, func(r testkit.Received) bool {
				return string(r.Raw) == c.value
			})
			require.True(t, ok, "dead letter for %s", c.name)
			assert.Equal(t, c.code, header(dl, handlers.HeaderDLQCode))
			assert.NotEmpty(t, header(dl, handlers.HeaderDLQReason))
			assert.Equal(t, contracts.TopicPortalCommands, header(dl, handlers.HeaderDLQTopic))
			_, err := strconv.Atoi(header(dl, handlers.HeaderDLQPartition))
			assert.NoError(t, err)
			_, err = strconv.ParseInt(header(dl, handlers.HeaderDLQOffset), 10, 64)
			assert.NoError(t, err)
			assert.Equal(t, voen, dl.Key, "the dead letter keeps the original key")
			if c.id == "" {
				return
			}
			r := h.WaitReply(c.id)
			assert.Equal(t, contracts.TypeError, r.Type())
			e := r.Error()
			assert.Equal(t, c.code, e.Code)
			assert.Equal(t, c.id, e.CommandID)
			assert.NotEmpty(t, e.Message.AZ)
			assert.NotEmpty(t, e.Message.EN)
		})
	}
}

// A command in structured content mode is accepted, as the binding asks.
func TestStructuredContentModeIsAccepted(t *testing.T) {
	t.Parallel()
	h := testkit.Start(t, testkit.Options{})
	cmd := h.Sign(testkit.DirectorLogin(testkit.Insurer.VOEN))
	env, err := cmd.Envelope(contracts.SourcePortal, time.Now())
	require.NoError(t, err)
	value, err := env.StructuredJSON()
	require.NoError(t, err)
	require.NoError(t, h.Client.ProduceRaw(contracts.TopicPortalCommands, cmd.Key,
		[]contracts.Header{{Key: "content-type", Value: []byte("application/cloudevents+json; charset=utf-8")}}, value))
	h.MustOK(h.WaitReply(cmd.ID), contracts.TypeLoginResult, nil)
}

// A command keyed by another VÖEN than the one it names is refused.
func TestKeyMustBeTheInsurersVOEN(t *testing.T) {
	t.Parallel()
	h := testkit.Start(t, testkit.Options{})
	cmd := testkit.DirectorLogin(testkit.Insurer.VOEN)
	cmd.Key = testkit.OtherInsurer.VOEN
	assert.Equal(t, "KEY_MISMATCH", h.Request(cmd).Code())
}

// A mistyped field the user entered gets that field's own code, not a
// generic schema violation, and is not treated as poison.
func TestMistypedFieldsGetTheirOwnCode(t *testing.T) {
	t.Parallel()
	h := testkit.Start(t, testkit.Options{})
	s := h.Login(testkit.DirectorLogin(testkit.Insurer.VOEN))
	cases := map[string]testkit.Command{
		"INVALID_FIN":    testkit.PersonLookup(s, func(c *contracts.PersonLookup) { c.FIN = "5zk8t3" }),
		"INVALID_SSN":    testkit.PersonLookup(s, func(c *contracts.PersonLookup) { c.SSN = "12345" }),
		"INVALID_PHONE":  testkit.GrantToDeputy(s, func(g *contracts.GrantCreate) { g.Grantee.Phone = "+994121234567" }),
		"INVALID_DATE":   testkit.GrantToDeputy(s, testkit.Limited("2026-02-30", "2027-01-01")),
		"INVALID_REASON": testkit.DraftSave(s, func(d *contracts.DraftSave) { d.Reason = "stolen" }),
	}
	for code, cmd := range cases {
		r := h.Request(cmd)
		assert.Equal(t, code, r.Code(), code)
		assert.NotEmpty(t, r.Error().Detail, "the detail names the field")
	}
	assert.Empty(t, h.Client.All(contracts.TopicDeadLetter, nil), "no dead letters for user input")
}
