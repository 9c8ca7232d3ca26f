package handlers_test

import (
	"flag"
	"os"
	"testing"
)

// TestMain lets more tests run at once than go test's default (one per
// core) unless -parallel is given: the end-to-end tests spend their time
// waiting on their own in-process broker (joining the consumer group,
// rebuilding state), not on the CPU. Under the race detector they do use
// the CPU, and keep the default.
func TestMain(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given && !raceDetector {
		if err := flag.Set("test.parallel", "4"); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}
