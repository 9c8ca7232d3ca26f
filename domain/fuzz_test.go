package domain_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dsmf/ssc-adapter/domain"
)

// The fuzz targets check each validator against an independent statement of
// its rule (a regular expression) and that a refusal is always the
// validator's own domain error. Seeds beyond f.Add are in testdata/fuzz/.

func checkRefusal(t *testing.T, in string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%q refused with %v, want %v", in, err, want)
	}
	if _, ok := domain.AsError(err); !ok {
		t.Fatalf("%q refused with a non-domain error %v", in, err)
	}
}

var finRule = regexp.MustCompile(`^[0-9A-HJ-NP-Z]{7}$`)

func FuzzValidateFIN(f *testing.F) {
	for _, s := range []string{"5ZK8T3B", "7QLO4CD", "", "5zk8t3b", "5ZK8TƏ", "5ZK8T3BB", "ÀÀÀ0", "\xff\xfe\xfd\xfc\xfb\xfa\xf9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := domain.ValidateFIN(s)
		if err == nil {
			if len(s) != 7 || !finRule.MatchString(s) {
				t.Fatalf("accepted FIN %q is not 7 digits and capitals other than I and O", s)
			}
			return
		}
		checkRefusal(t, s, err, domain.ErrInvalidFIN)
		if finRule.MatchString(s) {
			t.Fatalf("refused a well-formed FIN %q", s)
		}
	})
}

var ssnRule = regexp.MustCompile(`^[0-9]{13}$`)

func FuzzValidateSSN(f *testing.F) {
	for _, s := range []string{"1234567890123", "", "123456789012", "12345678901234", "123456789012٣", "+234567890123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := domain.ValidateSSN(s)
		if err == nil {
			if !ssnRule.MatchString(s) {
				t.Fatalf("accepted SSN %q is not 13 digits", s)
			}
			return
		}
		checkRefusal(t, s, err, domain.ErrInvalidSSN)
		if ssnRule.MatchString(s) {
			t.Fatalf("refused a well-formed SSN %q", s)
		}
	})
}

var voenRule = regexp.MustCompile(`^[0-9]{10}$`)

func FuzzValidateVOEN(f *testing.F) {
	for _, s := range []string{"9802091761", "", "980209176", "98020917610", "980209176A", "-802091761"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := domain.ValidateVOEN(s)
		if err == nil {
			if !voenRule.MatchString(s) {
				t.Fatalf("accepted VÖEN %q is not 10 digits", s)
			}
			return
		}
		checkRefusal(t, s, err, domain.ErrInvalidVOEN)
		if voenRule.MatchString(s) {
			t.Fatalf("refused a well-formed VÖEN %q", s)
		}
	})
}

var phoneRule = regexp.MustCompile(`^\+994(` + strings.Join(domain.MobilePrefixes, "|") + `)[0-9]{7}$`)

func FuzzValidatePhone(f *testing.F) {
	for _, s := range []string{"+994501234567", "+994121234567", "+99450123456", "+9945012345678", "0501234567", "994501234567", "+994 50 123 45 67", "+994", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := domain.ValidatePhone(s)
		if err == nil {
			if len(s) != 13 || !phoneRule.MatchString(s) {
				t.Fatalf("accepted phone %q is not +994, a listed prefix and 7 digits", s)
			}
			return
		}
		checkRefusal(t, s, err, domain.ErrInvalidPhone)
		if phoneRule.MatchString(s) {
			t.Fatalf("refused a well-formed phone %q", s)
		}
	})
}

var cardRule = regexp.MustCompile(`^[0-9A-Z]{6,20}$`)

func FuzzValidateCardNumber(f *testing.F) {
	for _, s := range []string{"RYTN123456", "AZ1234", "AZ123", strings.Repeat("9", 20), strings.Repeat("9", 21), "az123456", "AZ-123456", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := domain.ValidateCardNumber(s)
		if err == nil {
			if !cardRule.MatchString(s) {
				t.Fatalf("accepted card number %q is not 6 to 20 Latin capitals/digits", s)
			}
			return
		}
		checkRefusal(t, s, err, domain.ErrInvalidCard)
		if cardRule.MatchString(s) {
			t.Fatalf("refused a well-formed card number %q", s)
		}
	})
}

var dateShape = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-03-10", "2024-02-29", "2023-02-29", "2025-13-01", "2025-00-10", "2025-04-31", "0000-01-01", "9999-12-31", "2025-3-10", "+025-03-10", "10.03.2025", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := domain.ParseDate(s)
		if err != nil {
			checkRefusal(t, s, err, domain.ErrInvalidDate)
			if d != "" {
				t.Fatalf("refused %q but returned %q", s, d)
			}
			// A YYYY-MM-DD that names a real day must be accepted.
			if dateShape.MatchString(s) {
				if tm, perr := time.Parse(time.DateOnly, s); perr == nil && tm.Format(time.DateOnly) == s {
					t.Fatalf("refused the real date %q", s)
				}
			}
			return
		}
		if string(d) != s {
			t.Fatalf("ParseDate(%q) = %q, want the input back", s, d)
		}
		if !dateShape.MatchString(s) {
			t.Fatalf("accepted %q, which is not YYYY-MM-DD", s)
		}
		tm, perr := time.Parse(time.DateOnly, s)
		if perr != nil {
			t.Fatalf("accepted %q, which time.Parse refuses: %v", s, perr)
		}
		if got := tm.Format(time.DateOnly); got != s {
			t.Fatalf("accepted %q, which round-trips to %q", s, got)
		}
		// Noon in Baku on that day is that day.
		noon := time.Date(tm.Year(), tm.Month(), tm.Day(), 12, 0, 0, 0, domain.Baku)
		if got := domain.DateOf(noon); got != d {
			t.Fatalf("DateOf(noon on %s) = %s", d, got)
		}
	})
}
