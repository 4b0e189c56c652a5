package ci

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/pkg/report"
)

func TestWriteCodeArts(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "result")
	r := writerSample()
	r.Overall.Set("p99", math.NaN()) // not a JSON number: left out
	if err := WriteCodeArts(r, dir, "step-1"); err != nil {
		t.Fatal(err)
	}
	res := readJSON(t, filepath.Join(dir, "step-1_result.json"))
	want := map[string]any{"result": "failed", "exit_code": 1.0, "task": "nightly | smoke", "task_id": 42.0, "task_run_id": 9001.0,
		"gates": 4.0, "gates_passed": 1.0, "gates_failed": 1.0, "gates_warned": 1.0, "gates_skipped": 1.0,
		"message": "failed, run 9001 finished: 1 of 4 gates failed, 1 warned (p95 <= 500ms)"}
	if len(res) != len(want) {
		t.Errorf("result has %d keys, want %d: %v", len(res), len(want), res)
	}
	for k, v := range want {
		if res[k] != v {
			t.Errorf("result[%s] = %#v, want %#v", k, res[k], v)
		}
	}

	metrics := readJSON(t, filepath.Join(dir, "step-1_metrics.json"))
	wantMetrics := map[string]float64{"gates_failed": 1, "gates_passed": 1, "gates_warned": 1, "gates_skipped": 1,
		"p95": 812.4, "avg_rt": 230, "success_rate": 99.71, "tps": 200.5, "requests": 120000, "error_rate": 0.29}
	if len(metrics) != len(wantMetrics) {
		t.Errorf("metrics has keys %v, want %v", sortedKeys(metrics), sortedKeys(wantMetrics))
	}
	for k, v := range wantMetrics {
		if got, ok := metrics[k].(float64); !ok || got != v {
			t.Errorf("metrics[%s] = %#v, want %v", k, metrics[k], v)
		}
	}
}

// TestWriteCodeArtsRoundsFigures: the metrics file carries figures rounded to two decimals
// (issue 13: 293.22, not 293.21999999999997).
func TestWriteCodeArtsRoundsFigures(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := writerSample()
	r.Overall.Set("tps", 293.21999999999997)
	r.Overall.Set("error_rate", 100.0/3)
	if err := WriteCodeArts(r, dir, "s"); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "s_metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"tps": 293.22`, `"error_rate": 33.33`, `"requests": 120000`} {
		if !strings.Contains(string(raw), want+",") && !strings.Contains(string(raw), want+"\n") {
			t.Errorf("metrics file lacks %s:\n%s", want, raw)
		}
	}
}

func TestWriteCodeArtsWithoutRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	long := strings.Repeat("x", 3000)
	r := &report.Result{Mode: "perftest", Result: "error", ExitCode: 5, Error: "show task: HTTP 503\n" + long}
	if err := WriteCodeArts(r, dir, "s"); err != nil {
		t.Fatal(err)
	}
	res := readJSON(t, filepath.Join(dir, "s_result.json"))
	for _, absent := range []string{"task", "task_id", "task_run_id"} {
		if _, ok := res[absent]; ok {
			t.Errorf("result has %s without a task run", absent)
		}
	}
	msg, _ := res["message"].(string)
	if !strings.HasPrefix(msg, "error: show task: HTTP 503 xxx") || len([]rune(msg)) != codeArtsMessageRunes || strings.Contains(msg, "\n") {
		t.Errorf("message = %.60q… (%d runes)", msg, len([]rune(msg)))
	}
	metrics := readJSON(t, filepath.Join(dir, "s_metrics.json"))
	if keys := sortedKeys(metrics); !slices.Equal(keys, []string{"gates_failed", "gates_passed", "gates_skipped", "gates_warned"}) {
		t.Errorf("metrics keys = %v", keys)
	}
}

func TestWriteCodeArtsChecksMessage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := &report.Result{Mode: "taskmodel", Result: "failed", ExitCode: 1, Checks: []report.Check{{Name: "task template a", Verdict: "failed"},
		{Name: "task template b", Verdict: "passed"}}}
	if err := WriteCodeArts(r, dir, "s"); err != nil {
		t.Fatal(err)
	}
	if msg := readJSON(t, filepath.Join(dir, "s_result.json"))["message"]; msg != "failed: 1 of 2 checks failed (task template a)" {
		t.Errorf("message = %q", msg)
	}
}

func TestWriteCodeArtsRejectsBadStepID(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", ".", "..", "a/b", `a\b`, "../x", "a\x00b"} {
		dir := t.TempDir()
		if err := WriteCodeArts(writerSample(), dir, id); err == nil {
			t.Errorf("step id %q accepted", id)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("step id %q: wrote %v", id, entries)
		}
	}
}
