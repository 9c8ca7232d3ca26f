package refload_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/adapters/refload"
	"github.com/dsmf/ssc-adapter/domain"
)

// A FIN with the letter I or O is never issued, so the loader refuses it as
// the domain and the schema do, in both kinds of record that hold a FIN.
func TestFINWithLetterIOrOIsRefused(t *testing.T) {
	t.Parallel()
	persons := readAll(t, refload.InsuredPersons, refload.CSV, "ssn,fin,ssnDate,certificateStatus,insurerVoen\n"+
		"1200019850314,7QLO4CD,2005-09-01,active,9802091761\n"+
		"1200019850315,5ZK8T3I,2005-09-01,active,9802091761\n"+
		"1200019850316,7QL04CD,2005-09-01,active,9802091761\n")
	require.Len(t, persons, 3)
	assert.Equal(t, []string{
		"line 2: fin: must be 7 digits and Latin capitals other than I and O (FIN)",
		"line 3: fin: must be 7 digits and Latin capitals other than I and O (FIN)",
	}, problems(persons))
	assert.ErrorIs(t, persons[0].Errors[0], domain.ErrInvalidFIN)
	assert.True(t, persons[2].OK(), "the digit 0 where the letter O would be is a valid FIN")

	docs := readAll(t, refload.IdentityDocuments, refload.JSONL,
		`{"fin":"7QLO4CD","documentType":"din-id-card","documentNumber":"AA1234567","surname":"A","name":"B","patronymic":"C",`+
			`"gender":"female","citizenship":"Azərbaycan","birthPlace":"Bakı","birthDate":"1985-04-19","issuingAuthority":"X",`+
			`"issueDate":"2021-06-15","validUntil":"2031-06-15"}`+"\n")
	require.Len(t, docs, 1)
	assert.Equal(t, []string{"line 1: fin: must be 7 digits and Latin capitals other than I and O (FIN)"}, problems(docs))
}
