package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/internal/sim"
)

// githubOutputs parses a GITHUB_OUTPUT file (name<<delimiter ... delimiter, or name=value).
func githubOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		if name, delim, ok := strings.Cut(lines[i], "<<"); ok {
			var val []string
			for i++; i < len(lines) && lines[i] != delim; i++ {
				val = append(val, lines[i])
			}
			out[name] = strings.Join(val, "\n")
		} else if name, val, ok := strings.Cut(lines[i], "="); ok {
			out[name] = val
		}
	}
	return out
}

func TestGitHubActionStep(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		process bool                      // run the built binary (else in-process)
		style   func(h *harness) []string // how the step receives its inputs
	}{
		{"docker action: INPUT_* variables", true, func(h *harness) []string {
			var env []string
			for _, kv := range h.env() {
				k, v, _ := strings.Cut(kv, "=")
				flag := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(k, "CODEARTS_"), "_", "-"))
				env = append(env, "INPUT_"+strings.ToUpper(flag)+"="+v)
			}
			return append(env, "INPUT_TOKEN=", "INPUT_PASSWORD=") // inputs nobody gave are set empty
		}},
		{"composite action: inputs mapped to CODEARTS_*", false, func(h *harness) []string { return h.env() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, sim.Options{})
			output, summary := filepath.Join(h.dir, "output.txt"), filepath.Join(h.dir, "summary.md")
			for _, f := range []string{output, summary} {
				if err := os.WriteFile(f, nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			env := append(tc.style(h), "GITHUB_ACTIONS=true", "GITHUB_OUTPUT="+output, "GITHUB_STEP_SUMMARY="+summary,
				"GITHUB_RUN_ID=42", "GITHUB_JOB=gate", "CODEARTS_GATES=p95 <= 800ms\nwarn: p95 <= 10ms\nsuccess_rate >= 99%")
			var r runResult
			if tc.process {
				r = h.runProcess(env, "perftest")
			} else {
				r = h.run(context.Background(), env, "perftest")
			}
			if r.code != ExitPassed {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if !strings.HasPrefix(r.stdout, "::add-mask::") || !strings.Contains(r.stdout, "::add-mask::"+sim.DemoSK+"\n") {
				t.Errorf("the SK is not masked before anything else:\n%.300s", r.stdout)
			}
			outs := githubOutputs(t, output)
			run := lastRun(h, sim.DemoTaskID)
			want := map[string]string{"result": "passed", "gates-failed": "0", "junit-file": filepath.Join(h.dir, "junit.xml"),
				"result-file": filepath.Join(h.dir, "result.json")}
			for k, v := range want {
				if outs[k] != v {
					t.Errorf("output %s = %q, want %q", k, outs[k], v)
				}
			}
			if outs["task-run-id"] != strconv.Itoa(run.ID) {
				t.Errorf("output task-run-id = %q, want %d", outs["task-run-id"], run.ID)
			}
			md, _ := os.ReadFile(summary)
			for _, w := range []string{`| ✅ | p95 \<= 800ms | 659.49 ms | 800 ms |`, "xychart-beta", "⚠️"} {
				if !strings.Contains(string(md), w) {
					t.Errorf("job summary lacks %q:\n%s", w, md)
				}
			}
			if !strings.Contains(r.stdout, "::group::codearts-runner perftest") || !strings.Contains(r.stdout, "::endgroup::") {
				t.Errorf("the progress lines are not grouped:\n%s", r.stdout)
			}
			if !regexp.MustCompile(`(?m)^::warning title=[^:]*::warn: p95 <= 10ms`).MatchString(r.stdout) {
				t.Errorf("no warning annotation for the warned gate:\n%s", r.stdout)
			}
			h.noSecrets(r, demoSecrets...)
		})
	}
}

func TestOutsideGitHubNoWorkflowCommands(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	r := h.run(context.Background(), h.env("CODEARTS_GATES=p95 <= 10ms"), "perftest")
	if r.code != ExitGate {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, line := range strings.Split(r.stdout+r.stderr, "\n") {
		if strings.HasPrefix(line, "::") {
			t.Errorf("workflow command outside GitHub: %q", line)
		}
	}
}

func TestCodeArtsStepFiles(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	r := h.run(context.Background(), h.env("STEP_ID=gate_step", "PIPELINE_ID=pl-1", "PIPELINE_RUN_ID=42", "RESULT_MSG_PATH="+h.dir), "perftest")
	if r.code != ExitPassed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var result map[string]any
	var metrics map[string]float64
	for name, v := range map[string]any{"gate_step_result.json": &result, "gate_step_metrics.json": &metrics} {
		data, err := os.ReadFile(filepath.Join(h.dir, name))
		if err != nil {
			t.Fatalf("%s not written: %v", name, err)
		}
		if err := json.Unmarshal(data, v); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, data)
		}
	}
	if result["result"] != "passed" {
		t.Errorf("result file %v", result)
	}
	for _, k := range []string{"gates_failed", "p95", "success_rate", "tps"} {
		if _, ok := metrics[k]; !ok {
			t.Errorf("metrics file lacks %s: %v", k, metrics)
		}
	}
}
