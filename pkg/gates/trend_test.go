package gates

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// trendRun is a one-case run with overall p95 p and 1% errors.
func trendRun(id int64, p float64) Run {
	return Run{ID: id, Cases: []Case{{Name: "Checkout", Metrics: MetricsOf(map[string]float64{
		"requests": 1000, "successes": 990, "errors": 10, "p95": p, "avg_rt": p / 2, "tps": 50, "success_rate": 99, "error_rate": 1})}}}
}

func TestTrendGate(t *testing.T) {
	t.Parallel()
	window := func(ps ...float64) *Trend { return &Trend{Window: len(ps), Values: map[string][]float64{"p95": ps}} }
	tests := []struct {
		name     string
		gate     string
		trend    *Trend
		required bool
		verdict  Verdict
		msg      string
		limit    float64
	}{
		{name: "pass", gate: "p95 <= trend median + 15%", trend: window(700, 800, 710), verdict: Pass,
			msg: "p95 = 812 ms, limit <= 816.5 ms (trend median 710 ms of 3 runs + 15%)", limit: 816.5},
		{name: "fail", gate: "p95 <= trend median + 15%", trend: window(600, 650, 700, 690), verdict: Fail,
			msg: "p95 = 812 ms, limit <= 770.5 ms (trend median 670 ms of 4 runs + 15%)", limit: 770.5},
		{name: "absolute delta", gate: "p95 <= trend median + 100ms", trend: window(700, 720, 710), verdict: Fail,
			msg: "p95 = 812 ms, limit <= 810 ms (trend median 710 ms of 3 runs + 100 ms)", limit: 810},
		{name: "too short", gate: "p95 <= trend median + 15%", trend: window(700, 710), verdict: Skip,
			msg: "p95 = 812 ms; skipped: the trend window holds 2 earlier run(s) that passed the other gates; a trend median needs 3"},
		{name: "too short even when a baseline is required", gate: "p95 <= trend median + 15%", trend: window(700), required: true, verdict: Skip,
			msg: "p95 = 812 ms; skipped: the trend window holds 1 earlier run(s) that passed the other gates; a trend median needs 3"},
		{name: "off", gate: "p95 <= trend median", verdict: Skip, msg: "p95 = 812 ms; skipped: no trend was read (trend = 0)"},
		{name: "tps from below", gate: "tps >= trend median - 10%", trend: &Trend{Window: 3, Values: map[string][]float64{"tps": {60, 40, 50}}}, verdict: Pass,
			msg: "tps = 50/s, limit >= 45/s (trend median 50/s of 3 runs - 10%)", limit: 45},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := mustParse(t, tt.gate)
			rs := Evaluate([]Gate{g}, trendRun(30, 812), nil, EvalOptions{Trend: tt.trend, BaselineRequired: tt.required})
			if len(rs) != 1 {
				t.Fatalf("results = %+v", rs)
			}
			r := rs[0]
			if r.Verdict != tt.verdict || r.Message != tt.msg {
				t.Errorf("got %s %q, want %s %q", r.Verdict, r.Message, tt.verdict, tt.msg)
			}
			if tt.limit != 0 && (!r.HasLimit || math.Abs(r.Limit-tt.limit) > 1e-9 || r.BaselineValue == nil) {
				t.Errorf("limit = %v %v (reference %v), want %v", r.Limit, r.HasLimit, r.BaselineValue, tt.limit)
			}
		})
	}
}

func TestTrendGateParse(t *testing.T) {
	t.Parallel()
	ok := map[string]string{
		"p95 <= trend median + 15%":       "p95 <= trend median + 15%",
		"p95<=trend median+15%":           "p95 <= trend median + 15%",
		"avg_rt <= trend median + 0.02s":  "avg_rt <= trend median + 0.02s",
		"error_rate <= trend median":      "error_rate <= trend median",
		"warn: tps >= trend median - 10%": "warn: tps >= trend median - 10%",
	}
	for in, want := range ok {
		g := mustParse(t, in)
		if g.String() != want || g.Baseline == nil || !g.Baseline.Trend {
			t.Errorf("Parse(%q) = %q (%+v), want %q", in, g.String(), g.Baseline, want)
		}
		if again := mustParse(t, g.String()); again.String() != want {
			t.Errorf("String of %q does not parse back: %q", in, again.String())
		}
	}
	bad := map[string]string{
		"p95 <= trend + 15%":                         `expected "median" after trend`,
		"p99 <= trend median + 15%":                  "a trend gate reads p95, avg_rt, tps, error_rate, not p99",
		`case "Checkout": p95 <= trend median + 15%`: "drop the case \"Checkout\" scope",
		"p95 <= trend median + 15%, abort":           "a trend gate cannot abort the run",
		"p95 <= trend median 15%":                    `expected "+" or "-" after trend median`,
		"p95 <= trend median - 150%":                 "trend median - 150% gives a negative limit",
	}
	for in, want := range bad {
		_, err := Parse(in)
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", in, err, want)
		}
	}
}

func TestTrendGateFile(t *testing.T) {
	t.Parallel()
	f, err := Parser{}.ParseFile([]byte("gates:\n  - metric: p95\n    op: <=\n    value: trend median + 15%\n"))
	if err != nil || len(f.Gates) != 1 || f.Gates[0].String() != "p95 <= trend median + 15%" {
		t.Fatalf("ParseFile = %+v, %v", f, err)
	}
	_, err = Parser{}.ParseFile([]byte("gates:\n  - metric: p95\n    op: <=\n    case: Checkout\n    value: trend median + 15%\n"))
	if err == nil || !strings.Contains(err.Error(), "a trend gate reads the overall figures") {
		t.Fatalf("a scoped trend gate in a file: %v", err)
	}
}
