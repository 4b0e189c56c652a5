package report

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// outputStall is how long an output written in place may wait for its reader (a FIFO or pipe
// whose reader stopped reading) before the write gives up.
const outputStall = 2 * time.Second

// writeInPlace writes what fill writes through path itself, for a path that exists and is not a
// regular file: a device (/dev/null), a FIFO or pipe (/dev/stdout in CI), a socket, or a
// symbolic link. The temporary file and rename of writeFileWith would replace the device or
// the link with a regular file. A FIFO without a reader is an error at once rather than a
// wait without end (unix), and a reader that takes nothing in for outputStall ends the write.
//
// A path naming one of the process's streams (/dev/stdout, /dev/fd/1) is appended to, not
// truncated: when the stream is a file opened for appending (`>>log`) the output lands after
// what the stream wrote, instead of erasing it.
func writeInPlace(path string, fill func(io.Writer) error) error {
	mode := os.O_TRUNC
	if streamPath(path) {
		mode = os.O_APPEND
	}
	f, err := os.OpenFile(path, os.O_WRONLY|mode|openInPlaceFlags, 0)
	if err != nil {
		if noReader(err) {
			return fmt.Errorf("write %s: no process reads this FIFO", path)
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	err = fill(&stallWriter{f: f})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// stallWriter writes to f in chunks, each within outputStall where f supports deadlines (pipes,
// FIFOs, terminals; /dev/null and regular files never wait).
type stallWriter struct{ f *os.File }

// Write writes p, failing when the reader takes in nothing for outputStall.
func (w *stallWriter) Write(p []byte) (int, error) {
	const chunk = 64 << 10
	n := 0
	for n < len(p) {
		_ = w.f.SetWriteDeadline(time.Now().Add(outputStall)) // os.ErrNoDeadline: f never waits
		m, err := w.f.Write(p[n:min(len(p), n+chunk)])
		n += m
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return n, fmt.Errorf("its reader took nothing in for %s", outputStall)
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// streamPath reports whether path names a file descriptor of the process: /dev/stdout,
// /dev/stderr, /dev/fd/N, /proc/self/fd/N.
func streamPath(path string) bool {
	path = filepath.Clean(path)
	return path == "/dev/stdout" || path == "/dev/stderr" ||
		strings.HasPrefix(path, "/dev/fd/") || strings.HasPrefix(path, "/proc/self/fd/")
}
