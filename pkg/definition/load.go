package definition

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// Options control how a file is read.
type Options struct {
	// Env is the environment ${VAR} references read (the runner passes the
	// map pkg/config read; nil: no variables). `$${X}` stays a literal `${X}`.
	Env map[string]string
	// Profile selects one of the file's profiles; "" applies none.
	Profile string
}

// Problem is one error at a line and column of the file.
type Problem = gates.Problem

// Error lists every problem of a definition file.
type Error struct {
	// Source names the file.
	Source string
	// Problems are sorted by position.
	Problems []Problem
}

// Error implements error: one problem per line, "file:line:col: msg".
func (e *Error) Error() string {
	src := e.Source
	if src == "" {
		src = "definition"
	}
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		sep := ":"
		if p.Line == 0 {
			sep = ": "
		}
		lines[i] = src + sep + p.String()
	}
	if len(lines) == 1 {
		return lines[0]
	}
	return fmt.Sprintf("%d problems:\n  %s", len(lines), strings.Join(lines, "\n  "))
}

// Parse reads a definition file (source names it in errors), applies the
// selected profile and the defaults, and checks it. Every problem is reported
// with its line and column, unknown keys with the valid ones and a "did you
// mean".
func Parse(source string, data []byte, o Options) (*Definition, error) {
	f, gs, none, probs := decode(data, o.Env)
	var d *Definition
	if f != nil && len(probs) == 0 {
		d, probs = f.resolve(o.Profile, probs)
	}
	if len(probs) > 0 {
		slices.SortStableFunc(probs, func(a, b Problem) int { return cmp.Or(a.Line-b.Line, a.Col-b.Col) })
		return nil, &Error{Source: source, Problems: probs}
	}
	d.Gates, d.GatesNone = gs, none
	return d, nil
}

// decoder walks the YAML tree and the Go types together.
type decoder struct {
	env    map[string]string
	probs  []Problem
	lines  []byte
	gates  []gates.Gate
	noGate bool
}

func (dc *decoder) fail(n *yaml.Node, format string, args ...any) {
	p := Problem{Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		p.Line, p.Col, p.Text = n.Line, n.Column, n.Value
	}
	dc.probs = append(dc.probs, p)
}

func decode(data []byte, env map[string]string) (*File, []gates.Gate, bool, []Problem) {
	dc := &decoder{env: env, lines: data}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		p := Problem{Line: 1, Msg: err.Error()}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			fmt.Sscan(m[1], &p.Line)
			p.Msg = m[2]
		}
		return nil, nil, false, []Problem{p}
	}
	if len(doc.Content) == 0 {
		return nil, nil, false, []Problem{{Line: 1, Col: 1, Msg: "empty definition: write suite:, task: and cases:"}}
	}
	f := &File{}
	dc.value(doc.Content[0], reflect.ValueOf(f).Elem(), "")
	return f, dc.gates, dc.noGate, dc.probs
}

var (
	yamlLine   = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	varRef     = regexp.MustCompile(`\$?\$\{([^}]*)\}`)
	varName    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	durationT  = reflect.TypeFor[Duration]()
	yamlNodeT  = reflect.TypeFor[yaml.Node]()
	kindLabels = map[yaml.Kind]string{yaml.MappingNode: "mapping", yaml.SequenceNode: "list", yaml.ScalarNode: "value", yaml.AliasNode: "alias"}
)

// expand replaces ${VAR} from the environment map; $${VAR} is kept as ${VAR}.
func (dc *decoder) expand(n *yaml.Node) (string, bool) {
	ok := true
	out := varRef.ReplaceAllStringFunc(n.Value, func(m string) string {
		if strings.HasPrefix(m, "$$") {
			return m[1:]
		}
		name := m[2 : len(m)-1]
		if !varName.MatchString(name) {
			dc.fail(n, "%q is not a variable reference: write ${NAME} (letters, digits, _), or $${…} for a literal", m)
			ok = false
			return m
		}
		v, found := dc.env[name]
		if !found {
			dc.fail(n, "environment variable %s is not set (referenced as ${%s}); set it or write $${%s} for a literal", name, name, name)
			ok = false
			return m
		}
		return v
	})
	return out, ok
}

// value decodes node n into v (of a type from types.go); path names the key.
func (dc *decoder) value(n *yaml.Node, v reflect.Value, path string) {
	n = resolveAlias(n)
	t := v.Type()
	switch {
	case t == yamlNodeT:
		dc.gatesValue(n)
		return
	case t == durationT || t.Kind() == reflect.String || t.Kind() == reflect.Int || t.Kind() == reflect.Bool:
		dc.scalar(n, v, path)
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(t.Elem()))
		dc.value(n, v.Elem(), path)
	case reflect.Struct:
		dc.object(n, v, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			dc.fail(n, "%s: expected a list, not a %s", path, kindLabels[n.Kind])
			return
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, it := range n.Content {
			dc.value(it, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			dc.fail(n, "%s: expected a mapping, not a %s", path, kindLabels[n.Kind])
			return
		}
		m := reflect.MakeMap(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if m.MapIndex(reflect.ValueOf(k.Value)).IsValid() {
				dc.fail(k, "%s: key %q is given twice", path, k.Value)
				continue
			}
			e := reflect.New(t.Elem()).Elem()
			dc.value(n.Content[i+1], e, path+"."+k.Value)
			m.SetMapIndex(reflect.ValueOf(k.Value), e)
		}
		v.Set(m)
	}
}

// gatesValue parses the gates: key with pkg/gates.
func (dc *decoder) gatesValue(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && strings.TrimSpace(n.Value) == "none" {
		dc.noGate = true
		return
	}
	gs, probs := gates.Parser{Fields: cpts.GateFields()}.ParseNode(n, dc.lines)
	dc.gates = append(dc.gates, gs...)
	dc.probs = append(dc.probs, probs...)
}

// scalar decodes a leaf after ${VAR} expansion, checking enums.
func (dc *decoder) scalar(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode {
		dc.fail(n, "%s: expected a single value, not a %s", path, kindLabels[n.Kind])
		return
	}
	s, ok := dc.expand(n)
	if !ok {
		return
	}
	c := *n
	c.Value = s
	if s != n.Value { // an expanded value is read as if written in place
		c.Tag = ""
		if v.Kind() == reflect.String {
			c.Tag = "!!str"
		}
	}
	if err := c.Decode(v.Addr().Interface()); err != nil {
		var te *yaml.TypeError
		msg := err.Error()
		if errors.As(err, &te) && len(te.Errors) > 0 {
			msg = te.Errors[0]
			if _, rest, ok := strings.Cut(msg, ": "); ok && strings.HasPrefix(msg, "line ") {
				msg = rest
			}
		}
		want := map[reflect.Kind]string{reflect.Int: "a whole number", reflect.Bool: "true or false"}[v.Kind()]
		if want != "" {
			msg = fmt.Sprintf("expected %s, found %q", want, s)
		}
		dc.fail(n, "%s: %s", path, msg)
	}
}

// fieldsOf lists the yaml keys of a struct type with their field index.
func fieldsOf(t reflect.Type) (keys []string, index map[string]int) {
	index = map[string]int{}
	for i := range t.NumField() {
		k, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if k == "-" {
			continue
		}
		keys = append(keys, k)
		index[k] = i
	}
	return keys, index
}

// object decodes a mapping into a struct: unknown keys, duplicate keys,
// missing required keys and values outside an enum are problems.
func (dc *decoder) object(n *yaml.Node, v reflect.Value, path string) {
	where := path
	if where == "" {
		where = "the file"
	}
	if n.Kind != yaml.MappingNode {
		dc.fail(n, "%s: expected a mapping, not a %s", where, kindLabels[n.Kind])
		return
	}
	t := v.Type()
	keys, index := fieldsOf(t)
	if at := v.FieldByName("At"); at.IsValid() {
		at.Set(reflect.ValueOf(Pos{n.Line, n.Column}))
	}
	seen := map[string]bool{}
	pairs := dc.merged(n)
	for i := 0; i+1 < len(pairs); i += 2 {
		k, val := pairs[i], pairs[i+1]
		if seen[k.Value] {
			dc.fail(k, "%s: key %q is given twice", where, k.Value)
			continue
		}
		seen[k.Value] = true
		if path == "" && strings.HasPrefix(k.Value, "x-") {
			continue // extension key, a home for YAML anchors
		}
		fi, ok := index[k.Value]
		if !ok {
			dc.fail(k, "%s: unknown key %q%s; valid keys: %s", where, k.Value,
				gates.DidYouMean(gates.Suggest(k.Value, keys)), strings.Join(keys, ", "))
			continue
		}
		sub := k.Value
		if path != "" {
			sub = path + "." + k.Value
		}
		f := t.Field(fi)
		dc.value(val, v.Field(fi), sub)
		if enum := f.Tag.Get("enum"); enum != "" {
			choices := strings.Split(enum, ",")
			if s := v.Field(fi).String(); s != "" && !slices.Contains(choices, s) {
				dc.fail(val, "%s: %q is not valid%s; valid: %s", sub, s,
					gates.DidYouMean(gates.Suggest(s, choices)), strings.Join(choices, ", "))
			}
		}
	}
	for _, k := range keys {
		f := t.Field(index[k])
		if f.Tag.Get("required") == "true" && !seen[k] {
			dc.fail(n, "%s: %s is required", where, k)
		}
	}
}

// merged returns a mapping's key/value nodes with YAML merge keys (`<<: *anchor`, or a list
// of anchors) expanded: a key given in the mapping itself wins over a merged one.
func (dc *decoder) merged(n *yaml.Node) []*yaml.Node {
	var own, from []*yaml.Node
	explicit := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" || (k.Value == "<<" && k.Style == 0) {
			srcs := []*yaml.Node{v}
			if r := resolveAlias(v); r.Kind == yaml.SequenceNode {
				srcs = r.Content
			}
			for _, src := range srcs {
				src = resolveAlias(src)
				if src.Kind != yaml.MappingNode {
					dc.fail(v, "<< merges a mapping (an anchor such as *defaults), not a %s", kindLabels[src.Kind])
					continue
				}
				from = append(from, dc.merged(src)...)
			}
			continue
		}
		explicit[k.Value] = true
		own = append(own, k, v)
	}
	for i := 0; i+1 < len(from); i += 2 {
		if !explicit[from[i].Value] {
			explicit[from[i].Value] = true
			own = append(own, from[i], from[i+1])
		}
	}
	return own
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// resolve applies the profile and the defaults, and checks what the types
// cannot say.
func (f *File) resolve(profile string, probs []Problem) (*Definition, []Problem) {
	failAt := func(at Pos, format string, args ...any) {
		probs = append(probs, Problem{Line: at.Line, Col: at.Col, Msg: fmt.Sprintf(format, args...)})
	}
	fail := func(format string, args ...any) { failAt(Pos{}, format, args...) }
	seenVar := map[string]bool{}
	for i, v := range f.Variables {
		n := 0
		for _, set := range []bool{v.Text != nil, v.Range != nil, v.Values != nil} {
			if set {
				n++
			}
		}
		switch {
		case seenVar[v.Name]:
			failAt(v.At, "variables[%d]: variable %q is defined twice", i, v.Name)
		case n != 1:
			failAt(v.At, "variables[%d] %q: give exactly one of text (text variable), range: [min, max] (integer range) or values: [...] (enumeration)", i, v.Name)
		case v.Range != nil && (len(v.Range) != 2 || v.Range[0] > v.Range[1]):
			failAt(v.At, "variables[%d] %q: range is [min, max] with min <= max", i, v.Name)
		case v.Values != nil && len(v.Values) == 0:
			failAt(v.At, "variables[%d] %q: values lists at least one value", i, v.Name)
		}
		seenVar[v.Name] = true
	}
	d := &Definition{Suite: f.Suite, Variables: f.Variables, Task: f.Task, Prune: f.Prune, Profile: profile, Profiles: slices.Sorted(maps.Keys(f.Profiles))}
	var p Profile
	if profile != "" {
		var ok bool
		switch p, ok = f.Profiles[profile]; {
		case ok:
		case len(d.Profiles) == 0:
			fail("profile %q: the file defines no profiles", profile)
		default:
			fail("profile %q is not defined%s; profiles: %s", profile, gates.DidYouMean(gates.Suggest(profile, d.Profiles)), strings.Join(d.Profiles, ", "))
		}
	}
	if p.Task != nil {
		d.Task.Name = p.Task.Name
	}
	names := map[string]bool{}
	for i, c := range f.Cases {
		if names[c.Name] {
			failAt(c.At, "cases[%d]: case %q is defined twice", i, c.Name)
		}
		names[c.Name] = true
		if pc, ok := p.Cases[c.Name]; ok {
			c.Stages = pc.Stages
		} else if p.Stages != nil {
			c.Stages = p.Stages
		}
		c.Requests = slices.Clone(c.Requests)
		for j := range c.Requests {
			r := &c.Requests[j]
			r.defaults()
			if err := r.check(); err != nil {
				failAt(r.At, "cases[%d] %q requests[%d] %q: %v", i, c.Name, j, r.Name, err)
			}
		}
		c.Stages = slices.Clone(c.Stages)
		for j := range c.Stages {
			st := &c.Stages[j]
			st.defaults(j)
			if err := st.check(); err != nil {
				failAt(st.At, "cases[%d] %q stages[%d]: %v", i, c.Name, j, err)
			}
		}
		if len(c.Requests) == 0 {
			failAt(c.At, "cases[%d] %q: at least one request is required", i, c.Name)
		}
		if len(c.Stages) == 0 {
			failAt(c.At, "cases[%d] %q: at least one stage is required", i, c.Name)
		}
		d.Cases = append(d.Cases, c)
	}
	for name, pr := range f.Profiles {
		for cn := range pr.Cases {
			if !names[cn] {
				fail("profiles.%s.cases: %q is not a case of the file%s", name, cn, gates.DidYouMean(gates.Suggest(cn, slices.Sorted(maps.Keys(names)))))
			}
		}
	}
	if len(f.Cases) == 0 && len(probs) == 0 {
		fail("cases: at least one case is required")
	}
	return d, probs
}

// Defaults of a request, as the console fills them in.
const (
	defaultMethod      = "GET"
	defaultHTTPVersion = "HTTP/1.1"
	defaultTimeout     = Duration(5000 * 1e6) // 5000 ms, as the documented examples
)

func (r *Request) defaults() {
	if r.Method == "" {
		r.Method = defaultMethod
	}
	if r.HTTPVersion == "" {
		r.HTTPVersion = defaultHTTPVersion
	}
	if r.ConnectTimeout == 0 {
		r.ConnectTimeout = defaultTimeout
	}
	if r.ResponseTimeout == 0 {
		r.ResponseTimeout = defaultTimeout
	}
}

func (r *Request) check() error {
	u, err := url.Parse(r.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("url %q: expected an http:// or https:// URL with a host", r.URL)
	}
	return nil
}

func (s *Stage) defaults(i int) {
	if s.Name == "" {
		s.Name = fmt.Sprintf("Stage-%d", i+1)
	}
	if s.Pressure == "" {
		s.Pressure = "concurrency"
	}
}

func (s *Stage) check() error {
	switch {
	case s.Duration == 0 && s.Count == 0:
		return errors.New("give duration (e.g. 5m) or count")
	case s.Duration != 0 && s.Count != 0:
		return errors.New("give duration or count, not both")
	case s.Duration != 0 && s.Duration%Duration(1e9) != 0:
		return fmt.Errorf("duration %s: the service counts whole seconds", s.Duration)
	case s.RampUp%Duration(1e9) != 0:
		return fmt.Errorf("ramp_up %s: the service counts whole seconds", s.RampUp)
	case s.Duration != 0 && s.RampUp > s.Duration:
		return fmt.Errorf("ramp_up %s is longer than duration %s", s.RampUp, s.Duration)
	case s.Count < 0 || s.Users < 0 || s.StartUsers < 0 || s.TPS < 0 || s.StartTPS < 0:
		return errors.New("counts, users and tps cannot be negative")
	case s.Pressure == "concurrency" && s.Users == 0:
		return errors.New("users is required with concurrency pressure")
	case s.Pressure == "concurrency" && (s.TPS != 0 || s.StartTPS != 0):
		return errors.New("tps and start_tps apply to tps pressure: add pressure: tps")
	case s.Pressure == "tps" && s.TPS == 0:
		return errors.New("tps is required with tps pressure")
	}
	return nil
}
