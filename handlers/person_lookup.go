package handlers

import (
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// personLookup finds an insured person by identity document and SSN (AXTAR).
var personLookup = Query[contracts.PersonLookup, contracts.PersonLookupResult]{Action: domain.ActLookupPerson, Read: readPersonLookup}

func readPersonLookup(_ *Handler, v View, c Cmd[contracts.PersonLookup]) (contracts.PersonLookupResult, error) {
	req := c.Payload
	p, err := findPerson(v, c.insurerVOEN, req.DocumentType, req.FIN, req.SSN, domain.DateOf(c.now))
	if err != nil {
		return contracts.PersonLookupResult{}, err
	}
	return contracts.PersonLookupResult{CommandID: c.id, Person: wire.PersonToWire(p, p.Insured.CertificateStatus),
		Document: wire.DocumentToWire(p.Document)}, nil
}
