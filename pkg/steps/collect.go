package steps

import (
	"context"
	"fmt"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
	"golang.org/x/sync/errgroup"
)

// DefaultReportConcurrency is how many reports Reports reads at a time when
// PerfTest.ReportConcurrency is 0.
const DefaultReportConcurrency = 4

// CaseRun names one case run whose report is to be read.
type CaseRun struct {
	// ID is the case run id.
	ID int64
	// Name is the case name.
	Name string
	// Status is the case run's status as the task reported it.
	Status cpts.Status
}

// collect reads the report of every case run of the run and builds the gates' view of it.
func (p *PerfTest) collect(ctx context.Context, in PerfTestInput, o *Outcome) error {
	refs, err := p.caseRuns(ctx, o.TaskID, o.RunID, o.final)
	if err != nil {
		return err
	}
	points := in.CurvePoints
	if points <= 0 {
		points = 100
	}
	cases, err := p.Reports(ctx, o.RunID, refs, points)
	if err != nil {
		return err
	}
	o.Cases = cases
	o.Run = ToRun(o.RunID, cases)
	return nil
}

// caseRuns lists the case runs of a run with their statuses, which come from task (the last
// read of the task, when the caller has one) or from a fresh read.
func (p *PerfTest) caseRuns(ctx context.Context, taskID, runID int64, task *cpts.Task) ([]CaseRun, error) {
	status := map[int64]cpts.Status{}
	var terr error
	if task == nil {
		task, terr = p.CPTS.ShowTask(ctx, taskID)
	}
	var known []CaseRun
	if terr == nil && task.CurrentRunID() == runID {
		for _, r := range task.Running {
			if int64(r.TaskRunID) == runID {
				status[int64(r.CaseRunID)] = r.Status
				if r.CaseRunID != 0 {
					known = append(known, CaseRun{ID: int64(r.CaseRunID), Name: r.CaseName, Status: r.Status})
				}
			}
		}
	}
	// The task's run data lists the case runs too: when it has one for every case of the task,
	// the listing (one more call, one more round trip before the reports) is not needed.
	if len(known) > 0 && len(known) == len(task.Cases) && len(status) == len(known) {
		return known, nil
	}
	runs, err := p.CPTS.ListCaseRuns(ctx, runID)
	if err != nil {
		return nil, err
	}
	refs := make([]CaseRun, 0, len(runs))
	for _, r := range runs {
		st, ok := status[int64(r.ID)]
		if !ok {
			st = cpts.StatusUnknown
		}
		refs = append(refs, CaseRun{ID: int64(r.ID), Name: r.Name, Status: st})
	}
	return refs, nil
}

// Reports reads the reports of the case runs refs of run runID with curves of points points,
// at most ReportConcurrency at a time, and digests each as it arrives (see ToRun). The results
// are in refs' order; the first failed read cancels the others and is the error.
func (p *PerfTest) Reports(ctx context.Context, runID int64, refs []CaseRun, points int) ([]CaseResult, error) {
	out := make([]CaseResult, len(refs))
	limit := p.ReportConcurrency
	if limit <= 0 {
		limit = DefaultReportConcurrency
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for i, r := range refs {
		g.Go(func() error {
			rep, err := p.CPTS.ShowReport(gctx, runID, r.ID, points)
			if err != nil {
				return fmt.Errorf("case %q: %w", r.Name, err)
			}
			// A service that ignores brokens_limit_count still leaves the points asked for.
			rep.Brokens.Downsample(points)
			out[i] = CaseResult{Name: r.Name, CaseRunID: r.ID, Status: r.Status, Report: rep,
				RowsSent: len(rep.Details.Data), RowsTotal: int(rep.Details.Total), truncated: rep.Truncated()}
			out[i].digest()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// Partial reports whether the case's report said it holds more table rows than it sent
// (cpts.Report.Truncated, read before the rows were digested).
func (c *CaseResult) Partial() bool { return c.truncated }

// ToRun converts the case reports of run runID into the gates' model: one case per report
// row, with its requests.
func ToRun(runID int64, cases []CaseResult) gates.Run {
	run := gates.Run{ID: runID}
	for _, c := range cases {
		if c.cases == nil { // not digested (built by hand); a digested report has no rows left
			c.cases = casesOf(c)
		}
		run.Cases = append(run.Cases, c.cases...)
	}
	return run
}

// digest converts the report's table into the gates' model as soon as the report arrives, notes
// how long the case has been running by its rows, and lets go of the rows: they are most of a
// big report's memory, and the writers need only the curves.
func (c *CaseResult) digest() {
	if c.Report == nil {
		return
	}
	c.cases = casesOf(*c)
	for _, row := range c.Report.Details.Data {
		if ms, ok := gates.MillisBetween(row.Performance.StartTime, row.Performance.UpdateTime); ok {
			c.ran = max(c.ran, time.Duration(ms*float64(time.Millisecond)))
		}
	}
	c.Report.Details.Data = nil
}

// casesOf converts the rows of one case report: one case per row, with its requests.
func casesOf(c CaseResult) []gates.Case {
	if c.Report == nil {
		return nil
	}
	var out []gates.Case
	outline := c.Report.Outline.Fields()
	for i, row := range c.Report.Details.Data {
		name := row.Performance.Name
		if name == "" || (i == 0 && c.Name != "") {
			name = c.Name
		}
		gc := gates.Case{Name: name, Status: int(c.Status), Metrics: row.Performance.GateMetrics()}
		if !gc.Metrics.Has("duration") {
			if ms, ok := gates.MillisBetween(row.Performance.StartTime, row.Performance.EndTime); ok {
				gc.Metrics.Set("duration", ms)
			} else if d, ok := outline["duration"]; ok {
				gc.Metrics.Set("duration", d*1000)
			}
		}
		gc.Requests = make([]gates.Request, 0, len(row.Requests))
		for _, rq := range row.Requests {
			gc.Requests = append(gc.Requests, gates.Request{Name: rq.Name, Metrics: rq.GateMetrics()})
		}
		out = append(out, gc)
	}
	return out
}
