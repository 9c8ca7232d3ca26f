package statusfeed_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/adapters/statusfeed"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

type snapshot struct {
	outcomes map[string]domain.Outcome
	apps     map[string]domain.Application
}

func (s snapshot) Outcome(id string) (domain.Outcome, bool) { o, ok := s.outcomes[id]; return o, ok }
func (s snapshot) Application(id string) (domain.Application, bool) {
	a, ok := s.apps[id]
	return a, ok
}

var t0 = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

const retention = 8 * 24 * time.Hour

func envelope(t *testing.T, typ string, data any) contracts.Envelope {
	t.Helper()
	env, err := contracts.NewEnvelope("ev-1", contracts.SourceAdapter, typ, "9802091761", t0, data)
	require.NoError(t, err)
	return env
}

func application(status domain.Status) domain.Application {
	a := domain.Application{ID: "app-1", Number: "SSC-9802091761-000001", InsurerVOEN: "9802091761",
		Type: domain.TypeDuplicate, Reason: domain.ReasonCertificateLost, Status: status,
		Person: domain.Person{Insured: domain.InsuredPerson{SSN: "1200019850314", CertificateStatus: domain.CertificateActive}}}
	for i, s := range []domain.Status{domain.StatusDraft, domain.StatusSubmitted, domain.StatusInProcessing, domain.StatusCompleted} {
		a.History = append(a.History, domain.StatusChange{Status: s, At: t0.Add(time.Duration(i) * time.Hour)})
		if s == status {
			break
		}
	}
	return a
}

func meta(command string, at time.Time) contracts.EventMeta {
	return contracts.EventMeta{CommandID: command, InsurerVOEN: "9802091761", Seq: 7, At: at}
}

// An event that took effect gives its status; a second event of the same
// command (it lost a race, every fold ignored it) gives none.
func TestDeriveOnlyWhatTookEffect(t *testing.T) {
	submitted := application(domain.StatusSubmitted)
	winner := contracts.ApplicationSubmitted{EventMeta: meta("cmd-1", t0), Application: wire.ApplicationToWire(submitted)}
	loser := winner
	loser.At = t0.Add(time.Second)
	snap := snapshot{outcomes: map[string]domain.Outcome{"cmd-1": {CommandID: "cmd-1", EventType: contracts.TypeApplicationSubmitted,
		Ref: "app-1", At: t0}}}

	s, ok, err := statusfeed.Derive(envelope(t, contracts.TypeApplicationSubmitted, winner), snap, t0, retention)
	require.NoError(t, err)
	require.True(t, ok)
	one := 1
	assert.Equal(t, contracts.ApplicationStatus{ApplicationID: "app-1", Number: submitted.Number, InsurerVOEN: "9802091761",
		Type: contracts.TypeDuplicate, Reason: contracts.ReasonCertificateLost, Status: contracts.StatusSubmitted, At: t0,
		CertificateStatus: contracts.CertificateActive, NoticeVersion: &one}, s)
	data, err := json.Marshal(s)
	require.NoError(t, err)
	assert.NoError(t, contracts.ValidatePayload(contracts.TypeApplicationStatus, data))

	_, ok, err = statusfeed.Derive(envelope(t, contracts.TypeApplicationSubmitted, loser), snap, t0, retention)
	require.NoError(t, err)
	assert.False(t, ok, "the event that lost the race publishes nothing")

	// Its command not decided (yet): a recent event lost a race; one older
	// than the outcomes' memory is history and is published.
	_, ok, _ = statusfeed.Derive(envelope(t, contracts.TypeApplicationSubmitted, winner), snapshot{}, t0.Add(time.Hour), retention)
	assert.False(t, ok)
	_, ok, _ = statusfeed.Derive(envelope(t, contracts.TypeApplicationSubmitted, winner), snapshot{}, t0.Add(9*24*time.Hour), retention)
	assert.True(t, ok)

	refused := snapshot{outcomes: map[string]domain.Outcome{"cmd-1": {CommandID: "cmd-1", EventType: contracts.TypeCommandRejected,
		Code: "APPLICATION_ALREADY_OPEN", At: t0}}}
	_, ok, _ = statusfeed.Derive(envelope(t, contracts.TypeApplicationSubmitted, winner), refused, t0, retention)
	assert.False(t, ok, "a refused command changed no status")
}

// A decision's status is told as of the decision, however far the
// application has moved since.
func TestDeriveDecisionAsOfItsStatus(t *testing.T) {
	moved := contracts.ApplicationStatusChanged{EventMeta: meta("cmd-2", t0), ApplicationID: "app-1",
		From: contracts.StatusSubmitted, To: contracts.StatusInProcessing, Officer: "o-1"}
	snap := snapshot{
		outcomes: map[string]domain.Outcome{"cmd-2": {CommandID: "cmd-2", EventType: contracts.TypeApplicationStatusMoved, Ref: "app-1", At: t0}},
		apps:     map[string]domain.Application{"app-1": application(domain.StatusCompleted)},
	}
	s, ok, err := statusfeed.Derive(envelope(t, contracts.TypeApplicationStatusMoved, moved), snap, t0, retention)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, contracts.StatusInProcessing, s.Status)
	assert.Equal(t, 2, *s.NoticeVersion)
	assert.Equal(t, contracts.CertificateActive, s.CertificateStatus, "not yet replaced when it went into processing")
}

// A deleted draft names only itself; sessions, grants and refusals change
// no application's status.
func TestDeriveDeletedAndOthers(t *testing.T) {
	deleted := contracts.DraftDeleted{EventMeta: meta("cmd-3", t0), SessionID: "s-1", ApplicationID: "app-9"}
	snap := snapshot{outcomes: map[string]domain.Outcome{"cmd-3": {CommandID: "cmd-3", EventType: contracts.TypeDraftDeleted, Ref: "app-9", At: t0}}}
	s, ok, err := statusfeed.Derive(envelope(t, contracts.TypeDraftDeleted, deleted), snap, t0, retention)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, contracts.ApplicationStatus{ApplicationID: "app-9", InsurerVOEN: "9802091761", Status: contracts.StatusDeleted, At: t0}, s)

	for typ, data := range map[string]any{
		contracts.TypeCommandRejected: contracts.CommandRejected{EventMeta: meta("cmd-4", t0), CommandType: contracts.TypeSubmit, Code: "X"},
		contracts.TypeGrantRevoked:    contracts.GrantRevoked{EventMeta: meta("cmd-5", t0), GrantID: "g-1"},
	} {
		_, ok, err := statusfeed.Derive(envelope(t, typ, data), snap, t0, retention)
		assert.NoError(t, err)
		assert.False(t, ok, typ)
	}
	_, ok, err = statusfeed.Derive(envelope(t, "az.gov.dsmf.ssc.event.unknown.v1", deleted), snap, t0, retention)
	assert.NoError(t, err)
	assert.False(t, ok, "a type the registry does not have changes no status")
	bad := envelope(t, contracts.TypeDraftDeleted, deleted)
	bad.Data = []byte(`{"applicationId": 7}`)
	_, _, err = statusfeed.Derive(bad, snap, t0, retention)
	assert.Error(t, err, "data that does not decode")

	assert.NotEqual(t, statusfeed.RecordID("ev-1"), statusfeed.RecordID("ev-2"))
	assert.Equal(t, statusfeed.RecordID("ev-1"), statusfeed.RecordID("ev-1"))
}
