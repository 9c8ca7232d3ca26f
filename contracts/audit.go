package contracts

import "time"

// The audit trail (topic TopicAudit, type TypeAudit). The adapter publishes
// one AuditRecord for every command it takes from either command topic:
// accepted (state changes and queries alike), refused with a domain error
// code, dead-lettered (not a CloudEvent, unknown type, not JSON, schema
// violation) or failed permanently (INTERNAL_ERROR). A transient failure
// leaves no record: the command is retried and audited when it is decided.
//
// A record says who (principal kind, session and role), what (command id
// and type, insurer), when (at), how it ended (outcome and code) and where
// the command was read (source topic, partition and offset). It never holds
// personal data: no FIN, SSN, name, phone or card number, no payload value
// and no free text from a message. From a record that did not pass intake,
// it copies only what the adapter itself knows: a registered insurer's VÖEN
// (from the payload, else from the record's key), a session it opened, a
// command type of the contract. The record is keyed by the insurer's VÖEN,
// else by the original key when that has the shape of a VÖEN, else by none.
//
// The trail is at-least-once, like every output of the adapter: a command
// delivered again (a redelivery after a crash, a partition handover, a
// producer's retry) is audited again, with the outcome it was answered with,
// which for a state change is the recorded one. A consumer that wants one
// line per command deduplicates by commandId and outcome (by source topic,
// partition and offset for a record without a commandId). A record redelivered
// as such gets the same ce_id again.
type AuditRecord struct {
	// CommandID is the command's CloudEvents id; absent when the record had
	// none that could be read.
	CommandID string `json:"commandId,omitempty"`
	// CommandType is the command's CloudEvents type; absent when the record
	// could not be decoded or names a type the contract does not have.
	CommandType string `json:"commandType,omitempty"`
	// InsurerVOEN is the insurer the command acts for, when known.
	InsurerVOEN string `json:"insurerVoen,omitempty"`
	// SessionID is the portal session the command ran in (for an accepted
	// login, the session it opened); absent for the back office.
	SessionID string `json:"sessionId,omitempty"`
	// Role is the session's role (RoleOwner or RoleDelegate), when the
	// session is known.
	Role string `json:"role,omitempty"`
	// PrincipalKind is who sent the command, by its topic:
	// AuditPrincipalPortal or AuditPrincipalBackOffice.
	PrincipalKind string `json:"principalKind"`
	// Outcome is one of the AuditOutcome constants.
	Outcome string `json:"outcome"`
	// Code is the error code of a refused, dead-lettered or failed command;
	// absent when accepted.
	Code string `json:"code,omitempty"`
	// At is when the command was decided: for a state change, the time its
	// recorded outcome carries.
	At time.Time `json:"at"`
	// SourceTopic, SourcePartition and SourceOffset say where the command
	// was read.
	SourceTopic     string `json:"sourceTopic"`
	SourcePartition int32  `json:"sourcePartition"`
	SourceOffset    int64  `json:"sourceOffset"`
	// DeadLetterID is the dead letter's dlq_id (DeadLetterID) when the
	// command went to TopicDeadLetter (dead-lettered or failed): the line
	// that joins the trail to `dsmfctl deadletter`.
	DeadLetterID string `json:"dlqId,omitempty"`
}

// Outcomes of an audited command.
const (
	// AuditAccepted: the command took effect, or the query was answered.
	AuditAccepted = "accepted"
	// AuditRefused: answered with a domain error code.
	AuditRefused = "refused"
	// AuditDeadLettered: the record could not be decoded or validated and
	// went to TopicDeadLetter.
	AuditDeadLettered = "dead-lettered"
	// AuditFailed: handling failed permanently (INTERNAL_ERROR); the record
	// was answered and dead-lettered.
	AuditFailed = "failed"
)

// Principal kinds of an audited command, by the topic it came from.
const (
	AuditPrincipalPortal     = "portal"      // TopicPortalCommands
	AuditPrincipalBackOffice = "back-office" // TopicBackOfficeCommands
)

// AuditKey names the key of TopicAudit's records.
const AuditKey = "insurer VÖEN when known, else the original key"
