package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// TestDemoRunsAgainAndAgain plays the walk-through three times against one
// adapter: the second run finds the deputy's grant and the first employee's
// completed application from the first; before the third, every employee
// has an application in progress, which the demo must get out of the way.
func TestDemoRunsAgainAndAgain(t *testing.T) {
	t.Parallel()
	h, brokers, key := start(t, testkit.Options{})
	dir := t.TempDir()

	for i, name := range []string{"first.pdf", "second.pdf"} {
		out := filepath.Join(dir, name)
		code, stdout, stderr := runCLI(t, "-brokers", brokers, "demo", "-key", key, "-out", out)
		require.Equal(t, 0, code, "run %d:\n%s\n%s", i+1, stdout, stderr)
		assertPDF(t, out)
		assert.Contains(t, stdout, "1. Direktor e-imza kartı ilə (möhür vurmaq səlahiyyəti) daxil olur / The director logs in with an e-signature card (stamp authority)")
		assert.Contains(t, stdout, "role delegate")
		assert.Contains(t, stdout, "status in-processing → completed")
		assert.Contains(t, stdout, "notice version 3 · status completed")
		assert.Contains(t, stdout, "Demo completed")
		assert.NotContains(t, stdout, "\x1b[", "no colours when not a terminal")
		if i == 1 {
			assert.Contains(t, stdout, "it is revoked (×) and granted anew")
		}
	}

	// Leave an application in progress for every employee of the insurer.
	owner := h.Login(testkit.DirectorLogin(testkit.Insurer.VOEN))
	for _, emp := range []int{0, 1, 2} {
		e := testkit.Employees[emp]
		r := h.Request(testkit.SubmitNew(owner, func(in *contracts.ApplicationInput) {
			in.DocumentType, in.FIN, in.SSN = e.Document.DocumentType, e.Document.FIN, e.Insured.SSN
		}))
		h.MustOK(r, contracts.TypeSubmitResult, nil)
	}
	out := filepath.Join(dir, "third.pdf")
	code, stdout, stderr := runCLI(t, "-brokers", brokers, "demo", "-key", key, "-out", out)
	require.Equal(t, 0, code, "%s\n%s", stdout, stderr)
	assert.Contains(t, stdout, "every employee has an application in progress")
	assert.Contains(t, stdout, "status submitted → rejected")
	assertPDF(t, out)
}

func assertPDF(t *testing.T, path string) {
	t.Helper()
	pdf, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(pdf, []byte("%PDF")), "%s is a PDF", path)
}

func TestDemoFailsClearlyWithoutTheDemoData(t *testing.T) {
	t.Parallel()
	_, brokers, key := start(t, testkit.Options{NoFixtures: true})
	code, stdout, stderr := runCLI(t, "-brokers", brokers, "demo", "-key", key, "-out", filepath.Join(t.TempDir(), "x.pdf"), "-timeout", "5s")
	assert.Equal(t, 1, code, stdout)
	assert.Contains(t, stderr, "demo failed at step 1 (The director logs in with an e-signature card (stamp authority)): INSURER_UNKNOWN")
	assert.Contains(t, stderr, "does the deployment have the demo data?")
}
