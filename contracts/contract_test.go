package contracts_test

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
)

// The contract has four descriptions of the same messages: the Go types, the
// JSON Schemas, the examples and the AsyncAPI document. These tests fail as
// soon as one of them drifts from the others.

const (
	ceTypePrefix = "az.gov.dsmf."
	examplesDir  = "examples"
	schemasDir   = "schemas"
)

// contractName is the rule that names schema files and example folders.
func contractName(ceType string) string { return strings.TrimPrefix(ceType, ceTypePrefix) }

// declaredTypes reads every CloudEvents type constant of types.go, so a new
// constant without a schema, a Go type or examples fails the test below.
func declaredTypes(t *testing.T) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "types.go", nil, 0)
	require.NoError(t, err)
	out := map[string]string{} // value -> constant name
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				v, err := strconv.Unquote(lit.Value)
				require.NoError(t, err)
				if name.Name != "TypePrefix" && strings.HasPrefix(v, ceTypePrefix) {
					out[v] = name.Name
				}
			}
		}
	}
	require.Greater(t, len(out), 30, "types.go parsed badly")
	return out
}

type example struct {
	ceType, file string
	valid        bool
	data         []byte
}

func loadExamples(t *testing.T) []example {
	t.Helper()
	dirs, err := os.ReadDir(examplesDir)
	require.NoError(t, err)
	var out []example
	for _, d := range dirs {
		require.True(t, d.IsDir(), "%s: examples live in one folder per type", d.Name())
		files, err := os.ReadDir(filepath.Join(examplesDir, d.Name()))
		require.NoError(t, err)
		for _, f := range files {
			name := f.Name()
			valid := strings.HasPrefix(name, "valid-")
			require.True(t, valid || strings.HasPrefix(name, "invalid-"), "%s/%s: name must start with valid- or invalid-", d.Name(), name)
			require.True(t, strings.HasSuffix(name, ".json"), "%s/%s", d.Name(), name)
			data, err := os.ReadFile(filepath.Join(examplesDir, d.Name(), name))
			require.NoError(t, err)
			out = append(out, example{ceTypePrefix + d.Name(), d.Name() + "/" + name, valid, data})
		}
	}
	return out
}

func TestEveryTypeHasSchemaGoTypeAndExamples(t *testing.T) {
	t.Parallel()
	declared := declaredTypes(t)
	fixtures := map[string]bool{}
	for _, fx := range goFixtures() {
		assert.False(t, fixtures[fx.ceType], "%s: two Go fixtures", fx.ceType)
		fixtures[fx.ceType] = true
	}
	valid, invalid := map[string]int{}, map[string]int{}
	for _, ex := range loadExamples(t) {
		if ex.valid {
			valid[ex.ceType]++
		} else {
			invalid[ex.ceType]++
		}
	}
	for typ, constName := range declared {
		if typ == contracts.TypeNotice {
			_, ok := contracts.SchemaFor(typ)
			assert.False(t, ok, "TypeNotice carries a PDF, not JSON: it must have no schema")
			continue
		}
		_, ok := contracts.SchemaFor(typ)
		assert.True(t, ok, "%s (%s) has no schema file %s.schema.json", constName, typ, contractName(typ))
		assert.True(t, fixtures[typ], "%s (%s) has no Go type in goFixtures", constName, typ)
		assert.Positive(t, valid[typ], "%s has no valid example in examples/%s", constName, contractName(typ))
		assert.Positive(t, invalid[typ], "%s has no invalid example in examples/%s", constName, contractName(typ))
	}
	for _, typ := range contracts.SchemaTypes() {
		assert.Contains(t, declared, typ, "schema of %s names no type constant", typ)
	}
	for typ := range fixtures {
		assert.Contains(t, declared, typ, "Go fixture of %s names no type constant", typ)
	}
	for typ := range valid {
		assert.Contains(t, declared, typ, "examples/%s names no type constant", contractName(typ))
	}
	for typ := range invalid {
		assert.Contains(t, declared, typ, "examples/%s names no type constant", contractName(typ))
	}
}

// TestExamples checks each example against the name of its file: valid ones
// pass, invalid ones break exactly one rule and the error does not echo the
// offending value.
func TestExamples(t *testing.T) {
	t.Parallel()
	for _, ex := range loadExamples(t) {
		t.Run(ex.file, func(t *testing.T) {
			err := contracts.ValidatePayload(ex.ceType, ex.data)
			if ex.valid {
				require.NoError(t, err)
				assertGoRoundTrip(t, ex.ceType, ex.data)
				return
			}
			require.ErrorIs(t, err, contracts.ErrSchemaViolation)
			var se *contracts.SchemaError
			require.ErrorAs(t, err, &se)
			// One rule may be written twice (a pattern beside the format or
			// content keyword it spells out for standard validators), so it
			// is one field that is wrong, whichever keywords say so.
			require.NotEmpty(t, se.Violations)
			for _, v := range se.Violations {
				require.Equal(t, se.Violations[0].Pointer, v.Pointer, "an invalid example breaks exactly one rule: %v", err)
			}
			if v, ok := valueAt(t, ex.data, se.Violations[0].Pointer).(string); ok && len(v) >= 3 {
				assert.NotContains(t, err.Error(), v, "the error echoes the offending value")
			}
		})
	}
}

// assertGoRoundTrip decodes a valid example into its Go type (refusing
// unknown fields) and checks that what Go writes back is still valid.
func assertGoRoundTrip(t *testing.T, ceType string, data []byte) {
	t.Helper()
	goType, ok := fixtureTypes()[ceType]
	require.True(t, ok, "no Go type for %s", ceType)
	ptr := reflect.New(goType)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(ptr.Interface()), "the Go type cannot hold a valid example")
	out, err := json.Marshal(ptr.Interface())
	require.NoError(t, err)
	require.NoError(t, contracts.ValidatePayload(ceType, out), "Go writes back an invalid document: %s", out)
}

func fixtureTypes() map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for _, fx := range goFixtures() {
		m[fx.ceType] = reflect.TypeOf(fx.value)
	}
	return m
}

func valueAt(t *testing.T, data []byte, pointer string) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(data, &v))
	if pointer == "" {
		return v
	}
	for _, tok := range strings.Split(pointer[1:], "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch x := v.(type) {
		case map[string]any:
			v = x[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			require.NoError(t, err)
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// TestGoValuesMatchSchemas marshals a fully populated value of every Go type
// and validates it against the schema of its CloudEvents type.
func TestGoValuesMatchSchemas(t *testing.T) {
	t.Parallel()
	for _, fx := range goFixtures() {
		t.Run(contractName(fx.ceType), func(t *testing.T) {
			assertPopulated(t, reflect.ValueOf(fx.value), "", fx.zeroOK)
			data, err := json.Marshal(fx.value)
			require.NoError(t, err)
			require.NoError(t, contracts.ValidatePayload(fx.ceType, data), "%s", data)
		})
	}
}

func assertPopulated(t *testing.T, v reflect.Value, path string, zeroOK []string) {
	t.Helper()
	if slices.Contains(zeroOK, path) {
		return
	}
	if v.IsZero() {
		t.Errorf("fixture field %q is empty: fill it, or list it in zeroOK with the rule that keeps it empty", path)
		return
	}
	join := func(name string) string {
		if path == "" {
			return name
		}
		return path + "." + name
	}
	switch v.Kind() {
	case reflect.Pointer:
		assertPopulated(t, v.Elem(), path, zeroOK)
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.Uint8 {
			for i := 0; i < v.Len(); i++ {
				assertPopulated(t, v.Index(i), path, zeroOK)
			}
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				assertPopulated(t, v.Field(i), join(v.Type().Field(i).Name), zeroOK)
			}
		}
	}
}

// schemaSet holds the schema files for the structural comparison below.
type schemaSet map[string]map[string]any

func loadSchemaSet(t *testing.T) schemaSet {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(schemasDir, "*.json"))
	require.NoError(t, err)
	set := schemaSet{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(raw, &doc), f)
		set[filepath.Base(f)] = doc
	}
	return set
}

// resolve follows $ref (relative file + JSON pointer into $defs) until it
// reaches a schema that defines its own shape.
func (s schemaSet) resolve(t *testing.T, file string, sch map[string]any) (string, map[string]any) {
	t.Helper()
	for {
		ref, ok := sch["$ref"].(string)
		if !ok {
			return file, sch
		}
		target, ptr, _ := strings.Cut(ref, "#")
		if target != "" {
			file = target
		}
		doc, ok := s[file]
		require.True(t, ok, "$ref %s: no file %s", ref, file)
		var cur any = doc
		for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
			if tok == "" {
				continue
			}
			m, ok := cur.(map[string]any)
			require.True(t, ok, "$ref %s does not resolve", ref)
			cur, ok = m[tok]
			require.True(t, ok, "$ref %s does not resolve", ref)
		}
		sch = cur.(map[string]any)
	}
}

type jsonField struct {
	name      string
	omitempty bool
	typ       reflect.Type
}

// jsonFields lists the JSON properties encoding/json writes for a struct,
// flattening embedded structs as it does.
func jsonFields(typ reflect.Type) []jsonField {
	var out []jsonField
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" && opts == "" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name, slices.Contains(strings.Split(opts, ","), "omitempty"), f.Type})
	}
	return out
}

// TestSchemaShapesMatchGoTypes compares every schema with its Go type: the
// same property names, required exactly where the Go field has no omitempty,
// no other properties, and JSON types that Go produces.
func TestSchemaShapesMatchGoTypes(t *testing.T) {
	t.Parallel()
	set := loadSchemaSet(t)
	for typ, goType := range fixtureTypes() {
		file := contractName(typ) + ".schema.json"
		require.Contains(t, set, file)
		t.Run(contractName(typ), func(t *testing.T) {
			compareShape(t, set, goType.Name(), goType, file, set[file])
		})
	}
}

func compareShape(t *testing.T, set schemaSet, path string, goType reflect.Type, file string, sch map[string]any) {
	t.Helper()
	file, sch = set.resolve(t, file, sch)
	switch {
	case goType == reflect.TypeFor[time.Time]():
		assert.Equal(t, "string", sch["type"], path)
		assert.Equal(t, "date-time", sch["format"], "%s: time.Time is an RFC 3339 instant", path)
		return
	case goType.Kind() == reflect.Slice && goType.Elem().Kind() == reflect.Uint8:
		assert.Equal(t, "string", sch["type"], path)
		assert.Equal(t, "base64", sch["contentEncoding"], "%s: []byte is base64 in JSON", path)
		return
	}
	switch goType.Kind() {
	case reflect.Pointer:
		compareShape(t, set, path, goType.Elem(), file, sch)
	case reflect.Struct:
		assert.Equal(t, "object", sch["type"], path)
		assert.Equal(t, false, sch["additionalProperties"], "%s: unknown properties must be refused", path)
		props, _ := sch["properties"].(map[string]any)
		var goNames, required []string
		for _, f := range jsonFields(goType) {
			goNames = append(goNames, f.name)
			if !f.omitempty {
				required = append(required, f.name)
			}
			ps, ok := props[f.name].(map[string]any)
			if !assert.True(t, ok, "%s: schema lacks property %q", path, f.name) {
				continue
			}
			compareShape(t, set, path+"."+f.name, f.typ, file, ps)
		}
		var schemaNames []string
		for name := range props {
			schemaNames = append(schemaNames, name)
		}
		var schemaRequired []string
		for _, r := range asSlice(sch["required"]) {
			schemaRequired = append(schemaRequired, r.(string))
		}
		assert.ElementsMatch(t, goNames, schemaNames, "%s: property names", path)
		assert.ElementsMatch(t, required, schemaRequired, "%s: required = the fields without omitempty", path)
	case reflect.Slice:
		// Go writes a nil slice as null; the contract asks producers for [].
		assert.Equal(t, "array", sch["type"], path)
		items, ok := sch["items"].(map[string]any)
		if assert.True(t, ok, "%s: array without items", path) {
			compareShape(t, set, path+"[]", goType.Elem(), file, items)
		}
	case reflect.String:
		assertStringSchema(t, set, path, file, sch)
	case reflect.Int, reflect.Int64, reflect.Int32:
		assert.Equal(t, "integer", sch["type"], path)
	case reflect.Bool:
		assert.Equal(t, "boolean", sch["type"], path)
	default:
		t.Errorf("%s: Go kind %s has no rule here", path, goType.Kind())
	}
}

func assertStringSchema(t *testing.T, set schemaSet, path, file string, sch map[string]any) {
	t.Helper()
	if alts := asSlice(sch["anyOf"]); len(alts) > 0 {
		for _, a := range alts {
			f, alt := set.resolve(t, file, a.(map[string]any))
			assertStringSchema(t, set, path, f, alt)
		}
		return
	}
	if c, ok := sch["const"]; ok && sch["type"] == nil {
		assert.IsType(t, "", c, path)
		return
	}
	assert.Equal(t, "string", sch["type"], path)
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

// TestSchemaFiles checks the files' headers and the naming rule.
func TestSchemaFiles(t *testing.T) {
	t.Parallel()
	set := loadSchemaSet(t)
	for file, doc := range set {
		assert.Equal(t, "https://json-schema.org/draft/2020-12/schema", doc["$schema"], file)
		assert.Equal(t, contracts.SchemaBaseURL+file, doc["$id"], file)
		if file == "common.schema.json" {
			continue
		}
		typ := ceTypePrefix + strings.TrimSuffix(file, ".schema.json")
		raw, ok := contracts.SchemaFor(typ)
		require.True(t, ok, file)
		onDisk, err := os.ReadFile(filepath.Join(schemasDir, file))
		require.NoError(t, err)
		assert.Equal(t, onDisk, raw, file)
		id, ok := contracts.SchemaID(typ)
		assert.True(t, ok)
		assert.Equal(t, doc["$id"], id)
		assert.Contains(t, doc["description"], typ, "%s: the description names its CloudEvents type", file)
	}
	assert.Len(t, contracts.SchemaTypes(), len(set)-1)
	assert.True(t, sort.StringsAreSorted(contracts.SchemaTypes()))
	assert.NoError(t, contracts.CompileSchemas())

	// SchemaFor hands out a copy: scribbling on it changes nothing.
	raw, _ := contracts.SchemaFor(contracts.TypeLogin)
	raw[0] = 'X'
	again, _ := contracts.SchemaFor(contracts.TypeLogin)
	assert.Equal(t, byte('{'), again[0])
}

func TestValidatePayloadErrors(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{contracts.TypeNotice, "az.gov.dsmf.ssc.nope.v1", "", "line\nbreak"} {
		err := contracts.ValidatePayload(typ, []byte(`{}`))
		require.ErrorIs(t, err, contracts.ErrUnknownType, typ)
		assert.NotContains(t, err.Error(), "\n")
		_, ok := contracts.SchemaFor(typ)
		assert.False(t, ok)
		_, ok = contracts.SchemaID(typ)
		assert.False(t, ok)
	}
	for _, data := range []string{``, `{`, `{"sessionId":"5ZK8T3B"} {}`, `{"a":1}x`, "\xff"} {
		err := contracts.ValidatePayload(contracts.TypeLogout, []byte(data))
		require.ErrorIs(t, err, contracts.ErrSchemaViolation, "%q", data)
		require.ErrorIs(t, err, contracts.ErrNotJSON, "%q", data)
		assert.NotContains(t, err.Error(), "5ZK8T3B")
	}
	// Not an object, and several broken rules at once: reported by pointer
	// and keyword, sorted, without values.
	err := contracts.ValidatePayload(contracts.TypeLogout, []byte(`[]`))
	require.ErrorIs(t, err, contracts.ErrSchemaViolation)
	assert.Contains(t, err.Error(), "(root): type")

	err = contracts.ValidatePayload(contracts.TypePersonLookup,
		[]byte(`{"sessionId":"s","insurerVoen":"98020917","documentType":"passport","fin":"5zk8t3b","ssn":"0419850012345","x":"SECRET"}`))
	var se *contracts.SchemaError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, contracts.TypePersonLookup, se.Type)
	assert.Equal(t, []contracts.Violation{
		{Pointer: "", Keyword: "additionalProperties"},
		{Pointer: "/documentType", Keyword: "enum"},
		{Pointer: "/fin", Keyword: "pattern"},
		{Pointer: "/insurerVoen", Keyword: "pattern"},
	}, se.Violations)
	for _, secret := range []string{"98020917", "passport", "5zk8t3b", "SECRET", `"x"`} {
		assert.NotContains(t, err.Error(), secret)
	}

	err = contracts.ValidatePayload(contracts.TypeGrantCreate, []byte(`{"sessionId":"s","insurerVoen":"9802091761",
		"service":"ssc-certificate","grantee":{"method":"esign-card","fin":"5ZK8T3B"},"validity":{"kind":"limited"}}`))
	require.ErrorAs(t, err, &se)
	assert.Equal(t, []contracts.Violation{
		{Pointer: "/grantee", Keyword: "required", Missing: []string{"cardNumber"}},
		{Pointer: "/validity", Keyword: "required", Missing: []string{"end", "start"}},
	}, se.Violations)
	assert.Contains(t, err.Error(), "/validity: required end,start")
}

// TestValidatePayloadDuplicateNames: a repeated member name is refused even
// when the last value is valid, because Go (and other readers) may act on
// another one than the validator saw.
func TestValidatePayloadDuplicateNames(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		``:                   `{"sessionId":"s","insurerVoen":"9802091761","sessionId":"t"}`,
		`/filter`:            `{"sessionId":"s","insurerVoen":"9802091761","filter":{"fin":"bad","fin":"5ZK8T3B"}}`,
		`/filter/a~1b`:       `{"sessionId":"s","insurerVoen":"9802091761","filter":{"a/b":{"x":1,"x":2}}}`,
		`/x/1`:               `{"x":[{"a":1},{"a":1,"a":2}]}`,
		`/insurerVoen/0/k~0`: `{"insurerVoen":[{"k~":{"\u0061":1,"a":2}}]}`,
	}
	for want, data := range cases {
		err := contracts.ValidatePayload(contracts.TypeRegistrySearch, []byte(data))
		var se *contracts.SchemaError
		require.ErrorAs(t, err, &se, data)
		assert.Equal(t, []contracts.Violation{{Pointer: want, Keyword: "duplicateName"}}, se.Violations, data)
	}
	require.NoError(t, contracts.ValidatePayload(contracts.TypeRegistrySearch,
		[]byte(`{"sessionId":"s","insurerVoen":"9802091761","filter":{"fin":"5ZK8T3B"},"page":1}`)))
}

// TestValidatePayloadConcurrent is meant for -race: the compiled schemas are
// shared by every goroutine.
func TestValidatePayloadConcurrent(t *testing.T) {
	t.Parallel()
	fixtures := goFixtures()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				fx := fixtures[(g+i)%len(fixtures)]
				data, _ := json.Marshal(fx.value)
				if err := contracts.ValidatePayload(fx.ceType, data); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkValidatePayload(b *testing.B) {
	var fx goFixture
	for _, f := range goFixtures() {
		if f.ceType == contracts.TypeApplicationGetResult {
			fx = f
		}
	}
	data, _ := json.Marshal(fx.value)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := contracts.ValidatePayload(fx.ceType, data); err != nil {
			b.Fatal(err)
		}
	}
}
