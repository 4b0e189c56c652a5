package outcome

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/internal/bigreport"
	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
	. "github.com/codearts-runner/codearts-runner/pkg/report"
	"github.com/codearts-runner/codearts-runner/pkg/steps"
)

// benchMetrics are the figures of one report row: average response time avg, n requests.
func benchMetrics(name string, avg, n float64) cpts.PerfMetrics {
	num := cpts.NumberOf
	e := float64(int(n) % 5)
	return cpts.PerfMetrics{
		Name: name, StartTime: "2022-09-16T19:18:16+08:00", EndTime: "2022-09-16T19:28:16+08:00",
		AverageRespTime: num(avg), Min: num(avg * 0.3), Max: num(avg * 8),
		TP50: num(avg * 0.9), TP75: num(avg * 1.1), TP90: num(avg * 1.4), TP95: num(avg * 1.7),
		TP99: num(avg * 2.4), TP999: num(avg * 3.5), TP9999: num(avg * 5),
		TPS: num(n / 600), SuccessRate: num((n - e) / n * 100), SuccessCount: num(n - e), ErrorCount: num(e),
		Requests: num(n), FailedOthers: num(e), Sum2xx: num(n - e), Sum5xx: num(e),
		AvgRecBytes: num(10472), AvgSentBytes: num(53), MaxRecBytes: num(555275), MaxSentBytes: num(2809),
		CurrentThreadNum: num(50), VUM: num(500), Transactions: num(n), TranTPS: num(n / 600),
	}
}

// benchSeries is a curve of points values.
func benchSeries(points int, base float64) []cpts.Number {
	s := make([]cpts.Number, points)
	for i := range s {
		s[i] = cpts.NumberOf(base + float64(i%97))
	}
	return s
}

// bigOutcome is the outcome of a finished run of nCases case runs with nReqs requests each and
// curves of points points, its gates evaluated — what pkg/steps hands to Build.
func bigOutcome(tb testing.TB, nCases, nReqs, points int) *steps.Outcome {
	tb.Helper()
	end := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	o := &steps.Outcome{SuiteID: 17543, SuiteName: "demo-shop", TaskID: 52631, TaskName: "big", RunID: 80001,
		Started: true, Status: cpts.StatusFinished, StartedAt: end.Add(-10 * time.Minute), EndedAt: end}
	stamps := make([]cpts.Text, points)
	for i := range stamps {
		stamps[i] = cpts.Text(end.Add(time.Duration(i) * time.Second).Format("2006-01-02 15:04:05"))
	}
	run := gates.Run{ID: o.RunID}
	for i := range nCases {
		name := fmt.Sprintf("case-%03d", i)
		row := cpts.ReportRow{Performance: benchMetrics(name, 120, float64(nReqs)*20000)}
		gc := gates.Case{Name: name, Status: int(cpts.StatusFinished), Metrics: row.Performance.GateMetrics()}
		for j := range nReqs {
			method := "GET"
			if j%2 == 1 {
				method = "POST"
			}
			rq := benchMetrics(fmt.Sprintf("%s /api/v1/resource-%03d", method, j), 40+float64(j%50)*4, 20000+float64(j*7))
			row.Requests = append(row.Requests, rq)
			gc.Requests = append(gc.Requests, gates.Request{Name: rq.Name, Metrics: rq.GateMetrics()})
		}
		rep := &cpts.Report{Details: cpts.Details{Data: []cpts.ReportRow{row}, Total: 1}}
		rep.Brokens.Timestamps = stamps
		rep.Brokens.TPS = cpts.TPSCurves{TPS: benchSeries(points, 400), Average: benchSeries(points, 120)}
		rep.Brokens.VUsers.VUsers = benchSeries(points, 50)
		rep.Brokens.RespCode.Error = benchSeries(points, 0)
		o.Cases = append(o.Cases, steps.CaseResult{Name: name, CaseRunID: int64(93868 + i), Status: cpts.StatusFinished, Report: rep})
		run.Cases = append(run.Cases, gc)
	}
	o.Run = run
	gs, err := gates.Parse(bigreport.Gates)
	if err != nil {
		tb.Fatal(err)
	}
	o.Results = gates.Evaluate(gs, o.Run, nil, gates.EvalOptions{})
	return o
}

// benchMeta is the result's metadata, as pkg/cli fills it.
func benchMeta() Meta {
	return Meta{Version: "bench", Mode: "perftest", Region: "cn-north-4", Result: "passed",
		Settings: map[string]string{"region": "cn-north-4", "test-suite": "demo-shop", "task": "big", "gates": bigreport.Gates},
		Now:      time.Date(2026, 11, 22, 12, 0, 1, 0, time.UTC)}
}

// BenchmarkBigReportPipeline renders a 100-case × 500-request run with 10,000-point curves the
// way `runner perftest` does after the wait: Build, then JUnit, the result file and the summary.
func BenchmarkBigReportPipeline(b *testing.B) {
	o := bigOutcome(b, bigreport.Cases, bigreport.Requests, bigreport.Points)
	dir := b.TempDir()
	junitPath, resultPath := filepath.Join(dir, "junit.xml"), filepath.Join(dir, "result.json")
	b.ReportAllocs()
	for b.Loop() {
		r := Build(o, benchMeta())
		if err := r.WriteJUnit(junitPath); err != nil {
			b.Fatal(err)
		}
		if err := r.WriteJSON(resultPath); err != nil {
			b.Fatal(err)
		}
		r.WriteSummary(io.Discard)
	}
}

// BenchmarkBigReport times each step of the pipeline on the same run, to show where
// BenchmarkBigReportPipeline spends its time.
func BenchmarkBigReport(b *testing.B) {
	o := bigOutcome(b, bigreport.Cases, bigreport.Requests, bigreport.Points)
	dir := b.TempDir()
	r := Build(o, benchMeta())
	b.Run("build", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Build(o, benchMeta())
		}
	})
	b.Run("junit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := r.WriteJUnit(filepath.Join(dir, "junit.xml")); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := r.WriteJSON(filepath.Join(dir, "result.json")); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("summary", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r.WriteSummary(io.Discard)
		}
	})
}

// BenchmarkWriteJSONBig writes the result file of the 100-case × 500-request run: a compact
// document of ~40 MB, streamed to the file case by case.
func BenchmarkWriteJSONBig(b *testing.B) {
	r := Build(bigOutcome(b, bigreport.Cases, bigreport.Requests, 100), benchMeta())
	path := filepath.Join(b.TempDir(), "result.json")
	if err := r.WriteJSON(path); err != nil {
		b.Fatal(err)
	}
	if fi, err := os.Stat(path); err == nil {
		b.SetBytes(fi.Size())
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := r.WriteJSON(path); err != nil {
			b.Fatal(err)
		}
	}
}
