package steps

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// TaskRef names one task of a step that runs several.
type TaskRef struct {
	// Suite is the test suite's id or exact name; "" takes PerfTestInput.Suite.
	Suite string
	// Task is the task's id or exact name.
	Task string
}

// TaskRun is one task run of a step that runs several tasks: its outcome (nil when its task
// was never resolved) and the error that ended it.
type TaskRun struct {
	Ref     TaskRef
	Outcome *Outcome
	Err     error
}

// RunMany runs several tasks in one step. It resolves every task (and checks every task-scoped
// gate) before it starts any: a task that does not exist is a SettingsError and nothing is
// started. It then starts the tasks of one suite with one batch call (BatchUpdateTaskStatus) —
// a task this CI run already started (run tag) is attached to instead — and a task alone in its
// suite with the single start; it waits for every run on one poll schedule under one call
// budget, reads each run's reports as soon as it has ended and evaluates its gates (the gates
// without a task scope and those scoped to it). A cancellation stops every run this step
// started; a timeout stops each run still going; a run that can no longer be followed is
// stopped (see wait). The error is set only when nothing was started; each run's own error is
// in its TaskRun.
func (p *PerfTest) RunMany(ctx context.Context, in PerfTestInput, refs []TaskRef) ([]TaskRun, error) {
	if in.RunID > 0 || len(in.Cases) > 0 || len(in.Variables) > 0 {
		return nil, settingsErr("task", "run-id, cases and variables apply to one task; with %d tasks give none of them", len(refs))
	}
	runs := make([]TaskRun, len(refs))
	ins := make([]PerfTestInput, len(refs))
	flows := make([]*PerfTest, len(refs))
	var mu sync.Mutex // one line at a time from the runs' flows
	seen := map[int64]int{}
	for i, ref := range refs {
		ins[i] = in
		if ref.Suite != "" {
			ins[i].Suite = ref.Suite
		}
		ins[i].Task = ref.Task
		o := &Outcome{Status: cpts.StatusUnknown}
		runs[i] = TaskRun{Ref: ref, Outcome: o}
		if err := p.resolve(ctx, ins[i], o); err != nil {
			return runs[:i], fmt.Errorf("task %d of %d (%q): %w", i+1, len(refs), ref.Task, err)
		}
		if j, dup := seen[o.TaskID]; dup {
			return runs[:i], settingsErr("task", "task %q (%d) is given twice (entries %d and %d)", o.TaskName, o.TaskID, j+1, i+1)
		}
		seen[o.TaskID] = i
		flow := *p
		flow.Log, flow.AfterStopSent = &prefixWriter{mu: &mu, w: p.Log, prefix: "[" + o.TaskName + "] "}, nil
		// One schedule for all: a run is read when its stage plan says it may be ending (or
		// its status is to be learnt), not for progress lines, which waitMany prints for all
		// runs from their predicted ends.
		flow.Poll.Progress = max(in.Timeout, p.Poll.progress())
		flows[i] = &flow
	}
	if err := scopeGates(in.Gates, runs, ins); err != nil {
		return runs, err
	}
	if err := p.startMany(ctx, ins, runs, flows); err != nil {
		return runs, err
	}
	defer func() {
		for i := range runs {
			o := runs[i].Outcome
			if in.RunTag != "" && o.RunID > 0 && (o.Status.IsTerminal() || o.SupersededBy != 0 || o.ended) {
				flows[i].removeTag(ctx, o)
			}
		}
	}()
	if !in.Wait {
		for i := range runs {
			flows[i].logf("run %d started; not waiting (wait=false)", runs[i].Outcome.RunID)
		}
		return runs, nil
	}
	p.waitMany(ctx, ins, runs, flows)
	return runs, nil
}

// scopeGates gives each run the gates without a task scope and those scoped to its task (by
// name or id); a scope that names no task of the step is a SettingsError.
func scopeGates(all []gates.Gate, runs []TaskRun, ins []PerfTestInput) error {
	for i := range ins {
		ins[i].Gates = nil
	}
	for _, g := range all {
		hit := false
		for i := range runs {
			o := runs[i].Outcome
			if g.Scope.Task == "" || g.Scope.Task == o.TaskName || g.Scope.Task == strconv.FormatInt(o.TaskID, 10) {
				ins[i].Gates = append(ins[i].Gates, g)
				hit = true
			}
		}
		if !hit {
			names := make([]string, len(runs))
			for i := range runs {
				names[i] = fmt.Sprintf("%q (%d)", runs[i].Outcome.TaskName, runs[i].Outcome.TaskID)
			}
			return settingsErr("gates", "gate %q is scoped to task %q, which is not one of the tasks of this step: %s", g.String(), g.Scope.Task, strings.Join(names, ", "))
		}
	}
	return nil
}

// startMany starts (or attaches to) a run of every task: the tasks of one suite in one batch
// call, a task alone in its suite with the single start. When a start fails, the runs already
// started by this step are stopped and the error is returned.
func (p *PerfTest) startMany(ctx context.Context, ins []PerfTestInput, runs []TaskRun, flows []*PerfTest) error {
	var order []int64
	bySuite := map[int64][]int{}
	for i := range runs {
		s := runs[i].Outcome.SuiteID
		if _, ok := bySuite[s]; !ok {
			order = append(order, s)
		}
		bySuite[s] = append(bySuite[s], i)
	}
	var started []int
	fail := func(err error) error {
		for _, i := range started {
			if o := runs[i].Outcome; o.Started && ctx.Err() != nil {
				runs[i].Err = flows[i].cancelled(ctx, o) // cancelled during the starts
			} else if o.Started {
				flows[i].logf("stopping run %d: another task of this step could not be started", o.RunID)
				flows[i].stop(ctx, o, false)
				runs[i].Err = fmt.Errorf("run %d stopped: another task of this step could not be started: %w", o.RunID, err)
			}
		}
		return err
	}
	for _, suite := range order {
		idx := bySuite[suite]
		if len(idx) == 1 {
			i := idx[0]
			if _, err := flows[i].begin(ctx, ins[i], runs[i].Outcome); err != nil {
				return fail(fmt.Errorf("task %q: %w", runs[i].Outcome.TaskName, err))
			}
			started = append(started, i)
			continue
		}
		err := p.startBatch(ctx, ins, runs, flows, idx)
		started = append(started, idx...)
		if err != nil {
			return fail(err)
		}
	}
	return nil
}

// startBatch starts the tasks idx of one suite with one BatchUpdateTaskStatus call, after
// attaching to the runs this CI run already started (run tag). A batch whose answer was lost
// is reconciled task by task, never sent twice.
func (p *PerfTest) startBatch(ctx context.Context, ins []PerfTestInput, runs []TaskRun, flows []*PerfTest, idx []int) error {
	slots := map[int]tagSlot{}
	var todo []int
	var ids []int64
	for _, i := range idx {
		o, f, in := runs[i].Outcome, flows[i], ins[i]
		if o.plan == nil {
			t, err := f.CPTS.ShowTask(ctx, o.TaskID)
			if err != nil {
				return err
			}
			o.plan = t
		}
		o.prevRun = o.plan.CurrentRunID()
		if in.RunTag != "" {
			slots[i] = f.readTag(ctx, o)
		}
		if run, ok := f.findTagged(ctx, o, in.RunTag, slots[i], o.plan); ok {
			o.RunID, o.Attached, o.seen = run, true, run == o.prevRun
			f.logf("run %d of task %q was started by this CI run (run tag %q): attaching to it instead of starting another", run, o.TaskName, in.RunTag)
			continue
		}
		if busy(o.plan) {
			f.logf("task %q is already running run %d (%s); starting anyway may be refused", o.TaskName, o.prevRun, o.plan.RunStatus)
		}
		todo = append(todo, i)
		ids = append(ids, o.TaskID)
	}
	if len(todo) == 0 {
		return nil
	}
	first := runs[todo[0]].Outcome
	now := p.now()
	for _, i := range todo {
		runs[i].Outcome.StartedAt = now
	}
	got, err := p.CPTS.StartTasks(ctx, first.SuiteID, ids, ins[todo[0]].Cluster)
	if err != nil {
		if ctx.Err() != nil {
			// Cancelled while the batch start was in flight: it may have reached the service.
			// The runs that began are adopted so that startMany stops them.
			for _, i := range todo {
				o := runs[i].Outcome
				if id, ok := flows[i].startedDespiteCancel(ctx, o.TaskID, o.prevRun); ok {
					o.RunID, o.Started = id, true
				}
			}
			return err
		}
		var ae *api.APIError
		if errors.As(err, &ae) {
			return err
		}
		p.logf("the answer to the batch start was lost (%v); reading the tasks to find their runs", err)
		got = map[int64]int64{}
		for _, i := range todo {
			o := runs[i].Outcome
			id, rerr := flows[i].reconcileStart(ctx, o.TaskID, o.prevRun)
			if rerr != nil {
				return fmt.Errorf("start task %d: %w", o.TaskID, rerr)
			}
			got[o.TaskID] = id
		}
	}
	for _, i := range todo {
		o := runs[i].Outcome
		o.RunID, o.Started = got[o.TaskID], true
		flows[i].recordTag(ctx, o, ins[i].RunTag, slots[i])
		flows[i].logf("started run %d of task %q (%d) in suite %s (batch of %d)", o.RunID, o.TaskName, o.TaskID, o.suite(), len(todo))
	}
	return nil
}

// waitMany waits for every run on one schedule: it sleeps until the earliest read any run is
// due for, makes it under the shared call budget, and as soon as a run has ended reads its
// reports and evaluates its gates. A cancellation stops every run still going (their stops
// sent together) before AfterStopSent is called once.
func (p *PerfTest) waitMany(ctx context.Context, ins []PerfTestInput, runs []TaskRun, flows []*PerfTest) {
	budget := &callBudget{perMinute: p.Poll.CallsPerMinute, window: p.Poll.scaled(time.Minute)}
	type entry struct {
		i   int
		w   *waiter
		due time.Time
	}
	var active []*entry
	for i := range runs {
		o := runs[i].Outcome
		if o.ended {
			runs[i].Err = flows[i].conclude(ctx, ins[i], o)
			continue
		}
		w := flows[i].newWaiter(ins[i], o, budget)
		active = append(active, &entry{i: i, w: w, due: p.now().Add(flows[i].firstLook(o, w.hasAbort))})
	}
	cancelAll := func() {
		var wg sync.WaitGroup
		for _, e := range active {
			wg.Add(1)
			go func() {
				defer wg.Done()
				runs[e.i].Err = flows[e.i].cancelled(ctx, runs[e.i].Outcome)
			}()
		}
		wg.Wait()
		if p.AfterStopSent != nil {
			p.AfterStopSent()
		}
	}
	begin := p.now()
	lastLine := begin
	for len(active) > 0 {
		if p.now().Sub(lastLine) >= p.Poll.progress() {
			lastLine = p.now()
			parts := make([]string, 0, len(active))
			for _, e := range active {
				o := runs[e.i].Outcome
				status := o.Status.String()
				if o.Status == cpts.StatusUnknown {
					status = "starting"
				}
				s := fmt.Sprintf("%q run %d %s", o.TaskName, o.RunID, status)
				if left := e.w.endAt.Sub(p.now()); !e.w.endAt.IsZero() && left > 0 {
					s += fmt.Sprintf(" ~%s left", p.Poll.unscaled(left).Round(time.Second))
				}
				parts = append(parts, s)
			}
			p.logf("[%s] waiting for %d of %d runs: %s", p.since(begin), len(active), len(runs), strings.Join(parts, " · "))
		}
		next := 0
		for k, e := range active {
			if e.due.Before(active[next].due) {
				next = k
			}
		}
		e := active[next]
		if d := max(e.due.Sub(p.now()), budget.delay(p.now())); d > 0 {
			tick := lastLine.Add(p.Poll.progress()).Sub(p.now())
			if sleep(ctx, max(min(d, tick, time.Until(e.w.deadline)), time.Millisecond)) != nil {
				cancelAll()
				return
			}
			if e.due.After(p.now()) || budget.delay(p.now()) > 0 {
				continue
			}
		}
		done, err := e.w.step(ctx)
		if ctx.Err() != nil {
			if done {
				runs[e.i].Err = err
				active = append(active[:next], active[next+1:]...)
			}
			cancelAll()
			return
		}
		if !done {
			e.due = p.now().Add(e.w.pause)
			continue
		}
		active = append(active[:next], active[next+1:]...)
		runs[e.i].Err = err
		if err == nil {
			runs[e.i].Err = flows[e.i].conclude(ctx, ins[e.i], runs[e.i].Outcome)
		}
	}
}

// prefixWriter writes each line with a prefix, one line at a time under a shared lock.
type prefixWriter struct {
	mu     *sync.Mutex
	w      io.Writer
	prefix string
}

func (w *prefixWriter) Write(b []byte) (int, error) {
	if w.w == nil {
		return len(b), nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var out bytes.Buffer
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		if len(line) > 0 {
			out.WriteString(w.prefix)
			out.Write(line)
		}
	}
	if _, err := w.w.Write(out.Bytes()); err != nil {
		return 0, err
	}
	return len(b), nil
}
