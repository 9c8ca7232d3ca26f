package refload_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/dsmf/ssc-adapter/adapters/refload"
)

// BenchmarkDocumentsCSV reads identity documents, the widest kind.
func BenchmarkDocumentsCSV(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(documentHeader)
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&sb, "%07d,din-id-card,AA%07d,ƏLİYEVA,ŞƏHLA,VÜQAR QIZI,female,Azərbaycan,Bakı şəhəri,1985-03-14,ASAN xidmət №1,2019-05-20,2029-05-20\n", i, i)
	}
	text := sb.String()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := refload.NewReader(strings.NewReader(text), refload.IdentityDocuments, refload.CSV, refload.Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			row, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil || !row.OK() {
				b.Fatal(err, row.Errors)
			}
			n++
		}
		if n != 1000 {
			b.Fatal(n)
		}
	}
}
