package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/codearts-runner/codearts-runner/internal/sim"
)

// multiTasks is the number of tasks of the several-tasks row; multiRun the length of each run.
const (
	multiTasks = 5
	multiRun   = 5 * time.Minute
)

// waitCost is what one step's wait cost.
type waitCost struct {
	status, live, other int     // status reads, reports of runs still going, other calls before the last end
	latency             float64 // last run's end → process exit, real seconds
}

func (w waitCost) calls() int { return w.status + w.live + w.other }

// measureWait runs the runner once on n new one-case tasks of the same stage plan (one step)
// and counts the calls of the wait: every status read, every report read of a run that had
// not ended yet, and every other call between the start and the end of the last run (reports
// of ended runs are the collection, not the wait).
func measureWait(ctx context.Context, cfg config, n int) (waitCost, error) {
	srv := sim.New(sim.Options{Scale: cfg.scale, Seed: 1})
	base, err := srv.Start("127.0.0.1:0")
	if err != nil {
		return waitCost{}, err
	}
	defer srv.Close()
	var ids []string
	var tasks []int
	for i := range n {
		name := fmt.Sprintf("bench-multi-%d", i)
		task := srv.AddTask(sim.DemoSuiteID, name, []int{srv.AddCase(sim.DemoSuiteID, name, profile(multiRun))})
		tasks, ids = append(tasks, task), append(ids, strconv.Itoa(task))
	}
	runner, err := filepath.Abs(cfg.runner)
	if err != nil {
		return waitCost{}, err
	}
	dir, err := os.MkdirTemp("", "codearts-bench-multi-*")
	if err != nil {
		return waitCost{}, err
	}
	defer os.RemoveAll(dir)
	cmd := exec.CommandContext(ctx, runner, "perftest")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir,
		"CODEARTS_CPTS_ENDPOINT=" + base, "CODEARTS_IAM_ENDPOINT=" + base, "CODEARTS_PROJECT_ID=" + sim.DemoProjectID,
		"CODEARTS_AK=" + sim.DemoAK, "CODEARTS_SK=" + sim.DemoSK,
		fmt.Sprintf("CODEARTS_TEST_SUITE=%d", sim.DemoSuiteID), "CODEARTS_TASK=" + strings.Join(ids, ","),
		"CODEARTS_GATES=p95 <= 5s\nsuccess_rate >= 95%", "CODEARTS_TREND=0",
		fmt.Sprintf("CODEARTS_SIM_SCALE=%g", cfg.scale), "CODEARTS_JUNIT_FILE=none", "CODEARTS_RESULT_FILE=none"}
	var out bytes.Buffer
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, &out, &out
	if err := cmd.Run(); err != nil {
		return waitCost{}, fmt.Errorf("runner on %d tasks: %v\n%s", n, err, out.String())
	}
	exit := time.Now()
	simRef, realRef := srv.SimNow(), time.Now()
	toReal := func(t time.Time) time.Time { return realRef.Add(time.Duration(float64(t.Sub(simRef)) / cfg.scale)) }
	ended := map[string]time.Time{} // run id → end (simulated clock, as recorded)
	var last time.Time
	for _, task := range tasks {
		for _, ri := range srv.Runs(task) {
			ended[strconv.Itoa(ri.ID)] = ri.EndedAt
			if ri.EndedAt.After(last) {
				last = ri.EndedAt
			}
		}
	}
	var w waitCost
	w.latency = exit.Sub(toReal(last)).Seconds()
	var started bool
	for _, rec := range srv.Requests() {
		switch {
		case rec.Method == http.MethodPost && strings.Contains(rec.Path, "/tasks/"):
			started = true
		case !started:
		case rec.Method == http.MethodGet && strings.Contains(rec.Path, "/tasks/") && !strings.Contains(rec.Path, "history"):
			w.status++
		case rec.Method == http.MethodGet && strings.Contains(rec.Path, "/reports"):
			if m := runIDRE.FindStringSubmatch(rec.Path); m != nil && rec.Time.Before(ended[m[1]]) {
				w.live++
			}
		case !rec.Time.After(last):
			w.other++
		}
	}
	return w, nil
}

// multiRows adds the several-tasks rows: the wait of multiTasks tasks against one task.
func multiRows(ctx context.Context, cfg config, t *table) error {
	one, err := measureWait(ctx, cfg, 1)
	if err != nil {
		return err
	}
	many, err := measureWait(ctx, cfg, multiTasks)
	if err != nil {
		return err
	}
	r := float64(many.calls()) / float64(max(one.calls(), 1))
	t.add(row{num: "7", measure: fmt.Sprintf("%d tasks in one step, %s runs: API calls of the wait (status reads + live reports + other)", multiTasks, multiRun),
		value:    fmt.Sprintf("%d (%d + %d + %d)", many.calls(), many.status, many.live, many.other),
		baseline: fmt.Sprintf("one task: %d (%d + %d + %d)", one.calls(), one.status, one.live, one.other),
		ratio:    fmt.Sprintf("%.2g×", r), target: "≤ 1.3×", met: mark(r <= 1.3)})
	t.add(row{num: "7", measure: fmt.Sprintf("%d tasks in one step: last run's end → exit", multiTasks),
		value: fmt.Sprintf("%.2f s", many.latency), baseline: fmt.Sprintf("one task: %.2f s", one.latency),
		target: "as fast as one task", met: mark(many.latency <= one.latency+0.5)})
	t.note("rows 7 (issue 15): one runner step on %d new one-case tasks of the same %s stage plan (started in one batch call) against the same step on one task, each on its own simulator, trend=0; "+
		"the wait's calls are the status reads, the reports of runs not yet ended (live figures) and any other call between the start and the last run's end — the reports of ended runs are the collection, not the wait. "+
		"Several runs are read on one schedule: a run is read when its stage plan says it may be ending, not for progress lines (printed for all runs from their predicted ends), while one task alone keeps its progress reads every 30 s — hence fewer calls for five runs than for one.", multiTasks, multiRun)
	return nil
}
