package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dsmf/ssc-adapter/domain"
)

func TestLookupPerson(t *testing.T) {
	t.Parallel()
	query := domain.LookupQuery{DocumentType: domain.DocumentIDCard, FIN: personFIN, SSN: personSSN, InsurerVOEN: insurer}
	p := person()
	doc, ins := p.Document, p.Insured

	migration := doc
	migration.Type = domain.DocumentMigration
	migrationQuery := query
	migrationQuery.DocumentType = domain.DocumentMigration
	docOfOther := doc
	docOfOther.FIN = "1AA2BB3"
	ssnOfOther := ins
	ssnOfOther.FIN = "1AA2BB3"
	insuredElsewhere := ins
	insuredElsewhere.InsurerVOEN = otherVOEN
	expired := doc
	expired.ValidUntil = yesterday
	lastDay := doc
	lastDay.ValidUntil = today
	noExpiry := doc
	noExpiry.ValidUntil = ""

	with := func(f func(*domain.LookupQuery)) domain.LookupQuery {
		q := query
		f(&q)
		return q
	}
	cases := []struct {
		name string
		q    domain.LookupQuery
		doc  *domain.IdentityDocument
		ins  *domain.InsuredPerson
		want error
	}{
		{"ID card found", query, &doc, &ins, nil},
		{"migration document found", migrationQuery, &migration, &ins, nil},
		{"document valid until today", query, &lastDay, &ins, nil},
		{"document without an end date", query, &noExpiry, &ins, nil},
		{"unknown document type", with(func(q *domain.LookupQuery) { q.DocumentType = "passport" }), &doc, &ins, domain.ErrInvalidOption},
		{"no document type", with(func(q *domain.LookupQuery) { q.DocumentType = "" }), &doc, &ins, domain.ErrInvalidOption},
		{"lower-case FIN", with(func(q *domain.LookupQuery) { q.FIN = "4qw7e2r" }), &doc, &ins, domain.ErrInvalidFIN},
		{"short FIN", with(func(q *domain.LookupQuery) { q.FIN = "4QW7E2" }), nil, nil, domain.ErrInvalidFIN},
		{"SSN of 12 digits", with(func(q *domain.LookupQuery) { q.SSN = "123456789012" }), &doc, &ins, domain.ErrInvalidSSN},
		{"SSN with a letter", with(func(q *domain.LookupQuery) { q.SSN = "12345678901X3" }), nil, nil, domain.ErrInvalidSSN},
		{"no document in the register", query, nil, &ins, domain.ErrDocumentNotFound},
		{"ID card asked, migration document held", query, &migration, &ins, domain.ErrDocumentNotFound},
		{"migration document asked, ID card held", migrationQuery, &doc, &ins, domain.ErrDocumentNotFound},
		{"document of another FIN", query, &docOfOther, &ins, domain.ErrDocumentNotFound},
		{"no insurance record for the SSN", query, &doc, nil, domain.ErrSSNMismatch},
		{"SSN belongs to another FIN", query, &doc, &ssnOfOther, domain.ErrSSNMismatch},
		{"person insured by another insurer", query, &doc, &insuredElsewhere, domain.ErrNotInsuredHere},
		{"query made for another insurer", with(func(q *domain.LookupQuery) { q.InsurerVOEN = otherVOEN }), &doc, &ins, domain.ErrNotInsuredHere},
		{"document expired yesterday", query, &expired, &ins, domain.ErrDocumentExpired},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := domain.LookupPerson(c.q, c.doc, c.ins, today)
			requireCode(t, err, c.want)
			if c.want != nil {
				assert.Equal(t, domain.Person{}, got, "a refused search shows nothing")
				return
			}
			assert.Equal(t, *c.doc, got.Document)
			assert.Equal(t, *c.ins, got.Insured)
		})
	}
}

func TestLookupPersonShowsWhatAXTARDisplays(t *testing.T) {
	t.Parallel()
	p := person()
	p.Document.Gender, p.Document.Citizenship, p.Document.BirthPlace, p.Document.IssuingAuthority = "kişi", "Azərbaycan", "Bakı", "DİN"
	q := domain.LookupQuery{DocumentType: domain.DocumentIDCard, FIN: personFIN, SSN: personSSN, InsurerVOEN: insurer}
	got, err := domain.LookupPerson(q, &p.Document, &p.Insured, today)
	requireCode(t, err, nil)
	d := got.Document
	assert.Equal(t, "QƏLƏYEV", d.Surname)
	assert.Equal(t, "SƏMİR", d.Name)
	assert.Equal(t, "NƏZƏR", d.Patronymic)
	assert.Equal(t, "kişi", d.Gender)
	assert.Equal(t, "Azərbaycan", d.Citizenship)
	assert.Equal(t, "Bakı", d.BirthPlace)
	assert.Equal(t, domain.Date("1985-06-01"), d.BirthDate)
	assert.Equal(t, "DİN", d.IssuingAuthority)
	assert.Equal(t, domain.Date("2020-01-15"), d.IssueDate)
	assert.Equal(t, personSSN, got.Insured.SSN)
	assert.Equal(t, domain.CertificateActive, got.Insured.CertificateStatus)
}
