package gates

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Verdict is the outcome of one gate.
type Verdict int

const (
	// Pass: the gate holds.
	Pass Verdict = iota
	// Fail: the gate is lost, or it cannot be evaluated on the current run
	// (scope not found, metric not reported, baseline required but missing);
	// the step fails.
	Fail
	// Warn: a warn: gate is lost or cannot be evaluated; the step does not
	// fail.
	Warn
	// Skip: a baseline gate had no baseline value to compare with, or a
	// trend gate too short a window.
	Skip
)

// String returns "passed", "failed", "warned" or "skipped".
func (v Verdict) String() string {
	switch v {
	case Pass:
		return "passed"
	case Fail:
		return "failed"
	case Warn:
		return "warned"
	case Skip:
		return "skipped"
	}
	return "unknown"
}

// EvalOptions tunes Evaluate.
type EvalOptions struct {
	// BaselineRequired fails, instead of skipping, a baseline gate that has
	// no baseline value (no baseline run, or the metric or scope missing in
	// it).
	BaselineRequired bool
	// Trend is the window trend gates compare with; nil skips them.
	Trend *Trend
}

// TrendMetrics are the overall figures a trend is kept of, and the metrics a
// trend gate may read.
var TrendMetrics = []string{"p95", "avg_rt", "tps", "error_rate"}

// MinTrendRuns is the fewest runs a trend gate takes the median of; with
// fewer the gate is skipped (or fails when a baseline is required).
const MinTrendRuns = 3

// Trend is the window of earlier runs a trend gate compares with.
type Trend struct {
	// Window is the number of earlier runs the window holds (read, with
	// requests).
	Window int
	// Values holds, per metric of TrendMetrics, the overall value of every
	// earlier run of the window that passes today's non-trend, non-baseline
	// gates.
	Values map[string][]float64
}

// Median returns the median of metric over the qualifying runs and their
// number; ok is false when fewer than MinTrendRuns qualify.
func (t *Trend) Median(metric string) (median float64, n int, ok bool) {
	if t == nil {
		return 0, 0, false
	}
	vs := slices.Clone(t.Values[metric])
	n = len(vs)
	if n < MinTrendRuns {
		return 0, n, false
	}
	slices.Sort(vs)
	if n%2 == 1 {
		return vs[n/2], n, true
	}
	return (vs[n/2-1] + vs[n/2]) / 2, n, true
}

// Evaluation is the outcome of one gate: its verdict, the measured value and the limit.
type Evaluation struct {
	// Gate is the gate evaluated.
	Gate Gate
	// Verdict is the outcome.
	Verdict Verdict
	// Value is the measured value in canonical units; valid when Measured.
	Value float64
	// Measured is false when the value could not be read (scope not found,
	// metric not reported).
	Measured bool
	// Limit is the effective threshold in canonical units (for a baseline
	// gate, the baseline value moved by the delta); valid when HasLimit.
	Limit float64
	// HasLimit is false when a baseline gate had no baseline value.
	HasLimit bool
	// Unit is the metric's canonical unit ("ms", "%", "/s", "B" or "").
	Unit string
	// Case is the case the value was read from, for scoped gates (the worst
	// case for a request matched across cases).
	Case string
	// BaselineValue is the metric in the baseline run, when read.
	BaselineValue *float64
	// BaselineRunID is the baseline run's id when BaselineValue is set.
	BaselineRunID int64
	// Message explains the verdict for people, e.g.
	// `p95 = 812 ms, limit <= 750 ms (baseline 682 ms in run 17 + 10%)`.
	Message string
}

// NoDataGate is the synthetic gate Evaluate fails when the run produced no
// requests.
var NoDataGate = Gate{Text: "requests > 0", Name: "run produced requests", Metric: "requests", Op: OpGT}

// Evaluate evaluates every gate on the current run, comparing baseline gates
// with base (nil when there is no baseline run). Results are in gate order,
// preceded by a failing NoDataGate result when the run produced no requests
// (NoData): such a run never passes, whatever the gates.
//
// Unscoped gates read Aggregate(cur.Cases). A case scope matches case names
// exactly; a request scope matches request names exactly within its case,
// or across every case when it names none. When several cases (or requests)
// match, the worst value counts — the largest for < and <=, the smallest
// for > and >=, the first that fails for == and != — and the message names
// the case. A baseline gate reads its baseline value from the same scope of
// base, picking the worst there the same way.
//
// A scope that is not found or a metric that is not reported fails the gate
// (the message lists the names available). A baseline gate without a
// baseline value is skipped with the reason in its message, or fails when
// opt.BaselineRequired. A warn: gate that would fail warns instead.
func Evaluate(gs []Gate, cur Run, base *Run, opt EvalOptions) []Evaluation {
	e := &evaluator{cur: &runView{run: cur}, opt: opt}
	if base != nil {
		e.base = &runView{run: *base}
	}
	out := make([]Evaluation, 0, len(gs)+1)
	if NoData(cur) {
		out = append(out, noDataResult(cur))
	}
	for _, g := range gs {
		out = append(out, e.eval(g))
	}
	return out
}

// NoData reports whether the run produced no requests: no case, or every
// case reports 0 requests (its own figure, else successes + errors, else
// the sum of its requests' figures).
func NoData(run Run) bool {
	return runRequests(run) <= 0
}

func runRequests(run Run) float64 {
	var total float64
	for i := range run.Cases {
		c := &run.Cases[i]
		r := requestsOf(&c.Metrics)
		if math.IsNaN(r) {
			r = 0
			for j := range c.Requests {
				if x := requestsOf(&c.Requests[j].Metrics); !math.IsNaN(x) {
					r += x
				}
			}
		}
		total += r
	}
	return total
}

func noDataResult(run Run) Evaluation {
	why := "no case reported a request"
	if len(run.Cases) == 0 {
		why = "the run has no case report"
	}
	return Evaluation{Gate: NoDataGate, Verdict: Fail, Measured: true, HasLimit: true,
		Message: fmt.Sprintf("run %d produced no requests (%s): a run without data never passes", run.ID, why)}
}

// Passed reports whether no result failed (warnings and skips pass).
func Passed(results []Evaluation) bool {
	for _, r := range results {
		if r.Verdict == Fail {
			return false
		}
	}
	return true
}

// runView indexes a run for evaluation; the aggregate, the case index and
// the position of each request name are computed on first use.
type runView struct {
	run     Run
	agg     Metrics
	aggDone bool // agg is computed
	cases   map[string][]int
	reqs    map[string][][2]int // request name → (case, request) indexes, filled per name
	indexed bool
}

func (v *runView) overall() *Metrics {
	if !v.aggDone {
		v.agg, v.aggDone = Aggregate(v.run.Cases), true
	}
	return &v.agg
}

func (v *runView) index() {
	if v.indexed {
		return
	}
	v.indexed = true
	v.cases = make(map[string][]int, len(v.run.Cases))
	v.reqs = make(map[string][][2]int)
	for i, c := range v.run.Cases {
		v.cases[c.Name] = append(v.cases[c.Name], i)
	}
}

// requests returns the (case, request) positions of a request name.
func (v *runView) requests(name string) [][2]int {
	v.index()
	if pos, ok := v.reqs[name]; ok {
		return pos
	}
	var pos [][2]int
	for i, c := range v.run.Cases {
		for j := range c.Requests {
			if c.Requests[j].Name == name {
				pos = append(pos, [2]int{i, j})
			}
		}
	}
	v.reqs[name] = pos
	return pos
}

// sample is one candidate value of a scoped gate.
type sample struct {
	v    float64
	ok   bool   // metric reported
	cas  string // case name
	many int    // how many candidates it was picked from
}

// read collects the candidates of a gate's scope. missing is non-empty when
// the scope is not in the run.
func (v *runView) read(g Gate) (ss []sample, missing string) {
	idx, known := metricIndex[g.Metric]
	get1 := func(m *Metrics, cas string) sample {
		if !known {
			return sample{cas: cas}
		}
		x, ok := get(m, idx)
		return sample{v: x, ok: ok, cas: cas}
	}
	switch g.Scope.Kind {
	case ScopeCase:
		v.index()
		for _, i := range v.cases[g.Scope.Case] {
			ss = append(ss, get1(&v.run.Cases[i].Metrics, g.Scope.Case))
		}
		if ss == nil {
			return nil, v.caseMissing(g.Scope.Case)
		}
	case ScopeRequest:
		for _, ij := range v.requests(g.Scope.Request) {
			c := &v.run.Cases[ij[0]]
			if g.Scope.Case != "" && c.Name != g.Scope.Case {
				continue
			}
			ss = append(ss, get1(&c.Requests[ij[1]].Metrics, c.Name))
		}
		if ss != nil {
			break
		}
		var names []string // the requests of the scope's case, or of every case
		for _, c := range v.run.Cases {
			for _, rq := range c.Requests {
				if g.Scope.Case == "" || c.Name == g.Scope.Case {
					names = append(names, rq.Name)
				}
			}
		}
		if g.Scope.Case != "" {
			if _, ok := v.cases[g.Scope.Case]; !ok {
				return nil, v.caseMissing(g.Scope.Case)
			}
			return nil, fmt.Sprintf("request %q not found in case %q%s; its requests: %s", g.Scope.Request, g.Scope.Case, DidYouMean(Suggest(g.Scope.Request, names)), nameList(names))
		}
		return nil, fmt.Sprintf("request %q not found in any case of run %d%s; requests: %s", g.Scope.Request, v.run.ID, DidYouMean(Suggest(g.Scope.Request, names)), nameList(names))
	default:
		return []sample{get1(v.overall(), "")}, ""
	}
	return ss, ""
}

func (v *runView) caseMissing(name string) string {
	names := make([]string, len(v.run.Cases))
	for i, c := range v.run.Cases {
		names[i] = c.Name
	}
	return fmt.Sprintf("case %q not found in run %d%s; cases: %s", name, v.run.ID, DidYouMean(Suggest(name, names)), nameList(names))
}

// nameList quotes distinct names, at most 20, for a message.
func nameList(names []string) string {
	seen := make(map[string]bool, len(names))
	var uniq []string
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			uniq = append(uniq, n)
		}
	}
	if len(uniq) == 0 {
		return "none"
	}
	const maxNames = 20
	if len(uniq) > maxNames {
		return quoteAll(uniq[:maxNames]) + fmt.Sprintf(" and %d more", len(uniq)-maxNames)
	}
	return quoteAll(uniq)
}

// worst picks the candidate that decides the gate among those reporting the
// metric: the largest for < and <=, the smallest for > and >=, the first
// failing one for == and != (when the limit is known), else the first.
// ok is false when none reports the metric.
func worst(ss []sample, op Op, limit float64, haveLimit bool) sample {
	var best sample
	n := 0
	for _, s := range ss {
		if !s.ok {
			continue
		}
		n++
		if n == 1 {
			best = s
			continue
		}
		switch op {
		case OpLT, OpLE:
			if s.v > best.v {
				best = s
			}
		case OpGT, OpGE:
			if s.v < best.v {
				best = s
			}
		default:
			if haveLimit && op.Holds(best.v, limit) && !op.Holds(s.v, limit) {
				best = s
			}
		}
	}
	if n == 0 && len(ss) > 0 {
		best = ss[0]
	}
	best.many = len(ss)
	return best
}

// evaluator evaluates gates on a run and an optional baseline run.
type evaluator struct {
	cur, base *runView
	opt       EvalOptions
}

func (e *evaluator) eval(g Gate) Evaluation {
	info, _ := Lookup(g.Metric)
	r := Evaluation{Gate: g, Unit: info.Unit}
	finish := func(v Verdict, msg string) Evaluation {
		if v == Fail && g.Severity == SeverityWarn {
			v = Warn
		}
		r.Verdict, r.Message = v, msg
		return r
	}
	if info.Name == "" {
		return finish(Fail, fmt.Sprintf("unknown metric %q", g.Metric))
	}
	ss, missing := e.cur.read(g)
	if missing != "" {
		return finish(Fail, missing)
	}
	// The limit of an absolute gate is known before picking the worst
	// candidate; a baseline limit needs the baseline first.
	var (
		baseVal     float64
		baseRead    bool
		baseWhy     string
		limit       = g.Value
		haveLimit   = g.Baseline == nil
		baseDetails string
	)
	trend := g.Baseline != nil && g.Baseline.Trend
	if trend {
		switch m, n, ok := e.opt.Trend.Median(g.Metric); {
		case e.opt.Trend == nil:
			baseWhy = "no trend was read (trend = 0)"
		case !ok:
			baseWhy = fmt.Sprintf("the trend window holds %d earlier run(s) that passed the other gates; a trend median needs %d", n, MinTrendRuns)
		default:
			baseVal, baseRead = m, true
			limit, haveLimit = g.Baseline.Limit(m), true
			baseDetails = fmt.Sprintf(" (trend median %s of %d runs%s)", formatValue(m, info.Dimension), n, deltaText(*g.Baseline, info.Dimension))
		}
	} else if g.Baseline != nil {
		switch {
		case e.base == nil:
			baseWhy = "no baseline run"
		default:
			bs, bmissing := e.base.read(g)
			switch b := worst(bs, g.Op, 0, false); {
			case bmissing != "":
				baseWhy = "baseline run: " + bmissing
			case !b.ok:
				baseWhy = fmt.Sprintf("baseline run %d did not report %s%s", e.base.run.ID, g.Metric, scopeTail(g.Scope))
			default:
				baseVal, baseRead = b.v, true
				limit, haveLimit = g.Baseline.Limit(b.v), true
			}
		}
	}
	cand := worst(ss, g.Op, limit, haveLimit)
	where := wherePrefix(g.Scope, cand)
	r.Case = cand.cas
	if !cand.ok {
		return finish(Fail, fmt.Sprintf("%s%s not reported%s", where, g.Metric, notReportedTail(g.Scope, e.cur.run.ID)))
	}
	r.Value, r.Measured = cand.v, true
	measured := fmt.Sprintf("%s%s = %s", where, g.Metric, formatValue(cand.v, info.Dimension))
	if g.Baseline != nil && !baseRead {
		if e.opt.BaselineRequired && !trend { // a short trend window always skips
			return finish(Fail, fmt.Sprintf("%s; %s and a baseline is required", measured, baseWhy))
		}
		return finish(Skip, fmt.Sprintf("%s; skipped: %s", measured, baseWhy))
	}
	if baseRead {
		r.BaselineValue = &baseVal
	}
	if baseRead && !trend {
		r.BaselineRunID = e.base.run.ID
		baseDetails = fmt.Sprintf(" (baseline %s in run %d%s)", formatValue(baseVal, info.Dimension), e.base.run.ID, deltaText(*g.Baseline, info.Dimension))
	}
	r.Limit, r.HasLimit = limit, true
	msg := fmt.Sprintf("%s, limit %s %s%s", measured, g.Op, formatValue(limit, info.Dimension), baseDetails)
	if g.Op.Holds(cand.v, limit) {
		return finish(Pass, msg)
	}
	return finish(Fail, msg)
}

// wherePrefix names the scope a value was read from, ending in ": ".
func wherePrefix(s Scope, c sample) string {
	switch s.Kind {
	case ScopeCase:
		p := fmt.Sprintf("case %q", s.Case)
		if c.many > 1 {
			p += fmt.Sprintf(" (worst of %d cases with this name)", c.many)
		}
		return p + ": "
	case ScopeRequest:
		p := fmt.Sprintf("request %q in case %q", s.Request, c.cas)
		if c.many > 1 {
			p += fmt.Sprintf(" (worst of %d)", c.many)
		}
		return p + ": "
	}
	return ""
}

func scopeTail(s Scope) string {
	if s.Kind == ScopeOverall {
		return ""
	}
	return " for " + s.String()
}

func notReportedTail(s Scope, runID int64) string {
	if s.Kind == ScopeOverall {
		return fmt.Sprintf(" by any case of run %d", runID)
	}
	return ""
}

// deltaText writes the delta of a baseline for messages: " + 10%", " - 20 ms".
func deltaText(b Baseline, d Dimension) string {
	if b.Delta == 0 && !b.Relative {
		return ""
	}
	sign := " + "
	if b.Delta < 0 {
		sign = " - "
	}
	if b.Relative {
		return sign + formatShort(math.Abs(b.Delta)) + "%"
	}
	if d == DimRate {
		return sign + formatShort(math.Abs(b.Delta)) + " pp"
	}
	return sign + formatValue(math.Abs(b.Delta), d)
}

// formatValue writes a canonical value with its unit for people: "812 ms",
// "99.5%", "120.3/s", "2048 B", "17".
func formatValue(v float64, d Dimension) string { return withUnit(formatShort(v), d.Unit()) }

// formatShort rounds for display: two decimals from 1 up, three significant
// digits below.
func formatShort(v float64) string {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	if a := math.Abs(v); a >= 1e12 {
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	} else if a >= 1 || a == 0 {
		return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	}
	s := strconv.FormatFloat(v, 'g', 3, 64)
	if strings.ContainsAny(s, "e") {
		s = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return s
}
