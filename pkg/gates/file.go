package gates

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// File is a parsed gates file.
type File struct {
	// Baseline is the baseline run to compare baseline gates with:
	// "previous", "previous-finished", "run" (BaselineRunID), or "" when the
	// file does not say (the caller's default applies).
	Baseline string
	// BaselineRunID is the run id given as `baseline: <run id>`.
	BaselineRunID int64
	// BaselineRequired fails baseline gates that have no baseline value; a
	// caller ORs it with its own setting.
	BaselineRequired bool
	// Gates are the gates in file order: the `gates:` list and the `cases:`
	// groups, in the order the keys appear.
	Gates []Gate
}

// ParseFile parses a YAML gates file:
//
//	baseline: previous            # previous | previous-finished | <run id>
//	baseline_required: false
//	gates:
//	  - p95 <= 750ms              # inline syntax (see Parse); a string may hold several gates
//	  - name: checkout latency    # or a map
//	    metric: p99
//	    op: "<="                  # also lt, le, gt, ge, eq, ne
//	    value: 1s                 # or "baseline + 10%"
//	    severity: warn            # fail (default) | warn
//	    abort: true
//	    abort_after: 60s          # implies abort: true
//	    case: Checkout
//	    request: POST /cart
//	  - name: named inline gate   # name + gate: an inline gate with a name
//	    gate: error_rate < 1%
//	cases:                        # per-case groups: every gate is scoped to the case
//	  Checkout:
//	    - p99 <= 1s
//	    - request "POST /cart": avg_rt < 300ms
//	    - {metric: error_rate, op: "<", value: 1%}
//
// Unknown keys are errors, except top-level keys starting with "x-" (a
// place for YAML anchors shared by several gates). Every problem is reported with its YAML line and
// column (inside a block scalar the column is approximate) in a *ParseError.
// A file without any gate is an error.
func (ps Parser) ParseFile(data []byte) (*File, error) {
	fp := &fileParser{lines: strings.Split(string(data), "\n"), ps: ps}
	f := fp.parse(data)
	if len(fp.probs) > 0 {
		slices.SortStableFunc(fp.probs, func(a, b Problem) int { return cmp.Or(a.Line-b.Line, a.Col-b.Col) })
		return nil, &ParseError{Source: "gates file", Problems: fp.probs}
	}
	return f, nil
}

// ParseNode parses the value of a `gates:` key found in another YAML file
// (e.g. a PerfTest definition): a list of gates in the syntax of a gates
// file's `gates:` list. Problems carry the node's line and column in that
// file (src is that file's text); no problems and no gates means the list was empty.
func (ps Parser) ParseNode(n *yaml.Node, src []byte) ([]Gate, []Problem) {
	fp := &fileParser{lines: strings.Split(string(src), "\n"), ps: ps}
	gs := fp.gateList(resolve(n), "")
	return gs, fp.probs
}

// fileParser collects the problems of a gates file.
type fileParser struct {
	lines []string
	probs []Problem
	ps    Parser
}

func (fp *fileParser) fail(n *yaml.Node, format string, args ...any) {
	p := Problem{Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		p.Line, p.Col, p.Text = n.Line, n.Column, n.Value
	}
	fp.probs = append(fp.probs, p)
}

var (
	yamlLine  = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	opIndic   = regexp.MustCompile(`^\s*(?:-\s+)?op:\s*([>!|&*%@` + "`" + `])`)
	topLevel  = []string{"baseline", "baseline_required", "gates", "cases"}
	gateKeys  = []string{"name", "gate", "metric", "op", "value", "severity", "abort", "abort_after", "case", "request", "task"}
	opWords   = map[string]Op{"lt": OpLT, "le": OpLE, "gt": OpGT, "ge": OpGE, "eq": OpEQ, "ne": OpNE}
	opChoices = "<, <=, >, >=, ==, != (quoted in YAML) or lt, le, gt, ge, eq, ne"
)

func (fp *fileParser) parse(data []byte) *File {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		fp.yamlError(err)
		return nil
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		fp.probs = append(fp.probs, Problem{Line: 1, Col: 1, Msg: "empty gates file: write gates: followed by a list of gates"})
		return nil
	}
	root := resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		fp.fail(root, "a gates file is a mapping with the keys %s", strings.Join(topLevel, ", "))
		return nil
	}
	f := &File{}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], resolve(root.Content[i+1])
		if seen[k.Value] {
			fp.fail(k, "key %q is given twice", k.Value)
			continue
		}
		seen[k.Value] = true
		switch k.Value {
		case "baseline":
			fp.baseline(f, v)
		case "baseline_required":
			if b, ok := fp.boolean(k, v); ok {
				f.BaselineRequired = b
			}
		case "gates":
			f.Gates = append(f.Gates, fp.gateList(v, "")...)
		case "cases":
			f.Gates = append(f.Gates, fp.cases(v)...)
		default:
			if strings.HasPrefix(k.Value, "x-") {
				continue // extension key, e.g. a home for YAML anchors
			}
			fp.fail(k, "unknown key %q%s; valid keys: %s (and x-… for anchors)", k.Value, DidYouMean(Suggest(k.Value, topLevel)), strings.Join(topLevel, ", "))
		}
	}
	if len(f.Gates) == 0 && len(fp.probs) == 0 {
		fp.fail(root, "the file defines no gates: add gates: or cases:")
	}
	return f
}

// yamlError turns a YAML syntax error into problems, with a hint for an
// operator YAML reads as an indicator.
func (fp *fileParser) yamlError(err error) {
	for i, l := range fp.lines {
		if m := opIndic.FindStringSubmatch(l); m != nil {
			fp.probs = append(fp.probs, Problem{Line: i + 1, Col: strings.Index(l, m[1]) + 1, Text: strings.TrimSpace(l),
				Msg: fmt.Sprintf("quote the operator: YAML reads a leading %q as syntax; write op: \">=\" or op: ge", m[1])})
		}
	}
	if len(fp.probs) > 0 {
		return
	}
	for _, msg := range strings.Split(err.Error(), "\n") {
		msg = strings.TrimSpace(msg)
		if msg == "" || strings.HasSuffix(msg, "errors decoding YAML:") {
			continue
		}
		p := Problem{Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			p.Line, _ = strconv.Atoi(m[1])
			p.Msg = "invalid YAML: " + m[2]
		}
		if strings.Contains(p.Msg, "mapping values are not allowed") {
			p.Msg += ` (quote a gate that holds ": " twice, e.g. - 'warn: case "C": p95 < 1s')`
		}
		fp.probs = append(fp.probs, p)
	}
}

// resolve follows aliases (bounded).
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 16; i++ {
		n = n.Alias
	}
	return n
}

func (fp *fileParser) scalar(key, v *yaml.Node) (string, bool) {
	if v == nil || v.Kind != yaml.ScalarNode {
		fp.fail(key, "%s: expected a single value, not a %s", key.Value, kindName(v))
		return "", false
	}
	return v.Value, true
}

func kindName(n *yaml.Node) string {
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "value"
	}
	return "node"
}

func (fp *fileParser) boolean(key, v *yaml.Node) (bool, bool) {
	s, ok := fp.scalar(key, v)
	if !ok {
		return false, false
	}
	switch strings.ToLower(s) {
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off":
		return false, true
	}
	fp.fail(v, "%s: expected true or false, found %q", key.Value, s)
	return false, false
}

func (fp *fileParser) baseline(f *File, v *yaml.Node) {
	if v.Kind != yaml.ScalarNode {
		fp.fail(v, "baseline: expected previous, previous-finished or a run id, not a %s", kindName(v))
		return
	}
	switch s := v.Value; s {
	case "previous", "previous-finished":
		f.Baseline = s
	default:
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			fp.fail(v, "baseline: unknown value %q%s; valid: previous, previous-finished or a run id (a positive integer)", s, DidYouMean(Suggest(s, []string{"previous", "previous-finished"})))
			return
		}
		f.Baseline, f.BaselineRunID = "run", id
	}
}

// cases parses the per-case groups.
func (fp *fileParser) cases(v *yaml.Node) []Gate {
	if v.Kind != yaml.MappingNode {
		fp.fail(v, "cases: expected a mapping of case name to a list of gates, not a %s", kindName(v))
		return nil
	}
	var out []Gate
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, list := v.Content[i], resolve(v.Content[i+1])
		if k.Value == "" {
			fp.fail(k, "cases: empty case name")
			continue
		}
		out = append(out, fp.gateList(list, k.Value)...)
	}
	return out
}

// gateList parses a list of gates (a single gate is accepted too), scoped to
// caseName when not empty.
func (fp *fileParser) gateList(v *yaml.Node, caseName string) []Gate {
	items := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		items = v.Content
	}
	var out []Gate
	for _, it := range items {
		it = resolve(it)
		switch it.Kind {
		case yaml.ScalarNode:
			out = append(out, fp.inline(it, caseName)...)
		case yaml.MappingNode:
			if n := unquotedInline(it); n != nil {
				out = append(out, fp.inline(n, caseName)...)
			} else if g, ok := fp.mapGate(it, caseName); ok {
				out = append(out, g)
			}
		default:
			fp.fail(it, "expected a gate (a string such as \"p95 <= 750ms\" or a mapping with metric, op, value), not a %s", kindName(it))
		}
	}
	return out
}

// inline parses a string item in the inline syntax.
func (fp *fileParser) inline(n *yaml.Node, caseName string) []Gate {
	if n.Tag == "!!null" || strings.TrimSpace(n.Value) == "" {
		fp.fail(n, "empty gate")
		return nil
	}
	gs, probs := fp.ps.parseText(n.Value)
	for _, p := range probs {
		fp.probs = append(fp.probs, fp.mapPos(n, p))
	}
	if len(probs) == 0 && len(gs) == 0 {
		fp.fail(n, "no gate in %q (only a comment?)", n.Value)
	}
	out := gs[:0]
	for _, g := range gs {
		if caseName != "" {
			if !fp.inCase(&g, n, caseName) {
				continue
			}
			g.Name = g.String()
		}
		out = append(out, g)
	}
	return out
}

// unquotedInline recognises an inline gate YAML read as a one-key mapping
// because it holds ": " (`- warn: p95 < 1s`, `- case "C": p95 < 1s`) and
// returns it as a plain scalar positioned at the key; nil otherwise.
func unquotedInline(m *yaml.Node) *yaml.Node {
	if len(m.Content) != 2 {
		return nil
	}
	k, v := m.Content[0], resolve(m.Content[1])
	if k.Kind != yaml.ScalarNode || v == nil || v.Kind != yaml.ScalarNode || k.Style != 0 || v.Style != 0 {
		return nil
	}
	if k.Value != "warn" && k.Value != "fail" && !strings.HasPrefix(k.Value, "case ") && !strings.HasPrefix(k.Value, "request ") {
		return nil
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k.Value + ": " + v.Value, Line: k.Line, Column: k.Column}
}

// inCase scopes g to the case of its group; a gate naming another case is
// an error.
func (fp *fileParser) inCase(g *Gate, at *yaml.Node, caseName string) bool {
	switch {
	case g.Baseline != nil && g.Baseline.Trend:
		fp.fail(at, "a trend gate reads the overall figures of earlier runs: it cannot sit in the group of case %q", caseName)
		return false
	case g.Scope.Kind == ScopeOverall:
		g.Scope = Scope{Kind: ScopeCase, Case: caseName}
	case g.Scope.Case == "":
		g.Scope.Case = caseName
	case g.Scope.Case != caseName:
		fp.fail(at, "the gate names case %q inside the group of case %q", g.Scope.Case, caseName)
		return false
	}
	return true
}

// mapPos moves a problem found in the text of a YAML scalar to its position
// in the file.
func (fp *fileParser) mapPos(n *yaml.Node, p Problem) Problem {
	switch n.Style {
	case yaml.LiteralStyle, yaml.FoldedStyle:
		p.Line = n.Line + p.Line
		indent := 0
		if p.Line-1 < len(fp.lines) {
			l := fp.lines[p.Line-1]
			indent = len(l) - len(strings.TrimLeft(l, " "))
		}
		p.Col += indent
	default:
		if p.Line == 1 {
			p.Col += n.Column - 1
			if n.Style == yaml.DoubleQuotedStyle || n.Style == yaml.SingleQuotedStyle {
				p.Col++
			}
		}
		p.Line += n.Line - 1
	}
	return p
}

// mapGate parses a gate written as a mapping.
func (fp *fileParser) mapGate(m *yaml.Node, caseName string) (Gate, bool) {
	start := len(fp.probs)
	keys := map[string][2]*yaml.Node{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], resolve(m.Content[i+1])
		switch {
		case !slices.Contains(gateKeys, k.Value):
			fp.fail(k, "unknown gate key %q%s; valid keys: %s", k.Value, DidYouMean(Suggest(k.Value, gateKeys)), strings.Join(gateKeys, ", "))
		case keys[k.Value][0] != nil:
			fp.fail(k, "key %q is given twice", k.Value)
		default:
			keys[k.Value] = [2]*yaml.Node{k, v}
		}
	}
	str := func(key string) (string, *yaml.Node, bool) {
		kv := keys[key]
		if kv[0] == nil {
			return "", nil, false
		}
		s, ok := fp.scalar(kv[0], kv[1])
		return s, kv[1], ok
	}
	name, _, _ := str("name")
	if _, n, ok := str("gate"); ok {
		for _, k := range gateKeys {
			if k != "gate" && k != "name" && keys[k][0] != nil {
				fp.fail(keys[k][0], "%s: cannot be combined with gate:; write it in the gate text", k)
			}
		}
		gs := fp.inline(n, caseName)
		if len(gs) > 1 {
			fp.fail(n, "gate: holds %d gates; give one gate per name", len(gs))
		}
		if len(fp.probs) > start || len(gs) != 1 {
			return Gate{}, false
		}
		if name != "" {
			gs[0].Name = name
		}
		return gs[0], true
	}

	var g Gate
	var info *MetricInfo
	metric, mn, hasMetric := str("metric")
	switch {
	case !hasMetric && keys["metric"][0] == nil:
		fp.fail(m, "the gate has no metric: (e.g. metric: p95), or write it inline as gate: \"p95 <= 750ms\"")
	case hasMetric:
		if info = byName[metric]; info == nil {
			fp.fail(mn, "%s", unknownMetric(metric, fp.ps.Fields))
		}
		g.Metric = metric
	}
	opText, on, hasOp := str("op")
	if on != nil && on.Value == "" && on.Tag == "!=" {
		opText = "!=" // op: != reads as a YAML tag
	}
	switch {
	case !hasOp && keys["op"][0] == nil:
		fp.fail(m, "the gate has no op: (valid: %s)", opChoices)
	case hasOp:
		if w, ok := opWords[strings.ToLower(opText)]; ok {
			g.Op = w
		} else if slices.Contains(ops, opText) {
			g.Op = Op(opText)
		} else {
			fp.fail(on, "unknown operator %q%s; valid: %s", opText, DidYouMean(suggestOp(opText)), opChoices)
		}
	}
	value, vn, hasValue := str("value")
	switch {
	case !hasValue && keys["value"][0] == nil:
		fp.fail(m, "the gate has no value: (e.g. value: 750ms or value: baseline + 10%%)")
	case hasValue:
		if p := fp.subParser(vn, value); p != nil {
			p.limit(&g, info, token{kind: tkOp, text: string(g.Op), line: vn.Line, col: vn.Column})
			if t := p.peek(0); t.kind != tkEOF && len(p.probs) == 0 {
				p.fail(t, "unexpected %s after the value (e.g. value: 750ms)", describe(t))
			}
			fp.addProbs(vn, p.probs)
		}
	}
	if s, n, ok := str("severity"); ok {
		switch s {
		case "fail":
		case "warn":
			g.Severity = SeverityWarn
		default:
			fp.fail(n, "severity: unknown value %q%s; valid: fail, warn", s, DidYouMean(Suggest(s, []string{"fail", "warn"})))
		}
	}
	if kv := keys["abort"]; kv[0] != nil {
		if b, ok := fp.boolean(kv[0], kv[1]); ok {
			g.Abort = b
			if !b && keys["abort_after"][0] != nil {
				fp.fail(kv[1], "abort: false contradicts abort_after:")
			}
		}
	}
	if s, n, ok := str("abort_after"); ok {
		if p := fp.subParser(n, s); p != nil {
			if d, ok := p.duration(); ok {
				g.AbortAfter, g.Abort = d, true
				if t := p.peek(0); t.kind != tkEOF {
					p.fail(t, "unexpected %s after the duration (e.g. abort_after: 60s)", describe(t))
				}
			}
			fp.addProbs(n, p.probs)
		}
	}
	if s, n, ok := str("case"); ok {
		if s == "" {
			fp.fail(n, "case: empty case name")
		}
		if caseName != "" && s != caseName {
			fp.fail(n, "case: %q inside the group of case %q", s, caseName)
		}
		g.Scope = Scope{Kind: ScopeCase, Case: s}
	}
	if s, n, ok := str("request"); ok {
		if s == "" {
			fp.fail(n, "request: empty request name")
		}
		g.Scope = Scope{Kind: ScopeRequest, Case: g.Scope.Case, Request: s}
	}
	if s, n, ok := str("task"); ok {
		if s == "" {
			fp.fail(n, "task: empty task name")
		}
		g.Scope.Task = s
	}
	if g.Baseline != nil && g.Baseline.Trend && (caseName != "" || g.Scope.Kind != ScopeOverall) {
		fp.fail(m, "a trend gate reads the overall figures of earlier runs: drop its case or request scope")
	}
	if caseName != "" && g.Scope.Case == "" {
		if g.Scope.Kind == ScopeOverall {
			g.Scope.Kind = ScopeCase
		}
		g.Scope.Case = caseName
	}
	if g.Abort {
		at := keys["abort"][0]
		if at == nil {
			at = keys["abort_after"][0]
		}
		switch {
		case g.Severity == SeverityWarn:
			fp.fail(at, "a warn gate cannot abort the run (a warning never stops it); drop severity: warn or abort")
		case g.Baseline != nil && g.Baseline.Trend:
			fp.fail(at, "a trend gate cannot abort the run: the trend is compared after the run ends; use an absolute limit")
		case g.Baseline != nil:
			fp.fail(at, "a baseline gate cannot abort the run: the baseline is compared after the run ends; use an absolute limit")
		}
	}
	if len(fp.probs) > start {
		return Gate{}, false
	}
	g.Text = g.String()
	g.Name = name
	if g.Name == "" {
		g.Name = g.Text
	}
	return g, true
}

// subParser lexes the text of one scalar for the parser's value and
// duration rules; nil when lexing failed (problems are reported).
func (fp *fileParser) subParser(n *yaml.Node, text string) *parser {
	stmts, probs := lex(text)
	fp.addProbs(n, probs)
	switch {
	case len(probs) > 0:
		return nil
	case len(stmts) == 0:
		fp.fail(n, "empty value")
		return nil
	case len(stmts) > 1:
		fp.fail(n, "one value expected, found %d separated by \";\" or lines", len(stmts))
		return nil
	}
	return &parser{toks: stmts[0].toks, eol: stmts[0].eol, fields: fp.ps.Fields}
}

func (fp *fileParser) addProbs(n *yaml.Node, probs []Problem) {
	for _, p := range probs {
		fp.probs = append(fp.probs, fp.mapPos(n, p))
	}
}
