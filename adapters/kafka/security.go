package kafka

import (
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/IBM/sarama"
	"github.com/xdg-go/scram"
)

// SASL mechanisms the adapter speaks.
const (
	SASLPlain       = "PLAIN"
	SASLScramSHA256 = "SCRAM-SHA-256"
	SASLScramSHA512 = "SCRAM-SHA-512"
)

// Security says how a client authenticates to the brokers (SASL) and
// protects the connection (TLS). The zero value is PLAINTEXT without
// authentication, what the embedded broker speaks.
//
// The password never leaves this struct in text form: String, GoString,
// LogValue and MarshalJSON print it as "[redacted]", so logging a Security
// (or a Config holding one) is safe.
type Security struct {
	// SASLMechanism is "" (no SASL), PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
	// (case does not matter).
	SASLMechanism string
	// SASLUser and SASLPassword are the principal's credentials.
	SASLUser     string
	SASLPassword string
	// TLS turns TLS on.
	TLS bool
	// TLSCAFile is a PEM file of the CA certificates the brokers'
	// certificates are checked against; empty uses the system's.
	TLSCAFile string
	// TLSCertFile and TLSKeyFile are the client's PEM certificate and key
	// for mutual TLS; both or neither.
	TLSCertFile string
	TLSKeyFile  string
	// TLSServerName is the name the brokers' certificates must carry;
	// empty uses each broker's host as dialled.
	TLSServerName string
	// TLSInsecureSkipVerify accepts any broker certificate. For development
	// only: it makes TLS useless against an attacker on the path.
	TLSInsecureSkipVerify bool
}

// Mechanism is the SASL mechanism in its canonical spelling, or "".
func (s Security) Mechanism() string {
	return strings.ToUpper(strings.TrimSpace(s.SASLMechanism))
}

// SASL reports whether SASL authentication is configured.
func (s Security) SASL() bool { return s.Mechanism() != "" }

// Protocol is Kafka's name for the resulting security.protocol:
// PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.
func (s Security) Protocol() string {
	switch {
	case s.SASL() && s.TLS:
		return "SASL_SSL"
	case s.SASL():
		return "SASL_PLAINTEXT"
	case s.TLS:
		return "SSL"
	default:
		return "PLAINTEXT"
	}
}

// Validate reports every inconsistency at once, and checks that the TLS
// files can be read and parsed, so a bad setting fails at start with a
// clear message rather than as a connection error later.
func (s Security) Validate() error {
	var errs []error
	mech := s.Mechanism()
	switch mech {
	case "":
		if s.SASLUser != "" {
			errs = append(errs, errors.New("a SASL user is set but no SASL mechanism (DSMF_KAFKA_SASL_MECHANISM: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)"))
		}
		if s.SASLPassword != "" {
			errs = append(errs, errors.New("a SASL password is set but no SASL mechanism (DSMF_KAFKA_SASL_MECHANISM: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)"))
		}
	case SASLPlain, SASLScramSHA256, SASLScramSHA512:
		if s.SASLUser == "" {
			errs = append(errs, fmt.Errorf("SASL mechanism %s needs a user (DSMF_KAFKA_SASL_USER)", mech))
		}
		if s.SASLPassword == "" {
			errs = append(errs, fmt.Errorf("SASL mechanism %s needs a password (DSMF_KAFKA_SASL_PASSWORD or DSMF_KAFKA_SASL_PASSWORD_FILE)", mech))
		}
	default:
		errs = append(errs, fmt.Errorf("SASL mechanism %q is not supported: use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", s.SASLMechanism))
	}
	if !s.TLS {
		for _, f := range []struct {
			set  bool
			name string
		}{
			{s.TLSCAFile != "", "DSMF_KAFKA_TLS_CA"},
			{s.TLSCertFile != "", "DSMF_KAFKA_TLS_CERT"},
			{s.TLSKeyFile != "", "DSMF_KAFKA_TLS_KEY"},
			{s.TLSServerName != "", "DSMF_KAFKA_TLS_SERVER_NAME"},
			{s.TLSInsecureSkipVerify, "DSMF_KAFKA_TLS_INSECURE"},
		} {
			if f.set {
				errs = append(errs, fmt.Errorf("%s is set but TLS is off (set DSMF_KAFKA_TLS=true)", f.name))
			}
		}
		return errors.Join(errs...)
	}
	if (s.TLSCertFile == "") != (s.TLSKeyFile == "") {
		errs = append(errs, errors.New("a TLS client certificate needs both DSMF_KAFKA_TLS_CERT and DSMF_KAFKA_TLS_KEY"))
	}
	if _, err := s.TLSConfig(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Warnings are the settings that work but weaken security; the adapter
// logs them at start.
func (s Security) Warnings() []string {
	var w []string
	if s.TLS && s.TLSInsecureSkipVerify {
		w = append(w, "DSMF_KAFKA_TLS_INSECURE: the brokers' certificates are not verified; use only in development")
	}
	if s.Mechanism() == SASLPlain && !s.TLS {
		w = append(w, "SASL PLAIN without TLS sends the password in clear text; turn on DSMF_KAFKA_TLS or use SCRAM")
	}
	return w
}

// TLSConfig builds the client's TLS configuration from the files; nil
// when TLS is off.
func (s Security) TLSConfig() (*tls.Config, error) {
	if !s.TLS {
		return nil, nil
	}
	tc := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         s.TLSServerName,
		InsecureSkipVerify: s.TLSInsecureSkipVerify, //nolint:gosec // opt-in, warned about at start
	}
	if s.TLSCAFile != "" {
		pem, err := os.ReadFile(s.TLSCAFile)
		if err != nil {
			return nil, fmt.Errorf("TLS CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("TLS CA file %s holds no PEM certificate", s.TLSCAFile)
		}
		tc.RootCAs = pool
	}
	if s.TLSCertFile != "" && s.TLSKeyFile != "" {
		cert, err := tls.LoadX509KeyPair(s.TLSCertFile, s.TLSKeyFile)
		if err != nil {
			return nil, fmt.Errorf("TLS client certificate %s / key %s: %w", s.TLSCertFile, s.TLSKeyFile, err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// apply sets sarama's Net.SASL and Net.TLS from s.
func (s Security) apply(sc *sarama.Config) {
	if mech := s.Mechanism(); mech != "" {
		sc.Net.SASL.Enable = true
		sc.Net.SASL.Handshake = true
		sc.Net.SASL.User = s.SASLUser
		sc.Net.SASL.Password = s.SASLPassword
		switch mech {
		case SASLPlain:
			sc.Net.SASL.Mechanism = sarama.SASLTypePlaintext
		case SASLScramSHA256:
			sc.Net.SASL.Mechanism = sarama.SASLTypeSCRAMSHA256
			sc.Net.SASL.SCRAMClientGeneratorFunc = func() sarama.SCRAMClient { return &scramClient{hash: sha256.New} }
		case SASLScramSHA512:
			sc.Net.SASL.Mechanism = sarama.SASLTypeSCRAMSHA512
			sc.Net.SASL.SCRAMClientGeneratorFunc = func() sarama.SCRAMClient { return &scramClient{hash: sha512.New} }
		default:
			// Validate refuses it; sarama refuses it too, at connect.
			sc.Net.SASL.Mechanism = sarama.SASLMechanism(mech)
		}
	}
	if s.TLS {
		tc, err := s.TLSConfig()
		if err != nil {
			// The files changed since Validate: fail closed, with the
			// reason, on every handshake.
			tc = &tls.Config{MinVersion: tls.VersionTLS12,
				VerifyConnection: func(tls.ConnectionState) error { return err }}
		}
		sc.Net.TLS.Enable = true
		sc.Net.TLS.Config = tc
	}
}

// String describes the settings without the password.
func (s Security) String() string {
	var b strings.Builder
	b.WriteString(s.Protocol())
	if s.SASL() {
		fmt.Fprintf(&b, " mechanism=%s user=%q password=%s", s.Mechanism(), s.SASLUser, redact(s.SASLPassword))
	}
	if s.TLS {
		fmt.Fprintf(&b, " ca=%q cert=%q key=%q server_name=%q insecure=%t",
			s.TLSCAFile, s.TLSCertFile, s.TLSKeyFile, s.TLSServerName, s.TLSInsecureSkipVerify)
	}
	return b.String()
}

// GoString keeps %#v from printing the password.
func (s Security) GoString() string { return "kafka.Security{" + s.String() + "}" }

// LogValue keeps slog from printing the password.
func (s Security) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("protocol", s.Protocol())}
	if s.SASL() {
		attrs = append(attrs, slog.String("sasl_mechanism", s.Mechanism()), slog.String("sasl_user", s.SASLUser))
	}
	if s.TLS {
		attrs = append(attrs, slog.String("tls_ca", s.TLSCAFile), slog.Bool("tls_client_cert", s.TLSCertFile != ""),
			slog.String("tls_server_name", s.TLSServerName), slog.Bool("tls_insecure", s.TLSInsecureSkipVerify))
	}
	return slog.GroupValue(attrs...)
}

// MarshalJSON keeps encoding/json (and so slog's JSON handler, given a
// struct that holds a Security) from printing the password.
func (s Security) MarshalJSON() ([]byte, error) {
	type plain Security // without the methods
	p := plain(s)
	if p.SASLPassword != "" {
		p.SASLPassword = redact(p.SASLPassword)
	}
	return json.Marshal(p)
}

func redact(secret string) string {
	if secret == "" {
		return `""`
	}
	return "[redacted]"
}

// ReadSecretFile reads a password from a file (a Docker or Kubernetes
// secret), without its trailing newline.
func ReadSecretFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read secret: %w", err)
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return "", fmt.Errorf("secret file %s is empty", path)
	}
	return s, nil
}

// scramClient is sarama's SCRAM client on github.com/xdg-go/scram (the
// usual implementation, as in sarama's examples).
type scramClient struct {
	hash scram.HashGeneratorFcn
	conv *scram.ClientConversation
}

func (c *scramClient) Begin(user, password, authzID string) error {
	client, err := c.hash.NewClient(user, password, authzID)
	if err != nil {
		return err
	}
	c.conv = client.NewConversation()
	return nil
}

func (c *scramClient) Step(challenge string) (string, error) { return c.conv.Step(challenge) }

func (c *scramClient) Done() bool { return c.conv.Done() }
