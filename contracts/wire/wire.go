// Package wire converts between the contract's wire types and the domain's types.
package wire

import (
	"time"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// Conversions between the wire types of the contract and the domain's types.

// GrantToWire renders a grant as the registry shows it.
func GrantToWire(g domain.Grant) contracts.Grant {
	v := contracts.Validity{Kind: contracts.ValidityUnlimited}
	if g.Limited {
		v = contracts.Validity{Kind: contracts.ValidityLimited, Start: string(g.Start), End: string(g.End)}
	}
	return contracts.Grant{
		GrantID: g.ID, Service: string(g.Service), Validity: v, CreatedAt: g.CreatedAt,
		Grantee: contracts.Grantee{Method: string(g.Grantee.Method), CardNumber: g.Grantee.CardNumber,
			Phone: g.Grantee.Phone, FIN: g.Grantee.FIN},
	}
}

// GrantFromWire reads a grant from an event.
func GrantFromWire(voen string, w contracts.Grant) domain.Grant {
	return domain.Grant{
		ID: w.GrantID, InsurerVOEN: voen, Service: domain.Service(w.Service), CreatedAt: w.CreatedAt,
		Grantee: domain.Grantee{Method: domain.Method(w.Grantee.Method), CardNumber: w.Grantee.CardNumber,
			Phone: w.Grantee.Phone, FIN: w.Grantee.FIN},
		Limited: w.Validity.Kind == contracts.ValidityLimited,
		Start:   domain.Date(w.Validity.Start), End: domain.Date(w.Validity.End),
	}
}

// PersonToWire renders a found person.
func PersonToWire(p domain.Person, certificate domain.CertificateStatus) contracts.Person {
	d := p.Document
	return contracts.Person{
		DocumentType: string(d.Type), FIN: d.FIN, SSN: p.Insured.SSN,
		Surname: d.Surname, Name: d.Name, Patronymic: d.Patronymic, Gender: d.Gender,
		Citizenship: d.Citizenship, BirthPlace: d.BirthPlace, BirthDate: string(d.BirthDate),
		IssuingAuthority: d.IssuingAuthority, IssueDate: string(d.IssueDate),
		SSNDate: string(p.Insured.SSNDate), CertificateStatus: string(certificate),
	}
}

// DocumentToWire renders the whole identity document, as AXTAR shows it.
func DocumentToWire(d domain.IdentityDocument) contracts.DocumentDetails {
	return contracts.DocumentDetails{
		DocumentType: string(d.Type), DocumentNumber: d.Number, FIN: d.FIN,
		Surname: d.Surname, Name: d.Name, Patronymic: d.Patronymic, Gender: d.Gender,
		Citizenship: d.Citizenship, BirthPlace: d.BirthPlace, BirthDate: string(d.BirthDate),
		IssuingAuthority: d.IssuingAuthority, IssueDate: string(d.IssueDate), ValidUntil: string(d.ValidUntil),
	}
}

// PersonFromWire reads a person snapshot from an event.
func PersonFromWire(w contracts.Person, insurerVOEN string) domain.Person {
	return domain.Person{
		Document: domain.IdentityDocument{
			FIN: w.FIN, Type: domain.DocumentType(w.DocumentType), Surname: w.Surname, Name: w.Name,
			Patronymic: w.Patronymic, Gender: w.Gender, Citizenship: w.Citizenship, BirthPlace: w.BirthPlace,
			BirthDate: domain.Date(w.BirthDate), IssuingAuthority: w.IssuingAuthority, IssueDate: domain.Date(w.IssueDate),
		},
		Insured: domain.InsuredPerson{SSN: w.SSN, FIN: w.FIN, SSNDate: domain.Date(w.SSNDate),
			CertificateStatus: domain.CertificateStatus(w.CertificateStatus), InsurerVOEN: insurerVOEN},
	}
}

// DocumentFromWire reads a register's identity document.
func DocumentFromWire(w *contracts.IdentityDocument) *domain.IdentityDocument {
	if w == nil {
		return nil
	}
	return &domain.IdentityDocument{
		FIN: w.FIN, Type: domain.DocumentType(w.DocumentType), Number: w.DocumentNumber,
		Surname: w.Surname, Name: w.Name, Patronymic: w.Patronymic, Gender: w.Gender,
		Citizenship: w.Citizenship, BirthPlace: w.BirthPlace, BirthDate: domain.Date(w.BirthDate),
		IssuingAuthority: w.IssuingAuthority, IssueDate: domain.Date(w.IssueDate), ValidUntil: domain.Date(w.ValidUntil),
	}
}

// InsuredFromWire reads a register's insured person.
func InsuredFromWire(w *contracts.InsuredPerson) *domain.InsuredPerson {
	if w == nil {
		return nil
	}
	return &domain.InsuredPerson{SSN: w.SSN, FIN: w.FIN, SSNDate: domain.Date(w.SSNDate),
		CertificateStatus: domain.CertificateStatus(w.CertificateStatus), InsurerVOEN: w.InsurerVOEN}
}

// ApplicationToWire renders the detailed view.
func ApplicationToWire(a domain.Application) contracts.Application {
	w := contracts.Application{
		ApplicationID: a.ID, Number: a.Number, InsurerVOEN: a.InsurerVOEN, Type: string(a.Type),
		Reason: string(a.Reason), Status: string(a.Status),
		Person:    PersonToWire(a.Person, a.CertificateStatusAfter()),
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, CertificateDate: string(a.CertificateDate),
		RejectionReason: a.RejectionReason, NoticeVersion: a.NoticeVersion(),
		CertificateStatus: string(a.CertificateStatusAfter()),
		History:           make([]contracts.StatusChange, 0, len(a.History)),
	}
	for _, h := range a.History {
		w.History = append(w.History, contracts.StatusChange{Status: string(h.Status), At: h.At, By: h.By, Reason: h.Reason})
	}
	if s := a.Signature; s != nil {
		at := s.At
		w.SignedAt = &at
		w.ApplicationDate = string(domain.DateOf(s.At))
		w.SignedBy = &contracts.Signer{Role: string(s.Role), Method: string(s.Method), FIN: s.FIN,
			CardNumber: s.CardNumber, Phone: s.Phone, SessionID: s.SessionID}
	}
	return w
}

// ApplicationFromWire reads an application from an event.
func ApplicationFromWire(w contracts.Application) domain.Application {
	a := domain.Application{
		ID: w.ApplicationID, Number: w.Number, InsurerVOEN: w.InsurerVOEN, Type: domain.ApplicationType(w.Type),
		Reason: domain.Reason(w.Reason), Status: domain.Status(w.Status),
		Person:    PersonFromWire(w.Person, w.InsurerVOEN),
		CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt, CertificateDate: domain.Date(w.CertificateDate),
		RejectionReason: w.RejectionReason,
	}
	// The snapshot's certificate status is the one the person had when it was taken.
	for _, h := range w.History {
		a.History = append(a.History, domain.StatusChange{Status: domain.Status(h.Status), At: h.At, By: h.By, Reason: h.Reason})
	}
	if s := w.SignedBy; s != nil {
		at := time.Time{}
		if w.SignedAt != nil {
			at = *w.SignedAt
		}
		a.Signature = &domain.Signature{Role: domain.Role(s.Role), Method: domain.Method(s.Method), FIN: s.FIN,
			CardNumber: s.CardNumber, Phone: s.Phone, SessionID: s.SessionID, At: at}
	}
	return a
}

// ProfileToWire renders an insurer's read-only data (§4.1).
func ProfileToWire(i contracts.Insurer) contracts.InsurerProfile {
	return contracts.InsurerProfile{FullName: i.FullName, Type: i.Type, AccountNumber: i.AccountNumber,
		VOEN: i.VOEN, ResponsiblePerson: i.ResponsiblePerson, OfficeCode: i.OfficeCode, OfficeName: i.OfficeName}
}
