package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/internal/sim"
)

// TestTrendGate runs the demo task against seeded run histories: the trend gate passes, fails
// and is skipped (too little history); the trend shows in every output.
func TestTrendGate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		history int // extra seeded runs before the demo's earlier run
		gates   string
		code    int
		verdict string
		msg     string
	}{
		{"passes", 4, "p95 <= trend median + 15%", ExitPassed, "passed", "(trend median "},
		{"fails", 4, "p95 <= trend median - 5%", ExitGate, "failed", "of 5 runs - 5%)"},
		{"skipped with too little history", 0, "p95 <= trend median + 15%", ExitPassed, "skipped", "the trend window holds 1 earlier run(s) that passed the other gates; a trend median needs 3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, sim.Options{History: tc.history})
			html, summary := filepath.Join(h.dir, "report.html"), filepath.Join(h.dir, "summary.md")
			if err := os.WriteFile(summary, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			env := h.env("CODEARTS_GATES=success_rate >= 99%\n"+tc.gates, "CODEARTS_HTML_REPORT="+html,
				"GITHUB_ACTIONS=true", "GITHUB_STEP_SUMMARY="+summary, "GITHUB_OUTPUT="+filepath.Join(h.dir, "out.txt"))
			r := h.run(context.Background(), env, "perftest")
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", r.code, tc.code, r.stdout, r.stderr)
			}
			res := h.result()
			g := res.Gates[len(res.Gates)-1]
			if g.Verdict != tc.verdict || !strings.Contains(g.Message, tc.msg) {
				t.Errorf("trend gate: %s %q, want %s containing %q", g.Verdict, g.Message, tc.verdict, tc.msg)
			}
			if res.Trend == nil || len(res.Trend.Runs) != tc.history+2 || res.Trend.Window != tc.history+1 || !res.Trend.Runs[len(res.Trend.Runs)-1].Current {
				t.Fatalf("result file trend = %+v, want %d earlier runs and this one", res.Trend, tc.history+1)
			}
			for i, p := range res.Trend.Runs {
				if p.P95 == nil || p.AvgRT == nil || p.TPS == nil || p.ErrorRate == nil {
					t.Errorf("trend run %d lacks a figure: %+v", i, p)
				}
				if i > 0 && p.RunID <= res.Trend.Runs[i-1].RunID {
					t.Errorf("trend runs are not oldest first: %+v", res.Trend.Runs)
				}
			}
			if !strings.Contains(r.stdout, "trend over ") || !strings.Contains(r.stdout, "  p95        ") {
				t.Errorf("the console summary has no trend lines:\n%s", r.stdout)
			}
			page, _ := os.ReadFile(html)
			if !strings.Contains(string(page), "<h2>Trend across runs</h2>") || !strings.Contains(string(page), `data-series="trend-p95"`) {
				t.Errorf("the HTML report has no trend chart")
			}
			md, _ := os.ReadFile(summary)
			if !strings.Contains(string(md), "### Trend over the last") || !strings.Contains(string(md), `"plotColorPalette": "#1f77b4"`) {
				t.Errorf("the job summary has no coloured trend chart:\n%s", md)
			}
		})
	}
}

// TestTrendOff: trend=0 reads no history and writes no trend.
func TestTrendOff(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{History: 3})
	r := h.run(context.Background(), h.env("CODEARTS_TREND=0"), "perftest")
	if r.code != ExitPassed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if res := h.result(); res.Trend != nil {
		t.Errorf("trend written with trend=0: %+v", res.Trend)
	}
	if n := h.countRequests("history-run-list"); n != 0 {
		t.Errorf("%d history reads with trend=0", n)
	}
}

// TestGatesCheckTrendAndTask: gates check understands trend and task scopes, inline and in a file.
func TestGatesCheckTrendAndTask(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	file := filepath.Join(h.dir, "gates.yaml")
	if err := os.WriteFile(file, []byte("gates:\n  - metric: p95\n    op: <=\n    value: trend median + 15%\n    task: checkout\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := h.run(context.Background(), []string{"CODEARTS_GATES=task \"api\" case \"C\": p99<=1s\ntps >= trend median - 10%", "CODEARTS_GATES_FILE=" + file}, "gates", "check")
	want := "task \"checkout\": p95 <= trend median + 15%\ntask \"api\" case \"C\": p99 <= 1s\ntps >= trend median - 10%\n3 gate(s) OK\n"
	if r.code != ExitPassed || r.stdout != want {
		t.Errorf("exit %d, stdout:\n%s\nwant:\n%s%s", r.code, r.stdout, want, r.stderr)
	}
	r = h.run(context.Background(), []string{`CODEARTS_GATES=case "C": p95 <= trend median + 15%`}, "gates", "check")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "a trend gate reads the overall figures of earlier runs") {
		t.Errorf("a scoped trend gate: exit %d\n%s", r.code, r.stderr)
	}
}

// TestTrendLeavesOutRunsWithoutRequests: an earlier run that produced no requests is not a
// point of the trend, and the note says so.
func TestTrendLeavesOutRunsWithoutRequests(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	empty := sim.Profile{Stages: []sim.Stage{{Duration: 30 * time.Second, Concurrency: 5}}, NoData: true, Requests: []string{"GET /health"}}
	_, c := h.addTask("trend-gaps", empty)
	env := h.env("CODEARTS_TASK=trend-gaps", "CODEARTS_GATES=requests > 0")
	if r := h.run(context.Background(), env, "perftest"); r.code != ExitPlatform {
		t.Fatalf("the empty run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	full := sim.Profile{Stages: []sim.Stage{{Duration: 30 * time.Second, Concurrency: 5}}, AvgRT: 100, Requests: []string{"GET /health"}}
	h.srv.SetProfile(c, full)
	for i := range 2 {
		if r := h.run(context.Background(), env, "perftest"); r.code != ExitPassed {
			t.Fatalf("run %d: exit %d\n%s%s", i+2, r.code, r.stdout, r.stderr)
		}
	}
	res := h.result()
	if res.Trend == nil || res.Trend.Window != 1 || len(res.Trend.Runs) != 2 || !strings.Contains(res.Trend.Note, "1 without requests") {
		t.Errorf("trend = %+v", res.Trend)
	}
}
