package contracts

import "bytes"

// maxFastNames bounds the names of one object the fast path compares pair by
// pair; an object with more goes to the full check (which uses a map), so a
// hostile object of many names costs no quadratic time.
const maxFastNames = 64

// mayRepeatName is duplicateName's fast path, without allocating for most
// commands: false means no object in data repeats a member name. It
// compares names as written, so a name with an escape or a non-ASCII byte
// sends the document to the full check (true), as does anything it does not
// expect. data is one
// valid JSON document.
func mayRepeatName(data []byte) bool {
	var open []int     // per open container: where its names start in names, or -1 for an array
	var names [][]byte // the names of the open objects, innermost last
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '{':
			open = append(open, len(names))
		case '[':
			open = append(open, -1)
		case '}', ']':
			if len(open) == 0 {
				return true
			}
			if start := open[len(open)-1]; start >= 0 {
				names = names[:start]
			}
			open = open[:len(open)-1]
		case '"':
			j, escaped := i+1, false
			for ; j < len(data) && data[j] != '"'; j++ {
				switch {
				case data[j] == '\\':
					escaped = true
					j++
				case data[j] >= 0x80: // maybe invalid UTF-8, which decoders replace
					escaped = true
				}
			}
			if j >= len(data) {
				return true
			}
			name := data[i+1 : j]
			i = j
			k := j + 1
			for k < len(data) && (data[k] == ' ' || data[k] == '\t' || data[k] == '\n' || data[k] == '\r') {
				k++
			}
			if k == len(data) || data[k] != ':' {
				continue // a value, not a name
			}
			if len(open) == 0 || escaped {
				return true
			}
			start := open[len(open)-1]
			if start < 0 || len(names)-start >= maxFastNames {
				return true
			}
			for _, n := range names[start:] {
				if bytes.Equal(n, name) {
					return true
				}
			}
			names = append(names, name)
		}
	}
	return false
}
