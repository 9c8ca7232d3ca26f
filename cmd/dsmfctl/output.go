package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/tidwall/pretty"
)

// ANSI colours, used only when a person watches the output.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiBlue   = "\x1b[34m"
	ansiCyan   = "\x1b[36m"
	ansiGrey   = "\x1b[90m"
)

// painter colours text when enabled.
type painter bool

func (p painter) paint(colour, s string) string {
	if !p || s == "" {
		return s
	}
	return colour + s + ansiReset
}

// jsonStyle paints keys blue, strings green, numbers yellow and true, false
// and null cyan.
var jsonStyle = &pretty.Style{
	Key: [2]string{ansiBlue, ansiReset}, String: [2]string{ansiGreen, ansiReset},
	Number: [2]string{ansiYellow, ansiReset}, True: [2]string{ansiCyan, ansiReset},
	False: [2]string{ansiCyan, ansiReset}, Null: [2]string{ansiCyan, ansiReset},
}

// prettyJSON indents a JSON document and, with colour, paints it
// (jsonStyle). Anything that is not JSON is returned as it is.
func prettyJSON(data []byte, colour bool) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, data, "", "  "); err != nil {
		return string(data)
	}
	if !colour {
		return buf.String()
	}
	return string(pretty.Color(buf.Bytes(), jsonStyle))
}

// compactJSON removes insignificant space; anything not JSON is returned as
// it is.
func compactJSON(data []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		return data
	}
	return buf.Bytes()
}

// shorten cuts s to at most n runes, marking the cut with "…".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// writeJSONLine writes v as one line of JSON, without escaping <, > and &.
func writeJSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}
