package main

import (
	"time"

	"github.com/google/uuid"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/demodata"
	"github.com/dsmf/ssc-adapter/domain"
)

// The signers of the demo data set (contracts/demodata), the defaults
// of the login shortcuts and of demo.
var (
	demoVOEN         = demodata.Insurer.VOEN
	demoDirectorFIN  = demodata.DirectorFIN
	demoDirectorCard = demodata.DirectorCard
	demoDeputyFIN    = demodata.DeputyFIN
	demoDeputyPhone  = demodata.DeputyPhone
	demoDeputyUserID = demodata.DeputyUserID
)

// directorLogin is the assertion the portal sends after the director has
// chosen the e-signature card's certificate and entered the PIN: a card
// with stamp authority, valid half a year either side of now.
func directorLogin(voen, fin, card string, stamp bool, now time.Time) contracts.LoginAssertion {
	now = now.UTC()
	return contracts.LoginAssertion{
		AssertionID: uuid.NewString(), Method: contracts.MethodESignCard, SignerFIN: fin, InsurerVOEN: voen,
		Card: &contracts.CardIdentity{CardNumber: card, CertificateSerial: "7FC4E13612808EC800",
			Subject: "CN=SƏMİR QƏLƏYEV", Issuer: "CN=AZ Governing Bodies CA"},
		StampAuthority: stamp, CertNotBefore: now.AddDate(0, -6, 0), CertNotAfter: now.AddDate(0, 6, 0), IssuedAt: now,
	}
}

// asanLogin is the assertion after an Asan imza confirmation on the phone,
// without stamp authority.
func asanLogin(voen, fin, phone, userID string, now time.Time) contracts.LoginAssertion {
	now = now.UTC()
	return contracts.LoginAssertion{
		AssertionID: uuid.NewString(), Method: contracts.MethodAsanImza, SignerFIN: fin, InsurerVOEN: voen,
		Asan:          &contracts.AsanIdentity{Phone: phone, UserID: userID},
		CertNotBefore: now.AddDate(0, -6, 0), CertNotAfter: now.AddDate(0, 6, 0), IssuedAt: now,
	}
}

// demoEmployees are the demo data's insured persons.
func demoEmployees() []demodata.Employee { return demodata.Employees }

// today is the date in Baku, the service's calendar.
func today(now time.Time) string { return string(domain.DateOf(now)) }
