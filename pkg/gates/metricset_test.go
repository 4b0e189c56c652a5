package gates

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestMetricsIsSmall pins the size of Metrics: a big run holds 50,000 of them, so it must stay
// a flat value of at most 40 float64s (no map, no pointer).
func TestMetricsIsSmall(t *testing.T) {
	t.Parallel()
	if got, limit := unsafe.Sizeof(Metrics{}), uintptr(8*40); got > limit {
		t.Errorf("unsafe.Sizeof(Metrics{}) = %d bytes, want at most %d", got, limit)
	}
	if numMetrics != len(Catalog()) {
		t.Errorf("Metrics has %d slots for %d catalogue metrics", numMetrics, len(Catalog()))
	}
	if p := pointerIn(reflect.TypeFor[Metrics]()); p != "" {
		t.Errorf("Metrics holds a %s: the figures must live in the value itself", p)
	}
}

// pointerIn names the first kind in t that refers to memory elsewhere, or "".
func pointerIn(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct:
		for i := range t.NumField() {
			if p := pointerIn(t.Field(i).Type); p != "" {
				return p
			}
		}
		return ""
	case reflect.Array:
		return pointerIn(t.Elem())
	case reflect.Map, reflect.Pointer, reflect.Slice, reflect.String, reflect.Interface, reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return t.Kind().String()
	}
	return ""
}

// TestMetricsRoundTripEveryMetric sets each catalogue metric alone and reads it back through
// Get, Has, Len, Each, String and JSON.
func TestMetricsRoundTripEveryMetric(t *testing.T) {
	t.Parallel()
	for i, info := range Catalog() {
		t.Run(info.Name, func(t *testing.T) {
			t.Parallel()
			v := 1.5 + float64(i)*1000.25
			var m Metrics
			if m.Has(info.Name) || !m.IsZero() {
				t.Fatalf("zero Metrics has %s", info.Name)
			}
			if !m.Set(info.Name, v) {
				t.Fatalf("Set(%q) refused a catalogue metric", info.Name)
			}
			if got, ok := m.Get(info.Name); !ok || got != v {
				t.Errorf("Get(%q) = %v, %v; want %v, true", info.Name, got, ok, v)
			}
			if !m.Has(info.Name) || m.Len() != 1 || m.IsZero() {
				t.Errorf("Has = %v, Len = %d, IsZero = %v; want true, 1, false", m.Has(info.Name), m.Len(), m.IsZero())
			}
			var seen []string
			m.Each(func(name string, got float64) {
				seen = append(seen, name)
				if got != v {
					t.Errorf("Each gave %s = %v, want %v", name, got, v)
				}
			})
			if len(seen) != 1 || seen[0] != info.Name {
				t.Errorf("Each visited %v, want [%s]", seen, info.Name)
			}
			data, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			if want := `{"` + info.Name + `":` + jsonNumber(v) + `}`; string(data) != want {
				t.Errorf("JSON = %s, want %s", data, want)
			}
			var back Metrics
			if err := json.Unmarshal(data, &back); err != nil {
				t.Fatal(err)
			}
			if back != m {
				t.Errorf("JSON round trip = %v, want %v", back, m)
			}
			if want := "{" + info.Name + ": " + jsonNumber(v) + "}"; m.String() != want {
				t.Errorf("String() = %q, want %q", m.String(), want)
			}
		})
	}
}

// jsonNumber is a figure as Metrics encodes it: strconv's shortest 'g' form.
func jsonNumber(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// TestMetricsAllInCatalogueOrder fills every slot: Each and the JSON keep the catalogue's order
// whatever order the values were set in, and JSON decodes back to the same value.
func TestMetricsAllInCatalogueOrder(t *testing.T) {
	t.Parallel()
	cat := Catalog()
	var m Metrics
	for i := len(cat) - 1; i >= 0; i-- {
		m.Set(cat[i].Name, float64(i))
	}
	if m.Len() != len(cat) {
		t.Fatalf("Len() = %d, want %d", m.Len(), len(cat))
	}
	i := 0
	m.Each(func(name string, v float64) {
		if name != cat[i].Name || v != float64(i) {
			t.Errorf("Each #%d = %s %v, want %s %d", i, name, v, cat[i].Name, i)
		}
		i++
	})
	data := m.AppendJSON(nil)
	var keys []string
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		if _, err := dec.Token(); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Join(keys, " ") != strings.Join(metricNames(), " ") {
		t.Errorf("JSON keys %v, want the catalogue order %v", keys, metricNames())
	}
	var back Metrics
	if err := json.Unmarshal(data, &back); err != nil || back != m {
		t.Errorf("JSON round trip = %v, %v; want %v", back, err, m)
	}
}

// TestMetricsRefuseUnknownNames: a name outside the catalogue is never stored.
func TestMetricsRefuseUnknownNames(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"", "tp95", "P95", "p95 ", "gates_failed", "requests\x00"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := MetricsOf(map[string]float64{"p95": 3})
			before := m
			if m.Set(name, 1) {
				t.Errorf("Set(%q) accepted an unknown metric", name)
			}
			if m != before {
				t.Errorf("Set(%q) changed the metrics: %v", name, m)
			}
			if v, ok := m.Get(name); ok || v != 0 || m.Has(name) {
				t.Errorf("Get(%q) = %v, %v; Has = %v", name, v, ok, m.Has(name))
			}
		})
	}
}

func TestMetricsOfPanicsOnATypo(t *testing.T) {
	t.Parallel()
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), `"p59"`) {
			t.Errorf("MetricsOf with a typo: recovered %v, want a panic naming it", r)
		}
	}()
	MetricsOf(map[string]float64{"p59": 1})
}

func TestMetricsNonFinite(t *testing.T) {
	t.Parallel()
	m := MetricsOf(map[string]float64{"p95": math.NaN(), "p99": math.Inf(1), "min_rt": math.Inf(-1), "requests": 0})
	if v, ok := m.Get("p95"); !ok || !math.IsNaN(v) {
		t.Errorf("Get(p95) = %v, %v; want NaN, true (set, not a number)", v, ok)
	}
	if m.Len() != 4 {
		t.Errorf("Len() = %d, want 4", m.Len())
	}
	if got := string(m.AppendJSON(nil)); got != `{"requests":0}` {
		t.Errorf("JSON = %s, want non-finite values left out", got)
	}
}

func TestMetricsUnmarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     Metrics
		err      bool
	}{
		{"object", `{"p95": 300, "requests": 1e6}`, MetricsOf(map[string]float64{"p95": 300, "requests": 1e6}), false},
		{"empty", `{}`, Metrics{}, false},
		{"null keeps the value", `null`, MetricsOf(map[string]float64{"tps": 1}), false},
		{"unknown names are skipped", `{"p95": 1, "p42": 2}`, MetricsOf(map[string]float64{"p95": 1}), false},
		{"not a number", `{"p95": "fast"}`, MetricsOf(map[string]float64{"tps": 1}), true},
		{"not an object", `[1]`, MetricsOf(map[string]float64{"tps": 1}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := MetricsOf(map[string]float64{"tps": 1})
			err := json.Unmarshal([]byte(tt.in), &m)
			if (err != nil) != tt.err {
				t.Fatalf("error %v, want error %v", err, tt.err)
			}
			if m != tt.want {
				t.Errorf("decoded %v, want %v", m, tt.want)
			}
		})
	}
}
