//go:build unix

package testutil

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// NullDevice returns a null device to write to: a node of its own (major 1, minor 3) in a
// temporary directory when the test may create one (root), so that a regression replaces that
// node and not the machine's /dev/null; else /dev/null itself, which a user who cannot create
// device nodes cannot replace either.
func NullDevice(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "null")
	if err := syscall.Mknod(path, syscall.S_IFCHR|0o666, 1<<8|3); err == nil {
		if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
			f.Close()
			return path
		}
	}
	return os.DevNull
}
