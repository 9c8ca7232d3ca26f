package domain

import (
	"fmt"
	"time"
)

// Service is a DSMF e-service a grant can name (§4.2).
type Service string

// The four DSMF e-services.
const (
	ServiceCertificate         Service = "ssc-certificate"      // this service
	ServiceInsuredRegistration Service = "insured-registration" // Sığortaolunanların onlayn uçotu
	ServiceDeathNotice         Service = "death-notice"         // Sığortaolunanın ölümünə dair məlumatın qəbulu
	ServiceOnlineReports       Service = "online-reports"       // Hesabatların onlayn qəbulu
)

// Services lists the e-services in the portal's order.
var Services = []Service{ServiceCertificate, ServiceInsuredRegistration, ServiceDeathNotice, ServiceOnlineReports}

// Method is how a signer signs.
type Method string

// Signature methods.
const (
	MethodCard     Method = "esign-card" // RYTN e-imza kartı
	MethodAsan     Method = "asan-imza"  // Asan imza
	MethodPassword Method = "password"   // portal username and password: never accepted here
)

// Grantee is the signature a grant is given to.
type Grantee struct {
	Method     Method
	CardNumber string // with MethodCard
	Phone      string // with MethodAsan
	FIN        string
}

// NewGrantee checks a grantee: its FIN and the card number or phone its method needs.
func NewGrantee(method Method, card, phone, fin string) (Grantee, error) {
	if err := ValidateFIN(fin); err != nil {
		return Grantee{}, err
	}
	switch method {
	case MethodCard:
		if card == "" {
			return Grantee{}, ErrGranteeIncomplete
		}
		if err := ValidateCardNumber(card); err != nil {
			return Grantee{}, err
		}
		return Grantee{Method: method, CardNumber: card, FIN: fin}, nil
	case MethodAsan:
		if phone == "" {
			return Grantee{}, ErrGranteeIncomplete
		}
		if err := ValidatePhone(phone); err != nil {
			return Grantee{}, err
		}
		return Grantee{Method: method, Phone: phone, FIN: fin}, nil
	}
	return Grantee{}, ErrInvalidOption.With("grantee.method")
}

// Signs reports whether a signer with this method, card or phone and FIN is
// the grantee: card number + FIN, or mobile number + FIN.
func (g Grantee) Signs(method Method, card, phone, fin string) bool {
	if g.FIN != fin || g.Method != method {
		return false
	}
	if method == MethodCard {
		return g.CardNumber == card
	}
	return g.Phone == phone
}

// Grant is an authority grant (səlahiyyət) from an insurer's stamp holder.
type Grant struct {
	ID          string
	InsurerVOEN string
	Service     Service
	Grantee     Grantee
	// Limited grants hold from Start to End inclusive; unlimited ones have neither.
	Limited    bool
	Start, End Date
	CreatedAt  time.Time
	Revoked    bool
	RevokedAt  time.Time
	// SignatureNotAfter is when the granted e-signature's certificate
	// expires, as the grantee's latest login under this grant showed it;
	// zero until the grantee first logs in (§4.2: when that signature
	// expires, the grant ends).
	SignatureNotAfter time.Time
}

// GrantRequest is what the owner asks for.
type GrantRequest struct {
	ID          string
	InsurerVOEN string
	Service     Service
	Grantee     Grantee
	Limited     bool
	Start, End  string
}

// NewGrant checks a request against the rules of §4.2. existing are the
// insurer's grants, used to refuse a duplicate; ownerFIN is the granting
// stamp holder's FIN.
func NewGrant(req GrantRequest, ownerFIN string, existing []Grant, now time.Time) (Grant, error) {
	if !knownService(req.Service) {
		return Grant{}, ErrUnknownServiceName
	}
	if req.Grantee.FIN == ownerFIN {
		return Grant{}, ErrGrantSelf
	}
	g := Grant{ID: req.ID, InsurerVOEN: req.InsurerVOEN, Service: req.Service, Grantee: req.Grantee,
		Limited: req.Limited, CreatedAt: now}
	if req.Limited {
		start, err1 := ParseDate(req.Start)
		end, err2 := ParseDate(req.End)
		if err1 != nil || err2 != nil || end < start {
			return Grant{}, ErrGrantPeriod
		}
		if end < DateOf(now) {
			return Grant{}, ErrGrantPeriodPast
		}
		g.Start, g.End = start, end
	} else if req.Start != "" || req.End != "" {
		return Grant{}, ErrGrantPeriod.With("an unlimited grant has no dates")
	}
	for _, other := range existing {
		// A grant that has run out does not block a new one.
		if other.InForce(DateOf(now)) == ErrGrantEnded {
			continue
		}
		if !other.Revoked && other.Service == g.Service && other.Grantee == g.Grantee {
			return Grant{}, ErrGrantDuplicate.With("grant %s", other.ID)
		}
	}
	return g, nil
}

// InForce reports why a grant does not let its grantee act on a day, or nil.
func (g Grant) InForce(today Date) error {
	switch {
	case g.Revoked:
		return ErrGrantRevoked
	case g.Limited && today < g.Start:
		return ErrGrantNotStarted
	case g.Limited && today > g.End:
		return ErrGrantEnded
	}
	return nil
}

// SignedInWith records the certificate the grantee logged in with under the
// grant: a renewed signature carries the grant on, an expiring one ends it.
func (g Grant) SignedInWith(certNotAfter time.Time) Grant {
	g.SignatureNotAfter = certNotAfter
	return g
}

// GrantEnd says why a grant is no longer in force.
type GrantEnd string

// Why a grant ended.
const (
	GrantRevokedEnd          GrantEnd = "revoked"           // the × of the registry
	GrantPeriodOver          GrantEnd = "period-over"       // a limited grant past its end date
	GrantSignatureExpiredEnd GrantEnd = "signature-expired" // the granted e-signature expired (§4.2)
)

// EndedBy says why the grant no longer holds on a day, or "" while it holds
// or is still to start. The registry of grants in force lists the grants
// for which it is "": a limited grant not yet started is listed, so that
// the owner can revoke it before it starts.
func (g Grant) EndedBy(today Date) GrantEnd {
	switch {
	case g.Revoked:
		return GrantRevokedEnd
	case g.Limited && today > g.End:
		return GrantPeriodOver
	case !g.SignatureNotAfter.IsZero() && DateOf(g.SignatureNotAfter) < today:
		return GrantSignatureExpiredEnd
	}
	return ""
}

// Revoke ends the grant.
func (g Grant) Revoke(now time.Time) (Grant, error) {
	if g.Revoked {
		return g, ErrGrantNotFound
	}
	g.Revoked, g.RevokedAt = true, now
	return g, nil
}

func knownService(s Service) bool {
	for _, k := range Services {
		if k == s {
			return true
		}
	}
	return false
}

// Valid refuses a grant that names no id or insurer: it could not be found again.
func (g Grant) Valid() error {
	if g.ID == "" || g.InsurerVOEN == "" {
		return fmt.Errorf("grant without id or insurer: %w", ErrEventDoesNotFit)
	}
	return nil
}
