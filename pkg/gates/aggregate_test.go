package gates

import (
	"math"
	"testing"
)

func approx(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestAggregateDerivations(t *testing.T) {
	t.Parallel()
	cases := []Case{
		{Name: "A", Metrics: MetricsOf(map[string]float64{"requests": 1000, "successes": 990, "errors": 10, "avg_rt": 100, "min_rt": 5, "max_rt": 900,
			"p95": 300, "p99": 600, "tps": 50, "max_concurrency": 20, "duration": 60000, "avg_recv_bytes": 1000, "max_recv_bytes": 5000,
			"transactions": 100, "transaction_success_rate": 90, "transaction_tps": 2, "http_2xx": 990, "vum": 20, "success_rate": 99, "error_rate": 1})},
		{Name: "B", Metrics: MetricsOf(map[string]float64{"requests": 3000, "successes": 2940, "errors": 60, "avg_rt": 200, "min_rt": 3, "max_rt": 1200,
			"p95": 250, "p99": 800, "tps": 150, "max_concurrency": 30, "duration": 90000, "avg_recv_bytes": 2000, "max_recv_bytes": 4000,
			"transactions": 300, "transaction_success_rate": 100, "transaction_tps": 6, "http_2xx": 2940, "vum": 45, "success_rate": 98, "error_rate": 2})},
		// An idle case: its zero response times must not drag min/avg/percentiles down.
		{Name: "idle", Metrics: MetricsOf(map[string]float64{"requests": 0, "successes": 0, "errors": 0, "avg_rt": 0, "min_rt": 0, "max_rt": 0, "p95": 0,
			"tps": 0, "duration": 120000, "success_rate": 0})},
	}
	want := map[string]float64{
		"requests":                 4000,                           // sum
		"successes":                3930,                           // sum
		"errors":                   70,                             // sum
		"http_2xx":                 3930,                           // sum
		"vum":                      65,                             // sum
		"transactions":             400,                            // sum
		"tps":                      200,                            // sum: cases run in parallel
		"transaction_tps":          8,                              // sum
		"max_concurrency":          50,                             // sum
		"avg_rt":                   (100*1000 + 200*3000) / 4000.0, // request-weighted: 175
		"avg_recv_bytes":           1750,                           // request-weighted
		"min_rt":                   3,                              // min over cases with requests
		"max_rt":                   1200,                           // max
		"max_recv_bytes":           5000,                           // max
		"p95":                      300,                            // max: conservative upper bound
		"p99":                      800,                            // max
		"success_rate":             98.25,                          // 3930 / 4000
		"error_rate":               1.75,                           // 70 / 4000
		"transaction_success_rate": 97.5,                           // (90×100 + 100×300) / 400
		"duration":                 120000,                         // max over every case, idle included
	}
	got := Aggregate(cases)
	for k, w := range want {
		if v, ok := got.Get(k); !ok || !approx(v, w) {
			t.Errorf("%s = %v (reported %v), want %v", k, v, ok, w)
		}
	}
	got.Each(func(k string, v float64) {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected metric %s = %v", k, v)
		}
	})
}

func TestAggregatePartial(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		cases  []Case
		metric string
		want   float64
		ok     bool
	}{
		{"no cases", nil, "requests", 0, false},
		{"metric nobody reports", []Case{{Metrics: MetricsOf(map[string]float64{"requests": 5})}}, "p95", 0, false},
		{"sum over the cases that report it", []Case{{Metrics: MetricsOf(map[string]float64{"errors": 2})}, {Metrics: MetricsOf(map[string]float64{"requests": 5})}}, "errors", 2, true},
		{"NaN is not reported", []Case{{Metrics: MetricsOf(map[string]float64{"p95": math.NaN(), "requests": 1})}, {Metrics: MetricsOf(map[string]float64{"p95": 10, "requests": 1})}}, "p95", 10, true},
		{"successes from requests − errors",
			[]Case{{Metrics: MetricsOf(map[string]float64{"requests": 100, "errors": 10})}, {Metrics: MetricsOf(map[string]float64{"requests": 100, "successes": 100})}},
			"success_rate", 95, true},
		{"successes from a case's rate",
			[]Case{{Metrics: MetricsOf(map[string]float64{"requests": 100, "success_rate": 80})}, {Metrics: MetricsOf(map[string]float64{"requests": 300, "successes": 300})}},
			"success_rate", 95, true},
		{"error rate from a case's rate",
			[]Case{{Metrics: MetricsOf(map[string]float64{"requests": 100, "error_rate": 20})}, {Metrics: MetricsOf(map[string]float64{"requests": 300, "errors": 0})}},
			"error_rate", 5, true},
		{"unknown requests: mean of the rates",
			[]Case{{Metrics: MetricsOf(map[string]float64{"success_rate": 90})}, {Metrics: MetricsOf(map[string]float64{"success_rate": 100})}},
			"success_rate", 95, true},
		{"all cases idle: no rate",
			[]Case{{Metrics: MetricsOf(map[string]float64{"requests": 0, "successes": 0, "success_rate": 0})}},
			"success_rate", 0, false},
		{"unknown weight: plain mean",
			[]Case{{Metrics: MetricsOf(map[string]float64{"avg_rt": 100})}, {Metrics: MetricsOf(map[string]float64{"avg_rt": 300, "requests": 10})}},
			"avg_rt", 200, true},
		{"requests from successes + errors as weight",
			[]Case{{Metrics: MetricsOf(map[string]float64{"avg_rt": 100, "successes": 1, "errors": 0})}, {Metrics: MetricsOf(map[string]float64{"avg_rt": 300, "successes": 2, "errors": 1})}},
			"avg_rt", 250, true},
		{"max of percentiles from unknown-request cases",
			[]Case{{Metrics: MetricsOf(map[string]float64{"p99": 100})}, {Metrics: MetricsOf(map[string]float64{"p99": 300})}},
			"p99", 300, true},
		{"min skips idle cases",
			[]Case{{Metrics: MetricsOf(map[string]float64{"min_rt": 0, "requests": 0})}, {Metrics: MetricsOf(map[string]float64{"min_rt": 7, "requests": 3})}},
			"min_rt", 7, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := Aggregate(tt.cases).Get(tt.metric)
			if ok != tt.ok || (ok && !approx(got, tt.want)) {
				t.Errorf("%s = %v, %v; want %v, %v", tt.metric, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestAggregateCoversCatalog makes sure every catalogue metric aggregates to
// something when every case reports it.
func TestAggregateCoversCatalog(t *testing.T) {
	t.Parallel()
	var m Metrics
	for _, info := range Catalog() {
		m.Set(info.Name, 10)
	}
	got := Aggregate([]Case{{Metrics: m}, {Metrics: m}})
	for _, info := range Catalog() {
		if !got.Has(info.Name) {
			t.Errorf("%s missing from the aggregate", info.Name)
		}
	}
}
