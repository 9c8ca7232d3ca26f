package notice

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
)

var (
	rendererOnce sync.Once
	renderer     *Renderer
	rendererErr  error
)

// testRenderer is shared by the tests: it is safe for concurrent use.
func testRenderer(t testing.TB) *Renderer {
	t.Helper()
	rendererOnce.Do(func() { renderer, rendererErr = NewRenderer() })
	require.NoError(t, rendererErr)
	return renderer
}

func render(t testing.TB, n Notice) []byte {
	t.Helper()
	pdf, err := testRenderer(t).Render(n)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(pdf, []byte("%PDF-")), "not a PDF")
	// NOTICE_DUMP=dir keeps the PDFs for a look (pdftoppm -png -r 60).
	if dir := os.Getenv("NOTICE_DUMP"); dir != "" {
		name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()) + ".pdf"
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), pdf, 0o644))
	}
	return pdf
}

// pdfText extracts the text of a PDF with pdftotext (poppler-utils).
func pdfText(t testing.TB, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("pdftotext not found: install poppler-utils (apt-get update && apt-get install -y poppler-utils): %v", err)
	}
	file := filepath.Join(t.TempDir(), "notice.pdf")
	require.NoError(t, os.WriteFile(file, pdf, 0o644))
	out, err := exec.Command(bin, "-enc", "UTF-8", file, "-").CombinedOutput()
	require.NoError(t, err, "pdftotext: %s", out)
	return string(out)
}

var pageObject = regexp.MustCompile(`/Type /Page\b[^s]`)

func pageCount(pdf []byte) int { return len(pageObject.FindAll(pdf, -1)) }

const maxSize = 60 << 10

func TestManualExampleTextIsExtractable(t *testing.T) {
	t.Parallel()
	n := Example()
	require.True(t, testRenderer(t).fits(n), "the sample should take the fast path")
	pdf := render(t, n)
	assert.Less(t, len(pdf), maxSize)
	assert.Equal(t, 1, pageCount(pdf))

	text := pdfText(t, pdf)
	for _, want := range []string{
		// header, title, service
		"Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi yanında",
		"Dövlət Sosial Müdafiə Fondu",
		"BİLDİRİŞ",
		"Dövlət sosial sığorta şəhadətnaməsinin dəyişdirilməsi və ya dublikatının",
		"SSC-2026-000123",
		"04.03.2026 11:05",
		// insurer of the manual
		`"MƏKTƏBİ QURUP" MƏDƏNİYYƏT MƏRKƏZİ`,
		"9802091761",
		"9819854215",
		"188 – Bakı şəhəri üzrə hüquqi şəxslərlə iş",
		"Hüquqi şəxs",
		// person
		"ŞÜKÜROVA-ĞƏNİYEVA",
		"IŞIQ",
		"ÇİNGİZ",
		"5ZK8T3B",
		"1234567890123",
		"01.09.2006",
		"14.07.1988",
		// application
		"Dublikat",
		"Şəhadətnamənin itirilməsi",
		"Möhür vurmaq səlahiyyəti olan şəxs, Asan imza",
		"İmtina edilib",
		"(ğ ı ö ü ç ş ə i)",
		// history
		"Qaralama", "Təqdim edilib", "İcradadır", "DSMF: officer-17",
	} {
		assert.Contains(t, text, want)
	}
	for _, letter := range strings.Split("Ə ə Ğ ğ I ı İ i Ö ö Ü ü Ç ç Ş ş", " ") {
		assert.Contains(t, text, letter, "letter %s", letter)
	}
	// The signer's FIN and phone are never printed.
	assert.NotContains(t, text, "7QW3E9R")
	assert.NotContains(t, text, "+994501234567")
}

func TestFallbackForOtherScripts(t *testing.T) {
	t.Parallel()
	n := Example()
	n.App.Person.Surname = "ШҮКҮРОВА"
	n.App.Person.Name = "Łucja Ŧ"
	n.App.RejectionReason = "Sənəd 📄 oxunmur\tyenidən\x00 göndərin"
	r := testRenderer(t)
	require.False(t, r.fits(n))
	pdf := render(t, n)
	assert.Less(t, len(pdf), maxSize)
	assert.Equal(t, 1, pageCount(pdf))
	text := pdfText(t, pdf)
	assert.Contains(t, text, "ШҮКҮРОВА")
	assert.Contains(t, text, "Łucja")
	assert.Contains(t, text, `"MƏKTƏBİ QURUP" MƏDƏNİYYƏT MƏRKƏZİ`)
	assert.Contains(t, text, "Sənəd ? oxunmur yenidən göndərin")
	for _, letter := range strings.Split("Ə ə Ğ ğ I ı İ i Ö ö Ü ü Ç ç Ş ş", " ") {
		assert.Contains(t, text, letter, "letter %s", letter)
	}
}

func TestLatin1NamesTakeTheFastPath(t *testing.T) {
	t.Parallel()
	n := Example()
	n.App.Person.Surname = "MÜLLER-GARCÍA"
	n.App.Person.Name = "JOSÉ FRANÇOIS"
	r := testRenderer(t)
	require.True(t, r.fits(n))
	text := pdfText(t, render(t, n))
	assert.Contains(t, text, "MÜLLER-GARCÍA")
	assert.Contains(t, text, "JOSÉ FRANÇOIS")
}

func TestStatuses(t *testing.T) {
	t.Parallel()
	base := Example()
	cases := []struct {
		status string
		want   []string
		absent []string
	}{
		{contracts.StatusDraft, []string{"Qaralama", "İmzalanmayıb"}, []string{"İmtina səbəbi"}},
		{contracts.StatusSubmitted, []string{"Təqdim edilib"}, nil},
		{contracts.StatusInProcessing, []string{"İcradadır"}, nil},
		{contracts.StatusCompleted, []string{"İcra edilib", "Yeni SSŞ tarixi", "20.03.2026"}, []string{"İmtina səbəbi"}},
		{contracts.StatusRejected, []string{"İmtina edilib", "İmtina səbəbi"}, nil},
	}
	for _, c := range cases {
		t.Run(c.status, func(t *testing.T) {
			n := base
			n.App.Status = c.status
			n.App.History = nil
			n.App.CertificateDate = "2026-03-20"
			if c.status == contracts.StatusDraft {
				n.App.SignedBy, n.App.SignedAt, n.App.ApplicationDate = nil, nil, ""
			}
			text := pdfText(t, render(t, n))
			for _, w := range c.want {
				assert.Contains(t, text, w)
			}
			for _, w := range c.absent {
				assert.NotContains(t, text, w)
			}
			assert.Contains(t, text, "Qeyd yoxdur")
		})
	}
}

func TestOnePageWithLongHistoryAndLongTexts(t *testing.T) {
	t.Parallel()
	n := Example()
	start := at("2026-01-01T09:00:00+04:00")
	n.App.History = nil
	for i := 0; i < 200; i++ {
		n.App.History = append(n.App.History, contracts.StatusChange{
			Status: contracts.StatusInProcessing,
			At:     start.Add(time.Duration(i) * time.Hour),
			By:     fmt.Sprintf("officer-with-a-rather-long-identifier-%03d", i),
			Reason: strings.Repeat("Uzun qeyd mətni ", 20),
		})
	}
	n.App.History[199].Status = contracts.StatusRejected
	long := strings.Repeat("ÇOX UZUN AD ", 40)
	n.Insurer.FullName = long
	n.Insurer.OfficeName = long
	n.Insurer.ResponsiblePerson = long
	n.App.Person.Surname = long
	n.App.Person.Name = strings.Repeat("X", 300) // one word longer than a line
	n.App.Person.Patronymic = long
	n.App.RejectionReason = strings.Repeat("İmtina səbəbinin çox uzun izahı. ", 60)

	pdf := render(t, n)
	assert.Equal(t, 1, pageCount(pdf))
	assert.Less(t, len(pdf), maxSize)
	text := pdfText(t, pdf)
	assert.Equal(t, 0, strings.Count(text, "\f")-1, "one page")
	assert.Regexp(t, `əvvəlki \d+ qeyd göstərilmir`, text)
	assert.Contains(t, text, "200", "the latest entry is shown")
	assert.Contains(t, text, "…")
}

func TestHugeInputsAreCut(t *testing.T) {
	n := Example()
	huge := strings.Repeat("Ə", 1<<20)
	n.Insurer.FullName = huge
	n.App.Person.Surname = strings.Repeat("söz ", 1<<18)
	n.App.RejectionReason = huge
	n.App.History[3].Reason = huge
	n.App.History[3].By = huge
	pdf := render(t, n)
	// Bounded work shows as bounded output: what does not fit is cut, not laid out.
	assert.Less(t, len(pdf), 120<<10, "a notice of megabytes of input stays the size of a notice")
	assert.Equal(t, 1, pageCount(pdf))
	assert.Contains(t, pdfText(t, pdf), "ƏƏƏ")
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	other, err := NewRenderer()
	require.NoError(t, err)
	for _, fallback := range []bool{false, true} {
		n := Example()
		if fallback {
			n.App.Person.Name = "ЛЕЙЛА"
		}
		a := render(t, n)
		b := render(t, n)
		assert.Equal(t, a, b, "fallback=%v", fallback)

		c, err := other.Render(n)
		require.NoError(t, err)
		assert.Equal(t, a, c, "another renderer, fallback=%v", fallback)

		n.IssuedAt = n.IssuedAt.Add(time.Minute)
		assert.NotEqual(t, a, render(t, n))
	}
	// A notice without IssuedAt is deterministic too.
	n := Example()
	n.IssuedAt = time.Time{}
	assert.Equal(t, render(t, n), render(t, n))
}

func TestConcurrentRendering(t *testing.T) {
	t.Parallel()
	r := testRenderer(t)
	fast := Example()
	slow := Example()
	slow.App.Person.Name = "ЛЕЙЛА"
	wantFast, err := r.Render(fast)
	require.NoError(t, err)
	wantSlow, err := r.Render(slow)
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 4; i++ {
				n, want := fast, wantFast
				if (g+i)%4 == 0 {
					n, want = slow, wantSlow
				}
				got, err := r.Render(n)
				if err != nil {
					errs <- err
					return
				}
				if !bytes.Equal(got, want) {
					errs <- fmt.Errorf("goroutine %d render %d differs", g, i)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestEmptyNotice(t *testing.T) {
	t.Parallel()
	pdf := render(t, Notice{})
	assert.Equal(t, 1, pageCount(pdf))
	assert.Contains(t, pdfText(t, pdf), "BİLDİRİŞ")
}

func TestLabels(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "Qaralama", StatusLabel(contracts.StatusDraft))
	assert.Equal(t, "Təqdim edilib", StatusLabel(contracts.StatusSubmitted))
	assert.Equal(t, "İcradadır", StatusLabel(contracts.StatusInProcessing))
	assert.Equal(t, "İcra edilib", StatusLabel(contracts.StatusCompleted))
	assert.Equal(t, "İmtina edilib", StatusLabel(contracts.StatusRejected))
	assert.Equal(t, "Rejected", StatusMessage(contracts.StatusRejected).EN)
	assert.Equal(t, "Dəyişdirilmə", TypeLabel(contracts.TypeReplacement))
	assert.Equal(t, "Dublikat", TypeLabel(contracts.TypeDuplicate))
	assert.Equal(t, "Şəxsiyyət vəsiqəsində dəyişiklik", ReasonLabel(contracts.ReasonDocumentChanged))
	assert.Equal(t, "Şəhadətnamənin itirilməsi", ReasonLabel(contracts.ReasonCertificateLost))
	assert.Equal(t, "Şəhadətnamədə yazılmış məlumatlarda səhv", ReasonLabel(contracts.ReasonDataError))
	assert.Equal(t, "Şəhadətnamənin yararsız hala düşməsi", ReasonLabel(contracts.ReasonCertificateUnused))
	assert.Equal(t, "something-new", StatusLabel("something-new"))
	assert.Equal(t, "Hüquqi şəxs", InsurerTypeLabel(contracts.InsurerLegalEntity))

	// Every fixed label prints on the fast path.
	r := testRenderer(t)
	has := func(c rune) bool { _, ok := r.fast.code[c]; return ok }
	for _, l := range []labels{statusLabels, typeLabels, reasonLabels, insurerTypeLabels, roleLabels, methodLabels, documentTypeLabels, certificateStatusLabels} {
		for code, m := range l {
			assert.True(t, printable(m.AZ, has), "%s: %s", code, m.AZ)
		}
	}
}

func TestClean(t *testing.T) {
	t.Parallel()
	r := testRenderer(t)
	assert.Equal(t, "a b ? c", clean(" a\tb 😀 c\u200b\n", r.chars.has))
	assert.Equal(t, "ƏəĞğIıİiÖöÜüÇçŞş", clean("ƏəĞğIıİiÖöÜüÇçŞş", r.chars.has))
}
