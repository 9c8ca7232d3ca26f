package kafka

import (
	"github.com/dsmf/ssc-adapter/contracts"
)

// The principals (SASL users) of a deployment with access control. Topics
// are created by an operator's super user (docker-compose.yml's kafka-init
// as "admin"), never by these: none of them has CREATE, ALTER or DELETE.
const (
	// PrincipalAdapter is this service.
	PrincipalAdapter = "adapter"
	// PrincipalPortal is the e-gov.az portal.
	PrincipalPortal = "portal"
	// PrincipalBackOffice is DSMF's back office.
	PrincipalBackOffice = "backoffice"
	// PrincipalRegisters publishes DSMF's reference data.
	PrincipalRegisters = "registers"
	// PrincipalAuditor is DSMF's internal control: it reads the audit trail
	// and nothing else. It is not the back office, whose own decisions the
	// trail records.
	PrincipalAuditor = "auditor"
)

// Consumer-group prefixes of the portal, the back office and the auditor:
// each may run any group whose name starts with its prefix, and no other.
const (
	PortalGroupPrefix     = "dsmf-portal"
	BackOfficeGroupPrefix = "dsmf-backoffice"
	AuditorGroupPrefix    = "dsmf-audit"
)

// TopicStateSnapshots is the adapter's checkpoints of state (see
// adapters/service/snapshot.go). It holds personal data: the adapter alone
// reads and writes it.
const TopicStateSnapshots = "dsmf.ssc.state-snapshots.v1"

// StatusGroup is the status projector's consumer group, beside the
// adapter's own group; it also prefixes the projector's transactional ids.
func StatusGroup(adapterGroup string) string { return adapterGroup + "-status" }

// Operation is an ACL operation, spelled as kafka-acls.sh takes it.
type Operation string

// The operations granted. DESCRIBE on a topic or group comes with each of
// them, and so does IDEMPOTENT_WRITE with WRITE on a topic (Kafka 3.0+), so
// nothing else is needed.
const (
	OpRead  Operation = "Read"
	OpWrite Operation = "Write"
)

// Grant allows a principal one operation on one topic, group or
// transactional id.
type Grant struct {
	Principal string
	// Group is true for a consumer group.
	Group bool
	// TransactionalID is true for a transactional id (the status
	// projector's producers). Neither: a topic.
	TransactionalID bool
	// Name is the topic or group, or its prefix when Prefixed.
	Name      string
	Prefixed  bool
	Operation Operation
}

// Grants are the ACLs of a deployment: everything each principal may do,
// and so, by omission, everything it may not. adapterGroup is the adapter's
// consumer group (DSMF_CONSUMER_GROUP).
//
//   - adapter: reads both command topics in its group, reads and writes the
//     event log, writes replies, back-office replies, notices, dead letters
//     and the audit trail,
//     reads the reference topics, reads and writes its snapshots of state
//     (personal data: no other principal has them); its status projector
//     reads the event log in its own group and writes the status topic with
//     transactional ids starting with that group's name.
//   - portal: writes portal commands; reads replies, notices and the status
//     topic in its own groups. It can neither write back-office commands or
//     the event log nor read the event log.
//   - backoffice: writes back-office commands; reads the answers to them,
//     the event log, notices and the status topic in its own groups. It cannot write portal
//     commands or the event log.
//   - registers: writes the three reference topics.
//   - auditor: reads the audit trail in its own groups, and nothing else.
//     Neither the portal nor the back office reads it: the back office's
//     decisions are among what it records.
func Grants(adapterGroup string) []Grant {
	topic := func(p, name string, op Operation) Grant {
		return Grant{Principal: p, Name: name, Operation: op}
	}
	var g []Grant
	for _, t := range []string{contracts.TopicPortalCommands, contracts.TopicBackOfficeCommands, contracts.TopicEvents,
		contracts.TopicInsurers, contracts.TopicInsuredPersons, contracts.TopicIdentityDocuments, TopicStateSnapshots} {
		g = append(g, topic(PrincipalAdapter, t, OpRead))
	}
	for _, t := range []string{contracts.TopicEvents, contracts.TopicReplies, contracts.TopicNotices, contracts.TopicDeadLetter,
		contracts.TopicAudit, contracts.TopicApplicationStatus, contracts.TopicBackOfficeReplies, TopicStateSnapshots} {
		g = append(g, topic(PrincipalAdapter, t, OpWrite))
	}
	g = append(g, Grant{Principal: PrincipalAdapter, Group: true, Name: adapterGroup, Operation: OpRead},
		Grant{Principal: PrincipalAdapter, Group: true, Name: StatusGroup(adapterGroup), Operation: OpRead},
		Grant{Principal: PrincipalAdapter, TransactionalID: true, Name: StatusGroup(adapterGroup), Prefixed: true, Operation: OpWrite})

	g = append(g,
		topic(PrincipalPortal, contracts.TopicPortalCommands, OpWrite),
		topic(PrincipalPortal, contracts.TopicReplies, OpRead),
		topic(PrincipalPortal, contracts.TopicNotices, OpRead),
		topic(PrincipalPortal, contracts.TopicApplicationStatus, OpRead),
		Grant{Principal: PrincipalPortal, Group: true, Name: PortalGroupPrefix, Prefixed: true, Operation: OpRead},

		topic(PrincipalBackOffice, contracts.TopicBackOfficeCommands, OpWrite),
		topic(PrincipalBackOffice, contracts.TopicEvents, OpRead),
		topic(PrincipalBackOffice, contracts.TopicNotices, OpRead),
		topic(PrincipalBackOffice, contracts.TopicApplicationStatus, OpRead),
		topic(PrincipalBackOffice, contracts.TopicBackOfficeReplies, OpRead),
		Grant{Principal: PrincipalBackOffice, Group: true, Name: BackOfficeGroupPrefix, Prefixed: true, Operation: OpRead},

		topic(PrincipalRegisters, contracts.TopicInsurers, OpWrite),
		topic(PrincipalRegisters, contracts.TopicInsuredPersons, OpWrite),
		topic(PrincipalRegisters, contracts.TopicIdentityDocuments, OpWrite),

		topic(PrincipalAuditor, contracts.TopicAudit, OpRead),
		Grant{Principal: PrincipalAuditor, Group: true, Name: AuditorGroupPrefix, Prefixed: true, Operation: OpRead},
	)
	return g
}
