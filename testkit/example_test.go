package testkit_test

import (
	"encoding/json"
	"fmt"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// A portal-side test: log in as the director, search the employee (AXTAR),
// save and confirm an application, and read the reply.
func Example_portal() {
	t := testkit.NewStandalone() // in a test, pass its *testing.T instead
	defer t.Close()
	h := testkit.Start(t, testkit.Options{})

	director := h.Login(testkit.DirectorLogin(testkit.Insurer.VOEN))
	var found contracts.PersonLookupResult
	h.MustOK(h.Request(testkit.PersonLookup(director)), contracts.TypePersonLookupResult, &found)
	fmt.Println("found:", found.Person.Surname, found.Person.Name)

	var saved contracts.DraftSaveResult
	h.MustOK(h.Request(testkit.DraftSave(director)), contracts.TypeDraftSaveResult, &saved)
	var submitted contracts.SubmitResult
	h.MustOK(h.Request(testkit.SubmitDraft(director, saved.Application.ApplicationID)), contracts.TypeSubmitResult, &submitted)
	fmt.Println("status:", submitted.Application.Status, "type:", submitted.Application.Type)

	// A refusal has a stable code and a message in Azerbaijani and English.
	refusal := h.Request(testkit.DraftDelete(director, saved.Application.ApplicationID)).Error()
	fmt.Println("delete:", refusal.Code, "/", refusal.Message.AZ)
	// Output:
	// found: ƏLİYEVA ŞƏHLA
	// status: submitted type: duplicate
	// delete: APPLICATION_SIGNED / İmzalanmış müraciət silinə və dəyişdirilə bilməz
}

// A back-office consumer test: read a submitted application from the event
// log, take it into processing, and see the status change and the notice.
func Example_backOffice() {
	t := testkit.NewStandalone()
	defer t.Close()
	h := testkit.Start(t, testkit.Options{})
	director := h.Login(testkit.DirectorLogin(testkit.Insurer.VOEN))
	h.MustOK(h.Request(testkit.SubmitNew(director)), contracts.TypeSubmitResult, nil)

	// What the back office consumes: the event log.
	ev := h.WaitEvent(contracts.TypeApplicationSubmitted, nil)
	var submitted contracts.ApplicationSubmitted
	if err := json.Unmarshal(ev.Data, &submitted); err != nil {
		panic(err)
	}
	app := submitted.Application
	fmt.Println("to decide:", app.Number, app.Type, app.Reason)

	// What it publishes: a decision on its own topic.
	h.Send(testkit.Decision(app.InsurerVOEN, app.ApplicationID, contracts.DecisionTakeIntoProcessing))
	moved := h.WaitEvent(contracts.TypeApplicationStatusMoved, nil)
	var change contracts.ApplicationStatusChanged
	if err := json.Unmarshal(moved.Data, &change); err != nil {
		panic(err)
	}
	notice := h.WaitNotice(app.ApplicationID, 2)
	fmt.Println("status:", change.From, "->", change.To, "notice:", notice.Envelope.DataContentType)
	// Output:
	// to decide: SSC-9802091761-000002 duplicate certificate-lost
	// status: submitted -> in-processing notice: application/pdf
}
