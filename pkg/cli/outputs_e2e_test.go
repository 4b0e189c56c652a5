package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/pkg/sim"
)

// TestEveryOutputAnnounced: a perftest run prints the path of every file it writes (JUnit,
// result, HTML, dotenv, the CodeArts step files), and each is there.
func TestEveryOutputAnnounced(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	step := filepath.Join(h.dir, "step")
	files := map[string]string{
		"JUnit file":          filepath.Join(h.dir, "junit.xml"),
		"result file":         filepath.Join(h.dir, "result.json"),
		"HTML report":         filepath.Join(h.dir, "report.html"),
		"dotenv file":         filepath.Join(h.dir, "out.env"),
		"CodeArts step files": filepath.Join(step, "s1_{result,metrics}.json"),
	}
	r := h.run(context.Background(), h.env("CODEARTS_HTML_REPORT="+files["HTML report"], "CODEARTS_DOTENV_FILE="+files["dotenv file"],
		"STEP_ID=s1", "PIPELINE_ID=p1", "RESULT_MSG_PATH="+step), "perftest")
	if r.code != ExitPassed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for what, path := range files {
		if !strings.Contains(r.stdout, what) || !strings.Contains(r.stdout, "written to "+path+"\n") {
			t.Errorf("stdout does not announce the %s at %s:\n%s", what, path, r.stdout)
		}
	}
	for _, p := range []string{files["JUnit file"], files["result file"], files["HTML report"], files["dotenv file"],
		filepath.Join(step, "s1_result.json"), filepath.Join(step, "s1_metrics.json")} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("announced but not written: %v", err)
		}
	}
}

// TestUsageErrorWritesResultAndDotenv: a command refused for its settings (exit 2) still
// writes the result file and the dotenv file with result=error, so that a later job sees the
// failure; bad flags, bad values and bad gates alike.
func TestUsageErrorWritesResultAndDotenv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		mode string
		args []string
		want string // in the result file's error
	}{
		{"bad flag value", "perftest", []string{"--run-id", "abc", "--gates", "p95 < 1s"}, `--run-id \"abc\" is not a whole number`},
		{"bad gate", "perftest", []string{"--gates", "p95 <= fast"}, "gates"},
		{"taskmodel without templates", "taskmodel", []string{"--task-ids="}, "task-ids"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, sim.Options{})
			env := h.tpEnv("CODEARTS_DOTENV_FILE=" + filepath.Join(h.dir, "out.env"))
			r := h.run(context.Background(), env, append([]string{tc.mode}, tc.args...)...)
			if r.code != ExitUsage {
				t.Fatalf("exit %d, want 2\n%s%s", r.code, r.stdout, r.stderr)
			}
			if n := len(h.srv.Requests()); n != 0 {
				t.Errorf("%d requests made on a usage error", n)
			}
			dotenv, err := os.ReadFile(filepath.Join(h.dir, "out.env"))
			if err != nil {
				t.Fatalf("no dotenv file: %v", err)
			}
			if !strings.Contains(string(dotenv), "CODEARTS_RESULT=error\n") {
				t.Errorf("dotenv does not say result=error:\n%s", dotenv)
			}
			raw, err := os.ReadFile(filepath.Join(h.dir, "result.json"))
			if err != nil {
				t.Fatalf("no result file: %v", err)
			}
			res := h.result()
			if res.Result != "error" || res.ExitCode != ExitUsage || !strings.Contains(string(raw), tc.want) {
				t.Errorf("result file: result %q exit %d, want error/2 and an error naming %q:\n%s", res.Result, res.ExitCode, tc.want, raw)
			}
			for _, p := range []string{"result.json", "out.env"} {
				if !strings.Contains(r.stdout, "written to "+filepath.Join(h.dir, p)) {
					t.Errorf("%s not announced:\n%s", p, r.stdout)
				}
			}
			h.noSecrets(r, sim.DemoSK)
		})
	}
}

// TestTaskModelSaysAccepted: a taskmodel call only starts the templates: it says "accepted
// (execution …)", lists the ids without Go's brackets, and its result is "started".
func TestTaskModelSaysAccepted(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	ids := sim.DemoTemplateIDs()
	r := h.run(context.Background(), h.tpEnv("CODEARTS_TASK_IDS="+strings.Join(ids, ","), "CODEARTS_SUT_NAME=shop"), "taskmodel")
	if r.code != ExitPassed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "PASSED") || strings.Contains(r.stdout, "["+ids[0]) {
		t.Errorf("taskmodel says PASSED or prints a Go list:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "result: ACCEPTED (execution ") || !strings.Contains(r.stdout, strings.Join(ids, ", ")) {
		t.Errorf("taskmodel does not say accepted (execution …) with the ids:\n%s", r.stdout)
	}
	if res := h.result(); res.Result != "started" {
		t.Errorf("result %q, want started", res.Result)
	}
}
