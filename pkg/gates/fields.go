package gates

import (
	"fmt"
	"math"
	"time"
)

// FieldMetric maps one field of a report format to a catalogue metric.
type FieldMetric struct {
	// Field is the format's field name.
	Field string
	// Metric is the catalogue metric the field carries, e.g. "p95".
	Metric string
	// Scale multiplies the reported value into the metric's canonical unit
	// (1000 for a time reported in seconds).
	Scale float64
}

// FieldMap maps the field names of one report format to catalogue metrics.
// The package that reads the format builds it (pkg/api/cpts for CPTS
// reports); gates itself knows no format's field names. A FieldMap is
// immutable once built and safe for concurrent use.
type FieldMap struct {
	format  string
	byField map[string]fieldTarget
}

// fieldTarget is where a field goes: a catalogue position and a scale.
type fieldTarget struct {
	idx   int
	scale float64
}

// NewFieldMap builds the FieldMap of a report format (format names it in
// messages, e.g. "CPTS") from its rows. It fails on a field listed twice, a
// metric the catalogue lacks or a scale that is not a positive finite number.
func NewFieldMap(format string, rows []FieldMetric) (*FieldMap, error) {
	fm := &FieldMap{format: format, byField: make(map[string]fieldTarget, len(rows))}
	for _, r := range rows {
		if _, dup := fm.byField[r.Field]; dup {
			return nil, fmt.Errorf("%s field %s is listed twice", format, r.Field)
		}
		i, ok := metricIndex[r.Metric]
		if !ok {
			return nil, fmt.Errorf("%s field %s maps to %q, which is not a metric of the catalogue", format, r.Field, r.Metric)
		}
		if !(r.Scale > 0) || math.IsInf(r.Scale, 0) {
			return nil, fmt.Errorf("%s field %s has scale %v; want a positive finite number", format, r.Field, r.Scale)
		}
		fm.byField[r.Field] = fieldTarget{idx: i, scale: r.Scale}
	}
	return fm, nil
}

// Format names the report format, e.g. "CPTS".
func (fm *FieldMap) Format() string { return fm.format }

// Metric returns the metric a field maps to and the scale into canonical
// units; ok is false for fields no metric uses.
func (fm *FieldMap) Metric(field string) (metric string, scale float64, ok bool) {
	f, ok := fm.byField[field]
	if !ok {
		return "", 0, false
	}
	return catalog[f.idx].Name, f.scale, true
}

// metricOf returns the metric a field maps to; a nil FieldMap maps nothing.
func (fm *FieldMap) metricOf(field string) (string, bool) {
	if fm == nil {
		return "", false
	}
	m, _, ok := fm.Metric(field)
	return m, ok
}

// Add adds one report field to m, mapped and scaled (a table lookup, then a
// store by catalogue position); unknown fields and NaN are dropped. Call
// Complete once every field is in.
func (fm *FieldMap) Add(m *Metrics, field string, v float64) {
	f, ok := fm.byField[field]
	if !ok || math.IsNaN(v) {
		return
	}
	m.setAt(f.idx, v*f.scale)
}

// Metrics converts report fields keyed by the format's field names into
// Metrics: each added as Add does, then completed as Complete does.
func (fm *FieldMap) Metrics(fields map[string]float64) Metrics {
	var m Metrics
	for name, v := range fields {
		fm.Add(&m, name, v)
	}
	Complete(&m)
	return m
}

// Complete derives what a report leaves implicit, in metrics built with
// FieldMap.Add:
//
//   - requests = successes + errors when requests is absent;
//   - success_rate = successes / requests × 100 when the report has none;
//   - error_rate = errors / requests × 100 when requests > 0, else
//     100 − success_rate.
func Complete(m *Metrics) {
	succ, hasSucc := m.at(idxSuccesses)
	errs, hasErr := m.at(idxErrors)
	if _, ok := m.at(idxRequests); !ok && hasSucc && hasErr {
		m.setAt(idxRequests, succ+errs)
	}
	req, hasReq := m.at(idxRequests)
	if _, ok := m.at(idxSuccessRate); !ok && hasReq && req > 0 && hasSucc {
		m.setAt(idxSuccessRate, succ/req*100)
	}
	if _, ok := m.at(idxErrorRate); ok {
		return
	}
	switch sr, hasSR := m.at(idxSuccessRate); {
	case hasReq && req > 0 && hasErr:
		m.setAt(idxErrorRate, errs/req*100)
	case hasSR:
		m.setAt(idxErrorRate, 100-sr)
	}
}

// MillisBetween returns the milliseconds from start to end, both RFC 3339
// or "2006-01-02 15:04:05" (UTC) as CPTS reports them: the per-case
// duration metric. ok is false when either is missing, unreadable, or end is
// before start.
func MillisBetween(start, end string) (ms float64, ok bool) {
	s, ok1 := parseTime(start)
	e, ok2 := parseTime(end)
	if !ok1 || !ok2 || e.Before(s) {
		return 0, false
	}
	return float64(e.Sub(s)) / float64(time.Millisecond), true
}

func parseTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
