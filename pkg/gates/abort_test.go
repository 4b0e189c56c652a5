package gates

import (
	"testing"
	"time"
)

func TestCheckAbort(t *testing.T) {
	t.Parallel()
	live := Run{ID: 3, Cases: []Case{{Name: "Checkout", Metrics: MetricsOf(map[string]float64{"requests": 10, "errors": 6, "p95": 800, "max_rt": 2000})}}}
	idle := Run{ID: 3, Cases: []Case{{Name: "Checkout", Metrics: MetricsOf(map[string]float64{"requests": 0, "p95": 800})}}}
	tests := []struct {
		name    string
		gates   []string
		run     Run
		elapsed time.Duration
		want    string // "" = no abort; else the message
	}{
		{"lost after the grace period", []string{"p95 < 500, abort after 60s"}, live, 61 * time.Second,
			"p95 = 800 ms, limit < 500 ms; aborting the run after 61s (abort after 1m)"},
		{"exactly at the grace period", []string{"p95 < 500, abort after 60s"}, live, 60 * time.Second,
			"p95 = 800 ms, limit < 500 ms; aborting the run after 1m (abort after 1m)"},
		{"within the grace period", []string{"p95 < 500, abort after 60s"}, live, 59 * time.Second, ""},
		{"no grace period", []string{"p95 < 500, abort"}, live, 0, "p95 = 800 ms, limit < 500 ms; aborting the run after 0s"},
		{"not an abort gate", []string{"p95 < 500"}, live, time.Hour, ""},
		{"holding", []string{"p95 < 900, abort"}, live, time.Hour, ""},
		{"growing count with >= can still be won", []string{"requests >= 1000, abort"}, live, time.Hour, ""},
		{"growing count with > can still be won", []string{"duration > 10m, abort"}, Run{Cases: []Case{{Name: "A", Metrics: MetricsOf(map[string]float64{"requests": 1, "duration": 1000})}}}, time.Hour, ""},
		{"growing count with != can still be won", []string{"errors != 6, abort"}, live, time.Hour, ""},
		{"growing count above < is lost", []string{"errors < 5, abort"}, live, time.Minute, "errors = 6, limit < 5; aborting the run after 1m"},
		{"growing max above <= is lost", []string{"max_rt <= 1s, abort"}, live, time.Minute, "max_rt = 2000 ms, limit <= 1000 ms; aborting the run after 1m"},
		{"growing count below == can still be won", []string{"errors == 10, abort"}, live, time.Minute, ""},
		{"growing count above == is lost", []string{"errors == 5, abort"}, live, time.Minute, "errors = 6, limit == 5; aborting the run after 1m"},
		{"scope not running yet", []string{`case "Login": p95 < 500, abort`}, live, time.Hour, ""},
		{"metric not reported yet", []string{"p99 < 500, abort"}, live, time.Hour, ""},
		{"a live run without requests yet is not aborted for no data", []string{"errors < 5, abort"}, idle, time.Hour, ""},
		{"scoped gate", []string{`case "Checkout": p95 < 500, abort after 1s`}, live, time.Minute,
			`case "Checkout": p95 = 800 ms, limit < 500 ms; aborting the run after 1m (abort after 1s)`},
		{"first lost gate wins", []string{"p95 < 900, abort", "errors < 1, abort", "p95 < 1, abort"}, live, time.Minute,
			"errors = 6, limit < 1; aborting the run after 1m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var gs []Gate
			for _, s := range tt.gates {
				gs = append(gs, mustParse(t, s))
			}
			r := CheckAbort(gs, tt.run, tt.elapsed)
			switch {
			case tt.want == "" && r != nil:
				t.Fatalf("CheckAbort = %q, want no abort", r.Message)
			case tt.want != "" && r == nil:
				t.Fatalf("CheckAbort = nil, want %q", tt.want)
			case r != nil && (r.Message != tt.want || r.Verdict != Fail || !r.Gate.Abort):
				t.Fatalf("CheckAbort = %v %q, want failed %q", r.Verdict, r.Message, tt.want)
			}
		})
	}
}

// TestCheckAbortIgnoresHandMadeGates covers gates the parser would refuse.
func TestCheckAbortIgnoresHandMadeGates(t *testing.T) {
	t.Parallel()
	live := Run{Cases: []Case{{Name: "A", Metrics: MetricsOf(map[string]float64{"requests": 10, "p95": 800})}}}
	base := Baseline{}
	for _, g := range []Gate{
		{Metric: "p95", Op: OpLT, Value: 1, Abort: true, Severity: SeverityWarn},
		{Metric: "p95", Op: OpLT, Abort: true, Baseline: &base},
	} {
		if r := CheckAbort([]Gate{g}, live, time.Hour); r != nil {
			t.Errorf("CheckAbort(%s) = %q, want nil", g.String(), r.Message)
		}
	}
}
