package report

import (
	"fmt"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// fixtureGates are the gates the generated results are judged by.
const fixtureGates = `p95 <= 800ms
error_rate < 1%
case "case-001": p99 <= 1s
request "GET /api/v1/resource-000": avg_rt < 300ms
warn: avg_rt <= 100ms
requests >= 10000`

// fixtureMetrics are the figures of one row: average response time avg, n requests.
func fixtureMetrics(avg, n float64) gates.Metrics {
	var m gates.Metrics
	e := float64(int(n) % 5)
	for name, v := range map[string]float64{"avg_rt": avg, "min_rt": avg * 0.3, "max_rt": avg * 8,
		"p50": avg * 0.9, "p75": avg * 1.1, "p90": avg * 1.4, "p95": avg * 1.7, "p99": avg * 2.4,
		"tps": n / 600, "success_rate": (n - e) / n * 100, "error_rate": e / n * 100,
		"requests": n, "successes": n - e, "errors": e} {
		m.Set(name, v)
	}
	return m
}

// fixtureMeta is the result's metadata, as pkg/cli fills it.
func fixtureMeta() Meta {
	return Meta{Version: "bench", Mode: "perftest", Region: "cn-north-4", Result: "passed",
		Settings: map[string]string{"region": "cn-north-4", "test-suite": "demo-shop", "task": "big", "gates": fixtureGates},
		Now:      time.Date(2026, 11, 22, 12, 0, 1, 0, time.UTC)}
}

// bigResult is the result of a finished run of nCases case runs with nReqs requests each and
// curves of points points, its gates evaluated — the plain model pkg/outcome builds.
func bigResult(tb testing.TB, nCases, nReqs, points int) *Result {
	tb.Helper()
	end := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	r := New(fixtureMeta())
	r.Suite = &Ref{ID: 17543, Name: "demo-shop"}
	r.Task = &Ref{ID: 52631, Name: "big"}
	r.Run = &Run{ID: 80001, Status: 2, StatusText: "finished", StartedBy: "runner",
		StartedAt: end.Add(-10 * time.Minute), EndedAt: end, DurationSec: 600}
	run := gates.Run{ID: r.Run.ID}
	var curves []CaseCurves
	for i := range nCases {
		name := fmt.Sprintf("case-%03d", i)
		gc := gates.Case{Name: name, Status: 2, Metrics: fixtureMetrics(120, float64(nReqs)*20000)}
		for j := range nReqs {
			method := "GET"
			if j%2 == 1 {
				method = "POST"
			}
			gc.Requests = append(gc.Requests, gates.Request{Name: fmt.Sprintf("%s /api/v1/resource-%03d", method, j),
				Metrics: fixtureMetrics(40+float64(j%50)*4, 20000+float64(j*7))})
		}
		run.Cases = append(run.Cases, gc)
		cc := CaseCurves{Name: name}
		for k := range points {
			cc.Timestamps = append(cc.Timestamps, end.Add(time.Duration(k)*time.Second).Format("2006-01-02 15:04:05"))
			cc.TPS = append(cc.TPS, 400+float64(k%97))
			cc.AvgRT = append(cc.AvgRT, 120+float64(k%97))
			cc.VUsers = append(cc.VUsers, 50+float64(k%97))
			cc.Errors = append(cc.Errors, float64(k%97))
		}
		curves = append(curves, cc)
	}
	gs, err := gates.Parse(fixtureGates)
	if err != nil {
		tb.Fatal(err)
	}
	for _, res := range gates.Evaluate(gs, run, nil, gates.EvalOptions{}) {
		r.AddGate(GateOf(res))
	}
	r.Overall = gates.Aggregate(run.Cases)
	for i, c := range run.Cases {
		r.Cases = append(r.Cases, Case{Name: c.Name, CaseRunID: int64(93868 + i), Status: c.Status, StatusText: "finished",
			Metrics: c.Metrics, Requests: c.Requests})
	}
	r.SetCurves(curves)
	return r
}
