package gates

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Gate is one threshold on a metric: the parsed form of a line such as
// `warn: case "Checkout": p95 <= baseline + 10%, abort after 60s`.
type Gate struct {
	// Text is the gate as written (the inline text, or the normalised text
	// for a gate written as a YAML map).
	Text string
	// Name labels the gate in reports; it defaults to String() and a YAML
	// gates file may set it.
	Name string
	// Scope says which figures the gate reads: overall, one case, or one
	// request.
	Scope Scope
	// Metric is a catalogue name, e.g. "p95".
	Metric string
	// Op compares the measured value (left) with the limit (right).
	Op Op
	// Value is the limit in the metric's canonical unit; unused when
	// Baseline is set.
	Value float64
	// Unit is the unit Value is shown in by String() ("s" for `p99 <= 1s`);
	// it is the metric's canonical unit when the value was written without
	// one or cannot be shown exactly in the unit it was written in.
	Unit string
	// Baseline, when set, makes the limit relative to the same metric in a
	// baseline run.
	Baseline *Baseline
	// Severity says whether a lost gate fails the step or only warns.
	Severity Severity
	// Abort asks for the run to be stopped early when the gate is lost on
	// the live report (see CheckAbort).
	Abort bool
	// AbortAfter is the grace period from the start of the run before Abort
	// applies; it is a whole number of milliseconds.
	AbortAfter time.Duration
}

// Baseline is the limit of a baseline gate: the metric's value in the
// baseline run, moved by Delta.
type Baseline struct {
	// Relative is true when Delta is a percentage of the baseline value
	// (`baseline + 10%`), false when it is an absolute amount in the
	// metric's canonical unit (`baseline + 20ms`, `baseline - 1pp`).
	Relative bool
	// Delta is signed: `baseline - 5%` is Relative with Delta -5.
	Delta float64
	// Unit is the unit an absolute Delta is shown in ("" when Delta is 0 or
	// the metric is a count; "%" when Relative).
	Unit string
	// Trend makes the reference the median of the trend window
	// (`trend median + 15%`) instead of a baseline run; see Trend.
	Trend bool
}

// Limit returns the effective threshold for a baseline value.
func (b Baseline) Limit(base float64) float64 {
	if b.Relative {
		return base * (1 + b.Delta/100)
	}
	return base + b.Delta
}

// String returns the baseline expression, e.g. "baseline + 10%"; an absolute
// Delta is shown in Unit.
func (b Baseline) String() string {
	word := "baseline"
	if b.Trend {
		word = "trend median"
	}
	if b.Delta == 0 && !b.Relative {
		return word
	}
	sign := " + "
	if b.Delta < 0 {
		sign = " - "
	}
	if b.Relative {
		return word + sign + formatNumber(math.Abs(b.Delta)) + "%"
	}
	return word + sign + formatNumber(math.Abs(b.Delta)/unitFactor(b.Unit)) + b.Unit
}

// ScopeKind says which figures a gate reads.
type ScopeKind int

const (
	// ScopeOverall reads the run's aggregate (see Aggregate).
	ScopeOverall ScopeKind = iota
	// ScopeCase reads one case, matched by exact name.
	ScopeCase
	// ScopeRequest reads one request, matched by exact name, within
	// Scope.Case when set, else across every case (the worst one counts).
	ScopeRequest
)

// Scope is the part of a run a gate reads.
type Scope struct {
	// Kind is overall, case or request.
	Kind ScopeKind
	// Case is the case name (ScopeCase; optional for ScopeRequest).
	Case string
	// Request is the request name (ScopeRequest).
	Request string
	// Task, when set, limits the gate to the run of the task of that name or id in a step that
	// runs several tasks (`task "checkout": p95 <= 800ms`); it composes with the kinds above.
	// Evaluate ignores it: the caller gives each run its gates.
	Task string
}

// String returns the scope as written in a gate without the colon:
// `case "Checkout"`, `request "POST /cart"`, `case "C" request "R"`, or
// "overall".
func (s Scope) String() string {
	if s.Task != "" {
		t := "task " + strconv.Quote(s.Task)
		if s.Kind == ScopeOverall {
			return t
		}
		return t + " " + Scope{Kind: s.Kind, Case: s.Case, Request: s.Request}.String()
	}
	switch s.Kind {
	case ScopeCase:
		return "case " + strconv.Quote(s.Case)
	case ScopeRequest:
		if s.Case != "" {
			return "case " + strconv.Quote(s.Case) + " request " + strconv.Quote(s.Request)
		}
		return "request " + strconv.Quote(s.Request)
	}
	return "overall"
}

// Op is a comparison operator: the gate holds when `value Op limit`.
type Op string

// The operators.
const (
	OpLT Op = "<"
	OpLE Op = "<="
	OpGT Op = ">"
	OpGE Op = ">="
	OpEQ Op = "=="
	OpNE Op = "!="
)

// ops lists the operators in display order.
var ops = []string{"<", "<=", ">", ">=", "==", "!="}

// Holds reports whether `v o limit` is true. An unknown operator never
// holds.
func (o Op) Holds(v, limit float64) bool {
	switch o {
	case OpLT:
		return v < limit
	case OpLE:
		return v <= limit
	case OpGT:
		return v > limit
	case OpGE:
		return v >= limit
	case OpEQ:
		return v == limit
	case OpNE:
		return v != limit
	}
	return false
}

// Severity says what a lost gate does to the step.
type Severity int

const (
	// SeverityFail (the default) fails the step.
	SeverityFail Severity = iota
	// SeverityWarn only warns (`warn:` prefix).
	SeverityWarn
)

// String returns "fail" or "warn".
func (s Severity) String() string {
	if s == SeverityWarn {
		return "warn"
	}
	return "fail"
}

// String returns the gate in normalised inline syntax; it parses back to the
// same gate (except Text, and Name when a YAML file set one):
//
//	[warn: ][case "C" ][request "R"]: metric op value[unit][, abort[ after D]]
//
// Values carry their unit explicitly, names are Go-quoted, and spacing is
// fixed.
func (g Gate) String() string {
	var b strings.Builder
	if g.Severity == SeverityWarn {
		b.WriteString("warn: ")
	}
	if g.Scope.Kind != ScopeOverall || g.Scope.Task != "" {
		b.WriteString(g.Scope.String())
		b.WriteString(": ")
	}
	b.WriteString(g.Metric)
	b.WriteByte(' ')
	b.WriteString(string(g.Op))
	b.WriteByte(' ')
	if g.Baseline != nil {
		b.WriteString(normBaseline(dimOf(g.Metric), *g.Baseline).String())
	} else {
		b.WriteString(formatAmount(g.Value, displayUnit(dimOf(g.Metric), g.Value, g.Unit, false)))
	}
	if g.Abort {
		b.WriteString(", abort")
		if g.AbortAfter > 0 {
			b.WriteString(" after ")
			b.WriteString(formatDuration(g.AbortAfter))
		}
	}
	return b.String()
}

// dimOf returns the dimension of a metric (DimCount for unknown names).
func dimOf(metric string) Dimension {
	if m, ok := byName[metric]; ok {
		return m.Dimension
	}
	return DimCount
}

// unitFactor returns the canonical units per unit u (1 for "" and unknown
// units).
func unitFactor(u string) float64 {
	if info, ok := lookupUnit(u); ok {
		return info.factor
	}
	return 1
}

// canonicalUnit is the unit a value of dimension d is shown in by default;
// an absolute baseline delta on a rate is in percentage points.
func canonicalUnit(d Dimension, delta bool) string {
	if delta && d == DimRate {
		return "pp"
	}
	return d.Unit()
}

// displayUnit returns the unit v is shown in: u when it fits the dimension
// and v/factor×factor == v exactly (so the printed text parses back to v),
// else the canonical unit. Parse and String both use it, which makes
// String() a fixed point.
func displayUnit(d Dimension, v float64, u string, delta bool) string {
	canon := canonicalUnit(d, delta)
	info, ok := lookupUnit(u)
	if !ok || info.dim != d || info.delta != (delta && d == DimRate) {
		return canon
	}
	if info.name == canon || (v/info.factor)*info.factor == v {
		return info.name
	}
	return canon
}

// normBaseline fixes the display unit of a baseline: "%" when relative, ""
// for a zero absolute delta, else displayUnit of the delta.
func normBaseline(d Dimension, b Baseline) Baseline {
	if b.Delta == 0 {
		b.Delta = 0 // no negative zero
	}
	switch {
	case b.Relative:
		b.Unit = "%"
	case b.Delta == 0:
		b.Unit = ""
	default:
		b.Unit = displayUnit(d, math.Abs(b.Delta), b.Unit, true)
	}
	return b
}

// formatAmount writes v (canonical units) in unit u, e.g. "1s", "99.5%".
func formatAmount(v float64, u string) string {
	return formatNumber(v/unitFactor(u)) + u
}

// formatNumber writes a number in the shortest decimal form that parses
// back to it, never in exponent form.
func formatNumber(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// formatDuration writes a whole-millisecond duration in the largest unit
// that divides it: "2h", "90s", "1500ms".
func formatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	case d%time.Millisecond == 0:
		return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
	}
	return formatNumber(float64(d)/float64(time.Millisecond)) + "ms"
}
