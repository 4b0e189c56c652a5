package cli

import (
	"github.com/codearts-runner/codearts-runner/internal/testutil"

	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/internal/sim"
)

// killMidWait starts the runner as a process, waits until it has started its run, and kills it
// as a crashed CI agent would (SIGKILL: no stop is sent).
func killMidWait(t *testing.T, h *harness, env []string) {
	t.Helper()
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "perftest")
	cmd.Env = env
	var out testutil.SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the run to start", func() bool { return strings.Contains(out.String(), "started run") })
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if last := lastRun(h, sim.DemoTaskID); last.StopRequested || last.Status == 2 {
		t.Fatalf("the killed runner's run should still be going: %+v", last)
	}
}

func TestReattachAfterTheAgentDied(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		again func(h *harness, runID int) []string
	}{
		{"with --run-id from the previous output", func(h *harness, runID int) []string {
			return h.env(fmt.Sprintf("CODEARTS_RUN_ID=%d", runID))
		}},
		{"a re-run of the same CI step (same run tag)", func(h *harness, _ int) []string {
			return h.env("CODEARTS_RUN_TAG=gh-4711-gate")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, sim.Options{Scale: 30})
			killMidWait(t, h, h.env("CODEARTS_RUN_TAG=gh-4711-gate"))
			run := lastRun(h, sim.DemoTaskID)
			r := h.run(context.Background(), tc.again(h, run.ID), "perftest")
			if r.code != ExitPassed {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if n := h.srv.StartCount(sim.DemoTaskID); n != 1 {
				t.Fatalf("runs started = %d, want exactly 1", n)
			}
			res := h.result()
			if res.Run.ID != int64(run.ID) || res.Run.StartedBy != "attached" || res.Counts.Passed != 2 {
				t.Errorf("result run %+v counts %+v", res.Run, res.Counts)
			}
		})
	}
}

func TestDifferentRunTagDoesNotAttach(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{Scale: 30})
	killMidWait(t, h, h.env("CODEARTS_RUN_TAG=gh-1-gate"))
	// Another CI run finds the task busy with a run it did not start: it must not adopt it.
	r := h.run(context.Background(), h.env("CODEARTS_RUN_TAG=gh-2-gate", "CODEARTS_TIMEOUT=5m"), "perftest")
	if strings.Contains(r.stdout, "attaching") {
		t.Fatalf("attached to a run of another CI run:\n%s", r.stdout)
	}
	if r.code != ExitAPI || !strings.Contains(r.stderr, "already running") {
		t.Errorf("exit %d; want 5 with the service's refusal to start a running task\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestSameRunTagAfterTheRunEndedStartsANewRun(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	env := h.env("CODEARTS_RUN_TAG=gh-9-gate")
	for i := 1; i <= 2; i++ {
		if r := h.run(context.Background(), env, "perftest"); r.code != ExitPassed || strings.Contains(r.stdout, "attaching") {
			t.Fatalf("run %d: exit %d\n%s%s", i, r.code, r.stdout, r.stderr)
		}
		if n := h.srv.StartCount(sim.DemoTaskID); n != i {
			t.Fatalf("after invocation %d: %d runs started", i, n)
		}
	}
}
