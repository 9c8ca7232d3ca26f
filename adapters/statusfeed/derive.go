// Package statusfeed publishes the public status topic: one record per
// status change of an application, derived from the event log exactly once.
package statusfeed

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// Snapshot is the state the projector reads, as of (at least) the event it
// derives from.
type Snapshot interface {
	// Outcome is the recorded decision on a command: it tells whether an
	// event of the log took effect.
	Outcome(commandID string) (domain.Outcome, bool)
	Application(id string) (domain.Application, bool)
}

// Derive returns the status record of an event of the log, or false when the
// event changes no application's status (sessions, grants, refusals) or did
// not take effect (it lost a race to another instance's event and every
// reader's fold ignored it). now and retention judge an event whose outcome
// state no longer holds: older than the outcomes' memory, it is taken as
// applied (a projector started late on an old log publishes the history);
// newer, its command was not decided by it.
func Derive(env contracts.Envelope, snap Snapshot, now time.Time, retention time.Duration) (contracts.ApplicationStatus, bool, error) {
	data, err := wire.DecodeEvent(env.Type, env.Data)
	if errors.Is(err, wire.ErrUnknownEvent) {
		return contracts.ApplicationStatus{}, false, nil
	}
	if err != nil {
		return contracts.ApplicationStatus{}, false, fmt.Errorf("%s: %w", env.Type, err)
	}
	ev, err := wire.EventFromWire(env.Type, data)
	if err != nil {
		return contracts.ApplicationStatus{}, false, err
	}
	// The registry reads the event; which domain events move a status is
	// this projection's own knowledge.
	var appID string
	var a domain.Application
	var status domain.Status
	switch e := ev.(type) {
	case domain.DraftSaved:
		a, appID, status = e.Application, e.Application.ID, e.Application.Status
	case domain.ApplicationSubmitted:
		a, appID, status = e.Application, e.Application.ID, e.Application.Status
	case domain.DraftDeleted:
		appID = e.ApplicationID
	case domain.ApplicationStatusChanged:
		appID, status = e.ApplicationID, e.To
	default:
		return contracts.ApplicationStatus{}, false, nil
	}
	meta := ev.Meta()
	if !applied(env.Type, meta, appID, snap, now, retention) {
		return contracts.ApplicationStatus{}, false, nil
	}
	out := contracts.ApplicationStatus{ApplicationID: appID, InsurerVOEN: meta.InsurerVOEN, At: meta.At}
	switch ev.(type) {
	case domain.DraftDeleted:
		out.Status = contracts.StatusDeleted
		return out, true, nil
	case domain.ApplicationStatusChanged:
		// The event names only the move; the rest is the application's,
		// as it was when it reached the new status.
		current, ok := snap.Application(appID)
		if !ok {
			return contracts.ApplicationStatus{}, false, fmt.Errorf("status change of unknown application")
		}
		if a, ok = current.AtStatus(status); !ok {
			return contracts.ApplicationStatus{}, false, fmt.Errorf("application never reached %s", status)
		}
	}
	version := a.NoticeVersion()
	out.Number, out.Type, out.Reason = a.Number, string(a.Type), string(a.Reason)
	out.Status, out.CertificateStatus, out.NoticeVersion = string(status), string(a.CertificateStatusAfter()), &version
	return out, true, nil
}

// applied tells whether the event is the one the fold recorded as its
// command's outcome: the same type, time and subject.
func applied(typ string, meta domain.EventMeta, appID string, snap Snapshot, now time.Time, retention time.Duration) bool {
	o, ok := snap.Outcome(meta.CommandID)
	if !ok {
		return now.Sub(meta.At) > retention
	}
	return o.Accepted() && o.EventType == typ && o.At.Equal(meta.At) && o.Ref == appID
}

// statusNamespace makes a status record's id from its event's.
var statusNamespace = uuid.MustParse("5d1f3c8e-4a5b-4c6d-9e7f-0a1b2c3d4e5f")

// RecordID is the ce_id of the status record derived from the event-log
// record with ce_id eventID: the same change always has the same id.
func RecordID(eventID string) string {
	return uuid.NewSHA1(statusNamespace, []byte(eventID)).String()
}
