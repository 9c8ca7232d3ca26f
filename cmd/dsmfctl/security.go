package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
)

// securityFlags declares the Kafka SASL and TLS settings on the top-level
// flag set, with the adapter's environment variables as defaults, and
// returns what resolves them after parsing. As with the adapter, the SASL
// password has no flag (it would show in the process list): it comes from
// DSMF_KAFKA_SASL_PASSWORD or a file.
func securityFlags(fs *flag.FlagSet, e *env) func() (kafka.Security, error) {
	var errs []error
	boolEnv := func(name string) bool {
		v := e.getenv(name)
		if v == "" {
			return false
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q is not a boolean", name, v))
		}
		return b
	}
	mech := fs.String("kafka-sasl-mechanism", e.getenv("DSMF_KAFKA_SASL_MECHANISM"), "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; empty: no SASL (env DSMF_KAFKA_SASL_MECHANISM)")
	user := fs.String("kafka-sasl-user", e.getenv("DSMF_KAFKA_SASL_USER"), "SASL user (env DSMF_KAFKA_SASL_USER)")
	passFile := fs.String("kafka-sasl-password-file", e.getenv("DSMF_KAFKA_SASL_PASSWORD_FILE"), "file holding the SASL password (env DSMF_KAFKA_SASL_PASSWORD_FILE, or the password itself in DSMF_KAFKA_SASL_PASSWORD)")
	useTLS := fs.Bool("kafka-tls", boolEnv("DSMF_KAFKA_TLS"), "TLS to the brokers (env DSMF_KAFKA_TLS)")
	ca := fs.String("kafka-tls-ca", e.getenv("DSMF_KAFKA_TLS_CA"), "PEM file of the CAs of the brokers' certificates; empty: the system's (env DSMF_KAFKA_TLS_CA)")
	cert := fs.String("kafka-tls-cert", e.getenv("DSMF_KAFKA_TLS_CERT"), "PEM client certificate for mutual TLS (env DSMF_KAFKA_TLS_CERT)")
	key := fs.String("kafka-tls-key", e.getenv("DSMF_KAFKA_TLS_KEY"), "PEM key of the client certificate (env DSMF_KAFKA_TLS_KEY)")
	serverName := fs.String("kafka-tls-server-name", e.getenv("DSMF_KAFKA_TLS_SERVER_NAME"), "name the brokers' certificates must carry (env DSMF_KAFKA_TLS_SERVER_NAME)")
	insecure := fs.Bool("kafka-tls-insecure", boolEnv("DSMF_KAFKA_TLS_INSECURE"), "do not verify the brokers' certificates: development only (env DSMF_KAFKA_TLS_INSECURE)")
	return func() (kafka.Security, error) {
		sec := kafka.Security{SASLMechanism: *mech, SASLUser: *user, SASLPassword: e.getenv("DSMF_KAFKA_SASL_PASSWORD"),
			TLS: *useTLS, TLSCAFile: *ca, TLSCertFile: *cert, TLSKeyFile: *key, TLSServerName: *serverName,
			TLSInsecureSkipVerify: *insecure}
		if *passFile != "" {
			if sec.SASLPassword != "" {
				errs = append(errs, errors.New("give the SASL password once: DSMF_KAFKA_SASL_PASSWORD or a password file"))
			} else if p, err := kafka.ReadSecretFile(*passFile); err != nil {
				errs = append(errs, fmt.Errorf("SASL password file: %w", err))
			} else {
				sec.SASLPassword = p
			}
		}
		if len(errs) == 0 {
			if err := sec.Validate(); err != nil {
				errs = append(errs, err)
			}
		}
		if err := errors.Join(errs...); err != nil {
			return kafka.Security{}, fmt.Errorf("kafka security: %w", err)
		}
		return sec, nil
	}
}
