package domain

import "time"

// Role is who a principal is for an insurer.
type Role string

// Roles.
const (
	RoleOwner    Role = "owner"    // signature with stamp authority (möhür vurmaq səlahiyyəti)
	RoleDelegate Role = "delegate" // signature holding a grant for this service
)

// Signer is the signature that logged in, as the portal verified it.
type Signer struct {
	Method         Method
	FIN            string
	CardNumber     string
	Phone          string
	StampAuthority bool
	CertNotBefore  time.Time
	CertNotAfter   time.Time
}

// Login is a login assertion to decide.
type Login struct {
	Signer      Signer
	InsurerVOEN string
}

// LoginFacts is what state knows that a login decision needs.
type LoginFacts struct {
	InsurerKnown bool
	// OwnerHasLoggedIn is true once the insurer has had a login with stamp
	// authority: before it, no delegate may enter.
	OwnerHasLoggedIn bool
	// Grants are the insurer's grants, revoked ones included.
	Grants []Grant
}

// Principal is who an accepted login makes the signer.
type Principal struct {
	Role    Role
	GrantID string // for a delegate, the grant that lets it in
}

// DecideLogin applies §1 and §2: only a card or Asan imza signature whose
// certificate is valid now, for a known insurer, with stamp authority or with
// a grant for this service in force.
func DecideLogin(l Login, facts LoginFacts, now time.Time) (Principal, error) {
	s := l.Signer
	if s.Method != MethodCard && s.Method != MethodAsan {
		return Principal{}, ErrLoginMethod
	}
	if now.Before(s.CertNotBefore) {
		return Principal{}, ErrCertNotYetValid
	}
	if !now.Before(s.CertNotAfter) {
		return Principal{}, ErrCertExpired
	}
	if !facts.InsurerKnown {
		return Principal{}, ErrInsurerUnknown
	}
	if s.StampAuthority {
		return Principal{Role: RoleOwner}, nil
	}
	if !facts.OwnerHasLoggedIn {
		return Principal{}, ErrFirstLoginNoStamp
	}
	// Prefer a grant in force; otherwise report why the closest one is not.
	var refusal error = ErrNoAuthority
	for _, g := range facts.Grants {
		if g.Service != ServiceCertificate || !g.Grantee.Signs(s.Method, s.CardNumber, s.Phone, s.FIN) {
			continue
		}
		err := g.InForce(DateOf(now))
		if err == nil {
			return Principal{Role: RoleDelegate, GrantID: g.ID}, nil
		}
		if refusal == ErrNoAuthority || err != ErrGrantRevoked {
			refusal = err
		}
	}
	return Principal{}, refusal
}

// AssertionWindow bounds how old a login assertion may be, and how far in
// the future its clock may run ahead of ours.
type AssertionWindow struct {
	MaxAge, Skew time.Duration
}

// Check refuses an assertion issued too long ago or in the future. Together
// with the memory of assertion ids used within MaxAge, it stops replays.
func (w AssertionWindow) Check(issuedAt, now time.Time) error {
	switch {
	case issuedAt.After(now.Add(w.Skew)):
		return ErrAssertionFuture
	case now.Sub(issuedAt) > w.MaxAge:
		return ErrAssertionStale
	}
	return nil
}

// Session is an open login (sessiya). Commands name it; it ends with ÇIXIŞ,
// after IdleTimeout without commands, or when the signer's certificate ends.
type Session struct {
	ID          string
	InsurerVOEN string
	Principal   Principal
	Signer      Signer
	OpenedAt    time.Time
	LastActive  time.Time
	Closed      bool
}

// SessionFacts is what state knows that authorising a session needs.
type SessionFacts struct {
	// Grant is the delegate's grant as it stands now (nil if gone).
	Grant *Grant
}

// Authorize decides whether the session may run action for insurerVOEN now.
// A revoked grant ends its delegate's sessions at once.
func (s Session) Authorize(action Action, insurerVOEN string, facts SessionFacts, idle time.Duration, now time.Time) error {
	switch {
	case s.Closed:
		return ErrSessionClosed
	case idle > 0 && now.Sub(s.LastActive) > idle:
		return ErrSessionExpired
	case s.InsurerVOEN != insurerVOEN:
		return ErrWrongInsurer
	case !now.Before(s.Signer.CertNotAfter):
		return ErrCertExpired
	}
	if s.Principal.Role == RoleDelegate {
		if facts.Grant == nil || facts.Grant.InForce(DateOf(now)) != nil {
			return ErrAuthorityWithdrawn
		}
	}
	if !Allowed(s.Principal.Role, action) {
		return ErrOwnerOnly
	}
	return nil
}

// Sections lists the parts of the service (§3) a role may open.
func Sections(r Role) []string {
	if r == RoleOwner {
		return []string{"insurer", "grants", "applications"}
	}
	return []string{"insurer", "applications"}
}

// Close ends the session at a time (the SessionClosed event).
func (s Session) Close(at time.Time) Session {
	s.Closed, s.LastActive = true, at
	return s
}

// Touch moves the session's last activity forward to at; later is false
// when at is not after it (the session is unchanged).
func (s Session) Touch(at time.Time) (_ Session, later bool) {
	if !at.After(s.LastActive) {
		return s, false
	}
	s.LastActive = at
	return s, true
}
