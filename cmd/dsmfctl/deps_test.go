package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The command-line tool is a Kafka client: it must not link the server
// (handlers, state, PDF rendering, the router) nor a broker.
func TestDsmfctlLinksNoServerPackage(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	forbidden := []string{
		"github.com/dsmf/ssc-adapter/handlers",
		"github.com/dsmf/ssc-adapter/adapters/store",
		"github.com/dsmf/ssc-adapter/adapters/service",
		"github.com/dsmf/ssc-adapter/adapters/notice",
		"github.com/dsmf/ssc-adapter/adapters/ops",
		"github.com/dsmf/ssc-adapter/adapters/kafka/embedded",
		"github.com/go-pdf/fpdf",
		"github.com/ThreeDotsLabs/watermill/message/router",
		"github.com/twmb/franz-go/pkg/kfake",
		"github.com/prometheus/client_golang/prometheus",
	}
	for _, dep := range deps {
		for _, f := range forbidden {
			if dep == f || strings.HasPrefix(dep, f+"/") {
				t.Errorf("dsmfctl links %s", dep)
			}
		}
	}
}
