package main

import (
	"flag"

	"github.com/dsmf/ssc-adapter/contracts"
)

// shortcuts are the common commands send builds from flags. Defaults are the
// demo data's, so `dsmfctl send login-director` logs in to the demo insurer.
func shortcuts() []shortcut {
	return []shortcut{
		{"login-director", "log in with an e-signature card with stamp authority", contracts.TypeLogin,
			func(fs *flag.FlagSet, e *env) func() (string, any, error) {
				voen := fs.String("voen", envOr(e, "DSMF_VOEN", demoVOEN), "the insurer's VÖEN (env DSMF_VOEN)")
				fin := fs.String("fin", demoDirectorFIN, "the signer's FIN")
				card := fs.String("card", demoDirectorCard, "the e-signature card's number")
				stamp := fs.Bool("stamp", true, "the signature has stamp authority (möhür vurmaq səlahiyyəti)")
				key := keyFlags(fs, e, true)
				return func() (string, any, error) {
					k, err := key()
					if err != nil {
						return "", nil, err
					}
					a, err := k.sign(directorLogin(*voen, *fin, *card, *stamp, e.now()))
					return *voen, a, err
				}
			}},
		{"login-asan", "log in with Asan imza (no stamp authority: needs a grant)", contracts.TypeLogin,
			func(fs *flag.FlagSet, e *env) func() (string, any, error) {
				voen := fs.String("voen", envOr(e, "DSMF_VOEN", demoVOEN), "the insurer's VÖEN (env DSMF_VOEN)")
				fin := fs.String("fin", demoDeputyFIN, "the signer's FIN")
				phone := fs.String("phone", demoDeputyPhone, "the Asan imza mobile number")
				user := fs.String("user-id", demoDeputyUserID, "the Asan imza user id")
				key := keyFlags(fs, e, true)
				return func() (string, any, error) {
					k, err := key()
					if err != nil {
						return "", nil, err
					}
					a, err := k.sign(asanLogin(*voen, *fin, *phone, *user, e.now()))
					return *voen, a, err
				}
			}},
		{"logout", "close a session (ÇIXIŞ)", contracts.TypeLogout,
			func(fs *flag.FlagSet, e *env) func() (string, any, error) {
				s := sessionFlags(fs, e)
				return func() (string, any, error) {
					sc, err := s()
					return sc.InsurerVOEN, contracts.Logout{SessionCommand: sc}, err
				}
			}},
		{"profile", "the insurer's data (§4.1)", contracts.TypeProfileGet,
			func(fs *flag.FlagSet, e *env) func() (string, any, error) {
				s := sessionFlags(fs, e)
				return func() (string, any, error) {
					sc, err := s()
					return sc.InsurerVOEN, contracts.ProfileGet{SessionCommand: sc}, err
				}
			}},
		{"grant", "grant a signature the right to use a DSMF e-service (§4.2)", contracts.TypeGrantCreate,
			func(fs *flag.FlagSet, e *env) func() (string, any, error) {
				s := sessionFlags(fs, e)
				method := fs.String("method", contracts.MethodAsanImza, "asan-imza or esign-card")
				phone := fs.String("phone", demoDeputyPhone, "the grantee's Asan imza number (asan-imza)")
				card := fs.String("card", "", "the grantee's card number (esign-card)")
				fin := fs.String("fin", demoDeputyFIN, "the grantee's FIN")
				service := fs.String("service", contracts.ServiceCertificate, "ssc-certificate, insured-registration, death-notice or online-reports")
				from := fs.String("from", "", "start date YYYY-MM-DD of a limited grant (with -to; default unlimited)")
				to := fs.String("to", "", "end date YYYY-MM-DD of a limited grant")
				return func() (string, any, error) {
					sc, err := s()
					if err != nil {
						return "", nil, err
					}
					if err := choice("method", *method, contracts.MethodAsanImza, contracts.MethodESignCard); err != nil {
						return "", nil, err
					}
					g := contracts.Grantee{Method: *method, FIN: *fin}
					if *method == contracts.MethodAsanImza {
						g.Phone = *phone
					} else {
						g.CardNumber = *card
					}
					v := contracts.Validity{Kind: contracts.ValidityUnlimited}
					if *from != "" || *to != "" {
						v = contracts.Validity{Kind: contracts.ValidityLimited, Start: *from, End: *to}
					}
					return sc.InsurerVOEN, contracts.GrantCreate{SessionCommand: sc, Service: *service, Grantee: g, Validity: v}, nil
				}
			}},
		{"grants", "the registry of grants in force", contracts.TypeGrantList,
			func(fs *flag.FlagSet, e *env) func() (string, any, error) {
				s := sessionFlags(fs, e)
				page := pageFlags(fs)
				return func() (string, any, error) {
					sc, err := s()
					return sc.InsurerVOEN, contracts.GrantList{SessionCommand: sc, Page: *page}, err
				}
			}},
		{"revoke", "revoke a grant (the × button)", contracts.TypeGrantRevoke,
			func(fs *flag.FlagSet, e *env) func() (string, any, error) {
				s := sessionFlags(fs, e)
				grant := fs.String("grant", "", "the grant's id")
				return func() (string, any, error) {
					sc, err := s()
					return sc.InsurerVOEN, contracts.GrantRevoke{SessionCommand: sc, GrantID: *grant}, err
				}
			}},
		{"lookup", "search for an insured person (AXTAR)", contracts.TypePersonLookup,
			func(fs *flag.FlagSet, e *env) func() (string, any, error) {
				s := sessionFlags(fs, e)
				in := inputFlags(fs, false)
				return func() (string, any, error) {
					sc, err := s()
					return sc.InsurerVOEN, contracts.PersonLookup{SessionCommand: sc, DocumentType: in.DocumentType, FIN: in.FIN, SSN: in.SSN}, err
				}
			}},
		{"save", "save an application as a draft (Yadda saxla)", contracts.TypeDraftSave,
			func(fs *flag.FlagSet, e *env) func() (string, any, error) {
				s := sessionFlags(fs, e)
				in := inputFlags(fs, true)
				app := fs.String("application", "", "the draft to change (default: a new draft)")
				return func() (string, any, error) {
					sc, err := s()
					return sc.InsurerVOEN, contracts.DraftSave{SessionCommand: sc, ApplicationID: *app, ApplicationInput: *in}, err
				}
			}},
		{"submit", "sign and submit a draft, or a new application (Təsdiqlə)", contracts.TypeSubmit,
			func(fs *flag.FlagSet, e *env) func() (string, any, error) {
				s := sessionFlags(fs, e)
				in := inputFlags(fs, true)
				app := fs.String("application", "", "the draft to submit (default: a new application from -fin, -ssn, ...)")
				return func() (string, any, error) {
					sc, err := s()
					sub := contracts.Submit{SessionCommand: sc, ApplicationID: *app}
					if *app == "" {
						sub.Input = in
					}
					return sc.InsurerVOEN, sub, err
				}
			}},
		{"delete", "delete a draft", contracts.TypeDraftDelete,
			func(fs *flag.FlagSet, e *env) func() (string, any, error) {
				s := sessionFlags(fs, e)
				app := fs.String("application", "", "the draft's id")
				return func() (string, any, error) {
					sc, err := s()
					return sc.InsurerVOEN, contracts.DraftDelete{SessionCommand: sc, ApplicationID: *app}, err
				}
			}},
		{"search", "search the registry of applications (REYESTR)", contracts.TypeRegistrySearch,
			func(fs *flag.FlagSet, e *env) func() (string, any, error) {
				s := sessionFlags(fs, e)
				page := pageFlags(fs)
				var f contracts.RegistryFilter
				fs.StringVar(&f.Status, "status", "", "draft, submitted, in-processing, completed or rejected")
				fs.StringVar(&f.Type, "type", "", "replacement or duplicate")
				fs.StringVar(&f.FIN, "fin", "", "the person's FIN")
				fs.StringVar(&f.SSN, "ssn", "", "the person's SSN")
				fs.StringVar(&f.Surname, "surname", "", "surname prefix")
				fs.StringVar(&f.ApplicationFrom, "from", "", "application date from, YYYY-MM-DD")
				fs.StringVar(&f.ApplicationTo, "to", "", "application date to, YYYY-MM-DD")
				return func() (string, any, error) {
					sc, err := s()
					return sc.InsurerVOEN, contracts.RegistrySearch{SessionCommand: sc, Filter: f, Page: *page}, err
				}
			}},
		{"get", "the detailed view of an application", contracts.TypeApplicationGet,
			func(fs *flag.FlagSet, e *env) func() (string, any, error) {
				s := sessionFlags(fs, e)
				app := fs.String("application", "", "the application's id")
				return func() (string, any, error) {
					sc, err := s()
					return sc.InsurerVOEN, contracts.ApplicationGet{SessionCommand: sc, ApplicationID: *app}, err
				}
			}},
		{"decision", "a DSMF back-office decision on a submitted application", contracts.TypeDecision,
			func(fs *flag.FlagSet, e *env) func() (string, any, error) {
				voen := fs.String("voen", envOr(e, "DSMF_VOEN", demoVOEN), "the insurer's VÖEN (env DSMF_VOEN)")
				app := fs.String("application", "", "the application's id")
				decision := fs.String("decision", "", "take-into-processing, issue-certificate or reject")
				date := fs.String("certificate-date", "", "date of the new certificate, YYYY-MM-DD (issue-certificate; default today)")
				reason := fs.String("reason", "", "why it is rejected (reject)")
				officer := fs.String("officer", "dsmfctl", "the back-office officer's user id")
				return func() (string, any, error) {
					if err := choice("decision", *decision, contracts.DecisionTakeIntoProcessing, contracts.DecisionIssueCertificate, contracts.DecisionReject); err != nil {
						return "", nil, err
					}
					d := contracts.Decision{ApplicationID: *app, InsurerVOEN: *voen, Decision: *decision, Reason: *reason, Officer: *officer}
					if *decision == contracts.DecisionIssueCertificate {
						d.CertificateDate = *date
						if d.CertificateDate == "" {
							d.CertificateDate = today(e.now())
						}
					}
					return *voen, d, nil
				}
			}},
	}
}

// inputFlags are the fields of an application or a look-up; the defaults
// are the demo's first employee.
func inputFlags(fs *flag.FlagSet, reason bool) *contracts.ApplicationInput {
	in := &contracts.ApplicationInput{}
	emp := demoEmployees()[0]
	fs.StringVar(&in.DocumentType, "doc-type", emp.Document.DocumentType, "din-id-card or migration-document")
	fs.StringVar(&in.FIN, "fin", emp.Document.FIN, "the person's FIN")
	fs.StringVar(&in.SSN, "ssn", emp.Insured.SSN, "the person's SSN")
	if reason {
		fs.StringVar(&in.Reason, "reason", contracts.ReasonCertificateLost,
			"identity-document-changed, certificate-lost, certificate-data-error or certificate-unusable")
	}
	return in
}

func pageFlags(fs *flag.FlagSet) *contracts.Page {
	p := &contracts.Page{}
	fs.IntVar(&p.Number, "page", 0, "page number, from 1")
	fs.IntVar(&p.Size, "page-size", 0, "rows per page, at most 100")
	return p
}
