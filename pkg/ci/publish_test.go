package ci

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/pkg/config"
	"github.com/codearts-runner/codearts-runner/pkg/report"
)

// ghDelimiter is go-githubactions' fixed heredoc delimiter of GITHUB_OUTPUT.
const ghDelimiter = "_GitHubActionsFileCommandDelimeter_"

// parseOutputs reads a GITHUB_OUTPUT file back the way the runner does: name<<DELIM, the
// value lines, DELIM.
func parseOutputs(t *testing.T, data string) map[string]string {
	t.Helper()
	out := map[string]string{}
	lines := strings.Split(strings.TrimSuffix(data, "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		name, delim, ok := strings.Cut(lines[i], "<<")
		if !ok {
			t.Fatalf("line %d is not name<<delimiter: %q", i+1, lines[i])
		}
		var value []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			value = append(value, lines[i])
		}
		if i == len(lines) {
			t.Fatalf("output %s: no closing delimiter", name)
		}
		if _, dup := out[name]; dup {
			t.Errorf("output %s set twice", name)
		}
		out[name] = strings.Join(value, "\n")
	}
	return out
}

// ghFiles makes the GitHub CI of a step with its output and summary files in a temp dir.
func ghFiles(t *testing.T) (ci config.CI, output, summary string) {
	t.Helper()
	dir := t.TempDir()
	output, summary = filepath.Join(dir, "output"), filepath.Join(dir, "summary")
	ci = config.DetectCI(map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": output, "GITHUB_STEP_SUMMARY": summary})
	return ci, output, summary
}

func TestPublishGitHub(t *testing.T) {
	t.Parallel()
	ci, output, summary := ghFiles(t)
	var stdout bytes.Buffer
	gh := NewGitHub(ci, &stdout, nil)
	r := writerSample()
	r.Error = "token s3cr3t-T0KEN expired\n::set-output name=x::y 100%"
	PublishGitHub(r, gh, []string{"s3cr3t-T0KEN", "", "  ", "line1-secret\r\nline2-secret\n", "s3cr3t-T0KEN"}, "out/codearts-junit.xml", "out/codearts-result.json")
	if err := gh.Err(); err != nil {
		t.Fatal(err)
	}

	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	wantMasks := []string{"::add-mask::s3cr3t-T0KEN", "::add-mask::line1-secret", "::add-mask::line2-secret"}
	if len(lines) < len(wantMasks) || !slices.Equal(lines[:len(wantMasks)], wantMasks) {
		t.Fatalf("stdout does not start with the masks:\n%s", stdout.String())
	}
	wantAnnotations := []string{
		"::error title=codearts-runner failed::token *** expired ::set-output name=x::y 100%25",
		"::error title=Gate failed::p95 <= 500ms: p95 = 812.4 ms, limit <= 500 ms",
		"::warning title=Gate warning::avg_rt <= baseline + 20%25: avg_rt = 230 ms, limit <= 216 ms (baseline 180 ms in run 8990 + 20%25) see | the report",
	}
	if got := lines[len(wantMasks):]; !slices.Equal(got, wantAnnotations) {
		t.Errorf("annotations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantAnnotations, "\n"))
	}

	outputs := parseOutputs(t, readFile(t, output))
	wantOutputs := map[string]string{"task-run-id": "9001", "result": "failed", "gates-failed": "1",
		"junit-file": "out/codearts-junit.xml", "result-file": "out/codearts-result.json"}
	if fmt.Sprint(outputs) != fmt.Sprint(wantOutputs) {
		t.Errorf("outputs = %v, want %v", outputs, wantOutputs)
	}

	sum := readFile(t, summary)
	for _, want := range []string{"## ❌ codearts-runner perftest: failed (run 9001)\n", "| | Gate | Measured | Limit | Message |",
		"| ❌ | p95 \\<= 500ms | 812.4 ms | 500 ms | p95 = 812.4 ms, limit \\<= 500 ms |", "token \\*\\*\\* expired"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	for _, secret := range []string{"s3cr3t-T0KEN", "line1-secret", "line2-secret"} {
		if strings.Contains(sum, secret) || strings.Contains(strings.Join(lines[len(wantMasks):], "\n"), secret) {
			t.Errorf("secret %q written outside the masks", secret)
		}
	}
}

func TestGitHubOutputsStayOnOneLine(t *testing.T) {
	t.Parallel()
	ci, output, _ := ghFiles(t)
	gh := NewGitHub(ci, &bytes.Buffer{}, nil)
	r := writerSample()
	r.Result = "failed\n" + ghDelimiter + "\nevil<<X"
	PublishGitHub(r, gh, nil, "a\r\nb.xml", "c.json")
	outputs := parseOutputs(t, readFile(t, output))
	if len(outputs) != 5 || outputs["result"] != "failed "+ghDelimiter+" evil<<X" || outputs["junit-file"] != "a b.xml" {
		t.Errorf("outputs = %q", outputs)
	}
}

func TestNoGitHubPrintsNothing(t *testing.T) {
	t.Parallel()
	for name, env := range map[string]map[string]string{
		"no CI":                    {},
		"GitLab":                   {"GITLAB_CI": "true", "CI_PIPELINE_ID": "7"},
		"CodeArts":                 {"STEP_ID": "s", "PIPELINE_ID": "p"},
		"GitHub files, not GitHub": {"GITHUB_OUTPUT": "OUTPUT", "GITHUB_STEP_SUMMARY": "SUMMARY"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for k, v := range env {
				if strings.HasPrefix(k, "GITHUB_") {
					env[k] = filepath.Join(dir, v)
				}
			}
			var stdout bytes.Buffer
			gh := NewGitHub(config.DetectCI(env), &stdout, nil)
			gh.Group("g")
			PublishGitHub(writerSample(), gh, []string{"secret-value"}, "j.xml", "r.json")
			gh.Errorf("t", "m %d", 1)
			gh.Warningf("t", "m")
			gh.EndGroup()
			if stdout.Len() != 0 || gh.Err() != nil {
				t.Errorf("printed %q, err %v", stdout.String(), gh.Err())
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("wrote %v", entries)
			}
		})
	}
}

func TestGitHubWithoutFilesDoesNotPanic(t *testing.T) {
	t.Parallel()
	var stdout bytes.Buffer
	gh := NewGitHub(config.CI{GitHub: true}, &stdout, nil)
	PublishGitHub(writerSample(), gh, []string{"secret-value"}, "j.xml", "r.json")
	if gh.Err() != nil {
		t.Fatal(gh.Err())
	}
	got := stdout.String()
	if !strings.HasPrefix(got, "::add-mask::secret-value\n") || !strings.Contains(got, "::error title=Gate failed::") {
		t.Errorf("stdout = %q, want the masks and annotations", got)
	}
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("stdout closed") }

func TestGitHubFailuresAreErrorsNotPanics(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ci := config.CI{GitHub: true, GitHubOutput: dir, GitHubStepSummary: dir} // directories cannot be appended to
	var stdout bytes.Buffer
	gh := NewGitHub(ci, &stdout, nil)
	PublishGitHub(writerSample(), gh, []string{"secret-value"}, "j.xml", "r.json")
	if err := gh.Err(); err == nil || !strings.Contains(err.Error(), "github output task-run-id") {
		t.Errorf("Err() = %v, want the first failure (output task-run-id)", err)
	}
	if !strings.HasPrefix(stdout.String(), "::add-mask::secret-value\n") {
		t.Errorf("stdout = %q", stdout.String())
	}

	gh = NewGitHub(config.CI{GitHub: true}, failingWriter{}, nil)
	gh.AddMask("secret-value")
	if err := gh.Err(); err == nil || !strings.Contains(err.Error(), "stdout closed") {
		t.Errorf("Err() = %v, want the stdout failure", err)
	}
}

// recorder is a GitHub that records its calls.
type recorder struct{ calls []string }

func (r *recorder) SetOutput(k, v string) { r.calls = append(r.calls, "output "+k+"="+v) }
func (r *recorder) AddStepSummary(string) { r.calls = append(r.calls, "summary") }
func (r *recorder) AddMask(s string)      { r.calls = append(r.calls, "mask "+s) }
func (r *recorder) Group(string)          {}
func (r *recorder) EndGroup()             {}
func (r *recorder) Err() error            { return nil }
func (r *recorder) Errorf(title, f string, a ...any) {
	r.calls = append(r.calls, "error "+title+": "+fmt.Sprintf(f, a...))
}
func (r *recorder) Warningf(title, f string, a ...any) {
	r.calls = append(r.calls, "warning "+title+": "+fmt.Sprintf(f, a...))
}

func TestPublishGitHubOrder(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	PublishGitHub(writerSample(), rec, []string{"secret-1", "secret-2"}, "j.xml", "r.json")
	kinds := make([]string, len(rec.calls))
	for i, c := range rec.calls {
		kinds[i], _, _ = strings.Cut(c, " ")
	}
	want := []string{"mask", "mask", "output", "output", "output", "output", "output", "summary", "error", "warning"}
	if !slices.Equal(kinds, want) {
		t.Errorf("calls = %q, want kinds %q", rec.calls, want)
	}
}

func TestPublishGitHubCapsAnnotations(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		failed, wantErrors int
		last               string
	}{
		{failed: 10, wantErrors: 10, last: "error Gate failed: gate 10: over"},
		{failed: 12, wantErrors: 10, last: "error Gate failed: 3 more failed: gate 10: over · gate 11: over · gate 12: over"},
	} {
		t.Run(fmt.Sprint(tc.failed), func(t *testing.T) {
			t.Parallel()
			r := &report.Result{Mode: "perftest", Result: "failed"}
			for i := 1; i <= tc.failed; i++ {
				r.Gates = append(r.Gates, report.Gate{Name: fmt.Sprintf("gate %d", i), Verdict: "failed", Message: "over"})
			}
			rec := &recorder{}
			PublishGitHub(r, rec, nil, "", "")
			var errs []string
			for _, c := range rec.calls {
				if strings.HasPrefix(c, "error ") {
					errs = append(errs, c)
				}
			}
			if len(errs) != tc.wantErrors || errs[len(errs)-1] != tc.last {
				t.Errorf("%d errors, last %q; want %d, %q", len(errs), errs[len(errs)-1], tc.wantErrors, tc.last)
			}
		})
	}
}

func TestPublishGitHubFailedChecks(t *testing.T) {
	t.Parallel()
	r := &report.Result{Mode: "testplan", Result: "failed", Checks: []report.Check{{Name: "add case 1", Verdict: "passed"},
		{Name: "add case 2", Verdict: "failed", Message: "CT.0001: refused"}}}
	rec := &recorder{}
	PublishGitHub(r, rec, nil, "", "")
	if !slices.Contains(rec.calls, "error Check failed: add case 2: CT.0001: refused") || slices.Contains(rec.calls, "output task-run-id=x") {
		t.Errorf("calls = %q", rec.calls)
	}
	if !slices.Contains(rec.calls, "output task-run-id=") {
		t.Errorf("task-run-id not set empty without a run: %q", rec.calls)
	}
}

func TestMaskValues(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want []string
	}{
		{nil, nil},
		{[]string{"", " ", "\n"}, nil},
		{[]string{"ak", "sk-1", "ak"}, []string{"ak", "sk-1"}},
		{[]string{"-----BEGIN KEY-----\r\nabc\n\n-----END KEY-----\n"}, []string{"-----BEGIN KEY-----", "abc", "-----END KEY-----"}},
		{[]string{"  padded  "}, []string{"padded"}},
	} {
		if got := maskValues(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("maskValues(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestBoundSummary(t *testing.T) {
	t.Parallel()
	short := "## ok\n"
	if got := boundSummary(short); got != short {
		t.Errorf("short summary changed: %q", got)
	}
	long := strings.Repeat("| a | b |\n", ghSummaryBytes/10+10)
	got := boundSummary(long)
	if len(got) > ghSummaryBytes || !strings.HasSuffix(got, "limit; the HTML report and the result file have everything._\n") {
		t.Errorf("bounded summary: %d bytes, ends %q", len(got), got[len(got)-40:])
	}
	if body, _, _ := strings.Cut(got, "\n\n_The summary"); !strings.HasSuffix(body, "| a | b |") {
		t.Errorf("cut inside a line: %q", body[len(body)-20:])
	}
}
