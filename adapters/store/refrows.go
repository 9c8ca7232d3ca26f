package store

import (
	"strings"

	"github.com/dsmf/ssc-adapter/contracts"
)

// Reference records as rows (row.go): the key first, inline, so that the
// row's first field is its key; values that repeat across records shared.

// writer starts a row in the transaction's scratch buffer.
func (t *tx) writer() rowWriter {
	return rowWriter{b: t.buf[:0], sh: t.sh, t: t.strs}
}

// done returns the row and keeps the buffer for the next one.
func (t *tx) done(w rowWriter) string {
	t.buf = w.b
	return w.string()
}

// share returns the table's copy of s, so that equal strings kept in
// structs share their bytes; a copy of its own when the table is full (s
// may alias a record).
func (t *tx) share(s string) string {
	if id, ok := t.sh.id(t.strs, s); ok {
		return t.strs.at(id)
	}
	return strings.Clone(s)
}

func (t *tx) insurerRow(v *contracts.Insurer) string {
	w := t.writer()
	w.str(v.VOEN)
	w.str(v.AccountNumber)
	w.str(v.FullName)
	w.shared(v.Type)
	w.str(v.ResponsiblePerson)
	w.shared(v.OfficeCode)
	w.shared(v.OfficeName)
	w.time(v.UpdatedAt)
	return t.done(w)
}

func readInsurer(row string, tab strs) contracts.Insurer {
	r := rowReader{s: row, t: tab}
	return contracts.Insurer{VOEN: r.str(), AccountNumber: r.str(), FullName: r.str(), Type: r.str(),
		ResponsiblePerson: r.str(), OfficeCode: r.str(), OfficeName: r.str(), UpdatedAt: r.time()}
}

func (t *tx) insuredRow(v *contracts.InsuredPerson) string {
	w := t.writer()
	w.str(v.SSN)
	w.str(v.FIN)
	w.str(v.SSNDate)
	w.shared(v.CertificateStatus)
	w.str(v.InsurerVOEN) // inline: a hundred thousand insurers, each a look-up that missed the cache
	w.time(v.UpdatedAt)
	return t.done(w)
}

func readInsured(row string, tab strs) contracts.InsuredPerson {
	r := rowReader{s: row, t: tab}
	return contracts.InsuredPerson{SSN: r.str(), FIN: r.str(), SSNDate: r.str(), CertificateStatus: r.str(),
		InsurerVOEN: r.str(), UpdatedAt: r.time()}
}

func (t *tx) documentRow(v *contracts.IdentityDocument) string {
	w := t.writer()
	w.str(v.FIN)
	w.shared(v.DocumentType)
	w.str(v.DocumentNumber)
	w.shared(v.Surname)
	w.shared(v.Name)
	w.shared(v.Patronymic)
	w.shared(v.Gender)
	w.shared(v.Citizenship)
	w.shared(v.BirthPlace)
	w.str(v.BirthDate) // dates inline: too many to share cheaply
	w.shared(v.IssuingAuthority)
	w.str(v.IssueDate)
	w.str(v.ValidUntil)
	w.time(v.UpdatedAt)
	return t.done(w)
}

func readDocument(row string, tab strs) contracts.IdentityDocument {
	r := rowReader{s: row, t: tab}
	return contracts.IdentityDocument{FIN: r.str(), DocumentType: r.str(), DocumentNumber: r.str(),
		Surname: r.str(), Name: r.str(), Patronymic: r.str(), Gender: r.str(), Citizenship: r.str(),
		BirthPlace: r.str(), BirthDate: r.str(), IssuingAuthority: r.str(), IssueDate: r.str(),
		ValidUntil: r.str(), UpdatedAt: r.time()}
}

// setRow stores a row under its key (its first field).
func (t *tx) setRow(m table, row string) table {
	key, _ := keyField(row)
	return m.Set(t.w, key, row)
}

// rowKey is a row's key, its first field.
func rowKey(row string) string {
	key, _ := keyField(row)
	return key
}

// keyField is a row's first field (its key, always inline) with its
// encoding.
func keyField(row string) (key, field string) {
	r := rowReader{s: row}
	key = r.str()
	return key, row[:r.i]
}
