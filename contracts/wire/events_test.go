package wire_test

import (
	"encoding/json"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// Every event type of the log is in the registry once, decodes into its
// contract type and reads as the domain event of that type.
func TestEveryEventTypeReadsAsItsDomainEvent(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m := contracts.EventMeta{CommandID: "c-1", InsurerVOEN: "9802091761", Seq: 3, At: at}
	app := contracts.Application{ApplicationID: "a-1", InsurerVOEN: m.InsurerVOEN, Status: "draft",
		Person: contracts.Person{SSN: "1200000000001", FIN: "5ZK8T3B"}}
	cases := map[string]struct {
		event any
		want  domain.Event
	}{
		contracts.TypeSessionOpened: {contracts.SessionOpened{EventMeta: m, SessionID: "s-1", Role: contracts.RoleOwner,
			Method: "esign-card", SignerFIN: "2DRC7TR", Card: &contracts.CardIdentity{CardNumber: "RYTN1"}, CertNotAfter: at, AssertionID: "as-1"},
			domain.SessionOpened{EventMeta: wire.MetaFromWire(m), AssertionID: "as-1", Session: domain.Session{ID: "s-1",
				InsurerVOEN: m.InsurerVOEN, Principal: domain.Principal{Role: domain.RoleOwner},
				Signer:   domain.Signer{Method: domain.MethodCard, FIN: "2DRC7TR", CardNumber: "RYTN1", StampAuthority: true, CertNotAfter: at},
				OpenedAt: at, LastActive: at}}},
		contracts.TypeSessionClosed: {contracts.SessionClosed{EventMeta: m, SessionID: "s-1", Reason: contracts.CloseLogout},
			domain.SessionClosed{EventMeta: wire.MetaFromWire(m), SessionID: "s-1"}},
		contracts.TypeGrantCreated: {contracts.GrantCreated{EventMeta: m, SessionID: "s-1", Grant: contracts.Grant{GrantID: "g-1",
			Service: "ssc-certificate", Validity: contracts.Validity{Kind: contracts.ValidityUnlimited}, CreatedAt: at}},
			domain.GrantCreated{EventMeta: wire.MetaFromWire(m), SessionID: "s-1", Grant: domain.Grant{ID: "g-1",
				InsurerVOEN: m.InsurerVOEN, Service: domain.ServiceCertificate, CreatedAt: at}}},
		contracts.TypeGrantRevoked: {contracts.GrantRevoked{EventMeta: m, SessionID: "s-1", GrantID: "g-1"},
			domain.GrantRevoked{EventMeta: wire.MetaFromWire(m), SessionID: "s-1", GrantID: "g-1"}},
		contracts.TypeDraftSaved: {contracts.DraftSaved{EventMeta: m, SessionID: "s-1", Application: app},
			domain.DraftSaved{EventMeta: wire.MetaFromWire(m), SessionID: "s-1", Application: wire.ApplicationFromWire(app)}},
		contracts.TypeApplicationSubmitted: {contracts.ApplicationSubmitted{EventMeta: m, SessionID: "s-1", Application: app},
			domain.ApplicationSubmitted{EventMeta: wire.MetaFromWire(m), SessionID: "s-1", Application: wire.ApplicationFromWire(app)}},
		contracts.TypeDraftDeleted: {contracts.DraftDeleted{EventMeta: m, SessionID: "s-1", ApplicationID: "a-1"},
			domain.DraftDeleted{EventMeta: wire.MetaFromWire(m), SessionID: "s-1", ApplicationID: "a-1"}},
		contracts.TypeApplicationStatusMoved: {contracts.ApplicationStatusChanged{EventMeta: m, ApplicationID: "a-1",
			From: "in-processing", To: "completed", Officer: "bo-1", CertificateDate: "2026-03-04"},
			domain.ApplicationStatusChanged{EventMeta: wire.MetaFromWire(m), ApplicationID: "a-1",
				From: domain.StatusInProcessing, To: domain.StatusCompleted, Officer: "bo-1", CertificateDate: "2026-03-04"}},
		contracts.TypeCommandRejected: {contracts.CommandRejected{EventMeta: m, CommandType: contracts.TypeLogin, SessionID: "s-1",
			Code: "NO_AUTHORITY", Detail: "d"},
			domain.CommandRejected{EventMeta: wire.MetaFromWire(m), CommandType: contracts.TypeLogin, SessionID: "s-1",
				Code: "NO_AUTHORITY", Detail: "d"}},
	}
	var types []string
	for typ := range cases {
		types = append(types, typ)
	}
	registered := wire.EventTypes()
	sort.Strings(types)
	sort.Strings(registered)
	require.Equal(t, types, registered, "the registry's types")

	for typ, c := range cases {
		data, err := json.Marshal(c.event)
		require.NoError(t, err)
		v, err := wire.DecodeEvent(typ, data)
		require.NoError(t, err, typ)
		assert.Equal(t, c.event, v, "%s decodes into its contract type", typ)
		ev, err := wire.EventFromWire(typ, v)
		require.NoError(t, err, typ)
		assert.Equal(t, c.want, ev, typ)
		assert.Equal(t, wire.MetaFromWire(m), ev.Meta())
	}

	_, err := wire.DecodeEvent("az.gov.dsmf.ssc.nothing.v1", []byte("{}"))
	assert.ErrorIs(t, err, wire.ErrUnknownEvent)
	_, err = wire.EventFromWire(contracts.TypeDraftSaved, contracts.DraftDeleted{})
	assert.Error(t, err, "a value of another type's Go type")
}
