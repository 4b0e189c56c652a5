package gates

import (
	"fmt"
	"math"
	"strings"
)

// Implausible is one figure of a report that cannot be true: a negative time or count, a rate
// outside 0–100, more successes than requests, response times out of order. A run with one is
// judged by nothing: its gates are shown, but it never passes.
type Implausible struct {
	// Case is the case the figure belongs to; "" for the run's overall figures.
	Case string
	// Request is the request of the case; "" for a case's own figures.
	Request string
	// Metric is the catalogue name of the figure, e.g. "p95".
	Metric string
	// Value is the figure as reported, in the metric's canonical unit.
	Value float64
	// Reason says why it cannot be true, e.g. "is negative" or "is above max_rt = 20 ms".
	Reason string
}

// Error names the figure, where it is, its value and why it cannot be true:
// `case "checkout", request "pay": p95 = -1000 ms is negative`.
func (p Implausible) Error() string {
	var where string
	switch {
	case p.Case == "" && p.Request == "":
		where = "overall"
	case p.Request == "":
		where = fmt.Sprintf("case %q", p.Case)
	default:
		where = fmt.Sprintf("case %q, request %q", p.Case, p.Request)
	}
	return fmt.Sprintf("%s: %s = %s %s", where, p.Metric, figure(p.Metric, p.Value), p.Reason)
}

// figure writes a value with its metric's unit: "-1000 ms", "250%", "12".
func figure(metric string, v float64) string {
	info, _ := Lookup(metric)
	return FormatWithUnit(v, info.Unit)
}

// Plausibility tolerances. Rates may exceed their bounds by float noise only. Times out of order
// are tolerated up to 1 ms plus 1% of the larger figure: CPTS reports whole or rounded
// milliseconds and may estimate percentiles from buckets, so p99 a hair above max is rounding, a
// p95 of -1000 ms or a p50 above p99 by seconds is not. Counts are whole: no tolerance.
const (
	rateSlack    = 0.01 // percentage points beyond 0 and 100
	orderSlackMS = 1.0  // ms
	orderSlack   = 0.01 // of the larger figure
)

// orderedTimes are the response-time figures that must not decrease, in order.
var orderedTimes = []string{"min_rt", "p50", "p75", "p90", "p95", "p99", "p99.9", "p99.99", "max_rt"}

// CheckPlausible returns every implausible figure of the run: of each case, of each request and
// of the overall figures the unscoped gates are evaluated on. None means the report may be
// judged.
func CheckPlausible(run Run) []Implausible {
	var out []Implausible
	for i := range run.Cases {
		c := &run.Cases[i]
		out = appendImplausible(out, c.Name, "", &c.Metrics)
		for j := range c.Requests {
			out = appendImplausible(out, c.Name, c.Requests[j].Name, &c.Requests[j].Metrics)
		}
	}
	if len(run.Cases) > 0 {
		overall := Aggregate(run.Cases)
		out = appendImplausible(out, "", "", &overall)
	}
	return out
}

// PlausibilityError joins problems into one error naming the first few; nil when there is none.
func PlausibilityError(problems []Implausible) error {
	if len(problems) == 0 {
		return nil
	}
	const shown = 5
	parts := make([]string, 0, shown)
	for i, p := range problems {
		if i == shown {
			break
		}
		parts = append(parts, p.Error())
	}
	msg := "the report has implausible figures: " + strings.Join(parts, "; ")
	if len(problems) > shown {
		msg += fmt.Sprintf("; and %d more", len(problems)-shown)
	}
	return &ImplausibleError{Problems: problems, msg: msg}
}

// ImplausibleError is a report with implausible figures.
type ImplausibleError struct {
	// Problems are every implausible figure found.
	Problems []Implausible
	msg      string
}

// Error lists the first few problems.
func (e *ImplausibleError) Error() string { return e.msg }

// appendImplausible checks one set of figures.
func appendImplausible(out []Implausible, caseName, request string, m *Metrics) []Implausible {
	add := func(metric string, v float64, reason string, a ...any) {
		out = append(out, Implausible{Case: caseName, Request: request, Metric: metric, Value: v, Reason: fmt.Sprintf(reason, a...)})
	}
	m.Each(func(name string, v float64) {
		info := byName[name]
		switch {
		case math.IsNaN(v): // not reported
		case math.IsInf(v, 0):
			add(name, v, "is not a finite number")
		case info.Dimension == DimRate && (v < -rateSlack || v > 100+rateSlack):
			add(name, v, "is outside 0–100%%")
		case v < 0:
			add(name, v, "is negative")
		}
	})
	req, hasReq := m.Get("requests")
	for _, name := range []string{"successes", "errors"} {
		if v, ok := m.Get(name); ok && hasReq && v > req {
			add(name, v, "is above requests = %s", FormatFigure(req))
		}
	}
	if hasReq && req == 0 {
		return out // no request: the response times are meaningless zeros
	}
	// Each time figure the report gives must not be above the next one it gives (a figure left
	// out does not break the chain).
	prev, pv := "", 0.0
	for _, name := range orderedTimes {
		v, ok := finite(m, name)
		if !ok {
			continue
		}
		if prev != "" && pv-v > orderSlackMS+orderSlack*math.Max(math.Abs(pv), math.Abs(v)) {
			add(prev, pv, "is above %s = %s", name, figure(name, v))
		}
		prev, pv = name, v
	}
	if avg, ok := finite(m, "avg_rt"); ok {
		if lo, ok := finite(m, "min_rt"); ok && lo-avg > orderSlackMS+orderSlack*math.Abs(lo) {
			add("avg_rt", avg, "is below min_rt = %s", figure("min_rt", lo))
		}
		if hi, ok := finite(m, "max_rt"); ok && avg-hi > orderSlackMS+orderSlack*math.Abs(avg) {
			add("avg_rt", avg, "is above max_rt = %s", figure("max_rt", hi))
		}
	}
	return out
}

// finite returns a metric when it is set to a finite value.
func finite(m *Metrics, name string) (float64, bool) {
	v, ok := m.Get(name)
	return v, ok && !math.IsNaN(v) && !math.IsInf(v, 0)
}
