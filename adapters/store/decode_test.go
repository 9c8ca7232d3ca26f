package store

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dsmf/ssc-adapter/contracts"
)

// The fast paths must read every record exactly as DecodeEnvelope and
// encoding/json do, or leave it to them.

func TestFlatDecodeMatchesEncodingJSON(t *testing.T) {
	doc := `{"fin":"5ZK8T3B","documentType":"din-id-card","documentNumber":"AA1234567","surname":"ƏLİYEVA","name":"ŞƏHLA",` +
		`"patronymic":"VÜQAR QIZI","gender":"female","citizenship":"Azərbaycan","birthPlace":"Bakı şəhəri","birthDate":"1985-03-14",` +
		`"issuingAuthority":"ASAN xidmət №1","issueDate":"2019-05-20","validUntil":"2029-05-20","updatedAt":"2026-03-02T09:00:00Z"}`
	inputs := []string{
		doc,
		" \n\t" + doc + "\r\n ",
		`{}`, ` { } `, `{"fin":"A"}`,
		`{"fin":"A","fin":"B"}`,               // the last wins
		`{"FIN":"A"}`,                         // a case-insensitive match
		`{"fin":"A\u0042"}`, `{"fin":"A\"B"}`, // escapes
		`{"fin":"A\\u00e7"}`,                         // an escaped escape
		`{"fin":null}`, `{"fin":7}`, `{"fin":["A"]}`, // not strings
		`{"fin":"A","extra":{"x":1}}`,                 // an unknown field
		`{"fin":"A",}`, `{"fin":"A"`, `{"fin":"A"} x`, // not JSON
		`{"fin":"A"}{}`, `["fin"]`, `"fin"`, ``, `{`, `{"fin"}`,
		"{\"fin\":\"A\x01\"}",                  // a control character
		"{\"fin\":\"A\xff\"}",                  // not UTF-8
		`{"fin":"A","updatedAt":"2026-03-02"}`, // not RFC 3339
		`{"fin":"A","updatedAt":"2026-03-02T09:00:00+04:00"}`,
		`{"fin":"A","updatedAt":"2026-03-02T09:00:00.123456789Z"}`,
		`{"fin":"A","updatedAt":"2026-13-02T09:00:00Z"}`,
		`{"fin":"A","updatedAt":null}`,
		`{"updatedAt":"2026-03-02T09:00:00Z","validUntil":"2029-05-20","fin":"A","surname":"B","fin":"C"}`, // out of order
	}
	// Every field of each type, as the contract's tags name it.
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, v := range []any{
		contracts.Insurer{VOEN: "1", AccountNumber: "2", FullName: "3", Type: "4", ResponsiblePerson: "5", OfficeCode: "6",
			OfficeName: "7", UpdatedAt: at},
		contracts.InsuredPerson{SSN: "1", FIN: "2", SSNDate: "3", CertificateStatus: "4", InsurerVOEN: "5", UpdatedAt: at},
		contracts.IdentityDocument{FIN: "1", DocumentType: "2", DocumentNumber: "3", Surname: "4", Name: "5", Patronymic: "6",
			Gender: "7", Citizenship: "8", BirthPlace: "9", BirthDate: "10", IssuingAuthority: "11", IssueDate: "12",
			ValidUntil: "13", UpdatedAt: at},
	} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, string(b))
	}
	for _, s := range inputs {
		for _, data := range []string{s, strings.ReplaceAll(s, `"fin"`, `"voen"`), strings.ReplaceAll(s, `"fin"`, `"ssn"`)} {
			gotD, errD := decodeDocument([]byte(data))
			wantD, werrD := decode[contracts.IdentityDocument]([]byte(data))
			same(t, data, gotD, wantD, errD, werrD)
			gotI, errI := decodeInsurer([]byte(data))
			wantI, werrI := decode[contracts.Insurer]([]byte(data))
			same(t, data, gotI, wantI, errI, werrI)
			gotP, errP := decodeInsured([]byte(data))
			wantP, werrP := decode[contracts.InsuredPerson]([]byte(data))
			same(t, data, gotP, wantP, errP, werrP)
		}
	}
}

func same(t *testing.T, data string, got, want any, err, werr error) {
	t.Helper()
	if (err == nil) != (werr == nil) || (err == nil && !reflect.DeepEqual(got, want)) {
		t.Errorf("%s:\n got %+v, %v\nwant %+v, %v", data, got, err, want, werr)
	}
}

func TestEnvelopeFastPathMatchesDecodeEnvelope(t *testing.T) {
	env, err := contracts.NewEnvelope("id-1", contracts.SourceAdapter, contracts.TypeSessionOpened, "9802091761",
		time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), map[string]string{"a": "b"})
	if err != nil {
		t.Fatal(err)
	}
	base := env.BinaryHeaders()
	structured, _ := env.StructuredJSON()
	with := func(f func(h []contracts.Header) []contracts.Header) []contracts.Header {
		return f(append([]contracts.Header(nil), base...))
	}
	set := func(name, value string) []contracts.Header {
		return with(func(h []contracts.Header) []contracts.Header {
			for i := range h {
				if h[i].Key == name {
					h[i].Value = []byte(value)
				}
			}
			return h
		})
	}
	cases := map[string]struct {
		headers []contracts.Header
		value   []byte
	}{
		"plain":               {base, env.Data},
		"no headers":          {nil, env.Data},
		"upper-case name":     {with(func(h []contracts.Header) []contracts.Header { h[3].Key = "CE_TYPE"; return h }), env.Data},
		"no specversion":      {with(func(h []contracts.Header) []contracts.Header { return h[1:] }), env.Data},
		"spec 0.3":            {set("ce_specversion", "0.3"), env.Data},
		"empty id":            {set("ce_id", ""), env.Data},
		"empty source":        {set("ce_source", ""), env.Data},
		"empty type":          {set("ce_type", ""), env.Data},
		"bad time":            {set("ce_time", "yesterday"), env.Data},
		"no time":             {set("ce_time", ""), env.Data},
		"not UTF-8":           {set("ce_source", "\xff"), env.Data},
		"unknown type":        {set("ce_type", "x.y.z"), env.Data},
		"repeated type":       {append(with(func(h []contracts.Header) []contracts.Header { return h }), contracts.Header{Key: "ce_type", Value: []byte("other")}), env.Data},
		"structured":          {[]contracts.Header{{Key: "content-type", Value: []byte(contracts.StructuredContentType)}}, structured},
		"structured, cased":   {[]contracts.Header{{Key: "content-type", Value: []byte("Application/CloudEvents+JSON; charset=utf-8")}}, structured},
		"structured, unicode": {[]contracts.Header{{Key: "content-type", Value: []byte("application/cloudevents+json\u212a")}}, structured},
		"content type json":   {set("content-type", "application/json; charset=utf-8"), env.Data},
		"too large":           {base, make([]byte, contracts.MaxMessageBytes+1)},
	}
	for name, c := range cases {
		typ, data, err := envelopeOf(Record{Key: []byte("9802091761"), Headers: c.headers, Value: c.value})
		want, werr := contracts.DecodeEnvelope([]byte("9802091761"), c.headers, c.value)
		if (err == nil) != (werr == nil) || (err == nil && (typ != want.Type || string(data) != string(want.Data))) {
			t.Errorf("%s: got %q, %q, %v; want %q, %q, %v", name, typ, data, err, want.Type, want.Data, werr)
		}
	}
}
