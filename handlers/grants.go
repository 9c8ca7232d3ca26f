package handlers

import (
	"context"

	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

func (h *Handler) grantCreate(ctx context.Context, c command) (replyFunc, error) {
	req, err := payload[contracts.GrantCreate](c)
	if err != nil {
		return nil, err
	}
	o, err := h.change(ctx, c, func(v store.View, meta contracts.EventMeta) (string, any, error) {
		s, err := h.authorize(v, c, domain.ActManageGrants)
		if err != nil {
			return "", nil, err
		}
		grantee, err := domain.NewGrantee(domain.Method(req.Grantee.Method), req.Grantee.CardNumber, req.Grantee.Phone, req.Grantee.FIN)
		if err != nil {
			return "", nil, err
		}
		g, err := domain.NewGrant(domain.GrantRequest{ID: derivedID("grant", c.id), InsurerVOEN: c.insurerVOEN,
			Service: domain.Service(req.Service), Grantee: grantee,
			Limited: req.Validity.Kind == contracts.ValidityLimited, Start: req.Validity.Start, End: req.Validity.End,
		}, s.Signer.FIN, v.Grants(c.insurerVOEN), c.now)
		if err != nil {
			return "", nil, err
		}
		return contracts.TypeGrantCreated, contracts.GrantCreated{EventMeta: meta, SessionID: c.sessionID,
			Grant: wire.GrantToWire(g)}, nil
	})
	if err != nil {
		return nil, err
	}
	return h.answer(c, o, func(_ context.Context, v store.View) (string, any, error) {
		g, ok := v.Grant(o.Ref)
		if !ok {
			return "", nil, domain.ErrGrantNotFound
		}
		return contracts.TypeGrantCreateResult, contracts.GrantCreateResult{CommandID: c.id, Grant: wire.GrantToWire(g)}, nil
	}), nil
}

func (h *Handler) grantList(_ context.Context, c command) (replyFunc, error) {
	req, err := payload[contracts.GrantList](c)
	if err != nil {
		return nil, err
	}
	page, err := domain.NewPage(req.Number, req.Size)
	if err != nil {
		return nil, err
	}
	return h.query(c, domain.ActManageGrants, func(v store.View, _ domain.Session) (string, any, error) {
		var inForce []contracts.Grant
		today := domain.DateOf(c.now)
		for _, g := range v.Grants(c.insurerVOEN) {
			if g.EndedBy(today) == "" {
				inForce = append(inForce, wire.GrantToWire(g))
			}
		}
		from, to := page.Bounds(len(inForce))
		return contracts.TypeGrantListResult, contracts.GrantListResult{CommandID: c.id,
			Grants: append([]contracts.Grant{}, inForce[from:to]...),
			Page:   contracts.PageInfo{Number: page.Number, Size: page.Size, Total: len(inForce)}}, nil
	})
}

func (h *Handler) grantRevoke(ctx context.Context, c command) (replyFunc, error) {
	req, err := payload[contracts.GrantRevoke](c)
	if err != nil {
		return nil, err
	}
	o, err := h.change(ctx, c, func(v store.View, meta contracts.EventMeta) (string, any, error) {
		if _, err := h.authorize(v, c, domain.ActManageGrants); err != nil {
			return "", nil, err
		}
		g, ok := v.Grant(req.GrantID)
		if !ok || g.InsurerVOEN != c.insurerVOEN {
			return "", nil, domain.ErrGrantNotFound
		}
		if _, err := g.Revoke(c.now); err != nil {
			return "", nil, err
		}
		return contracts.TypeGrantRevoked, contracts.GrantRevoked{EventMeta: meta, SessionID: c.sessionID, GrantID: g.ID}, nil
	})
	if err != nil {
		return nil, err
	}
	return h.answer(c, o, func(context.Context, store.View) (string, any, error) {
		return contracts.TypeGrantRevokeResult, contracts.GrantRevokeResult{CommandID: c.id, GrantID: req.GrantID}, nil
	}), nil
}
