package gates

import (
	"fmt"
	"testing"
)

// bigRun builds a run of nCases cases with nReqs requests each.
func bigRun(id int64, nCases, nReqs int, scale float64) Run {
	run := Run{ID: id, Cases: make([]Case, nCases)}
	for i := range run.Cases {
		c := Case{Name: fmt.Sprintf("case %d", i), Metrics: MetricsOf(map[string]float64{
			"requests": 10000, "successes": 9990, "errors": 10, "avg_rt": 100 * scale, "p95": 300 * scale, "p99": 600 * scale,
			"tps": 50, "success_rate": 99.9, "error_rate": 0.1, "max_concurrency": 20, "duration": 600000,
		}), Requests: make([]Request, nReqs)}
		for j := range c.Requests {
			c.Requests[j] = Request{Name: fmt.Sprintf("req %d", j), Metrics: MetricsOf(map[string]float64{
				"requests": 20, "avg_rt": float64(j%50) * scale, "p95": float64(j%70) * scale, "errors": 0,
			})}
		}
		run.Cases[i] = c
	}
	return run
}

// BenchmarkEvaluate evaluates a typical gate set on a 100-case × 500-request
// run against a baseline run of the same shape.
func BenchmarkEvaluate(b *testing.B) {
	gs, err := Parse(`p95 <= 750ms
error_rate < 1%
tps >= 100/s
p95 <= baseline + 10%
case "case 42": p99 <= 1s
case "case 99" request "req 499": avg_rt < 300ms
request "req 250": p95 <= 100ms
request "req 251": p95 <= baseline + 20ms
warn: avg_rt <= baseline + 5%
success_rate >= baseline - 0.5pp`)
	if err != nil {
		b.Fatal(err)
	}
	cur, base := bigRun(18, 100, 500, 1.05), bigRun(17, 100, 500, 1)
	b.ReportAllocs()
	for b.Loop() {
		rs := Evaluate(gs, cur, &base, EvalOptions{})
		if len(rs) != len(gs) {
			b.Fatalf("%d results", len(rs))
		}
	}
}

// BenchmarkParse parses a small gate set.
func BenchmarkParse(b *testing.B) {
	text := `p95 <= 750ms; error_rate < 1%; tps >= 100/s
warn: case "Checkout" request "POST /cart": p99.9 < 1.5s
p95 <= baseline + 10%
p99 < 2s, abort after 60s`
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(text); err != nil {
			b.Fatal(err)
		}
	}
}
