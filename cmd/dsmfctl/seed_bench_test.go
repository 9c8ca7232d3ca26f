package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/kafka/embedded"
	"github.com/dsmf/ssc-adapter/adapters/refload"
	"github.com/dsmf/ssc-adapter/contracts"
)

// BenchmarkSeed publishes insured persons to an in-process broker (no
// adapter) and reports records/s; the broker shares the CPUs.
//
//	go test ./cmd/dsmfctl -run '^$' -bench Seed -benchtime 3x
func BenchmarkSeed(b *testing.B) {
	for _, kind := range []refload.Kind{refload.InsuredPersons, refload.IdentityDocuments} {
		b.Run(string(kind), func(b *testing.B) {
			const rows = 100_000
			cluster, err := embedded.Start(embedded.Options{Addr: "127.0.0.1:0"})
			if err != nil {
				b.Fatal(err)
			}
			defer cluster.Close()
			if err := kafka.CreateTopics(cluster.Addrs(), contracts.Topics(contracts.DefaultPartitions)); err != nil {
				b.Fatal(err)
			}
			file := filepath.Join(b.TempDir(), "rows.csv")
			var sb strings.Builder
			if kind == refload.InsuredPersons {
				sb.WriteString("ssn,fin,ssnDate,certificateStatus,insurerVoen\n")
				for i := range rows {
					fmt.Fprintf(&sb, "%013d,X%06d,2005-09-01,active,9802091761\n", i, i)
				}
			} else {
				sb.WriteString("fin,documentType,documentNumber,surname,name,patronymic,gender,citizenship,birthPlace,birthDate,issuingAuthority,issueDate,validUntil\n")
				for i := range rows {
					fmt.Fprintf(&sb, "X%06d,din-id-card,AA%07d,ƏLİYEVA,ŞƏHLA,VÜQAR QIZI,female,Azərbaycan,Bakı şəhəri,1985-03-14,ASAN xidmət №1,2019-05-20,2029-05-20\n", i, i)
				}
			}
			if err := os.WriteFile(file, []byte(sb.String()), 0o600); err != nil {
				b.Fatal(err)
			}
			e, _, _ := testEnv("")
			var total, secs float64
			for b.Loop() {
				st, err := seed(context.Background(), e, seedOptions{brokers: cluster.Addrs(), kind: kind, format: refload.CSV, path: file})
				if err != nil || st.Published != rows {
					b.Fatalf("%v: %+v", err, st)
				}
				total += float64(st.Published)
				secs += st.Elapsed.Seconds()
			}
			b.ReportMetric(total/secs, "records/s")
		})
	}
}
