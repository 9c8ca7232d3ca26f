package testkit_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// Our own deployment conforms.
func TestConformanceOfTheEmbeddedAdapter(t *testing.T) {
	t.Parallel()
	testkit.RunConformance(t, testkit.Target{})
}

// dropLogouts breaks the adapter on purpose: it swallows every logout
// (ÇIXIŞ) without handling or answering it, so sessions stay open.
func dropLogouts(h message.HandlerFunc) message.HandlerFunc {
	return func(msg *message.Message) ([]*message.Message, error) {
		if msg.Metadata.Get("ce_type") == contracts.TypeLogout {
			return nil, nil
		}
		return h(msg)
	}
}

// TestBrokenDeployment runs the suite against a deployment that breaks one
// rule; it is meant to fail, so it runs only inside the test below.
func TestBrokenDeployment(t *testing.T) {
	t.Parallel()
	if os.Getenv("DSMF_RUN_BROKEN_DEPLOYMENT") == "" {
		t.Skip("run by TestConformanceNamesTheBrokenBehaviour")
	}
	testkit.RunConformance(t, testkit.Target{Timeout: 3 * time.Second, Middlewares: []message.HandlerMiddleware{dropLogouts}})
}

// The suite fails on a broken deployment, naming the behaviour it breaks
// and only that one.
func TestConformanceNamesTheBrokenBehaviour(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBrokenDeployment$", "-test.v")
	cmd.Env = append(os.Environ(), "DSMF_RUN_BROKEN_DEPLOYMENT=1")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "the suite must fail against a broken deployment:\n%s", out)
	var failed []string
	for _, line := range strings.Split(string(out), "\n") {
		if f, ok := strings.CutPrefix(strings.TrimSpace(line), "--- FAIL: "); ok {
			failed = append(failed, strings.Fields(f)[0])
		}
	}
	broken := "TestBrokenDeployment/sessions/logout_(ÇIXIŞ)_closes_the_session"
	assert.Contains(t, failed, broken)
	for _, f := range failed {
		assert.Contains(t, []string{"TestBrokenDeployment", "TestBrokenDeployment/sessions", broken}, f, "only the broken behaviour fails")
	}
	assert.Contains(t, string(out), "--- PASS: TestBrokenDeployment/login/signer_with_stamp_authority_logs_in_as_owner_with_every_section")
}
