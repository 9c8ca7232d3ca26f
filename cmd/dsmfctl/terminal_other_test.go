//go:build !linux

package main

import (
	"os"
	"testing"
)

func openPseudoTerminal(*testing.T) (*os.File, bool) { return nil, false }
