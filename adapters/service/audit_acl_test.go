package service_test

import (
	"encoding/json"
	"testing"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/kafka/embedded"
	"github.com/dsmf/ssc-adapter/adapters/service"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

var auditorLogin = kafka.Security{SASLMechanism: kafka.SASLScramSHA256, SASLUser: kafka.PrincipalAuditor, SASLPassword: "auditor-secret"}

// connectReader logs in as a principal that writes nowhere: a client
// without a producer.
func connectReader(t *testing.T, brokers []string, sec kafka.Security) *principalClient {
	t.Helper()
	sc := kafka.Config{ClientID: "acl-test-" + sec.SASLUser, Security: sec}.SaramaConfig()
	sc.Metadata.Retry.Max = 1
	client, err := sarama.NewClient(brokers, sc)
	require.NoError(t, err, "log in as %s", sec.SASLUser)
	t.Cleanup(func() { client.Close() })
	return &principalClient{client: client, sec: sec, brokers: brokers}
}

// Issue 8: with SASL and ACLs on, the adapter (its own principal) writes the
// audit trail, the auditor reads it in its own group and reads nothing else,
// and neither the portal nor the back office can read it; no one but the
// adapter writes it.
func TestAuditTrailWithACLs(t *testing.T) {
	opts := append(secureCluster(), embedded.User(auditorLogin.SASLMechanism, auditorLogin.SASLUser,
		auditorLogin.SASLPassword, kafka.Grants("dsmf-ssc-adapter")))
	h := testkit.Start(t, testkit.Options{KfakeOptions: opts, Kafka: adapterLogin, ClientKafka: adminLogin})

	auditor := connectReader(t, h.Brokers, auditorLogin)
	portal := connectAs(t, h.Brokers, portalLogin)
	backOffice := connectAs(t, h.Brokers, backOfficeLogin)

	trail := auditor.consume(t, kafka.AuditorGroupPrefix+"-acl-test", contracts.TopicAudit)
	login := h.Sign(testkit.DirectorLogin(testkit.Insurer.VOEN))
	require.NoError(t, portal.send(login, contracts.SourcePortal))
	r := trail.wait(t, contracts.TopicAudit, func(r testkit.Received) bool {
		return r.Envelope.Extension(contracts.ExtensionCorrelationID) == login.ID
	})
	var rec contracts.AuditRecord
	require.NoError(t, json.Unmarshal(r.Raw, &rec))
	assert.Equal(t, contracts.AuditAccepted, rec.Outcome)
	assert.Equal(t, contracts.RoleOwner, rec.Role)

	t.Run("the auditor reads the audit trail and nothing else", func(t *testing.T) {
		for _, topic := range []string{contracts.TopicEvents, contracts.TopicReplies, contracts.TopicNotices,
			contracts.TopicDeadLetter, contracts.TopicPortalCommands, contracts.TopicIdentityDocuments, service.TopicStateSnapshots} {
			assertTopicDenied(t, auditor.read(topic))
		}
		// It may write nowhere, so it cannot even start an (idempotent)
		// producer.
		_, err := sarama.NewSyncProducerFromClient(auditor.client)
		assert.ErrorIs(t, err, sarama.ErrClusterAuthorizationFailed)
		assert.ErrorIs(t, auditor.joinOnce(kafka.PortalGroupPrefix+"-x", contracts.TopicAudit), sarama.ErrGroupAuthorizationFailed)
	})
	t.Run("the portal and the back office neither read nor write it", func(t *testing.T) {
		for _, p := range []*principalClient{portal, backOffice} {
			assertTopicDenied(t, p.read(contracts.TopicAudit))
			env, err := testkit.ProfileGet(testkit.Session{ID: rec.SessionID, VOEN: testkit.Insurer.VOEN}).Envelope(contracts.SourcePortal, rec.At)
			require.NoError(t, err)
			assertTopicDenied(t, p.produce(contracts.TopicAudit, env))
		}
	})
}
