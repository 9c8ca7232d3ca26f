package handlers

import (
	"context"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// applicationSubmit signs and submits a saved draft, or a new application
// given whole (Təsdiqlə); its first notice follows.
var applicationSubmit = Change[contracts.Submit, contracts.SubmitResult]{Decide: decideSubmit, Reply: replySubmit}

func decideSubmit(h *Handler, v View, c Cmd[contracts.Submit], meta contracts.EventMeta) (Event, error) {
	s, err := h.authorize(v, c.command, domain.ActSubmit)
	if err != nil {
		return Event{}, err
	}
	req := c.Payload
	var a domain.Application
	var in contracts.ApplicationInput
	switch {
	case req.ApplicationID != "" && req.Input == nil:
		if a, err = ownApplication(v, c.insurerVOEN, req.ApplicationID); err != nil {
			return Event{}, err
		}
		if a.Status != domain.StatusDraft {
			return Event{}, domain.ErrApplicationSigned.With("application %s is %s", a.Number, a.Status)
		}
		in = contracts.ApplicationInput{DocumentType: string(a.Person.Document.Type), FIN: a.Person.Document.FIN,
			SSN: a.Person.Insured.SSN, Reason: string(a.Reason)}
	case req.ApplicationID == "" && req.Input != nil:
		in = *req.Input
	default:
		return Event{}, domain.ErrSchema.With("give either applicationId or input")
	}
	// The registers are read again at signing: the person must still be
	// insured here with a valid document.
	p, err := findPerson(v, c.insurerVOEN, in.DocumentType, in.FIN, in.SSN, domain.DateOf(c.now))
	if err != nil {
		return Event{}, err
	}
	if a.ID == "" {
		a, err = domain.NewDraft(derivedID("application", c.id), domain.ApplicationNumber(c.insurerVOEN, meta.Seq),
			c.insurerVOEN, domain.Reason(in.Reason), p, c.now)
	} else {
		a, err = a.Change(a.Reason, p, c.now)
	}
	if err != nil {
		return Event{}, err
	}
	a, err = a.Submit(domain.Signature{Role: s.Principal.Role, Method: s.Signer.Method, FIN: s.Signer.FIN,
		CardNumber: s.Signer.CardNumber, Phone: s.Signer.Phone, SessionID: s.ID, At: c.now},
		v.ApplicationsOf(p.Insured.SSN))
	if err != nil {
		return Event{}, err
	}
	return Event{contracts.TypeApplicationSubmitted, contracts.ApplicationSubmitted{EventMeta: meta, SessionID: c.sessionID,
		Application: wire.ApplicationToWire(a)}}, nil
}

// replySubmit publishes the application's notice and answers with the
// application as the log now has it.
func replySubmit(ctx context.Context, h *Handler, v View, c Cmd[contracts.Submit], o domain.Outcome) (contracts.SubmitResult, error) {
	a, err := ownApplication(v, c.insurerVOEN, o.Ref)
	if err != nil {
		return contracts.SubmitResult{}, err
	}
	if err := h.publishNotice(ctx, v, a); err != nil {
		return contracts.SubmitResult{}, err
	}
	return contracts.SubmitResult{CommandID: c.id, Application: wire.ApplicationToWire(a)}, nil
}
