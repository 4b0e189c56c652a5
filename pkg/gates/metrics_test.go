package gates

import (
	"math"
	"reflect"
	"slices"
	"testing"
)

// TestCatalog pins the metric list, dimensions and sources.
func TestCatalog(t *testing.T) {
	t.Parallel()
	want := []struct {
		name   string
		dim    Dimension
		unit   string
		source string // CPTS field mapped to the metric ("" = derived)
	}{
		{"avg_rt", DimTime, "ms", "averageRespTime"},
		{"min_rt", DimTime, "ms", "min"},
		{"max_rt", DimTime, "ms", "max"},
		{"p50", DimTime, "ms", "tp50"},
		{"p75", DimTime, "ms", "tp75"},
		{"p90", DimTime, "ms", "tp90"},
		{"p95", DimTime, "ms", "tp95"},
		{"p99", DimTime, "ms", "tp99"},
		{"p99.9", DimTime, "ms", "tp999"},
		{"p99.99", DimTime, "ms", "tp9999"},
		{"tps", DimThroughput, "/s", "tps"},
		{"success_rate", DimRate, "%", "successRate"},
		{"error_rate", DimRate, "%", ""},
		{"requests", DimCount, "", "requests"},
		{"successes", DimCount, "", "successCount"},
		{"errors", DimCount, "", "errorCount"},
		{"failed_assert", DimCount, "", "failedAssert"},
		{"failed_timeout", DimCount, "", "failedTimeout"},
		{"failed_refused", DimCount, "", "failedRefused"},
		{"failed_parsed", DimCount, "", "failedParsed"},
		{"failed_others", DimCount, "", "failedOthers"},
		{"http_1xx", DimCount, "", "sum1xx"},
		{"http_2xx", DimCount, "", "sum2xx"},
		{"http_3xx", DimCount, "", "sum3xx"},
		{"http_4xx", DimCount, "", "sum4xx"},
		{"http_5xx", DimCount, "", "sum5xx"},
		{"avg_recv_bytes", DimBytes, "B", "avgRecBytes"},
		{"avg_sent_bytes", DimBytes, "B", "avgSentBytes"},
		{"max_recv_bytes", DimBytes, "B", "maxRecBytes"},
		{"max_sent_bytes", DimBytes, "B", "maxSentBytes"},
		{"max_concurrency", DimCount, "", "currentThreadNum"},
		{"vum", DimCount, "", "vum"},
		{"transactions", DimCount, "", "transactions"},
		{"transaction_tps", DimThroughput, "/s", "tranTPS"},
		{"transaction_success_rate", DimRate, "%", "transactionalSuccessRate"},
		{"error_events", DimCount, "", "errorEventsCount"},
		{"duration", DimTime, "ms", "duration"},
	}
	cat := Catalog()
	if len(cat) != len(want) {
		t.Fatalf("Catalog() has %d metrics, want %d", len(cat), len(want))
	}
	for i, w := range want {
		m := cat[i]
		if m.Name != w.name || m.Dimension != w.dim || m.Unit != w.unit {
			t.Errorf("metric %d = %s %v %q, want %s %v %q", i, m.Name, m.Dimension, m.Unit, w.name, w.dim, w.unit)
		}
		if m.Description == "" || m.Aggregation == "" || m.Source == "" {
			t.Errorf("%s: description, aggregation and source must be set: %+v", m.Name, m)
		}
		if w.source != "" {
			got, _, ok := MetricFromCPTS(w.source)
			if !ok || got != w.name {
				t.Errorf("MetricFromCPTS(%q) = %q, %v; want %q", w.source, got, ok, w.name)
			}
		}
		if l, ok := Lookup(w.name); !ok || l.Name != w.name {
			t.Errorf("Lookup(%q) = %+v, %v", w.name, l, ok)
		}
	}
	if _, ok := Lookup("tp95"); ok {
		t.Error("Lookup(tp95) found a metric; CPTS names are not metric names")
	}
	// Catalog returns a copy.
	cat[0].Name = "changed"
	if Catalog()[0].Name != "avg_rt" {
		t.Error("Catalog() shares its backing array")
	}
}

func TestCPTSFieldsMapToCatalog(t *testing.T) {
	t.Parallel()
	for _, f := range CPTSFields() {
		if _, ok := Lookup(f.Metric); !ok {
			t.Errorf("CPTS field %s maps to unknown metric %s", f.Field, f.Metric)
		}
		want := 1.0
		if f.Field == "duration" {
			want = 1000
		}
		if f.Scale != want {
			t.Errorf("CPTS field %s scale = %v, want %v", f.Field, f.Scale, want)
		}
	}
	if _, _, ok := MetricFromCPTS("taskStatus"); ok {
		t.Error("MetricFromCPTS(taskStatus) mapped a field no metric uses")
	}
}

func TestDimensionNamesAndUnits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d          Dimension
		name, unit string
	}{
		{DimTime, "time", "ms"}, {DimRate, "rate", "%"}, {DimThroughput, "throughput", "/s"},
		{DimBytes, "bytes", "B"}, {DimCount, "count", ""}, {Dimension(0), "unknown", ""},
	}
	for _, tt := range tests {
		if tt.d.String() != tt.name || tt.d.Unit() != tt.unit {
			t.Errorf("%d: %q %q, want %q %q", tt.d, tt.d.String(), tt.d.Unit(), tt.name, tt.unit)
		}
	}
}

func TestFromCPTS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   map[string]float64
		want Metrics
	}{
		{"row as reported",
			map[string]float64{"averageRespTime": 120, "tp95": 300, "tp999": 900, "tps": 50.5, "successRate": 99, "successCount": 990, "errorCount": 10, "requests": 1000, "currentThreadNum": 20, "status": 2},
			MetricsOf(map[string]float64{"avg_rt": 120, "p95": 300, "p99.9": 900, "tps": 50.5, "success_rate": 99, "successes": 990, "errors": 10, "requests": 1000, "max_concurrency": 20, "error_rate": 1})},
		{"requests from successes + errors, rates derived",
			map[string]float64{"successCount": 30, "errorCount": 10},
			MetricsOf(map[string]float64{"successes": 30, "errors": 10, "requests": 40, "success_rate": 75, "error_rate": 25})},
		{"error rate from success rate alone",
			map[string]float64{"successRate": 97.5},
			MetricsOf(map[string]float64{"success_rate": 97.5, "error_rate": 2.5})},
		{"zero requests: no rate from counts",
			map[string]float64{"requests": 0, "errorCount": 0, "successCount": 0},
			MetricsOf(map[string]float64{"requests": 0, "errors": 0, "successes": 0})},
		{"outline spellings, duration in seconds",
			map[string]float64{"avgResponseTime": 80, "maxUsers": 100, "duration": 90},
			MetricsOf(map[string]float64{"avg_rt": 80, "max_concurrency": 100, "duration": 90000})},
		{"NaN dropped",
			map[string]float64{"tp95": math.NaN(), "tp99": 5},
			MetricsOf(map[string]float64{"p99": 5})},
		{"nothing", nil, Metrics{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := FromCPTS(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("FromCPTS(%v)\n got %v\nwant %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestMillisBetween(t *testing.T) {
	t.Parallel()
	tests := []struct {
		start, end string
		want       float64
		ok         bool
	}{
		{"2025-01-02T03:04:05Z", "2025-01-02T03:05:05.5Z", 60500, true},
		{"2025-01-02T11:04:05+08:00", "2025-01-02T03:04:15Z", 10000, true},
		{"2025-01-02 03:04:05", "2025-01-02 04:04:05", 3600000, true},
		{"2025-01-02 03:04:05", "2025-01-02 03:04:04", 0, false},
		{"", "2025-01-02 03:04:05", 0, false},
		{"yesterday", "today", 0, false},
	}
	for _, tt := range tests {
		got, ok := MillisBetween(tt.start, tt.end)
		if got != tt.want || ok != tt.ok {
			t.Errorf("MillisBetween(%q, %q) = %v, %v; want %v, %v", tt.start, tt.end, got, ok, tt.want, tt.ok)
		}
	}
}

func TestUnitsTable(t *testing.T) {
	t.Parallel()
	for _, s := range unitSpellings {
		u, ok := lookupUnit(s)
		if !ok {
			t.Errorf("unit %q is listed but not known", s)
			continue
		}
		if !slices.Contains(unitsOf(u.dim, false), s) && !u.delta {
			t.Errorf("unit %q is not listed as valid for %v", s, u.dim)
		}
	}
}
