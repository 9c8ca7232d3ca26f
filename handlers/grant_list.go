package handlers

import (
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// grantList lists the insurer's grants in force, a page at a time.
var grantList = Query[contracts.GrantList, contracts.GrantListResult]{Action: domain.ActManageGrants,
	Check: checkGrantList, Read: readGrantList}

func checkGrantList(req contracts.GrantList) error {
	_, err := domain.NewPage(req.Number, req.Size)
	return err
}

func readGrantList(_ *Handler, v View, c Cmd[contracts.GrantList]) (contracts.GrantListResult, error) {
	page, err := domain.NewPage(c.Payload.Number, c.Payload.Size)
	if err != nil {
		return contracts.GrantListResult{}, err
	}
	var inForce []contracts.Grant
	today := domain.DateOf(c.now)
	for _, g := range v.Grants(c.insurerVOEN) {
		if g.EndedBy(today) == "" {
			inForce = append(inForce, wire.GrantToWire(g))
		}
	}
	from, to := page.Bounds(len(inForce))
	return contracts.GrantListResult{CommandID: c.id,
		Grants: append([]contracts.Grant{}, inForce[from:to]...),
		Page:   contracts.PageInfo{Number: page.Number, Size: page.Size, Total: len(inForce)}}, nil
}
