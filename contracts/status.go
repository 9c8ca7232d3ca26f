package contracts

import "time"

// StatusDeleted is the status of a deleted draft on the status topic; the
// event log has no status for it, only the deletion.
const StatusDeleted = "deleted"

// ApplicationStatus is a status change of an application as the portal and
// the back office see it on TopicApplicationStatus: ids, codes and numbers
// only, never a name, FIN, SSN or free text. A deleted draft carries only
// its id, its insurer, the status and the time.
type ApplicationStatus struct {
	ApplicationID     string    `json:"applicationId"`
	Number            string    `json:"number,omitempty"`
	InsurerVOEN       string    `json:"insurerVoen"`
	Type              string    `json:"type,omitempty"`
	Reason            string    `json:"reason,omitempty"`
	Status            string    `json:"status"`
	At                time.Time `json:"at"`
	CertificateStatus string    `json:"certificateStatus,omitempty"`
	// NoticeVersion is a pointer so that a draft's 0 is written and a
	// deleted draft has none.
	NoticeVersion *int `json:"noticeVersion,omitempty"`
}
