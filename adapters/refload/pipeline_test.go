package refload_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/adapters/refload"
)

// rowsOf reads every row with the given number of workers.
func rowsOf(t *testing.T, text string, workers int) []refload.Row {
	t.Helper()
	r, err := refload.NewReader(strings.NewReader(text), refload.InsuredPersons, refload.CSV,
		refload.Options{Now: func() time.Time { return loadTime }, Workers: workers})
	require.NoError(t, err)
	var rows []refload.Row
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return rows
		}
		require.NoError(t, err)
		rows = append(rows, row)
	}
}

// TestWorkersKeepFileOrder reads thousands of rows, some bad, with workers
// and without: the same rows come out in the same order.
func TestWorkersKeepFileOrder(t *testing.T) {
	t.Parallel()
	var sb strings.Builder
	sb.WriteString("ssn,fin,ssnDate,certificateStatus,insurerVoen\n")
	for i := range 5000 {
		ssn := fmt.Sprintf("%013d", i)
		if i%777 == 0 {
			ssn = "short"
		}
		fmt.Fprintf(&sb, "%s,X%06d,2005-09-01,active,9802091761\n", ssn, i)
	}
	one := rowsOf(t, sb.String(), 1)
	many := rowsOf(t, sb.String(), 4)
	require.Len(t, one, 5000)
	assert.Equal(t, one, many)
	bad := 0
	for i, r := range many {
		assert.Equal(t, i+2, r.Line)
		if !r.OK() {
			bad++
		}
	}
	assert.Equal(t, 7, bad)
}

// TestCloseEarly leaves a reader in the middle of a file.
func TestCloseEarly(t *testing.T) {
	t.Parallel()
	var sb strings.Builder
	sb.WriteString("ssn,fin,ssnDate,certificateStatus,insurerVoen\n")
	for i := range 20000 {
		fmt.Fprintf(&sb, "%013d,X%06d,2005-09-01,active,9802091761\n", i, i)
	}
	r, err := refload.NewReader(strings.NewReader(sb.String()), refload.InsuredPersons, refload.CSV, refload.Options{Workers: 2})
	require.NoError(t, err)
	for range 10 {
		row, err := r.Next()
		require.NoError(t, err)
		require.True(t, row.OK())
	}
	r.Close()
	r.Close()
}
