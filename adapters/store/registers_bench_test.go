package store_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	gojson "github.com/goccy/go-json"
	"github.com/hashicorp/go-memdb"

	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/cmd/dsmf-bench/workload"
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
)

// The reference registers side by side (docs/decisions/reference-registers.md):
// the same reference records folded by the store (compact rows) and
// inserted into go-memdb tables with the look-ups the store serves (insurer
// by VÖEN and by account; insured person by SSN and by FIN; document by
// FIN), one write transaction per 1024 records. Both report records/s and
// the heap per record they keep (B/ref).
//
//	go test ./adapters/store -run '^$' -bench Registers -benchtime 3x
func BenchmarkRegisters(b *testing.B) {
	refs, _, _ := generated(b, workload.Config{Insurers: 2_000, Persons: 20_000, Documents: 20_000, Events: 1, Seed: 1})
	batches := inBatches(refs, benchBatch)
	b.Run("compact", func(b *testing.B) {
		registers(b, len(refs), func() any { return foldAll(b, batches) })
	})
	b.Run("memdb", func(b *testing.B) {
		registers(b, len(refs), func() any {
			db, err := memdb.NewMemDB(registersSchema())
			if err != nil {
				b.Fatal(err)
			}
			for _, batch := range batches {
				txn := db.Txn(true)
				for _, r := range batch {
					table, obj := registerRow(b, r)
					if err := txn.Insert(table, obj); err != nil {
						b.Fatal(err)
					}
				}
				txn.Commit()
			}
			return db
		})
	})
}

// registerRow decodes a reference record as the store does, into strings of
// their own (memdb keeps the object).
func registerRow(b *testing.B, r store.Record) (string, any) {
	_, data, err := store.EnvelopeOf(r)
	if err != nil {
		b.Fatal(err)
	}
	switch r.Topic {
	case contracts.TopicInsurers:
		v, err := store.DecodeInsurer(data)
		return "insurers", cloned(b, &v, err)
	case contracts.TopicInsuredPersons:
		v, err := store.DecodeInsured(data)
		return "insured", cloned(b, &v, err)
	default:
		v, err := store.DecodeDocument(data)
		return "documents", cloned(b, &v, err)
	}
}

// cloned copies v with strings of its own (the fast decoder's alias the record).
func cloned[T any](b *testing.B, v *T, err error) *T {
	if err != nil {
		b.Fatal(err)
	}
	out := *v
	r := reflect.ValueOf(&out).Elem()
	for i := range r.NumField() {
		if f := r.Field(i); f.Kind() == reflect.String {
			f.SetString(strings.Clone(f.String()))
		}
	}
	return &out
}

func registersSchema() *memdb.DBSchema {
	str := func(field string) *memdb.StringFieldIndex { return &memdb.StringFieldIndex{Field: field} }
	return &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
		"insurers": {Name: "insurers", Indexes: map[string]*memdb.IndexSchema{
			"id":      {Name: "id", Unique: true, Indexer: str("VOEN")},
			"account": {Name: "account", Indexer: str("AccountNumber")},
		}},
		"insured": {Name: "insured", Indexes: map[string]*memdb.IndexSchema{
			"id":  {Name: "id", Unique: true, Indexer: str("SSN")},
			"fin": {Name: "fin", Indexer: str("FIN")},
		}},
		"documents": {Name: "documents", Indexes: map[string]*memdb.IndexSchema{
			"id": {Name: "id", Unique: true, Indexer: str("FIN")},
		}},
	}}
}

// registers times fill and reports the heap one fill keeps per record.
func registers(b *testing.B, n int, fill func() any) {
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		fill()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(n*b.N), "cpu-ns/record")
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(heapOf(b, fill))/float64(n), "B/ref")
}

// The event decoders side by side: the fast path (go-json) and
// encoding/json into the registry's contract types.
//
//	go test ./adapters/store -run '^$' -bench EventDecode
func BenchmarkEventDecode(b *testing.B) {
	ss := samples(b)
	var size int
	for _, s := range ss {
		size += len(s.data)
	}
	for _, c := range []struct {
		name   string
		decode func(typ string, data []byte) bool
	}{
		{"fast", func(typ string, data []byte) bool { _, _, ok := store.DecodeEventFast(typ, data); return ok }},
		{"encoding-json", func(typ string, data []byte) bool { _, err := wire.DecodeEvent(typ, data); return err == nil }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(size))
			for b.Loop() {
				for _, s := range ss {
					if !c.decode(s.typ, s.data) {
						b.Fatal("not decoded: ", s.typ)
					}
				}
			}
			b.ReportMetric(float64(len(ss))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// The reference decoders side by side, as BenchmarkEventDecode: the
// hand-written flat reader (strings alias the record), go-json (which the
// events use) and encoding/json.
func BenchmarkReferenceDecode(b *testing.B) {
	refs, _, _ := generated(b, workload.Config{Insurers: 2_000, Persons: 5_000, Documents: 5_000, Events: 1, Seed: 2})
	type rec struct {
		topic string
		data  []byte
	}
	var rs []rec
	for _, r := range refs {
		_, data, err := store.EnvelopeOf(r)
		if err != nil {
			b.Fatal(err)
		}
		rs = append(rs, rec{r.Topic, data})
	}
	fast := func(topic string, data []byte) error {
		var err error
		switch topic {
		case contracts.TopicInsurers:
			_, err = store.DecodeInsurer(data)
		case contracts.TopicInsuredPersons:
			_, err = store.DecodeInsured(data)
		default:
			_, err = store.DecodeDocument(data)
		}
		return err
	}
	std := func(topic string, data []byte) error {
		switch topic {
		case contracts.TopicInsurers:
			return json.Unmarshal(data, new(contracts.Insurer))
		case contracts.TopicInsuredPersons:
			return json.Unmarshal(data, new(contracts.InsuredPerson))
		default:
			return json.Unmarshal(data, new(contracts.IdentityDocument))
		}
	}
	goJSON := func(topic string, data []byte) error {
		switch topic {
		case contracts.TopicInsurers:
			return gojson.Unmarshal(data, new(contracts.Insurer))
		case contracts.TopicInsuredPersons:
			return gojson.Unmarshal(data, new(contracts.InsuredPerson))
		default:
			return gojson.Unmarshal(data, new(contracts.IdentityDocument))
		}
	}
	for _, c := range []struct {
		name   string
		decode func(string, []byte) error
	}{{"fast", fast}, {"go-json", goJSON}, {"encoding-json", std}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, r := range rs {
					if err := c.decode(r.topic, r.data); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(len(rs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
