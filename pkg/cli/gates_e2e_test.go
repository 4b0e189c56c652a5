package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/internal/sim"
)

// addTask adds a one-case task with profile p to the demo suite.
func (h *harness) addTask(name string, p sim.Profile) (taskID, caseID int) {
	caseID = h.srv.AddCase(sim.DemoSuiteID, name+"-case", p)
	return h.srv.AddTask(sim.DemoSuiteID, name, []int{caseID}), caseID
}

func lastRun(h *harness, taskID int) sim.RunInfo {
	runs := h.srv.Runs(taskID)
	return runs[len(runs)-1]
}

func TestBaselineCatchesRegression(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	profile := sim.Profile{Stages: []sim.Stage{{Duration: time.Minute, Concurrency: 20}}, AvgRT: 200, Requests: []string{"GET /api"}}
	task, c := h.addTask("regression", profile)
	env := h.env("CODEARTS_TASK=regression", "CODEARTS_GATES=p95 <= baseline + 10%\nsuccess_rate >= 99%")

	// First run: no earlier run, so the baseline gate is skipped visibly and the step passes.
	r := h.run(context.Background(), env, "perftest")
	if r.code != ExitPassed {
		t.Fatalf("first run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if res := h.result(); res.Counts.Skipped != 1 || !strings.Contains(res.Gates[0].Message, "no baseline") {
		t.Fatalf("first run should skip the baseline gate visibly: %+v", res.Gates)
	}
	first := lastRun(h, task).ID

	// Second run, 12% slower: fails, naming both runs.
	profile.AvgRT = 224
	h.srv.SetProfile(c, profile)
	r = h.run(context.Background(), env, "perftest")
	if r.code != ExitGate {
		t.Fatalf("second run: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	second := lastRun(h, task).ID
	s, raw := h.junit()
	var msg string
	for _, tc := range s.Suites[0].Cases {
		if tc.Failure != nil {
			msg = tc.Failure.Message
		}
	}
	for _, w := range []string{fmt.Sprintf("run %d", first), fmt.Sprintf("run %d", second), "baseline", "+ 10%"} {
		if !strings.Contains(msg, w) {
			t.Errorf("failure message %q lacks %q\n%s", msg, w, raw)
		}
	}
}

func TestWarnGateNeverFailsTheStep(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	r := h.run(context.Background(), h.env("CODEARTS_GATES=warn: p95 <= 10ms\nsuccess_rate >= 99%"), "perftest")
	if r.code != ExitPassed {
		t.Fatalf("exit %d, want 0\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "WARN  warn: p95 <= 10ms") {
		t.Errorf("summary does not show the warning:\n%s", r.stdout)
	}
	s, raw := h.junit()
	found := false
	for _, tc := range s.Suites[0].Cases {
		if strings.Contains(tc.Name, "p95 <= 10ms") {
			found = tc.Failure == nil && strings.Contains(tc.SystemOut, "WARNING")
		}
	}
	if !found || s.Suites[0].Failures != 0 {
		t.Errorf("junit should carry a passing testcase with the warning:\n%s", raw)
	}
	if res := h.result(); res.Counts.Warned != 1 || res.Result != "passed" {
		t.Errorf("result %+v", res.Counts)
	}
}

func TestAbortGateStopsTheRunEarly(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{Scale: 120})
	planned := 10 * time.Minute
	task, _ := h.addTask("failing-backend", sim.Profile{Stages: []sim.Stage{{Duration: planned, Concurrency: 20}},
		AvgRT: 150, ErrorRate: 20, Requests: []string{"GET /flaky"}})
	r := h.run(context.Background(), h.env("CODEARTS_TASK=failing-backend", "CODEARTS_GATES=error_rate < 5%, abort after 10s"), "perftest")
	if r.code != ExitGate {
		t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	run := lastRun(h, task)
	if !run.StopRequested {
		t.Fatalf("no stop request was recorded: %+v", run)
	}
	if ran := run.EndedAt.Sub(run.StartedAt); run.EndedAt.IsZero() || ran > planned/2 {
		t.Errorf("the run went on for %s of its planned %s", ran, planned)
	}
	_, raw := h.junit()
	if !strings.Contains(raw, "run aborted early") || !strings.Contains(raw, "error_rate = ") {
		t.Errorf("junit does not say the run was aborted early at what value:\n%s", raw)
	}
	if res := h.result(); !res.Run.AbortedEarly || res.Result != "failed" {
		t.Errorf("result %+v", res.Run)
	}
}

func TestRunIDReevaluatesWithoutStarting(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	if r := h.run(context.Background(), h.env(), "perftest"); r.code != ExitPassed {
		t.Fatalf("first run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	run := lastRun(h, sim.DemoTaskID)
	starts := h.countRequests("POST /v1/" + sim.DemoProjectID + "/test-suites/")
	r := h.run(context.Background(), h.env(fmt.Sprintf("CODEARTS_RUN_ID=%d", run.ID), "CODEARTS_GATES=p95 <= 100ms"), "perftest")
	if r.code != ExitGate {
		t.Fatalf("re-evaluation: exit %d, want 1 (stricter gate)\n%s%s", r.code, r.stdout, r.stderr)
	}
	if h.srv.StartCount(sim.DemoTaskID) != 1 || h.countRequests("POST /v1/"+sim.DemoProjectID+"/test-suites/") != starts {
		t.Errorf("re-evaluation started or stopped something")
	}
	if res := h.result(); res.Run.ID != int64(run.ID) || res.Run.StartedBy != "attached" {
		t.Errorf("result run %+v", res.Run)
	}
}
