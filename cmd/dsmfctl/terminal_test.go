package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Colours and the progress line are for a person: never into /dev/null, a
// pipe or a file.
func TestIsTerminalOnlyForATerminal(t *testing.T) {
	t.Parallel()
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer devNull.Close()
	assert.False(t, isTerminal(devNull), "/dev/null is a character device, not a terminal")

	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	assert.False(t, isTerminal(w), "a pipe")

	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, isTerminal(f), "a file")

	pty, ok := openPseudoTerminal(t)
	if !ok {
		t.Skip("no pseudo-terminal on this system: the positive case is not checked")
	}
	assert.True(t, isTerminal(pty), "a pseudo-terminal")
}
