package cpts

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// TestCatalogSources pins the CPTS field each gate metric comes from (moved
// here from gates' TestCatalog: gates knows no CPTS name).
func TestCatalogSources(t *testing.T) {
	t.Parallel()
	want := []struct {
		name   string
		source string // CPTS field mapped to the metric ("" = derived)
	}{
		{"avg_rt", "averageRespTime"},
		{"min_rt", "min"},
		{"max_rt", "max"},
		{"p50", "tp50"},
		{"p75", "tp75"},
		{"p90", "tp90"},
		{"p95", "tp95"},
		{"p99", "tp99"},
		{"p99.9", "tp999"},
		{"p99.99", "tp9999"},
		{"tps", "tps"},
		{"success_rate", "successRate"},
		{"error_rate", ""},
		{"requests", "requests"},
		{"successes", "successCount"},
		{"errors", "errorCount"},
		{"failed_assert", "failedAssert"},
		{"failed_timeout", "failedTimeout"},
		{"failed_refused", "failedRefused"},
		{"failed_parsed", "failedParsed"},
		{"failed_others", "failedOthers"},
		{"http_1xx", "sum1xx"},
		{"http_2xx", "sum2xx"},
		{"http_3xx", "sum3xx"},
		{"http_4xx", "sum4xx"},
		{"http_5xx", "sum5xx"},
		{"avg_recv_bytes", "avgRecBytes"},
		{"avg_sent_bytes", "avgSentBytes"},
		{"max_recv_bytes", "maxRecBytes"},
		{"max_sent_bytes", "maxSentBytes"},
		{"max_concurrency", "currentThreadNum"},
		{"vum", "vum"},
		{"transactions", "transactions"},
		{"transaction_tps", "tranTPS"},
		{"transaction_success_rate", "transactionalSuccessRate"},
		{"error_events", "errorEventsCount"},
		{"duration", "duration"},
	}
	cat := gates.Catalog()
	if len(cat) != len(want) {
		t.Fatalf("gates.Catalog() has %d metrics, want %d", len(cat), len(want))
	}
	for i, w := range want {
		m := cat[i]
		if m.Name != w.name {
			t.Errorf("metric %d = %s, want %s", i, m.Name, w.name)
		}
		if MetricSource(m.Name) == "" {
			t.Errorf("%s: MetricSource must be set", m.Name)
		}
		if w.source != "" {
			got, _, ok := GateFields().Metric(w.source)
			if !ok || got != w.name {
				t.Errorf("GateFields().Metric(%q) = %q, %v; want %q", w.source, got, ok, w.name)
			}
		}
	}
	// CPTS names are not metric names, except where the two are spelled alike.
	for _, f := range metricTable {
		if _, ok := gates.Lookup(f.Field); ok && f.Field != f.Metric {
			t.Errorf("gates.Lookup(%q) found a metric; CPTS names are not metric names", f.Field)
		}
	}
}

func TestMetricTableMapsToCatalog(t *testing.T) {
	t.Parallel()
	for _, f := range metricTable {
		if _, ok := gates.Lookup(f.Metric); !ok {
			t.Errorf("CPTS field %s maps to unknown metric %s", f.Field, f.Metric)
		}
		want := 1.0
		if f.Field == "duration" {
			want = 1000
		}
		if f.Scale != want {
			t.Errorf("CPTS field %s scale = %v, want %v", f.Field, f.Scale, want)
		}
		if m, s, ok := GateFields().Metric(f.Field); !ok || m != f.Metric || s != f.Scale {
			t.Errorf("GateFields().Metric(%q) = %q, %v, %v; want %q, %v", f.Field, m, s, ok, f.Metric, f.Scale)
		}
	}
	if _, _, ok := GateFields().Metric("taskStatus"); ok {
		t.Error("GateFields().Metric(taskStatus) mapped a field no metric uses")
	}
	if GateFields().Format() != "CPTS" {
		t.Errorf("GateFields().Format() = %q, want CPTS", GateFields().Format())
	}
}

func TestGateFieldsMetrics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   map[string]float64
		want gates.Metrics
	}{
		{"row as reported",
			map[string]float64{"averageRespTime": 120, "tp95": 300, "tp999": 900, "tps": 50.5, "successRate": 99, "successCount": 990, "errorCount": 10, "requests": 1000, "currentThreadNum": 20, "status": 2},
			gates.MetricsOf(map[string]float64{"avg_rt": 120, "p95": 300, "p99.9": 900, "tps": 50.5, "success_rate": 99, "successes": 990, "errors": 10, "requests": 1000, "max_concurrency": 20, "error_rate": 1})},
		{"requests from successes + errors, rates derived",
			map[string]float64{"successCount": 30, "errorCount": 10},
			gates.MetricsOf(map[string]float64{"successes": 30, "errors": 10, "requests": 40, "success_rate": 75, "error_rate": 25})},
		{"error rate from success rate alone",
			map[string]float64{"successRate": 97.5},
			gates.MetricsOf(map[string]float64{"success_rate": 97.5, "error_rate": 2.5})},
		{"zero requests: no rate from counts",
			map[string]float64{"requests": 0, "errorCount": 0, "successCount": 0},
			gates.MetricsOf(map[string]float64{"requests": 0, "errors": 0, "successes": 0})},
		{"outline spellings, duration in seconds",
			map[string]float64{"avgResponseTime": 80, "maxUsers": 100, "duration": 90},
			gates.MetricsOf(map[string]float64{"avg_rt": 80, "max_concurrency": 100, "duration": 90000})},
		{"NaN dropped",
			map[string]float64{"tp95": math.NaN(), "tp99": 5},
			gates.MetricsOf(map[string]float64{"p99": 5})},
		{"nothing", nil, gates.Metrics{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := GateFields().Metrics(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("GateFields().Metrics(%v)\n got %v\nwant %v", tt.in, got, tt.want)
			}
		})
	}
}

// TestPerfMetricsGateMetrics checks that a decoded row converts as its Fields
// map does.
func TestPerfMetricsGateMetrics(t *testing.T) {
	t.Parallel()
	var pm PerfMetrics
	pm.TP95 = Number{Value: 300, Valid: true}
	pm.AverageRespTime = Number{Value: 120, Valid: true}
	pm.SuccessCount = Number{Value: 30, Valid: true}
	pm.ErrorCount = Number{Value: 10, Valid: true}
	pm.Status = Number{Value: 2, Valid: true}
	want := gates.MetricsOf(map[string]float64{"p95": 300, "avg_rt": 120, "successes": 30, "errors": 10, "requests": 40, "success_rate": 75, "error_rate": 25})
	if got := pm.GateMetrics(); !reflect.DeepEqual(got, want) {
		t.Errorf("GateMetrics()\n got %v\nwant %v", got, want)
	}
	if got := GateFields().Metrics(pm.Fields()); !reflect.DeepEqual(got, want) {
		t.Errorf("GateFields().Metrics(Fields())\n got %v\nwant %v", got, want)
	}
}

// TestGateFieldsAddEveryField maps each CPTS field into its metric by position.
func TestGateFieldsAddEveryField(t *testing.T) {
	t.Parallel()
	for _, f := range metricTable {
		t.Run(f.Field, func(t *testing.T) {
			t.Parallel()
			var m gates.Metrics
			GateFields().Add(&m, f.Field, 2)
			if v, ok := m.Get(f.Metric); !ok || v != 2*f.Scale || m.Len() != 1 {
				t.Errorf("Add(%s) → %v; want %s = %v alone", f.Field, m, f.Metric, 2*f.Scale)
			}
		})
	}
	var m gates.Metrics
	for _, field := range []string{"", "taskStatus", "avgNetworkTraffic", "maxRespTime", "TP95", "tp95 ", "tp59", "averageRespTimE", "p95", "duratio"} {
		GateFields().Add(&m, field, 1)
		if _, _, ok := GateFields().Metric(field); ok {
			t.Errorf("GateFields().Metric(%q) found a field no metric uses", field)
		}
	}
	GateFields().Add(&m, "tp95", math.NaN())
	if !m.IsZero() {
		t.Errorf("unknown fields or NaN were stored: %v", m)
	}
}

// TestGateFieldsParseHint pins the hint for a CPTS field name written as a
// metric (moved here from gates' TestParseErrors): a gates.Parser given
// GateFields names the metric meant.
func TestGateFieldsParseHint(t *testing.T) {
	t.Parallel()
	var names []string
	for _, m := range gates.Catalog() {
		names = append(names, m.Name)
	}
	metricList := strings.Join(names, ", ")
	tests := []struct {
		in   string
		want string
	}{
		{"tp95 < 1s",
			"gates: 1:1: unknown metric \"tp95\" (CPTS field tp95 is the metric \"p95\"); metrics: {metrics}"},
		{"averageRespTime < 1s",
			"gates: 1:1: unknown metric \"averageRespTime\" (CPTS field averageRespTime is the metric \"avg_rt\"); metrics: {metrics}"},
	}
	ps := gates.Parser{Fields: GateFields()}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			gs, err := ps.Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want an error", tt.in, gs)
			}
			if gs != nil {
				t.Errorf("Parse(%q) returned gates with its error", tt.in)
			}
			var pe *gates.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *gates.ParseError", err)
			}
			want := strings.ReplaceAll(tt.want, "{metrics}", metricList)
			if got := err.Error(); got != want {
				t.Errorf("Parse(%q) error:\n got %q\nwant %q", tt.in, got, want)
			}
		})
	}
}
