package testkit

import (
	"github.com/dsmf/ssc-adapter/contracts/demodata"
)

// Fixtures: the demo data set of the service, loaded through the real
// reference topics.
var (
	// Insurer is the manual's example insurer.
	Insurer = demodata.Insurer
	// OtherInsurer is a second insurer, for cross-insurer checks.
	OtherInsurer = demodata.OtherInsurer
	// Employees are the insured persons; see Employee, MigrantEmployee,
	// ExpiredDocumentEmployee and OtherEmployee.
	Employees = demodata.Employees
)

// Signers of the fixture insurer.
const (
	DirectorFIN  = demodata.DirectorFIN
	DirectorCard = demodata.DirectorCard
	DeputyFIN    = demodata.DeputyFIN
	DeputyPhone  = demodata.DeputyPhone
	DeputyUserID = demodata.DeputyUserID
)

// Employee is the walk-through's employee of Insurer (DİN identity card).
func Employee() demodata.Employee { return Employees[0] }

// SecondEmployee is another employee of Insurer.
func SecondEmployee() demodata.Employee { return Employees[1] }

// MigrantEmployee is an employee of Insurer with a migration document.
func MigrantEmployee() demodata.Employee { return Employees[2] }

// ExpiredDocumentEmployee is an employee of Insurer whose document expired.
func ExpiredDocumentEmployee() demodata.Employee { return Employees[3] }

// OtherEmployee is an employee of OtherInsurer.
func OtherEmployee() demodata.Employee { return Employees[4] }

// fixtureRecords lists every fixture reference record.
func fixtureRecords() []any {
	out := []any{Insurer, OtherInsurer}
	for _, e := range Employees {
		out = append(out, e.Insured, e.Document)
	}
	return out
}
