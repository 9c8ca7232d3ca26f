package handlers

import (
	"context"
	"errors"
	"fmt"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// login opens a session for a login assertion the portal signed (GİRİŞ).
var login = Change[contracts.LoginAssertion, contracts.LoginResult]{Decide: decideLogin, Reply: replyLogin}

func decideLogin(h *Handler, v View, c Cmd[contracts.LoginAssertion], meta contracts.EventMeta) (Event, error) {
	a := c.Payload
	if err := h.checkSignature(c.command, a); err != nil {
		return Event{}, err
	}
	if v.AssertionUsed(a.AssertionID) {
		return Event{}, domain.ErrAssertionReplayed
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
		return Event{}, err
	}
	return Event{contracts.TypeSessionOpened, contracts.SessionOpened{EventMeta: meta,
		SessionID: derivedID("session", c.id), Role: string(p.Role), GrantID: p.GrantID,
		Method: a.Method, SignerFIN: a.SignerFIN, Card: a.Card, Asan: a.Asan,
		CertNotAfter: a.CertNotAfter, AssertionID: a.AssertionID}}, nil
}

func replyLogin(_ context.Context, h *Handler, v View, c Cmd[contracts.LoginAssertion], o domain.Outcome) (contracts.LoginResult, error) {
	s, ok := v.Session(o.Ref)
	ins, known := v.Insurer(c.insurerVOEN)
	if !ok || !known {
		return contracts.LoginResult{}, fmt.Errorf("session %s or its insurer is gone", o.Ref)
	}
	return contracts.LoginResult{CommandID: c.id, SessionID: s.ID,
		Role: string(s.Principal.Role), GrantID: s.Principal.GrantID, Sections: domain.Sections(s.Principal.Role),
		Insurer: wire.ProfileToWire(ins), OpenedAt: s.OpenedAt,
		IdleLimit: contracts.DurationSeconds(h.cfg.SessionIdle.Seconds())}, nil
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
