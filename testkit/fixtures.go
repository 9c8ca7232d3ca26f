package testkit

import (
	"github.com/dsmf/ssc-adapter/adapters/service"
)

// Fixtures: the demo data set of the service, loaded through the real
// reference topics.
var (
	// Insurer is the manual's example insurer.
	Insurer = service.DemoInsurer
	// OtherInsurer is a second insurer, for cross-insurer checks.
	OtherInsurer = service.DemoOtherInsurer
	// Employees are the insured persons; see Employee, MigrantEmployee,
	// ExpiredDocumentEmployee and OtherEmployee.
	Employees = service.DemoEmployees
)

// Signers of the fixture insurer.
const (
	DirectorFIN  = service.DemoDirectorFIN
	DirectorCard = service.DemoDirectorCard
	DeputyFIN    = service.DemoDeputyFIN
	DeputyPhone  = service.DemoDeputyPhone
	DeputyUserID = service.DemoDeputyUserID
)

// Employee is the walk-through's employee of Insurer (DİN identity card).
func Employee() service.DemoEmployee { return Employees[0] }

// SecondEmployee is another employee of Insurer.
func SecondEmployee() service.DemoEmployee { return Employees[1] }

// MigrantEmployee is an employee of Insurer with a migration document.
func MigrantEmployee() service.DemoEmployee { return Employees[2] }

// ExpiredDocumentEmployee is an employee of Insurer whose document expired.
func ExpiredDocumentEmployee() service.DemoEmployee { return Employees[3] }

// OtherEmployee is an employee of OtherInsurer.
func OtherEmployee() service.DemoEmployee { return Employees[4] }

// fixtureRecords lists every fixture reference record.
func fixtureRecords() []any {
	out := []any{Insurer, OtherInsurer}
	for _, e := range Employees {
		out = append(out, e.Insured, e.Document)
	}
	return out
}
