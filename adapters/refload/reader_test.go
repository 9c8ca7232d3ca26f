package refload_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/adapters/refload"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

var loadTime = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

func readAll(t *testing.T, kind refload.Kind, format refload.Format, text string) []refload.Row {
	t.Helper()
	r, err := refload.NewReader(strings.NewReader(text), kind, format, refload.Options{Now: func() time.Time { return loadTime }})
	require.NoError(t, err)
	var rows []refload.Row
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		rows = append(rows, row)
	}
	assert.Equal(t, int64(len(text)), r.BytesRead())
	return rows
}

// problems renders each row's errors as "line N: field: problem".
func problems(rows []refload.Row) []string {
	var out []string
	for _, r := range rows {
		for _, e := range r.Errors {
			out = append(out, e.Error())
		}
	}
	return out
}

const insurersCSV = `voen,accountNumber,fullName,type,responsiblePerson,officeCode,officeName,updatedAt
9802091761,9819854215,"""MƏKTƏBİ QURUP"" MƏDƏNİYYƏT MƏRKƏZİ",legal-entity,SƏMİR QƏLƏYEV NƏZƏR QƏLƏYEV,188,Bakı şəhəri üzrə hüquqi şəxslərlə iş,2026-01-05T06:00:00Z
 1234567890 ,1234567891,"ƏLİYEV
KƏNAN FƏRDİ SAHİBKAR",natural-person,KƏNAN ƏLİYEV,101,Nəsimi rayon şöbəsi,
`

func TestInsurersCSV(t *testing.T) {
	t.Parallel()
	rows := readAll(t, refload.Insurers, refload.CSV, insurersCSV)
	require.Len(t, rows, 2)
	assert.Empty(t, problems(rows))
	first := rows[0].Record.(contracts.Insurer)
	assert.Equal(t, 2, rows[0].Line)
	assert.Equal(t, "9802091761", rows[0].Key)
	assert.Equal(t, `"MƏKTƏBİ QURUP" MƏDƏNİYYƏT MƏRKƏZİ`, first.FullName)
	assert.Equal(t, time.Date(2026, 1, 5, 6, 0, 0, 0, time.UTC), first.UpdatedAt)
	second := rows[1].Record.(contracts.Insurer)
	assert.Equal(t, 3, rows[1].Line)
	assert.Equal(t, "1234567890", second.VOEN, "cells are trimmed")
	assert.Equal(t, "ƏLİYEV\nKƏNAN FƏRDİ SAHİBKAR", second.FullName, "a quoted cell may span lines")
	assert.Equal(t, contracts.InsurerNaturalPerson, second.Type)
	assert.Equal(t, loadTime, second.UpdatedAt, "an empty updatedAt is the load's time")
}

func TestInsuredPersonsJSONL(t *testing.T) {
	t.Parallel()
	text := `{"ssn":"1200019850314","fin":"5ZK8T3B","ssnDate":"2005-09-01","certificateStatus":"active","insurerVoen":"9802091761"}

{"ssn":"1200019900721","fin":"6GH2K9P","ssnDate":"2010-02-15","certificateStatus":"replaced","insurerVoen":"9802091761","updatedAt":"2026-02-01T10:00:00+04:00"}` // no final newline
	rows := readAll(t, refload.InsuredPersons, refload.JSONL, text)
	require.Len(t, rows, 2)
	assert.Empty(t, problems(rows))
	assert.Equal(t, []int{1, 3}, []int{rows[0].Line, rows[1].Line}, "blank lines count")
	p := rows[1].Record.(contracts.InsuredPerson)
	assert.Equal(t, "1200019900721", rows[1].Key)
	assert.Equal(t, contracts.CertificateReplaced, p.CertificateStatus)
	assert.True(t, p.UpdatedAt.Equal(time.Date(2026, 2, 1, 6, 0, 0, 0, time.UTC)))
	assert.Equal(t, loadTime, rows[0].Record.(contracts.InsuredPerson).UpdatedAt)
}

const documentHeader = "fin,documentType,documentNumber,surname,name,patronymic,gender,citizenship,birthPlace,birthDate,issuingAuthority,issueDate,validUntil\n"

func TestIdentityDocumentsCSV(t *testing.T) {
	t.Parallel()
	text := documentHeader +
		"5ZK8T3B,din-id-card,AA1234567,ƏLİYEVA,ŞƏHLA,VÜQAR QIZI,female,Azərbaycan,Bakı şəhəri,1985-03-14,ASAN xidmət №1,2019-05-20,2029-05-20\r\n" +
		"7MN4Q2R,migration-document,MH0012345,ÖZTÜRK,ÖMƏR,,male,Türkiyə,İzmir,1978-11-02,Dövlət Miqrasiya Xidməti,2023-01-10,2027-01-10\n"
	rows := readAll(t, refload.IdentityDocuments, refload.CSV, text)
	require.Len(t, rows, 2)
	assert.Empty(t, problems(rows))
	d := rows[1].Record.(contracts.IdentityDocument)
	assert.Equal(t, "7MN4Q2R", rows[1].Key)
	assert.Equal(t, contracts.DocumentMigration, d.DocumentType)
	assert.Equal(t, "", d.Patronymic, "an empty patronymic is allowed")
	assert.Equal(t, "İzmir", d.BirthPlace)
}

func TestBadRowsCSV(t *testing.T) {
	t.Parallel()
	good := "9802091761,9819854215,MƏRKƏZ,legal-entity,SƏMİR QƏLƏYEV,188,Bakı"
	text := "\ufeffvoen,accountNumber,fullName,type,responsiblePerson,officeCode,officeName\n" +
		good + "\n" + // 2
		"98020917AB,9819854215,MƏRKƏZ,legal-entity,SƏMİR QƏLƏYEV,188,Bakı\n" + // 3: VÖEN
		"9802091761,981985421,MƏRKƏZ,legal-entity,SƏMİR QƏLƏYEV,188,Bakı\n" + // 4: account
		"9802091761,9819854215,,Hüquqi şəxs,SƏMİR QƏLƏYEV,188,Bakı\n" + // 5: empty name, type not an enum value
		"9802091761,9819854215,MƏRKƏZ,legal-entity,SƏMİR QƏLƏYEV\n" + // 6: too few fields
		"9802091761,9819854215,\"MƏR\"KƏZ\",legal-entity,SƏMİR QƏLƏYEV,188,Bakı\n" + // 7: bad quote
		"9802091761,9819854215,MƏRKƏZ,legal-entity,SƏMİR QƏLƏYEV,12345678901234567,Bakı\n" + // 8: office code too long (schema)
		good + "\n" // 9
	rows := readAll(t, refload.Insurers, refload.CSV, text)
	assert.Equal(t, []string{
		"line 3: voen: must be 10 digits (VÖEN)",
		"line 4: accountNumber: must be 10 digits",
		"line 5: fullName: must not be empty",
		"line 5: type: must be one of legal-entity, natural-person",
		"line 6: row: has a different number of fields than the header",
		"line 7: row: is not valid CSV (check the quotes)",
		"line 8: officeCode: is too long",
	}, problems(rows))
	var goodLines []int
	for _, r := range rows {
		if r.OK() {
			goodLines = append(goodLines, r.Line)
		}
	}
	assert.Equal(t, []int{2, 9}, goodLines, "reading goes on after bad rows")
	assert.ErrorIs(t, rows[1].Errors[0], domain.ErrInvalidVOEN, "a row error wraps the domain's error")
}

func TestBadRowsJSONL(t *testing.T) {
	t.Parallel()
	doc := func(fields string) string {
		base := map[string]string{"fin": `"5ZK8T3B"`, "documentType": `"din-id-card"`, "documentNumber": `"AA1234567"`,
			"surname": `"ƏLİYEVA"`, "name": `"ŞƏHLA"`, "patronymic": `"VÜQAR QIZI"`, "gender": `"female"`,
			"citizenship": `"Azərbaycan"`, "birthPlace": `"Bakı"`, "birthDate": `"1985-03-14"`,
			"issuingAuthority": `"ASAN xidmət №1"`, "issueDate": `"2019-05-20"`, "validUntil": `"2029-05-20"`}
		for _, kv := range strings.Split(fields, ";") {
			if kv == "" {
				continue
			}
			k, v, _ := strings.Cut(kv, "=")
			if v == "" {
				delete(base, k)
			} else {
				base[k] = v
			}
		}
		var parts []string
		for _, k := range []string{"fin", "documentType", "documentNumber", "surname", "name", "patronymic", "gender",
			"citizenship", "birthPlace", "birthDate", "issuingAuthority", "issueDate", "validUntil", "extra", "updatedAt"} {
			if v, ok := base[k]; ok {
				parts = append(parts, `"`+k+`":`+v)
			}
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	lines := []string{
		doc(""),                        // 1 good
		doc(`fin="5zk8t3b"`),           // 2 FIN lower case
		doc(`documentType="passport"`), // 3 enum
		doc(`gender="F"`),              // 4 enum
		doc(`birthDate="14.03.1985"`),  // 5 date
		doc(`issueDate="2019-02-30"`),  // 6 no such day
		doc(`surname=`),                // 7 missing
		doc(`name=42`),                 // 8 not a string
		doc(`extra="x"`),               // 9 unknown field
		doc(`updatedAt="yesterday"`),   // 10 time
		`{"fin":"5ZK8T3B",`,            // 11 broken JSON
		`["5ZK8T3B"]`,                  // 12 not an object
		doc("") + ` {}`,                // 13 two objects
		doc(`surname="` + strings.Repeat("Ə", 1001) + `"`), // 14 schema: too long
		doc(""), // 15 good
	}
	rows := readAll(t, refload.IdentityDocuments, refload.JSONL, strings.Join(lines, "\n")+"\n")
	assert.Equal(t, []string{
		"line 2: fin: must be 7 digits and Latin capitals other than I and O (FIN)",
		"line 3: documentType: must be one of din-id-card, migration-document",
		"line 4: gender: must be one of male, female",
		"line 5: birthDate: must be a date YYYY-MM-DD",
		"line 6: issueDate: must be a date YYYY-MM-DD",
		"line 7: surname: is required",
		"line 8: name: must be a string",
		"line 9: extra: is not a field of this kind of record",
		"line 10: updatedAt: must be an RFC 3339 time, e.g. 2026-01-05T06:00:00Z",
		"line 11: row: is not one JSON object",
		"line 12: row: is not one JSON object",
		"line 13: row: is not one JSON object",
		"line 14: surname: is too long",
	}, problems(rows))
	require.Len(t, rows, 15)
	assert.True(t, rows[0].OK())
	assert.True(t, rows[14].OK())
	assert.ErrorIs(t, rows[1].Errors[0], domain.ErrInvalidFIN)
	assert.ErrorIs(t, rows[4].Errors[0], domain.ErrInvalidDate)
}

func TestBadInsuredPersonJSONL(t *testing.T) {
	t.Parallel()
	text := `{"ssn":"120001985031","fin":"5ZK8T3B","ssnDate":"2005-09-01","certificateStatus":"lost","insurerVoen":"980209176"}` + "\n"
	rows := readAll(t, refload.InsuredPersons, refload.JSONL, text)
	assert.Equal(t, []string{
		"line 1: ssn: must be 13 digits (SSN)",
		"line 1: certificateStatus: must be one of active, replaced",
		"line 1: insurerVoen: must be 10 digits (VÖEN)",
	}, problems(rows))
	assert.ErrorIs(t, rows[0].Errors[0], domain.ErrInvalidSSN)
}

func TestRowErrorsNeverQuoteValues(t *testing.T) {
	t.Parallel()
	secrets := []string{"SECRETFIN9", "ZZZQQQ", "4444555566667"}
	text := documentHeader +
		"SECRETFIN9,ZZZQQQ,AA1,ƏLİYEVA,ŞƏHLA,,4444555566667,AZ,Bakı,ZZZQQQ,DİN,2019-05-20,2029-05-20\n"
	rows := readAll(t, refload.IdentityDocuments, refload.CSV, text)
	require.NotEmpty(t, problems(rows))
	for _, p := range problems(rows) {
		for _, s := range secrets {
			assert.NotContains(t, p, s)
		}
	}
	jrows := readAll(t, refload.Insurers, refload.JSONL, `{"SECRETFIN9":"x","voen":"ZZZQQQ"}`+"\n"+`{"voen":"4444555566667"`+"\n")
	require.NotEmpty(t, problems(jrows))
	for _, p := range problems(jrows) {
		assert.NotContains(t, p, "ZZZQQQ")
		assert.NotContains(t, p, "4444555566667")
	}
}

func TestCSVHeader(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ text, want string }{
		"empty":      {"", "line 1: header: the file is empty; the first row must name the fields"},
		"no header":  {"9802091761,9819854215,MƏRKƏZ,legal-entity,SƏMİR QƏLƏYEV,188,Bakı\n", "line 1: header: column 1 is not a field of insurers; the first row must name the fields: voen,accountNumber,fullName,type,responsiblePerson,officeCode,officeName,updatedAt"},
		"missing":    {"voen,fullName,type,responsiblePerson,officeName\n", "line 1: header: missing column(s) accountNumber,officeCode"},
		"duplicated": {"voen,voen\n", "line 1: header: column voen appears twice"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := refload.NewReader(strings.NewReader(tc.text), refload.Insurers, refload.CSV, refload.Options{})
			var he *refload.HeaderError
			require.ErrorAs(t, err, &he)
			assert.Equal(t, tc.want, err.Error())
			assert.NotContains(t, err.Error(), "9802091761")
		})
	}
}

func TestLongJSONLine(t *testing.T) {
	t.Parallel()
	long := `{"voen":"` + strings.Repeat("9", 2<<20) + `"}`
	good := `{"voen":"9802091761","accountNumber":"9819854215","fullName":"M","type":"legal-entity","responsiblePerson":"","officeCode":"188","officeName":""}`
	rows := readAll(t, refload.Insurers, refload.JSONL, long+"\n"+good+"\n")
	assert.Equal(t, []string{"line 1: row: is longer than 1 MiB"}, problems(rows))
	require.Len(t, rows, 2)
	assert.True(t, rows[1].OK())
	assert.Equal(t, 2, rows[1].Line)
}

func TestKeys(t *testing.T) {
	t.Parallel()
	text := "voen\n9802091761\n\n# a comment\n98020917\n1700345672\n"
	r, err := refload.NewKeyReader(strings.NewReader(text), refload.Insurers)
	require.NoError(t, err)
	var keys, bad []string
	for {
		k, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		if k.Err != nil {
			bad = append(bad, k.Err.Error())
			continue
		}
		keys = append(keys, k.Key)
	}
	assert.Equal(t, []string{"9802091761", "1700345672"}, keys)
	assert.Equal(t, []string{"line 5: voen: must be 10 digits (VÖEN)"}, bad)
}

func TestKindsAndFormats(t *testing.T) {
	t.Parallel()
	for _, k := range refload.Kinds {
		got, err := refload.ParseKind(string(k))
		require.NoError(t, err)
		assert.Equal(t, k, got)
	}
	_, err := refload.ParseKind("people")
	assert.Error(t, err)
	assert.Equal(t, contracts.TopicInsuredPersons, refload.InsuredPersons.Topic())
	assert.Equal(t, contracts.TypeIdentityDocument, refload.IdentityDocuments.Type())
	assert.Equal(t, "ssn", refload.InsuredPersons.KeyField())
	for path, want := range map[string]refload.Format{"a.csv": refload.CSV, "b.JSONL": refload.JSONL, "c.ndjson": refload.JSONL} {
		got, err := refload.FormatOf(path)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	_, err = refload.FormatOf("data.txt")
	assert.Error(t, err)
	_, err = refload.FormatOf("data")
	assert.Error(t, err)
}
