package testkit

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/dsmf/ssc-adapter/contracts"
)

func bakuDay(d int) string {
	return time.Now().In(time.FixedZone("Asia/Baku", 4*3600)).AddDate(0, 0, d).Format(time.DateOnly)
}

// conformance lists the behaviours, grouped as the manual is. Groups marked
// sequential build on their earlier steps.
var conformance = []scenarioGroup{
	{name: "login", scenarios: []scenario{
		{"first login of an insurer needs stamp authority", func(c *check) {
			c.wantCode(c.h.Request(c.w.login(c.w.fresh.VOEN, false)), "FIRST_LOGIN_REQUIRES_STAMP")
		}},
		{"username and password login is refused", func(c *check) {
			c.wantCode(c.h.Request(c.w.login(c.w.insurer.VOEN, true, func(a *contracts.LoginAssertion) {
				a.Method, a.Card = contracts.MethodPassword, nil
			})), "LOGIN_METHOD_NOT_ACCEPTED")
		}},
		{"expired certificate is refused", func(c *check) {
			c.wantCode(c.h.Request(c.w.login(c.w.insurer.VOEN, true, func(a *contracts.LoginAssertion) {
				a.CertNotAfter = time.Now().Add(-time.Hour)
			})), "CERTIFICATE_EXPIRED")
		}},
		{"certificate not yet valid is refused", func(c *check) {
			c.wantCode(c.h.Request(c.w.login(c.w.insurer.VOEN, true, func(a *contracts.LoginAssertion) {
				a.CertNotBefore = time.Now().Add(time.Hour)
			})), "CERTIFICATE_NOT_YET_VALID")
		}},
		{"insurer unknown to DSMF is refused", func(c *check) {
			c.wantCode(c.h.Request(c.w.login("1000000001", true)), "INSURER_UNKNOWN")
		}},
		{"signer with stamp authority logs in as owner with every section", func(c *check) {
			var res contracts.LoginResult
			c.h.MustOK(c.h.Request(c.w.login(c.w.insurer.VOEN, true)), contracts.TypeLoginResult, &res)
			if res.Role != contracts.RoleOwner || len(res.Sections) != 3 || res.Insurer.VOEN != c.w.insurer.VOEN {
				c.t.Fatalf("owner login: role %q, sections %v, insurer %q", res.Role, res.Sections, res.Insurer.VOEN)
			}
		}},
		{"signer without stamp authority or grant is refused", func(c *check) {
			c.wantCode(c.h.Request(c.w.login(c.w.insurer.VOEN, false)), "NO_AUTHORITY")
		}},
	}},
	{name: "sessions", scenarios: []scenario{
		{"insurer profile shows the six read-only fields", func(c *check) {
			s := c.h.Login(c.w.login(c.w.insurer.VOEN, true))
			var res contracts.ProfileResult
			c.h.MustOK(c.h.Request(ProfileGet(s)), contracts.TypeProfileResult, &res)
			i := c.w.insurer
			want := contracts.InsurerProfile{FullName: i.FullName, Type: i.Type, AccountNumber: i.AccountNumber,
				VOEN: i.VOEN, ResponsiblePerson: i.ResponsiblePerson, OfficeCode: i.OfficeCode, OfficeName: i.OfficeName}
			if res.Insurer != want {
				c.t.Fatalf("profile %+v, want %+v", res.Insurer, want)
			}
		}},
		{"unknown session is refused", func(c *check) {
			c.wantCode(c.h.Request(ProfileGet(Session{ID: "no-such-session", VOEN: c.w.insurer.VOEN})), "SESSION_UNKNOWN")
		}},
		{"a session may not act for another insurer", func(c *check) {
			s := c.h.Login(c.w.login(c.w.insurer.VOEN, true))
			c.wantCode(c.h.Request(ProfileGet(Session{ID: s.ID, VOEN: c.w.other.VOEN})), "WRONG_INSURER")
		}},
		{"logout (ÇIXIŞ) closes the session", func(c *check) {
			s := c.h.Login(c.w.login(c.w.insurer.VOEN, true))
			c.h.MustOK(c.h.Request(Logout(s)), contracts.TypeLogoutResult, nil)
			c.wantCode(c.h.Request(ProfileGet(s)), "SESSION_CLOSED")
		}},
	}},
	{name: "grants", sequential: true, scenarios: []scenario{
		{"owner grants the deputy a limited right to this service", func(c *check) {
			c.w.owner = c.h.Login(c.w.login(c.w.insurer.VOEN, true))
			var res contracts.GrantCreateResult
			c.h.MustOK(c.h.Request(GrantToDeputy(c.w.owner, Limited(bakuDay(-1), bakuDay(30)), func(g *contracts.GrantCreate) {
				g.Grantee.FIN, g.Grantee.Phone = c.w.deputyFIN, c.w.deputyPhone
			})), contracts.TypeGrantCreateResult, &res)
			c.w.grantID = res.Grant.GrantID
		}},
		{"the same grantee and service twice is refused", func(c *check) {
			c.wantCode(c.h.Request(GrantToDeputy(c.w.owner, func(g *contracts.GrantCreate) {
				g.Grantee.FIN, g.Grantee.Phone = c.w.deputyFIN, c.w.deputyPhone
			})), "GRANT_DUPLICATE")
		}},
		{"a limited grant ending before it starts is refused", func(c *check) {
			c.wantCode(c.h.Request(GrantToDeputy(c.w.owner, Limited(bakuDay(5), bakuDay(2)), func(g *contracts.GrantCreate) {
				g.Service = contracts.ServiceDeathNotice
			})), "GRANT_PERIOD_INVALID")
		}},
		{"a grant ending in the past is refused", func(c *check) {
			c.wantCode(c.h.Request(GrantToDeputy(c.w.owner, Limited(bakuDay(-9), bakuDay(-2)), func(g *contracts.GrantCreate) {
				g.Service = contracts.ServiceDeathNotice
			})), "GRANT_PERIOD_IN_PAST")
		}},
		{"the registry of grants lists the grant", func(c *check) {
			var res contracts.GrantListResult
			c.h.MustOK(c.h.Request(GrantList(c.w.owner)), contracts.TypeGrantListResult, &res)
			if res.Page.Total != 1 || len(res.Grants) != 1 || res.Grants[0].GrantID != c.w.grantID ||
				res.Grants[0].Grantee.Phone != c.w.deputyPhone || res.Grants[0].Validity.End != bakuDay(30) {
				c.t.Fatalf("registry of grants: %+v", res)
			}
		}},
		{"the deputy with a grant logs in as a delegate", func(c *check) {
			var res contracts.LoginResult
			c.h.MustOK(c.h.Request(c.w.login(c.w.insurer.VOEN, false)), contracts.TypeLoginResult, &res)
			if res.Role != contracts.RoleDelegate || res.GrantID != c.w.grantID {
				c.t.Fatalf("delegate login: role %q, grant %q", res.Role, res.GrantID)
			}
			for _, s := range res.Sections {
				if s == contracts.SectionGrants {
					c.t.Fatalf("a delegate is offered the grants section")
				}
			}
			c.w.deputy = Session{ID: res.SessionID, VOEN: c.w.insurer.VOEN}
		}},
		{"a delegate cannot manage grants", func(c *check) {
			c.wantCode(c.h.Request(GrantList(c.w.deputy)), "OWNER_ONLY")
		}},
		{"a grant that has not started does not let its grantee in", func(c *check) {
			c.h.MustOK(c.h.Request(GrantToDeputy(c.w.owner, Limited(bakuDay(2), bakuDay(9)), func(g *contracts.GrantCreate) {
				g.Grantee = contracts.Grantee{Method: contracts.MethodESignCard, CardNumber: c.w.cardDeputyCard, FIN: c.w.cardDeputyFIN}
			})), contracts.TypeGrantCreateResult, nil)
			c.wantCode(c.h.Request(c.w.login(c.w.insurer.VOEN, true, func(a *contracts.LoginAssertion) {
				a.SignerFIN, a.Card.CardNumber, a.StampAuthority = c.w.cardDeputyFIN, c.w.cardDeputyCard, false
			})), "GRANT_NOT_STARTED")
		}},
		{"revoking a grant ends the delegate's open session at once", func(c *check) {
			c.h.MustOK(c.h.Request(lookupOf(c.w.deputy, c.w.main)), contracts.TypePersonLookupResult, nil)
			c.h.MustOK(c.h.Request(GrantRevoke(c.w.owner, c.w.grantID)), contracts.TypeGrantRevokeResult, nil)
			c.wantCode(c.h.Request(lookupOf(c.w.deputy, c.w.main)), "AUTHORITY_WITHDRAWN")
		}},
		{"a revoked grant refuses the next login", func(c *check) {
			c.wantCode(c.h.Request(c.w.login(c.w.insurer.VOEN, false)), "GRANT_REVOKED")
		}},
		{"the registry no longer shows a revoked grant", func(c *check) {
			var res contracts.GrantListResult
			c.h.MustOK(c.h.Request(GrantList(c.w.owner)), contracts.TypeGrantListResult, &res)
			for _, g := range res.Grants {
				if g.GrantID == c.w.grantID {
					c.t.Fatalf("revoked grant %s still listed", g.GrantID)
				}
			}
		}},
	}},
	{name: "person look-up", scenarios: []scenario{
		{"AXTAR shows the nine fields, the SSN date and the certificate status", func(c *check) {
			s := c.h.Login(c.w.login(c.w.insurer.VOEN, true))
			var res contracts.PersonLookupResult
			c.h.MustOK(c.h.Request(lookupOf(s, c.w.migrant)), contracts.TypePersonLookupResult, &res)
			d := c.w.migrant.Document
			p := res.Person
			if p.Surname != d.Surname || p.Name != d.Name || p.Patronymic != d.Patronymic || p.Gender != d.Gender ||
				p.Citizenship != d.Citizenship || p.BirthPlace != d.BirthPlace || p.BirthDate != d.BirthDate ||
				p.IssuingAuthority != d.IssuingAuthority || p.IssueDate != d.IssueDate ||
				p.SSNDate != c.w.migrant.Insured.SSNDate || p.CertificateStatus != contracts.CertificateActive {
				c.t.Fatalf("look-up result %+v does not match the registers", p)
			}
		}},
		{"AXTAR shows the whole identity document: number with series and validity", func(c *check) {
			s := c.h.Login(c.w.login(c.w.insurer.VOEN, true))
			var res contracts.PersonLookupResult
			c.h.MustOK(c.h.Request(lookupOf(s, c.w.main)), contracts.TypePersonLookupResult, &res)
			d, got := c.w.main.Document, res.Document
			want := contracts.DocumentDetails{DocumentType: d.DocumentType, DocumentNumber: d.DocumentNumber, FIN: d.FIN,
				Surname: d.Surname, Name: d.Name, Patronymic: d.Patronymic, Gender: d.Gender, Citizenship: d.Citizenship,
				BirthPlace: d.BirthPlace, BirthDate: d.BirthDate, IssuingAuthority: d.IssuingAuthority,
				IssueDate: d.IssueDate, ValidUntil: d.ValidUntil}
			if got != want {
				c.t.Fatalf("look-up document %+v, the register holds %+v", got, want)
			}
		}},
		{"a document of the other type is not found", func(c *check) {
			s := c.h.Login(c.w.login(c.w.insurer.VOEN, true))
			c.wantCode(c.h.Request(PersonLookup(s, func(l *contracts.PersonLookup) {
				l.DocumentType, l.FIN, l.SSN = contracts.DocumentIDCard, c.w.migrant.Document.FIN, c.w.migrant.Insured.SSN
			})), "DOCUMENT_NOT_FOUND")
		}},
		{"an SSN of another FIN is refused", func(c *check) {
			s := c.h.Login(c.w.login(c.w.insurer.VOEN, true))
			c.wantCode(c.h.Request(PersonLookup(s, func(l *contracts.PersonLookup) {
				l.DocumentType, l.FIN, l.SSN = c.w.main.Document.DocumentType, c.w.main.Document.FIN, c.w.second.Insured.SSN
			})), "SSN_FIN_MISMATCH")
		}},
		{"a person insured by another insurer is refused", func(c *check) {
			s := c.h.Login(c.w.login(c.w.insurer.VOEN, true))
			c.wantCode(c.h.Request(lookupOf(s, c.w.stranger)), "NOT_INSURED_BY_INSURER")
		}},
		{"an identity document no longer valid is refused", func(c *check) {
			s := c.h.Login(c.w.login(c.w.insurer.VOEN, true))
			c.wantCode(c.h.Request(lookupOf(s, c.w.expired)), "DOCUMENT_EXPIRED")
		}},
	}},
	{name: "application", sequential: true, scenarios: []scenario{
		{"save (Yadda saxla) records a draft whose type follows the reason", func(c *check) {
			c.w.owner = c.h.Login(c.w.login(c.w.insurer.VOEN, true))
			var res contracts.DraftSaveResult
			c.h.MustOK(c.h.Request(DraftSave(c.w.owner, func(d *contracts.DraftSave) {
				d.ApplicationInput = inputOf(c.w.main, contracts.ReasonCertificateLost)
			})), contracts.TypeDraftSaveResult, &res)
			if res.Application.Status != contracts.StatusDraft || res.Application.Type != contracts.TypeDuplicate {
				c.t.Fatalf("draft: status %q type %q, want draft duplicate", res.Application.Status, res.Application.Type)
			}
			c.w.applicationID, c.w.applicationNumber = res.Application.ApplicationID, res.Application.Number
		}},
		{"saving again with the draft's id changes it (Əvvəlki)", func(c *check) {
			var res contracts.DraftSaveResult
			c.h.MustOK(c.h.Request(DraftSave(c.w.owner, func(d *contracts.DraftSave) {
				d.ApplicationID = c.w.applicationID
				d.ApplicationInput = inputOf(c.w.main, contracts.ReasonDocumentChanged)
			})), contracts.TypeDraftSaveResult, &res)
			if res.Application.ApplicationID != c.w.applicationID || res.Application.Type != contracts.TypeReplacement {
				c.t.Fatalf("changed draft: %s %s", res.Application.ApplicationID, res.Application.Type)
			}
		}},
		{"confirm (Təsdiqlə) signs and submits the draft, recording who signed", func(c *check) {
			var res contracts.SubmitResult
			c.h.MustOK(c.h.Request(SubmitDraft(c.w.owner, c.w.applicationID)), contracts.TypeSubmitResult, &res)
			a := res.Application
			if a.Status != contracts.StatusSubmitted || a.SignedBy == nil || a.SignedBy.FIN != c.w.directorFIN || a.SignedAt == nil {
				c.t.Fatalf("submitted: %+v", a)
			}
		}},
		{"the back office receives the submitted application on the event log", func(c *check) {
			ev := c.h.WaitEvent(contracts.TypeApplicationSubmitted, func(e contracts.Envelope) bool {
				return strings.Contains(string(e.Data), c.w.applicationID)
			})
			var sub contracts.ApplicationSubmitted
			if err := json.Unmarshal(ev.Data, &sub); err != nil || sub.Application.Person.SSN != c.w.main.Insured.SSN || ev.Key != c.w.insurer.VOEN {
				c.t.Fatalf("submitted event: %v %+v key %q", err, sub.Application.Person, ev.Key)
			}
		}},
		{"a notice is published on submission", func(c *check) {
			n := c.h.WaitNotice(c.w.applicationID, 1)
			if !bytes.HasPrefix(n.Raw, []byte("%PDF-")) {
				c.t.Fatalf("notice is not a PDF")
			}
		}},
		{"a signed application cannot be deleted", func(c *check) {
			c.wantCode(c.h.Request(DraftDelete(c.w.owner, c.w.applicationID)), "APPLICATION_SIGNED")
		}},
		{"a second application while one is in progress is refused, naming the open one's id", func(c *check) {
			r := c.h.Request(SubmitNew(c.w.owner, func(in *contracts.ApplicationInput) {
				*in = inputOf(c.w.main, contracts.ReasonCertificateUnused)
			}))
			c.wantCode(r, "APPLICATION_ALREADY_OPEN")
			if got := r.Error().OpenApplicationID; got != c.w.applicationID {
				c.t.Fatalf("openApplicationId %q, want the submitted application %q", got, c.w.applicationID)
			}
		}},
		{"a draft can be deleted (Qaralamadan sil)", func(c *check) {
			var res contracts.DraftSaveResult
			c.h.MustOK(c.h.Request(DraftSave(c.w.owner, func(d *contracts.DraftSave) {
				d.ApplicationInput = inputOf(c.w.second, contracts.ReasonDataError)
			})), contracts.TypeDraftSaveResult, &res)
			c.h.MustOK(c.h.Request(DraftDelete(c.w.owner, res.Application.ApplicationID)), contracts.TypeDraftDeleteResult, nil)
			c.wantCode(c.h.Request(ApplicationGet(c.w.owner, res.Application.ApplicationID)), "APPLICATION_NOT_FOUND")
		}},
		{"a new application can be submitted at once", func(c *check) {
			var res contracts.SubmitResult
			c.h.MustOK(c.h.Request(SubmitNew(c.w.owner, func(in *contracts.ApplicationInput) {
				*in = inputOf(c.w.migrant, contracts.ReasonCertificateUnused)
			})), contracts.TypeSubmitResult, &res)
			c.w.otherApplicationID = res.Application.ApplicationID
		}},
		{"the registry finds it by surname prefix, newest first, paged", func(c *check) {
			var res contracts.RegistrySearchResult
			c.h.MustOK(c.h.Request(RegistrySearch(c.w.owner, func(s *contracts.RegistrySearch) {
				s.Filter.Surname = "əli" // ƏLİYEVA, not GÜLƏLİYEVA
			})), contracts.TypeRegistrySearchResult, &res)
			if res.Page.Total != 1 || len(res.Rows) != 1 || res.Rows[0].ApplicationID != c.w.applicationID {
				c.t.Fatalf("search by surname: %+v", res)
			}
			c.h.MustOK(c.h.Request(RegistrySearch(c.w.owner, func(s *contracts.RegistrySearch) { s.Size = 1 })),
				contracts.TypeRegistrySearchResult, &res)
			if res.Page.Total != 2 || len(res.Rows) != 1 || res.Rows[0].ApplicationID != c.w.otherApplicationID {
				c.t.Fatalf("first page of one, newest first: %+v", res)
			}
		}},
		{"the detailed view returns what was entered and the history", func(c *check) {
			var res contracts.ApplicationGetResult
			c.h.MustOK(c.h.Request(ApplicationGet(c.w.owner, c.w.applicationID)), contracts.TypeApplicationGetResult, &res)
			a := res.Application
			if a.Reason != contracts.ReasonDocumentChanged || a.Person.FIN != c.w.main.Document.FIN || len(a.History) != 2 {
				c.t.Fatalf("detailed view: %+v", a)
			}
		}},
		{"the notice can be downloaded", func(c *check) {
			var res contracts.NoticeGetResult
			c.h.MustOK(c.h.Request(NoticeGet(c.w.owner, c.w.applicationID)), contracts.TypeNoticeGetResult, &res)
			if res.NoticeVersion != 1 || !bytes.HasPrefix(res.PDF, []byte("%PDF-")) {
				c.t.Fatalf("notice: version %d", res.NoticeVersion)
			}
		}},
		{"another insurer's session cannot see it", func(c *check) {
			other := c.h.Login(c.w.login(c.w.other.VOEN, true))
			c.wantCode(c.h.Request(ApplicationGet(other, c.w.applicationID)), "APPLICATION_NOT_FOUND")
			var res contracts.RegistrySearchResult
			c.h.MustOK(c.h.Request(RegistrySearch(other)), contracts.TypeRegistrySearchResult, &res)
			for _, r := range res.Rows {
				if r.ApplicationID == c.w.applicationID {
					c.t.Fatalf("another insurer's registry lists the application")
				}
			}
		}},
		{"the back office takes it into processing and a new notice follows", func(c *check) {
			cmd := Decision(c.w.insurer.VOEN, c.w.applicationID, contracts.DecisionTakeIntoProcessing)
			c.h.Send(cmd)
			c.h.WaitNotice(c.w.applicationID, 2)
			var res contracts.DecisionResult
			c.h.MustOK(c.h.WaitDecisionAnswer(cmd.ID), contracts.TypeDecisionResult, &res)
			if res.ApplicationID != c.w.applicationID || res.Status != contracts.StatusInProcessing || res.NoticeVersion != 2 {
				c.t.Fatalf("the back office's answer: %+v", res)
			}
		}},
		{"the back office issues the certificate: completed, the old certificate replaced", func(c *check) {
			c.w.issueDecision = Decision(c.w.insurer.VOEN, c.w.applicationID, contracts.DecisionIssueCertificate)
			c.h.Send(c.w.issueDecision)
			c.h.WaitNotice(c.w.applicationID, 3)
			var res contracts.ApplicationGetResult
			c.h.MustOK(c.h.Request(ApplicationGet(c.w.owner, c.w.applicationID)), contracts.TypeApplicationGetResult, &res)
			if res.Application.Status != contracts.StatusCompleted || res.Application.CertificateStatus != contracts.CertificateReplaced {
				c.t.Fatalf("after issue: status %q certificate %q", res.Application.Status, res.Application.CertificateStatus)
			}
		}},
		{"the back office rejects with a reason", func(c *check) {
			c.h.Send(Decision(c.w.insurer.VOEN, c.w.otherApplicationID, contracts.DecisionReject))
			c.h.WaitNotice(c.w.otherApplicationID, 2)
			var res contracts.ApplicationGetResult
			c.h.MustOK(c.h.Request(ApplicationGet(c.w.owner, c.w.otherApplicationID)), contracts.TypeApplicationGetResult, &res)
			if res.Application.Status != contracts.StatusRejected || res.Application.RejectionReason == "" {
				c.t.Fatalf("after reject: %+v", res.Application)
			}
		}},
		{"the status topic shows every change of the application once, without personal data", func(c *check) {
			done := c.h.WaitStatus(c.w.applicationID, contracts.StatusCompleted)
			c.h.WaitStatus(c.w.otherApplicationID, contracts.StatusRejected)
			c.wantStatuses(c.w.applicationID, contracts.StatusDraft, contracts.StatusDraft, contracts.StatusSubmitted,
				contracts.StatusInProcessing, contracts.StatusCompleted)
			c.wantStatuses(c.w.otherApplicationID, contracts.StatusSubmitted, contracts.StatusRejected)
			if done.Number != c.w.applicationNumber || done.InsurerVOEN != c.w.insurer.VOEN || done.NoticeVersion == nil ||
				*done.NoticeVersion != 3 || done.CertificateStatus != contracts.CertificateReplaced {
				c.t.Fatalf("completed status: %+v", done)
			}
			e := c.w.main
			for _, r := range c.h.Client.All(contracts.TopicApplicationStatus, nil) {
				for _, pii := range []string{e.Document.FIN, e.Insured.SSN, e.Document.Surname, e.Document.Name, e.Document.Patronymic} {
					if strings.Contains(string(r.Raw), pii) {
						c.t.Fatalf("a status record holds personal data")
					}
				}
			}
		}},
		{"a decision delivered twice publishes its status once", func(c *check) {
			c.h.Send(c.w.issueDecision)
			deadline := time.Now().Add(c.h.opts.Timeout)
			for len(c.h.Client.All(contracts.TopicAudit, func(r Received) bool {
				return r.Envelope.Extension(contracts.ExtensionCorrelationID) == c.w.issueDecision.ID
			})) < 2 {
				if time.Now().After(deadline) {
					c.t.Fatalf("the repeated decision was not handled")
				}
				time.Sleep(10 * time.Millisecond)
			}
			// A later change of the insurer's applications comes after
			// anything the repeat could have published.
			res := c.h.Request(DraftSave(c.w.owner, func(d *contracts.DraftSave) {
				d.ApplicationInput = inputOf(c.w.second, contracts.ReasonDataError)
			}))
			var saved contracts.DraftSaveResult
			c.h.MustOK(res, contracts.TypeDraftSaveResult, &saved)
			c.h.WaitStatus(saved.Application.ApplicationID, contracts.StatusDraft)
			c.wantStatuses(c.w.applicationID, contracts.StatusDraft, contracts.StatusDraft, contracts.StatusSubmitted,
				contracts.StatusInProcessing, contracts.StatusCompleted)
		}},
		{"statuses move only forward", func(c *check) {
			cmd := Decision(c.w.insurer.VOEN, c.w.applicationID, contracts.DecisionTakeIntoProcessing)
			c.h.Send(cmd)
			c.h.WaitEvent(contracts.TypeCommandRejected, func(e contracts.Envelope) bool {
				return strings.Contains(string(e.Data), cmd.ID) && strings.Contains(string(e.Data), "INVALID_STATUS_TRANSITION")
			})
			r := c.h.WaitDecisionAnswer(cmd.ID)
			c.wantCode(r, "INVALID_STATUS_TRANSITION")
			if r.Error().ApplicationID != c.w.applicationID {
				c.t.Fatalf("the refusal names application %q, want %q", r.Error().ApplicationID, c.w.applicationID)
			}
		}},
	}},
	{name: "messages", scenarios: []scenario{
		{"a record that is not JSON is dead-lettered and answered", func(c *check) {
			id := "conformance-bad-" + time.Now().Format("150405.000000000")
			err := c.h.Client.ProduceRaw(contracts.TopicPortalCommands, c.w.insurer.VOEN, []contracts.Header{
				{Key: "ce_specversion", Value: []byte("1.0")}, {Key: "ce_id", Value: []byte(id)},
				{Key: "ce_source", Value: []byte("urn:conformance")}, {Key: "ce_type", Value: []byte(contracts.TypeLogin)},
				{Key: "content-type", Value: []byte(contracts.JSONContentType)}}, []byte("not json "+id))
			if err != nil {
				c.t.Fatal(err)
			}
			c.wantCode(c.h.WaitReply(id), "MALFORMED_MESSAGE")
			if _, ok := c.h.Client.Wait(contracts.TopicDeadLetter, c.h.opts.Timeout, func(r Received) bool {
				return string(r.Raw) == "not json "+id
			}); !ok {
				c.t.Fatalf("no dead letter for the record")
			}
		}},
		{"an unknown type is refused", func(c *check) {
			cmd := ProfileGet(Session{ID: "x", VOEN: c.w.insurer.VOEN})
			cmd.Type = "az.gov.dsmf.ssc.nonsense.v1"
			c.wantCode(c.h.Request(cmd), "UNKNOWN_MESSAGE_TYPE")
		}},
		{"a payload breaking its schema is refused", func(c *check) {
			cmd := ProfileGet(Session{ID: "x", VOEN: c.w.insurer.VOEN})
			cmd.Payload = map[string]any{"sessionId": "x", "insurerVoen": c.w.insurer.VOEN, "extra": true}
			c.wantCode(c.h.Request(cmd), "SCHEMA_VIOLATION")
		}},
		{"structured content mode is accepted", func(c *check) {
			cmd := c.h.Sign(c.w.login(c.w.insurer.VOEN, true))
			env, err := cmd.Envelope(contracts.SourcePortal, time.Now())
			if err != nil {
				c.t.Fatal(err)
			}
			value, err := env.StructuredJSON()
			if err != nil {
				c.t.Fatal(err)
			}
			if err := c.h.Client.ProduceRaw(contracts.TopicPortalCommands, cmd.Key,
				[]contracts.Header{{Key: "content-type", Value: []byte(contracts.StructuredContentType)}}, value); err != nil {
				c.t.Fatal(err)
			}
			c.h.MustOK(c.h.WaitReply(cmd.ID), contracts.TypeLoginResult, nil)
		}},
		{"a command delivered twice has one effect and the same answer", func(c *check) {
			s := c.h.Login(c.w.login(c.w.insurer.VOEN, true))
			cmd := DraftSave(s, func(d *contracts.DraftSave) {
				d.ApplicationInput = inputOf(c.w.second, contracts.ReasonCertificateLost)
			})
			first := c.h.Request(cmd)
			c.h.MustOK(first, contracts.TypeDraftSaveResult, nil)
			c.h.Send(cmd)
			deadline := time.Now().Add(c.h.opts.Timeout)
			for len(c.h.Replies(cmd.ID)) < 2 {
				if time.Now().After(deadline) {
					c.t.Fatalf("the repeated command was not answered")
				}
				time.Sleep(10 * time.Millisecond)
			}
			again := c.h.Replies(cmd.ID)[1]
			var a, b contracts.DraftSaveResult
			c.h.MustOK(again, contracts.TypeDraftSaveResult, &b)
			_ = first.Decode(&a)
			if a.Application.ApplicationID != b.Application.ApplicationID {
				c.t.Fatalf("the repeat made another draft: %s and %s", a.Application.ApplicationID, b.Application.ApplicationID)
			}
		}},
	}},
}

// wantStatuses checks the statuses an application went through on the
// status topic, each once, in order.
func (c *check) wantStatuses(applicationID string, want ...string) {
	c.t.Helper()
	var got []string
	for _, s := range c.h.StatusChanges(applicationID) {
		got = append(got, s.Status)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		c.t.Fatalf("status topic for %s: %v, want %v", applicationID, got, want)
	}
}
