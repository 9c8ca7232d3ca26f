// Package demodata is the demo data set: the manual's own example insurer, a
// second insurer, a few employees with identity documents, and the signers of
// the walk-through. The service loads it into empty reference topics; dsmfctl
// and testkit address it. It imports only the contract, so the command-line
// tool does not link the server to know a VÖEN.
package demodata

import (
	"time"

	"github.com/dsmf/ssc-adapter/contracts"
)

// The demo insurers.
var (
	Insurer = contracts.Insurer{
		VOEN: "9802091761", AccountNumber: "9819854215",
		FullName: `"MƏKTƏBİ QURUP" MƏDƏNİYYƏT MƏRKƏZİ`, Type: contracts.InsurerLegalEntity,
		ResponsiblePerson: "SƏMİR QƏLƏYEV NƏZƏR QƏLƏYEV",
		OfficeCode:        "188", OfficeName: "Bakı şəhəri üzrə hüquqi şəxslərlə iş",
	}
	OtherInsurer = contracts.Insurer{
		VOEN: "1700345672", AccountNumber: "1719283746",
		FullName: `"XƏZƏR İNŞAAT" MMC`, Type: contracts.InsurerLegalEntity,
		ResponsiblePerson: "ELÇİN MƏMMƏDOV RAMİZ OĞLU",
		OfficeCode:        "101", OfficeName: "Nəsimi rayon şöbəsi",
	}
)

// Employee is an insured person with an identity document.
type Employee struct {
	Insured  contracts.InsuredPerson
	Document contracts.IdentityDocument
}

func employee(voen, ssn, ssnDate, fin, docType, number, surname, name, patronymic, gender, citizenship, place, born, authority, issued, until string) Employee {
	return Employee{
		Insured: contracts.InsuredPerson{SSN: ssn, FIN: fin, SSNDate: ssnDate,
			CertificateStatus: contracts.CertificateActive, InsurerVOEN: voen},
		Document: contracts.IdentityDocument{FIN: fin, DocumentType: docType, DocumentNumber: number,
			Surname: surname, Name: name, Patronymic: patronymic, Gender: gender, Citizenship: citizenship,
			BirthPlace: place, BirthDate: born, IssuingAuthority: authority, IssueDate: issued, ValidUntil: until},
	}
}

// Employees are the demo insured persons; the first is the walk-through's.
var Employees = []Employee{
	employee("9802091761", "1200019850314", "2005-09-01", "5ZK8T3B", contracts.DocumentIDCard, "AA1234567",
		"ƏLİYEVA", "ŞƏHLA", "VÜQAR QIZI", contracts.GenderFemale, "Azərbaycan", "Bakı şəhəri", "1985-03-14",
		"ASAN xidmət №1", "2019-05-20", "2029-05-20"),
	employee("9802091761", "1200019900721", "2010-02-15", "6GH2K9P", contracts.DocumentIDCard, "AA7654321",
		"MƏMMƏDOV", "ÜLVİ", "ÇİNGİZ OĞLU", contracts.GenderMale, "Azərbaycan", "Gəncə şəhəri", "1990-07-21",
		"DİN Gəncə ŞPŞ", "2021-11-03", "2031-11-03"),
	employee("9802091761", "1200019781102", "2012-06-30", "7MN4Q2R", contracts.DocumentMigration, "MH0012345",
		"ÖZTÜRK", "ÖMƏR", "İSMAYIL OĞLU", contracts.GenderMale, "Türkiyə", "İzmir", "1978-11-02",
		"Dövlət Miqrasiya Xidməti", "2023-01-10", "2027-01-10"),
	employee("9802091761", "1200019650505", "2001-03-01", "3TT7W8X", contracts.DocumentIDCard, "AZE0099887",
		"HÜSEYNOVA", "GÜLNARƏ", "ŞAHİN QIZI", contracts.GenderFemale, "Azərbaycan", "Şəki şəhəri", "1965-05-05",
		"DİN Şəki", "2010-04-01", "2020-04-01"), // document no longer valid
	employee("1700345672", "1200019880808", "2008-10-10", "9PL5ZX2", contracts.DocumentIDCard, "AA5556667",
		"HƏSƏNOV", "İLQAR", "ƏLİ OĞLU", contracts.GenderMale, "Azərbaycan", "Sumqayıt şəhəri", "1988-08-08",
		"ASAN xidmət №3", "2020-02-02", "2030-02-02"),
}

// The demo signers: the director holds the stamp; the deputy gets a grant in
// the walk-through.
const (
	DirectorFIN  = "2DRC7TR"
	DirectorCard = "RYTN00481516"
	DeputyFIN    = "4DPT9UY"
	DeputyPhone  = "+994501234567"
	DeputyUserID = "204761"
)

// Records returns the demo reference records, stamped at.
func Records(at time.Time) (insurers []contracts.Insurer, insured []contracts.InsuredPerson, docs []contracts.IdentityDocument) {
	for _, i := range []contracts.Insurer{Insurer, OtherInsurer} {
		i.UpdatedAt = at
		insurers = append(insurers, i)
	}
	for _, e := range Employees {
		e.Insured.UpdatedAt, e.Document.UpdatedAt = at, at
		insured = append(insured, e.Insured)
		docs = append(docs, e.Document)
	}
	return insurers, insured, docs
}
