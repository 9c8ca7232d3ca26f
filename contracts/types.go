package contracts

// TypePrefix starts every CloudEvents type of this service.
const TypePrefix = "az.gov.dsmf.ssc."

// CloudEvents types of portal commands (topic TopicPortalCommands).
const (
	TypeLogin          = "az.gov.dsmf.ssc.session.login.v1"
	TypeLogout         = "az.gov.dsmf.ssc.session.logout.v1"
	TypeProfileGet     = "az.gov.dsmf.ssc.insurer.profile.get.v1"
	TypeGrantCreate    = "az.gov.dsmf.ssc.grant.create.v1"
	TypeGrantList      = "az.gov.dsmf.ssc.grant.list.v1"
	TypeGrantRevoke    = "az.gov.dsmf.ssc.grant.revoke.v1"
	TypePersonLookup   = "az.gov.dsmf.ssc.person.lookup.v1"
	TypeDraftSave      = "az.gov.dsmf.ssc.application.save.v1"
	TypeSubmit         = "az.gov.dsmf.ssc.application.submit.v1"
	TypeDraftDelete    = "az.gov.dsmf.ssc.application.delete.v1"
	TypeRegistrySearch = "az.gov.dsmf.ssc.application.search.v1"
	TypeApplicationGet = "az.gov.dsmf.ssc.application.get.v1"
	TypeNoticeGet      = "az.gov.dsmf.ssc.notice.get.v1"
)

// CloudEvents types of back-office commands (topic TopicBackOfficeCommands).
const (
	TypeDecision = "az.gov.dsmf.ssc.application.decision.v1"
)

// CloudEvents types of replies (topic TopicReplies). Every command type has
// one result type; any command may instead be answered by TypeError.
const (
	TypeLoginResult          = "az.gov.dsmf.ssc.session.login.result.v1"
	TypeLogoutResult         = "az.gov.dsmf.ssc.session.logout.result.v1"
	TypeProfileResult        = "az.gov.dsmf.ssc.insurer.profile.result.v1"
	TypeGrantCreateResult    = "az.gov.dsmf.ssc.grant.create.result.v1"
	TypeGrantListResult      = "az.gov.dsmf.ssc.grant.list.result.v1"
	TypeGrantRevokeResult    = "az.gov.dsmf.ssc.grant.revoke.result.v1"
	TypePersonLookupResult   = "az.gov.dsmf.ssc.person.lookup.result.v1"
	TypeDraftSaveResult      = "az.gov.dsmf.ssc.application.save.result.v1"
	TypeSubmitResult         = "az.gov.dsmf.ssc.application.submit.result.v1"
	TypeDraftDeleteResult    = "az.gov.dsmf.ssc.application.delete.result.v1"
	TypeRegistrySearchResult = "az.gov.dsmf.ssc.application.search.result.v1"
	TypeApplicationGetResult = "az.gov.dsmf.ssc.application.get.result.v1"
	TypeNoticeGetResult      = "az.gov.dsmf.ssc.notice.get.result.v1"
	TypeError                = "az.gov.dsmf.ssc.error.v1"
)

// CloudEvents type of the answer to a back-office decision (topic
// TopicBackOfficeReplies); a refused decision is answered by TypeError.
const TypeDecisionResult = "az.gov.dsmf.ssc.application.decision.result.v1"

// CloudEvents types of domain events (topic TopicEvents, the event log).
const (
	TypeSessionOpened          = "az.gov.dsmf.ssc.session.opened.v1"
	TypeSessionClosed          = "az.gov.dsmf.ssc.session.closed.v1"
	TypeGrantCreated           = "az.gov.dsmf.ssc.grant.created.v1"
	TypeGrantRevoked           = "az.gov.dsmf.ssc.grant.revoked.v1"
	TypeDraftSaved             = "az.gov.dsmf.ssc.application.draft-saved.v1"
	TypeApplicationSubmitted   = "az.gov.dsmf.ssc.application.submitted.v1"
	TypeDraftDeleted           = "az.gov.dsmf.ssc.application.draft-deleted.v1"
	TypeApplicationStatusMoved = "az.gov.dsmf.ssc.application.status-changed.v1"
	TypeCommandRejected        = "az.gov.dsmf.ssc.command.rejected.v1"
)

// CloudEvents type of an application's status change on the public status
// topic (TopicApplicationStatus): derived from the event log, without
// personal data.
const TypeApplicationStatus = "az.gov.dsmf.ssc.application.status.v1"

// CloudEvents type of a notice PDF (topic TopicNotices). Its data is the PDF
// itself (datacontenttype application/pdf), not JSON.
const TypeNotice = "az.gov.dsmf.ssc.notice.v1"

// CloudEvents type of an audit record (topic TopicAudit): one per command
// the adapter takes from a command topic, whatever became of it.
const TypeAudit = "az.gov.dsmf.ssc.audit.v1"

// CloudEvents types of reference records (the three compacted topics).
const (
	TypeInsurer          = "az.gov.dsmf.ref.insurer.v1"
	TypeInsuredPerson    = "az.gov.dsmf.ref.insured-person.v1"
	TypeIdentityDocument = "az.gov.dsmf.ref.identity-document.v1"
)

// ResultTypeOf maps a command type to the type of its success reply.
var ResultTypeOf = map[string]string{
	TypeLogin:          TypeLoginResult,
	TypeLogout:         TypeLogoutResult,
	TypeProfileGet:     TypeProfileResult,
	TypeGrantCreate:    TypeGrantCreateResult,
	TypeGrantList:      TypeGrantListResult,
	TypeGrantRevoke:    TypeGrantRevokeResult,
	TypePersonLookup:   TypePersonLookupResult,
	TypeDraftSave:      TypeDraftSaveResult,
	TypeSubmit:         TypeSubmitResult,
	TypeDraftDelete:    TypeDraftDeleteResult,
	TypeRegistrySearch: TypeRegistrySearchResult,
	TypeApplicationGet: TypeApplicationGetResult,
	TypeNoticeGet:      TypeNoticeGetResult,
}
