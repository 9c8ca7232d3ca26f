package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

const newVOEN = "4401234567"

// TestSeedFeedsTheAdapter loads reference data through kfake into a running
// adapter that has none, and shows the adapter using it: the new insurer's
// director can log in, and its employee can be found.
func TestSeedFeedsTheAdapter(t *testing.T) {
	t.Parallel()
	h := testkit.Start(t, testkit.Options{NoFixtures: true})
	brokers := strings.Join(h.Brokers, ",")
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
		return p
	}
	insurers := write("insurers.csv", "voen,accountNumber,fullName,type,responsiblePerson,officeCode,officeName\n"+
		newVOEN+`,4419283746,"""ŞƏRQ TİKİNTİ"" MMC",legal-entity,KAMRAN ƏLİYEV,101,Nəsimi rayon şöbəsi`+"\n"+
		"44012345,4419283746,BAD ROW,legal-entity,X,101,Y\n"+ // line 3: the VÖEN is short
		"9802091761,9819854215,MƏKTƏB,sole-trader,X,188,Y\n") // line 4: no such type

	code, stdout, stderr := runCLI(t, "-brokers", brokers, "seed", "-kind", "insurers", insurers)
	assert.Equal(t, 1, code, "bad rows make the exit code 1")
	assert.Equal(t, "line 3: voen: must be 10 digits (VÖEN)\nline 4: type: must be one of legal-entity, natural-person\n", stderr)
	assert.Contains(t, stdout, "seed: published 1 record to dsmf.ref.insurers.v1")
	assert.Contains(t, stdout, "2 bad rows skipped")
	assert.NotContains(t, stderr, "BAD ROW", "a row's values are never printed")

	// The adapter uses the new insurer at once.
	var owner testkit.Session
	require.Eventually(t, func() bool {
		r := h.Request(testkit.DirectorLogin(newVOEN))
		if !r.OK() {
			return false
		}
		var res contracts.LoginResult
		h.MustOK(r, contracts.TypeLoginResult, &res)
		assert.Equal(t, `"ŞƏRQ TİKİNTİ" MMC`, res.Insurer.FullName)
		owner = testkit.Session{ID: res.SessionID, VOEN: newVOEN}
		return true
	}, 10*time.Second, 50*time.Millisecond)

	// An employee, from JSON Lines, through stdin.
	persons := `{"ssn":"1200019991231","fin":"8QW3E4R","ssnDate":"2018-01-15","certificateStatus":"active","insurerVoen":"` + newVOEN + `"}` + "\n"
	e, out, errs := testEnv(persons)
	require.Equal(t, 0, run(t.Context(), []string{"-brokers", brokers, "seed", "-kind", "insured-persons", "-format", "jsonl", "-"}, e), errs.String())
	assert.Contains(t, out.String(), "published 1 record to dsmf.ref.insured-persons.v1")
	documents := write("documents.jsonl", `{"fin":"8QW3E4R","documentType":"din-id-card","documentNumber":"AA0000001","surname":"QULİYEV","name":"RƏŞAD","patronymic":"ELDAR OĞLU","gender":"male","citizenship":"Azərbaycan","birthPlace":"Bakı","birthDate":"1999-12-31","issuingAuthority":"ASAN xidmət №2","issueDate":"2020-01-01","validUntil":"2030-01-01"}`+"\n")
	code, _, stderr = runCLI(t, "-brokers", brokers, "seed", "-kind", "identity-documents", documents)
	require.Equal(t, 0, code, stderr)
	var found contracts.PersonLookupResult
	require.Eventually(t, func() bool {
		r := h.Request(testkit.PersonLookup(owner, func(l *contracts.PersonLookup) {
			l.DocumentType, l.FIN, l.SSN = contracts.DocumentIDCard, "8QW3E4R", "1200019991231"
		}))
		if !r.OK() {
			return false
		}
		h.MustOK(r, contracts.TypePersonLookupResult, &found)
		return true
	}, 10*time.Second, 50*time.Millisecond)
	assert.Equal(t, "QULİYEV", found.Person.Surname)

	// A tombstone deletes the insurer: a new login is refused.
	keys := write("gone.txt", "voen\n"+newVOEN+"\n")
	code, stdout, stderr = runCLI(t, "-brokers", brokers, "seed", "-kind", "insurers", "-tombstone", keys)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "published 1 tombstone ")
	require.Eventually(t, func() bool {
		return h.Request(testkit.DirectorLogin(newVOEN)).Code() == "INSURER_UNKNOWN"
	}, 10*time.Second, 50*time.Millisecond)
}

func TestSeedHeaderErrorStops(t *testing.T) {
	t.Parallel()
	h := testkit.Start(t, testkit.Options{NoFixtures: true})
	file := filepath.Join(t.TempDir(), "noheader.csv")
	require.NoError(t, os.WriteFile(file, []byte(newVOEN+",4419283746,X,legal-entity,X,101,Y\n"), 0o600))
	code, _, stderr := runCLI(t, "-brokers", strings.Join(h.Brokers, ","), "seed", "-kind", "insurers", file)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "line 1: header: column 1 is not a field of insurers")
	assert.NotContains(t, stderr, newVOEN)
}
