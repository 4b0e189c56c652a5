package report

import (
	"slices"

	"github.com/codearts-runner/codearts-runner/pkg/redact"
)

// Redact prepares the result for every writer. Each text that came from outside the runner
// (names of the suite, task, cases, requests and plan, error and gate messages, notes,
// settings, timestamps) has every secret of red masked and is cleaned by redact.Text: no ESC
// sequence, no bidirectional control, no character XML cannot carry. red is kept: every file
// writer masks its bytes once more on the way out. Call it before writing anything; nil only
// cleans. The request rows shared with the outcome are copied, not changed, when a name is.
func (r *Result) Redact(red *redact.Redactor) {
	r.red = red
	f := func(s string) string { return redact.Text(red.String(s)) }
	for _, t := range r.Tasks {
		t.Redact(red)
	}
	r.Error = f(r.Error)
	for k, v := range r.Settings {
		r.Settings[k] = f(v)
	}
	for _, ref := range []*Ref{r.Suite, r.Task} {
		if ref != nil {
			ref.Name = f(ref.Name)
		}
	}
	if r.Run != nil {
		r.Run.StatusText = f(r.Run.StatusText)
	}
	if r.Baseline != nil {
		r.Baseline.Note = f(r.Baseline.Note)
	}
	for i := range r.Gates {
		g := &r.Gates[i]
		g.Name, g.Text, g.Message = f(g.Name), f(g.Text), f(g.Message)
		g.Metric, g.Scope, g.Unit = f(g.Metric), f(g.Scope), f(g.Unit)
	}
	for i := range r.Cases {
		c := &r.Cases[i]
		c.Name, c.StatusText = f(c.Name), f(c.StatusText)
		copied := false
		for j := range c.Requests {
			name := f(c.Requests[j].Name)
			if name == c.Requests[j].Name {
				continue
			}
			if !copied {
				c.Requests, copied = slices.Clone(c.Requests), true
			}
			c.Requests[j].Name = name
		}
	}
	if p := r.Plan; p != nil {
		p.ID, p.Name = f(p.ID), f(p.Name)
	}
	if e := r.Execution; e != nil {
		e.ID, e.Cause, e.FAQ = f(e.ID), f(e.Cause), f(e.FAQ)
		for i := range e.TaskIDs {
			e.TaskIDs[i] = f(e.TaskIDs[i])
		}
	}
	if w := r.Workflow; w != nil {
		w.RawStatus = f(w.RawStatus)
		for i := range w.Steps {
			w.Steps[i].Log = f(w.Steps[i].Log)
		}
		for i := range w.Checkpoints {
			w.Checkpoints[i].Error = f(w.Checkpoints[i].Error)
		}
	}
	for i := range r.PlanRecords {
		p := &r.PlanRecords[i]
		p.Name, p.CaseID, p.Error = f(p.Name), f(p.CaseID), f(p.Error)
	}
	for i := range r.Checks {
		c := &r.Checks[i]
		c.Name, c.Group, c.Message, c.Output = f(c.Name), f(c.Group), f(c.Message), f(c.Output)
	}
	for i := range r.curves {
		c := &r.curves[i]
		c.Name = f(c.Name)
		for j := range c.Timestamps {
			c.Timestamps[j] = f(c.Timestamps[j])
		}
	}
}
