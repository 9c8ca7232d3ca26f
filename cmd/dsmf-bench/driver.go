package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/cmd/dsmf-bench/workload"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// reply is what the driver read of a reply.
type reply struct {
	at   time.Time
	typ  string
	data []byte
}

type pendingCall struct {
	sent time.Time
	kind string
	then func(reply)
}

// driver sends commands as the portal does, with an async producer
// configured as the adapter's, and matches replies by ce_correlationid.
type driver struct {
	p        sarama.AsyncProducer
	client   sarama.Client
	consumer sarama.Consumer
	cancel   context.CancelFunc
	wg       sync.WaitGroup

	mu       sync.Mutex
	pending  map[string]pendingCall
	outcomes map[string]int
	sendErrs atomic.Int64
}

func newDriver(addrs []string) (*driver, error) {
	cfg := saramaConfig()
	cfg.Consumer.MaxWaitTime = 5 * time.Millisecond
	client, err := sarama.NewClient(addrs, cfg)
	if err != nil {
		return nil, err
	}
	p, err := sarama.NewAsyncProducerFromClient(client)
	if err != nil {
		client.Close()
		return nil, err
	}
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		p.Close()
		client.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &driver{p: p, client: client, consumer: consumer, cancel: cancel, pending: map[string]pendingCall{}, outcomes: map[string]int{}}
	go func() {
		for range p.Successes() {
		}
	}()
	go func() {
		for e := range p.Errors() {
			if d.sendErrs.Add(1) == 1 {
				logf("send: %v", e.Err)
			}
		}
	}()
	if err := kafka.ConsumeTopic(ctx, consumer, contracts.TopicReplies, sarama.OffsetNewest, &d.wg, d.received); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func (d *driver) received(m *sarama.ConsumerMessage) {
	now := time.Now()
	var id, typ string
	for _, h := range m.Headers {
		switch string(h.Key) {
		case "ce_" + contracts.ExtensionCorrelationID:
			id = string(h.Value)
		case "ce_type":
			typ = string(h.Value)
		}
	}
	d.mu.Lock()
	c, ok := d.pending[id]
	if ok {
		delete(d.pending, id)
		outcome := c.kind + " → ok"
		if typ == contracts.TypeError {
			var e contracts.ErrorReply
			_ = json.Unmarshal(m.Value, &e)
			outcome = c.kind + " → " + e.Code
		}
		d.outcomes[outcome]++
	}
	d.mu.Unlock()
	if ok && c.then != nil {
		c.then(reply{at: now, typ: typ, data: m.Value})
	}
}

// send sends a command; then is called with its reply.
func (d *driver) send(c testkit.Command, then func(reply)) {
	env, err := c.Envelope(contracts.SourcePortal, time.Now())
	if err != nil {
		panic(err) // the builders make valid commands
	}
	msg := &sarama.ProducerMessage{Topic: c.Topic, Key: sarama.StringEncoder(env.Key), Value: sarama.ByteEncoder(env.Data)}
	for _, h := range env.BinaryHeaders() {
		msg.Headers = append(msg.Headers, sarama.RecordHeader{Key: []byte(h.Key), Value: h.Value})
	}
	kind := c.Type
	if i := len("az.gov.dsmf.ssc."); len(kind) > i && kind[:i] == "az.gov.dsmf.ssc." {
		kind = kind[i:]
	}
	d.mu.Lock()
	d.pending[c.ID] = pendingCall{sent: time.Now(), kind: kind, then: then}
	d.mu.Unlock()
	d.p.Input() <- msg
}

// watchNotices reads the notices topic from now on; stop waits until no new
// notice has come for a moment and returns each one's delay, sorted: from
// its decision (the notice's CloudEvents time, the application's update) to
// the notice being read here.
func (d *driver) watchNotices(ctx context.Context) (stop func() []time.Duration, err error) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var delays []time.Duration
	err = kafka.ConsumeTopic(ctx, d.consumer, contracts.TopicNotices, sarama.OffsetNewest, &wg, func(m *sarama.ConsumerMessage) {
		now := time.Now()
		for _, h := range m.Headers {
			if string(h.Key) == contracts.HeaderPrefix+"time" {
				if at, err := time.Parse(time.RFC3339Nano, string(h.Value)); err == nil {
					mu.Lock()
					delays = append(delays, now.Sub(at))
					mu.Unlock()
				}
			}
		}
	})
	if err != nil {
		cancel()
		return nil, err
	}
	return func() []time.Duration {
		count := func() int { mu.Lock(); defer mu.Unlock(); return len(delays) }
		for seen, deadline := -1, time.Now().Add(5*time.Second); time.Now().Before(deadline); {
			n := count()
			if n == seen {
				break
			}
			seen = n
			time.Sleep(300 * time.Millisecond)
		}
		cancel()
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		sort.Slice(delays, func(i, j int) bool { return delays[i] < delays[j] })
		return delays
	}, nil
}

// resetStats returns the outcomes counted so far and starts again.
func (d *driver) resetStats() map[string]int {
	d.mu.Lock()
	defer d.mu.Unlock()
	o := d.outcomes
	d.outcomes = map[string]int{}
	return o
}

func (d *driver) Close() {
	d.cancel()
	d.wg.Wait()
	d.consumer.Close()
	d.p.Close()
	d.client.Close()
}

// mix makes a realistic stream of portal commands: person look-ups, draft
// saves, submits of saved drafts, registry searches and logins.
type mix struct {
	g         *workload.Generator
	key       ed25519.PrivateKey
	rng       *rand.Rand
	sessions  [][]testkit.Session // by insurer
	employees [][]int             // by insurer: employees with a valid ID card

	// onlyDrafts makes next save drafts only (to have some to submit).
	onlyDrafts bool

	mu     sync.Mutex
	drafts []savedDraft
}

type savedDraft struct {
	s  testkit.Session
	id string
}

func newMix(g *workload.Generator, key ed25519.PrivateKey, seed uint64, now time.Time) *mix {
	cfg := g.Config()
	m := &mix{g: g, key: key, rng: rand.New(rand.NewPCG(seed, 99)),
		sessions: make([][]testkit.Session, cfg.Insurers), employees: make([][]int, cfg.Insurers)}
	today := now.UTC().Format(time.DateOnly)
	for i := 0; i < cfg.Persons && i < cfg.Documents; i++ {
		doc := g.Document(i)
		if doc.DocumentType == contracts.DocumentIDCard && doc.ValidUntil > today {
			m.employees[g.InsurerOf(i)] = append(m.employees[g.InsurerOf(i)], i)
		}
	}
	return m
}

// login is a signed login assertion of insurer i's director.
func (m *mix) login(i int) (testkit.Command, error) {
	c := testkit.DirectorLogin(m.g.VOEN(i))
	signed, err := contracts.SignAssertion(c.Payload.(contracts.LoginAssertion), benchKeyID, m.key)
	if err != nil {
		return c, err
	}
	c.Payload = signed
	return c, nil
}

// next is the next command of the mix, and what to do with its reply.
func (m *mix) next() (testkit.Command, func(reply), error) {
	var ins int
	for {
		ins = m.rng.IntN(len(m.sessions))
		if len(m.sessions[ins]) > 0 {
			break
		}
	}
	s := m.sessions[ins][0]
	emp := -1
	if e := m.employees[ins]; len(e) > 0 {
		emp = e[m.rng.IntN(len(e))]
	}
	x := m.rng.IntN(100)
	if m.onlyDrafts {
		x = 50
	}
	if emp < 0 { // no employee to name: a search or a login
		x = 70 + x%30
	}
	switch {
	case x < 30 && emp >= 0: // AXTAR
		doc, p := m.g.Document(emp), m.g.InsuredPerson(emp)
		return testkit.PersonLookup(s, func(q *contracts.PersonLookup) { q.DocumentType, q.FIN, q.SSN = doc.DocumentType, doc.FIN, p.SSN }), nil, nil
	case x < 45: // submit a saved draft
		m.mu.Lock()
		var d savedDraft
		if n := len(m.drafts); n > 0 {
			d, m.drafts = m.drafts[n-1], m.drafts[:n-1]
		}
		m.mu.Unlock()
		if d.id != "" {
			return testkit.SubmitDraft(d.s, d.id), nil, nil
		}
		fallthrough
	case x < 70 && emp >= 0: // save a new draft
		doc, p := m.g.Document(emp), m.g.InsuredPerson(emp)
		c := testkit.DraftSave(s, func(d *contracts.DraftSave) { d.DocumentType, d.FIN, d.SSN = doc.DocumentType, doc.FIN, p.SSN })
		return c, func(r reply) {
			var res contracts.DraftSaveResult
			if r.typ != contracts.TypeError && json.Unmarshal(r.data, &res) == nil && res.Application.ApplicationID != "" {
				m.mu.Lock()
				m.drafts = append(m.drafts, savedDraft{s: s, id: res.Application.ApplicationID})
				m.mu.Unlock()
			}
		}, nil
	case x < 90:
		return testkit.RegistrySearch(s), nil, nil
	default:
		c, err := m.login(ins)
		return c, nil, err
	}
}

// phaseResult is one phase's figures.
type phaseResult struct {
	load           float64
	sent, answered int
	seconds        float64
	latencies      []time.Duration // sorted
	// notices are the delays of the notices published in a paced phase,
	// from decision to notice read (sorted).
	notices []time.Duration
	// inside bounds p50, p99 and p99.9 of the time the adapter's handler
	// took (ms, from its histogram's buckets); zero when not scraped.
	inside [3]float64
	// waits bound the p99 of each of waitStages (ms).
	waits [3]float64
	// cpu is the cores the adapter, kfake and this program used.
	cpu [3]float64
	// gcShare is the garbage collector's share of the adapter's CPU in a
	// paced phase (from its gctrace).
	gcShare float64
}

func (r phaseResult) rate() float64 { return float64(r.answered) / r.seconds }

// pct is the q-quantile of the latencies, in milliseconds.
func (r phaseResult) pct(q float64) float64 { return quantileMs(r.latencies, q) }

// quantileMs is the q-quantile of sorted durations, in milliseconds; 0 for none.
func quantileMs(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	i = max(0, min(i, len(sorted)-1))
	return float64(sorted[i]) / float64(time.Millisecond)
}

// run sends n commands of the mix, as fast as possible when rate is 0 or
// paced at rate per second, and waits for every reply (up to two minutes
// after the last is sent). Seconds run from the first command sent to the
// last reply read.
func (m *mix) run(ctx context.Context, d *driver, n int, rate, load float64) (phaseResult, error) {
	var mu sync.Mutex
	lat := make([]time.Duration, 0, n)
	var last time.Time
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < n; i++ {
		if ctx.Err() != nil {
			return phaseResult{}, ctx.Err()
		}
		if rate > 0 {
			if wait := time.Until(start.Add(time.Duration(float64(i) / rate * float64(time.Second)))); wait > 0 {
				time.Sleep(wait)
			}
		}
		c, then, err := m.next()
		if err != nil {
			return phaseResult{}, err
		}
		wg.Add(1)
		sent := time.Now()
		d.send(c, func(r reply) {
			if then != nil {
				then(r)
			}
			mu.Lock()
			lat = append(lat, r.at.Sub(sent))
			if r.at.After(last) {
				last = r.at
			}
			mu.Unlock()
			wg.Done()
		})
	}
	if !waitGroup(ctx, &wg, 2*time.Minute) {
		logf("not every command answered within two minutes of the last sent")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lat) == 0 {
		return phaseResult{}, fmt.Errorf("no command answered")
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return phaseResult{load: load, sent: n, answered: len(lat), seconds: last.Sub(start).Seconds(), latencies: append([]time.Duration(nil), lat...)}, nil
}
