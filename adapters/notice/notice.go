// Package notice renders the notice (bildiriş) of an application for the
// replacement or a duplicate of a state social insurance certificate: a
// one-page A4 PDF in Azerbaijani with small English subtitles.
//
// Fonts: DejaVu Sans and DejaVu Sans Bold, prepared once by NewRenderer.
// A notice whose text fits an 8-bit encoding (Latin with every Azerbaijani
// letter and Latin-1: in practice every notice) uses pre-built simple
// TrueType fonts that fpdf copies as they are (fast.go); any other notice
// uses fpdf's UTF-8 fonts, cut to Latin, Cyrillic and punctuation (font.go).
// Either way every Azerbaijani letter prints and can be extracted as text;
// a character neither path can print is shown as '?'.
//
// Output is deterministic: the PDF's dates come from Notice.IssuedAt and the
// resource catalogs are sorted, so the same Notice always gives the same
// bytes. Measured speed and size are in README.md.
package notice

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"github.com/go-pdf/fpdf"
)

// Notice is what one notice shows; it is declared with the contract, so the
// handlers name it without depending on this package.
type Notice = contracts.Notice

// Renderer renders notices. It is safe for concurrent use: it holds only the
// cut fonts, prepared once by NewRenderer.
type Renderer struct {
	fast *fastFonts // the 8-bit fast path, used when a notice fits it
	// The UTF-8 fallback: cut and slimmed faces and their characters.
	regular, bold []byte
	chars         *charset
}

// NewRenderer prepares the fonts and checks that a notice renders.
func NewRenderer() (*Renderer, error) {
	cs, err := newCharset(dejavusans.TTF, dejavusansbold.TTF)
	if err != nil {
		return nil, err
	}
	r := &Renderer{chars: cs}
	if r.regular, err = cutFont(dejavusans.TTF, cs); err != nil {
		return nil, err
	}
	if r.bold, err = cutFont(dejavusansbold.TTF, cs); err != nil {
		return nil, err
	}
	if r.regular, err = slimFont(r.regular); err != nil {
		return nil, err
	}
	if r.bold, err = slimFont(r.bold); err != nil {
		return nil, err
	}
	if r.fast, err = newFastFonts(dejavusans.TTF, dejavusansbold.TTF); err != nil {
		return nil, err
	}
	// fpdf only prints (and does not report) a font it cannot parse: make
	// sure the cut fonts work now rather than on the first real notice.
	probe := Notice{
		App: contracts.Application{
			Number: "SSC-0000-000000",
			Person: contracts.Person{Surname: "ƏĞİÖÜÇŞ əğıöüçş"},
			Status: contracts.StatusSubmitted,
		},
		Version:  1,
		IssuedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for _, fast := range []bool{true, false} {
		pdf, err := r.render(probe, fast)
		if err != nil {
			return nil, fmt.Errorf("notice: probe render: %w", err)
		}
		if !bytes.Contains(pdf, []byte("/FontFile2")) {
			return nil, errors.New("notice: probe render embedded no font")
		}
	}
	return r, nil
}

// baku is Asia/Baku: UTC+4 without daylight saving time since 2016. A fixed
// zone keeps the output independent of the host's time zone database.
var baku = time.FixedZone("AZT", 4*60*60)

// fallbackDate is the PDF date used when a notice has no IssuedAt: fpdf would
// otherwise use the current time and break determinism.
var fallbackDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

const (
	family      = "dejavu"
	pageW       = 210.0
	pageH       = 297.0
	marginX     = 18.0
	marginTop   = 12.0
	contentW    = pageW - 2*marginX
	footerTop   = pageH - 24.0
	labelW      = 34.0 // label column of a field
	lineH       = 4.1  // line height of wrapped values
	fieldH      = 8.6  // minimum height of a field row
	historyRowH = 5.4
	cellMargin  = 1.6 // inner horizontal margin of cells
)

type rgb struct{ r, g, b int }

var (
	navy       = rgb{0x1F, 0x3A, 0x68}
	ink        = rgb{0x1A, 0x1A, 0x1A}
	grey       = rgb{0x5A, 0x62, 0x6E}
	lightGrey  = rgb{0x8A, 0x92, 0x9E}
	ruleGrey   = rgb{0xB4, 0xBC, 0xC8}
	labelFill  = rgb{0xF3, 0xF5, 0xF8}
	sectionBar = rgb{0xE3, 0xEA, 0xF4}
	green      = rgb{0x1E, 0x6B, 0x34}
	red        = rgb{0x9E, 0x1C, 0x1C}
)

// doc is the state of one rendering.
type doc struct {
	pdf *fpdf.Fpdf
	has func(rune) bool // the characters the fonts print
	enc func(string) string
	y   float64
	// Fast path only: the fonts, and the widths of the current face.
	fast *fastFonts
	cw   *[256]int
	unit float64 // current font size in mm
}

// Render returns the PDF of one notice.
func (r *Renderer) Render(n Notice) ([]byte, error) {
	return r.render(n, r.fits(n))
}

// fits tells whether the fast path can print every character of n.
func (r *Renderer) fits(n Notice) bool {
	has := func(c rune) bool { _, ok := r.fast.code[c]; return ok }
	in, p, a := &n.Insurer, &n.App.Person, &n.App
	for _, s := range []string{
		in.FullName, in.Type, in.AccountNumber, in.VOEN, in.ResponsiblePerson, in.OfficeCode, in.OfficeName,
		p.DocumentType, p.FIN, p.SSN, p.Surname, p.Name, p.Patronymic, p.BirthDate, p.SSNDate,
		a.ApplicationID, a.Number, a.Type, a.Reason, a.Status, a.ApplicationDate, a.CertificateDate, a.RejectionReason,
	} {
		if !printable(s, has) {
			return false
		}
	}
	if s := a.SignedBy; s != nil && !(printable(s.Role, has) && printable(s.Method, has)) {
		return false
	}
	for _, h := range a.History {
		if !(printable(h.Status, has) && printable(h.By, has) && printable(h.Reason, has)) {
			return false
		}
	}
	return true
}

func (r *Renderer) render(n Notice, fast bool) ([]byte, error) {
	pdf := fpdf.NewCustom(&fpdf.InitType{
		OrientationStr: "P",
		UnitStr:        "mm",
		SizeStr:        "A4",
	})
	date := n.IssuedAt
	if date.IsZero() {
		date = fallbackDate
	}
	// fpdf writes the dates without a UTC offset, which readers take as UT.
	date = date.UTC()
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(date)
	pdf.SetModificationDate(date)
	// An uncompressed page is 15 KB larger but three times as fast: fpdf
	// makes a new zlib writer (1.1 MB) for every document. See README.md.
	pdf.SetCompression(false)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(marginX, marginTop, marginX)
	pdf.SetCellMargin(cellMargin)
	d := &doc{pdf: pdf}
	if fast {
		pdf.AddFontFromBytes(family, "", r.fast.regular.def, r.fast.regular.z)
		pdf.AddFontFromBytes(family, "B", r.fast.bold.def, r.fast.bold.z)
		d.has = func(c rune) bool { _, ok := r.fast.code[c]; return ok }
		d.enc = r.fast.encode
		d.fast = r.fast
	} else {
		pdf.AddUTF8FontFromBytes(family, "", r.regular)
		pdf.AddUTF8FontFromBytes(family, "B", r.bold)
		d.has = r.chars.has
		d.enc = func(s string) string { return s }
	}
	number := d.clean(n.App.Number)
	pdf.SetTitle("Bildiriş "+number, true)
	pdf.SetSubject("Dövlət sosial sığorta şəhadətnaməsinin dəyişdirilməsi və ya dublikatının verilməsi üçün müraciət", true)
	pdf.SetAuthor("Dövlət Sosial Müdafiə Fondu", true)
	pdf.SetCreator("ssc-adapter", false)
	pdf.SetProducer("go-pdf/fpdf", false)
	pdf.SetLang("az")

	pdf.AddPage()
	d.y = marginTop
	d.header()
	d.meta(number, n.Version, n.IssuedAt)
	d.insurer(n.Insurer)
	d.person(n.App.Person)
	d.application(n.App)
	d.footer(n.App.ApplicationID)
	d.history(n.App.History)

	if d.y > footerTop+0.01 {
		return nil, fmt.Errorf("notice: content overflows the footer (y=%.1f mm)", d.y)
	}
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("notice: %w", err)
	}
	if pages := pdf.PageNo(); pages != 1 {
		return nil, fmt.Errorf("notice: %d pages instead of 1", pages)
	}
	var buf bytes.Buffer
	buf.Grow(24 << 10)
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("notice: %w", err)
	}
	return buf.Bytes(), nil
}

func (d *doc) clean(s string) string { return clean(s, d.has) }

// cell prints cleaned text s in a cell at the current position.
func (d *doc) cell(w, h float64, s, border, align string) {
	d.pdf.CellFormat(w, h, d.enc(s), border, 0, align, false, 0, "")
}

// width is the width of cleaned text s in the current font.
func (d *doc) width(s string) float64 {
	w := 0.0
	for _, r := range s {
		w += d.runeWidth(r)
	}
	return w
}

// runeWidth is the width of r in the current font. fpdf does not kern, so a
// text's width is the sum of its characters' widths.
func (d *doc) runeWidth(r rune) float64 {
	if d.cw != nil {
		c, ok := d.fast.code[r]
		if !ok {
			c = '?'
		}
		return float64(d.cw[c]) * d.unit / 1000
	}
	return float64(d.pdf.GetStringSymbolWidth(string(r))) * d.unit / 1000
}

func (d *doc) font(style string, size float64, c rgb) {
	d.pdf.SetFont(family, style, size)
	d.pdf.SetTextColor(c.r, c.g, c.b)
	_, d.unit = d.pdf.GetFontSize()
	if d.fast != nil {
		d.cw = &d.fast.regular.cw
		if style == "B" {
			d.cw = &d.fast.bold.cw
		}
	}
}

// centered prints one centered line and moves down by h.
func (d *doc) centered(s string, h float64) {
	d.pdf.SetXY(marginX, d.y)
	d.cell(contentW, h, s, "", "C")
	d.y += h
}

func (d *doc) header() {
	p := d.pdf
	d.font("", 7.5, grey)
	d.centered("AZƏRBAYCAN RESPUBLİKASI", 3.8)
	d.font("B", 10, navy)
	d.centered("Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi yanında", 5)
	d.font("B", 13.5, navy)
	d.centered("Dövlət Sosial Müdafiə Fondu", 6.4)
	d.font("", 6.8, lightGrey)
	d.centered("State Social Protection Fund under the Ministry of Labour and Social Protection of Population of the Republic of Azerbaijan", 3.6)
	d.y += 1.6
	p.SetDrawColor(navy.r, navy.g, navy.b)
	p.SetLineWidth(0.7)
	p.Line(marginX, d.y, pageW-marginX, d.y)
	p.SetLineWidth(0.2)
	p.Line(marginX, d.y+1.1, pageW-marginX, d.y+1.1)
	d.y += 5

	d.font("B", 19, navy)
	d.centered("BİLDİRİŞ", 8)
	d.font("", 7, lightGrey)
	d.centered("NOTICE", 3.6)
	d.y += 1.2
	d.font("", 9.5, ink)
	d.centered("Dövlət sosial sığorta şəhadətnaməsinin dəyişdirilməsi və ya dublikatının", 4.4)
	d.centered("verilməsi üçün müraciət", 4.4)
	d.font("", 6.8, lightGrey)
	d.centered("Application for the replacement or a duplicate of the state social insurance certificate", 3.6)
	d.y += 3
}

// meta prints the strip with the application number, notice version and date.
func (d *doc) meta(number string, version int, issued time.Time) {
	type cell struct{ az, en, value string }
	ver := "—"
	if version > 0 {
		ver = strconv.Itoa(version)
	}
	cells := []cell{
		{"Müraciətin nömrəsi", "Application number", orDash(number)},
		{"Bildirişin versiyası", "Notice version", ver},
		{"Bildirişin tarixi", "Date of issue (Baku time)", formatInstant(issued)},
	}
	p := d.pdf
	// The number (SSC-<VÖEN>-<seq>) needs the widest cell.
	shares := []float64{0.46, 0.2, 0.34}
	h := 14.0
	p.SetDrawColor(ruleGrey.r, ruleGrey.g, ruleGrey.b)
	p.SetLineWidth(0.25)
	p.SetFillColor(labelFill.r, labelFill.g, labelFill.b)
	x := marginX
	for i, c := range cells {
		w := contentW * shares[i]
		if i > 0 {
			x += contentW * shares[i-1]
		}
		p.Rect(x, d.y, w, h, "FD")
		p.SetXY(x, d.y+1)
		d.font("", 7.5, grey)
		d.cell(w, 3.6, d.fit(c.az, w), "", "L")
		p.SetXY(x, d.y+4.2)
		d.font("", 6.2, lightGrey)
		d.cell(w, 3, d.fit(c.en, w), "", "L")
		p.SetXY(x, d.y+7.6)
		d.font("B", 11, ink)
		d.cell(w, 5.5, d.fit(c.value, w), "", "L")
	}
	d.y += h + 4
}

// section prints a section bar: "N. TITLE / English title".
func (d *doc) section(num, az, en string) {
	p := d.pdf
	const h = 6.2
	p.SetFillColor(sectionBar.r, sectionBar.g, sectionBar.b)
	p.Rect(marginX, d.y, contentW, h, "F")
	p.SetFillColor(navy.r, navy.g, navy.b)
	p.Rect(marginX, d.y, 1.2, h, "F")
	x := marginX + 1.2
	p.SetXY(x, d.y)
	d.font("B", 9.5, navy)
	title := num + ". " + az
	d.cell(0, h, title, "", "L")
	x += d.width(title) + cellMargin
	d.font("", 7.5, grey)
	p.SetXY(x, d.y)
	d.cell(0, h, "/ "+en, "", "L")
	d.y += h
}

// field is one labelled value of a section.
type field struct {
	az, en string
	value  string
	bold   bool
	color  *rgb
	lines  int // at most this many lines (default 2), cut with "…"
}

// row prints one or two fields side by side; a single field spans the row.
func (d *doc) row(fields ...field) {
	p := d.pdf
	valueW := (contentW - float64(len(fields))*labelW) / float64(len(fields))
	// Wrap the values first to know the row's height.
	lines := make([][]string, len(fields))
	h := fieldH
	for i, f := range fields {
		d.valueFont(f)
		max := f.lines
		if max == 0 {
			max = 2
		}
		lines[i] = d.wrap(orDash(d.clean(f.value)), valueW, max)
		if lh := float64(len(lines[i]))*lineH + 3; lh > h {
			h = lh
		}
	}
	p.SetDrawColor(ruleGrey.r, ruleGrey.g, ruleGrey.b)
	p.SetLineWidth(0.2)
	x := marginX
	for i, f := range fields {
		p.SetFillColor(labelFill.r, labelFill.g, labelFill.b)
		p.Rect(x, d.y, labelW, h, "FD")
		d.font("", 7.5, grey)
		p.SetXY(x, d.y+h/2-3.7)
		d.cell(labelW, 3.8, d.fit(f.az, labelW), "", "L")
		d.font("", 6.2, lightGrey)
		p.SetXY(x, d.y+h/2+0.1)
		d.cell(labelW, 3.4, d.fit(f.en, labelW), "", "L")
		x += labelW
		p.Rect(x, d.y, valueW, h, "D")
		d.valueFont(f)
		top := d.y + (h-float64(len(lines[i]))*lineH)/2
		for j, ln := range lines[i] {
			p.SetXY(x, top+float64(j)*lineH)
			d.cell(valueW, lineH, ln, "", "L")
		}
		x += valueW
	}
	d.y += h
}

func (d *doc) valueFont(f field) {
	style := ""
	if f.bold {
		style = "B"
	}
	c := ink
	if f.color != nil {
		c = *f.color
	}
	d.font(style, 9.5, c)
}

// wrap splits s into lines of width w in the current font, breaking at
// spaces (or inside a word longer than a line), at most max lines; the last
// line ends with "…" when text was cut.
func (d *doc) wrap(s string, w float64, max int) []string {
	avail := w - 2*cellMargin
	space := d.runeWidth(' ')
	var lines []string
	var line strings.Builder
	lineW := 0.0
	for _, word := range strings.Fields(s) {
		ww := d.width(word)
		if line.Len() > 0 {
			if lineW+space+ww <= avail {
				line.WriteByte(' ')
				line.WriteString(word)
				lineW += space + ww
				continue
			}
			lines = append(lines, line.String())
			line.Reset()
		}
		// A word longer than a line is broken where it reaches the edge.
		for ww > avail && len(lines) <= max {
			n := d.prefix(word, avail)
			lines = append(lines, word[:n])
			word = word[n:]
			ww = d.width(word)
		}
		if len(lines) > max {
			break
		}
		line.WriteString(word)
		lineW = ww
	}
	if line.Len() > 0 || len(lines) == 0 {
		lines = append(lines, line.String())
	}
	if len(lines) > max {
		lines = lines[:max]
		lines[max-1] = d.fit(lines[max-1]+" …", w)
	}
	return lines
}

// prefix returns the byte length of the longest prefix of s (at least one
// character) no wider than avail in the current font.
func (d *doc) prefix(s string, avail float64) int {
	total := 0.0
	for i, r := range s {
		total += d.runeWidth(r)
		if total > avail && i > 0 {
			return i
		}
	}
	return len(s)
}

// fit shortens s with "…" until it fits in a cell of width w in the current
// font.
func (d *doc) fit(s string, w float64) string {
	avail := w - 2*cellMargin
	ellipsis := d.runeWidth('…')
	total, cut := 0.0, 0
	for i, r := range s {
		if total+ellipsis <= avail {
			cut = i // s[:i] and "…" fit
		}
		total += d.runeWidth(r)
		if total > avail {
			return strings.TrimRight(s[:cut], " ") + "…"
		}
	}
	return s
}

func (d *doc) insurer(in contracts.InsurerProfile) {
	d.section("1", "SIĞORTAEDƏN", "Insurer")
	office := d.clean(in.OfficeCode)
	if name := d.clean(in.OfficeName); name != "" {
		if office != "" {
			office += " – "
		}
		office += name
	}
	d.row(field{az: "Adı", en: "Name", value: in.FullName, bold: true})
	d.row(
		field{az: "VÖEN", en: "Taxpayer ID", value: in.VOEN, lines: 1},
		field{az: "DSMF uçot nömrəsi", en: "DSMF account no.", value: in.AccountNumber, lines: 1},
	)
	typ := ""
	if in.Type != "" {
		typ = InsurerTypeLabel(in.Type)
	}
	d.row(
		field{az: "Növü", en: "Type", value: typ, lines: 1},
		field{az: "Məsul şəxs", en: "Responsible person", value: in.ResponsiblePerson},
	)
	d.row(field{az: "DSMF yerli orqanı", en: "DSMF local office", value: office})
	d.y += 3.5
}

func (d *doc) person(ps contracts.Person) {
	d.section("2", "SIĞORTAOLUNAN", "Insured person")
	doc := ""
	if ps.DocumentType != "" {
		doc = DocumentTypeLabel(ps.DocumentType)
	}
	d.row(
		field{az: "Soyadı", en: "Surname", value: ps.Surname, bold: true},
		field{az: "Adı", en: "Name", value: ps.Name, bold: true},
	)
	d.row(
		field{az: "Atasının adı", en: "Patronymic", value: ps.Patronymic, bold: true},
		field{az: "FİN", en: "Personal ID code", value: ps.FIN, lines: 1},
	)
	d.row(
		field{az: "SSN", en: "Social insurance no.", value: ps.SSN, lines: 1},
		field{az: "SSN tarixi", en: "SSN date", value: formatDate(ps.SSNDate), lines: 1},
	)
	d.row(
		field{az: "Doğum tarixi", en: "Date of birth", value: formatDate(ps.BirthDate), lines: 1},
		field{az: "Sənədin növü", en: "Identity document", value: doc, lines: 1},
	)
	d.y += 3.5
}

func (d *doc) application(a contracts.Application) {
	d.section("3", "MÜRACİƏT", "Application")
	typ, reason := "", ""
	if a.Type != "" {
		typ = TypeLabel(a.Type)
	}
	if a.Reason != "" {
		reason = ReasonLabel(a.Reason)
	}
	d.row(
		field{az: "Müraciətin növü", en: "Type", value: typ, bold: true, lines: 1},
		field{az: "Müraciət tarixi", en: "Application date", value: formatDate(a.ApplicationDate), lines: 1},
	)
	d.row(field{az: "Müraciətin səbəbi", en: "Reason", value: reason, lines: 1})
	signer := ""
	if s := a.SignedBy; s != nil {
		var parts []string
		if s.Role != "" {
			parts = append(parts, RoleLabel(s.Role))
		}
		if s.Method != "" {
			parts = append(parts, MethodLabel(s.Method))
		}
		if a.SignedAt != nil && !a.SignedAt.IsZero() {
			parts = append(parts, formatInstant(*a.SignedAt))
		}
		signer = strings.Join(parts, ", ")
	} else if a.Status == contracts.StatusDraft {
		signer = "İmzalanmayıb"
	}
	d.row(field{az: "İmzalayan", en: "Signed by", value: signer, lines: 1})
	status := ""
	if a.Status != "" {
		status = StatusLabel(a.Status)
	}
	color := navy
	switch a.Status {
	case contracts.StatusCompleted:
		color = green
	case contracts.StatusRejected:
		color = red
	}
	switch a.Status {
	case contracts.StatusCompleted:
		d.row(
			field{az: "Cari status", en: "Current status", value: status, bold: true, color: &color, lines: 1},
			field{az: "Yeni SSŞ tarixi", en: "New certificate date", value: formatDate(a.CertificateDate), bold: true, lines: 1},
		)
	case contracts.StatusRejected:
		d.row(field{az: "Cari status", en: "Current status", value: status, bold: true, color: &color, lines: 1})
		d.row(field{az: "İmtina səbəbi", en: "Reason for rejection", value: a.RejectionReason, lines: 3})
	default:
		d.row(field{az: "Cari status", en: "Current status", value: status, bold: true, color: &color, lines: 1})
	}
	d.y += 3.5
}

// history prints the status history table in the space left above the
// footer; when it does not fit, the most recent rows are shown with a note
// on how many earlier ones were left out.
func (d *doc) history(hist []contracts.StatusChange) {
	p := d.pdf
	d.section("4", "STATUSLARIN TARİXÇƏSİ", "Status history")
	cols := []struct {
		az, en string
		w      float64
	}{
		{"№", "No.", 10},
		{"Tarix və vaxt", "Date and time", 32},
		{"Status", "Status", 32},
		{"İcraçı", "By", 40},
		{"Qeyd", "Note", contentW - 10 - 32 - 32 - 40},
	}
	p.SetDrawColor(ruleGrey.r, ruleGrey.g, ruleGrey.b)
	p.SetLineWidth(0.2)
	p.SetFillColor(labelFill.r, labelFill.g, labelFill.b)
	x := marginX
	for _, c := range cols {
		p.Rect(x, d.y, c.w, 7, "FD")
		p.SetXY(x, d.y+0.4)
		d.font("B", 7.5, grey)
		d.cell(c.w, 3.4, c.az, "", "L")
		p.SetXY(x, d.y+3.5)
		d.font("", 6.2, lightGrey)
		d.cell(c.w, 3, c.en, "", "L")
		x += c.w
	}
	d.y += 7

	rows := len(hist)
	if rows == 0 {
		d.font("", 8.5, grey)
		p.SetXY(marginX, d.y)
		d.cell(contentW, historyRowH, "Qeyd yoxdur / No entries", "1", "L")
		d.y += historyRowH
		return
	}
	capacity := int((footerTop - 3 - d.y) / historyRowH)
	if capacity < 1 {
		capacity = 1
	}
	first := 0
	if rows > capacity {
		// One row goes to the note on the omitted entries.
		shown := capacity - 1
		first = rows - shown
		d.font("", 7.5, grey)
		p.SetXY(marginX, d.y)
		note := fmt.Sprintf("… əvvəlki %d qeyd göstərilmir / %d earlier entries not shown", first, first)
		d.cell(contentW, historyRowH, note, "1", "L")
		d.y += historyRowH
	}
	for i := first; i < rows; i++ {
		h := hist[i]
		status := StatusLabel(h.Status)
		note := d.clean(h.Reason)
		cells := []string{
			strconv.Itoa(i + 1),
			formatInstant(h.At),
			status,
			byLabel(d.clean(h.By)),
			note,
		}
		x := marginX
		for j, c := range cols {
			style := ""
			if j == 2 {
				style = "B"
			}
			d.font(style, 8, ink)
			p.SetXY(x, d.y)
			d.cell(c.w, historyRowH, d.fit(d.clean(cells[j]), c.w), "1", "L")
			x += c.w
		}
		d.y += historyRowH
	}
}

func (d *doc) footer(applicationID string) {
	p := d.pdf
	y := footerTop + 3
	p.SetDrawColor(navy.r, navy.g, navy.b)
	p.SetLineWidth(0.3)
	p.Line(marginX, y, pageW-marginX, y)
	y += 1.5
	d.font("", 7.5, grey)
	p.SetXY(marginX, y)
	d.cell(contentW, 3.8, "Bu bildiriş elektron xidmət vasitəsilə avtomatik formalaşdırılıb və imza tələb etmir.", "", "L")
	d.font("", 6.5, lightGrey)
	p.SetXY(marginX, y+3.6)
	d.cell(contentW, 3.4, "This notice was generated automatically by the e-service and is valid without a signature.", "", "L")
	p.SetXY(marginX, y+8)
	if id := d.clean(applicationID); id != "" {
		d.cell(contentW*0.8, 3.4, d.fit("Müraciətin identifikatoru / Application ID: "+id, contentW*0.8), "", "L")
	}
	p.SetXY(marginX+contentW*0.8, y+8)
	d.cell(contentW*0.2, 3.4, "Səhifə 1 / 1", "", "R")
}

// byLabel names who made a status change.
func byLabel(by string) string {
	switch by {
	case "":
		return "—"
	case "applicant":
		return "Sığortaedən"
	case "system":
		return "Sistem"
	}
	return "DSMF: " + by
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// formatDate turns a contract date "YYYY-MM-DD" into "DD.MM.YYYY"; anything
// else is returned as is.
func formatDate(s string) string {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.Format("02.01.2006")
	}
	return s
}

// formatInstant prints an instant in Baku time.
func formatInstant(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(baku).Format("02.01.2006 15:04")
}
