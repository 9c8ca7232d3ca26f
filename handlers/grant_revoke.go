package handlers

import (
	"context"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// grantRevoke ends one of the insurer's grants (the × button).
var grantRevoke = Change[contracts.GrantRevoke, contracts.GrantRevokeResult]{Decide: decideGrantRevoke, Reply: replyGrantRevoke}

func decideGrantRevoke(h *Handler, v View, c Cmd[contracts.GrantRevoke], meta contracts.EventMeta) (Event, error) {
	if _, err := h.authorize(v, c.command, domain.ActManageGrants); err != nil {
		return Event{}, err
	}
	g, ok := v.Grant(c.Payload.GrantID)
	if !ok || g.InsurerVOEN != c.insurerVOEN {
		return Event{}, domain.ErrGrantNotFound
	}
	if _, err := g.Revoke(c.now); err != nil {
		return Event{}, err
	}
	return Event{contracts.TypeGrantRevoked, contracts.GrantRevoked{EventMeta: meta, SessionID: c.sessionID, GrantID: g.ID}}, nil
}

func replyGrantRevoke(_ context.Context, _ *Handler, _ View, c Cmd[contracts.GrantRevoke], _ domain.Outcome) (contracts.GrantRevokeResult, error) {
	return contracts.GrantRevokeResult{CommandID: c.id, GrantID: c.Payload.GrantID}, nil
}
