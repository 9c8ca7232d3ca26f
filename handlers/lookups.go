package handlers

import (
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// findPerson runs the AXTAR rules against the registers.
func findPerson(v View, voen, docType, fin, ssn string, today domain.Date) (domain.Person, error) {
	var doc *domain.IdentityDocument
	if d, ok := v.Document(fin); ok {
		doc = wire.DocumentFromWire(&d)
	}
	var insured *domain.InsuredPerson
	if p, ok := v.InsuredPerson(ssn); ok {
		insured = wire.InsuredFromWire(&p)
		insured.CertificateStatus = v.CertificateStatus(p)
	}
	return domain.LookupPerson(domain.LookupQuery{DocumentType: domain.DocumentType(docType), FIN: fin, SSN: ssn,
		InsurerVOEN: voen}, doc, insured, today)
}

// ownApplication returns one of the insurer's applications; another
// insurer's is reported as not found, so ids reveal nothing.
func ownApplication(v View, voen, id string) (domain.Application, error) {
	a, ok := v.Application(id)
	if !ok || a.InsurerVOEN != voen {
		return a, domain.ErrApplicationNotFound
	}
	return a, nil
}
