package main_test

import (
	"bufio"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/adapters/statusfeed"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// The reliability proof (issue 7): the adapter runs as a process of its own
// against kfake in another process. A stream of commands for many insurers
// is sent while the adapter is killed with SIGKILL at random moments and
// restarted. At the end every command is answered, each in one way only;
// no draft or grant is missing or doubled; and the state after a cold
// rebuild is the state before it.
func TestKillsLoseNothingAndDoubleNothing(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and runs processes; skipped with -short")
	}
	w := newWorld(t, 40)
	adapter := w.startAdapter()
	s := w.login()

	kills, killsDone := 0, make(chan struct{})
	pauses := make([]time.Duration, 4) // drawn here: the sender uses the same generator
	for i := range pauses {
		pauses[i] = time.Duration(400+w.rng.IntN(1200)) * time.Millisecond
	}
	go func() {
		defer close(killsDone)
		for kills < len(pauses) {
			time.Sleep(pauses[kills])
			adapter.kill(t)
			kills++
			adapter = w.startAdapter()
		}
	}()
	s.send(3000, 0)
	<-killsDone
	f := s.verify()

	// A graceful stop within its deadline, then a cold rebuild.
	before := snapshot(t, w.client, s.sessions)
	adapter.stop(t, 15*time.Second)
	w.startAdapter()
	assert.Equal(t, before, snapshot(t, w.client, s.sessions), "state after a cold rebuild")
	t.Logf("figures: commands %d (sent twice on purpose: %d), kills %d, answered %d, answers repeated %d, events written %d, lost %d, status records %d",
		f.sent, s.twice, kills, f.answered, f.repeats, f.written, f.sent-f.answered, f.statuses)
}

// Two instances share the work; one is killed; the broker itself is
// restarted on its data directory in the middle of the stream; poison
// records are mixed in. Nothing valid is lost or doubled, every poison
// record is dead-lettered, and the survivors carry on.
func TestTwoInstancesOneKilledBrokerRestartedPoisonMixedIn(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and runs processes; skipped with -short")
	}
	w := newWorld(t, 20)
	a := w.startAdapter()
	b := w.startAdapter()
	s := w.login()

	done := make(chan struct{})
	var notReady, readyAgain bool
	go func() {
		defer close(done)
		time.Sleep(1500 * time.Millisecond)
		a.kill(t) // the other instance takes its partitions
		time.Sleep(2 * time.Second)
		// While the broker is away the survivor says it cannot work, and
		// says it can once the broker is back on its data directory.
		w.stopBroker()
		notReady = b.waitReady(http.StatusServiceUnavailable, 15*time.Second)
		w.startBroker()
		readyAgain = b.waitReady(http.StatusOK, time.Minute)
	}()
	s.send(1500, 25)
	<-done
	assert.True(t, notReady, "/readyz reported 503 while the broker was down")
	assert.True(t, readyAgain, "/readyz reported 200 once the broker was back")
	f := s.verify()

	dead := w.client.All(contracts.TopicDeadLetter, func(r testkit.Received) bool {
		return strings.HasPrefix(string(r.Raw), "poison ")
	})
	seen := map[string]bool{}
	for _, r := range dead {
		seen[string(r.Raw)] = true
	}
	assert.Len(t, seen, s.poison, "every poison record dead-lettered")
	t.Logf("figures: commands %d, poison %d, dead-lettered %d (%d records incl. redeliveries), answered %d, answers repeated %d, lost %d",
		f.sent, s.poison, len(seen), len(dead), f.answered, f.repeats, f.sent-f.answered)
}

// world is a broker process, reference data for some insurers, the
// portal's signing key and a client.
type world struct {
	t          *testing.T
	bin        binaries
	broker     *exec.Cmd
	brokerAddr string
	dataDir    string
	client     *testkit.Client
	rng        *rand.Rand
	key        ed25519.PrivateKey
	insurers   []string
}

func newWorld(t *testing.T, insurers int) *world {
	w := &world{t: t, bin: buildBinaries(t), rng: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11)),
		brokerAddr: freeAddr(t), dataDir: filepath.Join(t.TempDir(), "kafka")}
	w.startBroker()
	t.Cleanup(func() { _ = w.broker.Process.Signal(syscall.SIGTERM); _ = w.broker.Wait() })
	client, err := testkit.NewClient([]string{w.brokerAddr})
	require.NoError(t, err)
	w.client = client
	t.Cleanup(client.Close)
	w.insurers = publishInsurers(t, client, w.rng, insurers)
	pub, key, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	w.key, w.bin.portalKeys = key, "portal-1="+base64.StdEncoding.EncodeToString(pub)
	return w
}

func (w *world) startBroker() {
	cmd := exec.Command(w.bin.broker, "-addr", w.brokerAddr, "-data-dir", w.dataDir)
	out, err := cmd.StdoutPipe()
	require.NoError(w.t, err)
	cmd.Stderr = os.Stderr
	require.NoError(w.t, cmd.Start())
	_, err = bufio.NewReader(out).ReadString('\n')
	require.NoError(w.t, err)
	w.broker = cmd
}

// stopBroker stops the broker; startBroker brings it back on its data directory.
func (w *world) stopBroker() {
	require.NoError(w.t, w.broker.Process.Signal(syscall.SIGTERM))
	_ = w.broker.Wait()
}

func (w *world) startAdapter() *adapterProcess { return startAdapter(w.t, w.bin, w.brokerAddr) }

// login logs every insurer's director in and returns a storm to send.
func (w *world) login() *storm {
	s := &storm{w: w, drafts: map[string]int{}, grants: map[string]int{}}
	for _, voen := range w.insurers {
		cmd := testkit.DirectorLogin(voen)
		signed, err := contracts.SignAssertion(cmd.Payload.(contracts.LoginAssertion), "portal-1", w.key)
		require.NoError(w.t, err)
		cmd.Payload = signed
		send(w.t, w.client, cmd)
		r := waitReply(w.t, w.client, cmd.ID, 30*time.Second)
		var res contracts.LoginResult
		require.NoError(w.t, json.Unmarshal(r.Envelope.Data, &res), "login of %s: %s", voen, r.Envelope.Data)
		s.sessions = append(s.sessions, testkit.Session{ID: res.SessionID, VOEN: voen})
	}
	return s
}

// storm is a stream of commands and what they should leave behind.
type storm struct {
	w              *world
	sessions       []testkit.Session
	sent           []testkit.Command
	drafts, grants map[string]int
	twice, poison  int
}

// send sends n commands: new drafts and new grants for random insurers,
// every tenth sent twice, and after every poisonEvery-th a poison record.
func (s *storm) send(n, poisonEvery int) {
	t, rng := s.w.t, s.w.rng
	for i := 0; i < n; i++ {
		ses := s.sessions[rng.IntN(len(s.sessions))]
		var cmd testkit.Command
		if rng.IntN(2) == 0 {
			cmd = testkit.DraftSave(ses, func(d *contracts.DraftSave) { d.FIN, d.SSN = employeeOf(ses.VOEN) })
			s.drafts[ses.VOEN]++
		} else {
			fin := fmt.Sprintf("G%06d", i)
			cmd = testkit.GrantToDeputy(ses, func(g *contracts.GrantCreate) { g.Grantee.FIN = fin })
			s.grants[ses.VOEN]++
		}
		sendRetrying(t, s.w.client, cmd)
		if i%10 == 0 { // the portal sends some commands twice
			sendRetrying(t, s.w.client, cmd)
			s.twice++
		}
		if poisonEvery > 0 && i%poisonEvery == 0 {
			poison := []byte(fmt.Sprintf("poison %d", i))
			retry(t, func() error { return s.w.client.ProduceRaw(contracts.TopicPortalCommands, ses.VOEN, nil, poison) })
			s.poison++
		}
		s.sent = append(s.sent, cmd)
		if i%(n/100+1) == 0 { // spread the stream over about six seconds
			time.Sleep(60 * time.Millisecond)
		}
	}
}

type figures struct{ sent, answered, repeats, written, statuses int }

// verify checks that every command is answered, each in one way; that the
// log holds one event per command, and the status topic one record per
// application change; and that each insurer's registry and grants are what
// the commands made.
func (s *storm) verify() figures {
	t, client := s.w.t, s.w.client
	f := figures{sent: len(s.sent)}
	deadline := time.Now().Add(3 * time.Minute)
	for _, cmd := range s.sent {
		var replies []testkit.Received
		for {
			replies = client.All(contracts.TopicReplies, func(r testkit.Received) bool {
				return r.Envelope.Extension(contracts.ExtensionCorrelationID) == cmd.ID
			})
			if len(replies) > 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		require.NotEmpty(t, replies, "command %s (%s) was never answered: lost", cmd.ID, cmd.Type)
		f.answered++
		f.repeats += len(replies) - 1
		first := outcomeOf(replies[0])
		for _, r := range replies[1:] {
			assert.Equal(t, first, outcomeOf(r), "command %s answered two ways", cmd.ID)
		}
		assert.NotContains(t, first, "ERROR", "command %s refused: %s", cmd.ID, first)
	}
	perCommand := map[string]int{}
	for _, r := range client.All(contracts.TopicEvents, nil) {
		var meta contracts.EventMeta
		if json.Unmarshal(r.Envelope.Data, &meta) == nil {
			perCommand[meta.CommandID]++
		}
	}
	for _, cmd := range s.sent {
		f.written += perCommand[cmd.ID]
		assert.Equal(t, 1, perCommand[cmd.ID], "events on the log for command %s", cmd.ID)
	}
	// Each application change is on the status topic once, though the
	// adapter was killed in the middle of the projector's transactions.
	wantStatus := map[string]bool{}
	for _, r := range client.All(contracts.TopicEvents, nil) {
		switch r.Envelope.Type {
		case contracts.TypeDraftSaved, contracts.TypeApplicationSubmitted, contracts.TypeDraftDeleted, contracts.TypeApplicationStatusMoved:
			wantStatus[statusfeed.RecordID(r.Envelope.ID)] = true
		}
	}
	perStatus := map[string]int{}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		perStatus = map[string]int{}
		for _, r := range client.All(contracts.TopicApplicationStatus, nil) {
			perStatus[r.Envelope.ID]++
		}
		if len(perStatus) >= len(wantStatus) || time.Now().After(deadline) {
			break
		}
	}
	for id := range wantStatus {
		assert.Equal(t, 1, perStatus[id], "status records derived from one event (%s)", id)
	}
	assert.Len(t, perStatus, len(wantStatus), "status records derived from no event")
	f.statuses = len(perStatus)
	state := snapshot(t, client, s.sessions)
	for voen, n := range s.drafts {
		assert.Equal(t, n, state[voen].drafts, "drafts of %s", voen)
	}
	for voen, n := range s.grants {
		assert.Equal(t, n, state[voen].grants, "grants of %s", voen)
	}
	return f
}

// sendRetrying sends a command, waiting out a broker restart.
func sendRetrying(t *testing.T, c *testkit.Client, cmd testkit.Command) {
	t.Helper()
	env, err := cmd.Envelope(contracts.SourcePortal, time.Now())
	require.NoError(t, err)
	retry(t, func() error { return c.Produce(cmd.Topic, env) })
}

// retry calls f until it succeeds, for up to a minute (a broker restart).
func retry(t *testing.T, f func() error) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		err := f()
		if err == nil {
			return
		}
		require.True(t, time.Now().Before(deadline), "still failing after a minute: %v", err)
		time.Sleep(100 * time.Millisecond)
	}
}

type insurerState struct{ drafts, grants int }

// snapshot reads each insurer's registry and grants through the adapter.
func snapshot(t *testing.T, c *testkit.Client, sessions []testkit.Session) map[string]insurerState {
	t.Helper()
	out := map[string]insurerState{}
	for _, s := range sessions {
		search, list := testkit.RegistrySearch(s), testkit.GrantList(s)
		send(t, c, search)
		send(t, c, list)
		var reg contracts.RegistrySearchResult
		var gl contracts.GrantListResult
		require.NoError(t, json.Unmarshal(waitReply(t, c, search.ID, time.Minute).Envelope.Data, &reg))
		require.NoError(t, json.Unmarshal(waitReply(t, c, list.ID, time.Minute).Envelope.Data, &gl))
		out[s.VOEN] = insurerState{drafts: reg.Page.Total, grants: gl.Page.Total}
	}
	return out
}

// outcomeOf is what a reply says: its type and, for an error, the code.
func outcomeOf(r testkit.Received) string {
	if r.Envelope.Type == contracts.TypeError {
		var e contracts.ErrorReply
		_ = json.Unmarshal(r.Envelope.Data, &e)
		return "ERROR " + e.Code
	}
	return r.Envelope.Type
}

func send(t *testing.T, c *testkit.Client, cmd testkit.Command) {
	t.Helper()
	env, err := cmd.Envelope(contracts.SourcePortal, time.Now())
	require.NoError(t, err)
	require.NoError(t, c.Produce(cmd.Topic, env))
}

func waitReply(t *testing.T, c *testkit.Client, id string, timeout time.Duration) testkit.Received {
	t.Helper()
	r, ok := c.Wait(contracts.TopicReplies, timeout, func(r testkit.Received) bool {
		return r.Envelope.Extension(contracts.ExtensionCorrelationID) == id
	})
	require.True(t, ok, "no reply to %s within %s", id, timeout)
	return r
}

// employeeOf is the FIN and SSN of an insurer's one employee.
func employeeOf(voen string) (string, string) {
	return "E" + voen[4:], "100" + voen
}

// publishInsurers puts n insurers, each with one employee, on the
// reference topics.
func publishInsurers(t *testing.T, c *testkit.Client, rng *rand.Rand, n int) []string {
	t.Helper()
	var voens []string
	for i := 0; i < n; i++ {
		voen := fmt.Sprintf("9%09d", rng.IntN(1_000_000_000))
		fin, ssn := employeeOf(voen)
		recs := []any{
			contracts.Insurer{VOEN: voen, AccountNumber: "98" + voen[2:], FullName: fmt.Sprintf(`"SIĞORTAEDƏN %d" MMC`, i),
				Type: contracts.InsurerLegalEntity, ResponsiblePerson: "RƏHBƏR", OfficeCode: "188", OfficeName: "Bakı", UpdatedAt: time.Now()},
			contracts.InsuredPerson{SSN: ssn, FIN: fin, SSNDate: "2010-01-01", CertificateStatus: contracts.CertificateActive, InsurerVOEN: voen, UpdatedAt: time.Now()},
			contracts.IdentityDocument{FIN: fin, DocumentType: contracts.DocumentIDCard, DocumentNumber: "AA1", Surname: "ƏLİYEV",
				Name: "ƏLİ", Patronymic: "VƏLİ OĞLU", Gender: contracts.GenderMale, Citizenship: "Azərbaycan", BirthPlace: "Bakı",
				BirthDate: "1980-01-01", IssuingAuthority: "DİN", IssueDate: "2020-01-01", ValidUntil: "2099-01-01", UpdatedAt: time.Now()},
		}
		for j, r := range recs {
			topic, env, err := contracts.ReferenceEnvelope(fmt.Sprintf("crash-ref-%d-%d", i, j), r, time.Now())
			require.NoError(t, err)
			require.NoError(t, c.Produce(topic, env))
		}
		voens = append(voens, voen)
	}
	return voens
}

type binaries struct{ adapter, broker, portalKeys string }

// built are the adapter and broker binaries, built once for every test of
// the package (TestMain removes them).
var built struct {
	once sync.Once
	dir  string
	bin  binaries
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

func buildBinaries(t *testing.T) binaries {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "dsmf-crash-test-"); built.err != nil {
			return
		}
		b := binaries{adapter: filepath.Join(built.dir, "dsmf-adapter"), broker: filepath.Join(built.dir, "dsmf-broker")}
		for pkg, out := range map[string]string{"github.com/dsmf/ssc-adapter/cmd/dsmf-adapter": b.adapter, "github.com/dsmf/ssc-adapter/cmd/dsmf-broker": b.broker} {
			cmd := exec.Command("go", "build", "-o", out, pkg)
			cmd.Stderr = os.Stderr
			if err := cmd.Run(); err != nil {
				built.err = fmt.Errorf("build %s: %w", pkg, err)
				return
			}
		}
		built.bin = b
	})
	require.NoError(t, built.err)
	return built.bin
}

type adapterProcess struct {
	cmd      *exec.Cmd
	done     chan error
	httpAddr string
}

// waitReady polls /readyz until it answers status, and reports whether it did in time.
func (p *adapterProcess) waitReady(status int, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + p.httpAddr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == status {
				return true
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

func startAdapter(t *testing.T, b binaries, broker string, extra ...string) *adapterProcess {
	t.Helper()
	httpAddr := freeAddr(t)
	args := append([]string{"-brokers", broker, "-http-addr", httpAddr, "-demo-data=false", "-portal-keys", b.portalKeys,
		"-group-session-timeout", "6s", "-shutdown-timeout", "10s", "-log-level", "warn"}, extra...)
	cmd := exec.Command(b.adapter, args...)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	p := &adapterProcess{cmd: cmd, done: make(chan error, 1), httpAddr: httpAddr}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-p.done })
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + httpAddr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		require.True(t, time.Now().Before(deadline), "adapter not ready within 60s")
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *adapterProcess) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
	<-p.done
	p.done <- nil // for the cleanup
}

func (p *adapterProcess) stop(t *testing.T, within time.Duration) {
	t.Helper()
	start := time.Now()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-p.done:
		assert.NoError(t, err, "graceful stop exits 0")
		p.done <- nil
	case <-time.After(within):
		t.Fatalf("adapter did not stop within %s of SIGTERM", within)
	}
	t.Logf("graceful stop took %s", time.Since(start).Round(time.Millisecond))
}
