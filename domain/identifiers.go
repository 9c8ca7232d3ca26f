package domain

import (
	"strings"
	"time"
)

// ValidateFIN checks a FIN (fərdi identifikasiya nömrəsi): 7 characters,
// digits and Latin capitals but never I or O, which are not issued because
// they read as 1 and 0.
func ValidateFIN(s string) error {
	if len(s) != 7 || !allOf(s, isFINChar) {
		return ErrInvalidFIN
	}
	return nil
}

// ValidateSSN checks a social insurance number (sosial sığorta nömrəsi): 13 digits.
func ValidateSSN(s string) error {
	if len(s) != 13 || !allOf(s, isDigit) {
		return ErrInvalidSSN
	}
	return nil
}

// ValidateVOEN checks a taxpayer number (VÖEN): 10 digits.
func ValidateVOEN(s string) error {
	if len(s) != 10 || !allOf(s, isDigit) {
		return ErrInvalidVOEN
	}
	return nil
}

// MobilePrefixes are the operator prefixes the portal's list offers after +994.
var MobilePrefixes = []string{"10", "50", "51", "55", "60", "70", "77", "99"}

// ValidatePhone checks an Asan imza mobile number: +994, an operator prefix
// and 7 digits.
func ValidatePhone(s string) error {
	rest, ok := strings.CutPrefix(s, "+994")
	if !ok || len(rest) != 9 || !allOf(rest, isDigit) {
		return ErrInvalidPhone
	}
	for _, p := range MobilePrefixes {
		if strings.HasPrefix(rest, p) {
			return nil
		}
	}
	return ErrInvalidPhone
}

// ValidateCardNumber checks an e-signature card number: 6 to 20 Latin
// capitals and digits.
func ValidateCardNumber(s string) error {
	if len(s) < 6 || len(s) > 20 || !allOf(s, isUpperOrDigit) {
		return ErrInvalidCard
	}
	return nil
}

// Date is a calendar date written YYYY-MM-DD. Such strings sort as dates do,
// so Dates compare with < and >.
type Date string

// ParseDate checks a YYYY-MM-DD date.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 {
		return "", ErrInvalidDate
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return "", ErrInvalidDate
	}
	return Date(s), nil
}

// Baku is the service's time zone (UTC+4, no daylight saving).
var Baku = time.FixedZone("Asia/Baku", 4*60*60)

// DateOf is the calendar date in Baku of an instant.
func DateOf(t time.Time) Date { return Date(t.In(Baku).Format(time.DateOnly)) }

func allOf(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool        { return c >= '0' && c <= '9' }
func isUpperOrDigit(c byte) bool { return isDigit(c) || (c >= 'A' && c <= 'Z') }
func isFINChar(c byte) bool      { return isUpperOrDigit(c) && c != 'I' && c != 'O' }
