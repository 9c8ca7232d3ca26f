package contracts_test

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/service"
	"github.com/dsmf/ssc-adapter/contracts"
)

// These tests keep ../docker-compose.yml and ../Dockerfile in step with the
// topic contract in topics.go: the compose stack must create exactly the
// topics contracts.Topics(contracts.DefaultPartitions) lists, and the adapter
// must reach Kafka on the broker's internal listener.

const (
	composePath    = "../docker-compose.yml"
	dockerfilePath = "../Dockerfile"

	kafkaService   = "kafka"
	initService    = "kafka-init"
	adapterService = "adapter"
)

// composeFile is a compose project as Compose itself reads it: the
// Compose Specification's loader validates each file against the
// specification's schema, normalises the short and long syntaxes and merges
// an override file over the base file.
type composeFile = *types.Project

type composeService = types.ServiceConfig

// loadProject loads the compose files, each over the one before, with an
// empty environment (nothing of the test process leaks in).
func loadProject(t *testing.T, files ...string) composeFile {
	t.Helper()
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err, "read %s", f)
		var doc map[string]any
		require.NoError(t, yaml.Unmarshal(raw, &doc), "%s is not valid YAML", f)
		_, hasVersion := doc["version"]
		assert.False(t, hasVersion, "%s: the Compose Specification has no top-level version key", f)
	}
	opts, err := cli.NewProjectOptions(files, cli.WithWorkingDirectory(".."), cli.WithName("dsmf"), cli.WithEnv(nil))
	require.NoError(t, err)
	project, err := opts.LoadProject(t.Context())
	require.NoError(t, err, "%v does not load as the Compose Specification defines", files)
	for _, name := range []string{kafkaService, initService, adapterService} {
		require.Contains(t, project.Services, name, "%v must define service %q", files, name)
	}
	return project
}

func loadCompose(t *testing.T) composeFile { return loadProject(t, composePath) }

// env returns a service's environment; a variable without a value is "".
func env(_ *testing.T, svc composeService) map[string]string {
	out := map[string]string{}
	for k, v := range svc.Environment {
		out[k] = ""
		if v != nil {
			out[k] = *v
		}
	}
	return out
}

// dependsOn returns the condition of each dependency.
func dependsOn(svc composeService) map[string]string {
	out := map[string]string{}
	for name, d := range svc.DependsOn {
		out[name] = d.Condition
	}
	return out
}

// joinContinuations turns backslash-newline continuations into spaces so a
// shell (or Dockerfile) instruction spread over several lines is one line.
var continuation = regexp.MustCompile(`\\[ \t]*\r?\n`)

func joinContinuations(s string) string { return continuation.ReplaceAllString(s, " ") }

// kafkaTopicsCall matches one kafka-topics.sh invocation up to the end of its
// shell command (newline, ';', '&' or '|').
var kafkaTopicsCall = regexp.MustCompile(`\S*kafka-topics(?:\.sh)?[ \t][^\n;&|]*`)

type topicsCall struct {
	create  bool
	flags   map[string][]string // --flag -> values, in order
	command string
}

func parseTopicsCalls(script string) []topicsCall {
	var calls []topicsCall
	for _, cmd := range kafkaTopicsCall.FindAllString(joinContinuations(script), -1) {
		call := topicsCall{flags: map[string][]string{}, command: strings.TrimSpace(cmd)}
		fields := strings.Fields(cmd)[1:]
		for i := 0; i < len(fields); i++ {
			f := strings.Trim(fields[i], `"'`)
			if !strings.HasPrefix(f, "--") {
				continue
			}
			if name, val, ok := strings.Cut(f, "="); ok {
				call.flags[name] = append(call.flags[name], strings.Trim(val, `"'`))
				continue
			}
			if f == "--create" {
				call.create = true
				continue
			}
			if i+1 < len(fields) && !strings.HasPrefix(fields[i+1], "--") {
				call.flags[f] = append(call.flags[f], strings.Trim(fields[i+1], `"'`))
				i++
			} else {
				call.flags[f] = append(call.flags[f], "")
			}
		}
		calls = append(calls, call)
	}
	return calls
}

func (c topicsCall) one(t *testing.T, flag string) string {
	t.Helper()
	v := c.flags[flag]
	if !assert.Len(t, v, 1, "%s must be given once in: %s", flag, c.command) {
		return ""
	}
	return v[0]
}

func (c topicsCall) configs(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, kv := range c.flags["--config"] {
		k, v, ok := strings.Cut(kv, "=")
		if assert.True(t, ok, "--config %q is not key=value in: %s", kv, c.command) {
			assert.NotContains(t, out, k, "--config %s given twice in: %s", k, c.command)
			out[k] = v
		}
	}
	return out
}

// internalListener returns host:port of the listener brokers talk to each
// other on, as advertised: the address other containers must use.
func internalListener(t *testing.T, cf composeFile) string {
	t.Helper()
	kenv := env(t, cf.Services[kafkaService])
	name := kenv["KAFKA_INTER_BROKER_LISTENER_NAME"]
	if name == "" {
		name = "PLAINTEXT" // Kafka's default
	}
	advertised := kenv["KAFKA_ADVERTISED_LISTENERS"]
	require.NotEmpty(t, advertised, "kafka must set KAFKA_ADVERTISED_LISTENERS")
	for _, l := range strings.Split(advertised, ",") {
		n, addr, ok := strings.Cut(strings.TrimSpace(l), "://")
		if ok && n == name {
			return addr
		}
	}
	t.Fatalf("KAFKA_ADVERTISED_LISTENERS %q has no %s listener", advertised, name)
	return ""
}

func TestComposeServices(t *testing.T) {
	t.Parallel()
	cf := loadCompose(t)

	kafka := cf.Services[kafkaService]
	assert.True(t, strings.HasPrefix(kafka.Image, "apache/kafka:"), "kafka runs the official apache/kafka image, got %q", kafka.Image)
	assert.NotNil(t, kafka.HealthCheck, "kafka needs a healthcheck for depends_on: service_healthy")

	initSvc := cf.Services[initService]
	assert.Equal(t, kafka.Image, initSvc.Image, "kafka-init must use the broker's image (same kafka-topics.sh)")
	assert.Equal(t, "service_healthy", dependsOn(initSvc)[kafkaService], "kafka-init must wait for a healthy kafka")

	adapter := cf.Services[adapterService]
	assert.Equal(t, "service_completed_successfully", dependsOn(adapter)[initService],
		"the adapter must start only after the topics exist")
	if assert.NotNil(t, adapter.Build, "adapter must have build: .") {
		root, err := filepath.Abs("..")
		require.NoError(t, err)
		assert.Equal(t, root, adapter.Build.Context, "adapter is built from the repository root")
		assert.Equal(t, "Dockerfile", adapter.Build.Dockerfile)
	}
}

func TestComposeKafkaListeners(t *testing.T) {
	t.Parallel()
	cf := loadCompose(t)
	kenv := env(t, cf.Services[kafkaService])

	assert.Equal(t, "false", kenv["KAFKA_AUTO_CREATE_TOPICS_ENABLE"],
		"topics come from kafka-init only; auto-creation would hide a topic-name drift")

	protocols := map[string]bool{}
	for _, p := range strings.Split(kenv["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"], ",") {
		name, _, ok := strings.Cut(strings.TrimSpace(p), ":")
		if ok {
			protocols[name] = true
		}
	}
	for _, key := range []string{"KAFKA_LISTENERS", "KAFKA_ADVERTISED_LISTENERS"} {
		require.NotEmpty(t, kenv[key], "kafka must set %s", key)
		for _, l := range strings.Split(kenv[key], ",") {
			name, _, _ := strings.Cut(strings.TrimSpace(l), "://")
			assert.True(t, protocols[name], "%s listener %s is missing from KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", key, name)
		}
	}
	for _, key := range []string{"KAFKA_CONTROLLER_LISTENER_NAMES", "KAFKA_INTER_BROKER_LISTENER_NAME"} {
		assert.True(t, protocols[kenv[key]], "%s %q is missing from KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", key, kenv[key])
	}
}

// composeTopics are the topics kafka-init creates: the contract's, and the
// adapter's own snapshot topic, which the adapter may not create under ACLs.
func composeTopics() map[string]contracts.TopicSpec {
	want := map[string]contracts.TopicSpec{}
	for _, spec := range append(contracts.Topics(contracts.DefaultPartitions), service.SnapshotTopicSpec()) {
		want[spec.Name] = spec
	}
	return want
}

func TestComposeCreatesContractTopics(t *testing.T) {
	t.Parallel()
	cf := loadCompose(t)
	script := initScript(cf)
	broker := internalListener(t, cf)

	want := composeTopics()

	created := map[string]bool{}
	for _, call := range parseTopicsCalls(script) {
		if !call.create {
			continue
		}
		topic := call.one(t, "--topic")
		t.Run(topic, func(t *testing.T) {
			assert.False(t, created[topic], "topic created twice")
			created[topic] = true
			spec, known := want[topic]
			if !assert.True(t, known, "kafka-init creates %q, which neither contracts.Topics nor service.SnapshotTopicSpec is", topic) {
				return
			}
			assert.Contains(t, call.flags, "--if-not-exists", "re-running kafka-init must not fail")
			assert.Equal(t, broker, call.one(t, "--bootstrap-server"), "kafka-init must use kafka's internal listener")
			assert.Equal(t, strconv.Itoa(int(spec.Partitions)), call.one(t, "--partitions"), "partitions")
			assert.Equal(t, "1", call.one(t, "--replication-factor"), "replication factor of a single broker")
			cfg := call.configs(t)
			assert.Equal(t, spec.CleanupPolicy, cfg["cleanup.policy"], "cleanup.policy")
			assert.Equal(t, strconv.FormatInt(spec.RetentionMs, 10), cfg["retention.ms"], "retention.ms")
		})
	}
	for name := range want {
		assert.True(t, created[name], "kafka-init does not create %s", name)
	}
}

func TestComposeAdapterEnvironment(t *testing.T) {
	t.Parallel()
	cf := loadCompose(t)
	adapter := cf.Services[adapterService]
	aenv := env(t, adapter)

	broker := internalListener(t, cf)
	assert.Equal(t, broker, aenv["DSMF_BROKERS"], "DSMF_BROKERS must be kafka's internal listener")
	host, _, err := net.SplitHostPort(broker)
	require.NoError(t, err, "internal listener %q", broker)
	kafka := cf.Services[kafkaService]
	assert.Contains(t, []string{kafkaService, kafka.Hostname}, host,
		"the internal listener must name the kafka service, which other containers resolve")

	assert.Equal(t, "false", aenv["DSMF_CREATE_TOPICS"], "kafka-init owns topic creation")
	assert.Equal(t, strconv.Itoa(contracts.DefaultPartitions), aenv["DSMF_PARTITIONS"],
		"DSMF_PARTITIONS must match the partitions kafka-init creates")
	assert.NotEmpty(t, aenv["DSMF_CONSUMER_GROUP"], "DSMF_CONSUMER_GROUP")

	// The HTTP ops port the adapter listens on is the one published.
	_, httpPort, err := net.SplitHostPort(aenv["DSMF_HTTP_ADDR"])
	require.NoError(t, err, "DSMF_HTTP_ADDR %q", aenv["DSMF_HTTP_ADDR"])
	var published []string
	for _, p := range adapter.Ports {
		published = append(published, strconv.Itoa(int(p.Target)))
	}
	assert.Contains(t, published, httpPort, "the adapter's HTTP port must be published")
}

// dockerInstructions returns the Dockerfile's instructions, one per element,
// with comments dropped and continuation lines joined.
func dockerInstructions(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(dockerfilePath)
	require.NoError(t, err, "read %s", dockerfilePath)
	var kept []string
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			kept = append(kept, line)
		}
	}
	var out []string
	for _, line := range strings.Split(joinContinuations(strings.Join(kept, "\n")), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

var (
	goBuild   = regexp.MustCompile(`\bgo build\b.*\s-o[ =](\S+).*\s(\./cmd/dsmf-adapter)/?(?:\s|$)`)
	copyFrom  = regexp.MustCompile(`^COPY\s+--from=\S+\s+(\S+)\s+(\S+)$`)
	entryExec = regexp.MustCompile(`^ENTRYPOINT\s+\[\s*"([^"]+)"`)
)

func TestComposeDockerfileBuildsAdapter(t *testing.T) {
	t.Parallel()
	ins := dockerInstructions(t)

	var built, copied, entry string
	var froms []string
	exposes := false
	for _, in := range ins {
		upper := strings.ToUpper(in)
		switch {
		case strings.HasPrefix(upper, "FROM "):
			froms = append(froms, in)
		case strings.HasPrefix(upper, "RUN ") && goBuild.MatchString(in):
			built = goBuild.FindStringSubmatch(in)[1]
			assert.Contains(t, in, "CGO_ENABLED=0", "the binary must be static for the runtime image")
		case copyFrom.MatchString(in):
			if m := copyFrom.FindStringSubmatch(in); built != "" && m[1] == built {
				copied = m[2]
			}
		case entryExec.MatchString(in):
			entry = entryExec.FindStringSubmatch(in)[1]
		case strings.HasPrefix(upper, "EXPOSE "):
			exposes = exposes || strings.Contains(" "+in+" ", " 8080 ") || strings.Contains(in, " 8080/tcp")
		}
	}
	require.NotEmpty(t, built, "the Dockerfile must RUN go build -o <path> ./cmd/dsmf-adapter")
	assert.GreaterOrEqual(t, len(froms), 2, "the Dockerfile must be multi-stage")
	if len(froms) > 0 {
		assert.Contains(t, froms[0], "golang:", "the build stage runs on the golang image")
	}
	require.NotEmpty(t, copied, "the runtime stage must COPY --from the build stage the binary built at %s", built)
	assert.Equal(t, copied, entry, "ENTRYPOINT must run the copied binary")
	assert.True(t, exposes, "the Dockerfile must EXPOSE the HTTP ops port 8080")
}

// The secure variant: docker-compose.secure.yml over docker-compose.yml.

const (
	secureComposePath = "../docker-compose.secure.yml"
	secureJAASMount   = "/etc/kafka/secure"
)

// loadSecureCompose loads docker-compose.secure.yml over docker-compose.yml,
// as `docker compose -f docker-compose.yml -f docker-compose.secure.yml` does.
func loadSecureCompose(t *testing.T) composeFile {
	t.Helper()
	return loadProject(t, composePath, secureComposePath)
}

func TestComposeSecureKafka(t *testing.T) {
	t.Parallel()
	cf := loadSecureCompose(t)
	kenv := env(t, cf.Services[kafkaService])

	assert.Equal(t, "org.apache.kafka.metadata.authorizer.StandardAuthorizer", kenv["KAFKA_AUTHORIZER_CLASS_NAME"])
	assert.Equal(t, "User:admin", kenv["KAFKA_SUPER_USERS"], "admin is the only super user: not the adapter, not ANONYMOUS")
	assert.NotEqual(t, "true", kenv["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"])

	// Every listener authenticates: none is PLAINTEXT or SSL without SASL.
	listeners := map[string]string{}
	for _, p := range strings.Split(kenv["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"], ",") {
		name, proto, _ := strings.Cut(strings.TrimSpace(p), ":")
		listeners[name] = proto
		assert.Contains(t, []string{"SASL_PLAINTEXT", "SASL_SSL"}, proto, "listener %s", name)
	}
	for _, key := range []string{"KAFKA_LISTENERS", "KAFKA_ADVERTISED_LISTENERS"} {
		for _, l := range strings.Split(kenv[key], ",") {
			name, _, _ := strings.Cut(strings.TrimSpace(l), "://")
			assert.Contains(t, listeners, name, "%s listener %s is missing from the protocol map", key, name)
		}
	}
	for _, key := range []string{"KAFKA_CONTROLLER_LISTENER_NAMES", "KAFKA_INTER_BROKER_LISTENER_NAME"} {
		assert.Contains(t, listeners, kenv[key], "%s", key)
	}
	mechanisms := strings.Split(kenv["KAFKA_SASL_ENABLED_MECHANISMS"], ",")
	assert.Contains(t, mechanisms, "SCRAM-SHA-256", "the principals log in with SCRAM-SHA-256")
	assert.Contains(t, mechanisms, kenv["KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL"])
	assert.Equal(t, "SCRAM-SHA-256", kenv["KAFKA_LISTENER_NAME_EXTERNAL_SASL_ENABLED_MECHANISMS"],
		"the host listener takes no PLAIN: no password crosses it in clear text")

	// The JAAS file is mounted from the repository and defines admin.
	jaas := strings.TrimPrefix(kenv["KAFKA_OPTS"], "-Djava.security.auth.login.config=")
	require.True(t, strings.HasPrefix(jaas, secureJAASMount+"/"), "KAFKA_OPTS must name a JAAS file under %s, got %q", secureJAASMount, kenv["KAFKA_OPTS"])
	assert.Contains(t, volumeTargets(cf.Services[kafkaService]), secureJAASMount)
	raw, err := os.ReadFile("../compose/secure/" + strings.TrimPrefix(jaas, secureJAASMount+"/"))
	require.NoError(t, err)
	assert.Contains(t, string(raw), "user_admin=")
	assert.Contains(t, string(raw), "ScramLoginModule")

	require.NotNil(t, cf.Services[kafkaService].HealthCheck)
	assert.Contains(t, strings.Join(cf.Services[kafkaService].HealthCheck.Test, " "), "--command-config "+secureJAASMount+"/admin.properties",
		"the healthcheck must log in")
	for _, p := range cf.Services[kafkaService].Ports {
		assert.Equal(t, "127.0.0.1", p.HostIP, "kafka publishes %d beyond loopback", p.Target)
	}
}

func TestComposeSecureCreatesContractTopics(t *testing.T) {
	t.Parallel()
	cf := loadSecureCompose(t)
	script := initScript(cf)
	want := composeTopics()
	created := map[string]bool{}
	for _, call := range parseTopicsCalls(script) {
		if !call.create {
			continue
		}
		topic := call.one(t, "--topic")
		spec, known := want[topic]
		if !assert.True(t, known, "kafka-init creates %q, which neither contracts.Topics nor service.SnapshotTopicSpec is", topic) {
			continue
		}
		created[topic] = true
		assert.Equal(t, secureJAASMount+"/admin.properties", call.one(t, "--command-config"), "topics are created as admin")
		assert.Equal(t, strconv.Itoa(int(spec.Partitions)), call.one(t, "--partitions"), "%s partitions", topic)
		cfg := call.configs(t)
		assert.Equal(t, spec.CleanupPolicy, cfg["cleanup.policy"], "%s cleanup.policy", topic)
		assert.Equal(t, strconv.FormatInt(spec.RetentionMs, 10), cfg["retention.ms"], "%s retention.ms", topic)
	}
	for name := range want {
		assert.True(t, created[name], "the secure kafka-init does not create %s", name)
	}
}

// scramUser matches one kafka-configs.sh call that sets a SCRAM credential.
var scramUser = regexp.MustCompile(`kafka-configs(?:\.sh)?\s[^\n;&|]*--add-config\s+["']?(SCRAM-SHA-\d+)=\[password=([^\]]+)\]["']?[^\n;&|]*--entity-type\s+users\s+--entity-name\s+(\S+)`)

func TestComposeSecureUsers(t *testing.T) {
	t.Parallel()
	cf := loadSecureCompose(t)
	users := map[string]string{}
	for _, m := range scramUser.FindAllStringSubmatch(joinContinuations(initScript(cf)), -1) {
		assert.Equal(t, "SCRAM-SHA-256", m[1], "user %s", m[3])
		assert.Contains(t, m[2], secureJAASMount+"/"+m[3]+".password", "user %s's password comes from its file", m[3])
		users[m[3]] = m[2]
	}
	for _, p := range []string{kafka.PrincipalAdapter, kafka.PrincipalPortal, kafka.PrincipalBackOffice, kafka.PrincipalRegisters,
		kafka.PrincipalAuditor} {
		assert.Contains(t, users, p, "kafka-init must create the SCRAM user %s", p)
		_, err := os.Stat("../compose/secure/" + p + ".password")
		assert.NoError(t, err)
	}
	assert.NotContains(t, users, "admin", "admin is a static PLAIN user of the JAAS file")
}

// aclGrant is one ACL that kafka-init adds, in kafka.Grant's terms.
type aclGrant = kafka.Grant

var kafkaACLsCall = regexp.MustCompile(`\S*kafka-acls(?:\.sh)?[ \t][^\n;&|]*`)

// composeGrants expands the kafka-acls.sh --add calls of a script into one
// grant per principal, operation and resource, as kafka-acls.sh does.
func composeGrants(t *testing.T, script string) []aclGrant {
	t.Helper()
	var out []aclGrant
	for _, cmd := range kafkaACLsCall.FindAllString(joinContinuations(script), -1) {
		fields := strings.Fields(cmd)[1:]
		flags := map[string][]string{}
		for i := 0; i < len(fields); i++ {
			f := fields[i]
			if !strings.HasPrefix(f, "--") {
				continue
			}
			if i+1 < len(fields) && !strings.HasPrefix(fields[i+1], "--") {
				flags[f] = append(flags[f], strings.Trim(fields[i+1], `"'`))
				i++
			} else {
				flags[f] = append(flags[f], "")
			}
		}
		if _, add := flags["--add"]; !add {
			continue
		}
		assert.NotContains(t, flags, "--deny-principal", "kafka-init grants; it needs no deny: %s", cmd)
		assert.NotContains(t, flags, "--cluster", "no principal gets a cluster operation: %s", cmd)
		assert.Equal(t, []string{"/etc/kafka/secure/admin.properties"}, flags["--command-config"], "ACLs are added as admin: %s", cmd)
		prefixed := false
		switch p := flags["--resource-pattern-type"]; {
		case len(p) == 0 || p[0] == "literal":
		case p[0] == "prefixed":
			prefixed = true
		default:
			t.Errorf("unexpected --resource-pattern-type %v in: %s", p, cmd)
		}
		for _, principal := range flags["--allow-principal"] {
			name, ok := strings.CutPrefix(principal, "User:")
			assert.True(t, ok, "principal %q is not User:<name>", principal)
			for _, op := range flags["--operation"] {
				for _, topic := range flags["--topic"] {
					out = append(out, aclGrant{Principal: name, Name: topic, Prefixed: prefixed, Operation: kafka.Operation(op)})
				}
				for _, group := range flags["--group"] {
					out = append(out, aclGrant{Principal: name, Group: true, Name: group, Prefixed: prefixed, Operation: kafka.Operation(op)})
				}
				for _, id := range flags["--transactional-id"] {
					out = append(out, aclGrant{Principal: name, TransactionalID: true, Name: id, Prefixed: prefixed,
						Operation: kafka.Operation(op)})
				}
			}
		}
	}
	return out
}

func TestComposeSecureACLs(t *testing.T) {
	t.Parallel()
	cf := loadSecureCompose(t)
	grants := composeGrants(t, initScript(cf))
	group := env(t, cf.Services[adapterService])["DSMF_CONSUMER_GROUP"]
	require.NotEmpty(t, group)
	assert.ElementsMatch(t, kafka.Grants(group), grants,
		"kafka-init must grant exactly kafka.Grants (adapters/kafka/acl.go), which the kfake tests prove")

	has := func(principal, topic string, op kafka.Operation) bool {
		for _, g := range grants {
			if g.Principal == principal && !g.Group && !g.TransactionalID && (g.Name == topic || g.Prefixed && strings.HasPrefix(topic, g.Name) || g.Name == "*") &&
				g.Operation == op {
				return true
			}
		}
		return false
	}
	for _, topic := range []string{contracts.TopicBackOfficeCommands, contracts.TopicEvents} {
		assert.False(t, has(kafka.PrincipalPortal, topic, kafka.OpWrite), "the portal must not write %s", topic)
	}
	assert.False(t, has(kafka.PrincipalPortal, contracts.TopicEvents, kafka.OpRead), "the portal must not read the event log")
	for _, topic := range []string{contracts.TopicPortalCommands, contracts.TopicEvents} {
		assert.False(t, has(kafka.PrincipalBackOffice, topic, kafka.OpWrite), "the back office must not write %s", topic)
	}
	assert.True(t, has(kafka.PrincipalPortal, contracts.TopicPortalCommands, kafka.OpWrite))
	assert.True(t, has(kafka.PrincipalBackOffice, contracts.TopicBackOfficeCommands, kafka.OpWrite))
	assert.True(t, has(kafka.PrincipalBackOffice, contracts.TopicEvents, kafka.OpRead))
	for _, p := range []string{kafka.PrincipalPortal, kafka.PrincipalBackOffice} {
		assert.True(t, has(p, contracts.TopicApplicationStatus, kafka.OpRead), "%s reads the status topic", p)
		assert.False(t, has(p, contracts.TopicApplicationStatus, kafka.OpWrite), "%s must not write the status topic", p)
	}
	for _, topic := range []string{contracts.TopicEvents, contracts.TopicReplies, contracts.TopicNotices, contracts.TopicDeadLetter,
		contracts.TopicAudit, contracts.TopicApplicationStatus} {
		assert.True(t, has(kafka.PrincipalAdapter, topic, kafka.OpWrite), "the adapter writes %s", topic)
	}
	assert.False(t, has(kafka.PrincipalAdapter, contracts.TopicAudit, kafka.OpRead), "the adapter only appends to the audit trail")
	for _, p := range []string{kafka.PrincipalPortal, kafka.PrincipalBackOffice, kafka.PrincipalRegisters, kafka.PrincipalAuditor} {
		assert.False(t, has(p, contracts.TopicAudit, kafka.OpWrite), "%s must not write the audit trail", p)
	}
	for _, p := range []string{kafka.PrincipalPortal, kafka.PrincipalBackOffice, kafka.PrincipalRegisters} {
		assert.False(t, has(p, contracts.TopicAudit, kafka.OpRead), "%s must not read the audit trail", p)
	}
	assert.True(t, has(kafka.PrincipalAuditor, contracts.TopicAudit, kafka.OpRead), "the auditor reads the audit trail")
	// The snapshots of state hold personal data: the adapter's alone.
	assert.True(t, has(kafka.PrincipalAdapter, service.TopicStateSnapshots, kafka.OpWrite), "the adapter writes its snapshots")
	assert.True(t, has(kafka.PrincipalAdapter, service.TopicStateSnapshots, kafka.OpRead), "the adapter reads its snapshots")
	for _, p := range []string{kafka.PrincipalPortal, kafka.PrincipalBackOffice, kafka.PrincipalRegisters, kafka.PrincipalAuditor} {
		for _, op := range []kafka.Operation{kafka.OpRead, kafka.OpWrite} {
			assert.False(t, has(p, service.TopicStateSnapshots, op), "%s must not %s the snapshots of state", p, op)
		}
	}
	for _, g := range grants {
		if g.Principal == kafka.PrincipalAuditor && !g.Group && !g.TransactionalID {
			assert.Equal(t, contracts.TopicAudit, g.Name, "the auditor reads the audit trail and no other topic")
			assert.Equal(t, kafka.OpRead, g.Operation, "the auditor only reads")
		}
	}
}

func TestComposeSecureAdapterEnvironment(t *testing.T) {
	t.Parallel()
	cf := loadSecureCompose(t)
	aenv := env(t, cf.Services[adapterService])
	assert.Equal(t, "SCRAM-SHA-256", aenv["DSMF_KAFKA_SASL_MECHANISM"])
	assert.Equal(t, kafka.PrincipalAdapter, aenv["DSMF_KAFKA_SASL_USER"])
	assert.Empty(t, aenv["DSMF_KAFKA_SASL_PASSWORD"], "the password comes from a secret file, not the environment")
	secretFile := aenv["DSMF_KAFKA_SASL_PASSWORD_FILE"]
	secret, ok := strings.CutPrefix(secretFile, "/run/secrets/")
	require.True(t, ok, "DSMF_KAFKA_SASL_PASSWORD_FILE %q must be a compose secret", secretFile)
	want, err := filepath.Abs("../compose/secure/adapter.password")
	require.NoError(t, err)
	assert.Equal(t, want, cf.Secrets[secret].File,
		"the adapter's secret must be the file kafka-init sets its SCRAM password from")
	assert.Equal(t, "false", aenv["DSMF_DEMO_DATA"], "the adapter may not write the reference topics")
	assert.Equal(t, "false", aenv["DSMF_CREATE_TOPICS"], "admin creates the topics")
	assert.Equal(t, internalListener(t, cf), aenv["DSMF_BROKERS"])
}

// initScript is kafka-init's shell script: its entrypoint and command.
func initScript(cf composeFile) string {
	s := cf.Services[initService]
	return strings.Join(append(append([]string{}, s.Entrypoint...), s.Command...), "\n")
}

func volumeTargets(svc composeService) []string {
	var out []string
	for _, v := range svc.Volumes {
		out = append(out, v.Target)
	}
	return out
}

// The loader checks a file against the Compose Specification's schema, so a
// misspelt key or a value of the wrong shape fails the tests above.
func TestComposeLoaderRefusesWhatTheSpecificationRefuses(t *testing.T) {
	t.Parallel()
	for name, doc := range map[string]string{
		"misspelt key":      "services:\n  adapter:\n    image: x\n    enviroment:\n      A: b\n",
		"ports not list":    "services:\n  adapter:\n    image: x\n    ports: 8080\n",
		"unknown condition": "services:\n  a:\n    image: x\n  b:\n    image: x\n    depends_on:\n      a:\n        condition: when_ready\n",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := filepath.Join(t.TempDir(), "compose.yml")
			require.NoError(t, os.WriteFile(f, []byte(doc), 0o600))
			opts, err := cli.NewProjectOptions([]string{f}, cli.WithName("bad"), cli.WithEnv(nil))
			require.NoError(t, err)
			_, err = opts.LoadProject(t.Context())
			assert.Error(t, err)
		})
	}
}
