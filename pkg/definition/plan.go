package definition

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
)

// Service is what planning and applying need from the CPTS client
// (*cpts.Client implements it).
type Service interface {
	ListSuites(ctx context.Context) ([]cpts.Suite, error)
	ListTasks(ctx context.Context, suiteID int64) ([]cpts.TaskSummary, error)
	ShowTask(ctx context.Context, taskID int64) (*cpts.Task, error)
	CreateSuite(ctx context.Context, name, description string) (int64, error)
	CreateTask(ctx context.Context, req cpts.CreateTaskRequest) (int64, error)
	SetTaskCases(ctx context.Context, taskID int64, req cpts.SetTaskCasesRequest) error
	CreateCase(ctx context.Context, taskID int64, name string) (int64, error)
	SetCaseContents(ctx context.Context, caseID int64, contents []cpts.CaseContents) error
	SetCaseStages(ctx context.Context, caseID int64, stages []cpts.StageSpec) error
	ListAllVariables(ctx context.Context, suiteID int64) ([]cpts.Variable, error)
	CreateVariable(ctx context.Context, suiteID int64, name string, varType int, values ...any) (int64, error)
	UpdateVariables(ctx context.Context, suiteID int64, vs []cpts.Variable) error
}

// Action is what a plan does to one object.
type Action string

// The actions of a plan.
const (
	Create    Action = "create"
	Update    Action = "update"
	Unchanged Action = "unchanged"
)

// Change is the plan for one object (the suite, the task or a case).
type Change struct {
	// Kind is "suite", "variable", "task" or "case".
	Kind string
	// Name is the object's name.
	Name string
	// ID is the service's id; 0 until created.
	ID int64
	// Action is create, update or unchanged.
	Action Action
	// Diffs describe each difference ("stages[0].issue_num: service 20, file 30").
	Diffs []string
	// Drift is true when a managed object exists and differs: a change made
	// outside the file (or a file change not yet applied); the file wins.
	Drift bool

	contents, stages bool // case: which UpdateCase targets to send
}

// Plan is the set of changes that make the service match a definition.
type Plan struct {
	// Changes are the suite, the task, the cases in file order, then the
	// variables in file order.
	Changes []Change
	// Kept are the task's cases the file does not define (left alone).
	Kept []string
	// Pruned are the task's cases the file does not define, removed with prune.
	Pruned []string

	def      *Definition
	suiteID  int64
	taskID   int64
	taskIDs  []int64 // the task's current case ids, in order
	keptIDs  []int64
	parallel bool
}

// Summary is the line `definition: C created, U updated, N unchanged`.
func (p *Plan) Summary() string {
	n := map[Action]int{}
	for _, c := range p.Changes {
		n[c.Action]++
	}
	return fmt.Sprintf("definition: %d created, %d updated, %d unchanged", n[Create], n[Update], n[Unchanged])
}

// Write prints the plan: one line per object with its differences, then the
// summary line.
func (p *Plan) Write(w io.Writer) {
	mark := map[Action]string{Create: "+", Update: "~", Unchanged: "="}
	for _, c := range p.Changes {
		fmt.Fprintf(w, "  %s %s %q: %s\n", mark[c.Action], c.Kind, c.Name, c.Action)
		for _, d := range c.Diffs {
			prefix := ""
			if c.Drift {
				prefix = "drift: "
			}
			fmt.Fprintf(w, "      %s%s\n", prefix, d)
		}
	}
	for _, k := range p.Kept {
		fmt.Fprintf(w, "  ! case %q is in the task but not in the file: left alone (prune: true removes it)\n", k)
	}
	for _, k := range p.Pruned {
		fmt.Fprintf(w, "  - case %q is in the task but not in the file: removed from the task (prune: true)\n", k)
	}
	fmt.Fprintln(w, p.Summary())
}

// MakePlan reads the suite, the task and its cases from the service and
// compares them with d. It writes nothing.
func MakePlan(ctx context.Context, svc Service, d *Definition) (*Plan, error) {
	p := &Plan{def: d, parallel: d.Task.Parallel}
	suites, err := svc.ListSuites(ctx)
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	suite := Change{Kind: "suite", Name: d.Suite.Name, Action: Create}
	for _, s := range suites {
		if s.Name == d.Suite.Name {
			suite.Action, suite.ID, p.suiteID = Unchanged, int64(s.ID), int64(s.ID)
			break
		}
	}
	p.Changes = append(p.Changes, suite)
	task := Change{Kind: "task", Name: d.Task.Name, Action: Create}
	var cur *cpts.Task
	if p.suiteID != 0 {
		tasks, err := svc.ListTasks(ctx, p.suiteID)
		if err != nil {
			return nil, fmt.Errorf("plan: %w", err)
		}
		for _, t := range tasks {
			if t.Name == d.Task.Name {
				p.taskID = int64(t.ID)
				break
			}
		}
		if p.taskID != 0 {
			if cur, err = svc.ShowTask(ctx, p.taskID); err != nil {
				return nil, fmt.Errorf("plan: %w", err)
			}
			task.Action, task.ID = Unchanged, p.taskID
		}
	}
	byName := map[string]*cpts.CaseDetail{}
	if cur != nil {
		for i := range cur.Cases {
			cd := &cur.Cases[i]
			if cd.Status == 0 && cd.CaseID == 0 {
				continue
			}
			p.taskIDs = append(p.taskIDs, int64(cd.CaseID))
			if _, dup := byName[cd.Name]; !dup {
				byName[cd.Name] = cd
			}
		}
	}
	managed := map[int64]bool{}
	var cases []Change
	for _, c := range d.Cases {
		ch := Change{Kind: "case", Name: c.Name, Action: Create, contents: true, stages: true}
		if cd := byName[c.Name]; cd != nil {
			ch.ID = int64(cd.CaseID)
			managed[ch.ID] = true
			cdiff := diffContents(cd.Contents, c.Contents())
			sdiff := diffStages(cd2specs(cd.Stages), c.StageSpecs())
			ch.contents, ch.stages = len(cdiff) > 0, len(sdiff) > 0
			ch.Diffs = append(cdiff, sdiff...)
			ch.Action, ch.Drift = Unchanged, len(ch.Diffs) > 0
			if ch.Drift {
				ch.Action = Update
			}
		}
		cases = append(cases, ch)
	}
	if cur != nil {
		for _, cd := range cur.Cases {
			if managed[int64(cd.CaseID)] {
				continue
			}
			if d.Prune {
				p.Pruned = append(p.Pruned, cd.Name)
			} else {
				p.Kept = append(p.Kept, cd.Name)
				p.keptIDs = append(p.keptIDs, int64(cd.CaseID))
			}
		}
		if cur.Parallel != d.Task.Parallel {
			task.Action = Update
			task.Diffs = append(task.Diffs, fmt.Sprintf("parallel: service %t, file %t", cur.Parallel, d.Task.Parallel))
		}
		if hasCreate(cases) {
			task.Action = Update
			task.Diffs = append(task.Diffs, "case_id_list: the new cases join the task")
		} else if want := p.wantIDs(cases); !slices.Equal(want, p.taskIDs) {
			task.Action = Update
			task.Diffs = append(task.Diffs, fmt.Sprintf("case_id_list: service %v, file %v", p.taskIDs, want))
		}
	}
	p.Changes = append(p.Changes, task)
	p.Changes = append(p.Changes, cases...)
	vars, err := p.planVariables(ctx, svc)
	if err != nil {
		return nil, err
	}
	p.Changes = append(p.Changes, vars...)
	return p, nil
}

// planVariables compares the managed global variables by name.
func (p *Plan) planVariables(ctx context.Context, svc Service) ([]Change, error) {
	have := map[string]cpts.Variable{}
	if p.suiteID != 0 && len(p.def.Variables) > 0 {
		vs, err := svc.ListAllVariables(ctx, p.suiteID)
		if err != nil {
			return nil, fmt.Errorf("plan: %w", err)
		}
		for _, v := range vs {
			if _, dup := have[v.Name]; !dup {
				have[v.Name] = v
			}
		}
	}
	var out []Change
	for _, v := range p.def.Variables {
		ch := Change{Kind: "variable", Name: v.Name, Action: Create}
		if cur, ok := have[v.Name]; ok {
			ch.ID, ch.Action = int64(cur.ID), Unchanged
			typ, vals := v.Type()
			switch {
			case int(cur.Type) != typ:
				ch.Diffs = append(ch.Diffs, fmt.Sprintf("variable_type: service %d, file %d", int(cur.Type), typ))
			case cur.IsSensitive: // a sensitive value is not readable: compared by type only
			case fmt.Sprint(cur.Values) != fmt.Sprint(vals):
				ch.Diffs = append(ch.Diffs, "variable: values differ (not shown)")
			}
			if len(ch.Diffs) > 0 {
				ch.Action, ch.Drift = Update, true
			}
		}
		out = append(out, ch)
	}
	return out, nil
}

func hasCreate(cs []Change) bool {
	return slices.ContainsFunc(cs, func(c Change) bool { return c.Action == Create })
}

// wantIDs is the case list the task should have: the file's cases in order,
// then the kept unmanaged ones.
func (p *Plan) wantIDs(cases []Change) []int64 {
	var out []int64
	for _, c := range cases {
		out = append(out, c.ID)
	}
	return append(out, p.keptIDs...)
}

func cd2specs(st []cpts.Stage) []cpts.StageSpec {
	out := make([]cpts.StageSpec, len(st))
	for i, s := range st {
		out[i] = s.Spec()
	}
	return out
}

// item is one script item reduced to what the file manages.
type item struct {
	Card, ContentType, DataType  int64
	Disabled                     bool
	Name, Method, URL, Version   string
	Headers                      string
	Connect, Return, Proto, Body int64
}

func items(cs []cpts.CaseContents) []item {
	var out []item
	for ci, card := range cs {
		for _, c := range card.Content {
			it := item{Card: int64(ci), ContentType: int64(c.ContentType), DataType: int64(card.DataType), Disabled: card.IsDisabled}
			if r := c.Content; r != nil {
				var hs []string
				for _, h := range r.Headers {
					hs = append(hs, h.Key+": "+h.Value)
				}
				it.Name, it.Method, it.URL, it.Version = r.Name, r.Method, r.URL, r.HTTPVersion
				it.Headers = strings.Join(hs, "; ")
				it.Connect, it.Return, it.Proto, it.Body = int64(r.ConnectTimeout), int64(r.ReturnTimeout), int64(r.ProtocolType), int64(len(r.Bodys))
			}
			out = append(out, it)
		}
	}
	return out
}

var itemLabels = map[string]string{"Card": "card", "ContentType": "content_type", "DataType": "data_type",
	"Disabled": "is_disabled", "Name": "name", "Method": "method", "URL": "url", "Version": "http_version",
	"Headers": "headers", "Connect": "connect_timeout", "Return": "return_timeout", "Proto": "protocol_type", "Body": "bodys"}

// diffContents lists the differences of the service's script from the file's.
func diffContents(have, want []cpts.CaseContents) []string {
	h, w := items(have), items(want)
	if len(h) != len(w) {
		return []string{fmt.Sprintf("requests: service has %d items, file %d", len(h), len(w))}
	}
	var out []string
	for i := range h {
		hs, ws := h[i].Headers, w[i].Headers
		h[i].Headers, w[i].Headers = "", ""
		out = append(out, diffFields(fmt.Sprintf("requests[%d]", i), reflect.ValueOf(h[i]), reflect.ValueOf(w[i]), func(f reflect.StructField) string { return itemLabels[f.Name] })...)
		if hs != ws { // header values may be credentials: never printed
			out = append(out, fmt.Sprintf("requests[%d].headers: differ (values not shown)", i))
		}
	}
	return out
}

// diffStages lists the differences of the service's stages from the file's.
func diffStages(have, want []cpts.StageSpec) []string {
	if len(have) != len(want) {
		return []string{fmt.Sprintf("stages: service has %d, file %d", len(have), len(want))}
	}
	var out []string
	for i := range have {
		out = append(out, diffFields(fmt.Sprintf("stages[%d]", i), reflect.ValueOf(effective(have[i])), reflect.ValueOf(effective(want[i])), func(f reflect.StructField) string {
			n, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			return n
		})...)
	}
	return out
}

func diffFields(prefix string, h, w reflect.Value, label func(reflect.StructField) string) []string {
	var out []string
	for i := range h.NumField() {
		a, b := h.Field(i).Interface(), w.Field(i).Interface()
		if a != b {
			out = append(out, fmt.Sprintf("%s.%s: service %#v, file %#v", prefix, label(h.Type().Field(i)), a, b))
		}
	}
	return out
}

// Applied is where a definition lives after Apply.
type Applied struct {
	// SuiteID and TaskID are the suite and the task.
	SuiteID, TaskID int64
	// CaseIDs are the managed cases by name.
	CaseIDs map[string]int64
	// Writes counts the write requests sent.
	Writes int
}

// Apply makes the changes of p (from MakePlan for the same definition).
// Objects planned unchanged get no request.
func Apply(ctx context.Context, svc Service, p *Plan) (*Applied, error) {
	d := p.def
	out := &Applied{SuiteID: p.suiteID, TaskID: p.taskID, CaseIDs: map[string]int64{}}
	var err error
	if out.SuiteID == 0 {
		if out.SuiteID, err = svc.CreateSuite(ctx, d.Suite.Name, d.Suite.Description); err != nil {
			return out, fmt.Errorf("apply: %w", err)
		}
		out.Writes++
		p.Changes[0].ID = out.SuiteID
	}
	if out.TaskID == 0 {
		if out.TaskID, err = svc.CreateTask(ctx, cpts.CreateTaskRequest{Name: d.Task.Name, SuiteID: out.SuiteID}); err != nil {
			return out, fmt.Errorf("apply: %w", err)
		}
		out.Writes++
		p.Changes[1].ID = out.TaskID
	}
	taskChange := p.Changes[1]
	newCases := false
	for i := 2; i < 2+len(d.Cases); i++ {
		ch := &p.Changes[i]
		c := d.Cases[i-2]
		if ch.Action == Create {
			if ch.ID, err = svc.CreateCase(ctx, out.TaskID, c.Name); err != nil {
				return out, fmt.Errorf("apply: %w", err)
			}
			out.Writes++
			newCases = true
		}
		out.CaseIDs[c.Name] = ch.ID
		if ch.contents {
			if err := svc.SetCaseContents(ctx, ch.ID, c.Contents()); err != nil {
				return out, fmt.Errorf("apply case %q: %w", c.Name, err)
			}
			out.Writes++
		}
		if ch.stages {
			if err := svc.SetCaseStages(ctx, ch.ID, c.StageSpecs()); err != nil {
				return out, fmt.Errorf("apply case %q: %w", c.Name, err)
			}
			out.Writes++
		}
	}
	if taskChange.Action != Unchanged || newCases {
		err := svc.SetTaskCases(ctx, out.TaskID, cpts.SetTaskCasesRequest{Name: d.Task.Name, Parallel: d.Task.Parallel,
			SuiteID: out.SuiteID, CaseIDs: p.wantIDs(p.Changes[2 : 2+len(d.Cases)])})
		if err != nil {
			return out, fmt.Errorf("apply task %q: %w", d.Task.Name, err)
		}
		out.Writes++
	}
	var changed []cpts.Variable
	for i, v := range d.Variables {
		ch := &p.Changes[2+len(d.Cases)+i]
		typ, vals := v.Type()
		switch ch.Action {
		case Create:
			if ch.ID, err = svc.CreateVariable(ctx, out.SuiteID, v.Name, typ, vals...); err != nil {
				return out, fmt.Errorf("apply variable %q: %w", v.Name, err)
			}
			out.Writes++
		case Update:
			changed = append(changed, cpts.Variable{ID: cpts.Int(ch.ID), Name: v.Name, Type: cpts.Int(typ), Values: vals})
		}
	}
	if len(changed) > 0 {
		if err := svc.UpdateVariables(ctx, out.SuiteID, changed); err != nil {
			return out, fmt.Errorf("apply variables: %w", err)
		}
		out.Writes++
	}
	return out, nil
}

// effective keeps the fields a stage's modes use: a duration stage ignores
// count, a count stage time, a concurrency stage the TPS values (the console
// fills unused fields with its own values).
func effective(s cpts.StageSpec) cpts.StageSpec {
	if s.OperateMode == 0 {
		s.Count = 0
	} else {
		s.Time = 0
	}
	if s.PressureMode == 0 {
		s.TPSValue, s.CurrentTPS = 0, 0
	}
	return s
}
