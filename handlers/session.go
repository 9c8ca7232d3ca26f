package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// payload decodes a command's data; the schema has already been checked.
func payload[T any](c command) (T, error) {
	var v T
	if err := json.Unmarshal(c.env.Data, &v); err != nil {
		return v, domain.ErrSchema.With("data does not decode")
	}
	return v, nil
}

// authorize checks the command's session for an action: open, not idle too
// long, this insurer's, and for a delegate a grant still in force.
func (h *Handler) authorize(v View, c command, action domain.Action) (domain.Session, error) {
	s, ok := v.Session(c.sessionID)
	if !ok {
		return s, domain.ErrSessionUnknown
	}
	var facts domain.SessionFacts
	if s.Principal.GrantID != "" {
		if g, ok := v.Grant(s.Principal.GrantID); ok {
			facts.Grant = &g
		}
	}
	if err := s.Authorize(action, c.insurerVOEN, facts, h.cfg.SessionIdle, c.now); err != nil {
		return s, err
	}
	h.state.Touch(s.ID, c.now)
	return s, nil
}

func (h *Handler) login(ctx context.Context, c command) (replyFunc, error) {
	a, err := payload[contracts.LoginAssertion](c)
	if err != nil {
		return nil, err
	}
	o, err := h.change(ctx, c, func(v View, meta contracts.EventMeta) (string, any, error) {
		if err := h.checkSignature(c, a); err != nil {
			return "", nil, err
		}
		if v.AssertionUsed(a.AssertionID) {
			return "", nil, domain.ErrAssertionReplayed
		}
		signer := domain.Signer{Method: domain.Method(a.Method), FIN: a.SignerFIN, StampAuthority: a.StampAuthority,
			CertNotBefore: a.CertNotBefore, CertNotAfter: a.CertNotAfter}
		if a.Card != nil {
			signer.CardNumber = a.Card.CardNumber
		}
		if a.Asan != nil {
			signer.Phone = a.Asan.Phone
		}
		_, known := v.Insurer(a.InsurerVOEN)
		facts := domain.LoginFacts{InsurerKnown: known, OwnerHasLoggedIn: v.Stream(a.InsurerVOEN).OwnerLoggedIn,
			Grants: v.Grants(a.InsurerVOEN)}
		p, err := domain.DecideLogin(domain.Login{Signer: signer, InsurerVOEN: a.InsurerVOEN}, facts, c.now)
		if err != nil {
			return "", nil, err
		}
		return contracts.TypeSessionOpened, contracts.SessionOpened{EventMeta: meta,
			SessionID: derivedID("session", c.id), Role: string(p.Role), GrantID: p.GrantID,
			Method: a.Method, SignerFIN: a.SignerFIN, Card: a.Card, Asan: a.Asan,
			CertNotAfter: a.CertNotAfter, AssertionID: a.AssertionID}, nil
	})
	if err != nil {
		return nil, err
	}
	return h.answer(c, o, func(_ context.Context, v View) (string, any, error) {
		s, ok := v.Session(o.Ref)
		ins, known := v.Insurer(c.insurerVOEN)
		if !ok || !known {
			return "", nil, fmt.Errorf("session %s or its insurer is gone", o.Ref)
		}
		return contracts.TypeLoginResult, contracts.LoginResult{CommandID: c.id, SessionID: s.ID,
			Role: string(s.Principal.Role), GrantID: s.Principal.GrantID, Sections: domain.Sections(s.Principal.Role),
			Insurer: wire.ProfileToWire(ins), OpenedAt: s.OpenedAt,
			IdleLimit: contracts.DurationSeconds(h.cfg.SessionIdle.Seconds())}, nil
	}), nil
}

// checkSignature verifies the portal's signature on a login assertion and
// its age; without configured keys it lets every assertion through.
func (h *Handler) checkSignature(c command, a contracts.LoginAssertion) error {
	if len(h.cfg.PortalKeys) == 0 {
		return nil
	}
	switch err := contracts.VerifyAssertion(h.cfg.PortalKeys, c.env.Data); {
	case errors.Is(err, contracts.ErrUnsigned):
		return domain.ErrAssertionUnsigned
	case errors.Is(err, contracts.ErrUnknownKey):
		return domain.ErrAssertionKeyUnknown
	case err != nil:
		return domain.ErrAssertionSignature
	}
	return h.cfg.AssertionWindow.Check(a.IssuedAt, c.now)
}

func (h *Handler) logout(ctx context.Context, c command) (replyFunc, error) {
	o, err := h.change(ctx, c, func(v View, meta contracts.EventMeta) (string, any, error) {
		if _, err := h.authorize(v, c, domain.ActLogout); err != nil {
			return "", nil, err
		}
		return contracts.TypeSessionClosed, contracts.SessionClosed{EventMeta: meta, SessionID: c.sessionID,
			Reason: contracts.CloseLogout}, nil
	})
	if err != nil {
		return nil, err
	}
	return h.answer(c, o, func(context.Context, View) (string, any, error) {
		return contracts.TypeLogoutResult, contracts.LogoutResult{CommandID: c.id, SessionID: c.sessionID}, nil
	}), nil
}

// query answers a read-only command: nothing is logged, so a repeat simply
// reads the state again.
func (h *Handler) query(c command, action domain.Action, read func(v View, s domain.Session) (string, any, error)) (replyFunc, error) {
	v := h.state.View()
	s, err := h.authorize(v, c, action)
	if err != nil {
		return nil, err
	}
	typ, data, err := read(v, s)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (string, error) {
		return "ok", h.reply(ctx, c.id, c.insurerVOEN, typ, data)
	}, nil
}

func (h *Handler) profile(_ context.Context, c command) (replyFunc, error) {
	return h.query(c, domain.ActViewProfile, func(v View, _ domain.Session) (string, any, error) {
		ins, ok := v.Insurer(c.insurerVOEN)
		if !ok {
			return "", nil, domain.ErrInsurerUnknown
		}
		return contracts.TypeProfileResult, contracts.ProfileResult{CommandID: c.id, Insurer: wire.ProfileToWire(ins)}, nil
	})
}
