package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/codearts-runner/codearts-runner/internal/sim"
	"github.com/codearts-runner/codearts-runner/pkg/report"
)

// runLengths are the stage plans of the measured runs, in simulated time.
var runLengths = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute}

// pollInterval is the fixed poller's interval in service time.
const pollInterval = 5 * time.Second

// checkedPerRound is the number of run-id-checked pollers per run length and round: the
// baseline's latency is spread evenly over the poll interval, so it takes more samples than the
// runner's for a stable median.
const checkedPerRound = 3

// clientKind is who waits for the run.
type clientKind int

const (
	kindRunner  clientKind = iota // runner perftest, the real binary
	kindBlind                     // the fixed 5 s poller trusting run_status blindly
	kindChecked                   // the fixed 5 s poller that waits for its own run id
)

var kinds = []clientKind{kindRunner, kindBlind, kindChecked}

func (k clientKind) String() string {
	return [...]string{"runner", "blind 5 s poller", "run-id-checked 5 s poller"}[k]
}

// trial is one measured wait.
type trial struct {
	latency float64 // real seconds from the run's end (simulator) to the client's end; < 0: it ended first
	calls   int     // every request the simulator recorded from the client
	reads   int     // status reads (ShowTask)
	correct bool    // the client reported the run it started, after it ended, with its final status
	why     string  // why not correct
	byPath  string  // the calls by method and path pattern
	post    float64 // real seconds from the first status read after the run's end to the client's end
	// toDetect is the real seconds from the run's end to the first status read after it (the
	// polling part of the latency, on the service's clock once scaled).
	toDetect float64
}

// serviceLatency is the latency as a client on the real service would see it, in seconds: the
// polling part on the service's clock (scaled) plus the part after the detecting read in real
// time — the report read, the outputs and the exit take real time on a real service too, so
// scaling them ×60 would charge local milliseconds as service seconds. A client without a
// detecting read (it ended before the run) keeps its scaled end-to-end latency.
func (t trial) serviceLatency(scale float64) float64 {
	if t.toDetect == 0 && t.post == 0 {
		return t.latency * scale
	}
	return t.toDetect*scale + t.post
}

// latencyResult holds every trial by run length and client.
type latencyResult struct {
	trials map[time.Duration]map[clientKind][]trial
}

// profile is the case of a run of length d: a ramp-up stage to 20 users over the first third,
// then 50 users (reached after a short ramp-up) for the rest.
func profile(d time.Duration) sim.Profile {
	warm := (d / 3).Round(time.Second)
	return sim.Profile{
		Stages: []sim.Stage{
			{Duration: warm, Concurrency: 20, RampUp: warm},
			{Duration: d - warm, Concurrency: 50, RampUp: min(d/10, 30*time.Second)},
		},
		AvgRT:     120,
		ErrorRate: 0.2,
		Requests:  []string{"GET /catalog", "POST /cart", "POST /orders"},
	}
}

// measureLatency runs cfg.rounds rounds; in each, every run length is waited for by the runner
// and both pollers at once, each client on its own simulator (so that every recorded request
// belongs to it).
func measureLatency(ctx context.Context, cfg config) (*latencyResult, error) {
	runner, err := filepath.Abs(cfg.runner)
	if err != nil {
		return nil, err
	}
	res := &latencyResult{trials: map[time.Duration]map[clientKind][]trial{}}
	for _, d := range runLengths {
		res.trials[d] = map[clientKind][]trial{}
	}
	longest := runLengths[len(runLengths)-1]
	for round := range cfg.rounds {
		logf("detection latency: round %d of %d (about %s)", round+1, cfg.rounds,
			time.Duration(float64(longest+time.Minute)/cfg.scale).Round(time.Second))
		var mu sync.Mutex
		var wg sync.WaitGroup
		var errs []error
		for _, d := range runLengths {
			for _, k := range kinds {
				n, first := 1, checkedPerRound/2 // one runner and one blind poller per round, in the middle stratum
				if k == kindChecked {
					n, first = checkedPerRound, 0
				}
				for i := range n {
					stratum := round*checkedPerRound + first + i
					wg.Go(func() {
						t, out, err := runTrial(ctx, cfg, runner, k, d, stratum, cfg.rounds*checkedPerRound)
						mu.Lock()
						defer mu.Unlock()
						if err != nil {
							errs = append(errs, fmt.Errorf("%s, %s run: %w", k, d, err))
							return
						}
						res.trials[d][k] = append(res.trials[d][k], t)
						switch {
						case k == kindRunner && !t.correct:
							logf("runner on a %s run was not correct (%s); its output:\n%s", d, t.why, out)
						case k == kindRunner && cfg.verbose:
							logf("runner on a %s run: latency %s service time, %d calls (%s); its output:\n%s",
								d, seconds(t.serviceLatency(cfg.scale)), t.calls, t.byPath, out)
						}
					})
				}
			}
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// waiting is the time a run spends waiting for resources (status 9) before it runs: the
// simulator's 10 s plus a share of the poll interval, stratum of strata, so that the run's end
// falls at a different phase of the fixed poller's 5 s grid in every trial (with a fixed 10 s it
// would always fall right on it; on the real service the wait varies).
func waiting(stratum, strata int) time.Duration {
	return 10*time.Second + time.Duration(float64(pollInterval)*(float64(stratum)+0.5)/float64(strata)).Round(time.Millisecond)
}

// runTrial starts a simulator with one task of a single case of length d, its runs waiting
// waiting(stratum, strata), and lets client k wait for a run of it. It returns the trial and,
// for the runner, its output.
func runTrial(ctx context.Context, cfg config, runner string, k clientKind, d time.Duration, stratum, strata int) (trial, string, error) {
	srv := sim.New(sim.Options{Scale: cfg.scale, Seed: int64(stratum) + 1, Waiting: waiting(stratum, strata)})
	base, err := srv.Start("127.0.0.1:0")
	if err != nil {
		return trial{}, "", err
	}
	defer srv.Close()
	// The simulated clock runs Scale times faster than the real one from here on.
	simRef, realRef := srv.SimNow(), time.Now()
	toReal := func(t time.Time) time.Time {
		return realRef.Add(time.Duration(float64(t.Sub(simRef)) / cfg.scale))
	}
	name := fmt.Sprintf("bench-%dm", int(d.Minutes()))
	caseID := srv.AddCase(sim.DemoSuiteID, name, profile(d))
	taskID := srv.AddTask(sim.DemoSuiteID, name, []int{caseID})
	// Generous bound: waiting, stale window, the plan and the collection, with real slack.
	limit := time.Duration(float64(d+5*time.Minute)/cfg.scale) + 30*time.Second
	tctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()

	var t trial
	var output string
	var end time.Time // when the client was done (real)
	var claimedRun, claimedStatus int
	var detected time.Time
	switch k {
	case kindRunner:
		dir, err := os.MkdirTemp("", "codearts-bench-*")
		if err != nil {
			return t, "", err
		}
		defer os.RemoveAll(dir)
		env := []string{
			"PATH=" + os.Getenv("PATH"),
			"HOME=" + dir,
			"CODEARTS_CPTS_ENDPOINT=" + base,
			"CODEARTS_IAM_ENDPOINT=" + base,
			"CODEARTS_PROJECT_ID=" + sim.DemoProjectID,
			"CODEARTS_AK=" + sim.DemoAK,
			"CODEARTS_SK=" + sim.DemoSK,
			// By id, as the pollers are given them (a name costs the runner the listings).
			fmt.Sprintf("CODEARTS_TEST_SUITE=%d", sim.DemoSuiteID),
			fmt.Sprintf("CODEARTS_TASK=%d", taskID),
			"CODEARTS_GATES=p95 <= 5s\nsuccess_rate >= 95%",
			"CODEARTS_TREND=0", // rows 1 measure the wait; the trend's reads are row 5
			fmt.Sprintf("CODEARTS_SIM_SCALE=%g", cfg.scale),
			"CODEARTS_JUNIT_FILE=" + filepath.Join(dir, "junit.xml"),
			"CODEARTS_RESULT_FILE=" + filepath.Join(dir, "result.json"),
		}
		var stdout, stderr bytes.Buffer
		cmd := exec.CommandContext(tctx, runner, "perftest")
		cmd.Env, cmd.Dir, cmd.Stdout, cmd.Stderr = env, dir, &stdout, &stderr
		runErr := cmd.Run()
		end = time.Now()
		output = stdout.String() + stderr.String()
		var r report.Result
		data, err := os.ReadFile(filepath.Join(dir, "result.json"))
		switch {
		case runErr != nil:
			t.why = fmt.Sprintf("runner: %v", runErr)
		case err != nil:
			t.why = fmt.Sprintf("result file: %v", err)
		case json.Unmarshal(data, &r) != nil || r.Run == nil:
			t.why = "result file without a run"
		default:
			claimedRun, claimedStatus = int(r.Run.ID), r.Run.Status
			if r.Result != "passed" {
				t.why = "result " + r.Result
			}
		}
	default:
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		p := &poller{Base: base, ProjectID: sim.DemoProjectID, Domain: sim.DemoDomain, User: sim.DemoUser,
			Password: sim.DemoPassword, SuiteID: sim.DemoSuiteID, TaskID: taskID, Interval: pollInterval,
			Scale: cfg.scale, CheckRunID: k == kindChecked, Timeout: d + 5*time.Minute,
			HTTP: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
		pr, err := p.run(tctx)
		end = time.Now()
		if err != nil {
			t.why = err.Error()
		}
		claimedRun, claimedStatus, detected = pr.RunID, pr.Status, pr.Detected
	}

	// The run the client started, once it has ended (a client that gave up early leaves it
	// running: wait for the simulator to end it).
	var run sim.RunInfo
	for {
		runs := srv.Runs(taskID)
		if len(runs) == 0 {
			return t, output, fmt.Errorf("no run was started (%s)", t.why)
		}
		run = runs[len(runs)-1]
		if !run.EndedAt.IsZero() {
			break
		}
		if tctx.Err() != nil {
			return t, output, fmt.Errorf("run %d did not end (%s)", run.ID, t.why)
		}
		time.Sleep(5 * time.Millisecond)
	}
	ended := toReal(run.EndedAt)
	t.latency = end.Sub(ended).Seconds()
	taskPath := fmt.Sprintf("/v1/%s/tasks/%d", sim.DemoProjectID, taskID)
	kinds := map[string]int{}
	var detect time.Time // arrival of the first status read after the run's end
	for _, rec := range srv.Requests() {
		if rec.Time.After(end) {
			continue
		}
		t.calls++
		if rec.Method == http.MethodGet && strings.TrimRight(rec.Path, "/") == taskPath {
			t.reads++
			if !rec.Time.Before(ended) && (detect.IsZero() || rec.Time.Before(detect)) {
				detect = rec.Time
			}
		}
		kinds[rec.Method+" "+pathPattern(rec.Path)]++
	}
	if !detect.IsZero() {
		t.post = end.Sub(detect).Seconds()
		t.toDetect = detect.Sub(ended).Seconds()
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(kinds)) {
		parts = append(parts, fmt.Sprintf("%d× %s", kinds[k], k))
	}
	t.byPath = strings.Join(parts, ", ")
	switch {
	case t.why != "":
	case claimedRun != run.ID:
		t.why = fmt.Sprintf("reported run %d, started %d", claimedRun, run.ID)
	case claimedStatus != run.Status:
		t.why = fmt.Sprintf("reported status %d, the run ended with %d", claimedStatus, run.Status)
	case !detected.IsZero() && detected.Before(ended):
		t.why = fmt.Sprintf("believed the run over %s (service time) before it ended", seconds(ended.Sub(detected).Seconds()*cfg.scale))
	case end.Before(ended):
		t.why = "ended before the run did"
	default:
		t.correct = true
	}
	return t, output, nil
}

// rows adds the detection rows to the table: per run length the latency and the calls of the
// runner against the run-id-checked poller, and the correctness of the blind poller.
func (l *latencyResult) rows(t *table, cfg config) {
	sc := cfg.scale
	for i, d := range runLengths {
		num := fmt.Sprintf("1%c", 'a'+i)
		label := fmt.Sprintf("%d-min run", int(d.Minutes()))
		run, chk, blind := l.trials[d][kindRunner], l.trials[d][kindChecked], l.trials[d][kindBlind]
		rl, cl := latencies(run, sc), latencies(chk, sc)
		rs, cs := scaledLatencies(run, sc), scaledLatencies(chk, sc)
		parts := func(ts []trial) string {
			return seconds(medianOf(ts, func(t trial) float64 { return t.toDetect * sc })) + " to the detecting read + " +
				millis(medianPost(ts)*1000) + " after it"
		}
		lat := rl.format(seconds) + " (" + parts(run) + "); all scaled: " + rs.format(seconds)
		if c := countCorrect(run); c < len(run) {
			lat += fmt.Sprintf("; %d/%d correct: %s", c, len(run), firstWhy(run))
		}
		base := "checked poller " + cl.format(seconds) + " (" + parts(chk) + "); all scaled: " + cs.format(seconds)
		if c := countCorrect(chk); c < len(chk) {
			base += fmt.Sprintf("; %d/%d correct: %s", c, len(chk), firstWhy(chk))
		}
		okLat := cl.median > 0 && rl.median/cl.median <= 0.2 && countCorrect(run) == len(run)
		t.add(row{num: num, measure: label + ": detection latency (run end → client done)", value: lat, baseline: base,
			ratio: ratio(rl.median, cl.median) + " (all scaled: " + ratio(rs.median, cs.median) + ")", target: "≤ 0.2×", met: mark(okLat)})

		rc, rr := counts(run, false), counts(run, true)
		cc, cr := counts(chk, false), counts(chk, true)
		okCalls := cc.median > 0 && rc.median/cc.median <= 0.5
		t.add(row{num: num, measure: label + ": API calls, all · status reads",
			value: rc.format(intf) + " · " + rr.format(intf), baseline: "checked poller " + cc.format(intf) + " · " + cr.format(intf),
			ratio: ratio(rc.median, cc.median) + " · " + ratio(rr.median, cr.median), target: "≤ 0.5× (all)", met: mark(okCalls)})

		bl, bc := latencies(blind, sc), counts(blind, false)
		good := countCorrect(blind)
		what := fmt.Sprintf("%d/%d correct", good, len(blind))
		if good < len(blind) {
			what += ": " + firstWhy(blind)
		}
		t.add(row{num: num, measure: label + ": blind 5 s poller (trusts run_status), correctness",
			value:    fmt.Sprintf("runner %d/%d correct", countCorrect(run), len(run)),
			baseline: fmt.Sprintf("blind poller %s; latency %s, %s calls", what, bl.format(seconds), bc.format(intf)),
			target:   "the runner correct on every run", met: mark(countCorrect(run) == len(run))})
	}
	t.note("Detection (rows 1): each client waits for a run of a one-case task (ramp-up stage + steady stage) on its own simulator with the default stale window (20 s), "+
		"given the suite and the task by id (the runner then reads the task once instead of listing suites and tasks: 4 calls fewer than by name); "+
		"the run waits for resources (status 9) 10 s plus a share of the 5 s poll interval stratified over the trials (runner: %s; checked poller: spread over 0–5 s), "+
		"so that the run's end falls at every phase of the poller's grid; "+
		"latency = from the simulator's end of the run to the client's end (the runner's process exit; the poller's last report read): the time to the client's first status read after the end, "+
		"on the service's clock (real ×%g), plus the real time from that read to the client's end — the report read, the outputs and the exit take real time on a real service too; "+
		"\"all scaled\" also multiplies that second part ×%g (the strict reading, which charges each local millisecond as %g service milliseconds). "+
		"Calls count every request the simulator recorded from the client (IAM included); status reads are `GET /v1/{project_id}/tasks/{task_id}`. "+
		"The runner and the blind poller run once per round, the checked poller %d times (its median is over %d trials).", offsets(cfg.rounds), sc, sc, sc, checkedPerRound, cfg.rounds*checkedPerRound)
	t.note("The fixed 5 s poller of the brief trusts run_status blindly: right after a start the task still shows the previous run (or, with none, run_status 2), so it \"finishes\" before its run even runs — counted as incorrect, never hidden. " +
		"Its negative latency is no baseline, so the ratios compare with the same 5 s loop that also checks the run id (`related_temp_running_data[].task_run_info_id`), the cheapest correct fixed poller.")
}

// offsets lists the extra waiting times of the runner's trials.
func offsets(rounds int) string {
	var parts []string
	for r := range rounds {
		w := waiting(r*checkedPerRound+checkedPerRound/2, rounds*checkedPerRound)
		parts = append(parts, seconds((w - 10*time.Second).Seconds()))
	}
	return strings.Join(parts, ", ")
}

// pathPattern replaces the ids of a path by {id} and the project id by {project_id}.
func pathPattern(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if s == sim.DemoProjectID {
			segs[i] = "{project_id}"
		} else if _, err := strconv.Atoi(s); err == nil {
			segs[i] = "{id}"
		}
	}
	return strings.Join(segs, "/")
}

// statsBy is the statistics of f over ts.
func statsBy(ts []trial, f func(trial) float64) stats {
	xs := make([]float64, len(ts))
	for i, t := range ts {
		xs[i] = f(t)
	}
	return statsOf(xs)
}

// medianOf is the median of f over ts.
func medianOf(ts []trial, f func(trial) float64) float64 { return statsBy(ts, f).median }

// medianPost is the median time, in real seconds, from the first status read after the run's
// end to the client's end: the collection, writing and exit part of the latency.
func medianPost(ts []trial) float64 {
	return medianOf(ts, func(t trial) float64 { return t.post })
}

// latencies returns the latencies of ts in service seconds (see serviceLatency).
func latencies(ts []trial, scale float64) stats {
	return statsBy(ts, func(t trial) float64 { return t.serviceLatency(scale) })
}

// scaledLatencies returns the end-to-end latencies of ts with every part scaled, the strict
// reading shown next to serviceLatency.
func scaledLatencies(ts []trial, scale float64) stats {
	return statsBy(ts, func(t trial) float64 { return t.latency * scale })
}

// counts returns the calls (or the status reads) of ts.
func counts(ts []trial, reads bool) stats {
	return statsBy(ts, func(t trial) float64 {
		if reads {
			return float64(t.reads)
		}
		return float64(t.calls)
	})
}

func countCorrect(ts []trial) int {
	n := 0
	for _, t := range ts {
		if t.correct {
			n++
		}
	}
	return n
}

func firstWhy(ts []trial) string {
	for _, t := range ts {
		if !t.correct {
			return t.why
		}
	}
	return ""
}

func intf(v float64) string {
	if v == float64(int64(v)) {
		return fmt.Sprint(int64(v))
	}
	return fmt.Sprintf("%.1f", v)
}
