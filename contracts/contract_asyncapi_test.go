package contracts_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

const asyncAPIFile = "asyncapi.yaml"

var updateAsyncAPI = flag.Bool("update-asyncapi", false, "rewrite the error-code table of asyncapi.yaml from domain.Codes()")

func loadAsyncAPI(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(asyncAPIFile)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(raw, &doc))
	return doc
}

// collectRefs returns every $ref value in the document.
func collectRefs(v any, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "$ref" {
				*out = append(*out, s)
			}
			collectRefs(e, out)
		}
	case []any:
		for _, e := range x {
			collectRefs(e, out)
		}
	}
}

// lookup follows a local $ref ("#/a/b") in the document.
func lookup(t *testing.T, doc map[string]any, ref string) any {
	t.Helper()
	require.True(t, strings.HasPrefix(ref, "#/"), ref)
	var cur any = doc
	for _, tok := range strings.Split(ref[2:], "/") {
		m, ok := cur.(map[string]any)
		require.True(t, ok, "$ref %s does not resolve", ref)
		cur, ok = m[strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)]
		require.True(t, ok, "$ref %s does not resolve", ref)
	}
	return cur
}

func TestAsyncAPI(t *testing.T) {
	t.Parallel()
	doc := loadAsyncAPI(t)
	assert.Equal(t, "3.0.0", doc["asyncapi"])

	// Every $ref resolves; the schema files referenced are exactly the
	// message schemas.
	var refs []string
	collectRefs(doc, &refs)
	referenced := map[string]bool{}
	for _, ref := range refs {
		if strings.HasPrefix(ref, "#/") {
			lookup(t, doc, ref)
			continue
		}
		require.True(t, strings.HasPrefix(ref, "./schemas/"), "unexpected $ref %s", ref)
		_, err := os.Stat(ref)
		require.NoError(t, err, "$ref %s", ref)
		referenced[strings.TrimPrefix(ref, "./schemas/")] = true
	}
	for _, typ := range contracts.SchemaTypes() {
		assert.True(t, referenced[contractName(typ)+".schema.json"], "asyncapi.yaml does not reference the schema of %s", typ)
	}

	// One channel per topic, with the topic's settings.
	channels := doc["channels"].(map[string]any)
	specs := map[string]contracts.TopicSpec{}
	for _, s := range contracts.Topics(contracts.DefaultPartitions) {
		specs[s.Name] = s
	}
	seen := map[string]bool{}
	for id, ch := range channels {
		ch := ch.(map[string]any)
		addr, _ := ch["address"].(string)
		spec, ok := specs[addr]
		if !assert.True(t, ok, "channel %s: address %q is no topic of contracts.Topics", id, addr) {
			continue
		}
		seen[addr] = true
		kafka := ch["bindings"].(map[string]any)["kafka"].(map[string]any)
		assert.Equal(t, addr, kafka["topic"], id)
		assert.EqualValues(t, spec.Partitions, kafka["partitions"], id)
		cfg := kafka["topicConfiguration"].(map[string]any)
		assert.Equal(t, []any{spec.CleanupPolicy}, cfg["cleanup.policy"], id)
		assert.EqualValues(t, spec.RetentionMs, cfg["retention.ms"], id)
		assert.Contains(t, ch["description"], "Key: "+spec.Key, "channel %s describes its key", id)
	}
	for name := range specs {
		assert.True(t, seen[name], "topic %s has no channel", name)
	}

	// One message per CloudEvents type, its payload the type's schema.
	byName := map[string]map[string]any{}
	for id, m := range doc["components"].(map[string]any)["messages"].(map[string]any) {
		m := m.(map[string]any)
		name, _ := m["name"].(string)
		byName[name] = m
		if _, ok := contracts.SchemaFor(name); ok {
			payload := m["payload"].(map[string]any)
			assert.Equal(t, "./schemas/"+contractName(name)+".schema.json", payload["$ref"], id)
			assert.NotNil(t, m["headers"], "%s: headers", id)
			assert.NotNil(t, m["bindings"], "%s: key binding", id)
		}
	}
	for typ := range declaredTypes(t) {
		assert.Contains(t, byName, typ, "asyncapi.yaml has no message named %s", typ)
	}
	if notice, ok := byName[contracts.TypeNotice]; ok {
		assert.Equal(t, contracts.PDFContentType, notice["contentType"])
	}

	// Every portal command is received with its result and the error reply.
	ops := doc["operations"].(map[string]any)
	for cmd, result := range contracts.ResultTypeOf {
		op, ok := ops["receive."+contractName(cmd)].(map[string]any)
		if !assert.True(t, ok, "no operation receives %s", cmd) {
			continue
		}
		assert.Equal(t, "receive", op["action"])
		var replyRefs []string
		collectRefs(op["reply"], &replyRefs)
		assert.Contains(t, replyRefs, "#/channels/replies/messages/"+contractName(result))
		assert.Contains(t, replyRefs, "#/channels/replies/messages/"+contractName(contracts.TypeError))
	}
}

const (
	codesBegin = "<!-- error-codes:begin -->"
	codesEnd   = "<!-- error-codes:end -->"
)

// errorCodeTable renders domain.Codes() as the Markdown table of the
// AsyncAPI description.
func errorCodeTable() []string {
	cell := strings.NewReplacer("|", `\|`, "\n", " ").Replace
	lines := []string{"| code | az | en |", "|---|---|---|"}
	for _, e := range domain.Codes() {
		lines = append(lines, fmt.Sprintf("| `%s` | %s | %s |", e.Code, cell(e.AZ), cell(e.EN)))
	}
	return lines
}

// TestAsyncAPIErrorCodes keeps the error-code table equal to domain.Codes();
// with -update-asyncapi it rewrites the table instead of failing.
func TestAsyncAPIErrorCodes(t *testing.T) {
	raw, err := os.ReadFile(asyncAPIFile)
	require.NoError(t, err)
	lines := strings.Split(string(raw), "\n")
	begin := slices.IndexFunc(lines, func(l string) bool { return strings.TrimSpace(l) == codesBegin })
	end := slices.IndexFunc(lines, func(l string) bool { return strings.TrimSpace(l) == codesEnd })
	require.True(t, begin >= 0 && end > begin, "asyncapi.yaml lacks the %s ... %s markers", codesBegin, codesEnd)
	indent := lines[begin][:len(lines[begin])-len(strings.TrimLeft(lines[begin], " "))]
	want := errorCodeTable()
	for i := range want {
		want[i] = indent + want[i]
	}
	if *updateAsyncAPI {
		out := slices.Concat(lines[:begin+1], want, lines[end:])
		require.NoError(t, os.WriteFile(asyncAPIFile, []byte(strings.Join(out, "\n")), 0o644))
		return
	}
	require.Equal(t, want, lines[begin+1:end], "error codes drifted from domain.Codes(): run go test ./contracts/ -run TestAsyncAPIErrorCodes -update-asyncapi")

	// And the parsed description really lists every code with both texts.
	desc := loadAsyncAPI(t)["info"].(map[string]any)["description"].(string)
	var missing []string
	for _, e := range domain.Codes() {
		if !strings.Contains(desc, "`"+e.Code+"`") || !strings.Contains(desc, e.EN) || !strings.Contains(desc, e.AZ) {
			missing = append(missing, e.Code)
		}
	}
	assert.Empty(t, missing, "codes not listed with both texts in info.description")
	// Codes must fit the errorCode pattern the schemas use.
	for _, e := range domain.Codes() {
		data, _ := json.Marshal(contracts.ErrorReply{CommandID: "c", Code: e.Code, Message: contracts.Message{AZ: e.AZ, EN: e.EN}})
		assert.NoError(t, contracts.ValidatePayload(contracts.TypeError, data), e.Code)
	}
}
