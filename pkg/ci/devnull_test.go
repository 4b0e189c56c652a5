//go:build unix

package ci

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/codearts-runner/codearts-runner/internal/testutil"
)

// TestWriteDotenvToDevNull: dotenv-file=/dev/null is written through the device, which stays a
// character device, and leaves no temporary file beside it.
func TestWriteDotenvToDevNull(t *testing.T) {
	t.Parallel()
	null := testutil.NullDevice(t)
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
