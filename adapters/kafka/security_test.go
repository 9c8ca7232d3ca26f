package kafka

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"
)

func TestSecurityValidate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	require.NoError(t, os.WriteFile(garbage, []byte("not a certificate"), 0o600))
	scram := Security{SASLMechanism: "scram-sha-256", SASLUser: "adapter", SASLPassword: "pw"}

	for _, c := range []struct {
		name string
		sec  Security
		want []string // substrings of the error; none: valid
	}{
		{"zero is plaintext", Security{}, nil},
		{"scram, any case", scram, nil},
		{"plain", Security{SASLMechanism: "PLAIN", SASLUser: "u", SASLPassword: "p"}, nil},
		{"scram-sha-512", Security{SASLMechanism: "SCRAM-SHA-512", SASLUser: "u", SASLPassword: "p"}, nil},
		{"tls with system roots", Security{TLS: true}, nil},
		{"user without mechanism", Security{SASLUser: "adapter"}, []string{"no SASL mechanism", "DSMF_KAFKA_SASL_MECHANISM"}},
		{"password without mechanism", Security{SASLPassword: "pw"}, []string{"no SASL mechanism"}},
		{"unknown mechanism", Security{SASLMechanism: "GSSAPI", SASLUser: "u", SASLPassword: "pw-9f3k"}, []string{`"GSSAPI" is not supported`}},
		{"mechanism without user or password", Security{SASLMechanism: "PLAIN"},
			[]string{"needs a user (DSMF_KAFKA_SASL_USER)", "needs a password"}},
		{"tls files with tls off", Security{TLSCAFile: "ca.pem", TLSInsecureSkipVerify: true},
			[]string{"DSMF_KAFKA_TLS_CA is set but TLS is off", "DSMF_KAFKA_TLS_INSECURE is set but TLS is off"}},
		{"cert without key", Security{TLS: true, TLSCertFile: garbage}, []string{"both DSMF_KAFKA_TLS_CERT and DSMF_KAFKA_TLS_KEY"}},
		{"missing CA file", Security{TLS: true, TLSCAFile: filepath.Join(dir, "nope.pem")}, []string{"TLS CA file", "no such file"}},
		{"CA file without a certificate", Security{TLS: true, TLSCAFile: garbage}, []string{"holds no PEM certificate"}},
		{"bad key pair", Security{TLS: true, TLSCertFile: garbage, TLSKeyFile: garbage}, []string{"TLS client certificate"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.sec.Validate()
			if c.want == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
			if c.sec.SASLPassword != "" {
				assert.NotContains(t, err.Error(), c.sec.SASLPassword)
			}
		})
	}
}

func TestSecurityNeverPrintsThePassword(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-Pa55"
	sec := Security{SASLMechanism: SASLScramSHA512, SASLUser: "adapter", SASLPassword: secret, TLS: true, TLSCAFile: "/ca.pem"}
	cfg := Config{Brokers: []string{"kafka:9092"}, ClientID: "x", Security: sec}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("start", "kafka", sec, "config", cfg)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("start", "kafka", sec)
	for _, s := range []string{
		fmt.Sprint(sec), fmt.Sprintf("%v %+v %#v %s", sec, sec, sec, sec),
		fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg), fmt.Sprintf("%+v", &cfg), logged.String(),
	} {
		assert.NotContains(t, s, secret)
	}
	assert.Contains(t, sec.String(), `user="adapter"`)
	assert.Contains(t, sec.String(), "SASL_SSL")
	assert.Contains(t, logged.String(), `"sasl_user":"adapter"`)
	assert.Contains(t, logged.String(), `"SASLPassword":"[redacted]"`)
}

func TestSaramaConfigAppliesSecurity(t *testing.T) {
	t.Parallel()
	assert.False(t, Config{}.SaramaConfig().Net.SASL.Enable)
	assert.False(t, Config{}.SaramaConfig().Net.TLS.Enable)

	for mech, want := range map[string]sarama.SASLMechanism{
		SASLPlain: sarama.SASLTypePlaintext, SASLScramSHA256: sarama.SASLTypeSCRAMSHA256, SASLScramSHA512: sarama.SASLTypeSCRAMSHA512,
	} {
		sc := Config{Security: Security{SASLMechanism: strings.ToLower(mech), SASLUser: "u", SASLPassword: "p"}}.SaramaConfig()
		assert.True(t, sc.Net.SASL.Enable)
		assert.Equal(t, want, sc.Net.SASL.Mechanism)
		assert.Equal(t, "u", sc.Net.SASL.User)
		assert.Equal(t, "p", sc.Net.SASL.Password)
		assert.NoError(t, sc.Validate(), "sarama accepts the %s config", mech)
	}

	sc := Config{Security: Security{TLS: true, TLSServerName: "kafka.internal"}}.SaramaConfig()
	require.True(t, sc.Net.TLS.Enable)
	assert.Equal(t, "kafka.internal", sc.Net.TLS.Config.ServerName)
	assert.Equal(t, uint16(tls.VersionTLS12), sc.Net.TLS.Config.MinVersion)
	assert.False(t, sc.Net.TLS.Config.InsecureSkipVerify)
}

// A CA file that disappears after Validate must not turn verification off:
// every handshake fails, with the reason.
func TestSaramaConfigFailsClosed(t *testing.T) {
	t.Parallel()
	sc := Config{Security: Security{TLS: true, TLSCAFile: filepath.Join(t.TempDir(), "gone.pem")}}.SaramaConfig()
	require.True(t, sc.Net.TLS.Enable)
	require.NotNil(t, sc.Net.TLS.Config.VerifyConnection)
	err := sc.Net.TLS.Config.VerifyConnection(tls.ConnectionState{})
	assert.ErrorContains(t, err, "gone.pem")
}

func TestReadSecretFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "pw")
	require.NoError(t, os.WriteFile(path, []byte("pa ss\r\n"), 0o600))
	got, err := ReadSecretFile(path)
	require.NoError(t, err)
	assert.Equal(t, "pa ss", got)

	require.NoError(t, os.WriteFile(path, []byte("\n"), 0o600))
	_, err = ReadSecretFile(path)
	assert.ErrorContains(t, err, "empty")
	_, err = ReadSecretFile(filepath.Join(dir, "missing"))
	assert.Error(t, err)
}

// Each mechanism logs in to a broker that has the user under it, and is
// refused with a wrong password.
func TestSASLMechanismsAgainstKfake(t *testing.T) {
	t.Parallel()
	users := []Security{
		{SASLMechanism: SASLPlain, SASLUser: "plain-user", SASLPassword: "plain-pw"},
		{SASLMechanism: SASLScramSHA256, SASLUser: "scram256-user", SASLPassword: "scram256-pw"},
		{SASLMechanism: SASLScramSHA512, SASLUser: "scram512-user", SASLPassword: "scram512-pw"},
	}
	opts := []kfake.Opt{kfake.EnableSASL(), kfake.SeedTopics(1, "t")}
	for _, u := range users {
		opts = append(opts, kfake.Superuser(u.SASLMechanism, u.SASLUser, u.SASLPassword))
	}
	e, err := kfake.NewCluster(append([]kfake.Opt{kfake.Ports(0)}, opts...)...)
	require.NoError(t, err)
	defer e.Close()

	for _, u := range users {
		t.Run(u.SASLMechanism, func(t *testing.T) {
			require.NoError(t, u.Validate())
			c, err := sarama.NewClient(e.ListenAddrs(), Config{Security: u}.SaramaConfig())
			require.NoError(t, err)
			topics, err := c.Topics()
			assert.NoError(t, err)
			assert.Contains(t, topics, "t")
			c.Close()

			wrong := u
			wrong.SASLPassword = "wrong"
			sc := Config{Security: wrong}.SaramaConfig()
			sc.Metadata.Retry.Max = 0
			c, err = sarama.NewClient(e.ListenAddrs(), sc)
			if assert.Error(t, err) {
				assert.True(t, errors.Is(err, sarama.ErrOutOfBrokers) || errors.Is(err, sarama.ErrSASLAuthenticationFailed), "%v", err)
			} else {
				c.Close()
			}
		})
	}
}
