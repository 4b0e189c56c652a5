package steps

import (
	"context"
	"fmt"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// maxBaselineCandidates bounds how many earlier runs are read to find a baseline.
const maxBaselineCandidates = 5

// needsBaseline reports whether any gate compares with a baseline.
func needsBaseline(gs []gates.Gate) bool {
	for _, g := range gs {
		if g.Baseline != nil && !g.Baseline.Trend {
			return true
		}
	}
	return false
}

// baseline finds the baseline run when a gate needs one. previous: the latest earlier run of
// the task that produced requests and passes today's non-baseline gates; previous-finished: the
// latest earlier run that produced requests; run: the given run id. Nothing found leaves
// o.Baseline nil with a note; the gates then skip (or fail when a baseline is required).
func (p *PerfTest) baseline(ctx context.Context, in PerfTestInput, o *Outcome) {
	if !needsBaseline(in.Gates) {
		return
	}
	if in.Baseline == "run" {
		run, err := p.loadRun(ctx, o.TaskID, in.BaselineRunID)
		if err != nil {
			o.BaselineNote = fmt.Sprintf("baseline run %d could not be read: %v", in.BaselineRunID, err)
			return
		}
		if err := gates.PlausibilityError(gates.CheckPlausible(run)); err != nil {
			o.BaselineNote = fmt.Sprintf("baseline run %d is not used: %v", in.BaselineRunID, err)
			return
		}
		o.Baseline, o.BaselineNote = &run, fmt.Sprintf("baseline: run %d (given)", in.BaselineRunID)
		return
	}
	hist, err := p.history(ctx, o)
	if err != nil {
		o.BaselineNote = fmt.Sprintf("no baseline: the run history of task %d could not be read: %v", o.TaskID, err)
		return
	}
	ids := earlierRuns(hist, o.RunID)
	var plain []gates.Gate
	for _, g := range in.Gates {
		if g.Baseline == nil {
			plain = append(plain, g)
		}
	}
	for i, id := range ids {
		if i == maxBaselineCandidates {
			break
		}
		run, err := p.loadOnce(ctx, o, id)
		if err != nil || gates.NoData(run) || len(gates.CheckPlausible(run)) > 0 {
			continue
		}
		if in.Baseline == "previous" && !gates.Passed(gates.Evaluate(plain, run, nil, in.Eval)) {
			continue
		}
		o.Baseline = &run
		o.BaselineNote = fmt.Sprintf("baseline: run %d (%s)", id, in.Baseline)
		p.logf("%s", o.BaselineNote)
		return
	}
	what := "finished with requests"
	if in.Baseline == "previous" {
		what = "finished with requests and passed the other gates"
	}
	o.BaselineNote = fmt.Sprintf("no baseline: none of the %d latest earlier runs of task %d %s", min(len(ids), maxBaselineCandidates), o.TaskID, what)
	p.logf("%s", o.BaselineNote)
}

// loadRun reads every case report of an earlier run.
func (p *PerfTest) loadRun(ctx context.Context, taskID, runID int64) (gates.Run, error) {
	refs, err := p.caseRuns(ctx, taskID, runID, &cpts.Task{}) // statuses of old runs do not matter
	if err != nil {
		return gates.Run{}, err
	}
	cases, err := p.Reports(ctx, runID, refs, 1)
	if err != nil {
		return gates.Run{}, err
	}
	for _, c := range cases {
		if c.Partial() { // a part is no baseline (see markPartial)
			return gates.Run{}, fmt.Errorf("run %d: the report of case %q is partial (%d of %d rows)", runID, c.Name, c.RowsSent, c.RowsTotal)
		}
	}
	return ToRun(runID, cases), nil
}
