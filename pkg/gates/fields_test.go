package gates

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// testFields is a made-up report format: gates' own tests need no vendor's
// field names (the CPTS table is tested beside the CPTS client).
var testFields = func() *FieldMap {
	fm, err := NewFieldMap("XR", []FieldMetric{
		{Field: "lat95", Metric: "p95", Scale: 1},
		{Field: "meanLat", Metric: "avg_rt", Scale: 1},
		{Field: "ok", Metric: "successes", Scale: 1},
		{Field: "ko", Metric: "errors", Scale: 1},
		{Field: "total", Metric: "requests", Scale: 1},
		{Field: "okPct", Metric: "success_rate", Scale: 1},
		{Field: "secs", Metric: "duration", Scale: 1000},
		{Field: "duration", Metric: "duration", Scale: 1000},
	})
	if err != nil {
		panic(err)
	}
	return fm
}()

func TestNewFieldMapRefusesBadRows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rows []FieldMetric
		want string
	}{
		{"field twice", []FieldMetric{{"a", "p95", 1}, {"a", "p99", 1}}, "XR field a is listed twice"},
		{"unknown metric", []FieldMetric{{"a", "p96", 1}}, `XR field a maps to "p96", which is not a metric of the catalogue`},
		{"zero scale", []FieldMetric{{"a", "p95", 0}}, "XR field a has scale 0; want a positive finite number"},
		{"NaN scale", []FieldMetric{{"a", "p95", math.NaN()}}, "XR field a has scale NaN; want a positive finite number"},
		{"infinite scale", []FieldMetric{{"a", "p95", math.Inf(1)}}, "XR field a has scale +Inf; want a positive finite number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fm, err := NewFieldMap("XR", tt.rows)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("NewFieldMap = %v, %v; want error %q", fm, err, tt.want)
			}
		})
	}
}

func TestFieldMapMetricAndAdd(t *testing.T) {
	t.Parallel()
	if testFields.Format() != "XR" {
		t.Errorf("Format() = %q", testFields.Format())
	}
	for _, tt := range []struct {
		field, metric string
		scale         float64
	}{{"lat95", "p95", 1}, {"secs", "duration", 1000}} {
		if m, s, ok := testFields.Metric(tt.field); !ok || m != tt.metric || s != tt.scale {
			t.Errorf("Metric(%q) = %q, %v, %v; want %q, %v", tt.field, m, s, ok, tt.metric, tt.scale)
		}
		var m Metrics
		testFields.Add(&m, tt.field, 2)
		if v, ok := m.Get(tt.metric); !ok || v != 2*tt.scale || m.Len() != 1 {
			t.Errorf("Add(%s) → %v; want %s = %v alone", tt.field, m, tt.metric, 2*tt.scale)
		}
	}
	var m Metrics
	for _, field := range []string{"", "p95", "LAT95", "lat95 ", "lat59"} {
		testFields.Add(&m, field, 1)
		if _, _, ok := testFields.Metric(field); ok {
			t.Errorf("Metric(%q) found a field the map lacks", field)
		}
	}
	testFields.Add(&m, "lat95", math.NaN())
	if !m.IsZero() {
		t.Errorf("unknown fields or NaN were stored: %v", m)
	}
}

// TestFieldMapMetricsCompletes pins what Complete derives from the figures a
// report gives.
func TestFieldMapMetricsCompletes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   map[string]float64
		want Metrics
	}{
		{"all given, error rate derived",
			map[string]float64{"lat95": 300, "okPct": 99, "ok": 990, "ko": 10, "total": 1000, "other": 7},
			MetricsOf(map[string]float64{"p95": 300, "success_rate": 99, "successes": 990, "errors": 10, "requests": 1000, "error_rate": 1})},
		{"requests from successes + errors, rates derived",
			map[string]float64{"ok": 30, "ko": 10},
			MetricsOf(map[string]float64{"successes": 30, "errors": 10, "requests": 40, "success_rate": 75, "error_rate": 25})},
		{"error rate from success rate alone",
			map[string]float64{"okPct": 97.5},
			MetricsOf(map[string]float64{"success_rate": 97.5, "error_rate": 2.5})},
		{"zero requests: no rate from counts",
			map[string]float64{"total": 0, "ko": 0, "ok": 0},
			MetricsOf(map[string]float64{"requests": 0, "errors": 0, "successes": 0})},
		{"scaled", map[string]float64{"secs": 90}, MetricsOf(map[string]float64{"duration": 90000})},
		{"NaN dropped", map[string]float64{"lat95": math.NaN(), "meanLat": 5}, MetricsOf(map[string]float64{"avg_rt": 5})},
		{"nothing", nil, Metrics{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := testFields.Metrics(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Metrics(%v)\n got %v\nwant %v", tt.in, got, tt.want)
			}
			var m Metrics
			for k, v := range tt.in {
				testFields.Add(&m, k, v)
			}
			Complete(&m)
			if !reflect.DeepEqual(m, tt.want) {
				t.Errorf("Add + Complete(%v)\n got %v\nwant %v", tt.in, m, tt.want)
			}
		})
	}
}

// TestParserFieldHint checks that a Parser given a FieldMap names the metric
// a field written for a metric carries, in every form a gate is written in,
// and that the zero Parser (the package functions) knows no field.
func TestParserFieldHint(t *testing.T) {
	t.Parallel()
	ps := Parser{Fields: testFields}
	list := strings.Join(metricNames(), ", ")
	hint := `unknown metric "lat95" (XR field lat95 is the metric "p95"); metrics: ` + list

	_, err := ps.Parse("lat95 < 1s")
	if want := "gates: 1:1: " + hint; err == nil || err.Error() != want {
		t.Errorf("Parse error:\n got %v\nwant %q", err, want)
	}
	_, err = Parse("lat95 < 1s")
	if err == nil || strings.Contains(err.Error(), "XR field") {
		t.Errorf("zero Parser: error %v; want one without the field hint", err)
	}
	// A field named like its metric is no hint: the name is a metric.
	if _, err := ps.Parse("duration < 1s"); err != nil {
		t.Errorf("Parse(duration < 1s): %v", err)
	}

	file := "gates:\n  - lat95 < 1s\n  - {metric: lat95, op: \"<\", value: 1s}\n"
	_, err = ps.ParseFile([]byte(file))
	if want := "gates file: 2 problems:\n  2:5: " + hint + "\n  3:14: " + hint; err == nil || err.Error() != want {
		t.Errorf("ParseFile error:\n got %v\nwant %q", err, want)
	}
	if _, err = (Parser{}).ParseFile([]byte(file)); err == nil || strings.Contains(err.Error(), "XR field") {
		t.Errorf("zero Parser: ParseFile error %v; want one without the field hint", err)
	}

	src := "name: t\ngates:\n  - lat95 < 1s\n"
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	_, probs := ps.ParseNode(doc.Content[0].Content[3], []byte(src))
	if len(probs) != 1 || probs[0].Msg != hint || probs[0].Line != 3 {
		t.Errorf("ParseNode problems = %+v; want one at line 3: %q", probs, hint)
	}
}
