package store

import (
	"strconv"
	"time"

	"github.com/dsmf/ssc-adapter/contracts"
)

// The fast path of decoding events (see decode.go for the rules): events
// as the adapter writes them — exact member names, strings without
// escapes, integers, no nulls, no member the type does not have, no object
// given twice — are read without reflection; anything else is left to
// encoding/json, so what an event decodes to does not change.
//
// The strings of an event whose values memdb keeps (sessions opened,
// grants, applications saved or moved) are strings of their own; those of
// the other events alias the record's bytes (no copy at all): the fold
// keeps nothing of them but outcome rows, which copy what they hold (the
// outcome a waiter gets is read from its row).

// jreader reads plain JSON from b; its strings alias b (when s, the string
// of b's bytes, is set) or are strings of their own.
type jreader struct {
	b  []byte
	s  string
	i  int
	ok bool
}

func newReader(data []byte, share bool) *jreader {
	r := &jreader{b: data, ok: true}
	if share {
		r.s = alias(data)
	}
	return r
}

func (r *jreader) fail() bool {
	r.ok = false
	return false
}

// end reports whether all of b was read and read well.
func (r *jreader) end() bool { return r.ok && skipSpace(r.b, r.i) == len(r.b) }

// object reads an object, calling member with each member's name; member
// reads the value and returns false for a name it does not know.
func (r *jreader) object(member func(name string) bool) {
	r.i = skipSpace(r.b, r.i)
	if !r.ok || r.i >= len(r.b) || r.b[r.i] != '{' {
		r.fail()
		return
	}
	r.i = skipSpace(r.b, r.i+1)
	if r.i < len(r.b) && r.b[r.i] == '}' {
		r.i++
		return
	}
	for r.ok {
		name, next, ok := plainString(r.b, r.i)
		if !ok {
			r.fail()
			return
		}
		r.i = skipSpace(r.b, next)
		if r.i >= len(r.b) || r.b[r.i] != ':' {
			r.fail()
			return
		}
		r.i = skipSpace(r.b, r.i+1)
		if !member(alias(name)) || !r.ok { // the name is only compared
			r.fail()
			return
		}
		r.i = skipSpace(r.b, r.i)
		switch {
		case r.i < len(r.b) && r.b[r.i] == ',':
			r.i = skipSpace(r.b, r.i+1)
		case r.i < len(r.b) && r.b[r.i] == '}':
			r.i++
			return
		default:
			r.fail()
		}
	}
}

// array reads an array, calling elem for each element.
func (r *jreader) array(elem func()) {
	if !r.ok || r.i >= len(r.b) || r.b[r.i] != '[' {
		r.fail()
		return
	}
	r.i = skipSpace(r.b, r.i+1)
	if r.i < len(r.b) && r.b[r.i] == ']' {
		r.i++
		return
	}
	for r.ok {
		elem()
		r.i = skipSpace(r.b, r.i)
		switch {
		case !r.ok:
		case r.i < len(r.b) && r.b[r.i] == ',':
			r.i = skipSpace(r.b, r.i+1)
		case r.i < len(r.b) && r.b[r.i] == ']':
			r.i++
			return
		default:
			r.fail()
		}
	}
}

// raw reads a plain string's content.
func (r *jreader) raw() []byte {
	s, next, ok := plainString(r.b, r.i)
	if !ok {
		r.fail()
		return nil
	}
	r.i = next
	return s
}

func (r *jreader) str() string {
	start := r.i + 1
	s := r.raw()
	if !r.ok {
		return ""
	}
	if r.s != "" {
		return r.s[start : start+len(s)]
	}
	return string(s)
}

func (r *jreader) time() time.Time {
	var t time.Time
	if s := r.raw(); r.ok && !setTime(&t, s) {
		r.fail()
	}
	return t
}

// int reads an integer as encoding/json reads one into an integer of
// bits: -?(0|[1-9][0-9]*) within range, anything else fails.
func (r *jreader) int(bits int) int64 {
	j := r.i
	if j < len(r.b) && r.b[j] == '-' {
		j++
	}
	digits := j
	for j < len(r.b) && '0' <= r.b[j] && r.b[j] <= '9' {
		j++
	}
	if j == digits || (r.b[digits] == '0' && j > digits+1) ||
		(j < len(r.b) && (r.b[j] == '.' || r.b[j] == 'e' || r.b[j] == 'E')) {
		r.fail()
		return 0
	}
	v, err := strconv.ParseInt(string(r.b[r.i:j]), 10, bits)
	if err != nil {
		r.fail()
		return 0
	}
	r.i = j
	return v
}

// once is false, failing the reader, when an object member comes again
// (encoding/json would merge the two).
func (r *jreader) once(seen *bool) bool {
	if *seen {
		return r.fail()
	}
	*seen = true
	return true
}

// field is a string member of an object and where it goes.
type field struct {
	name string
	s    *string
}

// members reads an object whose members are the strings of fields or,
// for other names, what other reads (nil: nothing).
func (r *jreader) members(fields []field, other func(name string) bool) {
	r.object(func(name string) bool {
		for _, f := range fields {
			if f.name == name {
				*f.s = r.str()
				return true
			}
		}
		return other != nil && other(name)
	})
}

// meta reads the members of EventMeta.
func (r *jreader) meta(m *contracts.EventMeta) func(name string) bool {
	return func(name string) bool {
		switch name {
		case "commandId":
			m.CommandID = r.str()
		case "insurerVoen":
			m.InsurerVOEN = r.str()
		case "seq":
			m.Seq = r.int(64)
		case "at":
			m.At = r.time()
		default:
			return false
		}
		return true
	}
}

// decodeEventFast decodes the payload of an event of type typ; ok is false
// when encoding/json has to.
func decodeEventFast(typ string, data []byte) (payload any, meta contracts.EventMeta, ok bool) {
	switch typ {
	case contracts.TypeDraftSaved, contracts.TypeApplicationSubmitted:
		var e contracts.DraftSaved // the shape of both
		var app bool
		r := newReader(data, false) // kept in memdb: strings of their own
		r.members([]field{{"sessionId", &e.SessionID}}, func(name string) bool {
			if name == "application" {
				return r.once(&app) && r.application(&e.Application)
			}
			return r.meta(&e.EventMeta)(name)
		})
		if typ == contracts.TypeApplicationSubmitted {
			return contracts.ApplicationSubmitted(e), e.EventMeta, r.end()
		}
		return e, e.EventMeta, r.end()
	case contracts.TypeApplicationStatusMoved:
		var e contracts.ApplicationStatusChanged
		r := newReader(data, false) // its officer and reason are kept
		r.members([]field{{"applicationId", &e.ApplicationID}, {"from", &e.From}, {"to", &e.To}, {"officer", &e.Officer},
			{"certificateDate", &e.CertificateDate}, {"reason", &e.Reason}}, r.meta(&e.EventMeta))
		return e, e.EventMeta, r.end()
	case contracts.TypeCommandRejected:
		var e contracts.CommandRejected
		r := newReader(data, true)
		r.members([]field{{"commandType", &e.CommandType}, {"sessionId", &e.SessionID}, {"code", &e.Code},
			{"detail", &e.Detail}}, r.meta(&e.EventMeta))
		return e, e.EventMeta, r.end()
	case contracts.TypeSessionClosed:
		var e contracts.SessionClosed
		r := newReader(data, true)
		r.members([]field{{"sessionId", &e.SessionID}, {"reason", &e.Reason}}, r.meta(&e.EventMeta))
		return e, e.EventMeta, r.end()
	case contracts.TypeDraftDeleted:
		var e contracts.DraftDeleted
		r := newReader(data, true)
		r.members([]field{{"sessionId", &e.SessionID}, {"applicationId", &e.ApplicationID}}, r.meta(&e.EventMeta))
		return e, e.EventMeta, r.end()
	case contracts.TypeGrantRevoked:
		var e contracts.GrantRevoked
		r := newReader(data, true)
		r.members([]field{{"sessionId", &e.SessionID}, {"grantId", &e.GrantID}}, r.meta(&e.EventMeta))
		return e, e.EventMeta, r.end()
	case contracts.TypeSessionOpened:
		var e contracts.SessionOpened
		var card, asan bool
		r := newReader(data, false) // kept as it is: strings of their own
		r.members([]field{{"sessionId", &e.SessionID}, {"role", &e.Role}, {"grantId", &e.GrantID}, {"method", &e.Method},
			{"signerFin", &e.SignerFIN}, {"assertionId", &e.AssertionID}}, func(name string) bool {
			switch name {
			case "card":
				if !r.once(&card) {
					return false
				}
				e.Card = &contracts.CardIdentity{}
				r.members([]field{{"cardNumber", &e.Card.CardNumber}, {"certificateSerial", &e.Card.CertificateSerial},
					{"subject", &e.Card.Subject}, {"issuer", &e.Card.Issuer}}, nil)
			case "asan":
				if !r.once(&asan) {
					return false
				}
				e.Asan = &contracts.AsanIdentity{}
				r.members([]field{{"phone", &e.Asan.Phone}, {"userId", &e.Asan.UserID}}, nil)
			case "certNotAfter":
				e.CertNotAfter = r.time()
			default:
				return r.meta(&e.EventMeta)(name)
			}
			return true
		})
		return e, e.EventMeta, r.end()
	case contracts.TypeGrantCreated:
		var e contracts.GrantCreated
		var grant bool
		r := newReader(data, false) // kept as it is: strings of their own
		r.members([]field{{"sessionId", &e.SessionID}}, func(name string) bool {
			if name == "grant" {
				return r.once(&grant) && r.grant(&e.Grant)
			}
			return r.meta(&e.EventMeta)(name)
		})
		return e, e.EventMeta, r.end()
	}
	return nil, contracts.EventMeta{}, false
}

func (r *jreader) application(a *contracts.Application) bool {
	var person, signer, history bool
	r.members([]field{{"applicationId", &a.ApplicationID}, {"number", &a.Number}, {"insurerVoen", &a.InsurerVOEN},
		{"type", &a.Type}, {"reason", &a.Reason}, {"status", &a.Status}, {"applicationDate", &a.ApplicationDate},
		{"certificateDate", &a.CertificateDate}, {"rejectionReason", &a.RejectionReason},
		{"certificateStatus", &a.CertificateStatus}}, func(name string) bool {
		switch name {
		case "person":
			if !r.once(&person) {
				return false
			}
			p := &a.Person
			r.members([]field{{"documentType", &p.DocumentType}, {"fin", &p.FIN}, {"ssn", &p.SSN},
				{"surname", &p.Surname}, {"name", &p.Name}, {"patronymic", &p.Patronymic}, {"gender", &p.Gender},
				{"citizenship", &p.Citizenship}, {"birthPlace", &p.BirthPlace}, {"birthDate", &p.BirthDate},
				{"issuingAuthority", &p.IssuingAuthority}, {"issueDate", &p.IssueDate}, {"ssnDate", &p.SSNDate},
				{"certificateStatus", &p.CertificateStatus}}, nil)
		case "createdAt":
			a.CreatedAt = r.time()
		case "updatedAt":
			a.UpdatedAt = r.time()
		case "signedBy":
			if !r.once(&signer) {
				return false
			}
			s := &contracts.Signer{}
			a.SignedBy = s
			r.members([]field{{"role", &s.Role}, {"method", &s.Method}, {"fin", &s.FIN}, {"cardNumber", &s.CardNumber},
				{"phone", &s.Phone}, {"sessionId", &s.SessionID}}, nil)
		case "signedAt":
			at := r.time()
			a.SignedAt = &at
		case "history":
			if !r.once(&history) {
				return false
			}
			a.History = []contracts.StatusChange{} // an empty array is an empty slice
			r.array(func() {
				var h contracts.StatusChange
				r.members([]field{{"status", &h.Status}, {"by", &h.By}, {"reason", &h.Reason}}, func(name string) bool {
					if name == "at" {
						h.At = r.time()
						return true
					}
					return false
				})
				a.History = append(a.History, h)
			})
		case "noticeVersion":
			a.NoticeVersion = int(r.int(strconv.IntSize))
		default:
			return false
		}
		return true
	})
	return r.ok
}

func (r *jreader) grant(g *contracts.Grant) bool {
	var grantee, validity bool
	r.members([]field{{"grantId", &g.GrantID}, {"service", &g.Service}}, func(name string) bool {
		switch name {
		case "grantee":
			if !r.once(&grantee) {
				return false
			}
			r.members([]field{{"method", &g.Grantee.Method}, {"cardNumber", &g.Grantee.CardNumber},
				{"phone", &g.Grantee.Phone}, {"fin", &g.Grantee.FIN}}, nil)
		case "validity":
			if !r.once(&validity) {
				return false
			}
			r.members([]field{{"kind", &g.Validity.Kind}, {"start", &g.Validity.Start}, {"end", &g.Validity.End}}, nil)
		case "createdAt":
			g.CreatedAt = r.time()
		default:
			return false
		}
		return true
	})
	return r.ok
}
