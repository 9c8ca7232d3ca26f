package handlers

import (
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// applicationGet shows one of the insurer's applications in detail.
var applicationGet = Query[contracts.ApplicationGet, contracts.ApplicationGetResult]{Action: domain.ActViewRegistry,
	Read: readApplicationGet}

func readApplicationGet(_ *Handler, v View, c Cmd[contracts.ApplicationGet]) (contracts.ApplicationGetResult, error) {
	a, err := ownApplication(v, c.insurerVOEN, c.Payload.ApplicationID)
	if err != nil {
		return contracts.ApplicationGetResult{}, err
	}
	return contracts.ApplicationGetResult{CommandID: c.id, Application: wire.ApplicationToWire(a)}, nil
}
