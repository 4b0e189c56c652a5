package gates

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseEveryMetric(t *testing.T) {
	t.Parallel()
	for _, m := range Catalog() {
		t.Run(m.Name, func(t *testing.T) {
			t.Parallel()
			g := mustParse(t, m.Name+" <= 7")
			if g.Metric != m.Name || g.Op != OpLE || g.Value != 7 || g.Unit != m.Unit {
				t.Fatalf("got %+v, want metric %s <= 7 in %q", g, m.Name, m.Unit)
			}
			if want := m.Name + " <= 7" + m.Unit; g.String() != want {
				t.Fatalf("String() = %q, want %q", g.String(), want)
			}
		})
	}
}

func TestParseValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		metric string
		op     Op
		value  float64 // canonical
		unit   string
		str    string // normalised
	}{
		{"p95 <= 750", "p95", OpLE, 750, "ms", "p95 <= 750ms"},
		{"p95 <= 750ms", "p95", OpLE, 750, "ms", "p95 <= 750ms"},
		{"p95<=750ms", "p95", OpLE, 750, "ms", "p95 <= 750ms"},
		{"p95 <= 750 ms", "p95", OpLE, 750, "ms", "p95 <= 750ms"},
		{"p95 <= 750MS", "p95", OpLE, 750, "ms", "p95 <= 750ms"},
		{"p99 < 1s", "p99", OpLT, 1000, "s", "p99 < 1s"},
		{"p99 < 1.5s", "p99", OpLT, 1500, "s", "p99 < 1.5s"},
		{"p99 < .5s", "p99", OpLT, 500, "s", "p99 < 0.5s"},
		{"p99 < 1.s", "p99", OpLT, 1000, "s", "p99 < 1s"},
		{"p99 < 0.1s", "p99", OpLT, 100, "s", "p99 < 0.1s"},
		{"duration >= 10m", "duration", OpGE, 600000, "m", "duration >= 10m"},
		{"duration >= 10min", "duration", OpGE, 600000, "m", "duration >= 10m"},
		{"duration >= 2h", "duration", OpGE, 7200000, "h", "duration >= 2h"},
		{"p99.9 > 3", "p99.9", OpGT, 3, "ms", "p99.9 > 3ms"},
		{"p99.99 >= 3", "p99.99", OpGE, 3, "ms", "p99.99 >= 3ms"},
		{"error_rate < 1%", "error_rate", OpLT, 1, "%", "error_rate < 1%"},
		{"error_rate < 0.5", "error_rate", OpLT, 0.5, "%", "error_rate < 0.5%"},
		{"success_rate == 100%", "success_rate", OpEQ, 100, "%", "success_rate == 100%"},
		{"tps >= 100/s", "tps", OpGE, 100, "/s", "tps >= 100/s"},
		{"tps >= 100 /s", "tps", OpGE, 100, "/s", "tps >= 100/s"},
		{"tps >= 100", "tps", OpGE, 100, "/s", "tps >= 100/s"},
		{"transaction_tps > 5/S", "transaction_tps", OpGT, 5, "/s", "transaction_tps > 5/s"},
		{"max_recv_bytes < 512B", "max_recv_bytes", OpLT, 512, "B", "max_recv_bytes < 512B"},
		{"max_recv_bytes < 2KB", "max_recv_bytes", OpLT, 2048, "KB", "max_recv_bytes < 2KB"},
		{"avg_sent_bytes < 1.5kb", "avg_sent_bytes", OpLT, 1536, "KB", "avg_sent_bytes < 1.5KB"},
		{"avg_recv_bytes < 1MB", "avg_recv_bytes", OpLT, 1 << 20, "MB", "avg_recv_bytes < 1MB"},
		{"avg_recv_bytes < 1GB", "avg_recv_bytes", OpLT, 1 << 30, "GB", "avg_recv_bytes < 1GB"},
		{"errors == 0", "errors", OpEQ, 0, "", "errors == 0"},
		{"http_5xx != 3", "http_5xx", OpNE, 3, "", "http_5xx != 3"},
		{"requests >= 1000", "requests", OpGE, 1000, "", "requests >= 1000"},
		{"  p95 <= 750ms  ", "p95", OpLE, 750, "ms", "p95 <= 750ms"},
		{"\tp95\t<=\t750ms\r", "p95", OpLE, 750, "ms", "p95 <= 750ms"},
		{"fail: p95 <= 750ms", "p95", OpLE, 750, "ms", "p95 <= 750ms"},
		{"p95 < 0.3s", "p95", OpLT, 300, "s", "p95 < 0.3s"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			g := mustParse(t, tt.in)
			if g.Metric != tt.metric || g.Op != tt.op || g.Value != tt.value || g.Unit != tt.unit || g.Baseline != nil {
				t.Errorf("Parse(%q) = %s %s %v %q (baseline %v), want %s %s %v %q", tt.in, g.Metric, g.Op, g.Value, g.Unit, g.Baseline, tt.metric, tt.op, tt.value, tt.unit)
			}
			if g.String() != tt.str || g.Name != tt.str {
				t.Errorf("String() = %q, Name = %q, want %q", g.String(), g.Name, tt.str)
			}
			if g.Text != strings.TrimSpace(tt.in) {
				t.Errorf("Text = %q, want the input %q", g.Text, strings.TrimSpace(tt.in))
			}
			checkRoundTrip(t, g)
		})
	}
}

func TestParseScopesSeverityAbort(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		scope Scope
		sev   Severity
		abort bool
		after time.Duration
		str   string
	}{
		{`p95 < 1s`, Scope{}, SeverityFail, false, 0, `p95 < 1s`},
		{`case "Checkout": p95 < 1s`, Scope{Kind: ScopeCase, Case: "Checkout"}, SeverityFail, false, 0, `case "Checkout": p95 < 1s`},
		{`case"Checkout":p95<1s`, Scope{Kind: ScopeCase, Case: "Checkout"}, SeverityFail, false, 0, `case "Checkout": p95 < 1s`},
		{`request "POST /cart": p95 < 1s`, Scope{Kind: ScopeRequest, Request: "POST /cart"}, SeverityFail, false, 0, `request "POST /cart": p95 < 1s`},
		{`case "C" request "R": p95 < 1s`, Scope{Kind: ScopeRequest, Case: "C", Request: "R"}, SeverityFail, false, 0, `case "C" request "R": p95 < 1s`},
		{`case "结账 #1; \"x\"": p95 < 1s`, Scope{Kind: ScopeCase, Case: `结账 #1; "x"`}, SeverityFail, false, 0, `case "结账 #1; \"x\"": p95 < 1s`},
		{`case "tab\there": p95 < 1s`, Scope{Kind: ScopeCase, Case: "tab\there"}, SeverityFail, false, 0, `case "tab\there": p95 < 1s`},
		{`warn: p95 < 1s`, Scope{}, SeverityWarn, false, 0, `warn: p95 < 1s`},
		{`warn: case "C": p95 < 1s`, Scope{Kind: ScopeCase, Case: "C"}, SeverityWarn, false, 0, `warn: case "C": p95 < 1s`},
		{`p95 < 1s, abort`, Scope{}, SeverityFail, true, 0, `p95 < 1s, abort`},
		{`p95 < 1s , abort after 60s`, Scope{}, SeverityFail, true, time.Minute, `p95 < 1s, abort after 1m`},
		{`p95 < 1s, abort after 90s`, Scope{}, SeverityFail, true, 90 * time.Second, `p95 < 1s, abort after 90s`},
		{`p95 < 1s, abort after 1.5m`, Scope{}, SeverityFail, true, 90 * time.Second, `p95 < 1s, abort after 90s`},
		{`p95 < 1s, abort after 1m30s`, Scope{}, SeverityFail, true, 90 * time.Second, `p95 < 1s, abort after 90s`},
		{`p95 < 1s, abort after 2h`, Scope{}, SeverityFail, true, 2 * time.Hour, `p95 < 1s, abort after 2h`},
		{`p95 < 1s, abort after 1500ms`, Scope{}, SeverityFail, true, 1500 * time.Millisecond, `p95 < 1s, abort after 1500ms`},
		{`p95 < 1s, abort after 0.4ms`, Scope{}, SeverityFail, true, 0, `p95 < 1s, abort`},
		{`p95 < 1s, abort after 5 min`, Scope{}, SeverityFail, true, 5 * time.Minute, `p95 < 1s, abort after 5m`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			g := mustParse(t, tt.in)
			if g.Scope != tt.scope || g.Severity != tt.sev || g.Abort != tt.abort || g.AbortAfter != tt.after {
				t.Errorf("Parse(%q) = scope %+v severity %v abort %v after %v, want %+v %v %v %v", tt.in, g.Scope, g.Severity, g.Abort, g.AbortAfter, tt.scope, tt.sev, tt.abort, tt.after)
			}
			if g.String() != tt.str {
				t.Errorf("String() = %q, want %q", g.String(), tt.str)
			}
			checkRoundTrip(t, g)
		})
	}
}

func TestParseBaseline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Baseline
		str  string
	}{
		{"p95 <= baseline", Baseline{}, "p95 <= baseline"},
		{"p95 <= baseline + 10%", Baseline{Relative: true, Delta: 10, Unit: "%"}, "p95 <= baseline + 10%"},
		{"p95 <= baseline+10%", Baseline{Relative: true, Delta: 10, Unit: "%"}, "p95 <= baseline + 10%"},
		{"tps >= baseline - 5%", Baseline{Relative: true, Delta: -5, Unit: "%"}, "tps >= baseline - 5%"},
		{"tps >= baseline - 100%", Baseline{Relative: true, Delta: -100, Unit: "%"}, "tps >= baseline - 100%"},
		{"p95 <= baseline + 20ms", Baseline{Delta: 20, Unit: "ms"}, "p95 <= baseline + 20ms"},
		{"p95 <= baseline + 20", Baseline{Delta: 20, Unit: "ms"}, "p95 <= baseline + 20ms"},
		{"p95 <= baseline + 1s", Baseline{Delta: 1000, Unit: "s"}, "p95 <= baseline + 1s"},
		{"p95 <= baseline - 0s", Baseline{}, "p95 <= baseline"},
		{"p95 <= baseline + 0%", Baseline{Relative: true, Delta: 0, Unit: "%"}, "p95 <= baseline + 0%"},
		{"success_rate >= baseline - 0.5pp", Baseline{Delta: -0.5, Unit: "pp"}, "success_rate >= baseline - 0.5pp"},
		{"success_rate >= baseline - 0.5", Baseline{Delta: -0.5, Unit: "pp"}, "success_rate >= baseline - 0.5pp"},
		{"success_rate >= baseline - 1%", Baseline{Relative: true, Delta: -1, Unit: "%"}, "success_rate >= baseline - 1%"},
		{"errors <= baseline + 3", Baseline{Delta: 3}, "errors <= baseline + 3"},
		{"tps >= baseline - 10/s", Baseline{Delta: -10, Unit: "/s"}, "tps >= baseline - 10/s"},
		{"avg_recv_bytes <= baseline + 1KB", Baseline{Delta: 1024, Unit: "KB"}, "avg_recv_bytes <= baseline + 1KB"},
		{"warn: case \"C\": p95 <= baseline + 10%", Baseline{Relative: true, Delta: 10, Unit: "%"}, "warn: case \"C\": p95 <= baseline + 10%"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			g := mustParse(t, tt.in)
			if g.Baseline == nil || *g.Baseline != tt.want {
				t.Fatalf("Parse(%q).Baseline = %+v, want %+v", tt.in, g.Baseline, tt.want)
			}
			if g.String() != tt.str {
				t.Errorf("String() = %q, want %q", g.String(), tt.str)
			}
			checkRoundTrip(t, g)
		})
	}
}

func TestBaselineLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		b    Baseline
		base float64
		want float64
	}{
		{Baseline{}, 682, 682},
		{Baseline{Relative: true, Delta: 10}, 600, 660},
		{Baseline{Relative: true, Delta: -5}, 200, 190},
		{Baseline{Delta: 20}, 682, 702},
		{Baseline{Delta: -0.5}, 99.9, 99.4},
	}
	for _, tt := range tests {
		if got := tt.b.Limit(tt.base); got < tt.want-1e-9 || got > tt.want+1e-9 {
			t.Errorf("%+v.Limit(%v) = %v, want %v", tt.b, tt.base, got, tt.want)
		}
	}
}

func TestParseMany(t *testing.T) {
	t.Parallel()
	in := `# latency
p95 <= 750ms; p99 <= 1s   # both
   
warn: error_rate < 1%
;;
case "Checkout": tps >= 10`
	gs, err := Parse(in)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	var got []string
	for _, g := range gs {
		got = append(got, g.Text)
	}
	want := []string{"p95 <= 750ms", "p99 <= 1s", "warn: error_rate < 1%", `case "Checkout": tps >= 10`}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("texts = %q, want %q", got, want)
	}
	for _, s := range []string{"", "   \n\n", "# only a comment\n  # another"} {
		gs, err := Parse(s)
		if err != nil || len(gs) != 0 {
			t.Errorf("Parse(%q) = %v, %v; want no gates and no error", s, gs, err)
		}
	}
}

func TestStringOfBuiltGates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		g    Gate
		want string
	}{
		// A unit that does not fit the metric, or none, falls back to the canonical unit.
		{Gate{Metric: "p95", Op: OpLE, Value: 750}, "p95 <= 750ms"},
		{Gate{Metric: "p95", Op: OpLE, Value: 750, Unit: "%"}, "p95 <= 750ms"},
		// A value the unit cannot show exactly falls back too.
		{Gate{Metric: "p95", Op: OpLE, Value: 1234.5, Unit: "s"}, "p95 <= 1.2345s"},
		{Gate{Metric: "p95", Op: OpLE, Value: 55.0 / 7, Unit: "s"}, "p95 <= 7.857142857142857ms"},
		{Gate{Metric: "error_rate", Op: OpLT, Value: 1}, "error_rate < 1%"},
		{Gate{Metric: "p95", Op: OpLE, Baseline: &Baseline{Relative: true, Delta: 10}}, "p95 <= baseline + 10%"},
		{Gate{Metric: "success_rate", Op: OpGE, Baseline: &Baseline{Delta: -1, Unit: "%"}}, "success_rate >= baseline - 1pp"},
		{Gate{Metric: "p95", Op: OpLE, Value: 1, AbortAfter: time.Minute}, "p95 <= 1ms"},
		{Gate{Metric: "p95", Op: OpLE, Value: 1, Abort: true, AbortAfter: 1500 * time.Microsecond}, "p95 <= 1ms, abort after 1.5ms"},
		{Gate{Metric: "p95", Op: OpLE, Value: 1, Scope: Scope{Kind: ScopeRequest, Request: "a\nb"}}, `request "a\nb": p95 <= 1ms`},
	}
	for _, tt := range tests {
		if got := tt.g.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestSeverityAndScopeText(t *testing.T) {
	t.Parallel()
	if SeverityFail.String() != "fail" || SeverityWarn.String() != "warn" {
		t.Errorf("severities = %q %q", SeverityFail, SeverityWarn)
	}
	tests := []struct {
		s    Scope
		want string
	}{
		{Scope{}, "overall"},
		{Scope{Kind: ScopeCase, Case: "C"}, `case "C"`},
		{Scope{Kind: ScopeRequest, Request: "R"}, `request "R"`},
		{Scope{Kind: ScopeRequest, Case: "C", Request: "R"}, `case "C" request "R"`},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.s, got, tt.want)
		}
	}
	if OpLT.Holds(1, 1) || !OpLE.Holds(1, 1) || Op("~").Holds(1, 1) {
		t.Error("Op.Holds")
	}
}
