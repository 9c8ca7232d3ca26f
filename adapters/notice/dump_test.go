package notice

import (
	"os"
	"testing"
)

func TestDump(t *testing.T) {
	dir := os.Getenv("NOTICE_DUMP")
	if dir == "" {
		t.Skip("set NOTICE_DUMP")
	}
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Render(sampleNotice())
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(dir+"/sample.pdf", b, 0o644)
}
