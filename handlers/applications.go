package handlers

import (
	"context"

	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// findPerson runs the AXTAR rules against the registers.
func findPerson(v store.View, voen, docType, fin, ssn string, today domain.Date) (domain.Person, error) {
	var doc *domain.IdentityDocument
	if d, ok := v.Document(fin); ok {
		doc = wire.DocumentFromWire(&d)
	}
	var insured *domain.InsuredPerson
	if p, ok := v.InsuredPerson(ssn); ok {
		insured = wire.InsuredFromWire(&p)
		insured.CertificateStatus = v.CertificateStatus(p)
	}
	return domain.LookupPerson(domain.LookupQuery{DocumentType: domain.DocumentType(docType), FIN: fin, SSN: ssn,
		InsurerVOEN: voen}, doc, insured, today)
}

// ownApplication returns one of the insurer's applications; another
// insurer's is reported as not found, so ids reveal nothing.
func ownApplication(v store.View, voen, id string) (domain.Application, error) {
	a, ok := v.Application(id)
	if !ok || a.InsurerVOEN != voen {
		return a, domain.ErrApplicationNotFound
	}
	return a, nil
}

func (h *Handler) lookup(_ context.Context, c command) (replyFunc, error) {
	req, err := payload[contracts.PersonLookup](c)
	if err != nil {
		return nil, err
	}
	return h.query(c, domain.ActLookupPerson, func(v store.View, _ domain.Session) (string, any, error) {
		p, err := findPerson(v, c.insurerVOEN, req.DocumentType, req.FIN, req.SSN, domain.DateOf(c.now))
		if err != nil {
			return "", nil, err
		}
		return contracts.TypePersonLookupResult, contracts.PersonLookupResult{CommandID: c.id,
			Person: wire.PersonToWire(p, p.Insured.CertificateStatus), Document: wire.DocumentToWire(p.Document)}, nil
	})
}

func (h *Handler) save(ctx context.Context, c command) (replyFunc, error) {
	req, err := payload[contracts.DraftSave](c)
	if err != nil {
		return nil, err
	}
	o, err := h.change(ctx, c, func(v store.View, meta contracts.EventMeta) (string, any, error) {
		if _, err := h.authorize(v, c, domain.ActEditDraft); err != nil {
			return "", nil, err
		}
		p, err := findPerson(v, c.insurerVOEN, req.DocumentType, req.FIN, req.SSN, domain.DateOf(c.now))
		if err != nil {
			return "", nil, err
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
			return "", nil, err
		}
		return contracts.TypeDraftSaved, contracts.DraftSaved{EventMeta: meta, SessionID: c.sessionID,
			Application: wire.ApplicationToWire(a)}, nil
	})
	if err != nil {
		return nil, err
	}
	return h.answer(c, o, h.applicationReply(c, o.Ref, contracts.TypeDraftSaveResult, false)), nil
}

func (h *Handler) submit(ctx context.Context, c command) (replyFunc, error) {
	req, err := payload[contracts.Submit](c)
	if err != nil {
		return nil, err
	}
	o, err := h.change(ctx, c, func(v store.View, meta contracts.EventMeta) (string, any, error) {
		s, err := h.authorize(v, c, domain.ActSubmit)
		if err != nil {
			return "", nil, err
		}
		var a domain.Application
		var in contracts.ApplicationInput
		switch {
		case req.ApplicationID != "" && req.Input == nil:
			if a, err = ownApplication(v, c.insurerVOEN, req.ApplicationID); err != nil {
				return "", nil, err
			}
			if a.Status != domain.StatusDraft {
				return "", nil, domain.ErrApplicationSigned.With("application %s is %s", a.Number, a.Status)
			}
			in = contracts.ApplicationInput{DocumentType: string(a.Person.Document.Type), FIN: a.Person.Document.FIN,
				SSN: a.Person.Insured.SSN, Reason: string(a.Reason)}
		case req.ApplicationID == "" && req.Input != nil:
			in = *req.Input
		default:
			return "", nil, domain.ErrSchema.With("give either applicationId or input")
		}
		// The registers are read again at signing: the person must still be
		// insured here with a valid document.
		p, err := findPerson(v, c.insurerVOEN, in.DocumentType, in.FIN, in.SSN, domain.DateOf(c.now))
		if err != nil {
			return "", nil, err
		}
		if a.ID == "" {
			a, err = domain.NewDraft(derivedID("application", c.id), domain.ApplicationNumber(c.insurerVOEN, meta.Seq),
				c.insurerVOEN, domain.Reason(in.Reason), p, c.now)
		} else {
			a, err = a.Change(a.Reason, p, c.now)
		}
		if err != nil {
			return "", nil, err
		}
		a, err = a.Submit(domain.Signature{Role: s.Principal.Role, Method: s.Signer.Method, FIN: s.Signer.FIN,
			CardNumber: s.Signer.CardNumber, Phone: s.Signer.Phone, SessionID: s.ID, At: c.now},
			v.ApplicationsOf(p.Insured.SSN))
		if err != nil {
			return "", nil, err
		}
		return contracts.TypeApplicationSubmitted, contracts.ApplicationSubmitted{EventMeta: meta, SessionID: c.sessionID,
			Application: wire.ApplicationToWire(a)}, nil
	})
	if err != nil {
		return nil, err
	}
	return h.answer(c, o, h.applicationReply(c, o.Ref, contracts.TypeSubmitResult, true)), nil
}

// applicationReply answers with the application as the log now has it, and
// publishes its notice when it has one.
func (h *Handler) applicationReply(c command, id, typ string, withNotice bool) func(context.Context, store.View) (string, any, error) {
	return func(ctx context.Context, v store.View) (string, any, error) {
		a, err := ownApplication(v, c.insurerVOEN, id)
		if err != nil {
			return "", nil, err
		}
		if withNotice {
			if err := h.publishNotice(ctx, v, a); err != nil {
				return "", nil, err
			}
		}
		w := wire.ApplicationToWire(a)
		if typ == contracts.TypeSubmitResult {
			return typ, contracts.SubmitResult{CommandID: c.id, Application: w}, nil
		}
		return typ, contracts.DraftSaveResult{CommandID: c.id, Application: w}, nil
	}
}

func (h *Handler) deleteDraft(ctx context.Context, c command) (replyFunc, error) {
	req, err := payload[contracts.DraftDelete](c)
	if err != nil {
		return nil, err
	}
	o, err := h.change(ctx, c, func(v store.View, meta contracts.EventMeta) (string, any, error) {
		if _, err := h.authorize(v, c, domain.ActEditDraft); err != nil {
			return "", nil, err
		}
		a, err := ownApplication(v, c.insurerVOEN, req.ApplicationID)
		if err != nil {
			return "", nil, err
		}
		if err := a.CanDelete(); err != nil {
			return "", nil, err
		}
		return contracts.TypeDraftDeleted, contracts.DraftDeleted{EventMeta: meta, SessionID: c.sessionID,
			ApplicationID: a.ID}, nil
	})
	if err != nil {
		return nil, err
	}
	return h.answer(c, o, func(context.Context, store.View) (string, any, error) {
		return contracts.TypeDraftDeleteResult, contracts.DraftDeleteResult{CommandID: c.id, ApplicationID: req.ApplicationID}, nil
	}), nil
}

func (h *Handler) search(_ context.Context, c command) (replyFunc, error) {
	req, err := payload[contracts.RegistrySearch](c)
	if err != nil {
		return nil, err
	}
	page, err := domain.NewPage(req.Number, req.Size)
	if err != nil {
		return nil, err
	}
	f := req.Filter
	filter := domain.RegistryFilter{Type: domain.ApplicationType(f.Type), FIN: f.FIN, SSN: f.SSN,
		Surname: f.Surname, Name: f.Name, Patronymic: f.Patronymic,
		SSNDateFrom: domain.Date(f.SSNDateFrom), SSNDateTo: domain.Date(f.SSNDateTo),
		AppliedFrom: domain.Date(f.ApplicationFrom), AppliedTo: domain.Date(f.ApplicationTo),
		CertificateStatus: domain.CertificateStatus(f.CertificateStatus), Status: domain.Status(f.Status)}
	if err := filter.Validate(); err != nil {
		return nil, err
	}
	return h.query(c, domain.ActViewRegistry, func(v store.View, _ domain.Session) (string, any, error) {
		var found []domain.Application
		for _, a := range v.Applications(c.insurerVOEN) {
			if filter.Matches(a, a.CertificateStatusAfter()) {
				found = append(found, a)
			}
		}
		domain.SortNewestFirst(found)
		from, to := page.Bounds(len(found))
		rows := make([]contracts.RegistryRow, 0, to-from)
		for _, a := range found[from:to] {
			w := wire.ApplicationToWire(a)
			rows = append(rows, contracts.RegistryRow{ApplicationID: a.ID, Number: a.Number, Type: w.Type,
				FIN: w.Person.FIN, Surname: w.Person.Surname, Name: w.Person.Name, Patronymic: w.Person.Patronymic,
				SSN: w.Person.SSN, SSNDate: w.Person.SSNDate, ApplicationDate: string(a.ApplicationDate()),
				CertificateStatus: w.CertificateStatus, Status: w.Status})
		}
		return contracts.TypeRegistrySearchResult, contracts.RegistrySearchResult{CommandID: c.id, Rows: rows,
			Page: contracts.PageInfo{Number: page.Number, Size: page.Size, Total: len(found)}}, nil
	})
}

func (h *Handler) get(_ context.Context, c command) (replyFunc, error) {
	req, err := payload[contracts.ApplicationGet](c)
	if err != nil {
		return nil, err
	}
	return h.query(c, domain.ActViewRegistry, func(v store.View, _ domain.Session) (string, any, error) {
		a, err := ownApplication(v, c.insurerVOEN, req.ApplicationID)
		if err != nil {
			return "", nil, err
		}
		return contracts.TypeApplicationGetResult, contracts.ApplicationGetResult{CommandID: c.id,
			Application: wire.ApplicationToWire(a)}, nil
	})
}
