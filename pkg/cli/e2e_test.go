package cli

import (
	"github.com/codearts-runner/codearts-runner/internal/testutil"

	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/internal/sim"
)

var demoSecrets = []string{sim.DemoSK, sim.DemoPassword}

func TestPerfTestPasses(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	r := h.run(context.Background(), h.env(), "perftest")
	if r.code != ExitPassed {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	runs := h.srv.Runs(sim.DemoTaskID)
	last := runs[len(runs)-1]
	if h.srv.StartCount(sim.DemoTaskID) != 1 || last.Status != 2 {
		t.Fatalf("want one started run that finished, got %+v", runs)
	}
	h.validJUnit()
	s, _ := h.junit()
	if len(s.Suites) != 1 || s.Suites[0].Tests != 2 || s.Suites[0].Failures != 0 {
		t.Fatalf("junit: %+v", s)
	}
	props := map[string]string{}
	for _, p := range s.Suites[0].Properties {
		props[p.Name] = p.Value
	}
	if props["task_run_id"] != fmt.Sprint(last.ID) || props["region"] != "cn-north-4" || !strings.Contains(props["task"], sim.DemoTaskName) {
		t.Errorf("junit properties %v", props)
	}
	res := h.result()
	if res.Schema != 1 || res.Result != "passed" || res.Run.ID != int64(last.ID) || len(res.Cases) != 2 || res.Counts.Passed != 2 {
		t.Errorf("result file: %+v", res)
	}
	for _, want := range []string{"started run", "running", "PASS", "result: PASSED"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	h.noSecrets(r, demoSecrets...)
}

func TestPerfTestGateFails(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	r := h.run(context.Background(), h.env("CODEARTS_GATES=p95 <= 100ms\ncase \"checkout\": avg_rt < 10s"), "perftest")
	if r.code != ExitGate {
		t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	h.validJUnit()
	s, raw := h.junit()
	var failed int
	for _, c := range s.Suites[0].Cases {
		if c.Failure != nil {
			failed++
			if !strings.Contains(c.Failure.Message, "p95 = ") || !strings.Contains(c.Failure.Message, "limit <= 100 ms") {
				t.Errorf("failure message lacks measured vs expected: %q", c.Failure.Message)
			}
		}
	}
	if failed != 1 {
		t.Errorf("want 1 failed testcase, got %d:\n%s", failed, raw)
	}
	if res := h.result(); res.Result != "failed" || res.Counts.Failed != 1 || res.ExitCode != 1 {
		t.Errorf("result %+v", res)
	}
	h.noSecrets(r, demoSecrets...)
}

func TestPerfTestPlatformFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, task string
		taskID     int
		want       string
	}{
		{"aborted abnormally", sim.DemoAbortTaskName, sim.DemoAbortTaskID, "aborted"},
		{"no data", sim.DemoNoDataTaskName, sim.DemoNoDataTaskID, "run produced requests"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, sim.Options{})
			r := h.run(context.Background(), h.env("CODEARTS_TASK="+tc.task, "CODEARTS_GATES=success_rate >= 0%"), "perftest")
			if r.code != ExitPlatform {
				t.Fatalf("exit %d, want 3\n%s%s", r.code, r.stdout, r.stderr)
			}
			if _, raw := h.junit(); !strings.Contains(raw, tc.want) {
				t.Errorf("junit does not say %q:\n%s", tc.want, raw)
			}
		})
	}
}

func TestPerfTestTimeout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		onTimeout string
		wantStop  bool
	}{{"stop", true}, {"leave", false}}
	for _, tc := range tests {
		t.Run(tc.onTimeout, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, sim.Options{Scale: 30})
			r := h.run(context.Background(), h.env("CODEARTS_TIMEOUT=10s", "CODEARTS_ON_TIMEOUT="+tc.onTimeout), "perftest")
			if r.code != ExitTimeout {
				t.Fatalf("exit %d, want 4\n%s%s", r.code, r.stdout, r.stderr)
			}
			runs := h.srv.Runs(sim.DemoTaskID)
			if got := runs[len(runs)-1].StopRequested; got != tc.wantStop {
				t.Errorf("stop requested = %v, want %v", got, tc.wantStop)
			}
			if res := h.result(); res.Result != "timeout" || !res.Run.TimedOut {
				t.Errorf("result %+v", res)
			}
		})
	}
}

func TestPerfTestStalePreviousRun(t *testing.T) {
	t.Parallel()
	// The task keeps showing the previous (finished) run for 90 simulated seconds after the start.
	h := newHarness(t, sim.Options{StaleWindow: 90 * time.Second})
	r := h.run(context.Background(), h.env(), "perftest")
	if r.code != ExitPassed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	runs := h.srv.Runs(sim.DemoTaskID)
	last := runs[len(runs)-1]
	if last.Seeded || last.Status != 2 {
		t.Fatalf("the runner ended before its own run finished: %+v", runs)
	}
	if res := h.result(); res.Run.ID != int64(last.ID) {
		t.Errorf("reported run %d, want the started run %d", res.Run.ID, last.ID)
	}
	if !strings.Contains(r.stdout, "still shows the previous run") {
		t.Errorf("stdout does not mention the stale window:\n%s", r.stdout)
	}
}

func TestPerfTestSurvivesThrottlingAndGatewayErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	h.srv.Inject(sim.Fault{Match: "GET /v1/" + sim.DemoProjectID + "/tasks/", Kind: sim.FaultStatus, Status: 429, RetryAfter: time.Second, Count: 2})
	h.srv.Inject(sim.Fault{Match: "/reports", Kind: sim.FaultStatus, Status: 503, Count: 3})
	h.srv.Inject(sim.Fault{Match: "GET /v1/" + sim.DemoProjectID + "/test-suites", Kind: sim.FaultStatus, Status: 503, Count: 2})
	r := h.run(context.Background(), h.env(), "perftest")
	if r.code != ExitPassed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	faulted := 0
	for _, rec := range h.srv.Requests() {
		if rec.Fault == sim.FaultStatus {
			faulted++
		}
	}
	if faulted != 7 || h.srv.StartCount(sim.DemoTaskID) != 1 {
		t.Errorf("faults fired %d (want 7), starts %d (want 1)", faulted, h.srv.StartCount(sim.DemoTaskID))
	}
}

func TestPerfTestTokenExpiresMidRun(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{Scale: 120})
	env := h.env("CODEARTS_AK=", "CODEARTS_SK=", "CODEARTS_USERNAME="+sim.DemoUser,
		"CODEARTS_PASSWORD="+sim.DemoPassword, "CODEARTS_DOMAIN="+sim.DemoDomain)
	go func() {
		for h.srv.StartCount(sim.DemoTaskID) == 0 {
			time.Sleep(2 * time.Millisecond)
		}
		h.srv.Inject(sim.Fault{Kind: sim.FaultTokenExpired, Count: 1})
	}()
	r := h.run(context.Background(), env, "perftest")
	if r.code != ExitPassed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := h.countRequests("POST /v3/auth/tokens"); n != 2 {
		t.Errorf("IAM token requests = %d, want 2 (initial + one refresh after the 401)", n)
	}
	h.noSecrets(r, demoSecrets...)
}

func TestPerfTestLostStartAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	h.srv.Inject(sim.Fault{Match: fmt.Sprintf("POST /v1/%s/test-suites/%d/tasks/%d", sim.DemoProjectID, sim.DemoSuiteID, sim.DemoTaskID), Kind: sim.FaultDropAnswer, Count: 1})
	r := h.run(context.Background(), h.env(), "perftest")
	if r.code != ExitPassed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := h.srv.StartCount(sim.DemoTaskID); n != 1 {
		t.Fatalf("runs started = %d, want exactly 1", n)
	}
	if !strings.Contains(r.stdout, "answer to the start was lost") {
		t.Errorf("stdout does not explain the reconciliation:\n%s", r.stdout)
	}
}

func TestPerfTestUsageErrorsCallNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		extra []string
		want  []string
	}{
		{"invalid gate", []string{"CODEARTS_GATES=p96 <= 1s"}, []string{"p96", "did you mean"}},
		{"several problems at once", []string{"CODEARTS_GATES=p95 <== 1s", "CODEARTS_ON_TIMEOUT=kill", "CODEARTS_PROJECT_ID=nope"},
			[]string{"gates", "on-timeout", "project-id"}},
		{"no credentials", []string{"CODEARTS_AK=", "CODEARTS_SK="}, []string{"no credentials"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, sim.Options{})
			r := h.run(context.Background(), h.env(tc.extra...), "perftest")
			if r.code != ExitUsage {
				t.Fatalf("exit %d, want 2\n%s%s", r.code, r.stdout, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if n := len(h.srv.Requests()); n != 0 {
				t.Errorf("%d HTTP requests were made; want none", n)
			}
			h.noSecrets(r, demoSecrets...)
		})
	}
}

func TestPerfTestAmbiguousTask(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	a := h.srv.AddTask(sim.DemoSuiteID, "nightly", []int{sim.DemoCaseBrowse})
	b := h.srv.AddTask(sim.DemoSuiteID, "nightly", []int{sim.DemoCaseCheckout})
	r := h.run(context.Background(), h.env("CODEARTS_TASK=nightly"), "perftest")
	if r.code != ExitUsage {
		t.Fatalf("exit %d, want 2\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, w := range []string{`2 tasks are named "nightly"`, fmt.Sprint(a), fmt.Sprint(b), "give the id"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	if h.srv.StartCount(a)+h.srv.StartCount(b) != 0 {
		t.Error("a run was started")
	}
	// The id resolves the ambiguity.
	r = h.run(context.Background(), h.env(fmt.Sprintf("CODEARTS_TASK=%d", a)), "perftest")
	if r.code != ExitPassed || h.srv.StartCount(a) != 1 {
		t.Fatalf("by id: exit %d, starts %d\n%s%s", r.code, h.srv.StartCount(a), r.stdout, r.stderr)
	}
}

// binary builds the runner once for the tests that need a real process.
var binary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "runner-bin-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "runner")
	out, err := exec.Command("go", "build", "-o", path, "../../cmd/runner").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return path, nil
})

func TestPerfTestSIGTERMStopsTheRun(t *testing.T) {
	t.Parallel()
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, sim.Options{Scale: 10}) // a run of several real minutes
	cmd := exec.Command(bin, "perftest")
	cmd.Env = h.env()
	var out, errb testutil.SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the run to start", func() bool { return strings.Contains(out.String(), "started run") })
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	took := time.Since(sent)
	code := cmd.ProcessState.ExitCode()
	if code != ExitCancelled {
		t.Fatalf("exit %d (%v), want 130\n%s%s", code, err, out.String(), errb.String())
	}
	runs := h.srv.Runs(sim.DemoTaskID)
	if last := runs[len(runs)-1]; !last.StopRequested {
		t.Errorf("no stop request reached the run: %+v", last)
	}
	// The 7 s budget is measured by the benchmark, not asserted here.
	t.Logf("exit %s after SIGTERM", took)
	if res := h.result(); res.Result != "cancelled" || !res.Run.StopSent {
		t.Errorf("result %+v", res)
	}
	h.noSecrets(runResult{stdout: out.String(), stderr: errb.String()}, demoSecrets...)
}

func TestPerfTestByIDsSkipsTheListings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		suite    string
		listings int // suite and task listing calls expected
		code     int
		stderr   string
	}{
		{name: "suite and task ids", suite: fmt.Sprint(sim.DemoSuiteID), listings: 0, code: ExitPassed},
		// A task of another suite is not taken on trust: the listings say what exists.
		{name: "task of another suite", suite: "999", listings: 1, code: ExitUsage, stderr: `no test suite with id or name "999"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, sim.Options{})
			r := h.run(context.Background(), h.env("CODEARTS_TEST_SUITE="+tt.suite, fmt.Sprintf("CODEARTS_TASK=%d", sim.DemoTaskID)), "perftest")
			if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
				t.Fatalf("exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, tt.stderr, r.stdout, r.stderr)
			}
			listings := h.countRequests("GET", "/test-suites") + h.countRequests("GET", "/all-tasks/")
			if (listings == 0) != (tt.listings == 0) {
				t.Errorf("%d listing calls, want %d", listings, tt.listings)
			}
			if tt.code != ExitPassed {
				if h.srv.StartCount(sim.DemoTaskID) != 0 {
					t.Error("a run was started")
				}
				return
			}
			// The case runs come from the task's run data: no case-run listing of our run either
			// (the trend lists those of earlier runs).
			if n := h.countRequests("GET", fmt.Sprintf("/task-run-infos/%d/cases", lastRun(h, sim.DemoTaskID).ID)); n != 0 {
				t.Errorf("%d case-run listings", n)
			}
			res := h.result()
			if res.Suite == nil || res.Suite.ID != sim.DemoSuiteID || res.Task.Name != sim.DemoTaskName || res.Result != "passed" || len(res.Cases) != 2 {
				t.Errorf("result file: %+v", res)
			}
			if !strings.Contains(r.stdout, fmt.Sprintf("in suite %d", sim.DemoSuiteID)) {
				t.Errorf("stdout does not name the suite by id:\n%s", r.stdout)
			}
		})
	}
}
