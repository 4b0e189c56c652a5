package steps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// Variable is one global variable to set before the start.
type Variable struct {
	Name, Value string
}

// PerfTestInput is what a gated PerfTest run is asked to do; it has been validated.
type PerfTestInput struct {
	Suite            string // id or exact name
	Task             string // id or exact name
	Cases            []string
	Cluster          cpts.Cluster
	Variables        []Variable
	RestoreVariables bool
	Gates            []gates.Gate
	Eval             gates.EvalOptions
	Baseline         string // previous, previous-finished or run
	BaselineRunID    int64
	Timeout          time.Duration
	LeaveOnTimeout   bool
	Wait             bool
	RunID            int64  // evaluate an existing run instead of starting one
	RunTag           string // the CI run's tag: a re-run with the same tag attaches to its run
	CurvePoints      int
	// Trend is how many earlier runs of the task the trend reads (0 = no trend).
	Trend int
}

// PerfTest runs the gated PerfTest flow.
type PerfTest struct {
	CPTS CPTSAPI
	// Log receives progress lines for people.
	Log io.Writer
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Poll shapes the wait.
	Poll PollPolicy
	// AfterStopSent, when set, is called once the stop request of a cancelled run has been
	// answered (or has failed): the caller may then let a second signal kill the process.
	AfterStopSent func()
	// ReportConcurrency bounds parallel report downloads; 0 means DefaultReportConcurrency.
	ReportConcurrency int
}

// CaseResult is one case run of the run, with its report.
type CaseResult struct {
	Name      string
	CaseRunID int64
	Status    cpts.Status
	Report    *cpts.Report
	// RowsSent and RowsTotal are the table rows the report carried and the number it said it
	// holds (`details.total`); see Partial.
	RowsSent, RowsTotal int

	truncated bool          // the report said it holds more rows than it sent (Partial)
	cases     []gates.Case  // the report's rows in the gates' model (digest); the report keeps none
	ran       time.Duration // how long the case has been running by its rows (digest)
}

// Outcome is everything a run produced, for the writers and the exit code.
type Outcome struct {
	SuiteID   int64
	SuiteName string
	TaskID    int64
	TaskName  string
	TaskMade  bool // the task was created by this run
	RunID     int64
	Started   bool // this invocation started the run
	Attached  bool // this invocation picked up an existing run
	Status    cpts.Status
	StartedAt time.Time
	EndedAt   time.Time
	// Duration is how long the run took on the service's clock (EndedAt − StartedAt, scaled
	// when the service is a simulator with a faster clock).
	Duration time.Duration

	Cases    []CaseResult
	Run      gates.Run
	Baseline *gates.Run
	// BaselineNote says why there is no baseline, or which run it is.
	BaselineNote string
	// Trend holds the overall figures of the earlier runs of the trend window that produced
	// requests, oldest first, and ours last (empty when the trend is off).
	Trend []TrendPoint
	// TrendNote says what the trend read.
	TrendNote string
	Results   []gates.Evaluation

	TimedOut      bool
	Cancelled     bool
	StopSent      bool
	StopConfirmed bool
	// StopFailed is set when a stop was needed but could not be sent: the run may go on.
	StopFailed bool
	// PlanRecords are the outcomes written back to TestPlan (plan-case-map).
	PlanRecords []PlanRecord
	// Calls counts the API calls made while waiting.
	Calls int
	// final is the last read of the task that showed the run, reused by the report step.
	final *cpts.Task
	// plan is the read of the task before the start (made while resolving it by ids, else by
	// the start): the start compares with its run, the wait takes its stage plan.
	plan *cpts.Task
	// AbortedBy is the live gate that stopped the run early.
	AbortedBy *gates.Evaluation
	// Invalid says why the run cannot pass whatever its gates say: it was stopped or aborted
	// before its planned end by someone else, it ended unseen while someone else took the task
	// over, or its report has implausible figures (exit 3). The gates are still evaluated.
	Invalid error
	// SupersededBy is the run of someone else that the task showed once ours had ended unseen.
	SupersededBy int64
	// prevRun is the run the task showed before ours was started or attached to: right after a
	// start the task may still show it (the documented stale view).
	prevRun int64
	// seen is set once the task has shown our run as its current one.
	seen bool
	// ended is set when an attached run had ended before the runner looked (it is in the task's
	// history, no longer its current run): there is nothing to wait for.
	ended bool
	// hist, histErr and histRead hold the task's run history once read in this step;
	// loaded holds the earlier runs read (see loadOnce).
	hist     []cpts.HistoryRun
	histErr  error
	histRead bool
	loaded   map[int64]loadedRun
}

// suite names the suite for people: its quoted name, or its id when the name was not read.
func (o *Outcome) suite() string {
	if o.SuiteName == "" {
		return strconv.FormatInt(o.SuiteID, 10)
	}
	return strconv.Quote(o.SuiteName)
}

// HasRun reports whether a run exists whose outcome should be written out.
func (o *Outcome) HasRun() bool { return o != nil && o.RunID > 0 }

func (p *PerfTest) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (p *PerfTest) logf(format string, a ...any) {
	if p.Log != nil {
		fmt.Fprintf(p.Log, format+"\n", a...)
	}
}

// Run resolves the suite and task, starts (or attaches to) a run, waits for its end, reads the
// report of every case run and evaluates the gates. The outcome is returned whenever a run
// exists, also together with an error.
func (p *PerfTest) Run(ctx context.Context, in PerfTestInput) (*Outcome, error) {
	o := &Outcome{Status: cpts.StatusUnknown}
	if err := p.resolve(ctx, in, o); err != nil {
		return o, err
	}
	defer func() {
		// The run tag only serves to attach to a run that goes on: once it has ended, it goes.
		if (in.RunTag != "" || in.RunID > 0) && o.RunID > 0 && (o.Status.IsTerminal() || o.SupersededBy != 0 || o.ended) {
			p.removeTag(ctx, o)
		}
	}()
	if in.RunID > 0 {
		if err := p.attach(ctx, in.RunID, o); err != nil {
			return o, err
		}
	} else {
		vars, err := p.begin(ctx, in, o)
		defer func() {
			if in.RestoreVariables || !o.Started {
				p.restoreVariables(ctx, o, vars)
			} else if vars != nil {
				p.dropRecord(ctx, o)
			}
		}()
		if err != nil {
			return o, err
		}
		if !in.Wait {
			p.logf("run %d started; not waiting (wait=false)", o.RunID)
			return o, nil
		}
	}
	if !o.ended {
		if err := p.wait(ctx, in, o); err != nil {
			return o, err
		}
	}
	return o, p.conclude(ctx, in, o)
}

// conclude reads the reports of an ended run, finds its baseline and trend and evaluates the
// gates.
func (p *PerfTest) conclude(ctx context.Context, in PerfTestInput, o *Outcome) error {
	if err := p.collect(ctx, in, o); err != nil {
		return err
	}
	if !o.EndedAt.IsZero() && !o.StartedAt.IsZero() {
		o.Duration = p.Poll.unscaled(o.EndedAt.Sub(o.StartedAt))
		// One clock: the end is placed on the service's clock (a simulator's runs faster), so
		// that end − start is the duration reported.
		o.EndedAt = o.StartedAt.Add(o.Duration)
	}
	if o.Attached && o.Status.IsTerminal() {
		p.serviceTimes(ctx, o)
	}
	p.baseline(ctx, in, o)
	eval := in.Eval
	eval.Trend = p.trend(ctx, in, o)
	o.Results = markUnchecked(markPartial(o.RunID, o.Cases, gates.Evaluate(in.Gates, o.Run, o.Baseline, eval)))
	if o.AbortedBy != nil {
		// The gate that stopped the run reports the live value it was lost at.
		lost := *o.AbortedBy
		lost.Message = "run aborted early: " + lost.Message
		replaced := false
		for i := range o.Results {
			if o.Results[i].Gate.String() == lost.Gate.String() && !replaced {
				o.Results[i], replaced = lost, true
			}
		}
		if !replaced {
			o.Results = append(o.Results, lost)
		}
	}
	o.Invalid = p.judge(o)
	return nil
}

// prepareTask finds the task, or creates it / sets its cases when cases are given.
func (p *PerfTest) prepareTask(ctx context.Context, in PerfTestInput, o *Outcome) error {
	task, found, err := findTask(ctx, p.CPTS, o.SuiteID, in.Task)
	if err != nil && (found || len(in.Cases) == 0 || !isNotFound(err)) {
		return err
	}
	if len(in.Cases) == 0 {
		o.TaskID, o.TaskName = task.ID, task.Name
		return nil
	}
	caseIDs, err := p.resolveCases(ctx, o.SuiteID, in.Cases)
	if err != nil {
		return err
	}
	if !found {
		id, err := p.CPTS.CreateTask(ctx, cpts.CreateTaskRequest{Name: in.Task, SuiteID: o.SuiteID})
		if err != nil {
			return err
		}
		task = named{ID: id, Name: in.Task}
		o.TaskMade = true
		p.logf("created task %q (%d) in suite %s", task.Name, task.ID, o.suite())
	}
	err = p.CPTS.SetTaskCases(ctx, task.ID, cpts.SetTaskCasesRequest{Name: task.Name, Parallel: true, SuiteID: o.SuiteID, CaseIDs: caseIDs})
	if err != nil {
		return err
	}
	o.TaskID, o.TaskName = task.ID, task.Name
	p.logf("task %q (%d) runs cases %v", task.Name, task.ID, caseIDs)
	return nil
}

// isMissing reports whether the service refused a call for what it was asked (a 4xx other than
// authentication, permission and throttling): for an id, that it does not know it.
func isMissing(err error) bool {
	var ae *api.APIError
	return errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500 && ae.Status != 401 && ae.Status != 403 && ae.Status != 429
}

func isNotFound(err error) bool {
	var se *SettingsError
	return errors.As(err, &se) && se.notFound
}

// begin attaches to the run this CI run has already started (run tag), or — once the task is
// known to be idle — sets the global variables and starts a run. When the start fails the
// variables go back at once (the caller's restore); the returned state is for that restore.
func (p *PerfTest) begin(ctx context.Context, in PerfTestInput, o *Outcome) (*varState, error) {
	if o.plan == nil {
		t, err := p.CPTS.ShowTask(ctx, o.TaskID)
		if err != nil {
			return nil, err
		}
		o.plan = t
	}
	before := o.plan
	o.prevRun = before.CurrentRunID()
	var slot tagSlot
	if in.RunTag != "" {
		slot = p.readTag(ctx, o)
	}
	if run, ok := p.findTagged(ctx, o, in.RunTag, slot, before); ok {
		o.RunID, o.Attached, o.seen = run, true, run == o.prevRun
		p.logf("run %d of task %q was started by this CI run (run tag %q): attaching to it instead of starting another", run, o.TaskName, in.RunTag)
		return nil, nil
	}
	if busy(before) {
		if len(in.Variables) > 0 {
			return nil, errBusy(o, before)
		}
		p.logf("task %q is already running run %d (%s); starting anyway may be refused", o.TaskName, o.prevRun, before.RunStatus)
	}
	vars, err := p.setVariables(ctx, o, in.Variables, in.RestoreVariables)
	if err != nil {
		return nil, err
	}
	if err := p.start(ctx, in, o, slot); err != nil {
		return vars, err
	}
	return vars, nil
}

// start starts the run. A start whose answer was lost is reconciled by reading the task: if a
// new run appeared it is adopted, and the start is never sent twice.
func (p *PerfTest) start(ctx context.Context, in PerfTestInput, o *Outcome, slot tagSlot) error {
	prev := o.prevRun
	o.StartedAt = p.now()
	runID, err := p.CPTS.StartTask(ctx, o.SuiteID, o.TaskID, in.Cluster)
	if err != nil {
		if ctx.Err() != nil {
			// Cancelled while the start was in flight: it may have reached the service.
			if id, ok := p.startedDespiteCancel(ctx, o.TaskID, prev); ok {
				o.RunID, o.Started = id, true
				return p.cancelled(ctx, o)
			}
			return err
		}
		var ae *api.APIError
		if errors.As(err, &ae) || api.IsRedirect(err) {
			return err
		}
		p.logf("the answer to the start was lost (%v); reading the task to find the run", err)
		runID, err = p.reconcileStart(ctx, o.TaskID, prev)
		if err != nil {
			return fmt.Errorf("start task %d: %w", o.TaskID, err)
		}
	}
	o.RunID, o.Started = runID, true
	tctx, cancel := p.untilDeadline(ctx, in, o) // the timeout bounds everything after the start
	p.recordTag(tctx, o, in.RunTag, slot)
	cancel()
	p.logf("started run %d of task %q (%d) in suite %s", runID, o.TaskName, o.TaskID, o.suite())
	return nil
}

// startedDespiteCancel looks, outside ctx's cancellation, whether
// a start cancelled in flight still started a run of the task (a run newer than prev; right
// after a start the task may still show the previous run for a while), so that the run can be
// stopped instead of being left behind. The look takes the stop's send budget, so that a
// cancelled runner still ends within its promised time.
func (p *PerfTest) startedDespiteCancel(ctx context.Context, taskID, prev int64) (int64, bool) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.Poll.stopSend())
	defer cancel()
	for {
		if t, err := p.CPTS.ShowTask(rctx, taskID); err == nil {
			if id := t.CurrentRunID(); id != 0 && id != prev {
				p.logf("the start was cancelled in flight but run %d of task %d began: stopping it", id, taskID)
				return id, true
			}
		}
		if sleep(rctx, min(p.Poll.min(), 250*time.Millisecond)) != nil {
			return 0, false
		}
	}
}

// attach checks run id before anything waits on it: it must be the task's current run or in
// the task's run history. Anything else is a SettingsError (exit 2) and nothing is sent. A run
// found only in the history has ended: there is nothing to wait for.
func (p *PerfTest) attach(ctx context.Context, id int64, o *Outcome) error {
	task := o.plan
	if task == nil {
		t, err := p.CPTS.ShowTask(ctx, o.TaskID)
		if err != nil {
			return err
		}
		task = t
	}
	cur := task.CurrentRunID()
	if cur == id {
		o.RunID, o.Attached, o.seen, o.final = id, true, true, task
		p.logf("attaching to run %d of task %q (%d)", id, o.TaskName, o.TaskID)
		return nil
	}
	hist, err := p.CPTS.History(ctx, o.TaskID)
	if err != nil {
		return fmt.Errorf("check run-id %d: %w", id, err)
	}
	for _, h := range hist {
		if int64(h.RunID) == id {
			o.RunID, o.Attached, o.ended, o.prevRun = id, true, true, cur
			p.logf("run %d of task %q (%d) has ended (the task has run since: its final status is no longer shown); judging it by its report", id, o.TaskName, o.TaskID)
			return nil
		}
	}
	// Right after its start a run shows neither in the task nor in the history (the documented
	// stale view): its case runs name their task.
	if runs, err := p.CPTS.ListCaseRuns(ctx, id); err == nil && len(runs) > 0 && string(runs[0].TaskID) == strconv.FormatInt(o.TaskID, 10) {
		o.RunID, o.Attached, o.prevRun = id, true, cur
		p.logf("attaching to run %d of task %q (%d), which the task does not show yet", id, o.TaskName, o.TaskID)
		return nil
	} else if err != nil && !isMissing(err) {
		return fmt.Errorf("check run-id %d: %w", id, err)
	}
	latest := "no earlier run"
	if len(hist) > 0 {
		ids := make([]string, 0, 5)
		for i, h := range hist {
			if i == 5 {
				ids = append(ids, "…")
				break
			}
			ids = append(ids, strconv.FormatInt(int64(h.RunID), 10))
		}
		latest = "earlier runs " + strings.Join(ids, ", ")
	}
	return settingsErr("run-id", "run %d is not a run of task %q (%d): the task shows run %d and its history lists %s (a run started a moment ago may not show yet)",
		id, o.TaskName, o.TaskID, cur, latest)
}

// judge says why the run cannot pass whatever its gates say, nil when it may.
func (p *PerfTest) judge(o *Outcome) error {
	var why []error
	switch {
	case o.SupersededBy != 0:
		why = append(why, fmt.Errorf("run %d ended unseen while someone else took the task over (it now runs run %d): it may have been stopped before its planned end", o.RunID, o.SupersededBy))
	case o.StopSent:
	case o.Status == cpts.StatusStoppedByUser:
		why = append(why, fmt.Errorf("run %d was stopped before its planned end by someone else (status 4, stopped by user)", o.RunID))
	case o.Status == cpts.StatusAborted:
		why = append(why, fmt.Errorf("run %d was aborted abnormally on the platform (status 3)", o.RunID))
	}
	if err := gates.PlausibilityError(gates.CheckPlausible(o.Run)); err != nil {
		why = append(why, fmt.Errorf("run %d: %w", o.RunID, err))
	}
	for _, err := range why {
		p.logf("%v", err)
	}
	return errors.Join(why...)
}

// reconcileStart looks for a run newer than prev after a start whose answer was lost.
func (p *PerfTest) reconcileStart(ctx context.Context, taskID, prev int64) (int64, error) {
	deadline := p.now().Add(p.Poll.reconcile())
	for {
		t, err := p.CPTS.ShowTask(ctx, taskID)
		if err == nil {
			if id := t.CurrentRunID(); id != 0 && id != prev {
				return id, nil
			}
		}
		if p.now().After(deadline) {
			return 0, fmt.Errorf("no new run appeared after the lost start answer (the start was not sent again)")
		}
		if err := sleep(ctx, p.Poll.min()); err != nil {
			return 0, err
		}
	}
}
