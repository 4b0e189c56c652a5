package steps

import (
	"context"
	"fmt"
	"strings"

	"github.com/codearts-runner/codearts-runner/pkg/api/cloudtest"
	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// PlanMapping maps a gate (by name or text) or a PerfTest case (by name) to a TestPlan case.
type PlanMapping struct {
	Name   string
	CaseID string
}

// PlanRecord is the outcome of recording one mapping in the plan.
type PlanRecord struct {
	Name     string
	CaseID   string
	Verdict  string // passed, failed, skipped
	Recorded bool
	Err      error
}

// PlanRecorder writes gate outcomes back to TestPlan cases of a plan.
type PlanRecorder struct {
	Client    PlanAPI
	Plan      string // id or exact name
	ServiceID int64
	Mappings  []PlanMapping
}

// Record records each mapped outcome as an execution with its result. Failures are returned
// per record; they never change the gate verdict.
func (r *PlanRecorder) Record(ctx context.Context, o *Outcome) []PlanRecord {
	recs := make([]PlanRecord, 0, len(r.Mappings))
	var execs []cloudtest.CaseExecution
	var results []cloudtest.CaseResult
	for _, m := range r.Mappings {
		rec := PlanRecord{Name: m.Name, CaseID: m.CaseID}
		verdict, desc, ok := verdictOf(o, m.Name)
		rec.Verdict = verdict
		switch {
		case !ok:
			rec.Err = fmt.Errorf("no gate or PerfTest case is named %q", m.Name)
		case verdict == "skipped":
			rec.Err = fmt.Errorf("gate %q was skipped: nothing to record", m.Name)
		}
		recs = append(recs, rec)
		if rec.Err != nil {
			continue
		}
		res := cloudtest.ResultPassed
		if verdict == "failed" {
			res = cloudtest.ResultFailed
		}
		exec := cloudtest.NewExecuteID()
		execs = append(execs, cloudtest.CaseExecution{CaseID: m.CaseID, ExecuteID: exec, Start: o.StartedAt})
		results = append(results, cloudtest.CaseResult{CaseID: m.CaseID, ExecuteID: exec, Result: res,
			End: o.EndedAt, Duration: o.EndedAt.Sub(o.StartedAt), Description: desc})
	}
	if len(execs) == 0 {
		return recs
	}
	planID, _, _, err := ResolvePlan(ctx, r.Client, r.Plan, false, cloudtest.CreatePlanRequest{})
	if err != nil {
		return failAll(recs, fmt.Errorf("find plan: %w", err))
	}
	failed := map[string]error{}
	// mark notes the cases a batch call refused; an error or a cut-off answer fails every record.
	mark := func(b *cloudtest.BatchResult, err error) error {
		if err != nil {
			return err
		}
		for _, f := range b.Failed {
			failed[f.CaseID] = fmt.Errorf("%s: %s", f.Code, f.Message)
		}
		if b.Incomplete {
			return fmt.Errorf("the service's answer was cut off: %w", b.Err())
		}
		return nil
	}
	for start := 0; start < len(execs); start += cloudtest.MaxBatch {
		end := min(start+cloudtest.MaxBatch, len(execs))
		if err := mark(r.Client.RunTestCases(ctx, cloudtest.RunCasesRequest{ServiceID: r.ServiceID, PlanID: planID, Cases: execs[start:end]})); err != nil {
			return failAll(recs, err)
		}
		if err := mark(r.Client.UpdateCaseResults(ctx, cloudtest.UpdateResultsRequest{ServiceID: r.ServiceID, PlanID: planID, Results: results[start:end]})); err != nil {
			return failAll(recs, err)
		}
	}
	for i := range recs {
		if recs[i].Err == nil {
			if e, ok := failed[recs[i].CaseID]; ok {
				recs[i].Err = e
			} else {
				recs[i].Recorded = true
			}
		}
	}
	return recs
}

func failAll(recs []PlanRecord, err error) []PlanRecord {
	for i := range recs {
		if recs[i].Err == nil {
			recs[i].Err = err
		}
	}
	return recs
}

// verdictOf finds the outcome called name: a gate (by name or normalised text) or a case
// (failed when a gate on it failed or its case run did not finish). desc holds the measured
// values for the plan's record.
func verdictOf(o *Outcome, name string) (verdict, desc string, ok bool) {
	for _, r := range o.Results {
		if r.Gate.Name == name || r.Gate.String() == name || r.Gate.Text == name {
			v := "passed"
			switch r.Verdict {
			case gates.Fail:
				v = "failed"
			case gates.Skip:
				v = "skipped"
			}
			return v, fmt.Sprintf("run %d: %s — %s", o.RunID, r.Gate.String(), r.Message), true
		}
	}
	for i, c := range o.Run.Cases {
		if c.Name != name {
			continue
		}
		v := "passed"
		var msgs []string
		for _, r := range o.Results {
			if r.Case == name || r.Gate.Scope.Case == name {
				msgs = append(msgs, r.Gate.String()+": "+r.Message)
				if r.Verdict == gates.Fail {
					v = "failed"
				}
			}
		}
		if i < len(o.Cases) && o.Cases[i].Status == cpts.StatusAborted {
			v = "failed"
			msgs = append(msgs, "case run aborted")
		}
		desc := fmt.Sprintf("run %d, case %q", o.RunID, name)
		if len(msgs) > 0 {
			desc += ": " + strings.Join(msgs, "; ")
		}
		return v, desc, true
	}
	return "", "", false
}
