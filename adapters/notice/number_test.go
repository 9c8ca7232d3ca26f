package notice

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The application number prints whole: it is what a person quotes to DSMF.
func TestApplicationNumberPrintsWhole(t *testing.T) {
	t.Parallel()
	n := Example()
	n.App.Number = "SSC-9802091761-000123"
	text := pdfText(t, render(t, n))
	assert.True(t, strings.Contains(text, "SSC-9802091761-000123"), "number cut in:\n%s", text)
}
