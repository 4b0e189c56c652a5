package ci

import (
	"encoding/json"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/gates"
	"github.com/codearts-runner/codearts-runner/pkg/report"
)

func fp(v float64) *float64 { return &v }

// hostileCase is a case name from the platform that tries to break every format.
const hostileCase = "<script>alert(1)</script> | pay\nnow"

// writerSample is pkg/report's writerSample, built through the exported API (report's
// internal tests cannot import a fixture package that imports report): a failed run with one
// gate of every verdict, two cases (one named to break tables and markup), a baseline and
// curves with null points. TestWriterSampleIsReports keeps the two in step.
func writerSample() *report.Result {
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	r := &report.Result{Schema: report.Schema, Tool: "codearts-runner", Version: "1.2.3", Mode: "perftest", Result: "failed", ExitCode: 1,
		Settings: map[string]string{"junit-file": "out/codearts-junit.xml", "result-file": "out/codearts-result.json", "task": "nightly | smoke"},
		Region:   "cn-north-4",
		Suite:    &report.Ref{ID: 7, Name: "checkout-service"},
		Task:     &report.Ref{ID: 42, Name: "nightly | smoke"},
		Run: &report.Run{ID: 9001, Status: 2, StatusText: "finished", StartedBy: "runner", StartedAt: t0, EndedAt: t0.Add(10 * time.Minute),
			DurationSec: 600},
		Baseline: &report.Baseline{RunID: 8990, Note: "the last passed run of the task"},
		Gates: []report.Gate{
			{Name: "p95 <= 500ms", Text: "p95 <= 500ms", Metric: "p95", Scope: "overall", Severity: "fail", Verdict: "failed",
				Value: fp(812.4), Limit: fp(500), Unit: "ms", Message: "p95 = 812.4 ms, limit <= 500 ms"},
			{Name: "success", Text: "success_rate >= 99%", Metric: "success_rate", Scope: "overall", Severity: "fail", Verdict: "passed",
				Value: fp(99.71), Limit: fp(99), Unit: "%", Message: "success_rate = 99.71%, limit >= 99%"},
			{Name: "avg_rt <= baseline + 20%", Text: "warn: avg_rt <= baseline + 20%", Metric: "avg_rt", Scope: "overall", Severity: "warn",
				Verdict: "warned", Value: fp(230), Limit: fp(216), BaselineValue: fp(180), Unit: "ms",
				Message: "avg_rt = 230 ms, limit <= 216 ms (baseline 180 ms in run 8990 + 20%)\r\nsee | the report"},
			{Name: `case "pay": p99 <= 2s`, Text: `case "pay": p99 <= 2s`, Metric: "p99", Scope: `case "pay"`, Severity: "fail",
				Verdict: "skipped", Limit: fp(2000), Unit: "ms", Message: `case "pay" was not in the run`},
		},
		Counts:  report.Counts{Gates: 4, Passed: 1, Failed: 1, Warned: 1, Skipped: 1},
		Overall: gates.MetricsOf(map[string]float64{"requests": 120000, "tps": 200.5, "avg_rt": 230, "p95": 812.4, "success_rate": 99.71, "error_rate": 0.29}),
		Cases: []report.Case{
			{Name: "login", CaseRunID: 1, Status: 2, StatusText: "finished",
				Metrics:  gates.MetricsOf(map[string]float64{"requests": 80000, "tps": 133.3, "avg_rt": 210, "p95": 700, "p99": 950, "success_rate": 99.8}),
				Requests: []report.Request{{Name: "POST /login", Metrics: gates.MetricsOf(map[string]float64{"requests": 80000, "tps": 133.3, "avg_rt": 210})}}},
			{Name: hostileCase, CaseRunID: 2, Status: 2, StatusText: "finished",
				Metrics: gates.MetricsOf(map[string]float64{"requests": 40000, "tps": 67.2, "avg_rt": 270, "p95": 812.4, "success_rate": 99.5})},
		},
		Generated: t0.Add(11 * time.Minute),
	}
	r.SetCurves([]report.CaseCurves{loginCurves(t0, 121), {Name: hostileCase,
		TPS: []float64{60, 65, math.NaN(), 70, 68}, AvgRT: []float64{250, 260, math.NaN(), 280, 270},
		VUsers: []float64{10, 20, 20, 20, 20}, Errors: []float64{0, 1, math.NaN(), 0, 0}}})
	return r
}

// loginCurves are n samples 5 s apart: a null first point and a gap of two null points.
func loginCurves(t0 time.Time, n int) report.CaseCurves {
	c := report.CaseCurves{Name: "login"}
	for i := range n {
		c.Timestamps = append(c.Timestamps, t0.Add(time.Duration(i)*5*time.Second).Format("2006-01-02 15:04:05"))
		tps := math.Round((130+30*math.Sin(float64(i)/8))*100) / 100
		rt := float64(200 + i%7*3)
		if i == 0 || i == 40 || i == 41 {
			tps, rt = math.NaN(), math.NaN()
		}
		c.TPS = append(c.TPS, tps)
		c.AvgRT = append(c.AvgRT, rt)
		c.VUsers = append(c.VUsers, float64(min(i, 50)))
		e := 0.0
		if i%13 == 0 {
			e = 2
		}
		c.Errors = append(c.Errors, e)
	}
	return c
}

// TestWriterSampleIsReports: the sample renders the Markdown summary of pkg/report's golden
// file, which is rendered from report's own writerSample — so the copy says what the original
// says (gates, cases, baseline, curves).
func TestWriterSampleIsReports(t *testing.T) {
	t.Parallel()
	want, err := os.ReadFile(filepath.Join("..", "report", "testdata", "summary.golden.md"))
	if err != nil {
		t.Fatal(err)
	}
	if got := writerSample().Markdown(); got != string(want) {
		t.Errorf("the sample's summary differs from pkg/report/testdata/summary.golden.md:\n%s", got)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// readJSON decodes a file into a generic map.
func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(readFile(t, path)), &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
