package cpts

import (
	"reflect"
	"strings"
	"testing"
)

// jsonNames returns the JSON field names of a struct type.
func jsonNames(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" {
			out[name] = true
		}
	}
	return out
}

// TestMetricTableFieldsAreDecoded checks that the table's row fields are
// PerfMetrics fields and its outline spellings Outline fields, so a metric
// added to the table is decoded.
func TestMetricTableFieldsAreDecoded(t *testing.T) {
	t.Parallel()
	row, outline := jsonNames(reflect.TypeFor[PerfMetrics]()), jsonNames(reflect.TypeFor[Outline]())
	for i, f := range metricTable {
		if i < rowFields && !row[f.Field] {
			t.Errorf("row field %q of the table is not a PerfMetrics field", f.Field)
		}
		if i >= rowFields && !outline[f.Field] {
			t.Errorf("outline field %q of the table is not an Outline field", f.Field)
		}
		if MetricSource(f.Metric) == "" {
			t.Errorf("metric %q has no source text", f.Metric)
		}
		if got, ok := RowField(f.Metric); i < rowFields && (!ok || metricTable[indexOf(got)].Metric != f.Metric) {
			t.Errorf("RowField(%q) = %q, %v", f.Metric, got, ok)
		}
	}
	if _, ok := RowField("error_rate"); ok {
		t.Error("RowField(error_rate) found a field; error_rate is derived")
	}
}

func indexOf(field string) int {
	for i, f := range metricTable {
		if f.Field == field {
			return i
		}
	}
	return -1
}

func TestOutlineField(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ metric, want string }{
		{"avg_rt", "avgResponseTime"}, {"max_concurrency", "maxUsers"}, {"duration", "duration"},
		{"success_rate", "successRate"}, {"tps", "tps"},
	} {
		if got, ok := OutlineField(tc.metric); !ok || got != tc.want {
			t.Errorf("OutlineField(%q) = %q, %v, want %q", tc.metric, got, ok, tc.want)
		}
	}
	if got, ok := OutlineField("error_rate"); ok {
		t.Errorf("OutlineField(error_rate) = %q: a derived metric has no field", got)
	}
}
