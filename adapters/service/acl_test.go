package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/kafka/embedded"
	"github.com/dsmf/ssc-adapter/adapters/service"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// The principals of the test and how each logs in: SCRAM-SHA-256 for the
// adapter and the portal, PLAIN for the back office and the operators'
// super user, SCRAM-SHA-512 for the registers.
var (
	adminLogin      = kafka.Security{SASLMechanism: kafka.SASLPlain, SASLUser: "admin", SASLPassword: "admin-secret"}
	adapterLogin    = kafka.Security{SASLMechanism: kafka.SASLScramSHA256, SASLUser: kafka.PrincipalAdapter, SASLPassword: "adapter-secret"}
	portalLogin     = kafka.Security{SASLMechanism: kafka.SASLScramSHA256, SASLUser: kafka.PrincipalPortal, SASLPassword: "portal-secret"}
	backOfficeLogin = kafka.Security{SASLMechanism: kafka.SASLPlain, SASLUser: kafka.PrincipalBackOffice, SASLPassword: "backoffice-secret"}
	registersLogin  = kafka.Security{SASLMechanism: kafka.SASLScramSHA512, SASLUser: kafka.PrincipalRegisters, SASLPassword: "registers-secret"}
)

// secureCluster is kfake with SASL and ACLs on, the principals holding
// exactly kafka.Grants, and the topics created beforehand (as kafka-init
// does in docker-compose.yml: the adapter may not create topics).
func secureCluster() []kfake.Opt {
	grants := kafka.Grants("dsmf-ssc-adapter")
	opts := []kfake.Opt{kfake.EnableSASL(), kfake.EnableACLs(),
		kfake.Superuser(adminLogin.SASLMechanism, adminLogin.SASLUser, adminLogin.SASLPassword)}
	for _, l := range []kafka.Security{adapterLogin, portalLogin, backOfficeLogin, registersLogin} {
		opts = append(opts, embedded.User(l.SASLMechanism, l.SASLUser, l.SASLPassword, grants))
	}
	for _, s := range append(contracts.Topics(contracts.DefaultPartitions), service.SnapshotTopicSpec()) {
		opts = append(opts, kfake.SeedTopics(s.Partitions, s.Name))
	}
	return opts
}

// TestTopicSeparationWithACLs runs the adapter as the "adapter" principal
// on a broker with SASL and ACLs, and checks what each principal can and
// cannot do. The harness's own client is the operators' super user: it loads
// the reference fixtures.
func TestTopicSeparationWithACLs(t *testing.T) {
	h := testkit.Start(t, testkit.Options{KfakeOptions: secureCluster(), Kafka: adapterLogin, ClientKafka: adminLogin})
	brokers := h.Brokers

	portal := connectAs(t, brokers, portalLogin)
	backOffice := connectAs(t, brokers, backOfficeLogin)
	registers := connectAs(t, brokers, registersLogin)

	// The portal logs in and reads its reply in a group of its own.
	portalIn := portal.consume(t, kafka.PortalGroupPrefix+"-acl-test", contracts.TopicReplies, contracts.TopicNotices,
		contracts.TopicApplicationStatus)
	login := h.Sign(testkit.DirectorLogin(testkit.Insurer.VOEN))
	require.NoError(t, portal.send(login, contracts.SourcePortal))
	reply := portalIn.wait(t, contracts.TopicReplies, func(r testkit.Received) bool {
		return r.Envelope.Extension(contracts.ExtensionCorrelationID) == login.ID
	})
	require.Equal(t, contracts.TypeLoginResult, reply.Envelope.Type, "login refused: %s", reply.Raw)
	var session contracts.LoginResult
	require.NoError(t, json.Unmarshal(reply.Envelope.Data, &session))
	director := testkit.Session{ID: session.SessionID, VOEN: testkit.Insurer.VOEN}

	submit := testkit.SubmitNew(director)
	require.NoError(t, portal.send(submit, contracts.SourcePortal))
	reply = portalIn.wait(t, contracts.TopicReplies, func(r testkit.Received) bool {
		return r.Envelope.Extension(contracts.ExtensionCorrelationID) == submit.ID
	})
	require.Equal(t, contracts.TypeSubmitResult, reply.Envelope.Type, "submit refused: %s", reply.Raw)
	var submitted contracts.SubmitResult
	require.NoError(t, json.Unmarshal(reply.Envelope.Data, &submitted))
	app := submitted.Application
	portalIn.wait(t, contracts.TopicNotices, func(r testkit.Received) bool {
		return r.Envelope.Extension("applicationid") == app.ApplicationID
	})
	// The status projector works under the adapter's ACLs (its group and
	// transactional ids), and the portal may read what it publishes.
	portalIn.wait(t, contracts.TopicApplicationStatus, func(r testkit.Received) bool {
		var s contracts.ApplicationStatus
		return json.Unmarshal(r.Envelope.Data, &s) == nil && s.ApplicationID == app.ApplicationID &&
			s.Status == contracts.StatusSubmitted
	})

	t.Run("portal may not write back-office commands or the event log", func(t *testing.T) {
		forged := testkit.Decision(app.InsurerVOEN, app.ApplicationID, contracts.DecisionIssueCertificate)
		assertTopicDenied(t, portal.send(forged, contracts.SourceBackOffice))
		forged.Topic = contracts.TopicEvents
		assertTopicDenied(t, portal.send(forged, contracts.SourcePortal))
	})
	t.Run("portal may not read the event log or dead letters", func(t *testing.T) {
		assertTopicDenied(t, portal.read(contracts.TopicEvents))
		assertTopicDenied(t, portal.read(contracts.TopicDeadLetter))
		assert.NoError(t, portal.read(contracts.TopicReplies), "the portal reads replies")
	})
	t.Run("portal may not join the adapter's consumer group", func(t *testing.T) {
		err := portal.joinOnce("dsmf-ssc-adapter", contracts.TopicReplies)
		assert.ErrorIs(t, err, sarama.ErrGroupAuthorizationFailed)
	})

	t.Run("back office reads the event log and writes a decision", func(t *testing.T) {
		events := backOffice.consume(t, kafka.BackOfficeGroupPrefix+"-acl-test", contracts.TopicEvents, contracts.TopicNotices,
			contracts.TopicApplicationStatus, contracts.TopicBackOfficeReplies)
		events.wait(t, contracts.TopicEvents, func(r testkit.Received) bool {
			return r.Envelope.Type == contracts.TypeApplicationSubmitted && r.Envelope.Key == app.InsurerVOEN
		})
		decision := testkit.Decision(app.InsurerVOEN, app.ApplicationID, contracts.DecisionTakeIntoProcessing)
		require.NoError(t, backOffice.send(decision, contracts.SourceBackOffice))
		moved := events.wait(t, contracts.TopicEvents, func(r testkit.Received) bool {
			var e contracts.ApplicationStatusChanged
			return r.Envelope.Type == contracts.TypeApplicationStatusMoved &&
				json.Unmarshal(r.Envelope.Data, &e) == nil && e.CommandID == decision.ID
		})
		var change contracts.ApplicationStatusChanged
		require.NoError(t, json.Unmarshal(moved.Envelope.Data, &change))
		assert.Equal(t, app.ApplicationID, change.ApplicationID)
		events.wait(t, contracts.TopicNotices, func(r testkit.Received) bool {
			return r.Envelope.Extension("applicationid") == app.ApplicationID && r.Envelope.Extension("noticeversion") == "2"
		})
		events.wait(t, contracts.TopicBackOfficeReplies, func(r testkit.Received) bool {
			return r.Envelope.Extension(contracts.ExtensionCorrelationID) == decision.ID &&
				r.Envelope.Type == contracts.TypeDecisionResult
		})
		events.wait(t, contracts.TopicApplicationStatus, func(r testkit.Received) bool {
			var s contracts.ApplicationStatus
			return json.Unmarshal(r.Envelope.Data, &s) == nil && s.ApplicationID == app.ApplicationID &&
				s.Status == contracts.StatusInProcessing
		})
	})
	t.Run("back office may not write portal commands or the event log", func(t *testing.T) {
		forged := testkit.ProfileGet(director)
		assertTopicDenied(t, backOffice.send(forged, contracts.SourcePortal))
		forged.Topic = contracts.TopicEvents
		assertTopicDenied(t, backOffice.send(forged, contracts.SourceBackOffice))
		assertTopicDenied(t, backOffice.read(contracts.TopicReplies))
		assertTopicDenied(t, portal.read(contracts.TopicBackOfficeReplies))
	})

	t.Run("registers write reference data and nothing else", func(t *testing.T) {
		_, env, err := contracts.ReferenceEnvelope("acl-test-insurer", testkit.Insurer, time.Now())
		require.NoError(t, err)
		assert.NoError(t, registers.produce(contracts.TopicInsurers, env))
		assertTopicDenied(t, registers.produce(contracts.TopicEvents, env))
		assertTopicDenied(t, registers.produce(contracts.TopicPortalCommands, env))
		assertTopicDenied(t, registers.read(contracts.TopicInsurers))
	})

	t.Run("adapter may not create topics", func(t *testing.T) {
		sc := kafka.Config{ClientID: "acl-test", Security: adapterLogin}.SaramaConfig()
		admin, err := sarama.NewClusterAdmin(brokers, sc)
		require.NoError(t, err)
		defer admin.Close()
		err = admin.CreateTopic("dsmf.ssc.unplanned.v1", &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: -1}, false)
		assert.ErrorIs(t, err, sarama.ErrTopicAuthorizationFailed)
	})

	t.Run("a wrong password or an unknown user is refused", func(t *testing.T) {
		for _, l := range []kafka.Security{
			{SASLMechanism: kafka.SASLScramSHA256, SASLUser: kafka.PrincipalPortal, SASLPassword: "guess"},
			{SASLMechanism: kafka.SASLPlain, SASLUser: kafka.PrincipalBackOffice, SASLPassword: "guess"},
			{SASLMechanism: kafka.SASLScramSHA256, SASLUser: "mallory", SASLPassword: "portal-secret"},
			// Right password, but the portal is a SCRAM-SHA-256 user only.
			{SASLMechanism: kafka.SASLPlain, SASLUser: kafka.PrincipalPortal, SASLPassword: "portal-secret"},
		} {
			sc := kafka.Config{ClientID: "acl-test", Security: l}.SaramaConfig()
			sc.Metadata.Retry.Max = 0
			c, err := sarama.NewClient(brokers, sc)
			if !assert.Error(t, err, "%s logged in", l) {
				c.Close()
				continue
			}
			// Kafka answers SASL_AUTHENTICATION_FAILED; kfake closes the
			// connection. Either way the client gets no broker.
			assert.ErrorIs(t, err, sarama.ErrOutOfBrokers, "%s", l)
		}
		sc := kafka.Config{ClientID: "acl-test"}.SaramaConfig()
		sc.Metadata.Retry.Max = 0
		if c, err := sarama.NewClient(brokers, sc); !assert.Error(t, err, "a client without SASL got in") {
			c.Close()
		}
	})

	// The snapshots of state hold personal data (names, FINs): the adapter's
	// alone. Last: it restarts the adapter.
	t.Run("only the adapter writes and reads its snapshots of state", func(t *testing.T) {
		_, env, err := contracts.ReferenceEnvelope("acl-test-insurer", testkit.Insurer, time.Now())
		require.NoError(t, err)
		for _, p := range []*principalClient{portal, backOffice, registers} {
			assertTopicDenied(t, p.read(service.TopicStateSnapshots))
			assertTopicDenied(t, p.produce(service.TopicStateSnapshots, env))
		}
		require.NoError(t, h.Instances()[0].Service.Checkpoint(context.Background()), "the adapter writes a checkpoint")
		restarted := h.RestartAdapter().Service
		assert.NotEmpty(t, restarted.Restored(), "the restarted adapter restores the checkpoint")
	})
}

// assertTopicDenied checks that an operation failed because the broker
// refused the principal the topic.
func assertTopicDenied(t *testing.T, err error) {
	t.Helper()
	assert.ErrorIs(t, err, sarama.ErrTopicAuthorizationFailed)
}

// principalClient is a portal, back-office or registers application: a
// sarama client logged in as its principal, as those teams would write it.
type principalClient struct {
	client   sarama.Client
	producer sarama.SyncProducer
	sec      kafka.Security
	brokers  []string
}

func connectAs(t *testing.T, brokers []string, sec kafka.Security) *principalClient {
	t.Helper()
	sc := kafka.Config{ClientID: "acl-test-" + sec.SASLUser, Security: sec}.SaramaConfig()
	sc.Metadata.Retry.Max = 1
	client, err := sarama.NewClient(brokers, sc)
	require.NoError(t, err, "log in as %s", sec.SASLUser)
	producer, err := sarama.NewSyncProducerFromClient(client)
	require.NoError(t, err)
	t.Cleanup(func() {
		producer.Close()
		client.Close()
	})
	return &principalClient{client: client, producer: producer, sec: sec, brokers: brokers}
}

func (p *principalClient) send(c testkit.Command, source string) error {
	env, err := c.Envelope(source, time.Now())
	if err != nil {
		return err
	}
	return p.produce(c.Topic, env)
}

func (p *principalClient) produce(topic string, env contracts.Envelope) error {
	msg := &sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder(env.Key), Value: sarama.ByteEncoder(env.Data)}
	for _, h := range env.BinaryHeaders() {
		msg.Headers = append(msg.Headers, sarama.RecordHeader{Key: []byte(h.Key), Value: h.Value})
	}
	_, _, err := p.producer.SendMessage(msg)
	return err
}

// read fetches from partition 0 of a topic, without a group, and returns
// the broker's verdict: the error of the metadata or of the fetch's answer
// for that partition (nil when the principal may read it).
func (p *principalClient) read(topic string) error {
	leader, err := p.client.Leader(topic, 0)
	if err != nil {
		return err
	}
	req := &sarama.FetchRequest{Version: 4, MaxWaitTime: 10, MinBytes: 1, MaxBytes: 1 << 20}
	req.AddBlock(topic, 0, 0, 1<<20, -1)
	resp, err := leader.Fetch(req)
	if err != nil {
		return err
	}
	block := resp.GetBlock(topic, 0)
	if block == nil {
		return fmt.Errorf("fetch %s: no answer for partition 0", topic)
	}
	if block.Err != sarama.ErrNoError {
		return block.Err
	}
	return nil
}

// joinOnce tries to join a consumer group and returns the first error.
func (p *principalClient) joinOnce(group string, topics ...string) error {
	sc := kafka.Config{ClientID: "acl-test-join", Security: p.sec}.SaramaConfig()
	sc.Consumer.Group.Rebalance.Retry.Max = 0
	cg, err := sarama.NewConsumerGroup(p.brokers, group, sc)
	if err != nil {
		return err
	}
	defer cg.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return cg.Consume(ctx, topics, handler{out: func(*sarama.ConsumerMessage) {}})
}

// consume reads topics in a consumer group from their oldest records.
func (p *principalClient) consume(t *testing.T, group string, topics ...string) *inbox {
	t.Helper()
	sc := kafka.Config{ClientID: "acl-test-" + p.sec.SASLUser, Security: p.sec}.SaramaConfig()
	sc.Consumer.Group.Heartbeat.Interval = 200 * time.Millisecond
	sc.Consumer.MaxWaitTime = 20 * time.Millisecond
	sc.Consumer.IsolationLevel = sarama.ReadCommitted // the status topic is written in transactions
	cg, err := sarama.NewConsumerGroup(p.brokers, group, sc)
	require.NoError(t, err, "%s joins %s", p.sec.SASLUser, group)
	in := &inbox{changed: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			if err := cg.Consume(ctx, topics, handler{out: in.add}); err != nil {
				in.fail(err)
				return
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		cg.Close()
	})
	return in
}

type handler struct{ out func(*sarama.ConsumerMessage) }

func (handler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (handler) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (h handler) ConsumeClaim(s sarama.ConsumerGroupSession, c sarama.ConsumerGroupClaim) error {
	for m := range c.Messages() {
		h.out(m)
		s.MarkMessage(m, "")
	}
	return nil
}

// inbox keeps what a group consumer read.
type inbox struct {
	mu      sync.Mutex
	seen    []testkit.Received
	err     error
	changed chan struct{}
}

func (in *inbox) add(m *sarama.ConsumerMessage) {
	r := testkit.Received{Topic: m.Topic, Partition: m.Partition, Offset: m.Offset, Raw: m.Value, Key: string(m.Key)}
	for _, h := range m.Headers {
		r.Headers = append(r.Headers, contracts.Header{Key: string(h.Key), Value: h.Value})
	}
	r.Envelope, _ = contracts.DecodeEnvelope(m.Key, r.Headers, m.Value)
	in.mu.Lock()
	in.seen = append(in.seen, r)
	close(in.changed)
	in.changed = make(chan struct{})
	in.mu.Unlock()
}

func (in *inbox) fail(err error) {
	in.mu.Lock()
	in.err = err
	close(in.changed)
	in.changed = make(chan struct{})
	in.mu.Unlock()
}

func (in *inbox) wait(t *testing.T, topic string, match func(testkit.Received) bool) testkit.Received {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		in.mu.Lock()
		for _, r := range in.seen {
			if r.Topic == topic && match(r) {
				in.mu.Unlock()
				return r
			}
		}
		err, changed := in.err, in.changed
		in.mu.Unlock()
		if err != nil {
			t.Fatalf("consumer stopped: %v", err)
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("nothing matching on %s within 30s", topic)
		}
	}
}
