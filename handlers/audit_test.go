package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/handlers"
	"github.com/dsmf/ssc-adapter/testkit"
)

// auditRecords decodes the audit records published so far; each must match
// its schema and carry the audit type.
func auditRecords(t *testing.T, log *memoryLog) []contracts.AuditRecord {
	t.Helper()
	var out []contracts.AuditRecord
	for _, r := range log.on(contracts.TopicAudit) {
		env, err := contracts.DecodeEnvelope([]byte(r.Key), r.Headers, r.Value)
		require.NoError(t, err)
		require.Equal(t, contracts.TypeAudit, env.Type)
		require.NoError(t, contracts.ValidatePayload(contracts.TypeAudit, r.Value), "%s", r.Value)
		var rec contracts.AuditRecord
		require.NoError(t, json.Unmarshal(r.Value, &rec))
		out = append(out, rec)
	}
	return out
}

// unitLogin logs the director in through h and returns the session.
func unitLogin(t *testing.T, h *handlers.Handler, log *memoryLog) testkit.Session {
	t.Helper()
	require.NoError(t, h.Handle(context.Background(), inbound(t, testkit.DirectorLogin(testkit.Insurer.VOEN))))
	var res contracts.LoginResult
	replies := log.on(contracts.TopicReplies)
	require.NoError(t, json.Unmarshal(replies[len(replies)-1].Value, &res))
	require.NotEmpty(t, res.SessionID)
	return testkit.Session{ID: res.SessionID, VOEN: testkit.Insurer.VOEN}
}

// Issue 8: a transient failure leaves no audit record (the command is
// retried and audited then); a failure to write the audit record is itself
// transient, and the retry, answered from the recorded outcome, is audited
// once with that outcome.
func TestAuditTransientFailureLeavesNoRecord(t *testing.T) {
	t.Parallel()
	h, log := newUnit(t, nil)
	ctx := context.Background()
	broker := errors.New("kafka: broker not available")

	log.fail[contracts.TopicEvents] = broker
	login := inbound(t, testkit.DirectorLogin(testkit.Insurer.VOEN))
	require.ErrorIs(t, h.Handle(ctx, login), handlers.ErrTransient)
	assert.Empty(t, log.on(contracts.TopicAudit), "a transient failure is audited when retried, not now")
	delete(log.fail, contracts.TopicEvents)

	log.fail[contracts.TopicAudit] = broker
	err := h.Handle(ctx, login)
	require.ErrorIs(t, err, handlers.ErrTransient, "an audit record that cannot be written fails the message")
	assert.Empty(t, log.on(contracts.TopicAudit))
	assert.Len(t, log.on(contracts.TopicEvents), 1, "the login was decided")
	assert.Empty(t, log.on(contracts.TopicReplies), "the reply is written with the audit record, in one produce")
	delete(log.fail, contracts.TopicAudit)

	require.NoError(t, h.Handle(ctx, login))
	assert.Len(t, log.on(contracts.TopicEvents), 1, "the retry has no second effect")
	recs := auditRecords(t, log)
	require.Len(t, recs, 1)
	rec := recs[0]
	var res contracts.LoginResult
	require.Len(t, log.on(contracts.TopicReplies), 1)
	require.NoError(t, json.Unmarshal(log.on(contracts.TopicReplies)[0].Value, &res))
	assert.Equal(t, contracts.AuditAccepted, rec.Outcome)
	assert.Empty(t, rec.Code)
	assert.Equal(t, contracts.TypeLogin, rec.CommandType)
	assert.Equal(t, res.SessionID, rec.SessionID, "an accepted login names the session it opened")
	assert.Equal(t, contracts.RoleOwner, rec.Role)
	assert.Equal(t, testkit.Insurer.VOEN, rec.InsurerVOEN)
	assert.Equal(t, contracts.AuditPrincipalPortal, rec.PrincipalKind)
	assert.Equal(t, res.OpenedAt.UTC(), rec.At, "at is the recorded decision's time")
	assert.Equal(t, testkit.Insurer.VOEN, log.on(contracts.TopicAudit)[0].Key)
}

// Issue 8: a permanent failure (a panic, or an error no retry mends) is
// audited once as "failed" with INTERNAL_ERROR.
func TestAuditPermanentFailureIsFailed(t *testing.T) {
	t.Parallel()
	for name, r := range map[string]renderer{
		"panic": func(contracts.Notice) ([]byte, error) { panic("font table corrupt") },
		"error": func(contracts.Notice) ([]byte, error) { return nil, errors.New("font table corrupt") },
	} {
		t.Run(name, func(t *testing.T) {
			h, log := newUnit(t, r)
			s := unitLogin(t, h, log)
			submit := testkit.SubmitNew(s)
			require.NoError(t, h.Handle(context.Background(), inbound(t, submit)))

			recs := auditRecords(t, log)
			require.Len(t, recs, 2, "the login and the submission")
			rec := recs[1]
			assert.Equal(t, submit.ID, rec.CommandID)
			assert.Equal(t, contracts.TypeSubmit, rec.CommandType)
			assert.Equal(t, contracts.AuditFailed, rec.Outcome)
			assert.Equal(t, "INTERNAL_ERROR", rec.Code)
			assert.Equal(t, s.ID, rec.SessionID)
			assert.Equal(t, contracts.RoleOwner, rec.Role)
			assert.Equal(t, testkit.Insurer.VOEN, rec.InsurerVOEN)
			in := inbound(t, submit)
			assert.Equal(t, contracts.DeadLetterID(in.Topic, in.Partition, in.Offset), rec.DeadLetterID,
				"the record names the dead letter the failure wrote")
		})
	}
}

// Issue 8: what intake refuses is audited too: dead-lettered records with
// the dead-letter code, answered-only refusals (a mistyped field, a key that
// is not the insurer's) as refused; nothing from a payload no schema vouches
// for is copied, and no record holds the personal data sent.
func TestAuditRecordsOfIntake(t *testing.T) {
	t.Parallel()
	h, log := newUnit(t, nil)
	ctx := context.Background()
	s := unitLogin(t, h, log)
	emp := testkit.Employee()
	portal := func(id, typ, key, value string) handlers.Inbound {
		return handlers.Inbound{Topic: contracts.TopicPortalCommands, Partition: 2, Offset: 41, Key: []byte(key),
			Headers: ceHeaders(id, typ), Value: []byte(value)}
	}
	mistyped := testkit.PersonLookup(s, func(l *contracts.PersonLookup) { l.FIN = "5ZK8T38B" })
	wrongKey := testkit.ProfileGet(s)
	wrongKey.Key = testkit.OtherInsurer.VOEN
	cases := []struct {
		name string
		in   handlers.Inbound
		want contracts.AuditRecord
	}{
		{"no envelope", handlers.Inbound{Topic: contracts.TopicPortalCommands, Key: []byte(emp.Document.FIN),
			Value: []byte(`{"fin":"` + emp.Document.FIN + `"}`)},
			contracts.AuditRecord{Outcome: contracts.AuditDeadLettered, Code: "MALFORMED_MESSAGE"}},
		{"no envelope, keyed by a registered insurer", handlers.Inbound{Topic: contracts.TopicPortalCommands,
			Key: []byte(s.VOEN), Value: []byte(`{"fin":"` + emp.Document.FIN + `"}`)},
			contracts.AuditRecord{InsurerVOEN: s.VOEN, Outcome: contracts.AuditDeadLettered, Code: "MALFORMED_MESSAGE"}},
		{"not JSON", portal("a-not-json", contracts.TypePersonLookup, s.VOEN, `{"fin":"`+emp.Document.FIN),
			contracts.AuditRecord{CommandID: "a-not-json", CommandType: contracts.TypePersonLookup, InsurerVOEN: s.VOEN,
				Outcome: contracts.AuditDeadLettered, Code: "MALFORMED_MESSAGE"}},
		{"unknown type", portal("a-type", "az.gov.dsmf.ssc."+emp.Document.FIN+".v1", s.VOEN, `{}`),
			contracts.AuditRecord{CommandID: "a-type", InsurerVOEN: s.VOEN, Outcome: contracts.AuditDeadLettered, Code: "UNKNOWN_MESSAGE_TYPE"}},
		{"decision on the portal topic", portal("a-decision", contracts.TypeDecision, s.VOEN,
			`{"applicationId":"x","insurerVoen":"`+s.VOEN+`","decision":"reject","reason":"r","officer":"o"}`),
			contracts.AuditRecord{CommandID: "a-decision", CommandType: contracts.TypeDecision, InsurerVOEN: s.VOEN,
				Outcome: contracts.AuditDeadLettered, Code: "UNKNOWN_MESSAGE_TYPE"}},
		{"schema violation, known session", portal("a-schema", contracts.TypePersonLookup, s.VOEN,
			`{"sessionId":"`+s.ID+`","insurerVoen":"`+s.VOEN+`","fin":"`+emp.Document.FIN+`","surname":"`+emp.Document.Surname+`"}`),
			contracts.AuditRecord{CommandID: "a-schema", CommandType: contracts.TypePersonLookup, InsurerVOEN: s.VOEN,
				SessionID: s.ID, Role: contracts.RoleOwner, Outcome: contracts.AuditDeadLettered, Code: "SCHEMA_VIOLATION"}},
		{"schema violation, unknown session and insurer", portal("a-schema-2", contracts.TypeProfileGet, "1234567890",
			`{"sessionId":"`+emp.Insured.SSN+`","insurerVoen":"1234567890","x":1}`),
			contracts.AuditRecord{CommandID: "a-schema-2", CommandType: contracts.TypeProfileGet,
				Outcome: contracts.AuditDeadLettered, Code: "SCHEMA_VIOLATION"}},
		{"mistyped FIN", inbound(t, mistyped),
			contracts.AuditRecord{CommandID: mistyped.ID, CommandType: contracts.TypePersonLookup, InsurerVOEN: s.VOEN,
				SessionID: s.ID, Role: contracts.RoleOwner, Outcome: contracts.AuditRefused, Code: "INVALID_FIN"}},
		{"key mismatch", inbound(t, wrongKey),
			contracts.AuditRecord{CommandID: wrongKey.ID, CommandType: contracts.TypeProfileGet, InsurerVOEN: s.VOEN,
				SessionID: s.ID, Role: contracts.RoleOwner, Outcome: contracts.AuditRefused, Code: "KEY_MISMATCH"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(log.on(contracts.TopicAudit))
			require.NoError(t, h.Handle(ctx, c.in))
			recs := auditRecords(t, log)[before:]
			require.Len(t, recs, 1, "one audit record per command")
			got := recs[0]
			assert.NotZero(t, got.At)
			got.At = c.want.At
			c.want.PrincipalKind, c.want.SourceTopic = contracts.AuditPrincipalPortal, contracts.TopicPortalCommands
			c.want.SourcePartition, c.want.SourceOffset = c.in.Partition, c.in.Offset
			if c.want.Outcome == contracts.AuditDeadLettered {
				c.want.DeadLetterID = contracts.DeadLetterID(c.in.Topic, c.in.Partition, c.in.Offset)
			}
			assert.Equal(t, c.want, got)
			raw := log.on(contracts.TopicAudit)[before]
			for _, pii := range []string{emp.Document.FIN, emp.Document.Surname, emp.Insured.SSN, testkit.DirectorFIN, testkit.DirectorCard} {
				assert.NotContains(t, string(raw.Value), pii)
				for _, hd := range raw.Headers {
					assert.NotContains(t, string(hd.Value), pii, "header %s", hd.Key)
				}
			}
			switch {
			case got.InsurerVOEN != "":
				assert.Equal(t, got.InsurerVOEN, raw.Key, "keyed by the insurer")
			case len(c.in.Key) == 10:
				assert.Equal(t, string(c.in.Key), raw.Key, "without an insurer, the original key")
			default:
				assert.Empty(t, raw.Key, "a key that is no VÖEN is not copied")
			}
		})
	}
}

// Issue 8: a back-office decision is audited as the back office's, without
// a session; a refused one with its code.
func TestAuditBackOfficeDecision(t *testing.T) {
	t.Parallel()
	h, log := newUnit(t, nil)
	decision := testkit.Decision(testkit.Insurer.VOEN, "no-such-application", contracts.DecisionReject)
	in := inbound(t, decision)
	in.Topic = contracts.TopicBackOfficeCommands
	require.NoError(t, h.Handle(context.Background(), in))
	recs := auditRecords(t, log)
	require.Len(t, recs, 1)
	assert.Equal(t, contracts.AuditPrincipalBackOffice, recs[0].PrincipalKind)
	assert.Equal(t, contracts.TopicBackOfficeCommands, recs[0].SourceTopic)
	assert.Equal(t, contracts.AuditRefused, recs[0].Outcome)
	assert.Equal(t, "APPLICATION_NOT_FOUND", recs[0].Code)
	assert.Empty(t, recs[0].SessionID)
	assert.Empty(t, recs[0].Role)
	assert.Equal(t, decision.ID, recs[0].CommandID)
}

// FuzzAuditRecord: whatever arrives, on either command topic, with any id,
// type, key and data, Handle leaves exactly one audit record, and it matches
// its schema.
func FuzzAuditRecord(f *testing.F) {
	for _, c := range []testkit.Command{
		testkit.DirectorLogin(testkit.Insurer.VOEN),
		testkit.ProfileGet(testkit.Session{ID: "s", VOEN: testkit.Insurer.VOEN}),
		testkit.Decision(testkit.Insurer.VOEN, "app", contracts.DecisionReject),
	} {
		env, err := c.Envelope(contracts.SourcePortal, time.Now())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(c.ID, c.Type, c.Key, env.Data, c.Topic == contracts.TopicBackOfficeCommands, int64(7))
	}
	f.Add("", "", "", []byte("garbage"), false, int64(0))
	f.Add("id\n\x00", contracts.TypeGrantList, "5ZK8T3B", []byte(`{"sessionId":"\u0000","insurerVoen":"9802091761"}`), false, int64(1))
	f.Add(strings.Repeat("x", 200), contracts.TypeDecision, "9802091761", []byte(`{"insurerVoen":"9802091761"}`), true, int64(2))

	h, log := newUnit(f, nil)
	f.Fuzz(func(t *testing.T, id, typ, key string, data []byte, backOffice bool, offset int64) {
		topic := contracts.TopicPortalCommands
		if backOffice {
			topic = contracts.TopicBackOfficeCommands
		}
		if offset < 0 { // Kafka offsets are not negative
			offset = 0
		}
		before := len(log.on(contracts.TopicAudit))
		err := h.Handle(context.Background(), handlers.Inbound{Topic: topic, Offset: offset, Key: []byte(key),
			Headers: ceHeaders(id, typ), Value: data})
		if err != nil {
			t.Fatalf("a hostile record asked for a retry: %v", err)
		}
		recs := log.on(contracts.TopicAudit)[before:]
		if len(recs) != 1 {
			t.Fatalf("%d audit records, want 1", len(recs))
		}
		if err := contracts.ValidatePayload(contracts.TypeAudit, recs[0].Value); err != nil {
			t.Fatalf("audit record %s: %v", recs[0].Value, err)
		}
		if _, err := contracts.DecodeEnvelope([]byte(recs[0].Key), recs[0].Headers, recs[0].Value); err != nil {
			t.Fatalf("audit record is no CloudEvent: %v", err)
		}
	})
}
