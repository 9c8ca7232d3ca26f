package handlers

import (
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// profileGet shows the insurer's read-only data (§4.1).
var profileGet = Query[contracts.ProfileGet, contracts.ProfileResult]{Action: domain.ActViewProfile, Read: readProfile}

func readProfile(_ *Handler, v View, c Cmd[contracts.ProfileGet]) (contracts.ProfileResult, error) {
	ins, ok := v.Insurer(c.insurerVOEN)
	if !ok {
		return contracts.ProfileResult{}, domain.ErrInsurerUnknown
	}
	return contracts.ProfileResult{CommandID: c.id, Insurer: wire.ProfileToWire(ins)}, nil
}
