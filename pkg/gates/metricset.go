package gates

import (
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// Metrics holds the figures of a run, a case or a request by catalogue metric
// (see Catalog), in canonical units: time in milliseconds, rates in percent
// (0–100), throughput per second, sizes in bytes, counts plain and duration
// in milliseconds. A metric that is not set means "not reported", which is
// different from zero.
//
// Metrics is a small value, not a map: one float64 slot per catalogue metric
// and a presence mask, no pointer (a big run holds tens of thousands of
// them). The zero value is empty and ready to use; a copy is independent of
// the original. Only catalogue metrics can be stored: Set refuses any other
// name. A metric may be set to NaN or ±Inf; Get reports such a value as set,
// the evaluation treats NaN as not reported and the JSON encoding leaves
// non-finite values out.
type Metrics struct {
	vals [numMetrics]float64 // by catalogue position; 0 where not set
	has  uint64              // bit i set: catalog[i] is set
}

// MetricsOf builds Metrics from a map literal keyed by metric name. It is
// meant for literals in tests and fixed tables, where a name outside the
// catalogue is a typo: it panics on one.
func MetricsOf(m map[string]float64) Metrics {
	var out Metrics
	for name, v := range m {
		if !out.Set(name, v) {
			panic(fmt.Sprintf("gates.MetricsOf: unknown metric %q (the catalogue's metrics: %s)", name, strings.Join(metricNames(), ", ")))
		}
	}
	return out
}

// Get returns the value of a metric and whether it is set; an unknown name is
// not set.
func (m Metrics) Get(name string) (float64, bool) {
	i, ok := metricIndex[name]
	if !ok {
		return 0, false
	}
	return m.at(i)
}

// Set stores the value of a catalogue metric and reports true. A name outside
// the catalogue is not stored: Set returns false and leaves m unchanged.
func (m *Metrics) Set(name string, v float64) bool {
	i, ok := metricIndex[name]
	if !ok {
		return false
	}
	m.setAt(i, v)
	return true
}

// Has reports whether a metric is set.
func (m Metrics) Has(name string) bool {
	i, ok := metricIndex[name]
	return ok && m.has&(1<<i) != 0
}

// Len returns the number of metrics set.
func (m Metrics) Len() int { return bits.OnesCount64(m.has) }

// IsZero reports whether no metric is set (encoding/json's omitzero uses it).
func (m Metrics) IsZero() bool { return m.has == 0 }

// Each calls fn with every metric set, in catalogue order.
func (m Metrics) Each(fn func(name string, v float64)) {
	for has := m.has; has != 0; has &= has - 1 {
		i := bits.TrailingZeros64(has)
		fn(catalog[i].Name, m.vals[i])
	}
}

// String writes the metrics set, in catalogue order, for messages and test
// failures: "{p95: 300, requests: 10}".
func (m Metrics) String() string {
	var b strings.Builder
	b.WriteByte('{')
	m.Each(func(name string, v float64) {
		if b.Len() > 1 {
			b.WriteString(", ")
		}
		b.WriteString(name)
		b.WriteString(": ")
		b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	})
	b.WriteByte('}')
	return b.String()
}

// at returns the metric at catalogue position i.
func (m *Metrics) at(i int) (float64, bool) {
	return m.vals[i], m.has&(1<<i) != 0
}

// setAt stores the metric at catalogue position i.
func (m *Metrics) setAt(i int, v float64) {
	m.vals[i] = v
	m.has |= 1 << i
}

// jsonKeys are the catalogue names quoted as JSON object keys, colon
// included.
var jsonKeys = func() [numMetrics]string {
	var keys [numMetrics]string
	for i, info := range catalog {
		keys[i] = strconv.Quote(info.Name) + ":"
	}
	return keys
}()

// AppendJSON appends m as a JSON object to b and returns the extended slice:
// the metrics set in catalogue order, numbers as strconv's shortest 'g' form,
// non-finite values left out (JSON has no NaN). MarshalJSON writes the same
// bytes.
func (m Metrics) AppendJSON(b []byte) []byte {
	b = append(b, '{')
	first := true
	for has := m.has; has != 0; has &= has - 1 {
		i := bits.TrailingZeros64(has)
		v := m.vals[i]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, jsonKeys[i]...)
		b = strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	return append(b, '}')
}

// MarshalJSON encodes m as AppendJSON does.
func (m Metrics) MarshalJSON() ([]byte, error) {
	return m.AppendJSON(make([]byte, 0, 2+24*m.Len())), nil
}

// UnmarshalJSON decodes an object of metric figures, replacing m; null leaves
// m unchanged. Names outside the catalogue (a result file written by a later
// version) are skipped, like unknown fields of a struct; a value that is not
// a number is an error.
func (m *Metrics) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	var raw map[string]float64
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("decode metrics: %w", err)
	}
	*m = Metrics{}
	for name, v := range raw {
		m.Set(name, v)
	}
	return nil
}
