package steps

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// PollPolicy shapes the wait. Zero fields take the defaults in brackets.
type PollPolicy struct {
	Min             time.Duration // shortest interval between two reads of the task [1s]
	Max             time.Duration // longest interval [10s]
	Progress        time.Duration // a progress line at least this often [30s]
	Reconcile       time.Duration // how long to look for the run after a lost start answer [30s]
	StopSend        time.Duration // budget to send the stop request on cancel [2s]
	StopAll         time.Duration // budget to send and confirm the stop [5s]
	ErrorsTolerated int           // consecutive failed reads (after the client's own retries) before giving up [3]
	AbortEvery      time.Duration // longest interval while abort gates are watched [5s]
	// TimeScale is the service's clock speed in simulated seconds per real second: stage plans
	// and abort delays are divided by it (1 for the real service).
	TimeScale float64
	// CallsPerMinute caps the API calls of the wait per (scaled) minute; 0 = no cap.
	CallsPerMinute int
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func (p PollPolicy) min() time.Duration        { return orDefault(p.Min, time.Second) }
func (p PollPolicy) max() time.Duration        { return orDefault(p.Max, 10*time.Second) }
func (p PollPolicy) progress() time.Duration   { return orDefault(p.Progress, 30*time.Second) }
func (p PollPolicy) reconcile() time.Duration  { return orDefault(p.Reconcile, 30*time.Second) }
func (p PollPolicy) stopSend() time.Duration   { return orDefault(p.StopSend, 2*time.Second) }
func (p PollPolicy) stopAll() time.Duration    { return orDefault(p.StopAll, 5*time.Second) }
func (p PollPolicy) abortEvery() time.Duration { return orDefault(p.AbortEvery, 5*time.Second) }

// scaled converts a duration of the service's clock into real time.
func (p PollPolicy) scaled(d time.Duration) time.Duration {
	if p.TimeScale > 1 {
		return time.Duration(float64(d) / p.TimeScale)
	}
	return d
}

// unscaled converts real time into the service's clock.
func (p PollPolicy) unscaled(d time.Duration) time.Duration {
	if p.TimeScale > 1 {
		return time.Duration(float64(d) * p.TimeScale)
	}
	return d
}

func (p PollPolicy) tolerated() int {
	if p.ErrorsTolerated > 0 {
		return p.ErrorsTolerated
	}
	return 3
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ErrTimeout is returned when the wait outlasted the timeout setting.
var ErrTimeout = errors.New("the run did not end within the timeout")

// deadline is when the timeout setting ends the wait: timeout after the start (after the
// beginning of the wait for a run attached to).
func (p *PerfTest) deadline(in PerfTestInput, o *Outcome) time.Time {
	if o.StartedAt.IsZero() {
		o.StartedAt = p.now()
	}
	return o.StartedAt.Add(in.Timeout)
}

// untilDeadline bounds ctx by the timeout setting, so that no call after the start (retries
// and their waits included) outlasts it. The stop and the outputs that follow a timeout use
// budgets of their own (see stop).
func (p *PerfTest) untilDeadline(ctx context.Context, in PerfTestInput, o *Outcome) (context.Context, context.CancelFunc) {
	return context.WithDeadline(ctx, p.deadline(in, o))
}

// wait polls the task until run o.RunID ends. ShowTask is trusted only once its run data names
// o.RunID: right after a start the service may still describe the previous run. The interval
// follows the run's stage plan (see nextInterval) and the call budget; every call is bounded by
// the timeout (an attempt in flight when it passes is abandoned).
func (p *PerfTest) wait(ctx context.Context, in PerfTestInput, o *Outcome) error {
	w := p.newWaiter(in, o, &callBudget{perMinute: p.Poll.CallsPerMinute, window: p.Poll.scaled(time.Minute)})
	if first := p.firstLook(o, w.hasAbort); first > 0 {
		if err := sleep(ctx, min(first, max(time.Until(w.deadline), time.Millisecond))); err != nil {
			return p.cancelled(ctx, o)
		}
	}
	for {
		if d := w.budget.delay(p.now()); d > 0 {
			if err := sleep(ctx, min(d, max(time.Until(w.deadline), time.Millisecond))); err != nil {
				return p.cancelled(ctx, o)
			}
			if p.now().After(w.deadline) {
				return w.timedOut(ctx)
			}
		}
		if done, err := w.step(ctx); done {
			return err
		}
		if err := sleep(ctx, w.pause); err != nil {
			return p.cancelled(ctx, o)
		}
	}
}

// waiter is the state of the wait for one run: wait drives one, waitMany several on one
// schedule and one call budget.
type waiter struct {
	p        *PerfTest
	in       PerfTestInput
	o        *Outcome
	budget   *callBudget
	deadline time.Time
	interval time.Duration
	// pause is how long to sleep after the last step before the next one.
	pause                      time.Duration
	lastProgress, runningSince time.Time
	failures                   int
	hasAbort                   bool
	lastStatus                 cpts.Status
	overBudgetSaid             bool // the live figures skipped for good have been said
	// endAt is the predicted end of the run (zero when unknown), for waitMany's progress lines.
	endAt time.Time
}

// newWaiter prepares the wait for run o; its deadline is the timeout after the start (after the
// beginning of the wait for a run attached to).
func (p *PerfTest) newWaiter(in PerfTestInput, o *Outcome, budget *callBudget) *waiter {
	w := &waiter{p: p, in: in, o: o, budget: budget, deadline: p.deadline(in, o), interval: p.Poll.min(), lastStatus: cpts.StatusUnknown}
	for _, g := range in.Gates {
		w.hasAbort = w.hasAbort || g.Abort
	}
	if o.plan != nil {
		if plan, ok := planLength(o.plan); ok {
			w.endAt = o.StartedAt.Add(p.Poll.scaled(plan))
		}
	}
	return w
}

// step reads the task once and acts on what it shows; done reports that the wait is over, with
// err as its outcome. Otherwise w.pause says when to read again.
func (w *waiter) step(ctx context.Context) (done bool, err error) {
	p, in, o, budget := w.p, w.in, w.o, w.budget
	// Every call of the step is bounded by the timeout: an attempt in flight when it passes is
	// abandoned, retries and their waits included.
	rctx, cancel := context.WithDeadline(ctx, w.deadline)
	defer cancel()
	task, err := p.CPTS.ShowTask(rctx, o.TaskID)
	budget.spend(p.now(), 1)
	o.Calls++
	remaining, known := time.Duration(0), false
	switch {
	case ctx.Err() != nil:
		return true, p.cancelled(ctx, o)
	case err != nil && rctx.Err() != nil:
		return true, w.timedOut(ctx) // the read in flight when the timeout passed
	case api.IsRedirect(err):
		// Not a passing failure: every later read would be refused alike.
		p.logf("reading task %d failed: %v", o.TaskID, err)
		p.stopAfterFailure(ctx, o)
		return true, fmt.Errorf("wait for run %d: %w", o.RunID, err)
	case err != nil:
		w.failures++
		p.logf("reading task %d failed (%d of %d tolerated): %v", o.TaskID, w.failures, p.Poll.tolerated(), err)
		if w.failures >= p.Poll.tolerated() {
			p.stopAfterFailure(ctx, o)
			return true, fmt.Errorf("wait for run %d: %w", o.RunID, err)
		}
	default:
		w.failures = 0
		current := task.CurrentRunID() == o.RunID
		o.seen = o.seen || current
		ended, asked := p.endedUnseen(ctx, o, task)
		if asked {
			budget.spend(p.now(), 1)
			o.Calls++
		}
		if ended {
			o.EndedAt = p.now()
			p.logf("run %d has ended unseen: the task now shows run %d, which someone else started", o.RunID, o.SupersededBy)
			return true, nil
		}
		if current {
			o.Status, o.final = task.RunStatus, task
			if o.Status.IsTerminal() {
				o.EndedAt = p.now()
				if o.Attached {
					p.logf("run %d %s", o.RunID, o.Status) // its length comes from the service
				} else {
					p.logf("run %d %s after %s", o.RunID, o.Status, p.since(o.StartedAt))
				}
				return true, nil
			}
		}
		now := p.now()
		running := current && o.Status == cpts.StatusRunning
		firstRunning := running && w.runningSince.IsZero()
		progressDue := o.Status != w.lastStatus || now.Sub(w.lastProgress) >= p.Poll.progress()
		var live *gates.Run
		if running && (progressDue || w.hasAbort || firstRunning) {
			run, ran, n, err := p.liveRun(rctx, o, task, budget.room(now))
			budget.spend(now, n)
			o.Calls += n
			// Said once, when it is for good; a read skipped for now is made up later.
			var ob *overBudgetError
			if errors.As(err, &ob) && ob.caseRuns > ob.perMinute && !w.overBudgetSaid {
				w.overBudgetSaid = true
				p.logf("%v", err)
			}
			if err == nil {
				live = &run
				if ran > 0 {
					// The report says how long the run has been running (on the service's
					// clock): the stale window may have hidden the start for a while.
					w.runningSince = now.Add(-p.Poll.scaled(ran))
				}
			}
		}
		if running && w.runningSince.IsZero() {
			w.runningSince = now
		}
		if plan, ok := planLength(task); ok {
			// Before the run is seen running, it cannot end before start + plan.
			since := w.runningSince
			if since.IsZero() {
				since = o.StartedAt
			}
			remaining, known = p.Poll.scaled(plan)-now.Sub(since), true
			w.endAt = now.Add(remaining)
		}
		if progressDue {
			p.progress(o, current, live, remaining, known)
			w.lastProgress, w.lastStatus = now, o.Status
		}
		if w.hasAbort && live != nil && len(gates.CheckPlausible(*live)) == 0 { // implausible figures decide nothing
			if lost := gates.CheckAbort(in.Gates, *live, p.Poll.unscaled(now.Sub(w.runningSince))); lost != nil {
				o.AbortedBy = lost
				p.logf("gate %q lost while running (%s): stopping run %d", lost.Gate.String(), lost.Message, o.RunID)
				p.stop(ctx, o, false)
				return true, p.settle(ctx, o)
			}
		}
	}
	if p.now().After(w.deadline) || rctx.Err() != nil {
		if ctx.Err() != nil {
			return true, p.cancelled(ctx, o)
		}
		return true, w.timedOut(ctx)
	}
	w.interval = p.Poll.nextInterval(remaining, known, w.interval)
	if w.hasAbort {
		w.interval = min(w.interval, p.Poll.abortEvery())
	}
	w.pause = min(w.interval, max(time.Until(w.deadline), time.Millisecond))
	return false, nil
}

// timedOut ends the wait at the timeout: the run is stopped (within the stop's own budget) unless
// on-timeout=leave.
func (w *waiter) timedOut(ctx context.Context) error {
	p, in, o := w.p, w.in, w.o
	o.TimedOut = true
	if in.LeaveOnTimeout {
		p.logf("timeout %s reached: leaving run %d running (on-timeout=leave)", p.Poll.unscaled(in.Timeout).Round(time.Millisecond), o.RunID)
	} else {
		p.logf("timeout %s reached: stopping run %d", p.Poll.unscaled(in.Timeout).Round(time.Millisecond), o.RunID)
		p.stop(ctx, o, false)
	}
	return fmt.Errorf("wait for run %d: %w", o.RunID, ErrTimeout)
}

// firstLook is how long to wait before the first read of a run this invocation has just
// started: right after the start the task still shows the previous run, and the run cannot end
// before its stage plan has elapsed, so the first read waits like any read far from the end
// (at most a progress interval). Attached runs are read at once (they may be over already).
func (p *PerfTest) firstLook(o *Outcome, hasAbort bool) time.Duration {
	if !o.Started || o.plan == nil {
		return 0
	}
	plan, ok := planLength(o.plan)
	if !ok {
		return 0
	}
	d := p.Poll.nextInterval(p.Poll.scaled(plan), true, p.Poll.min())
	if hasAbort {
		d = min(d, p.Poll.abortEvery())
	}
	return d
}

// settle waits briefly for a stopped run to reach a final state so that its report is complete.
func (p *PerfTest) settle(ctx context.Context, o *Outcome) error {
	deadline := p.now().Add(p.Poll.stopAll())
	sctx, cancel := context.WithTimeout(ctx, p.Poll.stopAll())
	defer cancel()
	for p.now().Before(deadline) {
		if t, err := p.CPTS.ShowTask(sctx, o.TaskID); err == nil && t.CurrentRunID() == o.RunID {
			o.Status = t.RunStatus
			if o.Status.IsTerminal() {
				break
			}
		}
		if err := sleep(ctx, p.Poll.min()); err != nil {
			return p.cancelled(ctx, o)
		}
	}
	o.EndedAt = p.now()
	return nil
}

// cancelled stops the run after a signal: the stop is sent at once, confirmed if time allows.
func (p *PerfTest) cancelled(ctx context.Context, o *Outcome) error {
	o.Cancelled = true
	p.logf("cancelled: stopping run %d", o.RunID)
	p.stop(ctx, o, true)
	return fmt.Errorf("wait for run %d: %w", o.RunID, context.Cause(ctx))
}

// stopAfterFailure stops a run we started when we can no longer follow it.
func (p *PerfTest) stopAfterFailure(ctx context.Context, o *Outcome) {
	if o.Started {
		p.logf("stopping run %d: it can no longer be followed", o.RunID)
		p.stop(ctx, o, false)
	}
}

// endedUnseen reports whether run o.RunID has ended although the task shows another run: one
// that is neither ours nor (before ours has shown) the run the task showed before, while the
// task's history lists ours as ended. A task runs one run at a time, so someone else started
// that run after ours ended; o.SupersededBy names it. asked reports whether the history was
// read (one call).
func (p *PerfTest) endedUnseen(ctx context.Context, o *Outcome, task *cpts.Task) (ended, asked bool) {
	cur := task.CurrentRunID()
	if cur == 0 || cur == o.RunID || (!o.seen && cur == o.prevRun) {
		return false, false
	}
	hist, err := p.CPTS.History(ctx, o.TaskID)
	if err != nil {
		return false, true
	}
	for _, h := range hist {
		if int64(h.RunID) == o.RunID {
			o.SupersededBy = cur
			return true, true
		}
	}
	return false, true
}

// owned confirms, right before a stop, that the task's current run is ours — CPTS stops a
// task, not a run. It reads the task (a failed read, after the client's own retries, is tried
// twice more within ctx); why says what forbids the stop ("" when it may be sent), failed that
// the task could not be read. Before ours has shown, the run the task showed before our start
// stands for ours (the documented stale view after a start).
func (p *PerfTest) owned(ctx context.Context, o *Outcome) (why string, failed bool) {
	for attempt := 1; ; attempt++ {
		t, err := p.CPTS.ShowTask(ctx, o.TaskID)
		if err == nil {
			cur := t.CurrentRunID()
			switch {
			case cur == o.RunID && t.RunStatus.IsTerminal():
				o.Status, o.seen = t.RunStatus, true
				return fmt.Sprintf("run %d has already ended (%s)", o.RunID, t.RunStatus), false
			case cur == o.RunID:
				o.seen = true
				return "", false
			case !o.seen && cur == o.prevRun && t.RunStatus.IsTerminal():
				return "", false // the stale view: the task still shows the ended run before ours
			}
			return fmt.Sprintf("the task's current run is %d, not run %d: someone else started it, and stopping the task would stop their run", cur, o.RunID), false
		}
		if attempt == 3 || api.IsRedirect(err) || sleep(ctx, min(p.Poll.min(), 250*time.Millisecond)) != nil {
			return fmt.Sprintf("the task could not be read to confirm that its current run is still run %d (%v)", o.RunID, err), true
		}
	}
}

// stop sends the stop request outside ctx's cancellation and confirms it within the budget,
// once owned has confirmed that the task still runs our run; otherwise nothing is sent.
func (p *PerfTest) stop(ctx context.Context, o *Outcome, hurry bool) {
	sctx, send, cancel := p.Poll.stopContexts(ctx, hurry)
	defer cancel()
	if why, failed := p.owned(send, o); why != "" {
		if hurry && p.AfterStopSent != nil {
			p.AfterStopSent()
		}
		o.StopFailed = failed
		if failed {
			p.logf("stop of run %d failed: %s; no stop was sent", o.RunID, why)
		} else {
			p.logf("not stopping task %d: %s", o.TaskID, why)
		}
		return
	}
	err := p.CPTS.StopTask(send, o.SuiteID, o.TaskID)
	if hurry && p.AfterStopSent != nil {
		p.AfterStopSent()
	}
	if err != nil {
		o.StopFailed = true
		p.logf("stop of run %d failed: %v", o.RunID, err)
		return
	}
	o.StopSent = true
	p.Poll.confirmStop(sctx, func() bool {
		t, err := p.CPTS.ShowTask(sctx, o.TaskID)
		switch {
		case err == nil && t.CurrentRunID() == o.RunID && t.RunStatus.IsTerminal():
			o.Status, o.StopConfirmed = t.RunStatus, true
			p.logf("run %d stopped by the runner", o.RunID)
			return true
		case api.IsRedirect(err):
			p.logf("stop of run %d sent; cannot be confirmed: %v", o.RunID, err)
			return true
		}
		return false
	}, func() { p.logf("stop of run %d sent; not confirmed within %s", o.RunID, p.Poll.stopAll()) })
}

// stopContexts returns the contexts of a stop: all runs outside ctx's cancellation within the
// whole stop budget; send, for the stop request itself, also within the send budget when the
// stop is hurried (a cancellation). cancel releases both.
func (p PollPolicy) stopContexts(ctx context.Context, hurry bool) (all, send context.Context, cancel func()) {
	all, c1 := context.WithTimeout(context.WithoutCancel(ctx), p.stopAll())
	if !hurry {
		return all, all, c1
	}
	send, c2 := context.WithTimeout(all, p.stopSend())
	return all, send, func() { c2(); c1() }
}

// confirmStop calls done until it reports that the stop is settled (confirmed, or that it
// cannot be), pausing between reads, until ctx ends; then it calls timedOut.
func (p PollPolicy) confirmStop(ctx context.Context, done func() bool, timedOut func()) {
	for !done() {
		if sleep(ctx, min(p.min(), 500*time.Millisecond)) != nil {
			timedOut()
			return
		}
	}
}

func (p *PerfTest) since(t time.Time) time.Duration {
	return p.Poll.unscaled(p.now().Sub(t)).Round(time.Second)
}

// progress prints one line: elapsed, status, the live figures of the report so far and the
// expected end.
func (p *PerfTest) progress(o *Outcome, current bool, live *gates.Run, remaining time.Duration, known bool) {
	status := o.Status.String()
	if !current {
		status = "starting (the task still shows the previous run)"
	}
	line := fmt.Sprintf("[%s] run %d %s", p.since(o.StartedAt), o.RunID, status)
	if live != nil && len(live.Cases) > 0 {
		m := gates.Aggregate(live.Cases)
		var parts []string
		for _, f := range []struct{ name, unit string }{{"requests", ""}, {"tps", "/s"}, {"avg_rt", " ms"}, {"p95", " ms"}, {"success_rate", "%"}} {
			if v, ok := m.Get(f.name); ok {
				parts = append(parts, fmt.Sprintf("%s %s%s", f.name, gates.FormatFigure(v), f.unit))
			}
		}
		if len(parts) > 0 {
			line += " · " + strings.Join(parts, " · ")
		}
	}
	if known && remaining > 0 {
		line += fmt.Sprintf(" · ends in ~%s", p.Poll.unscaled(remaining).Round(time.Second))
	}
	p.logf("%s", line)
}

// overBudgetError says that the live figures were not read: the task lists more case runs
// than the call budget has room for.
type overBudgetError struct {
	caseRuns, room, perMinute int
}

func (e *overBudgetError) Error() string {
	if e.caseRuns > e.perMinute {
		return fmt.Sprintf("live figures skipped: the task lists %d case runs, more than max-calls-per-minute (%d) allows to read; the final report is read once the run has ended",
			e.caseRuns, e.perMinute)
	}
	return fmt.Sprintf("live figures skipped for now: %d case runs to read, room for %d more calls this minute (max-calls-per-minute %d)",
		e.caseRuns, e.room, e.perMinute)
}

// liveRun reads the reports of the running case runs, when they fit into room calls (room < 0:
// no limit; else an *overBudgetError and no call); ran is how long the longest case has been
// running by its report (0 when unknown), n the number of calls made.
func (p *PerfTest) liveRun(ctx context.Context, o *Outcome, task *cpts.Task, room int) (run gates.Run, ran time.Duration, n int, err error) {
	var runs []CaseRun
	seen := map[int64]bool{}
	for _, r := range task.Running {
		if id := int64(r.CaseRunID); int64(r.TaskRunID) == o.RunID && id != 0 && !seen[id] {
			seen[id] = true
			runs = append(runs, CaseRun{ID: id, Name: r.CaseName, Status: r.Status})
		}
	}
	if room >= 0 && len(runs) > room {
		return gates.Run{}, 0, 0, &overBudgetError{caseRuns: len(runs), room: room, perMinute: p.Poll.CallsPerMinute}
	}
	cases, err := p.Reports(ctx, o.RunID, runs, 1)
	if err != nil {
		return gates.Run{}, 0, len(runs), err
	}
	for _, c := range cases {
		ran = max(ran, c.ran)
	}
	return ToRun(o.RunID, cases), ran, len(runs), nil
}
