package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/codearts-runner/codearts-runner/internal/sim"
	"github.com/codearts-runner/codearts-runner/pkg/report"
)

// trendRuns is the trend window the trend row reads.
const trendRuns = 10

// trendResult is what reading a 10-run trend cost.
type trendResult struct {
	earlier        int // earlier runs in the trend (of the result file)
	history        int // run-history reads
	lists, reports int // case-run lists and reports of earlier runs
	cases          int // cases of the demo task
}

// runIDRE takes the task run id out of a case-run list or report path.
var runIDRE = regexp.MustCompile(`/task-run-infos/(\d+)/`)

// measureTrend runs the runner once on the demo task with trendRuns earlier runs seeded
// (sim Options.History) and counts the calls that read the earlier runs.
func measureTrend(ctx context.Context, cfg config) (*trendResult, error) {
	srv := sim.New(sim.Options{Scale: cfg.scale, History: trendRuns - 1})
	base, err := srv.Start("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	dir, err := os.MkdirTemp("", "codearts-bench-trend-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	runner, err := filepath.Abs(cfg.runner)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, runner, "perftest")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir,
		"CODEARTS_CPTS_ENDPOINT=" + base, "CODEARTS_IAM_ENDPOINT=" + base, "CODEARTS_PROJECT_ID=" + sim.DemoProjectID,
		"CODEARTS_AK=" + sim.DemoAK, "CODEARTS_SK=" + sim.DemoSK,
		fmt.Sprintf("CODEARTS_TEST_SUITE=%d", sim.DemoSuiteID), fmt.Sprintf("CODEARTS_TASK=%d", sim.DemoTaskID),
		"CODEARTS_GATES=p95 <= 5s\np95 <= trend median + 50%", fmt.Sprintf("CODEARTS_TREND=%d", trendRuns),
		fmt.Sprintf("CODEARTS_SIM_SCALE=%g", cfg.scale),
		"CODEARTS_JUNIT_FILE=none", "CODEARTS_RESULT_FILE=" + filepath.Join(dir, "result.json")}
	var out bytes.Buffer
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, &out, &out
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("runner: %v\n%s", err, out.String())
	}
	var r report.Result
	data, err := os.ReadFile(filepath.Join(dir, "result.json"))
	if err != nil || json.Unmarshal(data, &r) != nil || r.Run == nil || r.Trend == nil {
		return nil, fmt.Errorf("result file without a run or a trend: %v", err)
	}
	res := &trendResult{earlier: r.Trend.Window, cases: len(r.Cases)}
	ours := strconv.FormatInt(r.Run.ID, 10)
	for _, rec := range srv.Requests() {
		if rec.Method != http.MethodGet {
			continue
		}
		switch m := runIDRE.FindStringSubmatch(rec.Path); {
		case strings.Contains(rec.Path, "/tasks/history-run-list/"):
			res.history++
		case m == nil || m[1] == ours:
		case strings.HasSuffix(rec.Path, "/cases"):
			res.lists++
		case strings.HasSuffix(rec.Path, "/reports"):
			res.reports++
		}
	}
	return res, nil
}

// rows adds the trend row: the calls per earlier run.
func (r *trendResult) rows(t *table) {
	per := float64(r.history+r.lists+r.reports) / float64(max(r.earlier, 1))
	t.add(row{num: "6", measure: fmt.Sprintf("trend of %d earlier runs (%d cases each): API calls per earlier run", r.earlier, r.cases),
		value:  fmt.Sprintf("%.2f (%d history read · %d case-run lists · %d reports)", per, r.history, r.lists, r.reports),
		target: "≤ 1", met: mark(per <= 1)})
	t.note("row 6: an earlier run's p95 is only in the report of each of its case runs, whose ids only the case-run list gives; " +
		"no documented call returns a run's overall p95 in one read (the SDK's log-outline has tp90 but no tp95), so the floor is 1 + cases calls per earlier run.")
}
