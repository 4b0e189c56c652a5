package gates

import (
	"testing"
)

// curRun is run 18: two cases sharing the request "POST /cart", one more
// case that the baseline run does not have.
func curRun() Run {
	return Run{ID: 18, Cases: []Case{
		{Name: "Checkout", Metrics: MetricsOf(map[string]float64{"requests": 1000, "successes": 990, "errors": 10, "p95": 812, "p99": 990, "success_rate": 99, "error_rate": 1, "tps": 40}), Requests: []Request{
			{Name: "POST /cart", Metrics: MetricsOf(map[string]float64{"requests": 500, "p95": 900})},
			{Name: "GET /item", Metrics: MetricsOf(map[string]float64{"requests": 500, "p95": 300})},
		}},
		{Name: "Login", Metrics: MetricsOf(map[string]float64{"requests": 500, "successes": 500, "errors": 0, "p95": 400, "success_rate": 100, "error_rate": 0, "tps": 20}), Requests: []Request{
			{Name: "POST /cart", Metrics: MetricsOf(map[string]float64{"requests": 250, "p95": 950})},
			{Name: "POST /login", Metrics: MetricsOf(map[string]float64{"requests": 250, "p95": 200})},
		}},
		{Name: "Search", Metrics: MetricsOf(map[string]float64{"requests": 10, "p95": 50})},
	}}
}

// baseRun is run 17, the baseline.
func baseRun() *Run {
	return &Run{ID: 17, Cases: []Case{
		{Name: "Checkout", Metrics: MetricsOf(map[string]float64{"requests": 1000, "p95": 682, "success_rate": 99.8}), Requests: []Request{
			{Name: "POST /cart", Metrics: MetricsOf(map[string]float64{"p95": 700})},
		}},
		{Name: "Login", Metrics: MetricsOf(map[string]float64{"requests": 500, "p95": 380, "success_rate": 100}), Requests: []Request{
			{Name: "POST /cart", Metrics: MetricsOf(map[string]float64{"p95": 720})},
		}},
	}}
}

func mustParse(t *testing.T, s string) Gate {
	t.Helper()
	gs, err := Parse(s)
	if err != nil || len(gs) != 1 {
		t.Fatalf("Parse(%q) = %v, %v", s, gs, err)
	}
	return gs[0]
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		gate     string
		noBase   bool
		required bool
		verdict  Verdict
		msg      string
		value    float64 // when measured
		measured bool
		limit    float64 // when known
		hasLimit bool
		cas      string
	}{
		{gate: "p95 <= 1s", verdict: Pass, msg: "p95 = 812 ms, limit <= 1000 ms", value: 812, measured: true, limit: 1000, hasLimit: true},
		{gate: "p95 <= 750ms", verdict: Fail, msg: "p95 = 812 ms, limit <= 750 ms", value: 812, measured: true, limit: 750, hasLimit: true},
		{gate: "p95 > 812", verdict: Fail, msg: "p95 = 812 ms, limit > 812 ms", value: 812, measured: true, limit: 812, hasLimit: true},
		{gate: "p95 >= 812", verdict: Pass, msg: "p95 = 812 ms, limit >= 812 ms", value: 812, measured: true, limit: 812, hasLimit: true},
		{gate: "p95 < 812", verdict: Fail, msg: "p95 = 812 ms, limit < 812 ms", value: 812, measured: true, limit: 812, hasLimit: true},
		{gate: "errors == 10", verdict: Pass, msg: "errors = 10, limit == 10", value: 10, measured: true, limit: 10, hasLimit: true},
		{gate: "errors != 10", verdict: Fail, msg: "errors = 10, limit != 10", value: 10, measured: true, limit: 10, hasLimit: true},
		{gate: "tps >= 100/s", verdict: Fail, msg: "tps = 60/s, limit >= 100/s", value: 60, measured: true, limit: 100, hasLimit: true},
		// Search reports no success figure: it is left out of the ratio, 1490 / 1500.
		{gate: "success_rate >= 99.5%", verdict: Fail, msg: "success_rate = 99.33%, limit >= 99.5%", value: 1490.0 / 15, measured: true, limit: 99.5, hasLimit: true},
		{gate: "warn: p95 <= 750ms", verdict: Warn, msg: "p95 = 812 ms, limit <= 750 ms", value: 812, measured: true, limit: 750, hasLimit: true},
		{gate: "warn: p95 <= 1s", verdict: Pass, msg: "p95 = 812 ms, limit <= 1000 ms", value: 812, measured: true, limit: 1000, hasLimit: true},

		// Baselines.
		{gate: `case "Checkout": p95 <= baseline + 10%`, verdict: Fail, cas: "Checkout",
			msg:   `case "Checkout": p95 = 812 ms, limit <= 750.2 ms (baseline 682 ms in run 17 + 10%)`,
			value: 812, measured: true, limit: 682 * 1.1, hasLimit: true},
		{gate: `case "Checkout": p95 <= baseline + 20%`, verdict: Pass, cas: "Checkout",
			msg:   `case "Checkout": p95 = 812 ms, limit <= 818.4 ms (baseline 682 ms in run 17 + 20%)`,
			value: 812, measured: true, limit: 682 * 1.2, hasLimit: true},
		{gate: "p95 <= baseline + 20ms", verdict: Fail, msg: "p95 = 812 ms, limit <= 702 ms (baseline 682 ms in run 17 + 20 ms)",
			value: 812, measured: true, limit: 702, hasLimit: true},
		{gate: "p95 <= baseline", verdict: Fail, msg: "p95 = 812 ms, limit <= 682 ms (baseline 682 ms in run 17)",
			value: 812, measured: true, limit: 682, hasLimit: true},
		{gate: "success_rate >= baseline - 0.5pp", verdict: Fail, msg: "success_rate = 99.33%, limit >= 99.37% (baseline 99.87% in run 17 - 0.5 pp)",
			value: 1490.0 / 15, measured: true, limit: (99.8*1000+100*500)/1500 - 0.5, hasLimit: true},
		{gate: "success_rate >= baseline - 1pp", verdict: Pass, msg: "success_rate = 99.33%, limit >= 98.87% (baseline 99.87% in run 17 - 1 pp)",
			value: 1490.0 / 15, measured: true, limit: (99.8*1000+100*500)/1500 - 1, hasLimit: true},
		{gate: "p95 <= baseline + 10%", noBase: true, verdict: Skip, msg: "p95 = 812 ms; skipped: no baseline run", value: 812, measured: true},
		{gate: "p95 <= baseline + 10%", noBase: true, required: true, verdict: Fail, msg: "p95 = 812 ms; no baseline run and a baseline is required", value: 812, measured: true},
		{gate: "warn: p95 <= baseline + 10%", noBase: true, required: true, verdict: Warn, msg: "p95 = 812 ms; no baseline run and a baseline is required", value: 812, measured: true},
		{gate: "p99 <= baseline + 10%", verdict: Skip, msg: "p99 = 990 ms; skipped: baseline run 17 did not report p99", value: 990, measured: true},
		{gate: "p99 <= baseline + 10%", required: true, verdict: Fail, msg: "p99 = 990 ms; baseline run 17 did not report p99 and a baseline is required", value: 990, measured: true},
		{gate: `case "Search": p95 <= baseline`, verdict: Skip, cas: "Search",
			msg:   `case "Search": p95 = 50 ms; skipped: baseline run: case "Search" not found in run 17; cases: "Checkout", "Login"`,
			value: 50, measured: true},
		{gate: `case "Login": tps >= baseline`, verdict: Skip, cas: "Login",
			msg:   `case "Login": tps = 20/s; skipped: baseline run 17 did not report tps for case "Login"`,
			value: 20, measured: true},

		// Scopes.
		{gate: `case "Login": p95 <= 500`, verdict: Pass, cas: "Login", msg: `case "Login": p95 = 400 ms, limit <= 500 ms`, value: 400, measured: true, limit: 500, hasLimit: true},
		{gate: `case "Chekout": p95 <= 500`, verdict: Fail,
			msg: `case "Chekout" not found in run 18 (did you mean "Checkout"?); cases: "Checkout", "Login", "Search"`},
		{gate: `warn: case "Chekout": p95 <= 500`, verdict: Warn,
			msg: `case "Chekout" not found in run 18 (did you mean "Checkout"?); cases: "Checkout", "Login", "Search"`},
		{gate: `case "Login": p99 < 1s`, verdict: Fail, cas: "Login", msg: `case "Login": p99 not reported`},
		{gate: `avg_rt < 1s`, verdict: Fail, msg: `avg_rt not reported by any case of run 18`},
		{gate: `request "POST /cart": p95 <= 920`, verdict: Fail, cas: "Login",
			msg:   `request "POST /cart" in case "Login" (worst of 2): p95 = 950 ms, limit <= 920 ms`,
			value: 950, measured: true, limit: 920, hasLimit: true},
		{gate: `request "POST /cart": p95 >= 920`, verdict: Fail, cas: "Checkout",
			msg:   `request "POST /cart" in case "Checkout" (worst of 2): p95 = 900 ms, limit >= 920 ms`,
			value: 900, measured: true, limit: 920, hasLimit: true},
		{gate: `request "POST /cart": p95 == 950`, verdict: Fail, cas: "Checkout",
			msg:   `request "POST /cart" in case "Checkout" (worst of 2): p95 = 900 ms, limit == 950 ms`,
			value: 900, measured: true, limit: 950, hasLimit: true},
		{gate: `request "POST /cart": p95 <= baseline + 10%`, verdict: Fail, cas: "Login",
			msg:   `request "POST /cart" in case "Login" (worst of 2): p95 = 950 ms, limit <= 792 ms (baseline 720 ms in run 17 + 10%)`,
			value: 950, measured: true, limit: 792, hasLimit: true},
		{gate: `case "Checkout" request "POST /cart": p95 <= 920`, verdict: Pass, cas: "Checkout",
			msg:   `request "POST /cart" in case "Checkout": p95 = 900 ms, limit <= 920 ms`,
			value: 900, measured: true, limit: 920, hasLimit: true},
		{gate: `case "Login" request "GET /item": p95 <= 920`, verdict: Fail,
			msg: `request "GET /item" not found in case "Login"; its requests: "POST /cart", "POST /login"`},
		{gate: `case "Nope" request "GET /item": p95 <= 920`, verdict: Fail,
			msg: `case "Nope" not found in run 18; cases: "Checkout", "Login", "Search"`},
		{gate: `request "POST /logn": p95 <= 920`, verdict: Fail,
			msg: `request "POST /logn" not found in any case of run 18 (did you mean "POST /login"?); requests: "POST /cart", "GET /item", "POST /login"`},
		{gate: `request "GET /item": p99 <= 920`, verdict: Fail, cas: "Checkout", msg: `request "GET /item" in case "Checkout": p99 not reported`},
	}
	for _, tt := range tests {
		name := tt.gate
		if tt.noBase {
			name += " (no baseline)"
		}
		if tt.required {
			name += " (required)"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := mustParse(t, tt.gate)
			base := baseRun()
			if tt.noBase {
				base = nil
			}
			rs := Evaluate([]Gate{g}, curRun(), base, EvalOptions{BaselineRequired: tt.required})
			if len(rs) != 1 {
				t.Fatalf("Evaluate returned %d results, want 1: %+v", len(rs), rs)
			}
			r := rs[0]
			if r.Verdict != tt.verdict || r.Message != tt.msg {
				t.Errorf("got %v %q\nwant %v %q", r.Verdict, r.Message, tt.verdict, tt.msg)
			}
			if r.Measured != tt.measured || (tt.measured && !approx(r.Value, tt.value)) {
				t.Errorf("value = %v (measured %v), want %v (%v)", r.Value, r.Measured, tt.value, tt.measured)
			}
			if r.HasLimit != tt.hasLimit || (tt.hasLimit && !approx(r.Limit, tt.limit)) {
				t.Errorf("limit = %v (known %v), want %v (%v)", r.Limit, r.HasLimit, tt.limit, tt.hasLimit)
			}
			if r.Case != tt.cas {
				t.Errorf("case = %q, want %q", r.Case, tt.cas)
			}
			if r.Gate.Name != g.Name {
				t.Errorf("result gate = %q, want %q", r.Gate.Name, g.Name)
			}
			wantBase := g.Baseline != nil && r.HasLimit
			if (r.BaselineValue != nil) != wantBase || (wantBase && r.BaselineRunID != 17) {
				t.Errorf("baseline value = %v in run %d, want one: %v", r.BaselineValue, r.BaselineRunID, wantBase)
			}
			if r.Unit != mustLookup(t, g.Metric).Unit {
				t.Errorf("unit = %q", r.Unit)
			}
		})
	}
}

func mustLookup(t *testing.T, name string) MetricInfo {
	t.Helper()
	m, ok := Lookup(name)
	if !ok {
		t.Fatalf("no metric %s", name)
	}
	return m
}

func TestEvaluateNoData(t *testing.T) {
	t.Parallel()
	pass := mustParse(t, "errors == 0")
	tests := []struct {
		name   string
		run    Run
		noData bool
		msg    string
	}{
		{"no case", Run{ID: 5}, true, "run 5 produced no requests (the run has no case report): a run without data never passes"},
		{"zero requests", Run{ID: 6, Cases: []Case{{Name: "A", Metrics: MetricsOf(map[string]float64{"requests": 0, "errors": 0})}}}, true,
			"run 6 produced no requests (no case reported a request): a run without data never passes"},
		{"no request figure at all", Run{ID: 7, Cases: []Case{{Name: "A", Metrics: MetricsOf(map[string]float64{"errors": 0})}}}, true,
			"run 7 produced no requests (no case reported a request): a run without data never passes"},
		{"requests from successes + errors", Run{ID: 8, Cases: []Case{{Name: "A", Metrics: MetricsOf(map[string]float64{"errors": 0, "successes": 3})}}}, false, ""},
		{"requests only in request rows", Run{ID: 9, Cases: []Case{{Name: "A", Metrics: MetricsOf(map[string]float64{"errors": 0}), Requests: []Request{{Name: "r", Metrics: MetricsOf(map[string]float64{"requests": 4})}}}}}, false, ""},
		{"one busy case", Run{ID: 10, Cases: []Case{{Name: "A", Metrics: MetricsOf(map[string]float64{"requests": 0, "errors": 0})}, {Name: "B", Metrics: MetricsOf(map[string]float64{"requests": 1, "errors": 0})}}}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := NoData(tt.run); got != tt.noData {
				t.Fatalf("NoData = %v, want %v", got, tt.noData)
			}
			for _, gs := range [][]Gate{nil, {pass}} {
				rs := Evaluate(gs, tt.run, nil, EvalOptions{})
				if Passed(rs) == tt.noData {
					t.Errorf("with %d gates: Passed = %v, want %v (%+v)", len(gs), Passed(rs), !tt.noData, rs)
				}
				if !tt.noData {
					continue
				}
				if len(rs) != len(gs)+1 || rs[0].Gate.Name != NoDataGate.Name || rs[0].Verdict != Fail || rs[0].Message != tt.msg {
					t.Errorf("with %d gates: results %+v, want the no-data failure first: %q", len(gs), rs, tt.msg)
				}
			}
		})
	}
}

func TestPassed(t *testing.T) {
	t.Parallel()
	rs := []Evaluation{{Verdict: Pass}, {Verdict: Warn}, {Verdict: Skip}, {Verdict: Pass}}
	if !Passed(rs) {
		t.Error("warnings and skips must pass")
	}
	rs = append(rs, Evaluation{Verdict: Fail})
	if Passed(rs) {
		t.Error("a failure must not pass")
	}
	if !Passed(nil) {
		t.Error("no results pass (the no-data rule lives in Evaluate)")
	}
}

func TestVerdictText(t *testing.T) {
	t.Parallel()
	for v, want := range map[Verdict]string{Pass: "passed", Fail: "failed", Warn: "warned", Skip: "skipped"} {
		if v.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(v), v.String(), want)
		}
	}
	if Verdict(9).String() != "unknown" {
		t.Error("unknown verdict")
	}
}

func TestFormatShort(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    float64
		want string
	}{
		{0, "0"}, {812, "812"}, {750.2000000000001, "750.2"}, {1.005, "1"}, {99.375, "99.38"},
		{0.5, "0.5"}, {0.012345, "0.0123"}, {0.00001234, "0.00001234"}, {-3.333, "-3.33"}, {2e15, "2000000000000000"},
	}
	for _, tt := range tests {
		if got := formatShort(tt.v); got != tt.want {
			t.Errorf("formatShort(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestEvaluateOrderAndUnknownMetric(t *testing.T) {
	t.Parallel()
	gs := []Gate{mustParse(t, "p95 < 1s"), {Name: "hand-made", Metric: "nope", Op: OpLT}, mustParse(t, "errors < 1")}
	rs := Evaluate(gs, curRun(), nil, EvalOptions{})
	if len(rs) != 3 || rs[0].Gate.Name != "p95 < 1s" || rs[2].Gate.Name != "errors < 1" {
		t.Fatalf("results out of gate order: %+v", rs)
	}
	if rs[1].Verdict != Fail || rs[1].Message != `unknown metric "nope"` {
		t.Errorf("hand-made gate on an unknown metric = %v %q", rs[1].Verdict, rs[1].Message)
	}
}
