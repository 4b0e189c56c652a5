//go:build unix

package ci

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// nullDevice returns a null device to write to: a node of its own (major 1, minor 3) in a
// temporary directory when the test may create one (root), so that a regression replaces that
// node and not the machine's /dev/null; else /dev/null itself, which a user who cannot create
// device nodes cannot replace either. (pkg/report's TestWriteToDevNull does the same for the
// result's own files.)
func nullDevice(t *testing.T) string {
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

// TestWriteDotenvToDevNull: dotenv-file=/dev/null is written through the device, which stays a
// character device, and leaves no temporary file beside it.
func TestWriteDotenvToDevNull(t *testing.T) {
	t.Parallel()
	null := nullDevice(t)
	if err := WriteDotenv(writerSample(), null); err != nil {
		t.Errorf("dotenv to %s: %v", null, err)
	}
	fi, err := os.Lstat(null)
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("%s is no longer a character device: %v %v", null, fi.Mode(), err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(null), ".codearts-*")); len(left) > 0 {
		t.Errorf("temporary files next to %s: %v", null, left)
	}
}
