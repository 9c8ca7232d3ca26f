package handlers

import (
	"context"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// draftDelete deletes a draft (Qaralamadan sil).
var draftDelete = Change[contracts.DraftDelete, contracts.DraftDeleteResult]{Decide: decideDraftDelete, Reply: replyDraftDelete}

func decideDraftDelete(h *Handler, v View, c Cmd[contracts.DraftDelete], meta contracts.EventMeta) (Event, error) {
	if _, err := h.authorize(v, c.command, domain.ActEditDraft); err != nil {
		return Event{}, err
	}
	a, err := ownApplication(v, c.insurerVOEN, c.Payload.ApplicationID)
	if err != nil {
		return Event{}, err
	}
	if err := a.CanDelete(); err != nil {
		return Event{}, err
	}
	return Event{contracts.TypeDraftDeleted, contracts.DraftDeleted{EventMeta: meta, SessionID: c.sessionID,
		ApplicationID: a.ID}}, nil
}

func replyDraftDelete(_ context.Context, _ *Handler, _ View, c Cmd[contracts.DraftDelete], _ domain.Outcome) (contracts.DraftDeleteResult, error) {
	return contracts.DraftDeleteResult{CommandID: c.id, ApplicationID: c.Payload.ApplicationID}, nil
}
