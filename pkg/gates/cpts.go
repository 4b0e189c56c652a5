package gates

import (
	"math"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
)

// CPTSField maps one CPTS report field to a metric: cpts.MetricField, the
// table that lives beside the CPTS client.
type CPTSField = cpts.MetricField

// cptsFields is the mapping table, owned by the cpts package.
var cptsFields = cpts.MetricTable()

// cptsTarget is where a CPTS field goes: a catalogue position and a scale.
type cptsTarget struct {
	idx   int
	scale float64
}

// cptsByField indexes cptsFields by field name for AddCPTS.
var cptsByField = func() map[string]cptsTarget {
	m := make(map[string]cptsTarget, len(cptsFields))
	for _, f := range cptsFields {
		if _, dup := m[f.Field]; dup {
			panic("gates: CPTS field " + f.Field + " is listed twice")
		}
		m[f.Field] = cptsTarget{idx: mustIndex(f.Metric), scale: f.Scale}
	}
	return m
}()

// CPTSFields returns the table that maps CPTS report fields to metrics (a
// fresh copy). It covers every field of a report row (`performance` and
// `detailDatas[]`) and the outline's avgResponseTime, maxUsers and duration.
// error_rate has no field: FromCPTS derives it.
func CPTSFields() []CPTSField {
	out := make([]CPTSField, len(cptsFields))
	copy(out, cptsFields)
	return out
}

// MetricFromCPTS returns the metric a CPTS report field maps to and the
// scale into canonical units; ok is false for fields no metric uses.
func MetricFromCPTS(field string) (metric string, scale float64, ok bool) {
	f, ok := cptsByField[field]
	if !ok {
		return "", 0, false
	}
	return catalog[f.idx].Name, f.scale, true
}

// FromCPTS converts report fields keyed by their CPTS JSON name (as returned
// by the cpts package's Fields methods) into Metrics: mapped through
// CPTSFields, scaled, NaN and unknown fields dropped. It then completes what
// the report leaves implicit:
//
//   - requests = successes + errors when requests is absent;
//   - success_rate = successes / requests × 100 when the report has none;
//   - error_rate = errors / requests × 100 when requests > 0, else
//     100 − success_rate.
func FromCPTS(fields map[string]float64) Metrics {
	var m Metrics
	for name, v := range fields {
		AddCPTS(&m, name, v)
	}
	complete(&m)
	return m
}

// AddCPTS adds one CPTS report field to m, mapped and scaled as FromCPTS does
// (a table lookup, then a store by catalogue position); unknown fields and
// NaN are dropped. Call Complete once every field is in.
func AddCPTS(m *Metrics, field string, v float64) {
	f, ok := cptsByField[field]
	if !ok || math.IsNaN(v) {
		return
	}
	m.setAt(f.idx, v*f.scale)
}

// Complete derives what the report leaves implicit (requests, success_rate, error_rate), as
// FromCPTS does, in metrics built with AddCPTS.
func Complete(m *Metrics) { complete(m) }

// complete derives requests, success_rate and error_rate where the report
// left them out.
func complete(m *Metrics) {
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
