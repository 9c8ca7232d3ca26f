package testkit

import (
	"crypto/ed25519"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/demodata"
)

// Target is a deployment to check: its brokers. Topic names are the
// contract's (package contracts). With no brokers, an in-process adapter on
// kfake is started.
type Target struct {
	Brokers []string
	// Middlewares wrap the in-process adapter's handlers (to break it on
	// purpose); ignored with Brokers.
	Middlewares []message.HandlerMiddleware
	// Timeout bounds each wait for a reply or an event; default 15s.
	Timeout time.Duration
	// SigningKey and SigningKeyID sign login assertions as the portal does;
	// give the key the deployment trusts. Ignored without Brokers.
	SigningKey   ed25519.PrivateKey
	SigningKeyID string
}

// RunConformance drives every scenario of the manual and every documented
// refusal against a deployment, one subtest per behaviour, so `go test -v`
// lists which behaviours conform and a failure names the one that does not.
//
// It publishes its own reference data (a fresh insurer, a second insurer
// and their employees, with random identifiers) to the reference topics, so
// it can run again and again against the same deployment.
func RunConformance(t *testing.T, target Target) {
	h := Start(t, Options{Brokers: target.Brokers, Timeout: target.Timeout, NoFixtures: true, Middlewares: target.Middlewares,
		SigningKey: target.SigningKey, SigningKeyID: target.SigningKeyID})
	w := newWorld()
	w.publish(t, h)
	for _, group := range conformance {
		t.Run(group.name, func(t *testing.T) {
			for _, sc := range group.scenarios {
				ok := t.Run(sc.name, func(t *testing.T) {
					sc.run(&check{t: t, h: h.bind(t), w: w})
				})
				if !ok && group.sequential {
					// Later steps build on this one.
					t.Skipf("skipping the rest of %q: %q did not conform", group.name, sc.name)
				}
			}
		})
	}
}

type scenario struct {
	name string
	run  func(c *check)
}

type scenarioGroup struct {
	name       string
	sequential bool
	scenarios  []scenario
}

// check is what a scenario works with: the test, the harness bound to it,
// and the world of reference data.
type check struct {
	t *testing.T
	h *Harness
	w *world
}

// bind returns a copy of the harness that reports to t.
func (h *Harness) bind(t TB) *Harness {
	c := &Harness{t: t, opts: h.opts, cluster: h.cluster, Brokers: h.Brokers, Client: h.Client}
	c.instances = h.Instances()
	return c
}

// world is the reference data a conformance run brings along.
type world struct {
	insurer, other, fresh contracts.Insurer
	// employees of insurer: main (DİN card), second (DİN card), migrant
	// (migration document), expired (document no longer valid); stranger
	// is insured by other.
	main, second, migrant, expired, stranger demodata.Employee
	directorFIN, directorCard                string
	deputyFIN, deputyPhone                   string
	cardDeputyFIN, cardDeputyCard            string

	// state built up by sequential scenarios
	owner, deputy      Session
	grantID            string
	applicationID      string
	applicationNumber  string
	otherApplicationID string
	issueDecision      Command // the decision that completed applicationID
}

func digits(r *rand.Rand, n int) string {
	var b strings.Builder
	b.WriteByte(byte('1' + r.IntN(9)))
	for i := 1; i < n; i++ {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	return b.String()
}

func fin(r *rand.Rand) string {
	const chars = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	b := make([]byte, 7)
	for i := range b {
		b[i] = chars[r.IntN(len(chars))]
	}
	return string(b)
}

func newWorld() *world {
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	ins := func(name string) contracts.Insurer {
		return contracts.Insurer{VOEN: digits(r, 10), AccountNumber: digits(r, 10), FullName: name,
			Type: contracts.InsurerLegalEntity, ResponsiblePerson: "SƏMİR QƏLƏYEV NƏZƏR QƏLƏYEV",
			OfficeCode: "188", OfficeName: "Bakı şəhəri üzrə hüquqi şəxslərlə iş", UpdatedAt: time.Now().UTC()}
	}
	w := &world{
		insurer: ins(`"MƏKTƏBİ QURUP" MƏDƏNİYYƏT MƏRKƏZİ`), other: ins(`"XƏZƏR İNŞAAT" MMC`), fresh: ins(`"YENİ ÇƏMƏN" MMC`),
		directorFIN: fin(r), directorCard: "RYTN" + digits(r, 8),
		deputyFIN: fin(r), deputyPhone: "+99450" + digits(r, 7),
		cardDeputyFIN: fin(r), cardDeputyCard: "RYTN" + digits(r, 8),
	}
	emp := func(voen, docType, surname, name, until string) demodata.Employee {
		f, ssn := fin(r), digits(r, 13)
		return demodata.Employee{
			Insured: contracts.InsuredPerson{SSN: ssn, FIN: f, SSNDate: "2005-09-01",
				CertificateStatus: contracts.CertificateActive, InsurerVOEN: voen, UpdatedAt: time.Now().UTC()},
			Document: contracts.IdentityDocument{FIN: f, DocumentType: docType, DocumentNumber: "AA" + digits(r, 7),
				Surname: surname, Name: name, Patronymic: "VÜQAR QIZI", Gender: contracts.GenderFemale,
				Citizenship: "Azərbaycan", BirthPlace: "Bakı şəhəri", BirthDate: "1985-03-14",
				IssuingAuthority: "ASAN xidmət №1", IssueDate: "2019-05-20", ValidUntil: until, UpdatedAt: time.Now().UTC()},
		}
	}
	w.main = emp(w.insurer.VOEN, contracts.DocumentIDCard, "ƏLİYEVA", "ŞƏHLA", "2099-01-01")
	w.second = emp(w.insurer.VOEN, contracts.DocumentIDCard, "GÜLƏLİYEVA", "ÜLKƏR", "2099-01-01")
	w.migrant = emp(w.insurer.VOEN, contracts.DocumentMigration, "ÖZTÜRK", "ÖMƏR", "2099-01-01")
	w.expired = emp(w.insurer.VOEN, contracts.DocumentIDCard, "HÜSEYNOVA", "GÜLNARƏ", "2020-04-01")
	w.stranger = emp(w.other.VOEN, contracts.DocumentIDCard, "HƏSƏNOV", "İLQAR", "2099-01-01")
	return w
}

// publish puts the world on the reference topics and waits until the
// deployment answers with it.
func (w *world) publish(t *testing.T, h *Harness) {
	t.Helper()
	records := []any{w.insurer, w.other, w.fresh}
	for _, e := range []demodata.Employee{w.main, w.second, w.migrant, w.expired, w.stranger} {
		records = append(records, e.Insured, e.Document)
	}
	for i, r := range records {
		topic, env, err := contracts.ReferenceEnvelope(fmt.Sprintf("conformance-%d-%d", time.Now().UnixNano(), i), r, time.Now().UTC())
		if err != nil {
			t.Fatalf("conformance: %v", err)
		}
		if err := h.Client.Produce(topic, env); err != nil {
			t.Fatalf("conformance: %v", err)
		}
	}
	// The fresh insurer is known once a delegate's login stops being
	// refused as unknown; it is refused for the first-login rule instead.
	deadline := time.Now().Add(h.opts.Timeout)
	for {
		code := h.Request(w.login(w.fresh.VOEN, false)).Code()
		if code != "INSURER_UNKNOWN" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("conformance: the deployment did not learn the reference data within %s", h.opts.Timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// And the employees are found (they travel on other topics).
	other := h.Login(w.login(w.other.VOEN, true))
	for _, e := range []demodata.Employee{w.stranger} {
		for h.Request(lookupOf(other, e)).Code() != "" {
			if time.Now().After(deadline) {
				t.Fatalf("conformance: the deployment did not learn the employees within %s", h.opts.Timeout)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	owner := h.Login(w.login(w.insurer.VOEN, true))
	for _, e := range []demodata.Employee{w.main, w.second, w.migrant} {
		for h.Request(lookupOf(owner, e)).Code() != "" {
			if time.Now().After(deadline) {
				t.Fatalf("conformance: the deployment did not learn the employees within %s", h.opts.Timeout)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// login is the director's (owner) or the Asan deputy's login for voen.
func (w *world) login(voen string, owner bool, mods ...func(*contracts.LoginAssertion)) Command {
	if owner {
		return DirectorLogin(voen, append([]func(*contracts.LoginAssertion){func(a *contracts.LoginAssertion) {
			a.SignerFIN, a.Card.CardNumber = w.directorFIN, w.directorCard
		}}, mods...)...)
	}
	return DeputyAsanLogin(voen, append([]func(*contracts.LoginAssertion){func(a *contracts.LoginAssertion) {
		a.SignerFIN, a.Asan.Phone = w.deputyFIN, w.deputyPhone
	}}, mods...)...)
}

// lookupOf searches for an employee.
func lookupOf(s Session, e demodata.Employee) Command {
	return PersonLookup(s, func(c *contracts.PersonLookup) {
		c.DocumentType, c.FIN, c.SSN = e.Document.DocumentType, e.Document.FIN, e.Insured.SSN
	})
}

// inputOf is an application for an employee.
func inputOf(e demodata.Employee, reason string) contracts.ApplicationInput {
	return contracts.ApplicationInput{DocumentType: e.Document.DocumentType, FIN: e.Document.FIN, SSN: e.Insured.SSN, Reason: reason}
}

// wantCode fails unless the reply is the error code want.
func (c *check) wantCode(r Reply, want string) {
	c.t.Helper()
	if got := r.Code(); got != want {
		if got == "" {
			c.t.Fatalf("want refusal %s, got success %s", want, r.Type())
		}
		e := r.Error()
		c.t.Fatalf("want refusal %s, got %s (%s)", want, got, e.Detail)
	}
	e := r.Error()
	if e.Message.AZ == "" || e.Message.EN == "" {
		c.t.Fatalf("refusal %s lacks its Azerbaijani or English message", want)
	}
}
