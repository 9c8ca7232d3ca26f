package contracts_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	c "github.com/dsmf/ssc-adapter/contracts"
)

var updateVectors = flag.Bool("update-signing-vectors", false, "rewrite contracts/testdata/signing from the fixed test key")

// The test vectors the portal team checks its implementation against: a
// fixed Ed25519 key (RFC 8032 seed), an assertion, its canonical form (RFC
// 8785) and the signed assertion.
type vectors struct {
	Seed            string          `json:"privateKeySeedHex"`
	PublicKey       string          `json:"publicKeyBase64"`
	KeyID           string          `json:"keyId"`
	Assertion       json.RawMessage `json:"assertion"`
	Canonical       string          `json:"canonical"`
	SignedAssertion json.RawMessage `json:"signedAssertion"`
}

const vectorsFile = "testdata/signing/vectors.json"

func vectorAssertion() c.LoginAssertion {
	at := time.Date(2026, 3, 10, 9, 15, 0, 0, time.UTC)
	return c.LoginAssertion{AssertionID: "7d1c4b1e-2f0a-4c36-9a53-1f0c9e2b7a10", Method: c.MethodESignCard,
		SignerFIN: "2DRC7TR", InsurerVOEN: "9802091761",
		Card: &c.CardIdentity{CardNumber: "RYTN00481516", CertificateSerial: "7FC4E13612808EC800",
			Subject: "CN=SƏMİR QƏLƏYEV, O=\"MƏKTƏBİ QURUP\" MƏDƏNİYYƏT MƏRKƏZİ", Issuer: "CN=AZ Governing Bodies CA"},
		StampAuthority: true, CertNotBefore: at.AddDate(-1, 0, 0), CertNotAfter: at.AddDate(1, 0, 0), IssuedAt: at}
}

func TestSigningVectors(t *testing.T) {
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i + 1)
	}
	key := ed25519.NewKeyFromSeed(seed)
	a := vectorAssertion()
	raw, err := json.Marshal(a)
	require.NoError(t, err)
	canonical, err := c.CanonicalAssertion(raw)
	require.NoError(t, err)
	signed, err := c.SignAssertion(a, "portal-2026-01", key)
	require.NoError(t, err)
	signedRaw, err := json.Marshal(signed)
	require.NoError(t, err)
	got := vectors{Seed: hex.EncodeToString(seed), PublicKey: base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey)),
		KeyID: "portal-2026-01", Assertion: raw, Canonical: string(canonical), SignedAssertion: signedRaw}
	if *updateVectors {
		out, err := json.MarshalIndent(got, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(vectorsFile, append(out, '\n'), 0o644))
	}
	file, err := os.ReadFile(filepath.FromSlash(vectorsFile))
	require.NoError(t, err, "run with -update-signing-vectors to create it")
	var want vectors
	require.NoError(t, json.Unmarshal(file, &want))
	assert.Equal(t, want.Canonical, got.Canonical, "canonical form drifted")
	assert.JSONEq(t, string(want.SignedAssertion), string(got.SignedAssertion), "signature drifted")

	keys := c.KeySet{want.KeyID: key.Public().(ed25519.PublicKey)}
	require.NoError(t, c.VerifyAssertion(keys, want.SignedAssertion))
}

func TestCanonicalFormIsJCS(t *testing.T) {
	t.Parallel()
	// Members sorted by UTF-16 code units, no whitespace, minimal escaping,
	// non-ASCII kept, the signature member left out.
	out, err := c.CanonicalAssertion([]byte(`{ "b": "Ə\n\"x\"", "a": true, "signature": {"keyId":"k"}, "c": {"z": null, "y": [1, 2]},
		"\u20ac": 1, "\ud83d\ude00": 2 }`))
	require.NoError(t, err)
	assert.Equal(t, `{"a":true,"b":"Ə\n\"x\"","c":{"y":[1,2],"z":null},"€":1,"😀":2}`, string(out))
	_, err = c.CanonicalAssertion([]byte(`{"n": 1.5}`))
	assert.ErrorIs(t, err, c.ErrNotCanonicalize)
}

func TestVerifyAssertionRefusals(t *testing.T) {
	t.Parallel()
	pub, priv, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	keys := c.KeySet{"k1": pub}
	signed, err := c.SignAssertion(vectorAssertion(), "k1", priv)
	require.NoError(t, err)
	raw, _ := json.Marshal(signed)
	require.NoError(t, c.VerifyAssertion(keys, raw))

	unsigned, _ := json.Marshal(vectorAssertion())
	assert.ErrorIs(t, c.VerifyAssertion(keys, unsigned), c.ErrUnsigned)

	tampered := signed
	tampered.StampAuthority = false
	raw, _ = json.Marshal(tampered)
	assert.ErrorIs(t, c.VerifyAssertion(keys, raw), c.ErrBadSignature)

	other := signed
	other.Signature = &c.AssertionSignature{KeyID: "k2", Value: signed.Signature.Value}
	raw, _ = json.Marshal(other)
	assert.True(t, errors.Is(c.VerifyAssertion(keys, raw), c.ErrUnknownKey))

	// Rotation: a second key verifies its own signatures.
	pub2, priv2, _ := ed25519.GenerateKey(nil)
	keys["k2"] = pub2
	rotated, _ := c.SignAssertion(vectorAssertion(), "k2", priv2)
	raw, _ = json.Marshal(rotated)
	assert.NoError(t, c.VerifyAssertion(keys, raw))
}
