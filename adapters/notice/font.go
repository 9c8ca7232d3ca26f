package notice

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
)

// The fonts of the UTF-8 fallback path (fast.go has the fast path).
//
// fpdf parses a TrueType font on every AddUTF8FontFromBytes call and, when
// the document is written, walks the whole font again to build the subset it
// embeds. DejaVu Sans has about 6,000 glyphs (750 KB). The parsed font lives
// in unexported fpdf fields and cannot be shared between documents, so
// NewRenderer cuts each face once (fpdf.UTF8CutFont) down to the characters
// a notice may contain: Latin with Azerbaijani, the Latin-1/Extended-A/B
// blocks, Cyrillic and common punctuation, and slims it (slimFont). Every
// other character is printed as '?': fpdf would panic on a character beyond
// the font's last one (its width table is indexed with it) and could not
// show it anyway.

// wantedRanges are the characters the cut fonts keep, where DejaVu has them.
var wantedRanges = [][2]rune{
	{0x0020, 0x007E}, // Basic Latin
	{0x00A0, 0x024F}, // Latin-1 Supplement, Latin Extended-A and -B (Ə U+018F)
	{0x0259, 0x0259}, // ə
	{0x02BB, 0x02BC}, // modifier letter apostrophes
	{0x0400, 0x04FF}, // Cyrillic
	{0x2010, 0x2027}, // dashes, quotes, bullet, ellipsis
	{0x2030, 0x2030}, // per mille
	{0x2039, 0x203A}, // single guillemets
	{0x20AC, 0x20AC}, // euro
	{0x20BC, 0x20BC}, // manat
	{0x2116, 0x2116}, // numero sign
}

// charset is the set of characters both cut faces can print.
type charset struct {
	set  map[rune]bool
	list string // the characters, in order, for fpdf.UTF8CutFont
}

func (c *charset) has(r rune) bool { return c.set[r] }

// What clean does with a character.
const (
	keep = iota
	space
	drop
	replace
)

// classify tells what clean does with r when has tells which characters the
// fonts can print.
func classify(r rune, has func(rune) bool) int {
	switch {
	case r == '\t' || r == '\n' || r == '\r' || r == 0x85 || r == 0xA0 || r == 0x2028 || r == 0x2029:
		return space
	case r == utf8.RuneError:
		return replace
	case r < 0x20 || (r >= 0x7F && r < 0xA0) || r == 0xAD || r == 0xFEFF || (r >= 0x200B && r <= 0x200F) || (r >= 0x202A && r <= 0x202E):
		// invisible control and formatting characters
		return drop
	case has(r):
		return keep
	}
	return replace
}

// maxRunes bounds every text: no field of a notice shows more than a few
// lines, and the layout's work stays bounded whatever the input.
const maxRunes = 1000

// clean replaces each character the fonts cannot print with '?', white
// space with a plain space, drops invisible characters, cuts the text at
// maxRunes characters and trims it.
func clean(s string, has func(rune) bool) string {
	ok := len(s) <= maxRunes
	for _, r := range s {
		if !ok || classify(r, has) != keep {
			ok = false
			break
		}
	}
	if ok {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	b.Grow(min(len(s), 4*maxRunes))
	n := 0
	for _, r := range s {
		if n++; n > maxRunes {
			break
		}
		switch classify(r, has) {
		case keep:
			b.WriteRune(r)
		case space:
			b.WriteByte(' ')
		case replace:
			b.WriteByte('?')
		}
	}
	return strings.TrimSpace(b.String())
}

// printable tells whether clean(s, has) keeps every visible character of s.
func printable(s string, has func(rune) bool) bool {
	for _, r := range s {
		if classify(r, has) == replace {
			return false
		}
	}
	return true
}

// newCharset keeps the wanted characters that every face maps to a glyph.
func newCharset(faces ...[]byte) (*charset, error) {
	maps := make([]func(rune) bool, len(faces))
	for i, ttf := range faces {
		m, err := cmapLookup(ttf)
		if err != nil {
			return nil, err
		}
		maps[i] = m
	}
	cs := &charset{set: map[rune]bool{}}
	var b strings.Builder
	for _, rg := range wantedRanges {
	next:
		for r := rg[0]; r <= rg[1]; r++ {
			for _, m := range maps {
				if !m(r) {
					continue next
				}
			}
			cs.set[r] = true
			b.WriteRune(r)
		}
	}
	cs.list = b.String()
	for _, r := range "ƏəĞğIıİiÖöÜüÇçŞş№?" {
		if !cs.set[r] {
			return nil, fmt.Errorf("notice: font has no glyph for %q", r)
		}
	}
	return cs, nil
}

// cutFont cuts a TrueType face down to the characters of cs.
func cutFont(ttf []byte, cs *charset) ([]byte, error) {
	out := fpdf.UTF8CutFont(ttf, cs.list)
	if len(out) == 0 {
		return nil, errors.New("notice: cutting the font failed")
	}
	return out, nil
}

// cmapLookup reads the Unicode BMP character map (platform 3 encoding 1 or
// platform 0, format 4: the one fpdf itself uses) of a TrueType font and
// returns a function telling whether a character has a glyph.
func cmapLookup(ttf []byte) (func(rune) bool, error) {
	bad := errors.New("notice: malformed TrueType font")
	u16 := func(p int) (int, bool) {
		if p < 0 || p+2 > len(ttf) {
			return 0, false
		}
		return int(binary.BigEndian.Uint16(ttf[p:])), true
	}
	u32 := func(p int) (int, bool) {
		if p < 0 || p+4 > len(ttf) {
			return 0, false
		}
		return int(binary.BigEndian.Uint32(ttf[p:])), true
	}
	numTables, ok := u16(4)
	if !ok {
		return nil, bad
	}
	cmap := -1
	for i := 0; i < numTables; i++ {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			return nil, bad
		}
		if string(ttf[rec:rec+4]) == "cmap" {
			cmap, _ = u32(rec + 8)
		}
	}
	if cmap < 0 {
		return nil, errors.New("notice: font has no cmap table")
	}
	n, ok := u16(cmap + 2)
	if !ok {
		return nil, bad
	}
	sub := -1
	for i := 0; i < n && sub < 0; i++ {
		rec := cmap + 4 + 8*i
		platform, ok1 := u16(rec)
		encoding, ok2 := u16(rec + 2)
		off, ok3 := u32(rec + 4)
		if !ok1 || !ok2 || !ok3 {
			return nil, bad
		}
		if (platform == 3 && encoding == 1) || platform == 0 {
			if f, ok := u16(cmap + off); ok && f == 4 {
				sub = cmap + off
			}
		}
	}
	if sub < 0 {
		return nil, errors.New("notice: font has no Unicode format 4 cmap")
	}
	segX2, ok := u16(sub + 6)
	if !ok {
		return nil, bad
	}
	ends := sub + 14
	starts := ends + segX2 + 2
	deltas := starts + segX2
	rangeOffs := deltas + segX2
	if rangeOffs+segX2 > len(ttf) {
		return nil, bad
	}
	return func(r rune) bool {
		if r < 0 || r > 0xFFFF {
			return false
		}
		c := int(r)
		for i := 0; i < segX2; i += 2 {
			end, _ := u16(ends + i)
			if c > end {
				continue
			}
			start, _ := u16(starts + i)
			if c < start {
				return false
			}
			delta, _ := u16(deltas + i)
			ro, _ := u16(rangeOffs + i)
			if ro == 0 {
				return (c+delta)&0xFFFF != 0
			}
			g, ok := u16(rangeOffs + i + ro + 2*(c-start))
			return ok && g != 0
		}
		return false
	}, nil
}

// slimFont rewrites a TrueType font (as cut by fpdf) into a smaller one for
// embedding: glyph hinting instructions and the tables that only serve them
// (fpgm, prep, cvt, gasp) are dropped, and the name table keeps only the
// copyright, family, style, full and PostScript names (DejaVu's carries its
// whole licence text, 15 KB). Hinting matters for screen rasterisation at
// small pixel sizes; PDF viewers render well without it.
func slimFont(ttf []byte) ([]byte, error) {
	tables, err := readTables(ttf)
	if err != nil {
		return nil, err
	}
	for _, tag := range []string{"head", "maxp", "loca", "glyf", "name", "hhea", "hmtx", "cmap", "post"} {
		if tables[tag] == nil {
			return nil, fmt.Errorf("notice: font has no %s table", tag)
		}
	}
	head := append([]byte(nil), tables["head"]...)
	maxp := tables["maxp"]
	if len(head) < 54 || len(maxp) < 6 {
		return nil, errors.New("notice: malformed head or maxp table")
	}
	longLoca := binary.BigEndian.Uint16(head[50:]) == 1
	numGlyphs := int(binary.BigEndian.Uint16(maxp[4:]))
	loca, glyf := tables["loca"], tables["glyf"]
	offset := func(i int) (int, error) {
		if longLoca {
			if 4*i+4 > len(loca) {
				return 0, errors.New("notice: malformed loca table")
			}
			return int(binary.BigEndian.Uint32(loca[4*i:])), nil
		}
		if 2*i+2 > len(loca) {
			return 0, errors.New("notice: malformed loca table")
		}
		return 2 * int(binary.BigEndian.Uint16(loca[2*i:])), nil
	}
	newGlyf := make([]byte, 0, len(glyf))
	newLoca := make([]byte, 0, 4*(numGlyphs+1))
	for i := 0; i < numGlyphs; i++ {
		start, err := offset(i)
		if err != nil {
			return nil, err
		}
		end, err := offset(i + 1)
		if err != nil {
			return nil, err
		}
		if start > end || end > len(glyf) {
			return nil, errors.New("notice: malformed glyph offsets")
		}
		newLoca = binary.BigEndian.AppendUint32(newLoca, uint32(len(newGlyf)))
		g, err := stripInstructions(glyf[start:end])
		if err != nil {
			return nil, fmt.Errorf("notice: glyph %d: %w", i, err)
		}
		newGlyf = append(newGlyf, g...)
		for len(newGlyf)%4 != 0 {
			newGlyf = append(newGlyf, 0)
		}
	}
	newLoca = binary.BigEndian.AppendUint32(newLoca, uint32(len(newGlyf)))
	binary.BigEndian.PutUint16(head[50:], 1) // long loca
	binary.BigEndian.PutUint32(head[8:], 0)  // checkSumAdjustment, set below
	name, err := slimNames(tables["name"])
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{
		"head": head, "maxp": maxp, "loca": newLoca, "glyf": newGlyf, "name": name,
		"hhea": tables["hhea"], "hmtx": tables["hmtx"], "cmap": tables["cmap"], "post": tables["post"],
	}
	if os2 := tables["OS/2"]; os2 != nil {
		out["OS/2"] = os2
	}
	font := writeTables(out)
	// The directory is written in tag order, so head's offset is known.
	headAt := -1
	n := int(binary.BigEndian.Uint16(font[4:]))
	for i := 0; i < n; i++ {
		if string(font[12+16*i:16+16*i]) == "head" {
			headAt = int(binary.BigEndian.Uint32(font[12+16*i+8:]))
		}
	}
	binary.BigEndian.PutUint32(font[headAt+8:], 0xB1B0AFBA-checksum(font))
	return font, nil
}

// stripInstructions returns a glyph without its hinting instructions.
func stripInstructions(g []byte) ([]byte, error) {
	if len(g) == 0 {
		return nil, nil
	}
	if len(g) < 10 {
		return nil, errors.New("short glyph")
	}
	contours := int(int16(binary.BigEndian.Uint16(g)))
	if contours >= 0 {
		at := 10 + 2*contours
		if at+2 > len(g) {
			return nil, errors.New("short simple glyph")
		}
		n := int(binary.BigEndian.Uint16(g[at:]))
		if at+2+n > len(g) {
			return nil, errors.New("instructions overrun")
		}
		out := make([]byte, 0, len(g)-n)
		out = append(out, g[:at]...)
		out = append(out, 0, 0)
		return append(out, g[at+2+n:]...), nil
	}
	// Composite glyph: walk the components; instructions follow the last
	// one when its WE_HAVE_INSTRUCTIONS flag is set.
	const (
		argsAreWords     = 0x0001
		haveScale        = 0x0008
		moreComponents   = 0x0020
		haveXYScale      = 0x0040
		haveTwoByTwo     = 0x0080
		haveInstructions = 0x0100
	)
	out := append([]byte(nil), g...)
	at := 10
	for {
		if at+4 > len(out) {
			return nil, errors.New("short composite glyph")
		}
		flags := binary.BigEndian.Uint16(out[at:])
		if flags&haveInstructions != 0 {
			binary.BigEndian.PutUint16(out[at:], flags&^haveInstructions)
		}
		at += 4
		if flags&argsAreWords != 0 {
			at += 4
		} else {
			at += 2
		}
		switch {
		case flags&haveScale != 0:
			at += 2
		case flags&haveXYScale != 0:
			at += 4
		case flags&haveTwoByTwo != 0:
			at += 8
		}
		if flags&moreComponents == 0 {
			break
		}
	}
	if at > len(out) {
		return nil, errors.New("short composite glyph")
	}
	return out[:at], nil
}

// slimNames keeps the Windows English copyright (0), family (1), style (2),
// full (4) and PostScript (6) names.
func slimNames(name []byte) ([]byte, error) {
	if len(name) < 6 {
		return nil, errors.New("notice: malformed name table")
	}
	count := int(binary.BigEndian.Uint16(name[2:]))
	storage := int(binary.BigEndian.Uint16(name[4:]))
	type rec struct {
		id   uint16
		text []byte
	}
	var keep []rec
	for i := 0; i < count; i++ {
		r := 6 + 12*i
		if r+12 > len(name) {
			return nil, errors.New("notice: malformed name table")
		}
		platform := binary.BigEndian.Uint16(name[r:])
		encoding := binary.BigEndian.Uint16(name[r+2:])
		lang := binary.BigEndian.Uint16(name[r+4:])
		id := binary.BigEndian.Uint16(name[r+6:])
		length := int(binary.BigEndian.Uint16(name[r+8:]))
		off := storage + int(binary.BigEndian.Uint16(name[r+10:]))
		if platform != 3 || encoding != 1 || lang != 0x409 {
			continue
		}
		if id != 0 && id != 1 && id != 2 && id != 4 && id != 6 {
			continue
		}
		if off+length > len(name) {
			return nil, errors.New("notice: malformed name table")
		}
		keep = append(keep, rec{id, name[off : off+length]})
	}
	var out []byte
	out = binary.BigEndian.AppendUint16(out, 0)
	out = binary.BigEndian.AppendUint16(out, uint16(len(keep)))
	out = binary.BigEndian.AppendUint16(out, uint16(6+12*len(keep)))
	var strs []byte
	for _, k := range keep { // records are already sorted by platform, encoding, language, id
		out = binary.BigEndian.AppendUint16(out, 3)
		out = binary.BigEndian.AppendUint16(out, 1)
		out = binary.BigEndian.AppendUint16(out, 0x409)
		out = binary.BigEndian.AppendUint16(out, k.id)
		out = binary.BigEndian.AppendUint16(out, uint16(len(k.text)))
		out = binary.BigEndian.AppendUint16(out, uint16(len(strs)))
		strs = append(strs, k.text...)
	}
	return append(out, strs...), nil
}

// readTables returns the tables of a TrueType font by tag.
func readTables(ttf []byte) (map[string][]byte, error) {
	if len(ttf) < 12 {
		return nil, errors.New("notice: malformed TrueType font")
	}
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	tables := make(map[string][]byte, n)
	for i := 0; i < n; i++ {
		r := 12 + 16*i
		if r+16 > len(ttf) {
			return nil, errors.New("notice: malformed TrueType font")
		}
		off := int(binary.BigEndian.Uint32(ttf[r+8:]))
		length := int(binary.BigEndian.Uint32(ttf[r+12:]))
		if off < 0 || length < 0 || off+length > len(ttf) {
			return nil, errors.New("notice: malformed TrueType table directory")
		}
		tables[string(ttf[r:r+4])] = ttf[off : off+length]
	}
	return tables, nil
}

// writeTables assembles a TrueType font from its tables.
func writeTables(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	n := len(tags)
	pow, log := 1, 0
	for pow*2 <= n {
		pow *= 2
		log++
	}
	var out []byte
	out = binary.BigEndian.AppendUint32(out, 0x00010000)
	out = binary.BigEndian.AppendUint16(out, uint16(n))
	out = binary.BigEndian.AppendUint16(out, uint16(16*pow))
	out = binary.BigEndian.AppendUint16(out, uint16(log))
	out = binary.BigEndian.AppendUint16(out, uint16(16*n-16*pow))
	off := 12 + 16*n
	for _, t := range tags {
		data := tables[t]
		out = append(out, t...)
		out = binary.BigEndian.AppendUint32(out, checksum(data))
		out = binary.BigEndian.AppendUint32(out, uint32(off))
		out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
		off += (len(data) + 3) &^ 3
	}
	for _, t := range tags {
		out = append(out, tables[t]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out
}

// checksum is the TrueType table checksum.
func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
