package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
)

func TestKafkaSecurityConfiguration(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "password")
	require.NoError(t, os.WriteFile(pwFile, []byte("from-file\n"), 0o600))

	t.Run("environment", func(t *testing.T) {
		cfg, _, err := configureWith(t, nil, map[string]string{
			"DSMF_BROKERS": "kafka:9092", "DSMF_KAFKA_SASL_MECHANISM": "SCRAM-SHA-256",
			"DSMF_KAFKA_SASL_USER": "adapter", "DSMF_KAFKA_SASL_PASSWORD": "from-env",
		})
		require.NoError(t, err)
		assert.Equal(t, kafka.Security{SASLMechanism: "SCRAM-SHA-256", SASLUser: "adapter", SASLPassword: "from-env"}, cfg.Kafka)
	})
	t.Run("flags over the environment, password from a file", func(t *testing.T) {
		cfg, _, err := configureWith(t, []string{"-kafka-sasl-user", "other", "-kafka-sasl-password-file", pwFile},
			map[string]string{"DSMF_BROKERS": "kafka:9092", "DSMF_KAFKA_SASL_MECHANISM": "PLAIN",
				"DSMF_KAFKA_SASL_USER": "adapter", "DSMF_KAFKA_TLS": "true"})
		require.NoError(t, err)
		assert.Equal(t, kafka.Security{SASLMechanism: "PLAIN", SASLUser: "other", SASLPassword: "from-file", TLS: true}, cfg.Kafka)
	})
	t.Run("password file from the environment", func(t *testing.T) {
		cfg, _, err := configureWith(t, nil, map[string]string{"DSMF_BROKERS": "kafka:9092",
			"DSMF_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512", "DSMF_KAFKA_SASL_USER": "adapter",
			"DSMF_KAFKA_SASL_PASSWORD_FILE": pwFile})
		require.NoError(t, err)
		assert.Equal(t, "from-file", cfg.Kafka.SASLPassword)
	})

	for _, c := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"user without mechanism", nil, map[string]string{"DSMF_BROKERS": "k:9092", "DSMF_KAFKA_SASL_USER": "adapter"},
			"no SASL mechanism"},
		{"mechanism without password", []string{"-kafka-sasl-mechanism", "PLAIN", "-kafka-sasl-user", "u"},
			map[string]string{"DSMF_BROKERS": "k:9092"}, "needs a password"},
		{"two passwords", nil, map[string]string{"DSMF_BROKERS": "k:9092", "DSMF_KAFKA_SASL_MECHANISM": "PLAIN",
			"DSMF_KAFKA_SASL_USER": "u", "DSMF_KAFKA_SASL_PASSWORD": "p", "DSMF_KAFKA_SASL_PASSWORD_FILE": pwFile}, "not both"},
		{"missing password file", []string{"-kafka-sasl-password-file", filepath.Join(dir, "missing")},
			map[string]string{"DSMF_BROKERS": "k:9092", "DSMF_KAFKA_SASL_MECHANISM": "PLAIN", "DSMF_KAFKA_SASL_USER": "u"},
			"password file"},
		{"not a boolean", nil, map[string]string{"DSMF_BROKERS": "k:9092", "DSMF_KAFKA_TLS": "yes please"}, "DSMF_KAFKA_TLS"},
		{"CA without TLS", []string{"-kafka-tls-ca", "ca.pem"}, map[string]string{"DSMF_BROKERS": "k:9092"}, "TLS is off"},
		{"security with the embedded broker", nil, map[string]string{"DSMF_KAFKA_TLS": "true"}, "embedded broker"},
	} {
		t.Run("refused: "+c.name, func(t *testing.T) {
			_, _, err := configureWith(t, c.args, c.env)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), "from-file")
		})
	}
}
