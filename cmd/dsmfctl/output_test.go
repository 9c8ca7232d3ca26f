package main

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestPrettyJSON(t *testing.T) {
	t.Parallel()
	data := []byte(`{"a":"x\"y: z","n":-1.5e3,"ok":true,"none":null,"list":["ŞƏHLA",2,false],"nested":{"k":"v"}}`)
	plain := prettyJSON(data, false)
	coloured := prettyJSON(data, true)
	assert.Equal(t, plain, ansi.ReplaceAllString(coloured, ""), "colours only add escapes")
	assert.Contains(t, coloured, ansiBlue+`"k"`+ansiReset+": "+ansiGreen+`"v"`+ansiReset)
	assert.Contains(t, coloured, ansiBlue+`"a"`+ansiReset+": "+ansiGreen+`"x`, "a string with an escape is a string")
	assert.Contains(t, coloured, ansiYellow+"-1.5e3"+ansiReset)
	assert.Contains(t, coloured, ansiCyan+"true"+ansiReset)
	assert.Equal(t, "not json", prettyJSON([]byte("not json"), true))
}

func TestHelpers(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "1,234,567", group(1234567))
	assert.Equal(t, "999", group(999))
	assert.Equal(t, "-1,000", group(-1000))
	assert.Equal(t, "1 record", plural(1, "record"))
	assert.Equal(t, "12,000 records", plural(12000, "record"))
	assert.Equal(t, "ŞƏH…", shorten("ŞƏHLA", 4))
	assert.Equal(t, "ŞƏHLA", shorten("ŞƏHLA", 5))
}
