package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/internal/sim"
)

// TestSeveralTasks runs the demo task and the degraded demo task in one step: both run (one
// batch start), JUnit has a testsuite per task, every output has a section per task run, a
// task-scoped gate reaches its task only, and the exit code is the worse of the two.
func TestSeveralTasks(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	html, summary := filepath.Join(h.dir, "report.html"), filepath.Join(h.dir, "summary.md")
	if err := os.WriteFile(summary, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	env := h.env("CODEARTS_TASK="+sim.DemoTaskName+",\n"+fmt.Sprint(sim.DemoSlowTaskID),
		"CODEARTS_GATES=success_rate >= 95%\ntask \""+sim.DemoTaskName+"\": p95 <= 800ms",
		"CODEARTS_HTML_REPORT="+html, "GITHUB_ACTIONS=true", "GITHUB_STEP_SUMMARY="+summary, "GITHUB_OUTPUT="+filepath.Join(h.dir, "out.txt"))
	r := h.run(context.Background(), env, "perftest")
	if r.code != ExitGate {
		t.Fatalf("exit %d, want %d (the degraded task's success rate fails)\n%s%s", r.code, ExitGate, r.stdout, r.stderr)
	}
	if n := h.countRequests("POST", "batch-update-task-status"); n != 1 || h.srv.StartCount(sim.DemoTaskID) != 1 || h.srv.StartCount(sim.DemoSlowTaskID) != 1 {
		t.Errorf("%d batch starts; starts %d and %d, want one batch starting each task once", n, h.srv.StartCount(sim.DemoTaskID), h.srv.StartCount(sim.DemoSlowTaskID))
	}
	s, raw := h.junit()
	h.validJUnit()
	if len(s.Suites) != 2 || !strings.Contains(s.Suites[0].Name, sim.DemoTaskName) || !strings.Contains(s.Suites[1].Name, sim.DemoSlowTaskName) {
		t.Fatalf("JUnit: want a testsuite per task, in order:\n%s", raw)
	}
	if len(s.Suites[0].Cases) != 2 || len(s.Suites[1].Cases) != 1 || s.Suites[0].Failures != 0 || s.Suites[1].Failures != 1 {
		t.Errorf("JUnit: the task-scoped gate must reach %s only, the degraded task must fail:\n%s", sim.DemoTaskName, raw)
	}
	res := h.result()
	if len(res.Tasks) != 2 || res.ExitCode != ExitGate || res.Result != "failed" || res.Counts.Gates != 3 || res.Counts.Failed != 1 {
		t.Fatalf("result file: %d tasks, exit %d, %s, counts %+v", len(res.Tasks), res.ExitCode, res.Result, res.Counts)
	}
	for i, want := range []struct {
		name string
		exit int
	}{{sim.DemoTaskName, ExitPassed}, {sim.DemoSlowTaskName, ExitGate}} {
		tr := res.Tasks[i]
		if tr.Task == nil || tr.Task.Name != want.name || tr.Run == nil || tr.Run.ID == 0 || tr.ExitCode != want.exit || len(tr.Cases) == 0 {
			t.Errorf("result file task %d: %+v %+v exit %d, want %s exit %d", i, tr.Task, tr.Run, tr.ExitCode, want.name, want.exit)
		}
	}
	for _, w := range []string{"──── codearts-runner: 2 task runs ────", `task "ci-gate" (`, `task "ci-gate-degraded" (`, "step result: FAILED (exit 1, the worst of 2 task runs)"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("summary lacks %q:\n%s", w, r.stdout)
		}
	}
	if i, j := strings.Index(r.stdout, "2 task runs ────"), strings.Index(r.stdout, "──── codearts-runner summary ────"); i < 0 || j < i {
		t.Errorf("the overview does not come first:\n%s", r.stdout)
	}
	page, _ := os.ReadFile(html)
	if !strings.Contains(string(page), `<table class="overview">`) || strings.Count(string(page), `<section class="task"`) != 2 {
		t.Errorf("the HTML report has no overview and section per task")
	}
	md, _ := os.ReadFile(summary)
	if !strings.Contains(string(md), "| task | run | status | exit | gates |") || !strings.Contains(string(md), `### task "ci-gate-degraded"`) {
		t.Errorf("the job summary has no overview and section per task:\n%s", md)
	}
}

// TestSeveralTasksRefusals: bad task lists exit 2 before anything is started.
func TestSeveralTasksRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		env    []string
		stderr string
	}{
		{"typo in the second task", []string{"CODEARTS_TASK=" + sim.DemoTaskName + ",nope"}, `no task with id or name "nope"`},
		{"task scope names no task of the step", []string{"CODEARTS_TASK=" + sim.DemoTaskName + "," + sim.DemoSlowTaskName, `CODEARTS_GATES=task "other": p95 <= 1s`},
			`gate "task \"other\": p95 <= 1s" is scoped to task "other", which is not one of the tasks of this step`},
		{"the same task twice", []string{"CODEARTS_TASK=" + sim.DemoTaskName + "," + fmt.Sprint(sim.DemoTaskID)}, "is given twice"},
		{"variables with several tasks", []string{"CODEARTS_TASK=" + sim.DemoTaskName + "," + sim.DemoSlowTaskName, "CODEARTS_VARIABLES=userCount=5"}, "run-id, cases and variables apply to one task"},
		{"suite/task without a task", []string{"CODEARTS_TASK=" + sim.DemoTaskName + "," + sim.DemoSuiteName + "/"}, "is not valid: give a task id or name, or suite/task"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, sim.Options{})
			r := h.run(context.Background(), h.env(tt.env...), "perftest")
			if r.code != ExitUsage || !strings.Contains(r.stderr, tt.stderr) {
				t.Fatalf("exit %d, want 2 with %q\n%s%s", r.code, tt.stderr, r.stdout, r.stderr)
			}
			if h.srv.StartCount(sim.DemoTaskID)+h.srv.StartCount(sim.DemoSlowTaskID) != 0 || h.countRequests("POST") != 0 {
				t.Errorf("something was started or changed")
			}
		})
	}
}

// TestSeveralTasksAcrossSuites: suite/task entries; a task alone in its suite starts with the
// single start, and the gates reach both runs.
func TestSeveralTasksAcrossSuites(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	env := h.env("CODEARTS_TASK="+sim.DemoSuiteName+"/"+sim.DemoTaskName+"\n"+fmt.Sprint(sim.DemoSuiteID)+"/"+sim.DemoSlowTaskName, "CODEARTS_TEST_SUITE=",
		"CODEARTS_GATES=requests > 0")
	r := h.run(context.Background(), env, "perftest")
	if r.code != ExitPassed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	res := h.result()
	if len(res.Tasks) != 2 || res.Counts.Passed != 2 {
		t.Errorf("result file: %d tasks, counts %+v", len(res.Tasks), res.Counts)
	}
}

// TestSeveralTasksTimeout: the timeout stops every run of the step still going; exit 4.
func TestSeveralTasksTimeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	r := h.run(context.Background(), h.env("CODEARTS_TASK="+sim.DemoTaskName+","+sim.DemoSlowTaskName, "CODEARTS_TIMEOUT=30s"), "perftest")
	if r.code != ExitTimeout {
		t.Fatalf("exit %d, want %d\n%s%s", r.code, ExitTimeout, r.stdout, r.stderr)
	}
	for _, task := range []int{sim.DemoTaskID, sim.DemoSlowTaskID} {
		if run := lastRun(h, task); !run.StopRequested {
			t.Errorf("task %d: run %d was not stopped", task, run.ID)
		}
	}
	if res := h.result(); len(res.Tasks) != 2 || res.Result != "timeout" || !res.Tasks[0].Run.TimedOut || !res.Tasks[1].Run.TimedOut {
		t.Errorf("result file: %+v", res)
	}
}

// TestSeveralTasksRunTag: a step that started two runs without waiting (wait=false) is re-run
// with the same run tag: it attaches to both runs instead of starting others, waits for them
// and removes the run tags once they have ended.
func TestSeveralTasksRunTag(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	env := h.env("CODEARTS_TASK="+sim.DemoTaskName+","+sim.DemoSlowTaskName, "CODEARTS_RUN_TAG=ci-7", "CODEARTS_GATES=requests > 0")
	r := h.run(context.Background(), override(env, []string{"CODEARTS_WAIT=false"}), "perftest")
	if r.code != ExitPassed || h.result().Result != "started" {
		t.Fatalf("wait=false: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	tags := 0
	for name := range h.srv.Variables(sim.DemoSuiteID) {
		if strings.HasPrefix(name, "codearts_runner_") {
			tags++
		}
	}
	if tags != 2 {
		t.Fatalf("%d run tags recorded, want 2: %v", tags, h.srv.Variables(sim.DemoSuiteID))
	}
	r = h.run(context.Background(), env, "perftest")
	if r.code != ExitPassed || strings.Count(r.stdout, "attaching to it instead of starting another") != 2 {
		t.Fatalf("re-run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if h.srv.StartCount(sim.DemoTaskID) != 1 || h.srv.StartCount(sim.DemoSlowTaskID) != 1 {
		t.Errorf("the re-run started runs: %d and %d starts", h.srv.StartCount(sim.DemoTaskID), h.srv.StartCount(sim.DemoSlowTaskID))
	}
	for name := range h.srv.Variables(sim.DemoSuiteID) {
		if strings.HasPrefix(name, "codearts_runner_") {
			t.Errorf("run tag %s left behind", name)
		}
	}
}

// TestSeveralTasksCancelled: a cancellation mid-wait stops both runs of the step (stops sent
// together), exit 130, and the outputs are written (run in-process, so -race sees the stops).
func TestSeveralTasksCancelled(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{Scale: 30})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for h.srv.StartCount(sim.DemoTaskID) == 0 || h.srv.StartCount(sim.DemoSlowTaskID) == 0 {
			if ctx.Err() != nil {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	r := h.run(ctx, h.env("CODEARTS_TASK="+sim.DemoTaskName+","+sim.DemoSlowTaskName), "perftest")
	if r.code != ExitCancelled {
		t.Fatalf("exit %d, want 130\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, task := range []int{sim.DemoTaskID, sim.DemoSlowTaskID} {
		if run := lastRun(h, task); !run.StopRequested {
			t.Errorf("task %d: run %d was not stopped", task, run.ID)
		}
	}
	if res := h.result(); len(res.Tasks) != 2 || res.Result != "cancelled" || !res.Tasks[0].Run.Cancelled || !res.Tasks[1].Run.Cancelled {
		t.Errorf("result file: %+v", res)
	}
}
