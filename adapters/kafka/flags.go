package kafka

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
)

// SecurityFlags declares the Kafka SASL and TLS settings on fs, with the
// DSMF_KAFKA_* environment variables as defaults, and returns what
// resolves and checks them after fs.Parse. The adapter and dsmfctl share it.
//
// The password has no flag (a flag shows in every process list): it comes
// from DSMF_KAFKA_SASL_PASSWORD, or from a file named by
// DSMF_KAFKA_SASL_PASSWORD_FILE or -kafka-sasl-password-file (a Docker or
// Kubernetes secret).
func SecurityFlags(fs *flag.FlagSet, getenv func(string) string) func() (Security, error) {
	var errs []error
	strictBool := func(name string) bool {
		v := getenv(name)
		if v == "" {
			return false
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q is not a boolean (true or false)", name, v))
		}
		return b
	}
	mech := fs.String("kafka-sasl-mechanism", getenv("DSMF_KAFKA_SASL_MECHANISM"), "SASL mechanism to the brokers: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; empty: no SASL (env DSMF_KAFKA_SASL_MECHANISM)")
	user := fs.String("kafka-sasl-user", getenv("DSMF_KAFKA_SASL_USER"), "SASL user (env DSMF_KAFKA_SASL_USER)")
	passFile := fs.String("kafka-sasl-password-file", getenv("DSMF_KAFKA_SASL_PASSWORD_FILE"), "file holding the SASL password (env DSMF_KAFKA_SASL_PASSWORD_FILE; or give the password itself in env DSMF_KAFKA_SASL_PASSWORD)")
	useTLS := fs.Bool("kafka-tls", strictBool("DSMF_KAFKA_TLS"), "TLS to the brokers (env DSMF_KAFKA_TLS)")
	ca := fs.String("kafka-tls-ca", getenv("DSMF_KAFKA_TLS_CA"), "PEM file of the CA certificates that sign the brokers' certificates; empty: the system's (env DSMF_KAFKA_TLS_CA)")
	cert := fs.String("kafka-tls-cert", getenv("DSMF_KAFKA_TLS_CERT"), "PEM client certificate for mutual TLS (env DSMF_KAFKA_TLS_CERT)")
	key := fs.String("kafka-tls-key", getenv("DSMF_KAFKA_TLS_KEY"), "PEM key of the client certificate (env DSMF_KAFKA_TLS_KEY)")
	serverName := fs.String("kafka-tls-server-name", getenv("DSMF_KAFKA_TLS_SERVER_NAME"), "name the brokers' certificates must carry; empty: the broker's host (env DSMF_KAFKA_TLS_SERVER_NAME)")
	insecure := fs.Bool("kafka-tls-insecure", strictBool("DSMF_KAFKA_TLS_INSECURE"), "do not verify the brokers' certificates: development only (env DSMF_KAFKA_TLS_INSECURE)")

	return func() (Security, error) {
		sec := Security{SASLMechanism: *mech, SASLUser: *user, SASLPassword: getenv("DSMF_KAFKA_SASL_PASSWORD"),
			TLS: *useTLS, TLSCAFile: *ca, TLSCertFile: *cert, TLSKeyFile: *key, TLSServerName: *serverName,
			TLSInsecureSkipVerify: *insecure}
		if *passFile != "" {
			if sec.SASLPassword != "" {
				errs = append(errs, errors.New("give the SASL password once: DSMF_KAFKA_SASL_PASSWORD or a password file, not both"))
			} else if p, err := ReadSecretFile(*passFile); err != nil {
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
			return Security{}, fmt.Errorf("kafka security: %w", err)
		}
		return sec, nil
	}
}
