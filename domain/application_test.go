package domain_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/domain"
)

const officer = "officer-188"

func TestTypeFor(t *testing.T) {
	t.Parallel()
	cases := []struct {
		reason domain.Reason
		want   domain.ApplicationType
		err    error
	}{
		{domain.ReasonDocumentChanged, domain.TypeReplacement, nil},
		{domain.ReasonDataError, domain.TypeReplacement, nil},
		{domain.ReasonCertificateLost, domain.TypeDuplicate, nil},
		{domain.ReasonCertificateUnused, domain.TypeDuplicate, nil},
		{"", "", domain.ErrInvalidReason},
		{"certificate-stolen", "", domain.ErrInvalidReason},
		{"CERTIFICATE-LOST", "", domain.ErrInvalidReason},
	}
	for _, c := range cases {
		t.Run(string(c.reason), func(t *testing.T) {
			got, err := domain.TypeFor(c.reason)
			requireCode(t, err, c.err)
			assert.Equal(t, c.want, got)
		})
	}
}

func draft(t *testing.T, id string, reason domain.Reason) domain.Application {
	t.Helper()
	a, err := domain.NewDraft(id, "SSC-"+insurer+"-"+id, insurer, reason, person(), t0)
	require.NoError(t, err)
	return a
}

func signature(at time.Time) domain.Signature {
	return domain.Signature{Role: domain.RoleDelegate, Method: domain.MethodCard, FIN: deputyFIN, CardNumber: deputyCard, SessionID: "s-1", At: at}
}

// appIn walks a fresh application to a status through the real transitions.
func appIn(t *testing.T, id string, s domain.Status) domain.Application {
	t.Helper()
	a := draft(t, id, domain.ReasonCertificateLost)
	step := func(d domain.Decision, date, reason string) {
		var err error
		a, err = a.Decide(d, date, reason, officer, t0.Add(2*time.Hour))
		require.NoError(t, err)
	}
	if s == domain.StatusDraft {
		return a
	}
	var err error
	a, err = a.Submit(signature(t0.Add(time.Hour)), nil)
	require.NoError(t, err)
	switch s {
	case domain.StatusSubmitted:
	case domain.StatusInProcessing:
		step(domain.DecisionTakeIntoProcessing, "", "")
	case domain.StatusCompleted:
		step(domain.DecisionTakeIntoProcessing, "", "")
		step(domain.DecisionIssueCertificate, "2025-03-12", "")
	case domain.StatusRejected:
		step(domain.DecisionReject, "", "the SSN date does not match the register")
	default:
		t.Fatalf("no way to status %q", s)
	}
	require.Equal(t, s, a.Status)
	return a
}

func TestNewDraft(t *testing.T) {
	t.Parallel()
	a, err := domain.NewDraft("a-1", "SSC-9802091761-000001", insurer, domain.ReasonDocumentChanged, person(), t0)
	require.NoError(t, err)
	assert.Equal(t, "a-1", a.ID)
	assert.Equal(t, "SSC-9802091761-000001", a.Number)
	assert.Equal(t, insurer, a.InsurerVOEN)
	assert.Equal(t, domain.StatusDraft, a.Status)
	assert.Equal(t, domain.ReasonDocumentChanged, a.Reason)
	assert.Equal(t, domain.TypeReplacement, a.Type)
	assert.Equal(t, person(), a.Person)
	assert.True(t, a.CreatedAt.Equal(t0))
	assert.True(t, a.UpdatedAt.Equal(t0))
	assert.Nil(t, a.Signature, "a draft is unsigned")
	assert.Empty(t, a.CertificateDate)
	require.Len(t, a.History, 1)
	assert.Equal(t, domain.StatusChange{Status: domain.StatusDraft, At: t0, By: domain.ApplicantBy}, a.History[0])
	assert.Equal(t, 0, a.NoticeVersion(), "a draft has no notice")
	assert.NoError(t, a.CanDelete())
	assert.False(t, a.Status.InProgress())

	_, err = domain.NewDraft("a-2", "n", insurer, "no-reason", person(), t0)
	requireCode(t, err, domain.ErrInvalidReason)
}

func TestChangeDraft(t *testing.T) {
	t.Parallel()
	a := draft(t, "a-1", domain.ReasonDocumentChanged)
	later := t0.Add(30 * time.Minute)
	p := person()
	p.Document.Surname = "MƏMMƏDOV"

	b, err := a.Change(domain.ReasonCertificateLost, p, later)
	require.NoError(t, err)
	assert.Equal(t, domain.ReasonCertificateLost, b.Reason)
	assert.Equal(t, domain.TypeDuplicate, b.Type, "the type follows the new reason")
	assert.Equal(t, "MƏMMƏDOV", b.Person.Document.Surname)
	assert.True(t, b.UpdatedAt.Equal(later))
	assert.True(t, b.CreatedAt.Equal(t0))
	assert.Equal(t, domain.StatusDraft, b.Status)
	assert.Equal(t, 0, b.NoticeVersion())
	assert.Equal(t, domain.ReasonDocumentChanged, a.Reason, "Change returns a new value")

	c, err := b.Change("bogus", person(), later.Add(time.Minute))
	requireCode(t, err, domain.ErrInvalidReason)
	assert.Equal(t, b, c, "a refused change leaves the draft as it was")
}

func TestChangeRefusedOnceSigned(t *testing.T) {
	t.Parallel()
	for _, s := range []domain.Status{domain.StatusSubmitted, domain.StatusInProcessing, domain.StatusCompleted, domain.StatusRejected} {
		t.Run(string(s), func(t *testing.T) {
			a := appIn(t, "a-1", s)
			b, err := a.Change(domain.ReasonDataError, person(), t0.Add(3*time.Hour))
			requireCode(t, err, domain.ErrApplicationSigned)
			assert.Equal(t, a, b)
		})
	}
}

func TestSubmit(t *testing.T) {
	t.Parallel()
	a := draft(t, "a-1", domain.ReasonCertificateLost)
	at := t0.Add(time.Hour)
	sig := signature(at)
	b, err := a.Submit(sig, nil)
	require.NoError(t, err)
	assert.Equal(t, domain.StatusSubmitted, b.Status)
	assert.True(t, b.Status.InProgress())
	require.NotNil(t, b.Signature)
	assert.Equal(t, sig, *b.Signature)
	assert.True(t, b.UpdatedAt.Equal(at))
	require.Len(t, b.History, 2)
	assert.Equal(t, domain.StatusChange{Status: domain.StatusSubmitted, At: at, By: domain.ApplicantBy}, b.History[1])
	assert.Equal(t, 1, b.NoticeVersion(), "submission gives the first notice")
	requireCode(t, b.CanDelete(), domain.ErrApplicationSigned)

	assert.Equal(t, domain.StatusDraft, a.Status, "Submit returns a new value")
	assert.Len(t, a.History, 1, "the draft's history is not touched")
	assert.Nil(t, a.Signature)

	again, err := b.Submit(signature(at.Add(time.Hour)), nil)
	requireCode(t, err, domain.ErrApplicationSigned)
	assert.Equal(t, b, again)
}

func TestSubmitWithOtherApplicationsOfThePerson(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		other domain.Status
		want  error
	}{
		{"another submitted", domain.StatusSubmitted, domain.ErrApplicationOpen},
		{"another in processing", domain.StatusInProcessing, domain.ErrApplicationOpen},
		{"another completed", domain.StatusCompleted, nil},
		{"another rejected", domain.StatusRejected, nil},
		{"another draft", domain.StatusDraft, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			other := appIn(t, "a-0", c.other)
			a := draft(t, "a-1", domain.ReasonDataError)
			b, err := a.Submit(signature(t0.Add(3*time.Hour)), []domain.Application{a, other})
			requireCode(t, err, c.want)
			if c.want != nil {
				de, _ := domain.AsError(err)
				assert.Equal(t, other.ID, de.OpenApplicationID(), "the refusal names the open application by id")
				assert.Equal(t, a, b)
				return
			}
			assert.Equal(t, domain.StatusSubmitted, b.Status)
		})
	}
}

func TestSubmitListingItselfIsNotAConflict(t *testing.T) {
	t.Parallel()
	a := draft(t, "a-1", domain.ReasonDataError)
	self := a
	self.Status = domain.StatusSubmitted // as a stale read of the same id might show it
	_, err := a.Submit(signature(t0.Add(time.Hour)), []domain.Application{self})
	require.NoError(t, err)
}

func TestCanDeleteOnlyDrafts(t *testing.T) {
	t.Parallel()
	want := map[domain.Status]error{
		domain.StatusDraft:        nil,
		domain.StatusSubmitted:    domain.ErrApplicationSigned,
		domain.StatusInProcessing: domain.ErrApplicationSigned,
		domain.StatusCompleted:    domain.ErrApplicationSigned,
		domain.StatusRejected:     domain.ErrApplicationSigned,
	}
	for s, w := range want {
		t.Run(string(s), func(t *testing.T) {
			requireCode(t, appIn(t, "a-1", s).CanDelete(), w)
		})
	}
}

func TestInProgress(t *testing.T) {
	t.Parallel()
	want := map[domain.Status]bool{
		domain.StatusDraft: false, domain.StatusSubmitted: true, domain.StatusInProcessing: true,
		domain.StatusCompleted: false, domain.StatusRejected: false,
	}
	for s, w := range want {
		assert.Equal(t, w, s.InProgress(), "status %s", s)
	}
}

// TestDecideTransitions is the back office's whole state machine: every
// status × every decision.
func TestDecideTransitions(t *testing.T) {
	t.Parallel()
	statuses := []domain.Status{domain.StatusDraft, domain.StatusSubmitted, domain.StatusInProcessing, domain.StatusCompleted, domain.StatusRejected}
	decisions := []domain.Decision{domain.DecisionTakeIntoProcessing, domain.DecisionIssueCertificate, domain.DecisionReject}
	// to[from][decision] is the status reached; absent means refused.
	to := map[domain.Status]map[domain.Decision]domain.Status{
		domain.StatusDraft: {},
		domain.StatusSubmitted: {
			domain.DecisionTakeIntoProcessing: domain.StatusInProcessing,
			domain.DecisionReject:             domain.StatusRejected,
		},
		domain.StatusInProcessing: {
			domain.DecisionIssueCertificate: domain.StatusCompleted,
			domain.DecisionReject:           domain.StatusRejected,
		},
		domain.StatusCompleted: {},
		domain.StatusRejected:  {},
	}
	for _, from := range statuses {
		for _, d := range decisions {
			t.Run(fmt.Sprintf("%s/%s", from, d), func(t *testing.T) {
				a := appIn(t, "a-1", from)
				now := t0.Add(5 * time.Hour)
				b, err := a.Decide(d, "2025-03-12", "documents do not match", officer, now)
				want, ok := to[from][d]
				if !ok {
					requireCode(t, err, domain.ErrInvalidTransition)
					assert.Equal(t, a, b, "a refused decision changes nothing")
					return
				}
				require.NoError(t, err)
				assert.Equal(t, want, b.Status)
				assert.True(t, b.UpdatedAt.Equal(now))
				require.Len(t, b.History, len(a.History)+1, "each decision adds a step")
				last := b.History[len(b.History)-1]
				assert.Equal(t, want, last.Status)
				assert.Equal(t, officer, last.By)
				assert.True(t, last.At.Equal(now))
				assert.Equal(t, a.NoticeVersion()+1, b.NoticeVersion(), "each decision gives a new notice")
				if want == domain.StatusCompleted {
					assert.Equal(t, domain.Date("2025-03-12"), b.CertificateDate)
				} else {
					assert.Empty(t, b.CertificateDate, "only issuing records a certificate date")
				}
				if want != domain.StatusRejected {
					assert.Empty(t, b.RejectionReason, "only a rejection records a rejection reason")
				}
				assert.Len(t, a.History, len(b.History)-1, "the original's history is not touched")
			})
		}
	}
}

func TestDecideUnknownDecision(t *testing.T) {
	t.Parallel()
	a := appIn(t, "a-1", domain.StatusSubmitted)
	b, err := a.Decide("approve", "2025-03-12", "", officer, t0)
	requireCode(t, err, domain.ErrInvalidOption)
	assert.Equal(t, a, b)
}

func TestDecideIssueCertificateNeedsADate(t *testing.T) {
	t.Parallel()
	for _, date := range []string{"", "2025-02-30", "12.03.2025", "2025-3-12", "2025-03-12T10:00:00Z"} {
		t.Run(date, func(t *testing.T) {
			a := appIn(t, "a-1", domain.StatusInProcessing)
			b, err := a.Decide(domain.DecisionIssueCertificate, date, "", officer, t0.Add(5*time.Hour))
			requireCode(t, err, domain.ErrDecisionIncomplete)
			assert.Equal(t, a, b)
		})
	}
	a := appIn(t, "a-1", domain.StatusInProcessing)
	b, err := a.Decide(domain.DecisionIssueCertificate, "2025-03-12", "", officer, t0.Add(5*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, domain.Date("2025-03-12"), b.CertificateDate)
	assert.Equal(t, domain.StatusCompleted, b.Status)
}

func TestDecideRejectNeedsAReason(t *testing.T) {
	t.Parallel()
	for _, from := range []domain.Status{domain.StatusSubmitted, domain.StatusInProcessing} {
		t.Run(string(from), func(t *testing.T) {
			a := appIn(t, "a-1", from)
			b, err := a.Decide(domain.DecisionReject, "", "", officer, t0.Add(5*time.Hour))
			requireCode(t, err, domain.ErrDecisionIncomplete)
			assert.Equal(t, a, b)

			b, err = a.Decide(domain.DecisionReject, "", "photo does not match", officer, t0.Add(5*time.Hour))
			require.NoError(t, err)
			assert.Equal(t, domain.StatusRejected, b.Status)
			assert.Equal(t, "photo does not match", b.RejectionReason)
			assert.Equal(t, "photo does not match", b.History[len(b.History)-1].Reason)
			assert.Empty(t, b.CertificateDate)
		})
	}
}

func TestHistoryAndNoticeVersionsThroughALifecycle(t *testing.T) {
	t.Parallel()
	a := draft(t, "a-1", domain.ReasonCertificateUnused)
	assert.Equal(t, 0, a.NoticeVersion())
	a, err := a.Change(domain.ReasonCertificateLost, person(), t0.Add(time.Minute))
	require.NoError(t, err)
	assert.Equal(t, 0, a.NoticeVersion(), "saving a draft again gives no notice")

	a, err = a.Submit(signature(t0.Add(time.Hour)), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, a.NoticeVersion())
	a, err = a.Decide(domain.DecisionTakeIntoProcessing, "", "", officer, t0.Add(2*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 2, a.NoticeVersion())
	a, err = a.Decide(domain.DecisionIssueCertificate, "2025-03-12", "", officer, t0.Add(3*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 3, a.NoticeVersion())

	var steps []domain.Status
	for _, h := range a.History {
		steps = append(steps, h.Status)
	}
	assert.Equal(t, []domain.Status{domain.StatusDraft, domain.StatusSubmitted, domain.StatusInProcessing, domain.StatusCompleted}, steps)
	assert.Equal(t, []string{domain.ApplicantBy, domain.ApplicantBy, officer, officer},
		[]string{a.History[0].By, a.History[1].By, a.History[2].By, a.History[3].By})
	for i := 1; i < len(a.History); i++ {
		assert.False(t, a.History[i].At.Before(a.History[i-1].At), "history is in time order")
	}
}

func TestDecisionsDoNotShareHistoryBetweenBranches(t *testing.T) {
	t.Parallel()
	// Two decisions taken on the same value (e.g. a retried command) must not
	// overwrite each other's history through a shared backing array.
	a := appIn(t, "a-1", domain.StatusSubmitted)
	a.History = append(make([]domain.StatusChange, 0, 10), a.History...)
	taken, err := a.Decide(domain.DecisionTakeIntoProcessing, "", "", officer, t0.Add(2*time.Hour))
	require.NoError(t, err)
	rejected, err := a.Decide(domain.DecisionReject, "", "wrong person", officer, t0.Add(2*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, domain.StatusInProcessing, taken.History[len(taken.History)-1].Status)
	assert.Equal(t, domain.StatusRejected, rejected.History[len(rejected.History)-1].Status)
}

func TestCertificateStatusAfter(t *testing.T) {
	t.Parallel()
	want := map[domain.Status]domain.CertificateStatus{
		domain.StatusDraft:        domain.CertificateActive,
		domain.StatusSubmitted:    domain.CertificateActive,
		domain.StatusInProcessing: domain.CertificateActive,
		domain.StatusRejected:     domain.CertificateActive,
		domain.StatusCompleted:    domain.CertificateReplaced,
	}
	for s, w := range want {
		t.Run(string(s), func(t *testing.T) {
			assert.Equal(t, w, appIn(t, "a-1", s).CertificateStatusAfter())
		})
	}
	replacedBefore := appIn(t, "a-2", domain.StatusRejected)
	replacedBefore.Person.Insured.CertificateStatus = domain.CertificateReplaced
	assert.Equal(t, domain.CertificateReplaced, replacedBefore.CertificateStatusAfter(), "a rejection keeps the status the person had")
}

func TestApplicationNumber(t *testing.T) {
	t.Parallel()
	cases := []struct {
		seq  int64
		want string
	}{
		{1, "SSC-9802091761-000001"},
		{42, "SSC-9802091761-000042"},
		{999999, "SSC-9802091761-999999"},
		{1000000, "SSC-9802091761-1000000"},
	}
	format := regexp.MustCompile(`^SSC-[0-9]{10}-[0-9]{6,}$`)
	for _, c := range cases {
		got := domain.ApplicationNumber(insurer, c.seq)
		assert.Equal(t, c.want, got)
		assert.Regexp(t, format, got)
	}
	assert.Less(t, domain.ApplicationNumber(insurer, 9), domain.ApplicationNumber(insurer, 10), "zero padding keeps numbers in order")
	assert.NotEqual(t, domain.ApplicationNumber(insurer, 1), domain.ApplicationNumber(otherVOEN, 1), "numbers of two insurers differ")
}

func TestAtStatus(t *testing.T) {
	done := appIn(t, "a-1", domain.StatusCompleted)
	require.Equal(t, domain.StatusCompleted, done.Status)
	submitted, ok := done.AtStatus(domain.StatusSubmitted)
	require.True(t, ok)
	assert.Equal(t, domain.StatusSubmitted, submitted.Status)
	assert.Equal(t, 1, submitted.NoticeVersion())
	assert.Equal(t, done.Person.Insured.CertificateStatus, submitted.CertificateStatusAfter())
	completed, ok := done.AtStatus(domain.StatusCompleted)
	require.True(t, ok)
	assert.Equal(t, done.NoticeVersion(), completed.NoticeVersion())
	assert.Equal(t, domain.CertificateReplaced, completed.CertificateStatusAfter())
	_, ok = done.AtStatus(domain.StatusRejected)
	assert.False(t, ok, "a completed application was never rejected")
	assert.Len(t, done.History, done.NoticeVersion()+1, "AtStatus leaves the original alone")
}
