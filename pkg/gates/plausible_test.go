package gates

import (
	"math"
	"strings"
	"testing"
)

func TestCheckPlausible(t *testing.T) {
	t.Parallel()
	good := map[string]float64{"requests": 100, "successes": 99, "errors": 1, "success_rate": 99, "error_rate": 1,
		"min_rt": 10, "avg_rt": 50, "p50": 45, "p75": 60, "p90": 80, "p95": 90, "p99": 120, "max_rt": 130, "tps": 10}
	with := func(changes map[string]float64) map[string]float64 {
		m := map[string]float64{}
		for k, v := range good {
			m[k] = v
		}
		for k, v := range changes {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name    string
		caseM   map[string]float64
		request map[string]float64 // one request "pay" of the case, when set
		want    []string           // substrings of the problems, in order; none = plausible
	}{
		{name: "plausible", caseM: good},
		{name: "rounding within tolerance", caseM: with(map[string]float64{"p99": 130.9, "success_rate": 100.004})},
		{name: "no requests: zeros are not judged", caseM: map[string]float64{"requests": 0, "min_rt": 5, "p50": 0, "max_rt": 0}},
		{name: "negative p95", caseM: with(map[string]float64{"p95": -1000}),
			want: []string{`case "c": p95 = -1000 ms is negative`, `case "c": p90 = 80 ms is above p95 = -1000 ms`}},
		{name: "success rate 250%", caseM: with(map[string]float64{"success_rate": 250}),
			want: []string{`case "c": success_rate = 250% is outside 0–100%`}},
		{name: "negative rate", caseM: with(map[string]float64{"error_rate": -0.5}),
			want: []string{`case "c": error_rate = -0.5% is outside 0–100%`}},
		{name: "successes above requests", caseM: with(map[string]float64{"successes": 101}),
			want: []string{`case "c": successes = 101 is above requests = 100`}},
		{name: "negative count", caseM: with(map[string]float64{"errors": -3}),
			want: []string{`case "c": errors = -3 is negative`}},
		{name: "negative throughput", caseM: with(map[string]float64{"tps": -1}),
			want: []string{`case "c": tps = -1/s is negative`}},
		{name: "infinite time", caseM: with(map[string]float64{"avg_rt": math.Inf(1)}),
			want: []string{`case "c": avg_rt = +Inf ms is not a finite number`}},
		{name: "p50 above p99 beyond rounding", caseM: with(map[string]float64{"p50": 200}),
			want: []string{`case "c": p50 = 200 ms is above p75 = 60 ms`}},
		{name: "order checked across a missing figure", caseM: map[string]float64{"requests": 10, "p50": 500, "p99": 100},
			want: []string{`case "c": p50 = 500 ms is above p99 = 100 ms`}},
		{name: "avg below min", caseM: with(map[string]float64{"avg_rt": 5}),
			want: []string{`case "c": avg_rt = 5 ms is below min_rt = 10 ms`}},
		{name: "avg above max", caseM: with(map[string]float64{"avg_rt": 500}),
			want: []string{`case "c": avg_rt = 500 ms is above max_rt = 130 ms`}},
		{name: "request figure", caseM: good, request: with(map[string]float64{"p99": -1}),
			want: []string{`case "c", request "pay": p99 = -1 ms is negative`}},
		{name: "not reported (NaN) is not judged", caseM: with(map[string]float64{"p95": math.NaN()})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := Case{Name: "c", Metrics: MetricsOf(tt.caseM)}
			if tt.request != nil {
				c.Requests = []Request{{Name: "pay", Metrics: MetricsOf(tt.request)}}
			}
			got := CheckPlausible(Run{ID: 1, Cases: []Case{c}})
			var msgs []string
			for _, p := range got {
				if p.Case != "" { // the overall figures repeat a single case's problems
					msgs = append(msgs, p.Error())
				}
			}
			if len(tt.want) == 0 {
				if len(got) != 0 {
					t.Fatalf("CheckPlausible = %q, want none", msgs)
				}
				return
			}
			if len(msgs) < len(tt.want) {
				t.Fatalf("CheckPlausible = %q, want %q", msgs, tt.want)
			}
			for i, w := range tt.want {
				if msgs[i] != w {
					t.Errorf("problem %d = %q, want %q (all: %q)", i, msgs[i], w, msgs)
				}
			}
		})
	}
}

// The overall figures are checked too: each case is plausible, but a derived figure is not.
func TestCheckPlausibleOverall(t *testing.T) {
	t.Parallel()
	run := Run{Cases: []Case{
		{Name: "a", Metrics: MetricsOf(map[string]float64{"successes": 10})},
		{Name: "b", Metrics: MetricsOf(map[string]float64{"requests": 5})},
	}}
	got := CheckPlausible(run)
	if len(got) != 1 || got[0].Case != "" || got[0].Metric != "successes" {
		t.Fatalf("CheckPlausible = %+v, want one overall problem with successes", got)
	}
	if msg := got[0].Error(); msg != "overall: successes = 10 is above requests = 5" {
		t.Errorf("message %q", msg)
	}
}

func TestPlausibilityError(t *testing.T) {
	t.Parallel()
	if PlausibilityError(nil) != nil {
		t.Fatal("no problem must give a nil error")
	}
	var ps []Implausible
	for range 7 {
		ps = append(ps, Implausible{Case: "c", Metric: "p95", Value: -1, Reason: "is negative"})
	}
	err := PlausibilityError(ps)
	if err == nil || !strings.HasPrefix(err.Error(), "the report has implausible figures: ") || !strings.HasSuffix(err.Error(), "; and 2 more") {
		t.Fatalf("PlausibilityError = %v", err)
	}
}
