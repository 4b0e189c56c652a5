package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/internal/sim"
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
		"CodeArts step files": filepath.Join(step, "s1_result.json") + " and " + filepath.Join(step, "s1_metrics.json"),
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
			output := filepath.Join(h.dir, "output.txt")
			if err := os.WriteFile(output, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			env := override(h.tpEnv("CODEARTS_DOTENV_FILE="+filepath.Join(h.dir, "out.env")), []string{"GITHUB_ACTIONS=true", "GITHUB_OUTPUT=" + output})
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
			if out, _ := os.ReadFile(output); !regexp.MustCompile(`(?m)^result<<(\S+)\nerror\n`).Match(out) {
				t.Errorf("GitHub outputs do not say result=error:\n%s", out)
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
	r := h.run(context.Background(), h.tpEnv(append([]string{"CODEARTS_TASK_IDS=" + strings.Join(ids, ","), "CODEARTS_SUT_NAME=shop"}, passwordAuth...)...), "taskmodel")
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

// TestAttachReportsTheRunsOwnTimes: `--run-id` on a finished run reports the run's start, end
// and duration from the service (not the moment of attaching and 0 s), as the invocation that
// started it did.
func TestAttachReportsTheRunsOwnTimes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{Scale: 60})
	r := h.run(context.Background(), h.env(), "perftest")
	if r.code != ExitPassed {
		t.Fatalf("first run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	orig := h.result()
	run := lastRun(h, sim.DemoTaskID)
	r = h.run(context.Background(), h.env(fmt.Sprintf("CODEARTS_RUN_ID=%d", run.ID)), "perftest")
	if r.code != ExitPassed {
		t.Fatalf("attach: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	att := h.result()
	t.Logf("run %d: started run reports %.2f s, attach reports %.2f s (%s – %s)", run.ID, orig.Run.DurationSec, att.Run.DurationSec, att.Run.StartedAt, att.Run.EndedAt)
	// The simulator's own record of the run, on its clock; the history gives whole seconds.
	want := run.EndedAt.Sub(run.StartedAt).Seconds()
	if d := att.Run.DurationSec - want; d < -1 || d > 1 || att.Run.DurationSec < 60 {
		t.Errorf("attach reports duration %.2f s, the run took %.2f s", att.Run.DurationSec, want)
	}
	if got := att.Run.EndedAt.Sub(att.Run.StartedAt).Seconds(); got != att.Run.DurationSec {
		t.Errorf("attach: ended_at − started_at = %.2f s, duration_seconds = %.2f", got, att.Run.DurationSec)
	}
	if got := orig.Run.EndedAt.Sub(orig.Run.StartedAt).Seconds(); got-orig.Run.DurationSec > 0.001 || orig.Run.DurationSec-got > 0.001 {
		t.Errorf("started run: ended_at − started_at = %.3f s, duration_seconds = %.3f", got, orig.Run.DurationSec)
	}
	if strings.Contains(r.stdout, "after 0s") || !strings.Contains(r.stdout, "by the service's run history") {
		t.Errorf("the attach does not report the run's length from the service:\n%s", r.stdout)
	}
}

// TestTimeoutSaysTheUsersTimeoutAndWhoStopped: under the simulator's faster clock the timeout
// is printed as given, and a run the runner stopped is not "stopped by user".
func TestTimeoutSaysTheUsersTimeoutAndWhoStopped(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{Scale: 60})
	r := h.run(context.Background(), h.env("CODEARTS_TIMEOUT=60s"), "perftest")
	if r.code != ExitTimeout {
		t.Fatalf("exit %d, want 4\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "timeout 1m0s reached") {
		t.Errorf("the timeout is not shown as given (60s):\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "stopped by user") || !strings.Contains(r.stdout, "stopped by the runner (timeout)") {
		t.Errorf("the runner's stop is reported as a user's:\n%s", r.stdout)
	}
	if res := h.result(); res.Run.StatusText != "stopped by the runner (timeout)" {
		t.Errorf("result status_text %q", res.Run.StatusText)
	}
}
