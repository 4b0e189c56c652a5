package cli

import (
	"bytes"
	"io"
	"strings"
	"sync"

	"github.com/codearts-runner/codearts-runner/pkg/redact"
)

// maxPartialLine is the most bytes a lineWriter holds while waiting for the end of a line.
const maxPartialLine = 64 << 10

// lineWriter is stdout or stderr: each complete line has every secret of red masked and is
// made safe by redact.Line (no control character, no `##[`, never a line starting with `::`),
// so nothing printed through it is a workflow command. A partial line is held until its end,
// Flush or maxPartialLine. It is safe for concurrent use.
type lineWriter struct {
	mu  sync.Mutex
	w   io.Writer
	red *redact.Redactor
	buf []byte
}

// Write prints the complete lines of what was written so far; it reports len(p) unless the
// underlying writer failed.
func (lw *lineWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	lw.buf = append(lw.buf, p...)
	var out []byte
	rest := lw.buf
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			break
		}
		out = append(lw.appendLine(out, rest[:i]), '\n')
		rest = rest[i+1:]
	}
	if len(rest) > maxPartialLine {
		out, rest = lw.appendLine(out, rest), nil
	}
	lw.buf = append(lw.buf[:0], rest...)
	if len(out) > 0 {
		if _, err := lw.w.Write(out); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func (lw *lineWriter) appendLine(out, line []byte) []byte {
	return append(out, redact.Line(lw.red.String(string(line)))...)
}

// Flush prints a held partial line.
func (lw *lineWriter) Flush() error {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if len(lw.buf) == 0 {
		return nil
	}
	out := lw.appendLine(nil, lw.buf)
	lw.buf = lw.buf[:0]
	_, err := lw.w.Write(out)
	return err
}

// raw returns a writer to the same stream, unguarded but serialised with the lineWriter: for
// the workflow commands the runner issues itself (their data escaped by go-githubactions).
func (lw *lineWriter) raw() io.Writer { return rawWriter{lw} }

type rawWriter struct{ lw *lineWriter }

func (r rawWriter) Write(p []byte) (int, error) {
	r.lw.mu.Lock()
	defer r.lw.mu.Unlock()
	return r.lw.w.Write(p)
}

// recordWriter takes each Write as one record — a progress line, an error message — and
// prints it on one line: line breaks and control characters inside it are escaped
// (redact.Inline), so text from a server cannot start a line of its own.
type recordWriter struct{ w io.Writer }

// Write prints p on one line.
func (rw recordWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(rw.w, redact.Inline(strings.TrimSuffix(string(p), "\n"))+"\n"); err != nil {
		return 0, err
	}
	return len(p), nil
}
