package cli

import (
	"github.com/codearts-runner/codearts-runner/internal/testutil"

	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/internal/sim"
	"github.com/codearts-runner/codearts-runner/pkg/redact"
)

func TestLineWriter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		writes []string
		want   string
	}{
		{"lines pass", []string{"a\n", "b\n"}, "a\nb\n"},
		{"a line in pieces", []string{"task ", "\"x\"", "\n"}, "task \"x\"\n"},
		{"secret split across writes", []string{"token sec", "ret-value-42 end\n"}, "token *** end\n"},
		{"a line starting with ::", []string{"ok\n::error::pwned\n  ::stop-commands::x\n"}, "ok\n\\::error::pwned\n\\  ::stop-commands::x\n"},
		{"controls and ##[", []string{"a\rb \x1b[2K ##[error]x\n"}, `a\rb \x1b[2K ##\[error]x` + "\n"},
		{"partial line flushed", []string{"no newline"}, "no newline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			lw := &lineWriter{w: &out, red: redact.New("secret-value-42")}
			for _, w := range tt.writes {
				if n, err := lw.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write = %d, %v", n, err)
				}
			}
			lw.Flush()
			if out.String() != tt.want {
				t.Errorf("got %q, want %q", out.String(), tt.want)
			}
		})
	}
}

func TestRecordWriter(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	rw := recordWriter{&lineWriter{w: &out, red: redact.New()}}
	fmt.Fprintf(rw, "reading task 1 failed: %v\n", "HTTP 400: bad\n::error::pwned\r\n##[warning]x")
	if got, want := out.String(), `reading task 1 failed: HTTP 400: bad\n::error::pwned\r\n##\[warning]x`+"\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestUserTypedSecretMasked: a secret the user also typed into a gate's case name,
// plan-case-map and an output path is masked there too, in every output.
func TestUserTypedSecretMasked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sk := sim.DemoSK
	junit := filepath.Join(dir, "out-"+sk, "junit.xml")
	env := []string{
		"CODEARTS_SIM_SCALE=600",
		"CODEARTS_GATES=p95 <= 800ms\ncase \"" + sk + "\": p99 <= 2s",
		"CODEARTS_PLAN_CASE_MAP=" + sk + "=" + "1",
		"CODEARTS_JUNIT_FILE=" + junit,
		"CODEARTS_RESULT_FILE=" + filepath.Join(dir, "result.json"),
		"CODEARTS_HTML_REPORT=" + filepath.Join(dir, "report.html"),
		"CODEARTS_DOTENV_FILE=" + filepath.Join(dir, "out.env"),
		"GITHUB_ACTIONS=true",
		"GITHUB_STEP_SUMMARY=" + filepath.Join(dir, "summary.md"),
		"GITHUB_OUTPUT=" + filepath.Join(dir, "output.txt"),
	}
	var out, errb testutil.SyncBuffer
	code := Main(context.Background(), Env{Args: []string{"perftest", "--simulate"}, Environ: env, Stdout: &out, Stderr: &errb, Version: "test"})
	if code != ExitPassed && code != ExitGate {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	texts := map[string]string{"stderr": errb.String()}
	var shown []string
	for _, line := range strings.Split(out.String(), "\n") {
		if !strings.HasPrefix(line, "::add-mask::") {
			shown = append(shown, line)
		}
	}
	texts["stdout"] = strings.Join(shown, "\n")
	for _, f := range []string{junit, "result.json", "report.html", "out.env", "summary.md", "output.txt"} {
		if !filepath.IsAbs(f) {
			f = filepath.Join(dir, f)
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts[filepath.Base(f)] = string(b)
	}
	for name, text := range texts {
		if strings.Contains(text, sk) {
			t.Errorf("%s shows the SK typed into a setting:\n%s", name, text)
		}
	}
	for name, want := range map[string]string{"stdout": "out-***", "result.json": `case \"***\"`, "output.txt": "out-***"} {
		if !strings.Contains(texts[name], want) {
			t.Errorf("%s lacks the masked %q:\n%s", name, want, texts[name])
		}
	}
}
