package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// marshalJSON is json.Marshal without HTML escaping: the result file is read by people and
// scripts, so `p95 <= 500ms` stays `<=` and not `\u003c=`.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// indentLimit is the largest compact result document WriteJSON indents: up to 1 MiB the file
// is for people; a big run's file (tens of thousands of request rows) stays compact, since
// indenting it would double the time and the memory.
const indentLimit = 1 << 20

// WriteJSON writes the result file, creating its directory, atomically. The bytes are those of
// marshalJSON (json.Marshal without HTML escaping), indented by json.Indent when the compact document is at most 1 MiB, then a
// newline. The cases and requests are encoded by hand and streamed: a document that outgrows
// 1 MiB goes to the file as it is written, never held whole.
func (r *Result) WriteJSON(path string) error {
	head, tail, err := r.jsonFrame()
	if err != nil {
		return fmt.Errorf("encode result: %w", err)
	}
	return writeFileWith(path, func(file io.Writer) error {
		red := r.red.NewWriter(file) // masks secrets on the way out
		if err := r.fillJSON(red, head, tail); err != nil {
			return err
		}
		return red.Close()
	})
}

// fillJSON writes the document framed by head and tail, the cases streamed between them.
func (r *Result) fillJSON(f io.Writer, head, tail []byte) error {
	w := &spillWriter{dst: f, limit: indentLimit}
	if head == nil { // no frame to fill: the whole document is in tail
		w.write(tail)
		return w.finish()
	}
	if r.compactAtLeast(len(head)+len(tail)) > indentLimit {
		w.spill() // too big to indent whatever the figures: stream from the start
	}
	w.write(head)
	r.streamCases(w)
	w.write(tail)
	return w.finish()
}

// casesHole is what json.Marshal writes for a result without cases: the place streamCases
// fills.
var casesHole = []byte(`"cases":null`)

// jsonFrame encodes the result without its cases with encoding/json and cuts it where the
// cases go: head ends with `"cases":`, tail starts after the value. The key "cases" with a null
// value appears once: only the top level has it, and a JSON string cannot hold an unescaped
// quote. Should that ever not hold, head is nil and tail is the whole document.
func (r *Result) jsonFrame() (head, tail []byte, err error) {
	frame := *r
	frame.Cases = nil
	b, err := marshalJSON(&frame)
	if err != nil {
		return nil, nil, err
	}
	i := bytes.Index(b, casesHole)
	if i < 0 || bytes.Count(b, casesHole) != 1 {
		whole, err := marshalJSON(r)
		return nil, whole, err
	}
	cut := i + len(`"cases":`)
	return b[:cut], b[cut+len("null"):], nil
}

// streamCases writes the cases array as json.Marshal does, a chunk at a time.
func (r *Result) streamCases(w *spillWriter) {
	if r.Cases == nil {
		w.write([]byte("null"))
		return
	}
	b := make([]byte, 0, 64<<10)
	b = append(b, '[')
	for i := range r.Cases {
		if i > 0 {
			b = append(b, ',')
		}
		c := &r.Cases[i]
		b = appendCaseHead(b, c)
		if len(c.Requests) > 0 {
			b = append(b, `,"requests":[`...)
			for j := range c.Requests {
				if j > 0 {
					b = append(b, ',')
				}
				b = appendRequest(b, &c.Requests[j])
				if len(b) >= 32<<10 {
					w.write(b)
					b = b[:0]
				}
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	b = append(b, ']')
	w.write(b)
}

// compactAtLeast returns a lower bound of the compact document's size, frame bytes given: the
// cases and requests with empty metrics and unescaped names. It stops counting past
// indentLimit.
func (r *Result) compactAtLeast(frame int) int {
	const (
		emptyCase     = len(`{"name":"","case_run_id":0,"status":0,"status_text":"","metrics":{}},`)
		emptyRequests = len(`,"requests":[]`)
		emptyRequest  = len(`{"name":"","metrics":{}},`)
	)
	n := frame + len("[]")
	for i := range r.Cases {
		c := &r.Cases[i]
		n += emptyCase + len(c.Name) + len(c.StatusText)
		if len(c.Requests) > 0 {
			n += emptyRequests
		}
		for j := range c.Requests {
			n += emptyRequest + len(c.Requests[j].Name)
		}
		if n > indentLimit {
			break
		}
	}
	return n
}

// appendCaseHead appends a case's object up to its metrics, without the requests and the
// closing brace.
func appendCaseHead(b []byte, c *Case) []byte {
	b = append(b, `{"name":`...)
	b = appendJSONString(b, c.Name)
	b = append(b, `,"case_run_id":`...)
	b = strconv.AppendInt(b, c.CaseRunID, 10)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(c.Status), 10)
	b = append(b, `,"status_text":`...)
	b = appendJSONString(b, c.StatusText)
	b = append(b, `,"metrics":`...)
	return c.Metrics.AppendJSON(b)
}

// appendRequest appends a request's object.
func appendRequest(b []byte, rq *Request) []byte {
	b = append(b, `{"name":`...)
	b = appendJSONString(b, rq.Name)
	b = append(b, `,"metrics":`...)
	b = rq.Metrics.AppendJSON(b)
	return append(b, '}')
}

// appendJSONString appends s as a JSON string exactly as marshalJSON writes it (HTML escaping
// off, invalid UTF-8 as \ufffd): plain strings are copied as they are, the others go through
// marshalJSON.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' {
			q, _ := marshalJSON(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// spillWriter collects the compact document in memory while it is at most limit bytes; past
// that it spills what it holds to dst and streams the rest through a buffer. finish indents a
// document that stayed in memory, adds the final newline and flushes. The first error sticks.
type spillWriter struct {
	dst     io.Writer
	limit   int
	held    []byte
	spilled *bufio.Writer
	err     error
}

// write adds p to the document.
func (w *spillWriter) write(p []byte) {
	switch n := len(w.held) + len(p); {
	case w.err != nil:
	case w.spilled != nil:
		_, w.err = w.spilled.Write(p)
	case n <= w.limit:
		if n > cap(w.held) { // grow by doubling up to the limit, not by append's 1.25
			held := make([]byte, len(w.held), min(max(2*cap(w.held), n, 4<<10), w.limit))
			copy(held, w.held)
			w.held = held
		}
		w.held = append(w.held, p...)
	default:
		if w.spill(); w.err == nil {
			_, w.err = w.spilled.Write(p)
		}
	}
}

// spill switches to streaming: what is held goes to dst, and so will everything after.
func (w *spillWriter) spill() {
	if w.spilled != nil {
		return
	}
	w.spilled = bufio.NewWriterSize(w.dst, 256<<10)
	_, w.err = w.spilled.Write(w.held)
	w.held = nil
}

// finish completes the file: the indented document (or the compact one when it spilled) and a
// newline.
func (w *spillWriter) finish() error {
	if w.err != nil {
		return w.err
	}
	if w.spilled != nil {
		if err := w.spilled.WriteByte('\n'); err != nil {
			return err
		}
		return w.spilled.Flush()
	}
	out := w.held
	var buf bytes.Buffer
	if err := json.Indent(&buf, w.held, "", "  "); err == nil {
		out = buf.Bytes()
	}
	_, err := w.dst.Write(append(out, '\n'))
	return err
}
