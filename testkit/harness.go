package testkit

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/kafka/embedded"
	"github.com/dsmf/ssc-adapter/adapters/service"
	"github.com/dsmf/ssc-adapter/contracts"
)

// TB is the part of testing.TB a Harness uses; *testing.T and
// *testing.B satisfy it, and Standalone gives one outside tests.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// Options configure a Harness.
type Options struct {
	// Brokers of a running deployment; empty starts an in-process kfake
	// cluster and the adapter on it.
	Brokers []string
	// DataDir makes the in-process cluster persist its data.
	DataDir string
	// KfakeOptions are added to the in-process cluster (ACLs, SASL, ...).
	KfakeOptions []kfake.Opt
	// SessionIdle of the in-process adapter.
	SessionIdle time.Duration
	// Now is the in-process adapter's clock.
	Now func() time.Time
	// Timeout bounds each wait for a reply or an event; default 15s.
	Timeout time.Duration
	// Logger receives the in-process adapter's logs; default discards them.
	Logger *slog.Logger
	// NoFixtures skips loading the fixtures into the reference topics.
	NoFixtures bool
	// Middlewares wrap the in-process adapter's command handlers.
	Middlewares []message.HandlerMiddleware
	// Kafka is the in-process adapter's SASL and TLS configuration.
	Kafka kafka.Security
	// ClientKafka is the harness client's (Harness.Client); zero uses Kafka.
	ClientKafka kafka.Security
	// SigningKey signs login assertions as the portal does, under
	// SigningKeyID. The in-process adapter gets a fresh key of its own when
	// none is given; against a deployment, give the key it trusts (without
	// one, assertions go unsigned).
	SigningKey   ed25519.PrivateKey
	SigningKeyID string
}

// Harness runs a test against the adapter: an in-process one by default,
// or a deployment given by its brokers.
type Harness struct {
	t       TB
	opts    Options
	cluster *embedded.Broker
	Brokers []string
	Client  *Client

	mu        sync.Mutex
	instances []*Instance
}

// Start starts a harness and registers its teardown with t.Cleanup.
func Start(t TB, opts Options) *Harness {
	t.Helper()
	if opts.Timeout == 0 {
		opts.Timeout = 15 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	h := &Harness{t: t, opts: opts, Brokers: opts.Brokers}
	t.Cleanup(h.close)
	if len(h.Brokers) == 0 {
		if h.opts.SigningKey == nil {
			_, h.opts.SigningKey, _ = ed25519.GenerateKey(nil)
			h.opts.SigningKeyID = "testkit"
		}
		c, err := embedded.Start(embedded.Options{Addr: "127.0.0.1:0", DataDir: opts.DataDir,
			Extra: append([]kfake.Opt{kfake.GroupMinSessionTimeout(time.Second)}, opts.KfakeOptions...)})
		if err != nil {
			t.Fatalf("testkit: start kfake: %v", err)
		}
		h.cluster, h.Brokers = c, c.Addrs()
		// The first instance creates the topics; the client needs them.
		h.StartInstance("adapter-1")
	}
	clientSec := opts.ClientKafka
	if clientSec == (kafka.Security{}) {
		clientSec = opts.Kafka
	}
	client, err := NewSecureClient(h.Brokers, clientSec)
	if err != nil {
		t.Fatalf("testkit: %v", err)
	}
	h.Client = client
	if !opts.NoFixtures {
		h.LoadFixtures()
	}
	return h
}

// Cluster is the in-process kfake cluster, or nil against a deployment.
func (h *Harness) Cluster() *kfake.Cluster {
	if h.cluster == nil {
		return nil
	}
	return h.cluster.Cluster
}

// LoadFixtures publishes the fixture reference records to the reference
// topics and waits until the adapter answers with them.
func (h *Harness) LoadFixtures() {
	h.t.Helper()
	for i, r := range fixtureRecords() {
		topic, env, err := contracts.ReferenceEnvelope(fmt.Sprintf("fixture-%d-%d", time.Now().UnixNano(), i), r, time.Now().UTC())
		if err != nil {
			h.t.Fatalf("testkit: fixture: %v", err)
		}
		if err := h.Client.Produce(topic, env); err != nil {
			h.t.Fatalf("testkit: %v", err)
		}
	}
	// In-process instances fold the reference topics asynchronously: wait
	// until each has the last fixture, so no test races the load.
	last := Employees[len(Employees)-1].Document.FIN
	deadline := time.Now().Add(h.opts.Timeout)
	for _, in := range h.Instances() {
		for {
			if _, ok := in.Service.State.View().Document(last); ok {
				break
			}
			if time.Now().After(deadline) {
				h.t.Fatalf("testkit: adapter %s did not fold the fixtures within %s", in.Name, h.opts.Timeout)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// Instance is one adapter process run in-process.
type Instance struct {
	Name    string
	Service *service.Service
	cancel  context.CancelFunc
	done    chan error
	stop    sync.Once
}

// StartInstance starts another adapter instance on the harness's cluster,
// in the same consumer group, and waits until it is ready.
func (h *Harness) StartInstance(name string) *Instance {
	h.t.Helper()
	svc, err := service.New(service.Config{Brokers: h.Brokers, CreateTopics: true, ClientID: name,
		Partitions: contracts.DefaultPartitions, SessionIdle: h.opts.SessionIdle, Now: h.opts.Now,
		PortalKeys:          contracts.KeySet{h.opts.SigningKeyID: h.opts.SigningKey.Public().(ed25519.PublicKey)},
		GroupSessionTimeout: 6 * time.Second, GroupHeartbeat: 200 * time.Millisecond,
		ShutdownTimeout: 5 * time.Second, Logger: h.opts.Logger.With("instance", name), Middlewares: h.opts.Middlewares,
		Kafka: h.opts.Kafka})
	if err != nil {
		h.t.Fatalf("testkit: start adapter %s: %v", name, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	in := &Instance{Name: name, Service: svc, cancel: cancel, done: make(chan error, 1)}
	go func() { in.done <- svc.Run(ctx) }()
	select {
	case <-svc.Ready():
	case err := <-in.done:
		h.t.Fatalf("testkit: adapter %s stopped before it was ready: %v", name, err)
	case <-time.After(60 * time.Second):
		h.t.Fatalf("testkit: adapter %s not ready within 60s", name)
	}
	h.mu.Lock()
	h.instances = append(h.instances, in)
	h.mu.Unlock()
	return in
}

// Stop stops an instance gracefully and waits for it; stopping twice is fine.
func (in *Instance) Stop() {
	in.stop.Do(func() {
		in.cancel()
		<-in.done
	})
}

// Instances lists the running in-process instances.
func (h *Harness) Instances() []*Instance {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*Instance(nil), h.instances...)
}

// RestartAdapter stops every in-process instance and starts a fresh one,
// whose state is rebuilt from the topics alone.
func (h *Harness) RestartAdapter() *Instance {
	h.t.Helper()
	h.mu.Lock()
	old := h.instances
	h.instances = nil
	h.mu.Unlock()
	for _, in := range old {
		in.Stop()
	}
	return h.StartInstance(fmt.Sprintf("adapter-restarted-%d", time.Now().UnixNano()))
}

func (h *Harness) close() {
	if h.Client != nil {
		h.Client.Close()
	}
	for _, in := range h.Instances() {
		in.Stop()
	}
	if h.cluster != nil {
		h.cluster.Close()
	}
}

// Send produces a command and returns at once. A login assertion without a
// signature is signed with the harness's key, unless c.Unsigned.
func (h *Harness) Send(c Command) {
	h.t.Helper()
	c = h.Sign(c)
	env, err := c.Envelope(contracts.SourcePortal, time.Now())
	if err != nil {
		h.t.Fatalf("testkit: %v", err)
	}
	if c.Topic == contracts.TopicBackOfficeCommands {
		env.Source = contracts.SourceBackOffice
	}
	if err := h.Client.Produce(c.Topic, env); err != nil {
		h.t.Fatalf("testkit: %v", err)
	}
}

// Sign signs a login assertion as the portal does, issued now by the
// harness's clock; other commands, signed or Unsigned ones pass unchanged.
func (h *Harness) Sign(c Command) Command {
	h.t.Helper()
	a, ok := c.Payload.(contracts.LoginAssertion)
	if !ok || a.Signature != nil || c.Unsigned || h.opts.SigningKey == nil {
		return c
	}
	if h.opts.Now != nil {
		a.IssuedAt = h.opts.Now().UTC()
	}
	signed, err := contracts.SignAssertion(a, h.opts.SigningKeyID, h.opts.SigningKey)
	if err != nil {
		h.t.Fatalf("testkit: sign: %v", err)
	}
	c.Payload = signed
	return c
}

// Reply is the answer to a command.
type Reply struct {
	Received
}

// Type is the reply's CloudEvents type.
func (r Reply) Type() string { return r.Envelope.Type }

// OK reports whether the command was accepted.
func (r Reply) OK() bool { return r.Envelope.Type != contracts.TypeError }

// Error decodes an error reply.
func (r Reply) Error() contracts.ErrorReply {
	var e contracts.ErrorReply
	_ = json.Unmarshal(r.Envelope.Data, &e)
	return e
}

// Code is the error code, or "" for a success.
func (r Reply) Code() string {
	if r.OK() {
		return ""
	}
	return r.Error().Code
}

// Decode decodes a success reply into v.
func (r Reply) Decode(v any) error { return json.Unmarshal(r.Envelope.Data, v) }

// Request sends a command and waits for its reply.
func (h *Harness) Request(c Command) Reply {
	h.t.Helper()
	h.Send(c)
	return h.WaitReply(c.ID)
}

// WaitReply waits for the reply to a command id.
func (h *Harness) WaitReply(commandID string) Reply {
	h.t.Helper()
	return h.waitAnswer(contracts.TopicReplies, commandID)
}

// Replies returns every reply seen for a command id.
func (h *Harness) Replies(commandID string) []Reply {
	return h.answers(contracts.TopicReplies, commandID)
}

// waitAnswer waits for the answer to a command id on a replies topic.
func (h *Harness) waitAnswer(topic, commandID string) Reply {
	h.t.Helper()
	r, ok := h.Client.Wait(topic, h.opts.Timeout, func(r Received) bool {
		return r.Envelope.Extension(contracts.ExtensionCorrelationID) == commandID
	})
	if !ok {
		h.t.Fatalf("testkit: no answer to command %s on %s within %s", commandID, topic, h.opts.Timeout)
	}
	return Reply{r}
}

// answers returns every answer seen for a command id on a replies topic.
func (h *Harness) answers(topic, commandID string) []Reply {
	var out []Reply
	for _, r := range h.Client.All(topic, func(r Received) bool {
		return r.Envelope.Extension(contracts.ExtensionCorrelationID) == commandID
	}) {
		out = append(out, Reply{r})
	}
	return out
}

// WaitEvent waits for an event of a type that matches.
func (h *Harness) WaitEvent(eventType string, match func(contracts.Envelope) bool) contracts.Envelope {
	h.t.Helper()
	r, ok := h.Client.Wait(contracts.TopicEvents, h.opts.Timeout, func(r Received) bool {
		return r.Envelope.Type == eventType && (match == nil || match(r.Envelope))
	})
	if !ok {
		h.t.Fatalf("testkit: no %s event on %s within %s", eventType, contracts.TopicEvents, h.opts.Timeout)
	}
	return r.Envelope
}

// WaitNotice waits for a notice of an application with a version.
func (h *Harness) WaitNotice(applicationID string, version int) Received {
	h.t.Helper()
	r, ok := h.Client.Wait(contracts.TopicNotices, h.opts.Timeout, func(r Received) bool {
		return r.Envelope.Extension("applicationid") == applicationID &&
			r.Envelope.Extension("noticeversion") == fmt.Sprint(version)
	})
	if !ok {
		h.t.Fatalf("testkit: no notice v%d for application %s within %s", version, applicationID, h.opts.Timeout)
	}
	return r
}

// MustOK fails the test unless the reply is a success of the given type,
// and decodes it into v.
func (h *Harness) MustOK(r Reply, wantType string, v any) {
	h.t.Helper()
	if !r.OK() {
		e := r.Error()
		h.t.Fatalf("testkit: want %s, got error %s: %s (%s)", wantType, e.Code, e.Message.EN, e.Detail)
	}
	if r.Type() != wantType {
		h.t.Fatalf("testkit: want reply type %s, got %s", wantType, r.Type())
	}
	if v != nil {
		if err := r.Decode(v); err != nil {
			h.t.Fatalf("testkit: decode %s: %v", wantType, err)
		}
	}
}

// Login logs in and returns the session; it fails the test if refused.
func (h *Harness) Login(c Command) Session {
	h.t.Helper()
	var res contracts.LoginResult
	h.MustOK(h.Request(c), contracts.TypeLoginResult, &res)
	return Session{ID: res.SessionID, VOEN: c.Key}
}
