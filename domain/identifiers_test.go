package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/domain"
)

func TestValidateFIN(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		ok   bool
	}{
		{"manual example", "5ZK8T3B", true},
		{"all digits", "1234567", true},
		{"all letters", "ABCDEFG", true},
		{"every letter but I and O", "HJKLMNP", true},
		{"letter O (never issued: reads as 0)", "7QLO4CD", false},
		{"letter I (never issued: reads as 1)", "5ZK8T3I", false},
		{"digits 1 and 0 where I and O would be", "7QL04CD", true},
		{"empty", "", false},
		{"six characters", "5ZK8T3", false},
		{"eight characters", "5ZK8T3BB", false},
		{"lower case", "5zk8t3b", false},
		{"one lower-case letter", "5ZK8T3b", false},
		{"space inside", "5ZK 8T3", false},
		{"leading space", " 5ZK8T3", false},
		{"trailing newline", "5ZK8T3\n", false},
		{"hyphen", "5ZK-8T3", false},
		{"Azerbaijani capital Ə (7 bytes)", "5ZK8TƏ", false},
		{"Cyrillic А that looks Latin (7 bytes)", "5ZK8TА", false},
		{"Azerbaijani dotted İ", "5ZK8T3İ", false},
		{"NUL byte", "5ZK8T3\x00", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := domain.ValidateFIN(c.in)
			if c.ok {
				requireCode(t, err, nil)
			} else {
				requireCode(t, err, domain.ErrInvalidFIN)
			}
		})
	}
}

func TestValidateSSN(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		ok   bool
	}{
		{"13 digits", "1234567890123", true},
		{"leading zeros", "0000000000001", true},
		{"empty", "", false},
		{"12 digits", "123456789012", false},
		{"14 digits", "12345678901234", false},
		{"letter", "123456789012A", false},
		{"plus sign", "+234567890123", false},
		{"spaces", "1234 567890123", false},
		{"Arabic-Indic digit", "123456789012٣", false},
		{"FIN instead of SSN", "5ZK8T3B", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := domain.ValidateSSN(c.in)
			if c.ok {
				requireCode(t, err, nil)
			} else {
				requireCode(t, err, domain.ErrInvalidSSN)
			}
		})
	}
}

func TestValidateVOEN(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		ok   bool
	}{
		{"manual example", "9802091761", true},
		{"DSMF account number shape", "9819854215", true},
		{"empty", "", false},
		{"9 digits", "980209176", false},
		{"11 digits", "98020917610", false},
		{"letter", "980209176A", false},
		{"spaces", "980 2091761", false},
		{"negative", "-802091761", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := domain.ValidateVOEN(c.in)
			if c.ok {
				requireCode(t, err, nil)
			} else {
				requireCode(t, err, domain.ErrInvalidVOEN)
			}
		})
	}
}

func TestMobilePrefixesAreTwoDistinctDigits(t *testing.T) {
	t.Parallel()
	require.NotEmpty(t, domain.MobilePrefixes)
	seen := map[string]bool{}
	for _, p := range domain.MobilePrefixes {
		assert.Len(t, p, 2, "prefix %q", p)
		assert.NoError(t, domain.ValidateSSN(strings.Repeat(p, 6)+"0"), "prefix %q must be digits", p)
		assert.False(t, seen[p], "prefix %q listed twice", p)
		seen[p] = true
	}
}

func TestValidatePhoneEveryOperatorPrefix(t *testing.T) {
	t.Parallel()
	for _, p := range domain.MobilePrefixes {
		n := "+994" + p + "1234567"
		requireCode(t, domain.ValidatePhone(n), nil)
	}
}

func TestValidatePhone(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		ok   bool
	}{
		{"manual example", "+994501234567", true},
		{"Bakcell 55", "+994559876543", true},
		{"Nar 70", "+994701112233", true},
		{"Baku landline prefix 12", "+994121234567", false},
		{"unknown prefix 88", "+994881234567", false},
		{"prefix with trunk zero", "+9940501234567", false},
		{"six digits after prefix", "+99450123456", false},
		{"eight digits after prefix", "+9945012345678", false},
		{"letter", "+99450123456a", false},
		{"letters instead of number", "+994abcdefghi", false},
		{"missing +994, local form", "0501234567", false},
		{"missing +994", "501234567", false},
		{"missing plus", "994501234567", false},
		{"00 international form", "00994501234567", false},
		{"another country code", "+790501234567", false},
		{"spaces", "+994 50 123 45 67", false},
		{"hyphens", "+994-50-123-45-67", false},
		{"only country code", "+994", false},
		{"empty", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := domain.ValidatePhone(c.in)
			if c.ok {
				requireCode(t, err, nil)
			} else {
				requireCode(t, err, domain.ErrInvalidPhone)
			}
		})
	}
}

func TestValidateCardNumber(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		ok   bool
	}{
		{"six characters", "AZ1234", true},
		{"twenty characters", strings.Repeat("A1", 10), true},
		{"digits only", "00012345", true},
		{"five characters", "AZ123", false},
		{"twenty-one characters", strings.Repeat("A1", 10) + "B", false},
		{"empty", "", false},
		{"lower case", "az123456", false},
		{"hyphen", "AZ-123456", false},
		{"space", "AZ 123456", false},
		{"non-Latin capital", "AZ12345Ə", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := domain.ValidateCardNumber(c.in)
			if c.ok {
				requireCode(t, err, nil)
			} else {
				requireCode(t, err, domain.ErrInvalidCard)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		ok   bool
	}{
		{"ordinary day", "2025-03-10", true},
		{"first day of year", "2025-01-01", true},
		{"last day of year", "2025-12-31", true},
		{"30 April", "2025-04-30", true},
		{"29 February of a leap year", "2024-02-29", true},
		{"29 February of a 400-year leap year", "2000-02-29", true},
		{"29 February of a non-leap year", "2023-02-29", false},
		{"29 February of a century non-leap year", "1900-02-29", false},
		{"30 February", "2024-02-30", false},
		{"31 April", "2025-04-31", false},
		{"month 13", "2025-13-01", false},
		{"month 00", "2025-00-10", false},
		{"day 32", "2025-01-32", false},
		{"day 00", "2025-01-00", false},
		{"one-digit month", "2025-3-10", false},
		{"one-digit day", "2025-03-1", false},
		{"two-digit year", "25-03-10", false},
		{"slashes", "2025/03/10", false},
		{"dotted local form", "10.03.2025", false},
		{"day first", "10-03-2025", false},
		{"with time", "2025-03-10T00:00:00Z", false},
		{"trailing space", "2025-03-10 ", false},
		{"leading space", " 2025-03-10", false},
		{"ten characters, one-digit month and day padded", "2025-3-1  ", false},
		{"signed year", "+025-03-10", false},
		{"empty", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := domain.ParseDate(c.in)
			if c.ok {
				requireCode(t, err, nil)
				assert.Equal(t, domain.Date(c.in), d)
			} else {
				requireCode(t, err, domain.ErrInvalidDate)
				assert.Empty(t, d)
			}
		})
	}
}

func TestDatesCompareAsStrings(t *testing.T) {
	t.Parallel()
	a, err := domain.ParseDate("2024-12-31")
	require.NoError(t, err)
	b, err := domain.ParseDate("2025-01-01")
	require.NoError(t, err)
	assert.True(t, a < b)
	assert.True(t, domain.Date("2025-02-28") < domain.Date("2025-03-01"))
}

func TestDateOfIsTheCalendarDayInBaku(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EST", -5*60*60)
	}
	cases := []struct {
		name string
		at   time.Time
		want domain.Date
	}{
		{"noon in Baku", time.Date(2025, 3, 10, 8, 0, 0, 0, time.UTC), "2025-03-10"},
		{"19:59:59 UTC is 23:59:59 in Baku", time.Date(2025, 3, 10, 19, 59, 59, 0, time.UTC), "2025-03-10"},
		{"20:00 UTC is midnight in Baku", time.Date(2025, 3, 10, 20, 0, 0, 0, time.UTC), "2025-03-11"},
		{"21:00 UTC is the next day in Baku", time.Date(2025, 3, 10, 21, 0, 0, 0, time.UTC), "2025-03-11"},
		{"year end", time.Date(2024, 12, 31, 21, 0, 0, 0, time.UTC), "2025-01-01"},
		{"leap day", time.Date(2024, 2, 28, 22, 0, 0, 0, time.UTC), "2024-02-29"},
		{"summer: Baku keeps UTC+4", time.Date(2025, 7, 1, 20, 0, 0, 0, time.UTC), "2025-07-02"},
		{"summer: one second earlier", time.Date(2025, 7, 1, 19, 59, 59, 0, time.UTC), "2025-07-01"},
		{"instant given in another zone", time.Date(2025, 3, 10, 16, 30, 0, 0, ny), "2025-03-11"},
		{"instant given in Baku", time.Date(2025, 3, 10, 0, 0, 0, 0, domain.Baku), "2025-03-10"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, domain.DateOf(c.at))
			_, err := domain.ParseDate(string(domain.DateOf(c.at)))
			assert.NoError(t, err, "DateOf must give a date ParseDate accepts")
		})
	}
}

func TestBakuIsUTCPlusFour(t *testing.T) {
	t.Parallel()
	for _, m := range []time.Month{time.January, time.July} {
		_, off := time.Date(2025, m, 1, 0, 0, 0, 0, domain.Baku).Zone()
		assert.Equal(t, 4*60*60, off, "month %s", m)
	}
}
