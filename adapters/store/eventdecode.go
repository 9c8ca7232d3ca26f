package store

import (
	gojson "github.com/goccy/go-json"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
)

// decodeEventFast decodes the payload of an event of type typ with
// go-json (see decode.go) into the Go type the registry of event types
// names; ok is false when it did not read, and then encoding/json has to.
func decodeEventFast(typ string, data []byte) (payload any, meta contracts.EventMeta, ok bool) {
	v, err := wire.DecodeEventWith(gojson.Unmarshal, typ, data)
	if err != nil {
		return nil, contracts.EventMeta{}, false
	}
	e, ok := v.(interface{ Meta() contracts.EventMeta })
	if !ok {
		return nil, contracts.EventMeta{}, false
	}
	return v, e.Meta(), true
}
