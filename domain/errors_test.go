package domain_test

import (
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/domain"
)

// sentinels are the exported errors a caller compares against.
var sentinels = []*domain.Error{
	domain.ErrMalformed, domain.ErrUnknownType, domain.ErrSchema, domain.ErrKeyMismatch, domain.ErrInternal,
	domain.ErrInvalidFIN, domain.ErrInvalidSSN, domain.ErrInvalidVOEN, domain.ErrInvalidPhone, domain.ErrInvalidCard,
	domain.ErrInvalidDate, domain.ErrInvalidPage, domain.ErrInvalidOption,
	domain.ErrLoginMethod, domain.ErrCertExpired, domain.ErrCertNotYetValid, domain.ErrInsurerUnknown, domain.ErrNoAuthority,
	domain.ErrFirstLoginNoStamp, domain.ErrGrantRevoked, domain.ErrGrantNotStarted, domain.ErrGrantEnded,
	domain.ErrSessionUnknown, domain.ErrSessionClosed, domain.ErrSessionExpired, domain.ErrWrongInsurer,
	domain.ErrAuthorityWithdrawn, domain.ErrOwnerOnly,
	domain.ErrGrantDuplicate, domain.ErrGrantPeriod, domain.ErrGrantPeriodPast, domain.ErrGrantNotFound, domain.ErrGrantSelf,
	domain.ErrGranteeIncomplete, domain.ErrUnknownServiceName,
	domain.ErrDocumentNotFound, domain.ErrSSNMismatch, domain.ErrNotInsuredHere, domain.ErrDocumentExpired,
	domain.ErrInvalidReason, domain.ErrApplicationNotFound, domain.ErrApplicationOpen, domain.ErrApplicationSigned,
	domain.ErrInvalidTransition, domain.ErrDecisionIncomplete, domain.ErrNoticeNotAvailable,
	domain.ErrContentType, domain.ErrInvalidUTF8, domain.ErrDeadLetterFailed,
}

func TestCodesAreUniqueAndDocumented(t *testing.T) {
	t.Parallel()
	upperSnake := regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$`)
	codes := domain.Codes()
	require.NotEmpty(t, codes)
	seen := map[string]bool{}
	for i, e := range codes {
		require.NotNil(t, e)
		assert.Regexp(t, upperSnake, e.Code)
		assert.False(t, seen[e.Code], "code %s listed twice", e.Code)
		seen[e.Code] = true
		assert.NotEmpty(t, e.AZ, "%s has no Azerbaijani message", e.Code)
		assert.NotEmpty(t, e.EN, "%s has no English message", e.Code)
		assert.NotEqual(t, e.AZ, e.EN, "%s: the Azerbaijani message is not a copy of the English one", e.Code)
		assert.Empty(t, e.Detail, "%s: a catalogue entry carries no detail", e.Code)
		if i > 0 {
			assert.Less(t, codes[i-1].Code, e.Code, "Codes is sorted")
		}
	}
}

func TestEverySentinelIsInTheCatalogue(t *testing.T) {
	t.Parallel()
	byCode := map[string]*domain.Error{}
	for _, e := range domain.Codes() {
		byCode[e.Code] = e
	}
	for _, s := range sentinels {
		assert.Same(t, s, byCode[s.Code], "%s is not in Codes()", s.Code)
	}
}

func TestSentinelsAreDistinct(t *testing.T) {
	t.Parallel()
	for i, a := range sentinels {
		for j, b := range sentinels {
			assert.Equal(t, i == j, errors.Is(a, b), "%s vs %s", a.Code, b.Code)
		}
	}
}

func TestWithKeepsTheCode(t *testing.T) {
	t.Parallel()
	for _, s := range sentinels {
		d := s.With("application %s", "a-1")
		assert.Equal(t, s.Code, d.Code)
		assert.Equal(t, s.AZ, d.AZ)
		assert.Equal(t, s.EN, d.EN)
		assert.Equal(t, "application a-1", d.Detail)
		assert.True(t, errors.Is(d, s), "%s with a detail still matches its sentinel", s.Code)
		assert.Empty(t, s.Detail, "With does not change the sentinel")
		assert.NotSame(t, s, d)

		wrapped := fmt.Errorf("handling command: %w", d)
		assert.True(t, errors.Is(wrapped, s), "%s matches through wrapping", s.Code)
		got, ok := domain.AsError(wrapped)
		require.True(t, ok)
		assert.Equal(t, s.Code, got.Code)
		assert.Equal(t, "application a-1", got.Detail)
	}
	assert.False(t, errors.Is(domain.ErrInvalidFIN.With("x"), domain.ErrInvalidSSN))
}

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "INVALID_FIN: "+domain.ErrInvalidFIN.EN, domain.ErrInvalidFIN.Error())
	assert.Equal(t, "GRANT_DUPLICATE: "+domain.ErrGrantDuplicate.EN+" (grant g-1)", domain.ErrGrantDuplicate.With("grant %s", "g-1").Error())
}

func TestAsErrorOnForeignErrors(t *testing.T) {
	t.Parallel()
	_, ok := domain.AsError(errors.New("disk full"))
	assert.False(t, ok)
	_, ok = domain.AsError(nil)
	assert.False(t, ok)
	assert.False(t, errors.Is(errors.New("INVALID_FIN"), domain.ErrInvalidFIN), "only a domain error matches by code")
}

func TestOpenApplicationIDOnlyForAlreadyOpen(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "app-7", domain.ErrApplicationOpen.With("%s", "app-7").OpenApplicationID())
	assert.Empty(t, domain.ErrApplicationNotFound.With("%s", "app-7").OpenApplicationID())
	var none *domain.Error
	assert.Empty(t, none.OpenApplicationID())
}
