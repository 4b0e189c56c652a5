package steps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/mas"
	"github.com/codearts-runner/codearts-runner/pkg/redact"
)

// Checkpoint actions (the workflow-checkpoint setting).
const (
	CheckpointWait  = "wait"
	CheckpointSkip  = "skip"
	CheckpointRetry = "retry"
)

// Bounds of what the workflow flow keeps.
const (
	// MaxStepLog is the most of one failed step's log kept (its end: the error is last).
	MaxStepLog = 16 << 10
	// maxLoggedSteps is the most failed steps whose logs are read.
	maxLoggedSteps = 5
	// maxShownAnswer bounds a raw answer printed for people.
	maxShownAnswer = 2 << 10
	// historyPageSize and historyPages bound the history read to find a lost start.
	historyPageSize = 50
	historyPages    = 3
)

// WorkflowInput is what a MAS drill is asked to do; it has been validated.
type WorkflowInput struct {
	Workflow       string // id or exact name
	Timeout        time.Duration
	LeaveOnTimeout bool
	Checkpoint     string // wait, skip or retry
	Statuses       StatusMapping
}

// Workflow runs a MAS workflow as a pipeline step: find it, start it (never twice), wait for
// its end, handle manual checkpoints, stop it on cancel or timeout, read failed steps' logs.
type Workflow struct {
	MAS MASAPI
	// Log receives progress lines for people (the caller's writer masks secrets).
	Log io.Writer
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Poll shapes the wait (no stage plan: the interval backs off from Min to Max).
	Poll PollPolicy
	// AfterStopSent, when set, is called once the stop of a cancelled drill has been answered.
	AfterStopSent func()
}

// WorkflowStep is one step of the execution with its verdict and, when it failed, its log.
type WorkflowStep struct {
	Name, StateID, TaskID, Status, Type string
	Verdict                             Verdict
	Log                                 string // bounded tail of the log of a failed step
	LogErr                              string // why the log could not be read
}

// Checkpoint is a manual checkpoint met during the drill and what the runner did about it.
type Checkpoint struct {
	TaskID, Step string
	Action       string // waiting (for a person), skipped, retried
	Err          error
}

// WorkflowOutcome is everything a drill produced, for the writers and the exit code.
type WorkflowOutcome struct {
	WorkflowID, WorkflowName string
	Job                      string
	Started                  bool // this invocation started the execution
	Reconciled               bool // its job name was found in the history after a lost start answer
	Status                   string
	Verdict                  Verdict
	Steps                    []WorkflowStep
	Checkpoints              []Checkpoint
	// Unrecognised lists the status strings that no mapping knew (in order of appearance).
	Unrecognised []string
	// RawStatus is the last status answer (secrets-masked JSON) whose status was not recognised.
	RawStatus          string
	StartedAt, EndedAt time.Time
	// Duration is the drill's length on the service's clock.
	Duration time.Duration
	// TimedOut, Cancelled: how the wait ended; StopSent, StopConfirmed, StopFailed: the stop.
	TimedOut, Cancelled, StopSent, StopConfirmed, StopFailed bool
	// Calls counts the API calls of the wait.
	Calls int

	checkpointActs  map[string]int // checkpoint → times seen waiting
	statuses        StatusMapping
	lastProgress    time.Time
	lastProgressKey string
}

// HasJob reports whether an execution exists whose outcome should be written out.
func (o *WorkflowOutcome) HasJob() bool { return o != nil && o.Job != "" }

func (f *Workflow) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// logf prints one progress line. Text and errors among the arguments come from the service
// (job and step names, statuses, messages): their control characters become spaces, so that
// they cannot start a line of their own (a "::" workflow command, a forged progress line).
func (f *Workflow) logf(format string, a ...any) {
	if f.Log == nil {
		return
	}
	for i, v := range a {
		switch t := v.(type) {
		case string:
			a[i] = oneLine(t)
		case error:
			a[i] = oneLine(t.Error())
		}
	}
	fmt.Fprintf(f.Log, format+"\n", a...)
}

// oneLine replaces control characters with spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// Run finds the workflow, starts it, waits for its end and reads the logs of failed steps. The
// outcome is returned whenever an execution exists, also together with an error.
func (f *Workflow) Run(ctx context.Context, in WorkflowInput) (*WorkflowOutcome, error) {
	o := &WorkflowOutcome{checkpointActs: map[string]int{}, statuses: in.Statuses}
	if err := f.resolve(ctx, in, o); err != nil {
		return o, err
	}
	if err := f.start(ctx, o); err != nil {
		return o, err
	}
	err := f.wait(ctx, in, o)
	if !o.EndedAt.IsZero() && !o.StartedAt.IsZero() {
		o.Duration = f.Poll.unscaled(o.EndedAt.Sub(o.StartedAt))
	}
	if err != nil {
		return o, err
	}
	if o.Verdict == VerdictFailed {
		f.readLogs(ctx, o)
	}
	return o, nil
}

// resolve finds the workflow by id, else by exact name; an id-shaped value that the list does
// not show (the list may be paged: its paging is not documented) is used as an id.
func (f *Workflow) resolve(ctx context.Context, in WorkflowInput, o *WorkflowOutcome) error {
	list, _, err := f.MAS.ListWorkflows(ctx)
	if err != nil {
		return err
	}
	var byName []mas.Workflow
	for _, w := range list {
		if w.ID == in.Workflow {
			o.WorkflowID, o.WorkflowName = w.ID, w.Name
			return nil
		}
		if w.Name == in.Workflow {
			byName = append(byName, w)
		}
	}
	switch {
	case len(byName) == 1:
		o.WorkflowID, o.WorkflowName = byName[0].ID, byName[0].Name
		return nil
	case len(byName) > 1:
		var ids []string
		for _, w := range byName {
			ids = append(ids, w.ID)
		}
		return settingsErr("workflow", "%d workflows are named %q (ids %s): give the id", len(byName), in.Workflow, strings.Join(ids, ", "))
	case workflowIDRE.MatchString(in.Workflow):
		o.WorkflowID = in.Workflow
		f.logf("workflow %s is not in the list's answer; using it as an id", in.Workflow)
		return nil
	}
	var names []string
	for i, w := range list {
		if i == 20 {
			names = append(names, fmt.Sprintf("… %d more", len(list)-20))
			break
		}
		names = append(names, fmt.Sprintf("%q (%s)", w.Name, w.ID))
	}
	have := "the list is empty"
	if len(names) > 0 {
		have = "there are: " + strings.Join(names, ", ")
	}
	return &SettingsError{Setting: "workflow", Msg: fmt.Sprintf("no workflow has the id or name %q; %s", in.Workflow, have), notFound: true}
}

// workflowIDRE is the shape of a workflow id in the document's example (§4.1.1.1.11).
var workflowIDRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

// start starts the execution. A start whose answer was lost (or named no job) is found again
// in the execution history by comparing it with a read made before the start: the start is
// never sent twice.
func (f *Workflow) start(ctx context.Context, o *WorkflowOutcome) error {
	before, herr := f.historyNames(ctx)
	if herr != nil {
		f.logf("warning: the execution history cannot be read (%v): a lost answer to the start could not be reconciled", herr)
	}
	o.StartedAt = f.now()
	job, ans, err := f.MAS.Start(ctx, o.WorkflowID)
	if err != nil {
		var ae *api.APIError
		var me *mas.Error
		if ctx.Err() != nil && herr == nil && !errors.As(err, &ae) && !errors.As(err, &me) {
			// Cancelled while the start was in flight: it may have gone through. Look for
			// the execution (outside the cancellation, briefly) and stop it.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), f.Poll.stopAll())
			defer cancel()
			if job, rerr := f.reconcile(rctx, o, before); rerr == nil {
				o.Started, o.Reconciled, o.Job = true, true, job
				f.logf("cancelled during the start; job %s had started", job)
				return f.cancelled(ctx, o)
			}
			return err
		}
		if errors.As(err, &ae) || errors.As(err, &me) || ctx.Err() != nil {
			return err
		}
		f.logf("the answer to the start was lost (%v); looking for the execution in the history", err)
	} else if job == "" {
		f.logf("the answer to the start names no job; looking for the execution in the history. The answer was:\n%s", f.shown(ans.Raw))
	}
	o.Started = true
	if job == "" {
		if herr != nil {
			return fmt.Errorf("start workflow %s: the job name is unknown and the history could not be read before the start (%v); the start was not sent again: look for the execution in the MAS console", o.WorkflowID, herr)
		}
		job, err = f.reconcile(ctx, o, before)
		if err != nil {
			return fmt.Errorf("start workflow %s: %w", o.WorkflowID, err)
		}
		o.Reconciled = true
	}
	o.Job = job
	f.logf("started job %s of workflow %q (%s)", job, o.WorkflowName, o.WorkflowID)
	return nil
}

// historyNames reads the first pages of the execution history: job name → workflow id.
func (f *Workflow) historyNames(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	for page := 1; page <= historyPages; page++ {
		jobs, _, err := f.MAS.History(ctx, page, historyPageSize)
		if err != nil {
			return nil, err
		}
		for _, j := range jobs {
			out[j.Name] = j.WorkflowID
		}
		if len(jobs) < historyPageSize {
			break
		}
	}
	return out, nil
}

// reconcile looks in the history for the one new execution of the workflow.
func (f *Workflow) reconcile(ctx context.Context, o *WorkflowOutcome, before map[string]string) (string, error) {
	deadline := f.now().Add(f.Poll.reconcile())
	for {
		now, err := f.historyNames(ctx)
		if err == nil {
			var own, unnamed []string
			for name, wf := range now {
				if _, old := before[name]; old {
					continue
				}
				switch wf {
				case o.WorkflowID:
					own = append(own, name)
				case "":
					unnamed = append(unnamed, name)
				}
			}
			switch {
			case len(own) == 1:
				return own[0], nil
			case len(own) > 1:
				return "", fmt.Errorf("%d new executions of the workflow appeared in the history (%s): cannot tell which one is this start's; it was not sent again", len(own), strings.Join(own, ", "))
			case len(unnamed) == 1:
				f.logf("the history does not say which workflow job %s runs; it is the only new execution, taken as this start's", unnamed[0])
				return unnamed[0], nil
			case len(unnamed) > 1:
				return "", fmt.Errorf("%d new executions appeared in the history without their workflow (%s): cannot tell which one is this start's; it was not sent again", len(unnamed), strings.Join(unnamed, ", "))
			}
		}
		if f.now().After(deadline) {
			return "", fmt.Errorf("no new execution appeared in the history after the lost start answer (the start was not sent again)")
		}
		if err := sleep(ctx, f.Poll.min()); err != nil {
			return "", err
		}
	}
}

// wait polls the execution until it ends, the timeout passes or ctx is cancelled.
func (f *Workflow) wait(ctx context.Context, in WorkflowInput, o *WorkflowOutcome) error {
	deadline := f.now().Add(in.Timeout)
	interval := f.Poll.min()
	budget := &callBudget{perMinute: f.Poll.CallsPerMinute, window: f.Poll.scaled(time.Minute)}
	failures := 0
	for {
		if d := budget.delay(f.now()); d > 0 {
			if err := sleep(ctx, d); err != nil {
				return f.cancelled(ctx, o)
			}
		}
		st, err := f.MAS.Status(ctx, o.WorkflowID, o.Job)
		budget.spend(f.now(), 1)
		o.Calls++
		switch {
		case ctx.Err() != nil:
			return f.cancelled(ctx, o)
		case err != nil:
			failures++
			f.logf("reading job %s failed (%d of %d tolerated): %v", o.Job, failures, f.Poll.tolerated(), err)
			if failures >= f.Poll.tolerated() {
				f.logf("stopping job %s: it can no longer be followed", o.Job)
				f.stop(ctx, o, false)
				return fmt.Errorf("wait for job %s: %w", o.Job, err)
			}
		default:
			failures = 0
			f.apply(in, o, st)
			if o.Verdict.Terminal() {
				o.EndedAt = f.now()
				f.logf("job %s %s (status %q) after %s", o.Job, o.Verdict, o.Status, f.since(o.StartedAt))
				return nil
			}
			if f.checkpoints(ctx, in, o) {
				interval = f.Poll.min() // see the effect of the action soon
			}
			f.progress(o)
		}
		if f.now().After(deadline) {
			o.TimedOut = true
			if in.LeaveOnTimeout {
				f.logf("timeout %s reached: leaving job %s running (on-timeout=leave)", f.Poll.unscaled(in.Timeout), o.Job)
			} else {
				f.logf("timeout %s reached: stopping job %s", f.Poll.unscaled(in.Timeout), o.Job)
				f.stop(ctx, o, false)
			}
			o.EndedAt = f.now()
			return fmt.Errorf("wait for job %s: %w", o.Job, ErrTimeout)
		}
		interval = f.Poll.nextInterval(0, false, interval)
		if err := sleep(ctx, min(interval, max(time.Until(deadline), time.Millisecond))); err != nil {
			return f.cancelled(ctx, o)
		}
	}
}

// apply takes a status answer into the outcome and shows every status string no mapping
// knows, once each, with the raw answer.
func (f *Workflow) apply(in WorkflowInput, o *WorkflowOutcome, st *mas.JobStatus) {
	o.Status = st.Status
	v, known := in.Statuses.Classify(st.Status)
	o.Verdict = v
	var unknown []string
	if !known {
		unknown = append(unknown, st.Status)
	}
	steps := make([]WorkflowStep, 0, len(st.Steps))
	for _, s := range st.Steps {
		sv, sk := in.Statuses.Classify(s.Status)
		if !sk {
			unknown = append(unknown, s.Status)
		}
		steps = append(steps, WorkflowStep{Name: s.Name, StateID: s.StateID, TaskID: s.TaskID, Status: s.Status, Type: s.Type, Verdict: sv})
	}
	o.Steps = steps
	var fresh []string
	for _, u := range unknown {
		key := u
		if key == "" {
			key = "(none)"
		}
		if !containsString(o.Unrecognised, key) && !containsString(fresh, key) {
			fresh = append(fresh, key)
		}
	}
	if len(fresh) == 0 {
		return
	}
	o.Unrecognised = append(o.Unrecognised, fresh...)
	o.RawStatus = f.masked(st.Answer.Raw)
	f.logf("job %s: status %s not recognised: read as still running until the timeout; name it in workflow-success, workflow-failure or workflow-waiting. The answer was:\n%s",
		o.Job, quoteAll(fresh), f.shown(st.Answer.Raw))
}

// quoteAll renders statuses as "A", "B" ("(none)" for an answer without a status).
func quoteAll(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// masked returns a raw answer with every secret-looking field masked, bounded.
func (f *Workflow) masked(raw string) string {
	s := string(redact.JSON([]byte(raw)))
	if len(s) > maxShownAnswer {
		cut := maxShownAnswer
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// shown renders a raw answer for the log: masked, bounded, indented, without control
// characters, so that server text cannot start a line of its own.
func (f *Workflow) shown(raw string) string {
	return "  | " + oneLine(f.masked(raw))
}

// checkpoints reports the steps waiting for a person and, when asked to, skips or retries
// them. It reports whether it acted.
func (f *Workflow) checkpoints(ctx context.Context, in WorkflowInput, o *WorkflowOutcome) bool {
	var waiting []WorkflowStep
	for _, s := range o.Steps {
		if s.Verdict == VerdictWaiting {
			waiting = append(waiting, s)
		}
	}
	if len(waiting) == 0 && o.Verdict == VerdictWaiting {
		waiting = append(waiting, WorkflowStep{Status: o.Status})
	}
	acted := false
	for _, s := range waiting {
		key := s.TaskID + "\x00" + s.Name
		n := o.checkpointActs[key]
		if n == 0 {
			f.logf("job %s waits for a person at step %q (task %s, status %q): approve it in MAS, or set workflow-checkpoint=skip or retry",
				o.Job, s.Name, orNone(s.TaskID), s.Status)
			o.Checkpoints = append(o.Checkpoints, Checkpoint{TaskID: s.TaskID, Step: s.Name, Action: "waiting"})
		}
		o.checkpointActs[key] = n + 1
		if in.Checkpoint == CheckpointWait || n > 0 && containsAction(o.Checkpoints, s.TaskID, in.Checkpoint) {
			continue
		}
		if s.TaskID == "" {
			if n == 0 {
				f.logf("cannot %s the checkpoint: the answer names no task id", in.Checkpoint)
			}
			continue
		}
		var err error
		action := "skipped"
		if in.Checkpoint == CheckpointSkip {
			err = f.MAS.Skip(ctx, o.Job, s.TaskID)
		} else {
			action = "retried"
			err = f.MAS.Retry(ctx, o.Job, s.TaskID)
		}
		o.Calls++
		o.Checkpoints = append(o.Checkpoints, Checkpoint{TaskID: s.TaskID, Step: s.Name, Action: action, Err: err})
		if err != nil {
			f.logf("could not %s task %s: %v (waiting for a person)", in.Checkpoint, s.TaskID, err)
			continue
		}
		f.logf("%s task %s (step %q) of job %s (workflow-checkpoint=%s)", action, s.TaskID, s.Name, o.Job, in.Checkpoint)
		acted = true
	}
	return acted
}

// containsAction reports whether the checkpoint of taskID was already skipped or retried (a
// checkpoint is acted on once: after that the runner waits for a person).
func containsAction(cs []Checkpoint, taskID, mode string) bool {
	want := map[string]string{CheckpointSkip: "skipped", CheckpointRetry: "retried"}[mode]
	for _, c := range cs {
		if c.TaskID == taskID && c.Action == want {
			return true
		}
	}
	return false
}

func orNone(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// progress prints a line when the status or the current step changed, or every progress
// interval.
func (f *Workflow) progress(o *WorkflowOutcome) {
	now := f.now()
	cur, idx := "", 0
	for i, s := range o.Steps {
		if s.Verdict != VerdictSucceeded && s.Verdict != VerdictSkipped {
			cur, idx = fmt.Sprintf(" · step %d/%d %q %s", i+1, len(o.Steps), s.Name, s.Status), i+1
			break
		}
	}
	key := fmt.Sprintf("%s/%d", o.Status, idx)
	if key == o.lastProgressKey && now.Sub(o.lastProgress) < f.Poll.progress() {
		return
	}
	o.lastProgressKey, o.lastProgress = key, now
	status := o.Status
	if status == "" {
		status = "(no status)"
	}
	f.logf("[%s] job %s %s%s", f.since(o.StartedAt), o.Job, status, cur)
}

func (f *Workflow) since(t time.Time) time.Duration {
	return f.Poll.unscaled(f.now().Sub(t)).Round(time.Second)
}

// cancelled stops the execution after a signal: the stop is sent at once, confirmed if time
// allows.
func (f *Workflow) cancelled(ctx context.Context, o *WorkflowOutcome) error {
	o.Cancelled = true
	f.logf("cancelled: stopping job %s", o.Job)
	f.stop(ctx, o, true)
	o.EndedAt = f.now()
	return fmt.Errorf("wait for job %s: %w", o.Job, context.Cause(ctx))
}

// stop sends the stop outside ctx's cancellation and confirms it within the budget: the
// execution reads as ended (a terminal status of the mapping).
func (f *Workflow) stop(ctx context.Context, o *WorkflowOutcome, hurry bool) {
	sctx, send, cancel := f.Poll.stopContexts(ctx, hurry)
	defer cancel()
	err := f.MAS.Stop(send, o.Job)
	if hurry && f.AfterStopSent != nil {
		f.AfterStopSent()
	}
	if err != nil {
		o.StopFailed = true
		f.logf("stop of job %s failed: %v", o.Job, err)
		return
	}
	o.StopSent = true
	f.Poll.confirmStop(sctx, func() bool {
		st, err := f.MAS.Status(sctx, o.WorkflowID, o.Job)
		if err != nil {
			return false
		}
		o.Status = st.Status
		if v, _ := o.statuses.Classify(st.Status); v.Terminal() {
			o.StopConfirmed, o.Verdict = true, v
			f.logf("job %s stopped (status %q)", o.Job, st.Status)
			return true
		}
		return false
	}, func() { f.logf("stop of job %s sent; not confirmed within %s", o.Job, f.Poll.stopAll()) })
}

// readLogs fetches the logs of the failed steps, each bounded to its last MaxStepLog bytes.
func (f *Workflow) readLogs(ctx context.Context, o *WorkflowOutcome) {
	n := 0
	for i := range o.Steps {
		s := &o.Steps[i]
		if s.Verdict != VerdictFailed || n >= maxLoggedSteps {
			continue
		}
		n++
		id := s.StateID
		if id == "" {
			s.LogErr = "the answer names no state id for this step"
			continue
		}
		text, err := f.MAS.Log(ctx, o.Job, id)
		o.Calls++
		if err != nil {
			s.LogErr = err.Error()
			f.logf("could not read the log of step %q: %v", s.Name, err)
			continue
		}
		s.Log = tail(text, MaxStepLog)
	}
}

// tail keeps the last n bytes of s (at a line start when one is near), saying what was cut.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := len(s) - n
	if i := strings.IndexByte(s[cut:], '\n'); i >= 0 && i < 200 {
		cut += i + 1
	}
	for cut < len(s) && s[cut]&0xC0 == 0x80 {
		cut++
	}
	return fmt.Sprintf("… (the first %d bytes of the log are cut; %d bytes follow)\n", cut, len(s)-cut) + s[cut:]
}
