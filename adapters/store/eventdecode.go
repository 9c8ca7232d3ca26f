package store

import (
	gojson "github.com/goccy/go-json"

	"github.com/dsmf/ssc-adapter/contracts"
)

// decodeEventFast decodes the payload of an event of type typ with
// go-json (see decode.go); ok is false when it did not read, and then
// encoding/json has to.
func decodeEventFast(typ string, data []byte) (payload any, meta contracts.EventMeta, ok bool) {
	switch typ {
	case contracts.TypeSessionOpened:
		return eventOf[contracts.SessionOpened](data)
	case contracts.TypeSessionClosed:
		return eventOf[contracts.SessionClosed](data)
	case contracts.TypeGrantCreated:
		return eventOf[contracts.GrantCreated](data)
	case contracts.TypeGrantRevoked:
		return eventOf[contracts.GrantRevoked](data)
	case contracts.TypeDraftSaved:
		return eventOf[contracts.DraftSaved](data)
	case contracts.TypeApplicationSubmitted:
		return eventOf[contracts.ApplicationSubmitted](data)
	case contracts.TypeDraftDeleted:
		return eventOf[contracts.DraftDeleted](data)
	case contracts.TypeApplicationStatusMoved:
		return eventOf[contracts.ApplicationStatusChanged](data)
	case contracts.TypeCommandRejected:
		return eventOf[contracts.CommandRejected](data)
	}
	return nil, contracts.EventMeta{}, false
}

func eventOf[T interface{ Meta() contracts.EventMeta }](data []byte) (any, contracts.EventMeta, bool) {
	var e T
	if gojson.Unmarshal(data, &e) != nil {
		return nil, contracts.EventMeta{}, false
	}
	return e, e.Meta(), true
}
