package steps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
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
}

// PerfTest runs the gated PerfTest flow.
type PerfTest struct {
	CPTS *cpts.Client
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

	cases []gates.Case  // the report's rows in the gates' model (digest); the report keeps none
	ran   time.Duration // how long the case has been running by its rows (digest)
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
	Results      []gates.Result

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
	AbortedBy *gates.Result
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
	if in.RunID > 0 {
		o.RunID, o.Attached = in.RunID, true
		p.logf("attaching to run %d of task %q (%d)", o.RunID, o.TaskName, o.TaskID)
	} else {
		restore, err := p.setVariables(ctx, o.SuiteID, in.Variables)
		if err != nil {
			return o, err
		}
		if in.RestoreVariables && restore != nil {
			defer restore()
		}
		if err := p.start(ctx, in, o); err != nil {
			return o, err
		}
		if !in.Wait {
			p.logf("run %d started; not waiting (wait=false)", o.RunID)
			return o, nil
		}
	}
	if err := p.wait(ctx, in, o); err != nil {
		return o, err
	}
	if err := p.collect(ctx, in, o); err != nil {
		return o, err
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
	o.Results = gates.Evaluate(in.Gates, o.Run, o.Baseline, in.Eval)
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
	return o, nil
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

func isNotFound(err error) bool {
	var se *SettingsError
	return errors.As(err, &se) && se.notFound
}

// start starts the run. A start whose answer was lost is reconciled by reading the task: if a
// new run appeared it is adopted, and the start is never sent twice.
func (p *PerfTest) start(ctx context.Context, in PerfTestInput, o *Outcome) error {
	if o.plan == nil {
		t, err := p.CPTS.ShowTask(ctx, o.TaskID)
		if err != nil {
			return err
		}
		o.plan = t
	}
	before := o.plan
	prev := before.CurrentRunID()
	var slot tagSlot
	if in.RunTag != "" {
		slot = p.readTag(ctx, o)
	}
	if run, ok := p.findTagged(ctx, o, in.RunTag, slot, before); ok {
		o.RunID, o.Attached = run, true
		p.logf("run %d of task %q was started by this CI run (run tag %q): attaching to it instead of starting another", run, o.TaskName, in.RunTag)
		return nil
	}
	if before.RunStatus == cpts.StatusRunning || before.RunStatus == cpts.StatusWaiting || before.RunStatus == cpts.StatusPaused {
		p.logf("task %q is already running run %d (%s); starting anyway may be refused", o.TaskName, prev, before.RunStatus)
	}
	o.StartedAt = p.now()
	runID, err := p.CPTS.StartTask(ctx, o.SuiteID, o.TaskID, in.Cluster)
	if err != nil {
		var ae *api.APIError
		if errors.As(err, &ae) || ctx.Err() != nil {
			return err
		}
		p.logf("the answer to the start was lost (%v); reading the task to find the run", err)
		runID, err = p.reconcileStart(ctx, o.TaskID, prev)
		if err != nil {
			return fmt.Errorf("start task %d: %w", o.TaskID, err)
		}
	}
	o.RunID, o.Started = runID, true
	p.recordTag(ctx, o, in.RunTag, slot)
	p.logf("started run %d of task %q (%d) in suite %s", runID, o.TaskName, o.TaskID, o.suite())
	return nil
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

// setVariables sets the suite's global variables and returns a function that puts the old
// values back. An unknown name is a SettingsError.
func (p *PerfTest) setVariables(ctx context.Context, suiteID int64, vars []Variable) (func(), error) {
	if len(vars) == 0 {
		return nil, nil
	}
	have, err := p.CPTS.ListVariables(ctx, suiteID, 0)
	if err != nil {
		return nil, err
	}
	byName := map[string]cpts.Variable{}
	var names []named
	for _, v := range have {
		byName[v.Name] = v
		names = append(names, named{ID: int64(v.ID), Name: v.Name})
	}
	var changed, old []cpts.Variable
	var unknown []string
	for _, v := range vars {
		cur, ok := byName[v.Name]
		if !ok {
			unknown = append(unknown, v.Name)
			continue
		}
		old = append(old, cur)
		nv := cur
		nv.Values = []any{v.Value}
		changed = append(changed, nv)
	}
	if len(unknown) > 0 {
		return nil, settingsErr("variables", "unknown variable(s) %v in the suite; it has: %s", unknown, list(names))
	}
	if err := p.CPTS.UpdateVariables(ctx, suiteID, changed); err != nil {
		return nil, err
	}
	p.logf("set %d global variable(s)", len(changed))
	return func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := p.CPTS.UpdateVariables(rctx, suiteID, old); err != nil {
			p.logf("warning: could not restore the global variables: %v", err)
			return
		}
		p.logf("restored %d global variable(s)", len(old))
	}, nil
}
