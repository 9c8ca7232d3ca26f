package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
)

// securityFlags declares the Kafka SASL and TLS settings (kafka.SecurityFlags)
// and refuses them with the embedded broker, which speaks PLAINTEXT only.
func securityFlags(fs *flag.FlagSet, getenv func(string) string) func(embedded bool) (kafka.Security, error) {
	resolve := kafka.SecurityFlags(fs, getenv)
	return func(embedded bool) (kafka.Security, error) {
		sec, err := resolve()
		if err != nil {
			return sec, err
		}
		if embedded && sec != (kafka.Security{}) {
			return kafka.Security{}, fmt.Errorf("kafka security: %w",
				errors.New("the SASL and TLS settings apply to DSMF_BROKERS; the embedded broker speaks PLAINTEXT only"))
		}
		return sec, nil
	}
}
