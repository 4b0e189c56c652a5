// Package outcome converts what the flows (pkg/steps) return into the plain result model that
// pkg/report renders, and decides the run's verdict and exit code.
package outcome

import (
	"cmp"
	"fmt"
	"math"
	"strings"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
	"github.com/codearts-runner/codearts-runner/pkg/redact"
	"github.com/codearts-runner/codearts-runner/pkg/report"
	"github.com/codearts-runner/codearts-runner/pkg/steps"
)

// Build turns a perftest outcome into the Result every writer renders. The result shares the
// request rows of o.Run (a big run has 50,000 of them): neither side may change them after.
func Build(o *steps.Outcome, m report.Meta) *report.Result {
	r := report.New(m)
	if o == nil {
		return r
	}
	if o.SuiteID != 0 {
		r.Suite = &report.Ref{ID: o.SuiteID, Name: o.SuiteName}
	}
	if o.TaskID != 0 {
		r.Task = &report.Ref{ID: o.TaskID, Name: o.TaskName, Created: o.TaskMade}
	}
	if o.HasRun() {
		by := "runner"
		if o.Attached {
			by = "attached"
		}
		run := &report.Run{ID: o.RunID, Status: int(o.Status), StatusText: runStatusText(o), StartedBy: by,
			StartedAt: o.StartedAt.UTC(), EndedAt: o.EndedAt.UTC(), TimedOut: o.TimedOut, Cancelled: o.Cancelled,
			StopSent: o.StopSent, StopConfirmed: o.StopConfirmed, AbortedEarly: o.AbortedBy != nil}
		if !o.StartedAt.IsZero() && !o.EndedAt.IsZero() {
			run.DurationSec = o.EndedAt.Sub(o.StartedAt).Seconds()
		}
		if o.Duration > 0 {
			run.DurationSec = o.Duration.Seconds()
		}
		r.Run = run
	}
	if o.Baseline != nil || o.BaselineNote != "" {
		b := &report.Baseline{Note: o.BaselineNote}
		if o.Baseline != nil {
			b.RunID = o.Baseline.ID
		}
		r.Baseline = b
	}
	for _, res := range o.Results {
		g := report.GateOf(res)
		if res.BaselineValue != nil && o.RunID != 0 {
			g.Message = fmt.Sprintf("run %d: %s", o.RunID, g.Message)
		}
		r.AddGate(g)
	}
	if len(o.Run.Cases) > 0 {
		r.Overall = gates.Aggregate(o.Run.Cases)
	}
	for i := range o.Run.Cases {
		c := &o.Run.Cases[i]
		rc := report.Case{Name: c.Name, Metrics: c.Metrics, Status: c.Status}
		if i < len(o.Cases) {
			rc.CaseRunID = o.Cases[i].CaseRunID
			rc.StatusText = o.Cases[i].Status.String()
		}
		if len(c.Requests) > 0 {
			rc.Requests = c.Requests // shared, not copied: 50,000 rows in a big run
		}
		r.Cases = append(r.Cases, rc)
	}
	for _, p := range o.PlanRecords {
		pr := report.PlanRecord{Name: p.Name, CaseID: p.CaseID, Verdict: p.Verdict, Recorded: p.Recorded}
		if p.Err != nil {
			pr.Error = p.Err.Error()
		}
		r.PlanRecords = append(r.PlanRecords, pr)
	}
	r.SetCurves(curvesOf(o))
	r.Trend = trendOf(o)
	return r
}

// curvesOf extracts the report curves; a null point is carried as NaN.
func curvesOf(o *steps.Outcome) []report.CaseCurves {
	var out []report.CaseCurves
	for _, c := range o.Cases {
		if c.Report == nil {
			continue
		}
		b := c.Report.Brokens
		cc := report.CaseCurves{Name: c.Name, TPS: numbers(b.TPS.TPS), AvgRT: numbers(b.TPS.Average),
			VUsers: numbers(b.VUsers.VUsers), Errors: numbers(b.RespCode.Error)}
		for _, t := range b.Timestamps {
			cc.Timestamps = append(cc.Timestamps, string(t))
		}
		if len(cc.Timestamps) > 0 || len(cc.TPS) > 0 {
			out = append(out, cc)
		}
	}
	return out
}

func numbers(ns []cpts.Number) []float64 {
	out := make([]float64, len(ns))
	for i, n := range ns {
		if v, ok := n.Get(); ok {
			out[i] = v
		} else {
			out[i] = math.NaN()
		}
	}
	return out
}

// runStatusText is the run's status for people. The service says "stopped by user" for every
// stop, also the runner's own (timeout, abort gate, cancel, a run it could no longer follow):
// those say who stopped the run and why.
func runStatusText(o *steps.Outcome) string {
	if !o.StopSent || (o.Status != cpts.StatusStoppedByUser && o.Status != cpts.StatusStopping) {
		return o.Status.String()
	}
	why := "it could no longer be followed"
	switch {
	case o.AbortedBy != nil:
		why = "a live abort gate was lost"
	case o.TimedOut:
		why = "timeout"
	case o.Cancelled:
		why = "cancelled"
	}
	if o.Status == cpts.StatusStopping {
		return "stopping (stopped by the runner: " + why + ")"
	}
	return "stopped by the runner (" + why + ")"
}

// trendOf renders the outcome's trend; nil when the trend was off.
func trendOf(o *steps.Outcome) *report.Trend {
	if len(o.Trend) == 0 && o.TrendNote == "" {
		return nil
	}
	t := &report.Trend{Note: o.TrendNote, Runs: []report.TrendPoint{}}
	for _, p := range o.Trend {
		tp := report.TrendPoint{RunID: p.RunID, Current: p.Current, Passed: p.Passed}
		val := func(m string) *float64 {
			if v, ok := p.Values[m]; ok && !math.IsNaN(v) && !math.IsInf(v, 0) {
				return &v
			}
			return nil
		}
		tp.P95, tp.AvgRT, tp.TPS, tp.ErrorRate = val("p95"), val("avg_rt"), val("tps"), val("error_rate")
		if !p.Current {
			t.Window++
		}
		t.Runs = append(t.Runs, tp)
	}
	return t
}

// BuildTestPlan turns the outcome of `runner testplan` into a Result: one check per case id.
func BuildTestPlan(o *steps.TestPlanOutcome, m report.Meta) *report.Result {
	r := Build(nil, m)
	if o == nil || o.PlanID == "" {
		return r
	}
	r.Plan = &report.Plan{ID: o.PlanID, Name: o.PlanName, Created: o.Created, Calls: o.Calls,
		Added: len(o.Added), Already: len(o.Already), Failed: len(o.Failed)}
	for _, id := range o.Added {
		r.Checks = append(r.Checks, report.Check{Name: "add case " + id, Group: "cases", Verdict: "passed", Message: "added to plan " + o.PlanName})
	}
	for _, id := range o.Already {
		r.Checks = append(r.Checks, report.Check{Name: "add case " + id, Group: "cases", Verdict: "passed", Message: "already in plan " + o.PlanName})
	}
	for _, f := range o.Failed {
		r.Checks = append(r.Checks, report.Check{Name: "add case " + f.CaseID, Group: "cases", Verdict: "failed",
			Message: fmt.Sprintf("%s: %s", f.Code, f.Message)})
	}
	for _, id := range o.Unconfirmed {
		r.Checks = append(r.Checks, report.Check{Name: "add case " + id, Group: "cases", Verdict: "failed",
			Message: "the service's answer was cut off before it said whether this case was added; read the plan back"})
	}
	return r
}

// BuildTaskModel turns the outcome of `runner taskmodel` into a Result: one check per template.
func BuildTaskModel(o *steps.TaskModelOutcome, m report.Meta) *report.Result {
	r := Build(nil, m)
	if o == nil {
		return r
	}
	r.Execution = &report.Execution{TaskIDs: o.TaskIDs, ID: o.ExecutionID}
	for _, id := range o.TaskIDs {
		c := report.Check{Name: "task template " + id, Group: "templates", Verdict: "passed", Message: "accepted (execution " + o.ExecutionID + ")"}
		if o.Failure != nil {
			r.Execution.Cause, r.Execution.FAQ = o.Failure.Cause, o.Failure.FAQ
			c.Verdict = "failed"
			c.Message = fmt.Sprintf("the execution of the templates %s was refused (one failing template fails the call): %v", strings.Join(o.TaskIDs, ", "), o.Failure)
		}
		r.Checks = append(r.Checks, c)
	}
	if r.ExitCode == 0 && len(o.TaskIDs) == 0 && m.Err == nil {
		r.Checks = append(r.Checks, report.Check{Name: "task templates", Group: "templates", Verdict: "failed", Message: "no template ids"})
	}
	return r
}

// BuildWorkflow turns the outcome of `runner workflow` into a Result: one check per step of the
// execution when the status answer lists steps, else one for the workflow.
func BuildWorkflow(o *steps.WorkflowOutcome, m report.Meta) *report.Result {
	r := Build(nil, m)
	if !o.HasJob() {
		return r
	}
	w := &report.Workflow{ID: o.WorkflowID, Name: o.WorkflowName, Job: o.Job, StartedBy: "runner", Status: o.Status,
		Verdict: o.Verdict.String(), DurationSec: o.Duration.Seconds(), TimedOut: o.TimedOut, Cancelled: o.Cancelled,
		StopSent: o.StopSent, StopConfirmed: o.StopConfirmed, Unrecognised: o.Unrecognised, RawStatus: o.RawStatus, Steps: []report.WorkflowStep{}}
	if o.Reconciled {
		w.StartedBy = "history"
	}
	if !o.StartedAt.IsZero() {
		w.StartedAt = o.StartedAt.UTC().Format("2006-01-02T15:04:05Z")
	}
	if !o.EndedAt.IsZero() {
		w.EndedAt = o.EndedAt.UTC().Format("2006-01-02T15:04:05Z")
	}
	waiting := map[string]bool{}
	for _, c := range o.Checkpoints {
		cp := report.Checkpoint{TaskID: c.TaskID, Step: c.Step, Action: c.Action}
		if c.Err != nil {
			cp.Error = c.Err.Error()
		}
		w.Checkpoints = append(w.Checkpoints, cp)
		waiting[c.Step] = true
	}
	ended := o.Verdict.Terminal()
	for _, s := range o.Steps {
		w.Steps = append(w.Steps, report.WorkflowStep{Name: s.Name, ID: s.StateID, TaskID: s.TaskID, Type: s.Type, Status: s.Status, Verdict: s.Verdict.String(), Log: s.Log})
		c := report.Check{Name: "step " + s.Name, Group: "steps", Verdict: "passed", Message: fmt.Sprintf("status %q", s.Status)}
		switch s.Verdict {
		case steps.VerdictFailed:
			if o.Verdict == steps.VerdictSucceeded {
				// The execution decides: a failed step under a succeeded execution (retried,
				// tolerated) is shown, not failed.
				c.Message = fmt.Sprintf("status %q, but the execution succeeded", s.Status)
				break
			}
			c.Verdict = "failed"
			c.Message = fmt.Sprintf("step %q of job %s failed (status %q)", s.Name, redact.Inline(o.Job), s.Status)
			c.Output = s.Log
			if s.Log == "" && s.LogErr != "" {
				c.Output = "the log could not be read: " + s.LogErr
			}
		case steps.VerdictSkipped:
			c.Verdict, c.Message = "skipped", fmt.Sprintf("skipped (status %q)", s.Status)
		case steps.VerdictWaiting:
			c.Verdict, c.Message = "failed", fmt.Sprintf("waiting for a person at this manual checkpoint (task %s, status %q) when the runner ended", cmp.Or(s.TaskID, "unknown"), s.Status)
		case steps.VerdictSucceeded:
		default:
			if ended || o.TimedOut || o.Cancelled {
				c.Verdict, c.Message = "skipped", fmt.Sprintf("not finished when the drill ended (status %q)", s.Status)
			} else {
				c.Message = fmt.Sprintf("status %q", s.Status)
			}
		}
		r.Checks = append(r.Checks, c)
	}
	if len(o.Steps) == 0 {
		c := report.Check{Name: "workflow " + cmp.Or(o.WorkflowName, o.WorkflowID), Group: "workflow", Verdict: "passed",
			Message: fmt.Sprintf("job %s: status %q", redact.Inline(o.Job), o.Status)}
		if o.Verdict == steps.VerdictFailed {
			c.Verdict = "failed"
		} else if o.Verdict != steps.VerdictSucceeded && (o.TimedOut || o.Cancelled) {
			c.Verdict = "failed"
			c.Message = fmt.Sprintf("job %s did not end (status %q)", redact.Inline(o.Job), o.Status)
		}
		r.Checks = append(r.Checks, c)
	}
	r.Workflow = w
	return r
}
