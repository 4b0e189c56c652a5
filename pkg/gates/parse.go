package gates

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Parse parses gates written in the inline syntax: one gate per line or
// `;`-separated, `#` starts a comment, blank lines are ignored.
//
//	gate  = [ "warn:" | "fail:" ] [ scope ":" ] metric op limit [ "," "abort" [ "after" duration ] ]
//	scope = [ `task "Name"` ] ( `case "Name"` | `request "Name"` | `case "Name" request "Name"` )
//	      | `task "Name"`
//	op    = "<" | "<=" | ">" | ">=" | "==" | "!="
//	limit = number [ unit ]
//	      | "baseline" [ ( "+" | "-" ) number ( "%" | unit ) ]
//	      | "trend" "median" [ ( "+" | "-" ) number ( "%" | unit ) ]
//
// Examples:
//
//	p95 <= 750ms
//	error_rate < 1%; tps >= 100/s
//	warn: case "Checkout": p99 <= 1.5s
//	case "Checkout" request "POST /cart": avg_rt < 300, abort after 2m
//	p95 <= baseline + 10%
//	success_rate >= baseline - 0.5pp
//	p95 <= trend median + 15%
//
// A trend gate compares an overall figure (one of TrendMetrics) with the
// median of the earlier runs in the trend window that pass today's other
// absolute gates (see Trend); it is skipped with the reason when fewer than
// MinTrendRuns such runs exist.
//
// Units: time ms, s, m (or min), h; rates %; throughput /s; sizes B, KB,
// MB, GB (1 KB = 1024 B); counts none. A number without a unit is in the
// metric's canonical unit (ms, %, /s, B). A unit of another dimension is an
// error. In a baseline delta `%` is always relative to the baseline value;
// an absolute delta takes the metric's units, percentage points (pp) for
// rates. Names are double-quoted with Go escapes and match exactly. Units are
// case-insensitive; metric names and keywords are not.
//
// Parse reports every problem it finds, each with its line:column, as a
// *ParseError; it returns no gate then. Each gate's Name is its String().
// Parse is Parser{}.Parse: a report format's field name written for a metric
// gets no hint naming the metric meant.
func Parse(text string) ([]Gate, error) { return Parser{}.Parse(text) }

// Parser parses gates (Parse, ParseFile, ParseNode) with what the caller
// knows beyond the catalogue. The zero value is ready to use.
type Parser struct {
	// Fields, when set, are the field names of the report format the gates
	// will judge: an unknown metric that is one of them is refused with the
	// metric it carries, e.g. `(CPTS field tp95 is the metric "p95")`.
	Fields *FieldMap
}

// Parse parses gates in the inline syntax, as the package function Parse
// documents.
func (ps Parser) Parse(text string) ([]Gate, error) {
	gs, probs := ps.parseText(text)
	if len(probs) > 0 {
		return nil, &ParseError{Problems: probs}
	}
	return gs, nil
}

// parseText parses text, returning the gates of the valid statements and
// every problem.
func (ps Parser) parseText(text string) ([]Gate, []Problem) {
	stmts, probs := lex(text)
	var gs []Gate
	for _, st := range stmts {
		if st.bad {
			continue
		}
		p := &parser{toks: st.toks, eol: st.eol, fields: ps.Fields}
		g, ok := p.gate()
		probs = append(probs, p.probs...)
		if ok {
			first, last := st.toks[0], st.toks[len(st.toks)-1]
			g.Text = text[first.off:last.end]
			g.Name = g.String()
			gs = append(gs, g)
		}
	}
	slices.SortStableFunc(probs, func(a, b Problem) int { return cmp.Or(a.Line-b.Line, a.Col-b.Col) })
	return gs, probs
}

// parser parses the tokens of one statement.
type parser struct {
	toks   []token
	eol    token
	i      int
	probs  []Problem
	fields *FieldMap // Parser.Fields, for unknownMetric's hint
}

func (p *parser) peek(k int) token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.eol
}

func (p *parser) next() token {
	t := p.peek(0)
	if p.i < len(p.toks) {
		p.i++
	}
	return t
}

func (p *parser) fail(t token, format string, args ...any) {
	p.probs = append(p.probs, Problem{Line: t.line, Col: t.col, Text: t.text, Msg: fmt.Sprintf(format, args...)})
}

// describe names a token in "found …" messages.
func describe(t token) string {
	if t.kind == tkEOF {
		return "the end of the gate"
	}
	return strconv.Quote(t.text)
}

const example = `e.g. p95 <= 750ms`

// gate parses one statement; ok is false when it reported a problem.
func (p *parser) gate() (g Gate, ok bool) {
	start := len(p.probs)
	if t := p.peek(0); t.kind == tkIdent && p.peek(1).kind == tkColon && t.text != "case" && t.text != "request" {
		switch t.text {
		case "warn":
			g.Severity = SeverityWarn
		case "fail":
		default:
			if _, isMetric := byName[t.text]; isMetric {
				p.fail(p.peek(1), "unexpected \":\" after the metric %s: write the comparison directly, %s", t.text, example)
				return g, false
			}
			p.fail(t, "unknown prefix %q%s; valid prefixes: warn:, fail:, task \"Name\":, case \"Name\":, request \"Name\":", t.text+":", DidYouMean(Suggest(t.text, []string{"warn", "fail", "task", "case", "request"})))
		}
		p.i += 2
	}
	if t := p.peek(0); t.kind == tkIdent && (t.text == "case" || t.text == "request" || t.text == "task") {
		if !p.scope(&g) {
			return g, false
		}
	}
	mt := p.next()
	var info *MetricInfo
	switch {
	case mt.kind == tkIdent && p.peek(0).kind == tkColon && (mt.text == "warn" || mt.text == "fail"):
		p.fail(mt, "%q must come first, before the scope: warn: case \"Name\": p95 <= 750ms", mt.text+":")
		return g, false
	case mt.kind == tkIdent && p.peek(0).kind == tkString && (mt.text == "case" || mt.text == "request"):
		p.fail(mt, "a gate has one scope: case \"C\":, request \"R\": or case \"C\" request \"R\":")
		return g, false
	case mt.kind == tkIdent:
		if info = byName[mt.text]; info == nil {
			p.fail(mt, "%s", unknownMetric(mt.text, p.fields))
		}
	default:
		p.fail(mt, "expected a metric name, found %s; metrics: %s", describe(mt), strings.Join(metricNames(), ", "))
		return g, false
	}
	g.Metric = mt.text
	ot := p.next()
	if ot.kind != tkOp {
		p.fail(ot, "expected an operator after %s, found %s; valid: %s (%s)", mt.text, describe(ot), strings.Join(ops, " "), example)
		return g, false
	}
	if !slices.Contains(ops, ot.text) {
		p.fail(ot, "unknown operator %q%s; valid: %s", ot.text, DidYouMean(suggestOp(ot.text)), strings.Join(ops, " "))
	}
	g.Op = Op(ot.text)
	if !p.limit(&g, info, ot) {
		return g, false
	}
	var abortTok token
	for p.peek(0).kind == tkComma {
		p.next()
		t := p.next()
		if t.kind == tkEOF {
			p.fail(t, "expected an option after \",\", found the end of the gate; valid: abort, abort after 60s")
			return g, false
		}
		if t.kind != tkIdent || t.text != "abort" {
			p.fail(t, "unknown option %s%s; valid: abort, abort after 60s", describe(t), DidYouMean(Suggest(t.text, []string{"abort"})))
			return g, false
		}
		if g.Abort {
			p.fail(t, "abort is given twice")
		}
		g.Abort, abortTok = true, t
		if a := p.peek(0); a.kind == tkIdent && a.text == "after" {
			p.next()
			d, ok := p.duration()
			if !ok {
				return g, false
			}
			g.AbortAfter = d
		} else if a.kind == tkIdent || a.kind == tkNumber {
			p.fail(a, "unexpected %s after abort%s; write abort after 60s", describe(a), DidYouMean(Suggest(a.text, []string{"after"})))
			return g, false
		}
	}
	if t := p.peek(0); t.kind == tkIdent && t.text == "abort" {
		p.fail(t, "missing \",\" before abort: write %s, abort", g.Metric+" "+string(g.Op)+" …")
		return g, false
	} else if t.kind != tkEOF {
		p.fail(t, "unexpected %s after the gate; expected \", abort\" or the end of the gate (separate gates with a new line or \";\")", describe(t))
		return g, false
	}
	if g.Abort {
		switch {
		case g.Severity == SeverityWarn:
			p.fail(abortTok, "a warn: gate cannot abort the run (a warning never stops it); drop warn: or abort")
		case g.Baseline != nil && g.Baseline.Trend:
			p.fail(abortTok, "a trend gate cannot abort the run: the trend is compared after the run ends; use an absolute limit, e.g. p95 <= 750ms, abort")
		case g.Baseline != nil:
			p.fail(abortTok, "a baseline gate cannot abort the run: the baseline is compared after the run ends; use an absolute limit, e.g. p95 <= 750ms, abort")
		}
	}
	return g, len(p.probs) == start
}

// unknownMetric is the message for a name that is not in the catalogue;
// fields (may be nil) are the field names of the report format judged.
func unknownMetric(name string, fields *FieldMap) string {
	hint := ""
	if m, ok := fields.metricOf(name); ok && m != name {
		hint = fmt.Sprintf(" (%s field %s is the metric %q)", fields.Format(), name, m)
	} else if a, ok := metricAliases[strings.ToLower(name)]; ok {
		hint = DidYouMean(a)
	} else {
		hint = DidYouMean(Suggest(name, metricNames()))
	}
	return fmt.Sprintf("unknown metric %q%s; metrics: %s", name, hint, strings.Join(metricNames(), ", "))
}

// metricAliases maps names people try to the metrics meant.
var metricAliases = map[string][]string{
	"latency": {"avg_rt", "p95"}, "rt": {"avg_rt"}, "response_time": {"avg_rt"}, "avg": {"avg_rt"}, "mean": {"avg_rt"},
	"median": {"p50"}, "throughput": {"tps"}, "rps": {"tps"}, "qps": {"tps"},
	"failures": {"errors"}, "failed": {"errors"}, "error": {"errors", "error_rate"},
	"users": {"max_concurrency"}, "vusers": {"max_concurrency"}, "concurrency": {"max_concurrency"}, "threads": {"max_concurrency"},
}

// opMistakes maps common operator mistakes to the operator meant.
var opMistakes = map[string]string{"=": "==", "===": "==", "=<": "<=", "=>": ">=", "<>": "!=", "!": "!=", "!==": "!=", "=!": "!="}

func suggestOp(s string) []string {
	if m, ok := opMistakes[s]; ok {
		return []string{m}
	}
	return Suggest(s, ops)
}

// scope parses `case "C"`, `request "R"` or `case "C" request "R"` and the
// colon after it.
func (p *parser) scope(g *Gate) bool {
	kw := p.next()
	name, ok := p.name(kw)
	if !ok {
		return false
	}
	if kw.text == "task" { // task "T" [case "C"] [request "R"]:
		if t := p.peek(0); t.kind == tkIdent && (t.text == "case" || t.text == "request") {
			ok := p.scope(g)
			g.Scope.Task = name
			return ok
		}
		g.Scope = Scope{Task: name}
	} else if kw.text == "case" {
		g.Scope = Scope{Kind: ScopeCase, Case: name}
		if t := p.peek(0); t.kind == tkIdent && t.text == "request" {
			p.next()
			req, ok := p.name(t)
			if !ok {
				return false
			}
			g.Scope = Scope{Kind: ScopeRequest, Case: name, Request: req}
		}
	} else {
		g.Scope = Scope{Kind: ScopeRequest, Request: name}
		if t := p.peek(0); t.kind == tkIdent && t.text == "case" {
			p.fail(t, "write the case first: case \"C\" request \"R\":")
			return false
		}
	}
	if c := p.next(); c.kind != tkColon {
		p.fail(c, "expected \":\" after %s, found %s (e.g. %s: p95 <= 750ms)", g.Scope, describe(c), g.Scope)
		return false
	}
	return true
}

// name parses the quoted name after the keyword kw.
func (p *parser) name(kw token) (string, bool) {
	t := p.next()
	switch {
	case t.kind == tkString && t.val == "":
		p.fail(t, "empty %s name", kw.text)
		return "", false
	case t.kind == tkString:
		return t.val, true
	case t.kind == tkIdent || t.kind == tkNumber:
		p.fail(t, "%s names are double-quoted: %s %q:", kw.text, kw.text, t.text)
	default:
		ex := "Checkout"
		if kw.text == "request" {
			ex = "POST /cart"
		} else if kw.text == "task" {
			ex = "checkout"
		}
		p.fail(t, "expected a double-quoted %s name after %s, found %s (e.g. %s %q:)", kw.text, kw.text, describe(t), kw.text, ex)
	}
	return "", false
}

// limit parses the right-hand side: a number with an optional unit, or a
// baseline expression.
func (p *parser) limit(g *Gate, info *MetricInfo, op token) bool {
	t := p.peek(0)
	switch {
	case t.kind == tkIdent && (t.text == "baseline" || t.text == "trend"):
		p.next()
		b := Baseline{Trend: t.text == "trend"}
		word := t.text
		if b.Trend {
			if m := p.next(); m.kind != tkIdent || m.text != "median" {
				p.fail(m, "expected \"median\" after trend, found %s (e.g. p95 <= trend median + 15%%)", describe(m))
				return false
			}
			word = "trend median"
			if !slices.Contains(TrendMetrics, g.Metric) && info != nil {
				p.fail(t, "a trend gate reads %s, not %s (e.g. p95 <= trend median + 15%%)", strings.Join(TrendMetrics, ", "), g.Metric)
			}
			if g.Scope.Kind != ScopeOverall {
				p.fail(t, "a trend gate reads the overall figures of earlier runs: drop the %s scope", g.Scope)
			}
		}
		if s := p.peek(0); s.kind == tkPlus || s.kind == tkMinus {
			p.next()
			nt := p.next()
			if nt.kind != tkNumber {
				p.fail(nt, "expected an amount after \"%s %s\", found %s (e.g. %s + 10%% or %s + 20ms)", word, s.text, describe(nt), word, word)
				return false
			}
			n, ok := p.number(nt)
			ut, hasUnit := p.unit()
			switch {
			case hasUnit && ut.kind == tkPercent:
				b.Relative, b.Delta, b.Unit = true, n, "%"
				if s.kind == tkMinus && n > 100 && ok {
					p.fail(nt, "%s - %s%% gives a negative limit; a relative decrease is at most 100%%", word, nt.text)
				}
			default:
				v, u, ok2 := p.amount(info, n, nt, ut, hasUnit, true)
				ok = ok && ok2
				b.Delta, b.Unit = v, u
			}
			if !ok {
				return true // reported; keep checking the rest
			}
			if s.kind == tkMinus {
				b.Delta = -b.Delta
			}
		} else if s.kind == tkNumber || s.kind == tkPercent {
			p.fail(s, "expected \"+\" or \"-\" after %s, found %s (e.g. %s + 10%%)", word, describe(s), word)
			return false
		}
		if info != nil {
			b = normBaseline(info.Dimension, b)
		}
		b.Trend = word != "baseline"
		g.Baseline = &b
		return true
	case t.kind == tkNumber:
		p.next()
		n, ok := p.number(t)
		ut, hasUnit := p.unit()
		v, u, ok2 := p.amount(info, n, t, ut, hasUnit, false)
		if !ok || !ok2 {
			return true
		}
		if info != nil && info.Dimension == DimRate && v > 100 {
			p.fail(t, "%s is a percentage (0–100%%): %s is out of range", g.Metric, formatAmount(v, "%"))
		}
		g.Value, g.Unit = v, u
		return true
	case t.kind == tkMinus:
		p.fail(t, "a limit cannot be negative: metrics are never below 0")
		return false
	case t.kind == tkIdent:
		p.fail(t, "expected a number or baseline after %q, found %s%s (e.g. 750ms or baseline + 10%%)", op.text, describe(t), DidYouMean(Suggest(t.text, []string{"baseline"})))
		return false
	}
	p.fail(t, "expected a value after %q, found %s (e.g. 750ms or baseline + 10%%)", op.text, describe(t))
	return false
}

// number parses a number token: digits with at most one decimal point.
func (p *parser) number(t token) (float64, bool) {
	if strings.Count(t.text, ".") > 1 {
		p.fail(t, "invalid number %q", t.text)
		return 0, false
	}
	v, err := strconv.ParseFloat(t.text, 64)
	if err != nil || math.IsInf(v, 0) {
		p.fail(t, "number %s is too large", clip(t.text))
		return 0, false
	}
	return v, true
}

// unit consumes the unit after a number, if any: %, /s or a word other than
// the keywords that may follow a value.
func (p *parser) unit() (token, bool) {
	t := p.peek(0)
	switch {
	case t.kind == tkPercent || t.kind == tkPerUnit:
	case t.kind == tkIdent && t.text != "abort" && t.text != "after":
	default:
		return token{}, false
	}
	p.next()
	return t, true
}

// unitAliases maps spellings people try to the unit meant.
var unitAliases = map[string]string{
	"sec": "s", "secs": "s", "second": "s", "seconds": "s",
	"msec": "ms", "millis": "ms", "millisecond": "ms", "milliseconds": "ms",
	"mins": "min", "minute": "min", "minutes": "min",
	"hr": "h", "hrs": "h", "hour": "h", "hours": "h",
	"percent": "%", "pct": "%",
	"tps": "/s", "rps": "/s", "qps": "/s", "/sec": "/s",
	"byte": "B", "bytes": "B", "kib": "KB", "mib": "MB", "gib": "GB",
}

// rateOfCount names the rate metric to use instead of a count with %.
var rateOfCount = map[string]string{"errors": "error_rate", "successes": "success_rate"}

// amount converts number n with optional unit ut into canonical units for
// the metric (info may be nil for an unknown metric: only the unit itself is
// checked). delta marks an absolute baseline delta, where rates use pp.
func (p *parser) amount(info *MetricInfo, n float64, nt, ut token, hasUnit, delta bool) (float64, string, bool) {
	if !hasUnit {
		if info == nil {
			return n, "", true
		}
		return n, canonicalUnit(info.Dimension, delta), true
	}
	u, known := lookupUnit(ut.text)
	if ut.kind == tkPercent {
		u, known = units["%"], true
	}
	switch {
	case !known && ut.glued && isExponent(ut.text):
		p.fail(ut, "exponents are not supported: write %s%s as a plain decimal number", nt.text, ut.text)
		return 0, "", false
	case !known:
		var sug []string
		if a, ok := unitAliases[strings.ToLower(ut.text)]; ok {
			sug = []string{a}
		} else if info != nil && info.Dimension != DimCount {
			sug = Suggest(ut.text, unitsOf(info.Dimension, false))
		} else if info == nil {
			sug = Suggest(ut.text, unitSpellings)
		}
		if info == nil {
			p.fail(ut, "unknown unit %q%s; units: %s", ut.text, DidYouMean(sug), strings.Join(unitSpellings, ", "))
		} else {
			p.fail(ut, "unknown unit %q for %s (%s)%s; valid: %s", ut.text, info.Name, info.Dimension, DidYouMean(sug), validUnits(info.Dimension, delta))
		}
		return 0, "", false
	case info == nil:
		return n * u.factor, u.name, true
	case u.delta && !delta && info.Dimension == DimRate:
		p.fail(ut, "unit \"pp\" (percentage points) is only valid in a baseline delta, e.g. %s >= baseline - 1pp; a rate limit is written in %%", info.Name)
		return 0, "", false
	case u.dim != info.Dimension || (info.Dimension == DimRate && u.delta != delta):
		msg := fmt.Sprintf("unit %q does not fit %s (%s); valid: %s", ut.text, info.Name, info.Dimension, validUnits(info.Dimension, delta))
		if r, ok := rateOfCount[info.Name]; ok && u.dim == DimRate {
			msg += fmt.Sprintf("; for a share of requests use %s", r)
		}
		p.fail(ut, "%s", msg)
		return 0, "", false
	}
	v := n * u.factor
	if math.IsInf(v, 0) {
		p.fail(nt, "value %s%s is too large", clip(nt.text), ut.text)
		return 0, "", false
	}
	return v, displayUnit(info.Dimension, v, u.name, delta), true
}

// isExponent reports whether s looks like the exponent of a number: e3, E-.
func isExponent(s string) bool {
	if len(s) < 2 || (s[0] != 'e' && s[0] != 'E') {
		return false
	}
	for _, c := range s[1:] {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// validUnits lists the units legal for a dimension, as a message tail.
func validUnits(d Dimension, delta bool) string {
	if !delta {
		return strings.Join(unitsOf(d, false), ", ")
	}
	abs := unitsOf(d, false)
	if d == DimRate {
		abs = []string{"pp"}
	}
	return "% (relative to the baseline) or " + strings.Join(abs, ", ")
}

// maxAbortAfter bounds abort after so it fits a time.Duration.
const maxAbortAfter = float64(math.MaxInt64 / int64(time.Millisecond))

// duration parses the duration after the keyword `after`: a number with a
// time unit, or a Go duration such as 1m30s; it is rounded to whole
// milliseconds.
func (p *parser) duration() (time.Duration, bool) {
	nt := p.next()
	if nt.kind != tkNumber {
		p.fail(nt, "expected a duration after \"after\", found %s (e.g. abort after 60s)", describe(nt))
		return 0, false
	}
	n, ok := p.number(nt)
	if !ok {
		return 0, false
	}
	ut, hasUnit := p.unit()
	if !hasUnit {
		p.fail(p.peek(0), "abort after %s needs a time unit (e.g. %ss); valid: %s", nt.text, nt.text, strings.Join(unitsOf(DimTime, false), ", "))
		return 0, false
	}
	var ms float64
	u, known := lookupUnit(ut.text)
	if known && u.dim == DimTime {
		ms = n * u.factor
	} else if d, err := time.ParseDuration(nt.text + ut.text); err == nil && ut.glued && ut.kind == tkIdent {
		ms = float64(d) / float64(time.Millisecond)
	} else {
		sug := Suggest(ut.text, unitsOf(DimTime, false))
		if a, ok := unitAliases[strings.ToLower(ut.text)]; ok {
			sug = []string{a}
		}
		what := "does not fit"
		if !known {
			what = "is unknown for"
		}
		p.fail(ut, "unit %q %s abort after (time)%s; valid: %s", ut.text, what, DidYouMean(sug), strings.Join(unitsOf(DimTime, false), ", "))
		return 0, false
	}
	ms = math.Round(ms)
	if ms > maxAbortAfter {
		p.fail(nt, "abort after %s%s is too long", clip(nt.text), ut.text)
		return 0, false
	}
	return time.Duration(ms) * time.Millisecond, true
}
