package notice

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/go-pdf/fpdf"
)

// The fast path.
//
// Even with small cut fonts, fpdf's UTF-8 font path costs about 2.5 ms per
// face and document whatever the text: each AddUTF8FontFromBytes JSON-encodes
// a 65,536-entry width table to derive a font id, and each output compresses a
// 128 KB CIDToGIDMap and subsets the font again. That caps a two-face notice
// near 200 documents/s.
//
// Notices whose every character is in the 8-bit encoding below (Latin with
// all Azerbaijani letters, Latin-1, and the usual punctuation: in practice
// every notice) therefore use fpdf's classic TrueType path instead: a font
// definition (widths of 256 codes) and an already compressed font file,
// both built once by NewRenderer, which fpdf copies into the document as
// they are. The encoding is WinAnsi with Differences naming the glyphs of
// the other codes (Gbreve, uni018F, ...), which is how pdftotext and viewers
// map codes back to Unicode. Any other notice falls back to the UTF-8 path.

// fastEncoding maps the byte codes of the 8-bit encoding to characters: the
// Windows-1254 (Turkish) code page, whose Latin-1 letters are those of
// Windows-1252 except Ğ ğ İ ı Ş ş, plus Ə ə № ₼ in codes Windows-1254
// leaves unused.
func fastEncoding() [256]rune {
	var enc [256]rune
	for c := 0x20; c < 0x7F; c++ {
		enc[c] = rune(c)
	}
	for c := 0xA1; c <= 0xFF; c++ {
		enc[c] = rune(c)
	}
	enc[0xAD] = 0 // soft hyphen: invisible, never printed
	for c, r := range map[int]rune{
		0x80: '€', 0x82: '‚', 0x84: '„', 0x85: '…', 0x89: '‰', 0x8B: '‹',
		0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–',
		0x97: '—', 0x99: '™', 0x9B: '›',
		0xD0: 'Ğ', 0xDD: 'İ', 0xDE: 'Ş', 0xF0: 'ğ', 0xFD: 'ı', 0xFE: 'ş',
		// Windows-1254 leaves these unused.
		0x81: 'Ə', 0x8D: 'ə', 0x8E: '№', 0x8F: '₼',
	} {
		enc[c] = r
	}
	return enc
}

// winAnsiHigh lists the characters of PDF's WinAnsiEncoding in 0x80-0x9F that
// differ from their code; other codes are Latin-1.
var winAnsiHigh = map[int]rune{
	0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†',
	0x87: '‡', 0x88: 'ˆ', 0x89: '‰', 0x8A: 'Š', 0x8B: '‹', 0x8C: 'Œ',
	0x8E: 'Ž', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•',
	0x96: '–', 0x97: '—', 0x98: '˜', 0x99: '™', 0x9A: 'š', 0x9B: '›',
	0x9C: 'œ', 0x9E: 'ž', 0x9F: 'Ÿ',
}

// glyphNames are the Adobe Glyph List names of the characters that the
// Differences array names; others are named uniXXXX.
var glyphNames = map[rune]string{
	'Ğ': "Gbreve", 'ğ': "gbreve", 'İ': "Idotaccent", 'ı': "dotlessi",
	'Ş': "Scedilla", 'ş': "scedilla",
}

func glyphName(r rune) string {
	if n, ok := glyphNames[r]; ok {
		return n
	}
	return fmt.Sprintf("uni%04X", r)
}

// fastFonts is the prepared fast path: both faces' definitions and files.
type fastFonts struct {
	code    map[rune]byte // character -> code
	regular fastFace
	bold    fastFace
}

type fastFace struct {
	def []byte // fpdf font definition (JSON)
	z   []byte // zlib-compressed font file
	cw  [256]int
}

// fontDef mirrors the JSON of fpdf's font definition files (makefont).
type fontDef struct {
	Tp           string
	Name         string
	Desc         fpdf.FontDescType
	Up           int
	Ut           int
	Cw           []int
	Enc          string
	Diff         string
	File         string
	Size1, Size2 int
	OriginalSize int
}

// newFastFonts builds the fast path from the two full faces. Characters of
// the encoding that a face lacks are left out of the fast set.
func newFastFonts(regularTTF, boldTTF []byte) (*fastFonts, error) {
	enc := fastEncoding()
	cover := map[rune]int{}
	for _, ttf := range [][]byte{regularTTF, boldTTF} {
		has, err := cmapLookup(ttf)
		if err != nil {
			return nil, err
		}
		for _, r := range enc {
			if r != 0 && has(r) {
				cover[r]++
			}
		}
	}
	ff := &fastFonts{code: map[rune]byte{}}
	var list strings.Builder
	for c, r := range enc {
		if r != 0 && cover[r] == 2 {
			ff.code[r] = byte(c)
			list.WriteRune(r)
		} else {
			enc[c] = 0
		}
	}
	for _, r := range "ƏəĞğIıİiÖöÜüÇçŞş?" {
		if _, ok := ff.code[r]; !ok {
			return nil, fmt.Errorf("notice: font has no glyph for %q", r)
		}
	}
	diff := differences(enc)
	var err error
	// The names carry a subset tag (six capitals and "+"), as PDF asks of
	// embedded font subsets.
	if ff.regular, err = newFastFace(regularTTF, list.String(), enc, diff, "DSMFAZ+DejaVuSans"); err != nil {
		return nil, err
	}
	if ff.bold, err = newFastFace(boldTTF, list.String(), enc, diff, "DSMFAZ+DejaVuSans-Bold"); err != nil {
		return nil, err
	}
	return ff, nil
}

// differences is the Differences array (without brackets) of enc against
// WinAnsiEncoding, in the format of fpdf's definition files.
func differences(enc [256]rune) string {
	var b strings.Builder
	last := -2
	for c := 32; c < 256; c++ {
		r := enc[c]
		if r == 0 {
			continue
		}
		ansi := rune(c)
		if w, ok := winAnsiHigh[c]; ok {
			ansi = w
		} else if c >= 0x80 && c < 0xA0 {
			ansi = -1
		}
		if r == ansi {
			continue
		}
		if c != last+1 {
			fmt.Fprintf(&b, "%d ", c)
		}
		fmt.Fprintf(&b, "/%s ", glyphName(r))
		last = c
	}
	return strings.TrimSpace(b.String())
}

func newFastFace(ttf []byte, chars string, enc [256]rune, diff, name string) (fastFace, error) {
	cut := fpdf.UTF8CutFont(ttf, chars)
	if len(cut) == 0 {
		return fastFace{}, errors.New("notice: cutting the font failed")
	}
	font, err := slimFont(cut)
	if err != nil {
		return fastFace{}, err
	}
	// Let fpdf measure the font (as its UTF-8 path does) for the descriptor
	// and the widths.
	probe := fpdf.New("P", "mm", "A4", "")
	probe.AddUTF8FontFromBytes("probe", "", font)
	probe.SetFont("probe", "", 10)
	if err := probe.Error(); err != nil {
		return fastFace{}, fmt.Errorf("notice: measuring the font: %w", err)
	}
	desc := probe.GetFontDesc("probe", "")
	if desc.Ascent == 0 {
		return fastFace{}, errors.New("notice: fpdf could not parse the cut font")
	}
	desc.Flags = fpdf.FontFlagNonsymbolic
	def := fontDef{
		Tp:           "TrueType",
		Name:         name,
		Desc:         desc,
		Cw:           make([]int, 256),
		Enc:          "az",
		Diff:         diff,
		File:         strings.ToLower(strings.ReplaceAll(name, "+", "-")) + ".z",
		OriginalSize: len(font),
	}
	def.Up, def.Ut = underline(font)
	for c, r := range enc {
		def.Cw[c] = desc.MissingWidth
		if r != 0 {
			def.Cw[c] = probe.GetStringSymbolWidth(string(r))
		}
	}
	js, err := json.Marshal(def)
	if err != nil {
		return fastFace{}, err
	}
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	if _, err := zw.Write(font); err != nil {
		return fastFace{}, err
	}
	if err := zw.Close(); err != nil {
		return fastFace{}, err
	}
	face := fastFace{def: js, z: z.Bytes()}
	copy(face.cw[:], def.Cw)
	return face, nil
}

// underline reads the underline position and thickness (in 1/1000 em) from
// the post and head tables.
func underline(ttf []byte) (pos, thick int) {
	tables, err := readTables(ttf)
	if err != nil || len(tables["post"]) < 12 || len(tables["head"]) < 20 {
		return -100, 50
	}
	upm := float64(binary.BigEndian.Uint16(tables["head"][18:]))
	if upm == 0 {
		return -100, 50
	}
	post := tables["post"]
	pos = int(float64(int16(binary.BigEndian.Uint16(post[8:]))) * 1000 / upm)
	thick = int(float64(int16(binary.BigEndian.Uint16(post[10:]))) * 1000 / upm)
	return pos, thick
}

// fits tells whether every character of s is in the fast encoding.
func (ff *fastFonts) fits(s string) bool {
	for _, r := range s {
		if _, ok := ff.code[r]; !ok {
			return false
		}
	}
	return true
}

// encode turns text made of fast characters into the 8-bit encoding.
func (ff *fastFonts) encode(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		c, ok := ff.code[r]
		if !ok {
			c = '?'
		}
		b = append(b, c)
	}
	return string(b)
}
