package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/demodata"
)

const demoAbout = `
Plays the user manual's whole walk-through against a running service with the
demo data, narrating each step in Azerbaijani and English:

  the director logs in with an e-signature card (stamp authority), grants the
  deputy a limited right with Asan imza, the deputy logs in, checks the registry,
  looks up the employee (AXTAR), saves a draft and submits it; DSMF's back office
  takes it into processing and issues the certificate; the notice is downloaded
  to -out; both log out.

Every command has a new id, so the demo runs again and again on the same broker:
it picks an employee with no application in progress (and if every one has one,
the back office rejects the first one's so it is no longer open), and replaces a
grant the deputy already holds. Exit 1, naming the step, if any step fails.
`

type demoOptions struct {
	brokers  []string
	security kafka.Security
	key      *signingKey // nil: unsigned login assertions
	voen     string
	out      string
	timeout  time.Duration
}

func runDemo(ctx context.Context, e *env, g globals, args []string) error {
	fs, brokers := flagSet(e, g, "demo", "[-out FILE] [-key FILE | -unsigned] [-voen V] [-timeout D]", demoAbout)
	out := fs.String("out", "bildiris.pdf", "file to write the notice PDF to")
	voen := fs.String("voen", demoVOEN, "the demo insurer's VÖEN")
	timeout := fs.Duration("timeout", 10*time.Second, "how long to wait for each answer")
	key := keyFlags(fs, e, true)
	if err := parse(fs, args); err != nil {
		return err
	}
	k, err := key()
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("demo: unexpected argument %q", fs.Arg(0))
	}
	list, err := splitBrokers(*brokers)
	if err != nil {
		return err
	}
	return demo(ctx, e, demoOptions{brokers: list, security: g.security, key: k, voen: *voen, out: *out, timeout: *timeout})
}

// demoRun is one play of the walk-through.
type demoRun struct {
	e    *env
	c    *conn
	o    demoOptions
	p    painter
	n    int
	what string // the current step, in English
}

// step announces the next step in both languages.
func (d *demoRun) step(az, en string) {
	d.n++
	d.what = en
	fmt.Fprintf(d.e.stdout, "%s\n", d.p.paint(ansiBold, fmt.Sprintf("%d. %s / %s", d.n, az, en)))
}

// result prints what a step produced.
func (d *demoRun) result(format string, args ...any) {
	fmt.Fprintf(d.e.stdout, "   %s %s\n", d.p.paint(ansiGreen, "→"), fmt.Sprintf(format, args...))
}

// note prints a remark about a step.
func (d *demoRun) note(format string, args ...any) {
	fmt.Fprintf(d.e.stdout, "   %s\n", d.p.paint(ansiGrey, fmt.Sprintf(format, args...)))
}

// fail names the step that failed.
func (d *demoRun) fail(err error) error {
	return fmt.Errorf("demo failed at step %d (%s): %w", d.n, d.what, err)
}

// call sends a command and decodes its successful answer into out.
func (d *demoRun) call(ctx context.Context, typ string, payload any, out any) error {
	_, err := d.c.call(ctx, typ, d.o.voen, payload, d.o.timeout, out)
	return err
}

func demo(ctx context.Context, e *env, o demoOptions) error {
	c, err := dial(o.brokers, o.security, e.now)
	if err != nil {
		return err
	}
	defer c.Close()
	d := &demoRun{e: e, c: c, o: o, p: painter(e.colour())}
	signing := "login assertions unsigned"
	if o.key != nil {
		signing = fmt.Sprintf("login assertions signed with key %q from %s", o.key.id, o.key.path)
	}
	fmt.Fprintf(e.stdout, "%s\n", d.p.paint(ansiGrey, fmt.Sprintf("DSMF SSŞ demo · brokers %s · insurer %s · %s",
		strings.Join(o.brokers, ","), o.voen, signing)))
	if err := d.play(ctx); err != nil {
		return d.fail(err)
	}
	return nil
}

func (d *demoRun) play(ctx context.Context) error {
	now := d.e.now()

	d.step("Direktor e-imza kartı ilə (möhür vurmaq səlahiyyəti) daxil olur",
		"The director logs in with an e-signature card (stamp authority)")
	login, err := d.o.key.sign(directorLogin(d.o.voen, demoDirectorFIN, demoDirectorCard, true, now))
	if err != nil {
		return err
	}
	var owner contracts.LoginResult
	if err := d.call(ctx, contracts.TypeLogin, login, &owner); err != nil {
		return hint(err)
	}
	director := contracts.SessionCommand{SessionID: owner.SessionID, InsurerVOEN: d.o.voen}
	d.result("session %s · role %s · %s (VÖEN %s)", owner.SessionID, owner.Role, owner.Insurer.FullName, owner.Insurer.VOEN)

	d.step("Direktor müavinə Asan imza ilə müddətli səlahiyyət verir",
		"The director grants the deputy a limited right with Asan imza")
	grant, err := d.grantDeputy(ctx, director, now)
	if err != nil {
		return err
	}
	d.result("grant %s · %s %s · FIN %s · %s … %s", grant.GrantID, grant.Grantee.Method, grant.Grantee.Phone,
		grant.Grantee.FIN, grant.Validity.Start, grant.Validity.End)

	d.step("Müavin Asan imza ilə daxil olur", "The deputy logs in with Asan imza")
	login, err = d.o.key.sign(asanLogin(d.o.voen, demoDeputyFIN, demoDeputyPhone, demoDeputyUserID, d.e.now()))
	if err != nil {
		return err
	}
	var delegate contracts.LoginResult
	if err := d.call(ctx, contracts.TypeLogin, login, &delegate); err != nil {
		return err
	}
	deputy := contracts.SessionCommand{SessionID: delegate.SessionID, InsurerVOEN: d.o.voen}
	d.result("session %s · role %s · grant %s · sections %s", delegate.SessionID, delegate.Role, delegate.GrantID,
		strings.Join(delegate.Sections, ", "))

	d.step("Müavin reyestrdə icrada olan müraciəti olmayan işçini seçir",
		"The deputy checks the registry for an employee with no application in progress")
	emp, err := d.pickEmployee(ctx, deputy)
	if err != nil {
		return err
	}

	d.step("Müavin işçini axtarır (AXTAR)", "The deputy looks up the employee (AXTAR)")
	var found contracts.PersonLookupResult
	if err := d.call(ctx, contracts.TypePersonLookup, contracts.PersonLookup{SessionCommand: deputy,
		DocumentType: emp.Document.DocumentType, FIN: emp.Document.FIN, SSN: emp.Insured.SSN}, &found); err != nil {
		return err
	}
	p := found.Person
	d.result("%s %s %s · %s · born %s in %s · FIN %s · SSN %s (%s) · certificate %s", p.Surname, p.Name, p.Patronymic,
		p.Gender, p.BirthDate, p.BirthPlace, p.FIN, p.SSN, p.SSNDate, p.CertificateStatus)

	d.step("Müavin müraciəti qaralama kimi yadda saxlayır (Yadda saxla)", "The deputy saves the application as a draft")
	var saved contracts.DraftSaveResult
	if err := d.call(ctx, contracts.TypeDraftSave, contracts.DraftSave{SessionCommand: deputy,
		ApplicationInput: contracts.ApplicationInput{DocumentType: p.DocumentType, FIN: p.FIN, SSN: p.SSN,
			Reason: contracts.ReasonCertificateLost}}, &saved); err != nil {
		return err
	}
	app := saved.Application
	d.result("application %s (%s) · %s · reason %s · status %s", app.Number, app.ApplicationID, app.Type, app.Reason, app.Status)

	d.step("Müavin müraciəti imzalayıb təsdiqləyir (Təsdiqlə)", "The deputy signs and submits the application")
	var submitted contracts.SubmitResult
	if err := d.call(ctx, contracts.TypeSubmit, contracts.Submit{SessionCommand: deputy, ApplicationID: app.ApplicationID}, &submitted); err != nil {
		return err
	}
	signer := ""
	if s := submitted.Application.SignedBy; s != nil {
		signer = fmt.Sprintf(" · signed by the %s (%s)", s.Role, s.Method)
	}
	d.result("status %s · application date %s%s", submitted.Application.Status, submitted.Application.ApplicationDate, signer)

	d.step("DSMF müraciəti icraya götürür", "DSMF's back office takes the application into processing")
	if err := d.decide(ctx, app.ApplicationID, contracts.DecisionTakeIntoProcessing, "", 0); err != nil {
		return err
	}

	d.step("DSMF yeni şəhadətnaməni verir", "DSMF's back office issues the new certificate")
	if err := d.decide(ctx, app.ApplicationID, contracts.DecisionIssueCertificate, "", 3); err != nil {
		return err
	}

	d.step("Müavin bildirişi yükləyir", "The deputy downloads the notice")
	res, err := fetchNotice(ctx, d.c, deputy, app.ApplicationID, d.o.timeout)
	if err != nil {
		return err
	}
	if err := writeOutput(d.e, d.o.out, res.PDF); err != nil {
		return err
	}
	d.result("%s · notice version %d · status %s · %d bytes · sha256 %s…", d.o.out, res.NoticeVersion, res.Status,
		len(res.PDF), res.SHA256[:12])

	d.step("Hər ikisi çıxır (ÇIXIŞ)", "Both log out")
	for _, s := range []contracts.SessionCommand{deputy, director} {
		if err := d.call(ctx, contracts.TypeLogout, contracts.Logout{SessionCommand: s}, nil); err != nil {
			return err
		}
	}
	d.result("sessions %s and %s closed", deputy.SessionID, director.SessionID)
	fmt.Fprintf(d.e.stdout, "%s\n", d.p.paint(ansiGreen+ansiBold, fmt.Sprintf(
		"Demo tamamlandı / Demo completed: application %s is completed, its notice is in %s", app.Number, d.o.out)))
	return nil
}

// hint adds what to check when the very first command fails.
func hint(err error) error {
	var t timeoutError
	if errors.As(err, &t) {
		return fmt.Errorf("%w (start it with: go run ./cmd/dsmf-adapter)", err)
	}
	var r *refusal
	if errors.As(err, &r) {
		switch r.Code {
		case "INSURER_UNKNOWN":
			return fmt.Errorf("%w (does the deployment have the demo data? dsmf-adapter -demo-data)", err)
		case "ASSERTION_UNSIGNED", "ASSERTION_KEY_UNKNOWN", "ASSERTION_SIGNATURE_INVALID":
			return fmt.Errorf("%w (sign with the key the adapter trusts: -key FILE; the adapter logs where its development key is)", err)
		}
	}
	return err
}

// grantDeputy grants the deputy's Asan imza this service for a month from
// today. A grant the deputy already holds is revoked first, so that the demo
// shows a grant being made every time it runs.
func (d *demoRun) grantDeputy(ctx context.Context, director contracts.SessionCommand, now time.Time) (contracts.Grant, error) {
	start := today(now)
	end := today(now.AddDate(0, 1, 0))
	create := contracts.GrantCreate{SessionCommand: director, Service: contracts.ServiceCertificate,
		Grantee:  contracts.Grantee{Method: contracts.MethodAsanImza, Phone: demoDeputyPhone, FIN: demoDeputyFIN},
		Validity: contracts.Validity{Kind: contracts.ValidityLimited, Start: start, End: end}}
	var res contracts.GrantCreateResult
	err := d.call(ctx, contracts.TypeGrantCreate, create, &res)
	var r *refusal
	if !errors.As(err, &r) || r.Code != "GRANT_DUPLICATE" {
		return res.Grant, err
	}
	old, err := d.findGrant(ctx, director)
	if err != nil {
		return contracts.Grant{}, err
	}
	if err := d.call(ctx, contracts.TypeGrantRevoke, contracts.GrantRevoke{SessionCommand: director, GrantID: old}, nil); err != nil {
		return contracts.Grant{}, err
	}
	d.note("the deputy already held grant %s; it is revoked (×) and granted anew", old)
	err = d.call(ctx, contracts.TypeGrantCreate, create, &res)
	return res.Grant, err
}

// findGrant finds the deputy's grant of this service in the registry.
func (d *demoRun) findGrant(ctx context.Context, director contracts.SessionCommand) (string, error) {
	for page := 1; ; page++ {
		var list contracts.GrantListResult
		if err := d.call(ctx, contracts.TypeGrantList, contracts.GrantList{SessionCommand: director,
			Page: contracts.Page{Number: page, Size: 100}}, &list); err != nil {
			return "", err
		}
		for _, g := range list.Grants {
			if g.Service == contracts.ServiceCertificate && g.Grantee.FIN == demoDeputyFIN &&
				(g.Grantee.Phone == demoDeputyPhone || g.Grantee.Method == contracts.MethodESignCard) {
				return g.GrantID, nil
			}
		}
		if len(list.Grants) == 0 || page*list.Page.Size >= list.Page.Total {
			return "", errors.New("GRANT_DUPLICATE, yet the registry of grants shows no grant to the deputy")
		}
	}
}

// pickEmployee chooses the first demo employee of the insurer whose identity
// document is valid and who has no application in progress. When every one
// has one, the back office rejects the first one's, so it is no longer open.
func (d *demoRun) pickEmployee(ctx context.Context, deputy contracts.SessionCommand) (demodata.Employee, error) {
	day := today(d.e.now())
	var candidates []demodata.Employee
	for _, emp := range demoEmployees() {
		if emp.Insured.InsurerVOEN == d.o.voen && emp.Document.ValidUntil >= day {
			candidates = append(candidates, emp)
		}
	}
	if len(candidates) == 0 {
		return demodata.Employee{}, fmt.Errorf("the demo data has no employee of insurer %s with a valid document", d.o.voen)
	}
	var firstOpen contracts.RegistryRow
	for _, emp := range candidates {
		open, err := d.openApplication(ctx, deputy, emp.Document.FIN)
		if err != nil {
			return demodata.Employee{}, err
		}
		if open == nil {
			d.result("FIN %s: no application in progress", emp.Document.FIN)
			return emp, nil
		}
		d.note("FIN %s: application %s is %s", emp.Document.FIN, open.Number, open.Status)
		if firstOpen.ApplicationID == "" {
			firstOpen = *open
		}
	}
	d.note("every employee has an application in progress: the back office rejects %s so it is no longer open", firstOpen.Number)
	if err := d.decide(ctx, firstOpen.ApplicationID, contracts.DecisionReject, "Demo yenidən başladıldı / the demo was run again", 0); err != nil {
		return demodata.Employee{}, err
	}
	return candidates[0], nil
}

// openApplication returns the person's application in progress, if any.
func (d *demoRun) openApplication(ctx context.Context, deputy contracts.SessionCommand, fin string) (*contracts.RegistryRow, error) {
	for page := 1; ; page++ {
		var reg contracts.RegistrySearchResult
		if err := d.call(ctx, contracts.TypeRegistrySearch, contracts.RegistrySearch{SessionCommand: deputy,
			Filter: contracts.RegistryFilter{FIN: fin}, Page: contracts.Page{Number: page, Size: 100}}, &reg); err != nil {
			return nil, err
		}
		for _, row := range reg.Rows {
			if row.Status == contracts.StatusSubmitted || row.Status == contracts.StatusInProcessing {
				return &row, nil
			}
		}
		if len(reg.Rows) == 0 || page*reg.Page.Size >= reg.Page.Total {
			return nil, nil
		}
	}
}

// decide sends a back-office decision and waits for its status change on the
// event log; with noticeVersion > 0 it also waits for that notice on the
// notices topic, so the notice is there to download.
func (d *demoRun) decide(ctx context.Context, app, decision, reason string, noticeVersion int) error {
	dec := contracts.Decision{ApplicationID: app, InsurerVOEN: d.o.voen, Decision: decision, Reason: reason,
		Officer: "dsmfctl-demo"}
	if decision == contracts.DecisionIssueCertificate {
		dec.CertificateDate = today(d.e.now())
	}
	var notice *waiter
	if noticeVersion > 0 {
		want := strconv.Itoa(noticeVersion)
		notice = d.c.expect(func(r record) bool {
			return r.Topic == contracts.TopicNotices && r.EnvelopeErr == nil &&
				r.Envelope.Extension("applicationid") == app && r.Envelope.Extension("noticeversion") == want
		})
		defer d.c.forget(notice)
	}
	var moved contracts.ApplicationStatusChanged
	if err := d.call(ctx, contracts.TypeDecision, dec, &moved); err != nil {
		return err
	}
	extra := ""
	if moved.CertificateDate != "" {
		extra = " · certificate date " + moved.CertificateDate
	}
	if moved.Reason != "" {
		extra = " · reason: " + moved.Reason
	}
	d.result("status %s → %s · officer %s%s", moved.From, moved.To, moved.Officer, extra)
	if notice == nil {
		return nil
	}
	wctx, cancel := context.WithTimeout(ctx, d.o.timeout)
	defer cancel()
	r, err := d.c.wait(wctx, notice)
	if err != nil {
		return fmt.Errorf("notice version %d of %s did not appear on %s within %s", noticeVersion, app, contracts.TopicNotices, d.o.timeout)
	}
	d.result("notice %s (version %d, %d bytes) published on %s", r.Envelope.ID, noticeVersion, len(r.Envelope.Data), contracts.TopicNotices)
	return nil
}
