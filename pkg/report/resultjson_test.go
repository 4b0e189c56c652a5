package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// awkwardNames break naive JSON writers: quotes, backslashes, HTML, control characters, the
// JavaScript line separators, invalid UTF-8 and characters beyond the BMP.
var awkwardNames = []string{
	`quote " and back\slash`,
	"<script>alert('&amp;')</script>",
	"ünïcødé 日本語 \u2028line\u2029para",
	"ctl \x00\x01\x1f\x7f\t\n\r\b\f",
	"bad \xff\xfe utf-8 \xe6\x97",
	"emoji 🎉 and > end",
	"",
}

// awkwardBig is a generated run of 20 cases × 300 requests (a compact document of several MiB)
// whose names are all awkward.
func awkwardBig(tb testing.TB) *Result {
	tb.Helper()
	r := bigResult(tb, 20, 300, 5)
	for i := range r.Cases {
		c := &r.Cases[i]
		c.Name = awkwardNames[i%len(awkwardNames)] + fmt.Sprint(i)
		for j := range c.Requests {
			c.Requests[j].Name = awkwardNames[(i+j)%len(awkwardNames)] + fmt.Sprint(j)
		}
	}
	// Figures strconv writes in exponent form, and non-finite ones the JSON leaves out.
	c := &r.Cases[0]
	c.Metrics.Set("vum", 1e21)
	c.Metrics.Set("http_1xx", 1e6)
	c.Metrics.Set("http_3xx", 1e-7)
	c.Requests[0].Metrics.Set("p99", math.NaN())
	c.Requests[1].Metrics.Set("p99", math.Inf(1))
	c.Requests[2].Metrics = gates.Metrics{}
	r.Error = "boom <&> \u2028"
	return r
}

// longNames is awkwardBig with names of 200 bytes and more: the cases and requests alone are
// over 1 MiB, so WriteJSON streams from the first byte.
func longNames(tb testing.TB) *Result {
	r := awkwardBig(tb)
	pad := strings.Repeat("·<&>", 40)
	for i := range r.Cases {
		for j := range r.Cases[i].Requests {
			r.Cases[i].Requests[j].Name += pad
		}
	}
	return r
}

// everyField is a small result with every optional part filled, awkward text included.
func everyField(tb testing.TB) *Result {
	tb.Helper()
	r := bigResult(tb, 3, 2, 3)
	r.Error = awkwardNames[0]
	r.Suite.Created = true
	r.Run.TimedOut, r.Run.StopSent, r.Run.AbortedEarly = true, true, true
	r.Baseline = &Baseline{RunID: 3, Note: awkwardNames[1]}
	r.Plan = &Plan{ID: "p1", Name: awkwardNames[2], Created: true, Calls: 2, Added: 3, Already: 1, Failed: 1}
	r.Execution = &Execution{TaskIDs: []string{"a", "b"}, ID: "e1", Cause: awkwardNames[3], FAQ: "f"}
	r.PlanRecords = []PlanRecord{{Name: "n", CaseID: "c1", Verdict: "passed", Recorded: true}, {Name: "m", CaseID: "c2", Verdict: "failed", Error: awkwardNames[4]}}
	r.Checks = []Check{{Name: awkwardNames[5], Group: "g", Verdict: "failed", Message: "msg"}}
	r.Cases[0].Name = awkwardNames[1]
	r.Cases[1].Requests = nil
	r.Cases[2].Requests = []Request{}
	return r
}

// marshalled is what WriteJSON wrote before streaming, and must still write: encoding/json
// without HTML escaping,
// json.Indent when the compact document is at most 1 MiB, a newline.
func marshalled(t *testing.T, r *Result) []byte {
	t.Helper()
	b, err := stdMarshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) <= indentLimit {
		var buf bytes.Buffer
		if err := json.Indent(&buf, b, "", "  "); err != nil {
			t.Fatal(err)
		}
		b = buf.Bytes()
	}
	return append(b, '\n')
}

// TestWriteJSONStreamsMarshalBytes: the hand-written, streamed encoding writes the very bytes
// encoding/json writes, for small (indented) and big (compact) results.
func TestWriteJSONStreamsMarshalBytes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		result  func(testing.TB) *Result
		compact bool // the document is over 1 MiB: streamed compact
		direct  bool // so big that it is streamed from the first byte, never held
	}{
		{"writer sample", func(testing.TB) *Result { return writerSample() }, false, false},
		{"cases without figures", func(testing.TB) *Result { return junitSample() }, false, false},
		{"every field", everyField, false, false},
		{"no outcome", func(testing.TB) *Result { return New(fixtureMeta()) }, false, false},
		{"nil cases", func(testing.TB) *Result { r := writerSample(); r.Cases = nil; return r }, false, false},
		{"20 cases × 300 requests, awkward names", awkwardBig, true, false},
		{"20 cases × 300 requests, long awkward names", longNames, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := tt.result(t)
			want := marshalled(t, r)
			path := filepath.Join(t.TempDir(), "out", "result.json")
			if err := r.WriteJSON(path); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if isCompact := !bytes.Contains(want, []byte("\n  ")); isCompact != tt.compact {
				t.Fatalf("fixture: compact document = %v, want %v (%d bytes)", isCompact, tt.compact, len(want))
			}
			head, tail, err := r.jsonFrame()
			if err != nil || head == nil {
				t.Fatalf("jsonFrame: %q, %v", head, err)
			}
			compact, _ := stdMarshal(r)
			switch lb := r.compactAtLeast(len(head) + len(tail)); {
			case lb > len(compact):
				t.Errorf("compactAtLeast = %d, more than the %d bytes of the document", lb, len(compact))
			case (lb > indentLimit) != tt.direct:
				t.Errorf("fixture: compactAtLeast = %d, want streamed from the start = %v", lb, tt.direct)
			}
			if !bytes.Equal(got, want) {
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				t.Errorf("WriteJSON differs from json.Marshal at byte %d of %d:\n got …%s…\nwant …%s…", i, len(want),
					got[max(0, i-80):min(len(got), i+80)], want[max(0, i-80):min(len(want), i+80)])
			}
		})
	}
}

// TestWriteJSONIndentLimit: a compact document of exactly 1 MiB is indented, one byte more is
// not.
func TestWriteJSONIndentLimit(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		size     int
		indented bool
	}{{indentLimit - 1, true}, {indentLimit, true}, {indentLimit + 1, false}} {
		t.Run(fmt.Sprint(tt.size), func(t *testing.T) {
			t.Parallel()
			r := writerSample()
			b, err := stdMarshal(r)
			if err != nil {
				t.Fatal(err)
			}
			r.Error = strings.Repeat("x", tt.size-len(b)-len(`,"error":""`))
			if b, _ = stdMarshal(r); len(b) != tt.size {
				t.Fatalf("fixture: %d bytes, want %d", len(b), tt.size)
			}
			path := filepath.Join(t.TempDir(), "result.json")
			if err := r.WriteJSON(path); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if indented := bytes.HasPrefix(got, []byte("{\n  ")); indented != tt.indented {
				t.Errorf("indented = %v, want %v", indented, tt.indented)
			}
			if want := marshalled(t, r); !bytes.Equal(got, want) {
				t.Errorf("WriteJSON differs from json.Marshal (%d bytes, want %d)", len(got), len(want))
			}
		})
	}
}

// TestWriteJSONDecodesBack: the result file reads back into the same figures (the result file
// is read by the bench and the end-to-end tests).
func TestWriteJSONDecodesBack(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		result func(testing.TB) *Result
	}{
		{"writer sample", func(testing.TB) *Result { return writerSample() }},
		{"big", awkwardBig},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := tt.result(t)
			path := filepath.Join(t.TempDir(), "result.json")
			if err := r.WriteJSON(path); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var back Result
			if err := json.Unmarshal(data, &back); err != nil {
				t.Fatal(err)
			}
			if back.Overall != finite(r.Overall) {
				t.Errorf("overall = %v, want %v", back.Overall, r.Overall)
			}
			if len(back.Cases) != len(r.Cases) {
				t.Fatalf("%d cases, want %d", len(back.Cases), len(r.Cases))
			}
			for i, c := range r.Cases {
				if back.Cases[i].Metrics != finite(c.Metrics) || back.Cases[i].Name != validUTF8(c.Name) {
					t.Fatalf("case %d: %v, want %v", i, back.Cases[i].Metrics, c.Metrics)
				}
				for j, rq := range c.Requests {
					if got := back.Cases[i].Requests[j]; got.Metrics != finite(rq.Metrics) || got.Name != validUTF8(rq.Name) {
						t.Fatalf("case %d request %d: %q %v, want %q %v", i, j, got.Name, got.Metrics, rq.Name, rq.Metrics)
					}
				}
			}
		})
	}
}

// validUTF8 is s with each byte of invalid UTF-8 replaced by U+FFFD, as JSON carries it.
func validUTF8(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				b.WriteRune(utf8.RuneError)
				continue
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// finite is m without its non-finite values, which JSON cannot carry.
func finite(m Metrics) Metrics {
	var out Metrics
	m.Each(func(name string, v float64) {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out.Set(name, v)
		}
	})
	return out
}

func TestWriteJSONErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	nan := writerSample()
	nan.Gates[0].Value = fp(math.NaN())
	for _, tt := range []struct {
		name, path, want string
		r                *Result
	}{
		{"directory is a file", filepath.Join(blocker, "result.json"), "write " + filepath.Join(blocker, "result.json"), writerSample()},
		{"gate value not a number", filepath.Join(dir, "nan.json"), "encode result", nan},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.r.WriteJSON(tt.path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if _, err := os.Stat(tt.path); err == nil {
				t.Errorf("%s exists after a failed write", tt.path)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".codearts-*")); len(left) > 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
		})
	}
}

// TestAppendJSONString compares the hand-written string encoding with encoding/json's on awkward
// strings, every ASCII byte, invalid UTF-8 and every rune up to U+3000.
func TestAppendJSONString(t *testing.T) {
	t.Parallel()
	inputs := append([]string{}, awkwardNames...)
	for b := range 256 {
		inputs = append(inputs, string([]byte{byte(b)}), "a"+string([]byte{byte(b)})+"z")
	}
	for r := rune(0x80); r <= 0x3000; r++ {
		inputs = append(inputs, "x"+string(r))
	}
	inputs = append(inputs, "\xed\xa0\x80", "\xf4\x90\x80\x80", "\U0010ffff", "trailing \xe2\x80")
	for _, s := range inputs {
		want, err := stdMarshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString([]byte("prefix"), s); string(got) != "prefix"+string(want) {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got[len("prefix"):], want)
		}
	}
	if !utf8.ValidString(string(appendJSONString(nil, "\xff"))) {
		t.Error("invalid UTF-8 went through unescaped")
	}
}

// stdMarshal is the oracle of the hand-written encoding: encoding/json's Encoder with HTML
// escaping off, without its newline.
func stdMarshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), err
}

// TestWriteJSONKeepsHTMLCharacters: `<`, `>` and `&` stay readable in the result file (issue 13).
func TestWriteJSONKeepsHTMLCharacters(t *testing.T) {
	t.Parallel()
	r := writerSample()
	r.Error = "p95 <= 500ms & error_rate > 1%"
	if len(r.Cases) > 0 {
		r.Cases[0].Name = "GET /a?b=1&c=<d>"
	}
	path := filepath.Join(t.TempDir(), "result.json")
	if err := r.WriteJSON(path); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, esc := range []string{`\u003c`, `\u003e`, `\u0026`} {
		if bytes.Contains(got, []byte(esc)) {
			t.Errorf("result file has %s", esc)
		}
	}
	if !bytes.Contains(got, []byte("p95 <= 500ms & error_rate > 1%")) {
		t.Errorf("result file does not keep the error readable:\n%s", got)
	}
}
