//go:build unix

package report

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/codearts-runner/codearts-runner/internal/testutil"
)

// openReader opens the read end of the FIFO at path without waiting for a writer, so that a
// writer finds a reader.
func openReader(t *testing.T, path string) *os.File {
	t.Helper()
	r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func mkfifo(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// isFIFO fails unless path is still a FIFO (not replaced by a regular file).
func isFIFO(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("%s is no longer a FIFO: %v %v", path, fi.Mode(), err)
	}
}

func TestWriteToDevNull(t *testing.T) {
	t.Parallel()
	null := testutil.NullDevice(t)
	r := writerSample()
	for name, write := range map[string]func(string) error{"json": r.WriteJSON, "junit": r.WriteJUnit, "html": r.WriteHTML} {
		if err := write(null); err != nil {
			t.Errorf("%s to %s: %v", name, null, err)
		}
	}
	fi, err := os.Lstat(null)
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("%s is no longer a character device: %v %v", null, fi.Mode(), err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(null), ".codearts-*")); len(left) > 0 {
		t.Errorf("temporary files next to %s: %v", null, left)
	}
}

func TestWriteToFIFO(t *testing.T) {
	t.Parallel()
	path := mkfifo(t)
	reader := openReader(t, path)
	// The result file is far below the pipe's buffer: the write completes without a read.
	if err := writerSample().WriteJSON(path); err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(reader)
	if err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := json.Unmarshal(data, &back); err != nil || back.Result != "failed" {
		t.Fatalf("the reader got %d bytes that are not the result (%v):\n%s", len(data), err, data)
	}
	isFIFO(t, path)
}

func TestWriteToFIFOWithoutReader(t *testing.T) {
	t.Parallel()
	path := mkfifo(t)
	err := writerSample().WriteJUnit(path)
	if err == nil || !strings.Contains(err.Error(), "no process reads this FIFO") {
		t.Fatalf("error %v, want one saying that nobody reads the FIFO", err)
	}
	isFIFO(t, path)
}

func TestWriteToStalledReader(t *testing.T) {
	t.Parallel()
	path := mkfifo(t)
	openReader(t, path) // never reads
	big := bytes.Repeat([]byte("x"), 4<<20)
	err := writeFile(path, big)
	if err == nil || !strings.Contains(err.Error(), "took nothing in") {
		t.Fatalf("error %v, want the stall to end the write", err)
	}
	isFIFO(t, path)
}

func TestWriteThroughSymlink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "build", "junit.xml")
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, bytes.Repeat([]byte("old "), 10000), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "junit.xml")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(link, []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi.Mode(), err)
	}
	if got, _ := os.ReadFile(target); string(got) != "new\n" {
		t.Errorf("target holds %q, want the new content only", got)
	}
}

func TestStreamPath(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]bool{
		"/dev/stdout": true, "/dev/stderr": true, "/dev/fd/1": true, "/proc/self/fd/2": true, "/dev//stdout": true,
		"/dev/null": false, "/tmp/dev/stdout": false, "out.fifo": false, "/dev/fdx": false,
	} {
		if got := streamPath(path); got != want {
			t.Errorf("streamPath(%q) = %v, want %v", path, got, want)
		}
	}
}
