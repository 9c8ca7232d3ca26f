package service

import (
	"github.com/dsmf/ssc-adapter/contracts/demodata"
)

// The demo data set lives in contracts/demodata, which the command-line tool
// and testkit share without linking the server; these names keep the
// service's callers as they are.
var (
	DemoInsurer      = demodata.Insurer
	DemoOtherInsurer = demodata.OtherInsurer
	DemoEmployees    = demodata.Employees
)

// DemoEmployee is an insured person with an identity document.
type DemoEmployee = demodata.Employee

// Demo signers: the director holds the stamp; the deputy gets a grant in the walk-through.
const (
	DemoDirectorFIN  = demodata.DirectorFIN
	DemoDirectorCard = demodata.DirectorCard
	DemoDeputyFIN    = demodata.DeputyFIN
	DemoDeputyPhone  = demodata.DeputyPhone
	DemoDeputyUserID = demodata.DeputyUserID
)

// demoRecords returns the demo reference records, stamped at.
var demoRecords = demodata.Records
