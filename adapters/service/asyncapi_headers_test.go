package service_test

import (
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// headerRules is what the AsyncAPI document says of a message's headers.
type headerRules struct {
	declared map[string]map[string]any // header -> its schema (merged)
	required map[string]bool
}

// asyncAPIHeaders reads the header schema of every message of the AsyncAPI
// document, by message name (the CloudEvents type, or "deadletter"),
// following allOf and local $refs.
func asyncAPIHeaders(t *testing.T) map[string]headerRules {
	t.Helper()
	raw, err := os.ReadFile("../../contracts/asyncapi.yaml")
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(raw, &doc))
	resolve := func(ref string) map[string]any {
		var cur any = doc
		for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			cur = cur.(map[string]any)[tok]
		}
		return cur.(map[string]any)
	}
	var walk func(schema map[string]any, r headerRules)
	walk = func(schema map[string]any, r headerRules) {
		if ref, ok := schema["$ref"].(string); ok {
			walk(resolve(ref), r)
		}
		for _, sub := range asSlice(schema["allOf"]) {
			walk(sub.(map[string]any), r)
		}
		for _, name := range asSlice(schema["required"]) {
			r.required[name.(string)] = true
		}
		props, _ := schema["properties"].(map[string]any)
		for name, p := range props {
			if r.declared[name] == nil {
				r.declared[name] = map[string]any{}
			}
			for k, v := range p.(map[string]any) {
				r.declared[name][k] = v
			}
		}
	}
	out := map[string]headerRules{}
	messages := doc["components"].(map[string]any)["messages"].(map[string]any)
	for _, m := range messages {
		m := m.(map[string]any)
		r := headerRules{declared: map[string]map[string]any{}, required: map[string]bool{}}
		if h, ok := m["headers"].(map[string]any); ok {
			walk(h, r)
		}
		out[m["name"].(string)] = r
	}
	return out
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// TestWrittenHeadersAreDocumented walks through the manual's flow, with a
// refused command and a dead letter, and compares every header the adapter
// wrote on every topic it writes with the AsyncAPI document: each is
// declared for its message, each required one is there, and each constant
// has its value.
func TestWrittenHeadersAreDocumented(t *testing.T) {
	rules := asyncAPIHeaders(t)
	h := testkit.Start(t, testkit.Options{})
	voen := testkit.Insurer.VOEN
	owner := h.Login(testkit.DirectorLogin(voen))
	h.MustOK(h.Request(testkit.GrantToDeputy(owner)), contracts.TypeGrantCreateResult, nil)
	deputy := h.Login(testkit.DeputyAsanLogin(voen))
	h.MustOK(h.Request(testkit.PersonLookup(deputy)), contracts.TypePersonLookupResult, nil)
	var sub contracts.SubmitResult
	h.MustOK(h.Request(testkit.SubmitNew(deputy)), contracts.TypeSubmitResult, &sub)
	app := sub.Application.ApplicationID
	assert.Equal(t, "APPLICATION_ALREADY_OPEN", h.Request(testkit.SubmitNew(deputy)).Code())
	decision := testkit.Decision(voen, app, contracts.DecisionTakeIntoProcessing)
	h.Send(decision)
	h.WaitNotice(app, 2)
	h.WaitDecisionAnswer(decision.ID)
	refused := testkit.Decision(voen, app, contracts.DecisionTakeIntoProcessing)
	h.Send(refused)
	h.WaitDecisionAnswer(refused.ID)
	h.WaitStatus(app, contracts.StatusInProcessing)
	h.MustOK(h.Request(testkit.NoticeGet(deputy, app)), contracts.TypeNoticeGetResult, nil)
	require.NoError(t, h.Client.ProduceRaw(contracts.TopicPortalCommands, voen, []contracts.Header{
		{Key: "ce_specversion", Value: []byte("1.0")}, {Key: "ce_id", Value: []byte("not-json-1")},
		{Key: "ce_source", Value: []byte(contracts.SourcePortal)}, {Key: "ce_type", Value: []byte(contracts.TypeLogin)},
		{Key: "content-type", Value: []byte("application/json")}}, []byte("not json")))
	h.WaitReply("not-json-1")
	h.MustOK(h.Request(testkit.Logout(deputy)), contracts.TypeLogoutResult, nil)
	_, ok := h.Client.Wait(contracts.TopicAudit, 15*time.Second, func(r testkit.Received) bool {
		return r.Envelope.Extension(contracts.ExtensionCorrelationID) != "" && strings.Contains(string(r.Raw), "logout")
	})
	require.True(t, ok, "the logout's audit record")

	written := map[string]int{}
	for _, topic := range []string{contracts.TopicReplies, contracts.TopicEvents, contracts.TopicNotices,
		contracts.TopicDeadLetter, contracts.TopicAudit, contracts.TopicApplicationStatus, contracts.TopicBackOfficeReplies} {
		records := h.Client.All(topic, nil)
		require.NotEmpty(t, records, topic)
		for _, rec := range records {
			name := rec.Envelope.Type
			if topic == contracts.TopicDeadLetter {
				name = "deadletter"
			}
			r, ok := rules[name]
			if !assert.True(t, ok, "%s: message %q is not in the AsyncAPI document", topic, name) {
				continue
			}
			have := map[string]string{}
			for _, hd := range rec.Headers {
				have[hd.Key] = string(hd.Value)
			}
			for key, value := range have {
				if topic == contracts.TopicDeadLetter && !strings.HasPrefix(key, "dlq_") {
					continue // the original record's headers, as received
				}
				schema, declared := r.declared[key]
				if !assert.True(t, declared, "%s writes header %s, which the document does not declare", name, key) {
					continue
				}
				if c, ok := schema["const"]; ok {
					assert.Equal(t, c, value, "%s: header %s", name, key)
				}
				written[name+" "+key]++
			}
			for key := range r.required {
				assert.Contains(t, have, key, "%s: required header %s is missing", name, key)
			}
		}
	}
	// The notice extensions were among what was checked.
	var keys []string
	for k := range written {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	assert.Contains(t, keys, contracts.TypeNotice+" ce_applicationid")
	assert.Contains(t, keys, contracts.TypeNotice+" ce_noticeversion")
	assert.Contains(t, keys, contracts.TypeApplicationSubmitted+" ce_subject")
	assert.Contains(t, keys, contracts.TypeApplicationStatus+" ce_subject")
	assert.Contains(t, keys, contracts.TypeDecisionResult+" ce_correlationid")
}
