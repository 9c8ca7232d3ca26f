package domain

import (
	"sort"
	"strings"
)

// RegistryFilter is a search of the registry (REYESTR): exact matches on
// codes, prefix matches on names, inclusive date ranges. Empty fields match all.
type RegistryFilter struct {
	Type                   ApplicationType
	FIN, SSN               string
	Surname, Name          string
	Patronymic             string
	SSNDateFrom, SSNDateTo Date
	AppliedFrom, AppliedTo Date
	CertificateStatus      CertificateStatus
	Status                 Status
}

// Validate checks the filter's dates and codes.
func (f RegistryFilter) Validate() error {
	for _, d := range []Date{f.SSNDateFrom, f.SSNDateTo, f.AppliedFrom, f.AppliedTo} {
		if d != "" {
			if _, err := ParseDate(string(d)); err != nil {
				return err
			}
		}
	}
	if f.Type != "" && f.Type != TypeReplacement && f.Type != TypeDuplicate {
		return ErrInvalidOption.With("filter.type")
	}
	return nil
}

// ApplicationDate is the date an application was signed; a draft's is the
// date it was last saved, so drafts sort among the rest.
func (a Application) ApplicationDate() Date {
	if a.Signature != nil {
		return DateOf(a.Signature.At)
	}
	return DateOf(a.UpdatedAt)
}

// Matches reports whether an application passes the filter; certificate is
// the person's certificate status as the registry shows it.
func (f RegistryFilter) Matches(a Application, certificate CertificateStatus) bool {
	d, p := a.Person.Document, a.Person.Insured
	return (f.Type == "" || a.Type == f.Type) &&
		(f.FIN == "" || d.FIN == f.FIN) &&
		(f.SSN == "" || p.SSN == f.SSN) &&
		prefix(d.Surname, f.Surname) && prefix(d.Name, f.Name) && prefix(d.Patronymic, f.Patronymic) &&
		within(p.SSNDate, f.SSNDateFrom, f.SSNDateTo) &&
		within(a.ApplicationDate(), f.AppliedFrom, f.AppliedTo) &&
		(f.CertificateStatus == "" || certificate == f.CertificateStatus) &&
		(f.Status == "" || a.Status == f.Status)
}

// prefix matches names case-insensitively, with Azerbaijani casing rules
// for I/ı and İ/i.
func prefix(value, p string) bool {
	return p == "" || strings.HasPrefix(foldAZ(value), foldAZ(p))
}

var azUpper = strings.NewReplacer("i", "İ", "ı", "I")

func foldAZ(s string) string { return strings.ToUpper(azUpper.Replace(s)) }

func within(d, from, to Date) bool {
	return (from == "" || d >= from) && (to == "" || d <= to)
}

// SortNewestFirst orders applications by application date, then by when
// they were made, newest first; ties by number keep the order stable.
func SortNewestFirst(apps []Application) {
	sort.Slice(apps, func(i, j int) bool {
		a, b := apps[i], apps[j]
		if da, db := a.ApplicationDate(), b.ApplicationDate(); da != db {
			return da > db
		}
		if !a.CreatedAt.Equal(b.CreatedAt) {
			return a.CreatedAt.After(b.CreatedAt)
		}
		return a.Number > b.Number
	})
}

// Page is a page request: numbered from 1.
type Page struct{ Number, Size int }

// Page sizes.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// NewPage fills defaults and checks bounds.
func NewPage(number, size int) (Page, error) {
	if number == 0 {
		number = 1
	}
	if size == 0 {
		size = DefaultPageSize
	}
	if number < 1 || size < 1 || size > MaxPageSize {
		return Page{}, ErrInvalidPage
	}
	return Page{number, size}, nil
}

// Bounds returns the slice bounds of the page in a list of total items.
func (p Page) Bounds(total int) (from, to int) {
	from = (p.Number - 1) * p.Size
	if from > total {
		from = total
	}
	to = from + p.Size
	if to > total {
		to = total
	}
	return from, to
}
