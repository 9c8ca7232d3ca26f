package service_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/kafka/embedded"
	"github.com/dsmf/ssc-adapter/adapters/service"
	"github.com/dsmf/ssc-adapter/contracts"
)

// With topics left to an operator, a missing one stops the start with a
// message naming it, instead of writes that fail for ever.
func TestStartRefusesMissingTopics(t *testing.T) {
	b, err := embedded.Start(embedded.Options{Addr: "127.0.0.1:0"})
	require.NoError(t, err)
	defer b.Close()
	specs := contracts.Topics(contracts.DefaultPartitions)
	require.NoError(t, kafka.CreateTopics(b.Addrs(), specs[:len(specs)-1])) // all but the last

	_, err = service.New(service.Config{Brokers: b.Addrs(), CreateTopics: false, AllowUnsignedAssertions: true})
	require.Error(t, err)
	assert.Contains(t, err.Error(), specs[len(specs)-1].Name)
	assert.Contains(t, err.Error(), "DSMF_CREATE_TOPICS")
}
