package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/internal/sim"
)

// TestSettingsRefusedBeforeAnyRequest runs perftest with settings that must be refused with
// exit 2 before the runner sends anything.
func TestSettingsRefusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.yaml")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	line := "  - p95 <= 750ms\n"
	f.WriteString("gates:\n" + strings.Repeat(line, (2<<20)/len(line)))
	f.Close()
	comments := filepath.Join(dir, "comments.yaml")
	if err := os.WriteFile(comments, []byte("# nothing yet\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  []string
		want []string
	}{
		{"no gates", []string{"CODEARTS_GATES="}, []string{"no gates", "gates: none"}},
		{"comments only", []string{"CODEARTS_GATES=# to do\n\n  # later"}, []string{"no gates"}},
		{"a gates file of comments", []string{"CODEARTS_GATES=", "CODEARTS_GATES_FILE=" + comments}, []string{"gates-file " + comments}},
		{"none next to a gate", []string{"CODEARTS_GATES=none\np95 <= 1s"}, []string{`gates says "none"`, "next to other gates"}},
		{"a gates file over 1 MiB", []string{"CODEARTS_GATES_FILE=" + huge}, []string{"gates-file", "more than 1048576 bytes"}},
		{"/dev/zero as gates file", []string{"CODEARTS_GATES_FILE=/dev/zero"}, []string{"more than 1048576 bytes"}},
		{"two outputs on one path", []string{"CODEARTS_RESULT_FILE=" + filepath.Join(dir, "out"), "CODEARTS_HTML_REPORT=" + filepath.Join(dir, "out")},
			[]string{"result-file and html-report name the same file"}},
		{"numbers out of range", []string{"CODEARTS_SIM_SCALE=NaN", "CODEARTS_MAX_CALLS_PER_MINUTE=-5"}, []string{"sim-scale NaN", "max-calls-per-minute -5"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, sim.Options{})
			r := h.run(context.Background(), h.env(tc.env...), "perftest")
			if r.code != ExitUsage {
				t.Fatalf("exit %d, want 2\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, r.stderr)
				}
			}
			if n := len(h.srv.Requests()); n > 0 {
				t.Errorf("%d requests were sent", n)
			}
		})
	}
}

// TestGatesNone runs perftest without gates on purpose: the run passes on finishing with
// requests, and JUnit and the result file say that no gate was evaluated.
func TestGatesNone(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	r := h.run(context.Background(), h.env("CODEARTS_GATES=None"), "perftest")
	if r.code != ExitPassed {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "no gates (gates: none)") {
		t.Errorf("stdout does not say that the run has no gates:\n%s", r.stdout)
	}
	if res := h.result(); res.Result != "passed" || res.Counts.Gates != 0 || res.Run == nil || res.Run.ID == 0 {
		t.Errorf("result file: %+v", res)
	}
	if s, _ := h.junit(); len(s.Suites) != 1 || s.Suites[0].Failures != 0 {
		t.Errorf("junit: %+v", s)
	}
}

// TestStartWithoutWaitNeedsNoGates starts a run with wait=false and no gates: nothing is judged.
func TestStartWithoutWaitNeedsNoGates(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	r := h.run(context.Background(), h.env("CODEARTS_GATES=", "CODEARTS_WAIT=false"), "perftest")
	if r.code != ExitPassed || h.srv.StartCount(sim.DemoTaskID) != 1 {
		t.Fatalf("exit %d, %d start(s); want 0 and one start\nstdout:\n%s\nstderr:\n%s", r.code, h.srv.StartCount(sim.DemoTaskID), r.stdout, r.stderr)
	}
	if res := h.result(); res.Result != "started" {
		t.Errorf("result %q, want started", res.Result)
	}
}

func TestUnknownNamesWarned(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	env := h.env("CODEARTS_GATE=p95 <= 1ms", "INPUT_TIME-OUT=5m", "CODEARTS_RESULT=passed")
	r := h.run(context.Background(), env, "gates", "check")
	if r.code != ExitPassed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, w := range []string{"warning: CODEARTS_GATE is not a setting and is ignored; did you mean CODEARTS_GATES?",
		"warning: INPUT_TIME-OUT is not a setting and is ignored; did you mean INPUT_TIMEOUT?"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	// CODEARTS_RESULT is an output of an earlier job (dotenv-file), not a typo.
	if strings.Contains(r.stderr, "CODEARTS_RESULT ") {
		t.Errorf("a dotenv output is warned about:\n%s", r.stderr)
	}
}

func TestGatesCheckNone(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	r := h.run(context.Background(), h.env("CODEARTS_GATES=none"), "gates", "check")
	if r.code != ExitPassed || !strings.Contains(r.stdout, "no gates (gates: none)") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = h.run(context.Background(), h.env("CODEARTS_GATES=none; p95 <= 1s"), "gates", "check")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "next to other gates") {
		t.Fatalf("none with a gate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestGatesCheckNamesCPTSField: a CPTS report field written for a metric is refused (exit 2)
// with the metric meant, inline and in a gates file — the hint gates gets from cpts.GateFields.
func TestGatesCheckNamesCPTSField(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	file := filepath.Join(t.TempDir(), "gates.yaml")
	if err := os.WriteFile(file, []byte("gates:\n  - {metric: averageRespTime, op: \"<\", value: 1s}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := h.run(context.Background(), h.env("CODEARTS_GATES=tp95 <= 1s", "CODEARTS_GATES_FILE="+file), "gates", "check")
	if r.code != ExitUsage {
		t.Fatalf("exit %d, want %d\n%s%s", r.code, ExitUsage, r.stdout, r.stderr)
	}
	for _, w := range []string{`unknown metric "tp95" (CPTS field tp95 is the metric "p95")`,
		`unknown metric "averageRespTime" (CPTS field averageRespTime is the metric "avg_rt")`} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
}

// TestEveryGateSkippedNeverPasses: a run whose only gate is skipped (a trend gate with the trend
// off) was checked by nothing, so it fails (exit 1) and says why.
func TestEveryGateSkippedNeverPasses(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	r := h.run(context.Background(), h.env("CODEARTS_GATES=p95 <= trend median", "CODEARTS_TREND=0"), "perftest")
	if r.code != ExitGate {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "nothing checked the run") {
		t.Errorf("the output does not say that no gate checked the run:\n%s", r.stdout)
	}
	if res := h.result(); res.Result != "failed" {
		t.Errorf("result %q, want failed", res.Result)
	}
}
