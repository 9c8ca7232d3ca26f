package handlers_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// The "done when" of issue 5, through kfake: look up, save, change, confirm,
// find by surname, view, download the notice, back-office decisions with
// status and notice following, refusal to delete a confirmed application,
// and another insurer's session seeing nothing of it.
func TestApplicationWalkThrough(t *testing.T) {
	t.Parallel()
	h := testkit.Start(t, testkit.Options{})
	voen := testkit.Insurer.VOEN
	owner := h.Login(testkit.DirectorLogin(voen))
	emp := testkit.Employee()

	var found contracts.PersonLookupResult
	h.MustOK(h.Request(testkit.PersonLookup(owner)), contracts.TypePersonLookupResult, &found)
	assert.Equal(t, contracts.Person{
		DocumentType: emp.Document.DocumentType, FIN: emp.Document.FIN, SSN: emp.Insured.SSN,
		Surname: emp.Document.Surname, Name: emp.Document.Name, Patronymic: emp.Document.Patronymic,
		Gender: emp.Document.Gender, Citizenship: emp.Document.Citizenship, BirthPlace: emp.Document.BirthPlace,
		BirthDate: emp.Document.BirthDate, IssuingAuthority: emp.Document.IssuingAuthority,
		IssueDate: emp.Document.IssueDate, SSNDate: emp.Insured.SSNDate, CertificateStatus: contracts.CertificateActive,
	}, found.Person)

	var saved contracts.DraftSaveResult
	h.MustOK(h.Request(testkit.DraftSave(owner)), contracts.TypeDraftSaveResult, &saved)
	app := saved.Application
	assert.Equal(t, contracts.StatusDraft, app.Status)
	assert.Equal(t, contracts.TypeDuplicate, app.Type, "a lost certificate asks for a duplicate")

	// Əvvəlki: change the reason; the type follows.
	h.MustOK(h.Request(testkit.DraftSave(owner, func(c *contracts.DraftSave) {
		c.ApplicationID = app.ApplicationID
		c.Reason = contracts.ReasonDataError
	})), contracts.TypeDraftSaveResult, &saved)
	assert.Equal(t, app.ApplicationID, saved.Application.ApplicationID, "saving with the id updates the draft")
	assert.Equal(t, contracts.TypeReplacement, saved.Application.Type)

	var submitted contracts.SubmitResult
	h.MustOK(h.Request(testkit.SubmitDraft(owner, app.ApplicationID)), contracts.TypeSubmitResult, &submitted)
	assert.Equal(t, contracts.StatusSubmitted, submitted.Application.Status)
	require.NotNil(t, submitted.Application.SignedBy)
	assert.Equal(t, testkit.DirectorFIN, submitted.Application.SignedBy.FIN)
	assert.NotNil(t, submitted.Application.SignedAt)
	ev := h.WaitEvent(contracts.TypeApplicationSubmitted, nil)
	assert.Equal(t, voen, ev.Key, "events are keyed by the insurer's VÖEN")
	h.WaitNotice(app.ApplicationID, 1)

	// Registry: find it by surname prefix, newest first, paged.
	var reg contracts.RegistrySearchResult
	h.MustOK(h.Request(testkit.RegistrySearch(owner, func(s *contracts.RegistrySearch) {
		s.Filter.Surname = strings.ToLower(string([]rune(emp.Document.Surname)[:3])) // "əli": prefix, any case
	})), contracts.TypeRegistrySearchResult, &reg)
	require.Len(t, reg.Rows, 1)
	assert.Equal(t, 1, reg.Page.Total)
	assert.Equal(t, contracts.RegistryRow{ApplicationID: app.ApplicationID, Number: app.Number,
		Type: contracts.TypeReplacement, FIN: emp.Document.FIN, Surname: emp.Document.Surname, Name: emp.Document.Name,
		Patronymic: emp.Document.Patronymic, SSN: emp.Insured.SSN, SSNDate: emp.Insured.SSNDate,
		ApplicationDate:   time.Now().In(time.FixedZone("Baku", 4*3600)).Format(time.DateOnly),
		CertificateStatus: contracts.CertificateActive, Status: contracts.StatusSubmitted}, reg.Rows[0])

	var view contracts.ApplicationGetResult
	h.MustOK(h.Request(testkit.ApplicationGet(owner, app.ApplicationID)), contracts.TypeApplicationGetResult, &view)
	assert.Equal(t, contracts.ReasonDataError, view.Application.Reason)
	assert.Equal(t, []string{contracts.StatusDraft, contracts.StatusSubmitted}, statuses(view.Application.History))

	var notice contracts.NoticeGetResult
	h.MustOK(h.Request(testkit.NoticeGet(owner, app.ApplicationID)), contracts.TypeNoticeGetResult, &notice)
	assert.Equal(t, 1, notice.NoticeVersion)
	assert.True(t, strings.HasPrefix(string(notice.PDF), "%PDF-"))

	assert.Equal(t, "APPLICATION_SIGNED", h.Request(testkit.DraftDelete(owner, app.ApplicationID)).Code())
	assert.Equal(t, "APPLICATION_ALREADY_OPEN", h.Request(testkit.SubmitNew(owner)).Code(),
		"a second application for the same person is refused while one is in progress")

	// Another insurer's session sees nothing of it.
	other := h.Login(testkit.DirectorLogin(testkit.OtherInsurer.VOEN))
	assert.Equal(t, "APPLICATION_NOT_FOUND", h.Request(testkit.ApplicationGet(other, app.ApplicationID)).Code())
	assert.Equal(t, "APPLICATION_NOT_FOUND", h.Request(testkit.NoticeGet(other, app.ApplicationID)).Code())
	h.MustOK(h.Request(testkit.RegistrySearch(other)), contracts.TypeRegistrySearchResult, &reg)
	assert.Empty(t, reg.Rows)
	assert.Equal(t, "NOT_INSURED_BY_INSURER", h.Request(testkit.PersonLookup(other)).Code())
	// Naming the other insurer's VÖEN with this session is refused.
	assert.Equal(t, "WRONG_INSURER", h.Request(testkit.ApplicationGet(testkit.Session{ID: owner.ID, VOEN: other.VOEN}, app.ApplicationID)).Code())

	// Back office: take into processing, then issue the certificate.
	h.Send(testkit.Decision(voen, app.ApplicationID, contracts.DecisionTakeIntoProcessing))
	h.WaitEvent(contracts.TypeApplicationStatusMoved, func(e contracts.Envelope) bool {
		return strings.Contains(string(e.Data), `"to":"in-processing"`)
	})
	h.WaitNotice(app.ApplicationID, 2)
	h.Send(testkit.Decision(voen, app.ApplicationID, contracts.DecisionIssueCertificate))
	h.WaitEvent(contracts.TypeApplicationStatusMoved, func(e contracts.Envelope) bool {
		return strings.Contains(string(e.Data), `"to":"completed"`)
	})
	last := h.WaitNotice(app.ApplicationID, 3)

	h.MustOK(h.Request(testkit.ApplicationGet(owner, app.ApplicationID)), contracts.TypeApplicationGetResult, &view)
	assert.Equal(t, contracts.StatusCompleted, view.Application.Status)
	assert.Equal(t, contracts.CertificateReplaced, view.Application.CertificateStatus)
	assert.NotEmpty(t, view.Application.CertificateDate)
	h.MustOK(h.Request(testkit.PersonLookup(owner)), contracts.TypePersonLookupResult, &found)
	assert.Equal(t, contracts.CertificateReplaced, found.Person.CertificateStatus, "the old certificate is replaced")

	// A decision that moves backwards is refused and recorded on the log.
	h.Send(testkit.Decision(voen, app.ApplicationID, contracts.DecisionTakeIntoProcessing))
	h.WaitEvent(contracts.TypeCommandRejected, func(e contracts.Envelope) bool {
		return strings.Contains(string(e.Data), `"code":"INVALID_STATUS_TRANSITION"`)
	})

	// pdftotext reads the notice with every Azerbaijani letter right.
	text := pdfText(t, last.Raw)
	assert.Contains(t, text, `"MƏKTƏBİ QURUP" MƏDƏNİYYƏT MƏRKƏZİ`)
	assert.Contains(t, text, emp.Document.Surname)
}

func statuses(h []contracts.StatusChange) []string {
	var out []string
	for _, c := range h {
		out = append(out, c.Status)
	}
	return out
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	require.NoError(t, err, "pdftotext is needed: apt-get install poppler-utils")
	path := filepath.Join(t.TempDir(), "notice.pdf")
	require.NoError(t, os.WriteFile(path, pdf, 0o600))
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	require.NoError(t, err)
	return string(out)
}
