package steps

import (
	"context"
	"fmt"
	"sort"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// TrendPoint is one run of the trend: its overall figures (gates.TrendMetrics).
type TrendPoint struct {
	RunID int64
	// Current marks the run of this step (the last point).
	Current bool
	// Passed says whether the run passes today's absolute gates (those that compare with neither
	// a baseline nor the trend); only such earlier runs count for a trend gate's median.
	Passed bool
	// Values holds the overall figures by metric name; a metric the run did not report is absent.
	Values map[string]float64
}

// history reads the task's run history once per step: the baseline and the trend share it.
func (p *PerfTest) history(ctx context.Context, o *Outcome) ([]cpts.HistoryRun, error) {
	if !o.histRead {
		o.hist, o.histErr = p.CPTS.History(ctx, o.TaskID)
		o.histRead = true
	}
	return o.hist, o.histErr
}

// earlierRuns returns the ids of the task's runs before ours, newest first.
func earlierRuns(hist []cpts.HistoryRun, ours int64) []int64 {
	ids := make([]int64, 0, len(hist))
	for _, h := range hist {
		if id := int64(h.RunID); id != 0 && id < ours {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] > ids[j] })
	return ids
}

// loadOnce reads an earlier run at most once per step (the baseline and the trend may both
// want it); nothing is kept across steps.
func (p *PerfTest) loadOnce(ctx context.Context, o *Outcome, runID int64) (gates.Run, error) {
	if l, ok := o.loaded[runID]; ok {
		return l.run, l.err
	}
	run, err := p.loadRun(ctx, o.TaskID, runID)
	if o.loaded == nil {
		o.loaded = map[int64]loadedRun{}
	}
	o.loaded[runID] = loadedRun{run, err}
	return run, err
}

type loadedRun struct {
	run gates.Run
	err error
}

// trend reads the overall figures of the latest in.Trend earlier runs of the task that produced
// requests with a plausible, complete report (the run history, then per run its case-run list
// and one report per case), reading at most 2 × in.Trend runs. The points are oldest first, our run
// last. It returns what trend gates compare with, nil when the trend is off.
func (p *PerfTest) trend(ctx context.Context, in PerfTestInput, o *Outcome) *gates.Trend {
	if in.Trend <= 0 || o.TaskID == 0 || o.RunID == 0 {
		return nil
	}
	t := &gates.Trend{Values: map[string][]float64{}}
	hist, err := p.history(ctx, o)
	if err != nil {
		o.TrendNote = fmt.Sprintf("no trend: the run history of task %d could not be read: %v", o.TaskID, err)
		p.logf("%s", o.TrendNote)
		return t
	}
	var plain []gates.Gate
	for _, g := range in.Gates {
		if g.Baseline == nil {
			plain = append(plain, g)
		}
	}
	// Newest first until in.Trend runs with requests, reading at most twice that many.
	ids := earlierRuns(hist, o.RunID)
	skipped, read := 0, 0
	var pts []TrendPoint
	for _, id := range ids {
		if len(pts) == in.Trend || read == 2*in.Trend {
			break
		}
		read++
		run, err := p.loadOnce(ctx, o, id)
		if err != nil || gates.NoData(run) || len(gates.CheckPlausible(run)) > 0 {
			skipped++
			continue
		}
		pt := pointOf(run)
		pt.Passed = gates.Passed(gates.Evaluate(plain, run, nil, gates.EvalOptions{}))
		pts = append(pts, pt)
	}
	for i := len(pts) - 1; i >= 0; i-- { // oldest first
		o.Trend = append(o.Trend, pts[i])
		if pts[i].Passed {
			for m, v := range pts[i].Values {
				t.Values[m] = append(t.Values[m], v)
			}
		}
	}
	t.Window = len(o.Trend)
	if !gates.NoData(o.Run) {
		cur := pointOf(o.Run)
		cur.Current = true
		cur.Passed = true
		o.Trend = append(o.Trend, cur)
	}
	o.TrendNote = fmt.Sprintf("trend: %d earlier run(s) of task %d with requests (of the %d latest read)", t.Window, o.TaskID, read)
	if skipped > 0 {
		o.TrendNote += fmt.Sprintf("; %d without requests or with an unreadable, partial or implausible report left out", skipped)
	}
	p.logf("%s", o.TrendNote)
	return t
}

// pointOf takes the overall trend figures of a run.
func pointOf(run gates.Run) TrendPoint {
	all := gates.Aggregate(run.Cases)
	pt := TrendPoint{RunID: run.ID, Values: map[string]float64{}}
	for _, m := range gates.TrendMetrics {
		if v, ok := all.Get(m); ok {
			pt.Values[m] = v
		}
	}
	return pt
}
