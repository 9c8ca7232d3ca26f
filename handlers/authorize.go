package handlers

import "github.com/dsmf/ssc-adapter/domain"

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
