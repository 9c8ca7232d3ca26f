// Package contracts is the message contract between the e-gov portal, DSMF's
// back office and this adapter: topic names, CloudEvents types and the Go
// types of every payload. The JSON Schemas and the AsyncAPI document beside
// this file describe the same messages; tests keep the three in step.
package contracts

// Topic names follow one convention: <owner>.<area>.<stream>.v<version>.
// The "ssc" area (sosial sığorta şəhadətnaməsi) holds this service's own
// streams; "ref" holds DSMF reference data shared with other services.
const (
	// TopicPortalCommands carries commands from the e-gov portal.
	TopicPortalCommands = "dsmf.ssc.portal-commands.v1"
	// TopicBackOfficeCommands carries DSMF back-office decisions. Only the
	// back office may write here; the portal must not.
	TopicBackOfficeCommands = "dsmf.ssc.backoffice-commands.v1"
	// TopicReplies carries results and errors for portal commands. Query
	// results hold personal data, so they never go to the event log.
	TopicReplies = "dsmf.ssc.replies.v1"
	// TopicBackOfficeReplies carries the answer to every back-office
	// decision: a result, or an error naming the application. Only the back
	// office reads it.
	TopicBackOfficeReplies = "dsmf.ssc.backoffice-replies.v1"
	// TopicEvents is the event log: the source of truth state is rebuilt from.
	TopicEvents = "dsmf.ssc.events.v1"
	// TopicNotices carries notice PDFs (bildiriş).
	TopicNotices = "dsmf.ssc.notices.v1"
	// TopicDeadLetter receives messages that could not be decoded or
	// validated, with the reason in headers.
	TopicDeadLetter = "dsmf.ssc.deadletter.v1"
	// TopicApplicationStatus carries one status record per status change of
	// an application, derived from the event log exactly once, without
	// personal data: what the portal and the back office may subscribe to.
	TopicApplicationStatus = "dsmf.ssc.application-status.v1"
	// TopicAudit is the audit trail: one record per command taken from a
	// command topic (accepted, refused, dead-lettered or failed), naming ids,
	// types and codes, never personal data. Kept forever.
	TopicAudit = "dsmf.ssc.audit.v1"

	// TopicInsurers is compacted reference data keyed by VÖEN.
	TopicInsurers = "dsmf.ref.insurers.v1"
	// TopicInsuredPersons is compacted reference data keyed by SSN.
	TopicInsuredPersons = "dsmf.ref.insured-persons.v1"
	// TopicIdentityDocuments is compacted reference data keyed by FIN.
	TopicIdentityDocuments = "dsmf.ref.identity-documents.v1"
)

// Cleanup policies of the topics.
const (
	CleanupDelete  = "delete"
	CleanupCompact = "compact"
)

// TopicSpec says how a topic is created.
type TopicSpec struct {
	Name          string
	Partitions    int32
	CleanupPolicy string
	// RetentionMs is retention.ms; -1 keeps records forever, which the event
	// log needs because state is rebuilt from all of it.
	RetentionMs int64
	// Key names what the Kafka message key holds.
	Key string
}

// DefaultPartitions is the partition count of the keyed-by-VÖEN topics. The
// command topics and the event log must have the same count: an insurer's
// commands and events then share a partition number, which is what lets a new
// partition owner catch up on exactly the events it needs.
const DefaultPartitions = 6

const (
	week    = 7 * 24 * 60 * 60 * 1000
	forever = -1
)

// Topics lists every topic the adapter uses, with its key and cleanup policy.
func Topics(partitions int32) []TopicSpec {
	if partitions <= 0 {
		partitions = DefaultPartitions
	}
	return []TopicSpec{
		{TopicPortalCommands, partitions, CleanupDelete, week, "insurer VÖEN"},
		{TopicBackOfficeCommands, partitions, CleanupDelete, week, "insurer VÖEN"},
		{TopicReplies, partitions, CleanupDelete, week, "insurer VÖEN"},
		{TopicBackOfficeReplies, partitions, CleanupDelete, week, "insurer VÖEN"},
		{TopicEvents, partitions, CleanupDelete, forever, "insurer VÖEN"},
		{TopicNotices, partitions, CleanupDelete, forever, "insurer VÖEN"},
		{TopicDeadLetter, 1, CleanupDelete, forever, "original key"},
		{TopicAudit, partitions, CleanupDelete, forever, AuditKey},
		{TopicApplicationStatus, partitions, CleanupDelete, forever, "insurer VÖEN"},
		{TopicInsurers, partitions, CleanupCompact, forever, "VÖEN"},
		{TopicInsuredPersons, partitions, CleanupCompact, forever, "SSN"},
		{TopicIdentityDocuments, partitions, CleanupCompact, forever, "FIN"},
	}
}
