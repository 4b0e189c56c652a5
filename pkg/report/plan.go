package report

import (
	"fmt"
	"strings"

	"github.com/codearts-runner/codearts-runner/pkg/steps"
)

// BuildTestPlan turns the outcome of `runner testplan` into a Result: one check per case id.
func BuildTestPlan(o *steps.TestPlanOutcome, m Meta) *Result {
	r := Build(nil, m)
	if o == nil || o.PlanID == "" {
		return r
	}
	r.Plan = &Plan{ID: o.PlanID, Name: o.PlanName, Created: o.Created, Calls: o.Calls,
		Added: len(o.Added), Already: len(o.Already), Failed: len(o.Failed)}
	for _, id := range o.Added {
		r.Checks = append(r.Checks, Check{Name: "add case " + id, Group: "cases", Verdict: "passed", Message: "added to plan " + o.PlanName})
	}
	for _, id := range o.Already {
		r.Checks = append(r.Checks, Check{Name: "add case " + id, Group: "cases", Verdict: "passed", Message: "already in plan " + o.PlanName})
	}
	for _, f := range o.Failed {
		r.Checks = append(r.Checks, Check{Name: "add case " + f.CaseID, Group: "cases", Verdict: "failed",
			Message: fmt.Sprintf("%s: %s", f.Code, f.Message)})
	}
	for _, id := range o.Unconfirmed {
		r.Checks = append(r.Checks, Check{Name: "add case " + id, Group: "cases", Verdict: "failed",
			Message: "the service's answer was cut off before it said whether this case was added; read the plan back"})
	}
	return r
}

// BuildTaskModel turns the outcome of `runner taskmodel` into a Result: one check per template.
func BuildTaskModel(o *steps.TaskModelOutcome, m Meta) *Result {
	r := Build(nil, m)
	if o == nil {
		return r
	}
	r.Execution = &Execution{TaskIDs: o.TaskIDs, ID: o.ExecutionID}
	for _, id := range o.TaskIDs {
		c := Check{Name: "task template " + id, Group: "templates", Verdict: "passed", Message: "accepted (execution " + o.ExecutionID + ")"}
		if o.Failure != nil {
			r.Execution.Cause, r.Execution.FAQ = o.Failure.Cause, o.Failure.FAQ
			c.Verdict = "failed"
			c.Message = fmt.Sprintf("the execution of the templates %s was refused (one failing template fails the call): %v", strings.Join(o.TaskIDs, ", "), o.Failure)
		}
		r.Checks = append(r.Checks, c)
	}
	if r.ExitCode == 0 && len(o.TaskIDs) == 0 && m.Err == nil {
		r.Checks = append(r.Checks, Check{Name: "task templates", Group: "templates", Verdict: "failed", Message: "no template ids"})
	}
	return r
}
