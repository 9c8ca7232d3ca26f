package service_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/service"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// TestAdapterOverTLS runs the adapter against a broker that speaks only
// SASL_SSL and asks for a client certificate (mutual TLS): with the CA file,
// its certificate and SCRAM-SHA-512 credentials it works end to end; with
// any one of them missing or wrong it does not start.
func TestAdapterOverTLS(t *testing.T) {
	pki := newTestPKI(t)
	clientCAs := x509.NewCertPool()
	clientCAs.AddCert(pki.ca)
	opts := []kfake.Opt{
		kfake.TLS(&tls.Config{Certificates: []tls.Certificate{pki.server}, MinVersion: tls.VersionTLS12,
			ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clientCAs}),
		kfake.EnableSASL(),
		kfake.Superuser(kafka.SASLScramSHA512, "adapter", "adapter-secret"),
	}
	sec := kafka.Security{SASLMechanism: kafka.SASLScramSHA512, SASLUser: "adapter", SASLPassword: "adapter-secret",
		TLS: true, TLSCAFile: pki.caFile, TLSCertFile: pki.clientCertFile, TLSKeyFile: pki.clientKeyFile}
	require.NoError(t, sec.Validate())

	h := testkit.Start(t, testkit.Options{KfakeOptions: opts, Kafka: sec})
	director := h.Login(testkit.DirectorLogin(testkit.Insurer.VOEN))
	h.MustOK(h.Request(testkit.ProfileGet(director)), contracts.TypeProfileResult, nil)

	t.Run("the broker's name can be set", func(t *testing.T) {
		s := sec
		s.TLSServerName = "localhost" // the server certificate names localhost and 127.0.0.1
		connects(t, h.Brokers, s)
	})
	t.Run("insecure skip verify connects without the CA", func(t *testing.T) {
		s := sec
		s.TLSCAFile, s.TLSInsecureSkipVerify = "", true
		assert.NotEmpty(t, s.Warnings())
		connects(t, h.Brokers, s)
	})

	for _, c := range []struct {
		name string
		edit func(*kafka.Security)
		want string
	}{
		{"without the CA file", func(s *kafka.Security) { s.TLSCAFile = "" }, "certificate signed by unknown authority"},
		{"with another CA", func(s *kafka.Security) { s.TLSCAFile = newTestPKI(t).caFile }, "certificate signed by unknown authority"},
		{"with a server name the certificate lacks", func(s *kafka.Security) { s.TLSServerName = "kafka.example" }, "kafka.example"},
		{"without a client certificate", func(s *kafka.Security) { s.TLSCertFile, s.TLSKeyFile = "", "" }, "certificate required"},
		{"without TLS", func(s *kafka.Security) {
			s.TLS, s.TLSCAFile, s.TLSCertFile, s.TLSKeyFile = false, "", "", ""
		}, ""},
		{"with a wrong password", func(s *kafka.Security) { s.SASLPassword = "guess" }, ""},
	} {
		t.Run("refused "+c.name, func(t *testing.T) {
			s := sec
			c.edit(&s)
			_, err := service.New(service.Config{Brokers: h.Brokers, Kafka: s, ClientID: "tls-test",
				AllowUnsignedAssertions: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			require.Error(t, err)
			t.Log(err)
			assert.Contains(t, err.Error(), "connect to Kafka")
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), s.SASLPassword, "an error names the password")
		})
	}
}

// connects checks that a client with these settings gets metadata.
func connects(t *testing.T, brokers []string, s kafka.Security) {
	t.Helper()
	require.NoError(t, s.Validate())
	c, err := sarama.NewClient(brokers, kafka.Config{ClientID: "tls-test", Security: s}.SaramaConfig())
	require.NoError(t, err)
	defer c.Close()
	topics, err := c.Topics()
	require.NoError(t, err)
	assert.Contains(t, topics, contracts.TopicEvents)
}

// testPKI is a CA, a server certificate for 127.0.0.1 and localhost, and a
// client certificate, the CA and client ones also written as PEM files.
type testPKI struct {
	ca                                    *x509.Certificate
	server                                tls.Certificate
	caFile, clientCertFile, clientKeyFile string
}

func newTestPKI(t *testing.T) testPKI {
	t.Helper()
	dir := t.TempDir()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "dsmf test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)

	issue := func(serial int64, name string, usage x509.ExtKeyUsage, ips []net.IP, dns []string) ([]byte, *ecdsa.PrivateKey) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: ips, DNSNames: dns}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		require.NoError(t, err)
		return der, key
	}
	write := func(name, typ string, der []byte) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600))
		return path
	}
	keyDER := func(k *ecdsa.PrivateKey) []byte {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		require.NoError(t, err)
		return der
	}

	serverDER, serverKey := issue(2, "kafka", x509.ExtKeyUsageServerAuth, []net.IP{net.IPv4(127, 0, 0, 1)}, []string{"localhost"})
	clientDER, clientKey := issue(3, "adapter", x509.ExtKeyUsageClientAuth, nil, nil)
	return testPKI{
		ca:             ca,
		server:         tls.Certificate{Certificate: [][]byte{serverDER}, PrivateKey: serverKey},
		caFile:         write("ca.pem", "CERTIFICATE", caDER),
		clientCertFile: write("client.pem", "CERTIFICATE", clientDER),
		clientKeyFile:  write("client-key.pem", "PRIVATE KEY", keyDER(clientKey)),
	}
}
