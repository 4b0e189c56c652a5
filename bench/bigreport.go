package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/codearts-runner/codearts-runner/internal/bigreport"
	"github.com/codearts-runner/codearts-runner/internal/sim"
	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
	"github.com/codearts-runner/codearts-runner/pkg/outcome"
	"github.com/codearts-runner/codearts-runner/pkg/redact"
	"github.com/codearts-runner/codearts-runner/pkg/report"
	"github.com/codearts-runner/codearts-runner/pkg/steps"
)

// runnerPoints is the number of curve points the runner asks ShowReport for
// (brokens_limit_count; pkg/steps/collect.go uses 100 unless CurvePoints is set).
const runnerPoints = 100

// bigVariant is one measured shape of the big report.
type bigVariant struct {
	points    int       // curve points per series
	size      int64     // bytes of one case report
	wall, rss []float64 // seconds and bytes per child run
	cpu       []float64 // user + system seconds per child run
	load      string    // the load average (/proc/loadavg) before the first run
	summary   string    // the child's account of the last run
}

// bigResult is what the parent measured: the 100 points the runner requests (the target), and
// the 10,000-point curves of a service that ignores brokens_limit_count (information only).
type bigResult struct {
	full, asRequested *bigVariant
}

// Targets of the big report with the curves the runner requests.
const (
	bigWallTarget = 1.0   // seconds
	bigRSSTarget  = 100e6 // bytes
)

// measureBigReport generates each report once and runs the child cfg.bigRuns times on it.
func measureBigReport(ctx context.Context, cfg config) (*bigResult, error) {
	dir, err := os.MkdirTemp("", "codearts-bench-big-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	template := filepath.Join(root, "pkg/api/cpts/testdata/show_report.json")
	res := &bigResult{full: &bigVariant{points: bigreport.Points}, asRequested: &bigVariant{points: runnerPoints}}
	for _, v := range []*bigVariant{res.full, res.asRequested} {
		path := filepath.Join(dir, fmt.Sprintf("show_report_%d.json", v.points))
		if v.size, err = generateReport(template, path, v.points); err != nil {
			return nil, fmt.Errorf("generate: %w", err)
		}
		logf("big report: %d cases × %d requests, %s-point curves; one case report is %s; %d child runs",
			bigreport.Cases, bigreport.Requests, thousands(v.points), megabytes(float64(v.size)), cfg.bigRuns)
		if la, err := os.ReadFile("/proc/loadavg"); err == nil {
			v.load = strings.Join(strings.Fields(string(la))[:3], " ")
		}
		for i := range cfg.bigRuns {
			out := filepath.Join(dir, fmt.Sprintf("out-%d-%d", v.points, i))
			var stdout, stderr bytes.Buffer
			cmd := exec.CommandContext(ctx, exe, "-child", "bigreport", "-report", path, "-dir", out)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			begin := time.Now()
			err := cmd.Run()
			wall := time.Since(begin)
			if err != nil {
				return nil, fmt.Errorf("child: %v\n%s", err, stderr.String())
			}
			ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
			if !ok {
				return nil, errors.New("no rusage for the child")
			}
			v.wall = append(v.wall, wall.Seconds())
			v.rss = append(v.rss, float64(ru.Maxrss)*1024) // KiB on Linux
			v.cpu = append(v.cpu, time.Duration(ru.Utime.Nano()+ru.Stime.Nano()).Seconds())
			v.summary = strings.TrimSpace(stdout.String())
		}
	}
	return res, nil
}

// rows adds the big-report rows: the targets apply to the 100 points the runner requests; the
// 10,000-point variant is shown for information.
func (b *bigResult) rows(t *table) {
	sec := func(v float64) string { return fmt.Sprintf("%.2f s", v) }
	for _, v := range []*bigVariant{b.asRequested, b.full} {
		w, r := statsOf(v.wall), statsOf(v.rss)
		shape := fmt.Sprintf("%d cases × %d requests, %s-point curves", bigreport.Cases, bigreport.Requests, thousands(v.points))
		num, targetT, targetR := "2", fmt.Sprintf("≤ %.1f s", bigWallTarget), fmt.Sprintf("≤ %.0f MB", bigRSSTarget/1e6)
		metT, metR := mark(w.median <= bigWallTarget), mark(r.median <= bigRSSTarget)
		if v == b.asRequested {
			shape += " (what the runner requests)"
		} else {
			num, shape, targetT, targetR, metT, metR = "2′", shape+", for information", "—", "—", "—", "—"
		}
		t.add(row{num: num, measure: "big report (" + shape + "): decode + gates + JUnit + summary + result JSON, wall time",
			value: w.format(sec), target: targetT, met: metT})
		t.add(row{num: num, measure: "big report (" + shape + "): peak RSS", value: r.format(megabytes), target: targetR, met: metR})
	}
	t.note("Big report (rows 2): a child process (`bench -child bigreport`) reads a generated ShowReport answer in the shape of "+
		"pkg/api/cpts/testdata/show_report.json (%d request rows; %s with %s-point curves, %s with %d) and reads it once per case (%d cases) over loopback HTTP "+
		"with the runner's own reader (steps.PerfTest.Reports: pkg/api/cpts client, encoding/json, %d reports at a time, each digested as it arrives, curves bucketed to the %d points the runner asks for), "+
		"converts with steps.ToRun, evaluates 10 gates, builds report.Result and writes JUnit, the result JSON and the summary; "+
		"wall time from the parent (process start to exit), peak RSS = rusage Maxrss; median [min–max] of %d. "+
		"The wall time depends on what else the machine runs: the child's CPU time (user + system, median [min–max]) was %s with %d points and %s with %s, "+
		"the load average before the runs %s and %s. "+
		"Child, %s points: %s. Child, %d points: %s.",
		bigreport.Requests, megabytes(float64(b.full.size)), thousands(b.full.points), megabytes(float64(b.asRequested.size)), b.asRequested.points, bigreport.Cases, steps.DefaultReportConcurrency, runnerPoints, len(b.full.wall),
		statsOf(b.asRequested.cpu).format(sec), b.asRequested.points, statsOf(b.full.cpu).format(sec), thousands(b.full.points), b.asRequested.load, b.full.load,
		thousands(b.full.points), b.full.summary, b.asRequested.points, b.asRequested.summary)
}

// moduleRoot finds the directory of go.mod from the working directory up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("go.mod not found: run the bench from the repository")
		}
		dir = up
	}
}

// generateReport writes one case report (a ShowReport answer) with bigreport.Requests request rows and
// curves of points points per series, built on the rows of the documented example at template.
func generateReport(template, path string, points int) (int64, error) {
	data, err := os.ReadFile(template)
	if err != nil {
		return 0, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return 0, fmt.Errorf("%s: %w", template, err)
	}
	result, err1 := object(doc, "result")
	details, err2 := object(result, "details")
	rows, _ := details["data"].([]any)
	if err := errors.Join(err1, err2); err != nil || len(rows) == 0 {
		return 0, fmt.Errorf("%s: unexpected shape (%v)", template, err)
	}
	row0, _ := rows[0].(map[string]any)
	perfTpl, err1 := object(row0, "performance")
	reqs, _ := row0["detailDatas"].([]any)
	if err1 != nil || len(reqs) == 0 {
		return 0, fmt.Errorf("%s: no performance row or detailDatas", template)
	}
	reqTpl, _ := reqs[0].(map[string]any)
	if reqTpl == nil {
		return 0, fmt.Errorf("%s: detailDatas[0] is not an object", template)
	}

	start := time.Date(2022, 9, 16, 19, 18, 16, 0, time.FixedZone("CST", 8*3600))
	plan := time.Duration(bigreport.Points) * 5 * time.Second // the run's length; curves are sampled over it
	details2 := make([]any, bigreport.Requests)
	var total, errs, weighted float64
	for j := range bigreport.Requests {
		method := "GET"
		if j%2 == 1 {
			method = "POST"
		}
		avg := 40 + float64(j%50)*4
		n := 20000 + float64(j*7)
		e := float64(j % 5)
		total, errs, weighted = total+n, errs+e, weighted+avg*n
		r := figures(reqTpl, avg, n, e, plan)
		r["name"] = fmt.Sprintf("%s /api/v1/resource-%03d", method, j)
		r["id"] = fmt.Sprint(2391656 + j)
		r["detailId"] = fmt.Sprint(6969830689306988545 + j)
		r["isAW"] = true
		r["startTime"], r["endTime"] = start.Format(time.RFC3339), start.Add(plan).Format(time.RFC3339)
		details2[j] = r
	}
	perf := figures(perfTpl, weighted/total, total, errs, plan)
	perf["name"] = "case"
	perf["startTime"], perf["endTime"] = start.Format(time.RFC3339), start.Add(plan).Format(time.RFC3339)
	row0["performance"], row0["detailDatas"] = perf, details2
	details["data"] = []any{row0}
	details["pageSize"], details["total"] = bigreport.Requests, 1
	result["brokens"] = curves(start, plan, points)
	doc["code"], doc["message"], doc["extend"] = "SVCSTG.CPTS.0000000", "success", nil
	out, err := json.Marshal(doc)
	if err != nil {
		return 0, err
	}
	return int64(len(out)), os.WriteFile(path, out, 0o644)
}

// object returns m[key] as an object.
func object(m map[string]any, key string) (map[string]any, error) {
	o, ok := m[key].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%q is not an object", key)
	}
	return o, nil
}

// figures copies a report row of the template with the figures of a request (or case) of
// average response time avg, n requests and e errors over plan.
func figures(tpl map[string]any, avg, n, e float64, plan time.Duration) map[string]any {
	r := make(map[string]any, len(tpl))
	for k, v := range tpl {
		r[k] = v
	}
	r2 := func(v float64) float64 { return math.Round(v*100) / 100 }
	r["averageRespTime"], r["avgTranRespTime"] = r2(avg), r2(avg)
	r["min"], r["max"], r["maxRespTime"], r["maxTranRespTime"] = r2(avg*0.3), r2(avg*8), r2(avg*8), r2(avg*8)
	for k, f := range map[string]float64{"tp50": 0.9, "tp75": 1.1, "tp90": 1.4, "tp95": 1.7, "tp99": 2.4, "tp999": 3.5, "tp9999": 5} {
		r[k] = r2(avg * f)
	}
	r["requests"], r["successCount"], r["errorCount"], r["failedOthers"] = n, n-e, e, e
	r["sum2xx"], r["sum5xx"] = n-e, e
	r["successRate"] = math.Trunc((n-e)/n*10000) / 100
	r["tps"], r["tranTPS"] = r2(n/plan.Seconds()), r2(n/plan.Seconds())
	r["transactions"], r["transactionSuccess"] = n, n-e
	r["currentThreadNum"], r["vum"] = 50, r2(50*plan.Minutes())
	return r
}

// curves builds `brokens` with points samples per series spread evenly over plan.
func curves(start time.Time, plan time.Duration, points int) map[string]any {
	ts := make([]string, points)
	series := func(f func(i int) float64) []float64 {
		s := make([]float64, points)
		for i := range s {
			s[i] = math.Round(f(i)*100) / 100
		}
		return s
	}
	for i := range ts {
		ts[i] = start.Add(plan * time.Duration(i) / time.Duration(points)).Format("2006-01-02 15:04:05")
	}
	wave := func(i int) float64 { return math.Sin(float64(i) / 47) }
	zero := func(int) float64 { return 0 }
	return map[string]any{
		"commonTimestamps": ts,
		"tps_brokens": map[string]any{
			"tps":     series(func(i int) float64 { return 412.37 + 40*wave(i) }),
			"average": series(func(i int) float64 { return 121.5 + 15*wave(i+11) }),
		},
		"vusers_brokens": map[string]any{"vusers": series(func(i int) float64 { return float64(min(50, 1+i/4)) })},
		"respcode_brokens": map[string]any{
			"success":          series(func(i int) float64 { return math.Round(2061 + 200*wave(i)) }),
			"error":            series(func(i int) float64 { return float64(i % 3) }),
			"checkPointFailed": series(zero),
			"othersFailed":     series(func(i int) float64 { return float64(i % 3) }),
			"parsedFailed":     series(zero),
			"refusedFailed":    series(zero),
			"timeout":          series(zero),
		},
		"brand_brokens": map[string]any{
			"recBytes":  series(func(i int) float64 { return math.Round(21583872 + 1e6*wave(i)) }),
			"sentBytes": series(func(i int) float64 { return math.Round(109236 + 5e3*wave(i)) }),
		},
	}
}

// runChild runs a child: bigreport measures the pipeline on the report at reportPath;
// genreport only writes that report (to profile the pipeline by hand: -cpuprofile, -memprofile).
func runChild(kind, reportPath, dir string, cases, points int) error {
	switch {
	case reportPath == "":
		return errors.New("-report is required")
	case kind == "genreport":
		root, err := moduleRoot()
		if err != nil {
			return err
		}
		_, err = generateReport(filepath.Join(root, "pkg/api/cpts/testdata/show_report.json"), reportPath, points)
		return err
	case kind != "bigreport":
		return fmt.Errorf("unknown child %q (bigreport, genreport)", kind)
	case dir == "":
		return errors.New("-dir is required")
	}
	return bigReport(reportPath, dir, cases)
}

// bigReport is the runner's path after the wait, on the big report: the reports of every case
// run are read over HTTP from a local server that answers with the generated report, through
// the runner's own client and reader (pkg/api/cpts decoding, steps.PerfTest.Reports with its
// concurrency, digesting and curve bucketing); then the gates, the result, JUnit, the result
// file and the summary (as pkg/cli does).
func bigReport(reportPath, dir string, cases int) error {
	ph := &phases{last: time.Now()}
	data, err := os.ReadFile(reportPath)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(data)
	})}
	go srv.Serve(ln)
	defer srv.Close()
	ac, err := api.New(api.Config{Endpoint: "http://" + ln.Addr().String()})
	if err != nil {
		return err
	}
	begin := time.Now().Add(-time.Duration(bigreport.Points) * 5 * time.Second)
	o := &steps.Outcome{SuiteID: sim.DemoSuiteID, SuiteName: sim.DemoSuiteName, TaskID: sim.DemoTaskID, TaskName: "big",
		RunID: 80001, Started: true, Status: cpts.StatusFinished, StartedAt: begin, EndedAt: time.Now()}
	refs := make([]steps.CaseRun, cases)
	for i := range refs {
		refs[i] = steps.CaseRun{ID: int64(93868 + i), Name: fmt.Sprintf("case-%03d", i), Status: cpts.StatusFinished}
	}
	p := &steps.PerfTest{CPTS: cpts.New(ac, sim.DemoProjectID)}
	if o.Cases, err = p.Reports(context.Background(), o.RunID, refs, runnerPoints); err != nil {
		return fmt.Errorf("read the reports: %w", err)
	}
	data = nil
	ph.mark("read+decode")
	o.Run = steps.ToRun(o.RunID, o.Cases)
	ph.mark("convert")
	gs, err := gates.Parse(bigreport.Gates)
	if err != nil {
		return err
	}
	o.Results = gates.Evaluate(gs, o.Run, nil, gates.EvalOptions{})
	ph.mark("gates")
	code, verdict := 0, "passed"
	if !gates.Passed(o.Results) {
		code, verdict = 1, "failed"
	}
	settings := map[string]string{"region": "cn-north-4", "test-suite": sim.DemoSuiteName, "task": "big", "gates": bigreport.Gates}
	r := outcome.Build(o, report.Meta{Version: "bench", Mode: "perftest", Region: "cn-north-4", Settings: settings,
		ExitCode: code, Result: verdict, Now: time.Now()})
	red := redact.New(sim.DemoSK, sim.DemoPassword) // as the runner: every writer masks them
	r.Redact(red)
	ph.mark("build")
	if err := r.WriteJUnit(filepath.Join(dir, "junit.xml")); err != nil {
		return err
	}
	ph.mark("junit")
	if err := r.WriteJSON(filepath.Join(dir, "result.json")); err != nil {
		return err
	}
	ph.mark("json")
	var sum bytes.Buffer
	r.WriteSummary(&sum)
	f, err := os.Create(filepath.Join(dir, "summary.txt"))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	w.WriteString(red.String(sum.String()))
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		return err
	}
	ph.mark("summary")
	reqs, points := 0, 0
	for _, c := range o.Run.Cases {
		reqs += len(c.Requests)
	}
	if cs := r.Curves(); len(cs) > 0 {
		points = len(cs[0].TPS)
	}
	fmt.Printf("%d cases, %d request rows, %d gates (%d passed, %d failed, %d warned), %d curve points per series; %s\n",
		len(o.Run.Cases), reqs, r.Counts.Gates, r.Counts.Passed, r.Counts.Failed, r.Counts.Warned, points, ph)
	return nil
}

// phases times the steps of the child and samples the live heap after each.
type phases struct {
	last  time.Time
	parts []string
}

// mark ends the phase called name.
func (p *phases) mark(name string) {
	now := time.Now()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	p.parts = append(p.parts, fmt.Sprintf("%s %s (heap %s)", name, millis(float64(now.Sub(p.last).Microseconds())/1000), megabytes(float64(ms.HeapAlloc))))
	p.last = time.Now()
}

func (p *phases) String() string { return strings.Join(p.parts, ", ") }
