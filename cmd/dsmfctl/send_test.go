package main

import (
	"crypto/ed25519"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// structured is a reply as send prints it when piped.
type structured struct {
	Type          string          `json:"type"`
	CorrelationID string          `json:"correlationid"`
	Data          json.RawMessage `json:"data"`
}

func decodeLine(t *testing.T, stdout string) structured {
	t.Helper()
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	require.Len(t, lines, 1, "one line of JSON: %q", stdout)
	var s structured
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &s), lines[0])
	return s
}

func TestSendPrintsJSONWhenPiped(t *testing.T) {
	t.Parallel()
	_, brokers, key := start(t, testkit.Options{})

	code, stdout, stderr := runCLI(t, "-brokers", brokers, "send", "login-director", "-key", key, "-voen", testkit.Insurer.VOEN)
	require.Equal(t, 0, code, stderr)
	reply := decodeLine(t, stdout)
	assert.Equal(t, contracts.TypeLoginResult, reply.Type)
	var login contracts.LoginResult
	require.NoError(t, json.Unmarshal(reply.Data, &login))
	assert.Equal(t, reply.CorrelationID, login.CommandID, "the reply answers the command sent")
	assert.Equal(t, contracts.RoleOwner, login.Role)
	assert.Equal(t, testkit.Insurer.FullName, login.Insurer.FullName)
	assert.NotContains(t, stdout, "\x1b[")

	// The session works for the next command; the payload can come from a file.
	file := filepath.Join(t.TempDir(), "profile.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"sessionId":"`+login.SessionID+`",
		"insurerVoen":"`+testkit.Insurer.VOEN+`"}`), 0o600))
	code, stdout, stderr = runCLI(t, "-brokers", brokers, "send", "-type", contracts.TypeProfileGet, "-file", file)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, contracts.TypeProfileResult, decodeLine(t, stdout).Type)

	// An error reply exits 1 and is printed all the same.
	code, stdout, _ = runCLI(t, "-brokers", brokers, "send", "login-director", "-key", key, "-voen", "1111111111")
	assert.Equal(t, 1, code)
	reply = decodeLine(t, stdout)
	assert.Equal(t, contracts.TypeError, reply.Type)
	assert.Contains(t, string(reply.Data), `"code":"INSURER_UNKNOWN"`)

	// Unsigned, the login is refused.
	code, stdout, _ = runCLI(t, "-brokers", brokers, "send", "login-director", "-unsigned")
	assert.Equal(t, 1, code)
	assert.Contains(t, string(decodeLine(t, stdout).Data), `"code":"ASSERTION_UNSIGNED"`)

	// A decision is answered by its event on the log.
	code, stdout, _ = runCLI(t, "-brokers", brokers, "send", "decision", "-application", "nope", "-decision", "take-into-processing")
	assert.Equal(t, 1, code)
	reply = decodeLine(t, stdout)
	assert.Equal(t, contracts.TypeCommandRejected, reply.Type)
	assert.Contains(t, string(reply.Data), `"code":"APPLICATION_NOT_FOUND"`)
}

func TestSendTimesOut(t *testing.T) {
	t.Parallel()
	h := testkit.Start(t, testkit.Options{})
	for _, in := range h.Instances() {
		in.Stop()
	}
	code, _, stderr := runCLI(t, "-brokers", strings.Join(h.Brokers, ","), "send", "login-director", "-timeout", "300ms")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "no answer to az.gov.dsmf.ssc.session.login.v1")
	assert.Contains(t, stderr, "within 300ms")
}

func TestUsage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-help"}, 0, "usage: dsmfctl"},
		{[]string{}, 2, "commands:"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"seed", "-help"}, 0, "usage: dsmfctl seed"},
		{[]string{"seed", "-kind", "people", "x.csv"}, 2, "unknown kind"},
		{[]string{"seed", "-kind", "insurers"}, 2, "give one FILE"},
		{[]string{"seed", "-kind", "insurers", "x.txt"}, 2, "cannot tell the format"},
		{[]string{"send"}, 2, "usage: dsmfctl send"},
		{[]string{"send", "login-director", "-help"}, 0, "usage: dsmfctl send login-director"},
		{[]string{"send", "teleport"}, 2, `unknown shortcut "teleport"`},
		{[]string{"send", "-type", contracts.TypeLogin}, 2, "-type and -file go together"},
		{[]string{"send", "profile"}, 2, "-session is required"},
		{[]string{"send", "--bogus"}, 2, "flag provided but not defined"},
		{[]string{"tail", "-from", "yesterday"}, 2, "-from must be newest or oldest"},
		{[]string{"tail", "-topic", "gossip"}, 2, `unknown topic "gossip"`},
		{[]string{"tail", "-insurer", "12"}, 2, "-insurer must be a VÖEN"},
		{[]string{"notice", "-session", "s"}, 2, "-application is required"},
		{[]string{"demo", "extra"}, 2, "unexpected argument"},
		{[]string{"-brokers", " , ", "demo"}, 2, "no brokers given"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, stdout+stderr, tc.want)
		})
	}
}

// TestSignThenSend signs a login assertion from a file, as the README's
// walk-through has it (an old issuedAt), and sends it from stdin.
func TestSignThenSend(t *testing.T) {
	t.Parallel()
	_, brokers, key := start(t, testkit.Options{})
	login := `{"assertionId":"walk-1","method":"esign-card","signerFin":"2DRC7TR","insurerVoen":"9802091761",
	 "card":{"cardNumber":"RYTN00481516","certificateSerial":"7FC4E13612808EC800",
	         "subject":"CN=SƏMİR QƏLƏYEV","issuer":"CN=AZ Governing Bodies CA"},
	 "stampAuthority":true,"certNotBefore":"2026-01-01T00:00:00Z","certNotAfter":"2099-12-31T00:00:00Z",
	 "issuedAt":"2026-11-25T09:00:00Z"}`
	e, out, errs := testEnv(login)
	require.Equal(t, 0, run(t.Context(), []string{"sign", "-key", key}, e), errs.String())
	signed := out.String()
	_, priv, err := contracts.ReadSigningKey(key)
	require.NoError(t, err)
	require.NoError(t, contracts.VerifyAssertion(contracts.KeySet{"portal-test": priv.Public().(ed25519.PublicKey)}, []byte(signed)))
	assert.NotContains(t, signed, "2026-11-25T09:00:00Z", "issuedAt is now")

	e, out, errs = testEnv(signed)
	require.Equal(t, 0, run(t.Context(), []string{"-brokers", brokers, "send", "-type", contracts.TypeLogin, "-file", "-"}, e), errs.String())
	assert.Equal(t, contracts.TypeLoginResult, decodeLine(t, out.String()).Type)

	// A changed assertion no longer verifies.
	e, out, _ = testEnv(strings.Replace(signed, `"stampAuthority":true`, `"stampAuthority":false`, 1))
	assert.Equal(t, 1, run(t.Context(), []string{"-brokers", brokers, "send", "-type", contracts.TypeLogin, "-file", "-"}, e))
	assert.Contains(t, out.String(), "ASSERTION_SIGNATURE_INVALID")

	code, _, stderr := runCLI(t, "sign", "-key", filepath.Join(t.TempDir(), "none.json"))
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "signing key")
}

// TestOverSASL talks to a broker that demands SCRAM authentication, with
// the password from the environment as the adapter takes it.
func TestOverSASL(t *testing.T) {
	t.Parallel()
	sec := kafka.Security{SASLMechanism: "SCRAM-SHA-256", SASLUser: "admin", SASLPassword: "s3cret-admin"}
	_, brokers, key := start(t, testkit.Options{Kafka: sec,
		KfakeOptions: []kfake.Opt{kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", "admin", "s3cret-admin")}})
	send := func(password string) (int, string, string) {
		e, out, errs := testEnv("")
		e.getenv = func(name string) string {
			return map[string]string{"DSMF_KAFKA_SASL_MECHANISM": "SCRAM-SHA-256", "DSMF_KAFKA_SASL_PASSWORD": password}[name]
		}
		code := run(t.Context(), []string{"-brokers", brokers, "-kafka-sasl-user", "admin", "send", "login-director", "-key", key, "-timeout", "5s"}, e)
		return code, out.String(), errs.String()
	}
	code, stdout, stderr := send("s3cret-admin")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, contracts.TypeLoginResult, decodeLine(t, stdout).Type)

	code, _, stderr = send("wrong")
	assert.Equal(t, 1, code)
	assert.NotContains(t, stderr, "wrong", "the password is never printed")
	assert.Contains(t, stderr, "check the SASL mechanism, user and password")

	code, _, stderr = runCLI(t, "-kafka-sasl-mechanism", "GSSAPI", "demo")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "kafka security")
}
