package gates

import (
	"slices"
	"testing"
)

// TestCatalog pins the metric list and dimensions (the CPTS field of each
// metric is pinned beside the CPTS table, in pkg/api/cpts).
func TestCatalog(t *testing.T) {
	t.Parallel()
	want := []struct {
		name string
		dim  Dimension
		unit string
	}{
		{"avg_rt", DimTime, "ms"},
		{"min_rt", DimTime, "ms"},
		{"max_rt", DimTime, "ms"},
		{"p50", DimTime, "ms"},
		{"p75", DimTime, "ms"},
		{"p90", DimTime, "ms"},
		{"p95", DimTime, "ms"},
		{"p99", DimTime, "ms"},
		{"p99.9", DimTime, "ms"},
		{"p99.99", DimTime, "ms"},
		{"tps", DimThroughput, "/s"},
		{"success_rate", DimRate, "%"},
		{"error_rate", DimRate, "%"},
		{"requests", DimCount, ""},
		{"successes", DimCount, ""},
		{"errors", DimCount, ""},
		{"failed_assert", DimCount, ""},
		{"failed_timeout", DimCount, ""},
		{"failed_refused", DimCount, ""},
		{"failed_parsed", DimCount, ""},
		{"failed_others", DimCount, ""},
		{"http_1xx", DimCount, ""},
		{"http_2xx", DimCount, ""},
		{"http_3xx", DimCount, ""},
		{"http_4xx", DimCount, ""},
		{"http_5xx", DimCount, ""},
		{"avg_recv_bytes", DimBytes, "B"},
		{"avg_sent_bytes", DimBytes, "B"},
		{"max_recv_bytes", DimBytes, "B"},
		{"max_sent_bytes", DimBytes, "B"},
		{"max_concurrency", DimCount, ""},
		{"vum", DimCount, ""},
		{"transactions", DimCount, ""},
		{"transaction_tps", DimThroughput, "/s"},
		{"transaction_success_rate", DimRate, "%"},
		{"error_events", DimCount, ""},
		{"duration", DimTime, "ms"},
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
		if m.Description == "" || m.Aggregation == "" {
			t.Errorf("%s: description and aggregation must be set: %+v", m.Name, m)
		}
		if l, ok := Lookup(w.name); !ok || l.Name != w.name {
			t.Errorf("Lookup(%q) = %+v, %v", w.name, l, ok)
		}
	}
	if _, ok := Lookup("p96"); ok {
		t.Error("Lookup(p96) found a metric the catalogue lacks")
	}
	// Catalog returns a copy.
	cat[0].Name = "changed"
	if Catalog()[0].Name != "avg_rt" {
		t.Error("Catalog() shares its backing array")
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

func TestFormatFigure(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{41.3, "41.3"}, {99.95, "99.95"}, {2240, "2240"}, {0.004, "0"}, {-12.5, "-12.5"},
		{123456789012, "123456789012"},
		// An implausible report's figure is not printed as its hundreds of digits.
		{1e308, "1e+308"}, {-1.5e20, "-1.5e+20"}, {123456789012345678, "1.23457e+17"},
	} {
		if got := FormatFigure(tc.v); got != tc.want {
			t.Errorf("FormatFigure(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}
