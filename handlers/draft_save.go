package handlers

import (
	"context"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// draftSave saves a new draft, or changes a saved one (Yadda saxla).
var draftSave = Change[contracts.DraftSave, contracts.DraftSaveResult]{Decide: decideDraftSave, Reply: replyDraftSave}

func decideDraftSave(h *Handler, v View, c Cmd[contracts.DraftSave], meta contracts.EventMeta) (Event, error) {
	if _, err := h.authorize(v, c.command, domain.ActEditDraft); err != nil {
		return Event{}, err
	}
	req := c.Payload
	p, err := findPerson(v, c.insurerVOEN, req.DocumentType, req.FIN, req.SSN, domain.DateOf(c.now))
	if err != nil {
		return Event{}, err
	}
	var a domain.Application
	if req.ApplicationID != "" {
		if a, err = ownApplication(v, c.insurerVOEN, req.ApplicationID); err == nil {
			a, err = a.Change(domain.Reason(req.Reason), p, c.now)
		}
	} else {
		a, err = domain.NewDraft(derivedID("application", c.id), domain.ApplicationNumber(c.insurerVOEN, meta.Seq),
			c.insurerVOEN, domain.Reason(req.Reason), p, c.now)
	}
	if err != nil {
		return Event{}, err
	}
	return Event{contracts.TypeDraftSaved, contracts.DraftSaved{EventMeta: meta, SessionID: c.sessionID,
		Application: wire.ApplicationToWire(a)}}, nil
}

// replyDraftSave answers with the draft as the log now has it.
func replyDraftSave(_ context.Context, _ *Handler, v View, c Cmd[contracts.DraftSave], o domain.Outcome) (contracts.DraftSaveResult, error) {
	a, err := ownApplication(v, c.insurerVOEN, o.Ref)
	if err != nil {
		return contracts.DraftSaveResult{}, err
	}
	return contracts.DraftSaveResult{CommandID: c.id, Application: wire.ApplicationToWire(a)}, nil
}
