package handlers

import (
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// registrySearch searches the insurer's applications, newest first, a page
// at a time (REYESTR).
var registrySearch = Query[contracts.RegistrySearch, contracts.RegistrySearchResult]{Action: domain.ActViewRegistry,
	Check: checkRegistrySearch, Read: readRegistrySearch}

func checkRegistrySearch(req contracts.RegistrySearch) error {
	if _, err := domain.NewPage(req.Number, req.Size); err != nil {
		return err
	}
	return registryFilter(req.Filter).Validate()
}

func registryFilter(f contracts.RegistryFilter) domain.RegistryFilter {
	return domain.RegistryFilter{Type: domain.ApplicationType(f.Type), FIN: f.FIN, SSN: f.SSN,
		Surname: f.Surname, Name: f.Name, Patronymic: f.Patronymic,
		SSNDateFrom: domain.Date(f.SSNDateFrom), SSNDateTo: domain.Date(f.SSNDateTo),
		AppliedFrom: domain.Date(f.ApplicationFrom), AppliedTo: domain.Date(f.ApplicationTo),
		CertificateStatus: domain.CertificateStatus(f.CertificateStatus), Status: domain.Status(f.Status)}
}

func readRegistrySearch(_ *Handler, v View, c Cmd[contracts.RegistrySearch]) (contracts.RegistrySearchResult, error) {
	page, err := domain.NewPage(c.Payload.Number, c.Payload.Size)
	if err != nil {
		return contracts.RegistrySearchResult{}, err
	}
	filter := registryFilter(c.Payload.Filter)
	found, total := v.ApplicationsPage(c.insurerVOEN, func(a domain.Application) bool {
		return filter.Matches(a, a.CertificateStatusAfter())
	}, page)
	rows := make([]contracts.RegistryRow, 0, len(found))
	for _, a := range found {
		w := wire.ApplicationToWire(a)
		rows = append(rows, contracts.RegistryRow{ApplicationID: a.ID, Number: a.Number, Type: w.Type,
			FIN: w.Person.FIN, Surname: w.Person.Surname, Name: w.Person.Name, Patronymic: w.Person.Patronymic,
			SSN: w.Person.SSN, SSNDate: w.Person.SSNDate, ApplicationDate: string(a.ApplicationDate()),
			CertificateStatus: w.CertificateStatus, Status: w.Status})
	}
	return contracts.RegistrySearchResult{CommandID: c.id, Rows: rows,
		Page: contracts.PageInfo{Number: page.Number, Size: page.Size, Total: total}}, nil
}
