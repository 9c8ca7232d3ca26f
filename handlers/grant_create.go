package handlers

import (
	"context"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// grantCreate gives a signature the right to use one DSMF e-service (§4.2).
var grantCreate = Change[contracts.GrantCreate, contracts.GrantCreateResult]{Decide: decideGrantCreate, Reply: replyGrantCreate}

func decideGrantCreate(h *Handler, v View, c Cmd[contracts.GrantCreate], meta contracts.EventMeta) (Event, error) {
	s, err := h.authorize(v, c.command, domain.ActManageGrants)
	if err != nil {
		return Event{}, err
	}
	req := c.Payload
	grantee, err := domain.NewGrantee(domain.Method(req.Grantee.Method), req.Grantee.CardNumber, req.Grantee.Phone, req.Grantee.FIN)
	if err != nil {
		return Event{}, err
	}
	g, err := domain.NewGrant(domain.GrantRequest{ID: derivedID("grant", c.id), InsurerVOEN: c.insurerVOEN,
		Service: domain.Service(req.Service), Grantee: grantee,
		Limited: req.Validity.Kind == contracts.ValidityLimited, Start: req.Validity.Start, End: req.Validity.End,
	}, s.Signer.FIN, v.Grants(c.insurerVOEN), c.now)
	if err != nil {
		return Event{}, err
	}
	return Event{contracts.TypeGrantCreated, contracts.GrantCreated{EventMeta: meta, SessionID: c.sessionID,
		Grant: wire.GrantToWire(g)}}, nil
}

func replyGrantCreate(_ context.Context, _ *Handler, v View, c Cmd[contracts.GrantCreate], o domain.Outcome) (contracts.GrantCreateResult, error) {
	g, ok := v.Grant(o.Ref)
	if !ok {
		return contracts.GrantCreateResult{}, domain.ErrGrantNotFound
	}
	return contracts.GrantCreateResult{CommandID: c.id, Grant: wire.GrantToWire(g)}, nil
}
