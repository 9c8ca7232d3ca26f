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
	if testing.Short() {
		t.Skip("builds and runs processes; skipped with -short")
	}
	bin := buildBinaries(t)
	brokerAddr := startBroker(t, bin)
	client, err := testkit.NewClient([]string{brokerAddr})
	require.NoError(t, err)
	t.Cleanup(client.Close)

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	insurers := publishInsurers(t, client, rng, 40)
	pub, key, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	bin.portalKeys = "portal-1=" + base64.StdEncoding.EncodeToString(pub)
	adapter := startAdapter(t, bin, brokerAddr)

	// Log every insurer's director in before the storm.
	sessions := make([]testkit.Session, len(insurers))
	for i, voen := range insurers {
		cmd := testkit.DirectorLogin(voen)
		signed, err := contracts.SignAssertion(cmd.Payload.(contracts.LoginAssertion), "portal-1", key)
		require.NoError(t, err)
		cmd.Payload = signed
		send(t, client, cmd)
		r := waitReply(t, client, cmd.ID, 30*time.Second)
		var res contracts.LoginResult
		require.NoError(t, json.Unmarshal(r.Envelope.Data, &res), "login of %s: %s", voen, r.Envelope.Data)
		sessions[i] = testkit.Session{ID: res.SessionID, VOEN: voen}
	}

	const commands = 3000
	var (
		mu        sync.Mutex
		sent      []testkit.Command
		drafts    = map[string]int{}
		grants    = map[string]int{}
		twice     int
		kills     int
		sendDone  = make(chan struct{})
		killsDone = make(chan struct{})
	)
	go func() {
		defer close(sendDone)
		for i := 0; i < commands; i++ {
			s := sessions[rng.IntN(len(sessions))]
			var cmd testkit.Command
			if rng.IntN(2) == 0 {
				cmd = testkit.DraftSave(s, func(d *contracts.DraftSave) { d.FIN, d.SSN = employeeOf(s.VOEN) })
				drafts[s.VOEN]++
			} else {
				fin := fmt.Sprintf("G%06d", i)
				cmd = testkit.GrantToDeputy(s, func(g *contracts.GrantCreate) { g.Grantee.FIN = fin })
				grants[s.VOEN]++
			}
			send(t, client, cmd)
			if i%10 == 0 { // the portal sends some commands twice
				send(t, client, cmd)
				twice++
			}
			mu.Lock()
			sent = append(sent, cmd)
			mu.Unlock()
			if i%100 == 0 {
				time.Sleep(60 * time.Millisecond)
			}
		}
	}()
	go func() {
		defer close(killsDone)
		for kills < 4 {
			time.Sleep(time.Duration(400+rng.IntN(1200)) * time.Millisecond)
			adapter.kill(t)
			kills++
			adapter = startAdapter(t, bin, brokerAddr)
		}
	}()
	<-sendDone
	<-killsDone

	// Every command is answered; every answer to a command is the same.
	deadline := time.Now().Add(3 * time.Minute)
	answered, repeats := 0, 0
	for _, cmd := range sent {
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
		answered++
		repeats += len(replies) - 1
		first := outcomeOf(replies[0])
		for _, r := range replies[1:] {
			assert.Equal(t, first, outcomeOf(r), "command %s answered two ways", cmd.ID)
		}
		assert.NotContains(t, first, "ERROR", "command %s refused: %s", cmd.ID, first)
	}

	// The log holds one applied event per command: nothing written twice.
	perCommand := map[string]int{}
	for _, r := range client.All(contracts.TopicEvents, nil) {
		var meta contracts.EventMeta
		if json.Unmarshal(r.Envelope.Data, &meta) == nil {
			perCommand[meta.CommandID]++
		}
	}
	written := 0
	for _, cmd := range sent {
		written += perCommand[cmd.ID]
		assert.Equal(t, 1, perCommand[cmd.ID], "events on the log for command %s", cmd.ID)
	}

	before := snapshot(t, client, sessions)
	for voen, n := range drafts {
		assert.Equal(t, n, before[voen].drafts, "drafts of %s", voen)
	}
	for voen, n := range grants {
		assert.Equal(t, n, before[voen].grants, "grants of %s", voen)
	}

	// A graceful stop within its deadline, then a cold rebuild.
	adapter.stop(t, 15*time.Second)
	adapter = startAdapter(t, bin, brokerAddr)
	after := snapshot(t, client, sessions)
	assert.Equal(t, before, after, "state after a cold rebuild")
	t.Logf("figures: commands %d (sent twice on purpose: %d), kills %d, answered %d, answers repeated %d, events written %d, lost %d",
		len(sent), twice, kills, answered, repeats, written, len(sent)-answered)
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

func buildBinaries(t *testing.T) binaries {
	t.Helper()
	dir := t.TempDir()
	b := binaries{adapter: filepath.Join(dir, "dsmf-adapter"), broker: filepath.Join(dir, "dsmf-broker")}
	for pkg, out := range map[string]string{"github.com/dsmf/ssc-adapter/cmd/dsmf-adapter": b.adapter, "github.com/dsmf/ssc-adapter/cmd/dsmf-broker": b.broker} {
		cmd := exec.Command("go", "build", "-o", out, pkg)
		cmd.Stderr = os.Stderr
		require.NoError(t, cmd.Run(), "build %s", pkg)
	}
	return b
}

func startBroker(t *testing.T, b binaries) string {
	t.Helper()
	cmd := exec.Command(b.broker, "-addr", "127.0.0.1:0", "-data-dir", filepath.Join(t.TempDir(), "kafka"))
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	return strings.TrimSpace(line)
}

type adapterProcess struct {
	cmd  *exec.Cmd
	done chan error
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

func startAdapter(t *testing.T, b binaries, broker string) *adapterProcess {
	t.Helper()
	httpAddr := freeAddr(t)
	cmd := exec.Command(b.adapter, "-brokers", broker, "-http-addr", httpAddr, "-demo-data=false", "-portal-keys", b.portalKeys,
		"-group-session-timeout", "6s", "-shutdown-timeout", "10s", "-log-level", "warn")
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	p := &adapterProcess{cmd: cmd, done: make(chan error, 1)}
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
