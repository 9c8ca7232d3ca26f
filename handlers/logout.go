package handlers

import (
	"context"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// logout closes the command's session (ÇIXIŞ).
var logout = Change[contracts.Logout, contracts.LogoutResult]{Decide: decideLogout, Reply: replyLogout}

func decideLogout(h *Handler, v View, c Cmd[contracts.Logout], meta contracts.EventMeta) (Event, error) {
	if _, err := h.authorize(v, c.command, domain.ActLogout); err != nil {
		return Event{}, err
	}
	return Event{contracts.TypeSessionClosed, contracts.SessionClosed{EventMeta: meta, SessionID: c.sessionID,
		Reason: contracts.CloseLogout}}, nil
}

func replyLogout(_ context.Context, _ *Handler, _ View, c Cmd[contracts.Logout], _ domain.Outcome) (contracts.LogoutResult, error) {
	return contracts.LogoutResult{CommandID: c.id, SessionID: c.sessionID}, nil
}
