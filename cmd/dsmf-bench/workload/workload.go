// Package workload generates a realistic, deterministic data set for the
// adapter: reference records for the three compacted topics and a log of
// domain events that all apply (each insurer's seq numbers are consecutive
// and every event fits the state the earlier ones made).
package workload

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/contracts"
)

// Config sizes a data set.
type Config struct {
	Insurers, Persons, Documents, Events int
	// Seed makes a different, equally valid data set.
	Seed uint64
	// Start is the time of the first event; records are stamped a year before.
	Start time.Time
}

// Record is one Kafka record.
type Record struct {
	Topic   string
	Key     []byte
	Value   []byte // nil: a tombstone
	Headers []contracts.Header
}

// StoreRecord is the record as the fold takes it.
func (r Record) StoreRecord() store.Record {
	return store.Record{Topic: r.Topic, Key: r.Key, Value: r.Value, Headers: r.Headers}
}

// Generator makes the records of a data set.
type Generator struct {
	cfg Config
}

// New returns a generator; zero sizes stay zero, a zero Start is 2026-03-02.
func New(cfg Config) *Generator {
	if cfg.Start.IsZero() {
		cfg.Start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	}
	if cfg.Insurers <= 0 && cfg.Events > 0 {
		cfg.Insurers = 1
	}
	return &Generator{cfg: cfg}
}

// Config is the generator's configuration.
func (g *Generator) Config() Config { return g.cfg }

// ReferenceCount is the number of reference records References emits.
func (g *Generator) ReferenceCount() int { return g.cfg.Insurers + g.cfg.Persons + g.cfg.Documents }

// rng is a generator for one entity, so that entity i is the same whatever
// else is generated.
func (g *Generator) rng(kind, i uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.cfg.Seed, kind<<56|i))
}

const (
	kindInsurer = iota + 1
	kindPerson
	kindDocument
	kindEvents
)

// permute maps i to a distinct number below m (a bijection for i < m).
func permute(i, m, offset int64) int64 { return (i*2654435761 + offset) % m }

func digits(n int64, width int) string {
	s := strconv.FormatInt(n, 10)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// VOEN is insurer i's taxpayer number: 10 digits.
func (g *Generator) VOEN(i int) string {
	return digits(1_000_000_000+permute(int64(i), 9_000_000_000, 7_340_111), 10)
}

// SSN is person i's social insurance number: 13 digits.
func (g *Generator) SSN(i int) string {
	return "1200" + digits(permute(int64(i), 1_000_000_000, 11), 9)
}

// FIN is person i's personal identification number: 7 digits and capitals
// other than I and O.
func (g *Generator) FIN(i int) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	const base = int64(len(alphabet))
	n := permute(int64(i), 52_523_350_144, 1_000_003) // 34^7
	var b [7]byte
	for k := 6; k >= 0; k-- {
		b[k] = alphabet[n%base]
		n /= base
	}
	return string(b[:])
}

func date(r *rand.Rand, fromYear, toYear int) string {
	return fmt.Sprintf("%04d-%02d-%02d", fromYear+r.IntN(toYear-fromYear+1), 1+r.IntN(12), 1+r.IntN(28))
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// Insurer is insurer i's register record.
func (g *Generator) Insurer(i int) contracts.Insurer {
	r := g.rng(kindInsurer, uint64(i))
	office := pick(r, offices)
	in := contracts.Insurer{
		VOEN:          g.VOEN(i),
		AccountNumber: digits(1_000_000_000+permute(int64(i), 9_000_000_000, 523_777), 10),
		OfficeCode:    office.code, OfficeName: office.name,
		UpdatedAt: g.cfg.Start.AddDate(-1, 0, 0).Add(time.Duration(i) * time.Second),
	}
	boss := pick(r, maleNames)
	if r.IntN(4) == 0 {
		boss = pick(r, femaleNames)
	}
	in.ResponsiblePerson = boss + " " + pick(r, surnames) + " " + pick(r, maleNames) + " " + pick(r, surnames)
	if r.IntN(5) == 0 {
		in.Type = contracts.InsurerNaturalPerson
		in.FullName = "FƏRDİ SAHİBKAR " + in.ResponsiblePerson
	} else {
		in.Type = contracts.InsurerLegalEntity
		in.FullName = `"` + pick(r, companyWords) + " " + pick(r, companyWords) + `" ` + pick(r, companyForms)
	}
	return in
}

// InsurerOf is the insurer that person i works for.
func (g *Generator) InsurerOf(person int) int { return person % max(g.cfg.Insurers, 1) }

// InsuredPerson is person i's insurance record.
func (g *Generator) InsuredPerson(i int) contracts.InsuredPerson {
	r := g.rng(kindPerson, uint64(i))
	return contracts.InsuredPerson{
		SSN: g.SSN(i), FIN: g.FIN(i), SSNDate: date(r, 1998, 2025),
		CertificateStatus: contracts.CertificateActive, InsurerVOEN: g.VOEN(g.InsurerOf(i)),
		UpdatedAt: g.cfg.Start.AddDate(-1, 0, 0).Add(time.Duration(i) * time.Second),
	}
}

// Document is person i's identity document.
func (g *Generator) Document(i int) contracts.IdentityDocument {
	r := g.rng(kindDocument, uint64(i))
	d := contracts.IdentityDocument{FIN: g.FIN(i), Citizenship: "Azərbaycan",
		UpdatedAt: g.cfg.Start.AddDate(-1, 0, 0).Add(time.Duration(i) * time.Second)}
	father := pick(r, maleNames)
	surname := pick(r, surnames)
	if r.IntN(2) == 0 {
		d.Gender, d.Name, d.Surname, d.Patronymic = contracts.GenderMale, pick(r, maleNames), surname, father+" OĞLU"
	} else {
		d.Gender, d.Name, d.Surname, d.Patronymic = contracts.GenderFemale, pick(r, femaleNames), surname+"A", father+" QIZI"
	}
	d.BirthDate = date(r, 1955, 2006)
	d.IssueDate = date(r, 2016, 2025)
	d.ValidUntil = strconv.Itoa(10+atoi(d.IssueDate[:4])) + d.IssueDate[4:]
	if r.IntN(20) == 0 {
		d.DocumentType, d.Citizenship, d.IssuingAuthority = contracts.DocumentMigration, pick(r, foreignCitizenships), migrationAuthority
		d.DocumentNumber = "MH" + digits(permute(int64(i), 10_000_000, 5), 7)
		d.BirthPlace = pick(r, []string{"İstanbul", "Ankara", "İzmir", "Moskva", "Tbilisi", "Təbriz", "Kiyev", "Daşkənd"})
		d.ValidUntil = strconv.Itoa(3+atoi(d.IssueDate[:4])) + d.IssueDate[4:]
	} else {
		d.DocumentType, d.IssuingAuthority, d.BirthPlace = contracts.DocumentIDCard, pick(r, authorities), pick(r, birthPlaces)
		if r.IntN(3) == 0 {
			d.DocumentNumber = "AZE" + digits(permute(int64(i), 100_000_000, 17), 8)
		} else {
			d.DocumentNumber = "AA" + digits(permute(int64(i), 10_000_000, 3), 7)
		}
	}
	return d
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// References emits every reference record: insurers, insured persons, then
// identity documents.
func (g *Generator) References(emit func(Record) error) error { return g.ReferenceShard(0, 1, emit) }

// ReferenceShard emits the reference records whose index is shard modulo
// shards, so that several goroutines can make them at once. Every key
// occurs once, so their order does not matter.
func (g *Generator) ReferenceShard(shard, shards int, emit func(Record) error) error {
	at := g.cfg.Start.AddDate(-1, 0, 0)
	one := func(kind string, i int, rec any) error {
		topic, env, err := contracts.ReferenceEnvelope("reg-"+kind+"-"+strconv.Itoa(i), rec, at)
		if err != nil {
			return err
		}
		return emit(Record{Topic: topic, Key: []byte(env.Key), Value: env.Data, Headers: env.BinaryHeaders()})
	}
	for i := shard; i < g.cfg.Insurers; i += shards {
		if err := one("insurer", i, g.Insurer(i)); err != nil {
			return err
		}
	}
	for i := shard; i < g.cfg.Persons; i += shards {
		if err := one("insured", i, g.InsuredPerson(i)); err != nil {
			return err
		}
	}
	for i := shard; i < g.cfg.Documents; i += shards {
		if err := one("document", i, g.Document(i)); err != nil {
			return err
		}
	}
	return nil
}
