package gates

import (
	"math"
	"time"
)

// CPTSField maps one CPTS report field to a metric.
type CPTSField struct {
	// Field is the report's JSON field name, e.g. "tp95".
	Field string
	// Metric is the metric name, e.g. "p95".
	Metric string
	// Scale multiplies the reported value into the metric's canonical unit
	// (1000 for outline.duration, reported in seconds).
	Scale float64
}

// cptsFields is the mapping table: every field of a report row
// (PerformanceInfo / DetailDataInfo) plus the aliases of the report outline.
var cptsFields = []CPTSField{
	{"averageRespTime", "avg_rt", 1},
	{"min", "min_rt", 1},
	{"max", "max_rt", 1},
	{"tp50", "p50", 1},
	{"tp75", "p75", 1},
	{"tp90", "p90", 1},
	{"tp95", "p95", 1},
	{"tp99", "p99", 1},
	{"tp999", "p99.9", 1},
	{"tp9999", "p99.99", 1},
	{"tps", "tps", 1},
	{"successRate", "success_rate", 1},
	{"successCount", "successes", 1},
	{"errorCount", "errors", 1},
	{"requests", "requests", 1},
	{"failedAssert", "failed_assert", 1},
	{"failedTimeout", "failed_timeout", 1},
	{"failedRefused", "failed_refused", 1},
	{"failedParsed", "failed_parsed", 1},
	{"failedOthers", "failed_others", 1},
	{"sum1xx", "http_1xx", 1},
	{"sum2xx", "http_2xx", 1},
	{"sum3xx", "http_3xx", 1},
	{"sum4xx", "http_4xx", 1},
	{"sum5xx", "http_5xx", 1},
	{"avgRecBytes", "avg_recv_bytes", 1},
	{"avgSentBytes", "avg_sent_bytes", 1},
	{"maxRecBytes", "max_recv_bytes", 1},
	{"maxSentBytes", "max_sent_bytes", 1},
	{"currentThreadNum", "max_concurrency", 1},
	{"vum", "vum", 1},
	{"transactions", "transactions", 1},
	{"tranTPS", "transaction_tps", 1},
	{"transactionalSuccessRate", "transaction_success_rate", 1},
	{"errorEventsCount", "error_events", 1},
	// Outline (run summary) spellings.
	{"avgResponseTime", "avg_rt", 1},
	{"maxUsers", "max_concurrency", 1},
	{"duration", "duration", 1000},
}

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
//   - success_rate = successes / requests × 100 when successRate is absent;
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
