package contracts

import "time"

// EventMeta is the part every domain event has.
//
// Seq is the insurer's stream version this event creates: the adapter
// decides a command on version Seq-1 and the event applies only if the
// insurer is still at Seq-1 when it is folded. An event that lost a race
// (two instances during a partition handover) is thus ignored by every
// reader in the same way. CommandID makes a redelivered command recognisable.
type EventMeta struct {
	CommandID   string    `json:"commandId"`
	InsurerVOEN string    `json:"insurerVoen"`
	Seq         int64     `json:"seq"`
	At          time.Time `json:"at"`
}

// Meta returns the metadata; every event embeds EventMeta, so every event
// has this method.
func (m EventMeta) Meta() EventMeta { return m }

// SessionOpened records an accepted login.
type SessionOpened struct {
	EventMeta
	SessionID string        `json:"sessionId"`
	Role      string        `json:"role"`
	GrantID   string        `json:"grantId,omitempty"`
	Method    string        `json:"method"`
	SignerFIN string        `json:"signerFin"`
	Card      *CardIdentity `json:"card,omitempty"`
	Asan      *AsanIdentity `json:"asan,omitempty"`
	// CertNotAfter ends the session's authority with the signature's own.
	CertNotAfter time.Time `json:"certNotAfter"`
	AssertionID  string    `json:"assertionId"`
}

// Reasons a session closes.
const (
	CloseLogout = "logout"
)

// SessionClosed records a logout.
type SessionClosed struct {
	EventMeta
	SessionID string `json:"sessionId"`
	Reason    string `json:"reason"`
}

// GrantCreated records a new authority grant.
type GrantCreated struct {
	EventMeta
	SessionID string `json:"sessionId"`
	Grant     Grant  `json:"grant"`
}

// GrantRevoked records the end of a grant.
type GrantRevoked struct {
	EventMeta
	SessionID string `json:"sessionId"`
	GrantID   string `json:"grantId"`
}

// DraftSaved records a new or changed draft with everything entered.
type DraftSaved struct {
	EventMeta
	SessionID   string      `json:"sessionId"`
	Application Application `json:"application"`
}

// ApplicationSubmitted records a signed application, with everything the
// back office needs to act on it.
type ApplicationSubmitted struct {
	EventMeta
	SessionID   string      `json:"sessionId"`
	Application Application `json:"application"`
}

// DraftDeleted records a deleted draft.
type DraftDeleted struct {
	EventMeta
	SessionID     string `json:"sessionId"`
	ApplicationID string `json:"applicationId"`
}

// ApplicationStatusChanged records a back-office decision.
type ApplicationStatusChanged struct {
	EventMeta
	ApplicationID   string `json:"applicationId"`
	From            string `json:"from"`
	To              string `json:"to"`
	Officer         string `json:"officer"`
	CertificateDate string `json:"certificateDate,omitempty"`
	Reason          string `json:"reason,omitempty"`
}

// CommandRejected records a refused state-changing command, so that a
// redelivery gets the same refusal. It holds no personal data.
type CommandRejected struct {
	EventMeta
	CommandType string `json:"commandType"`
	SessionID   string `json:"sessionId,omitempty"`
	Code        string `json:"code"`
	Detail      string `json:"detail,omitempty"`
}
