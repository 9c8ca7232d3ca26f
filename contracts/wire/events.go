package wire

import (
	"encoding/json"
	"fmt"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// The one registry of the event log's types: for each type string, the
// contract's Go type its data decodes into and the domain event that Go
// value reads as. The store folds domain events (domain/events.go); adding
// an event type is one line here and one domain type with its Apply.
var eventTypes = map[string]eventType{
	contracts.TypeSessionOpened:          eventOf(sessionOpenedFromWire),
	contracts.TypeSessionClosed:          eventOf(sessionClosedFromWire),
	contracts.TypeGrantCreated:           eventOf(grantCreatedFromWire),
	contracts.TypeGrantRevoked:           eventOf(grantRevokedFromWire),
	contracts.TypeDraftSaved:             eventOf(draftSavedFromWire),
	contracts.TypeApplicationSubmitted:   eventOf(applicationSubmittedFromWire),
	contracts.TypeDraftDeleted:           eventOf(draftDeletedFromWire),
	contracts.TypeApplicationStatusMoved: eventOf(statusChangedFromWire),
	contracts.TypeCommandRejected:        eventOf(commandRejectedFromWire),
}

// eventType decodes one type's data and reads it as a domain event.
type eventType struct {
	decode   func(unmarshal Unmarshal, data []byte) (any, error)
	toDomain func(v any) (domain.Event, bool)
}

func eventOf[T any](from func(T) domain.Event) eventType {
	return eventType{
		decode: func(unmarshal Unmarshal, data []byte) (any, error) {
			var v T
			err := unmarshal(data, &v)
			return v, err
		},
		toDomain: func(v any) (domain.Event, bool) {
			t, ok := v.(T)
			if !ok {
				return nil, false
			}
			return from(t), true
		},
	}
}

// ErrUnknownEvent is the error for an event type the registry does not have.
var ErrUnknownEvent = fmt.Errorf("unknown event type")

// EventTypes lists the registered event types.
func EventTypes() []string {
	out := make([]string, 0, len(eventTypes))
	for t := range eventTypes {
		out = append(out, t)
	}
	return out
}

// Unmarshal decodes JSON into the value v points to, as json.Unmarshal does.
type Unmarshal func(data []byte, v any) error

// DecodeEvent reads an event's data, with encoding/json, into the
// contract's Go type of its type.
func DecodeEvent(typ string, data []byte) (any, error) {
	return DecodeEventWith(json.Unmarshal, typ, data)
}

// DecodeEventWith is DecodeEvent with another JSON decoder (the fold's
// faster one), so that which Go type a type decodes into is said here only.
func DecodeEventWith(unmarshal Unmarshal, typ string, data []byte) (any, error) {
	e, ok := eventTypes[typ]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownEvent, typ)
	}
	return e.decode(unmarshal, data)
}

// EventFromWire reads a decoded event of type typ (a value of the contract's
// Go type for it) as a domain event.
func EventFromWire(typ string, v any) (domain.Event, error) {
	e, ok := eventTypes[typ]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownEvent, typ)
	}
	ev, ok := e.toDomain(v)
	if !ok {
		return nil, fmt.Errorf("event %s: data of Go type %T", typ, v)
	}
	return ev, nil
}

// MetaFromWire reads the metadata every event has.
func MetaFromWire(m contracts.EventMeta) domain.EventMeta {
	return domain.EventMeta{CommandID: m.CommandID, InsurerVOEN: m.InsurerVOEN, Seq: m.Seq, At: m.At}
}

// sessionOpenedFromWire reads an accepted login.
func sessionOpenedFromWire(e contracts.SessionOpened) domain.Event {
	s := domain.Session{ID: e.SessionID, InsurerVOEN: e.InsurerVOEN,
		Principal: domain.Principal{Role: domain.Role(e.Role), GrantID: e.GrantID},
		Signer: domain.Signer{Method: domain.Method(e.Method), FIN: e.SignerFIN,
			StampAuthority: e.Role == contracts.RoleOwner, CertNotAfter: e.CertNotAfter},
		OpenedAt: e.At, LastActive: e.At}
	if e.Card != nil {
		s.Signer.CardNumber = e.Card.CardNumber
	}
	if e.Asan != nil {
		s.Signer.Phone = e.Asan.Phone
	}
	return domain.SessionOpened{EventMeta: MetaFromWire(e.EventMeta), Session: s, AssertionID: e.AssertionID}
}

// sessionClosedFromWire reads a logout.
func sessionClosedFromWire(e contracts.SessionClosed) domain.Event {
	return domain.SessionClosed{EventMeta: MetaFromWire(e.EventMeta), SessionID: e.SessionID}
}

// grantCreatedFromWire reads a new grant.
func grantCreatedFromWire(e contracts.GrantCreated) domain.Event {
	return domain.GrantCreated{EventMeta: MetaFromWire(e.EventMeta), SessionID: e.SessionID,
		Grant: GrantFromWire(e.InsurerVOEN, e.Grant)}
}

// grantRevokedFromWire reads the end of a grant.
func grantRevokedFromWire(e contracts.GrantRevoked) domain.Event {
	return domain.GrantRevoked{EventMeta: MetaFromWire(e.EventMeta), SessionID: e.SessionID, GrantID: e.GrantID}
}

// draftSavedFromWire reads a saved draft.
func draftSavedFromWire(e contracts.DraftSaved) domain.Event {
	return domain.DraftSaved{EventMeta: MetaFromWire(e.EventMeta), SessionID: e.SessionID,
		Application: ApplicationFromWire(e.Application)}
}

// applicationSubmittedFromWire reads a signed application.
func applicationSubmittedFromWire(e contracts.ApplicationSubmitted) domain.Event {
	return domain.ApplicationSubmitted{EventMeta: MetaFromWire(e.EventMeta), SessionID: e.SessionID,
		Application: ApplicationFromWire(e.Application)}
}

// draftDeletedFromWire reads a deleted draft.
func draftDeletedFromWire(e contracts.DraftDeleted) domain.Event {
	return domain.DraftDeleted{EventMeta: MetaFromWire(e.EventMeta), SessionID: e.SessionID, ApplicationID: e.ApplicationID}
}

// statusChangedFromWire reads a back-office decision.
func statusChangedFromWire(e contracts.ApplicationStatusChanged) domain.Event {
	return domain.ApplicationStatusChanged{EventMeta: MetaFromWire(e.EventMeta), ApplicationID: e.ApplicationID,
		From: domain.Status(e.From), To: domain.Status(e.To), Officer: e.Officer,
		CertificateDate: domain.Date(e.CertificateDate), Reason: e.Reason}
}

// commandRejectedFromWire reads a refused command.
func commandRejectedFromWire(e contracts.CommandRejected) domain.Event {
	return domain.CommandRejected{EventMeta: MetaFromWire(e.EventMeta), CommandType: e.CommandType,
		SessionID: e.SessionID, Code: e.Code, Detail: e.Detail}
}
