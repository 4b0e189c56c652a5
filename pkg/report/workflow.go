package report

import (
	"fmt"
	"io"

	"github.com/codearts-runner/codearts-runner/pkg/redact"
	"github.com/codearts-runner/codearts-runner/pkg/steps"
)

// Workflow describes the MAS drill of `runner workflow`.
type Workflow struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Job           string         `json:"job_name"`
	StartedBy     string         `json:"started_by"` // runner, or history (found again after a lost start answer)
	Status        string         `json:"status"`     // the last status string, as the service wrote it
	Verdict       string         `json:"verdict"`    // succeeded, failed, waiting, running, unknown
	StartedAt     string         `json:"started_at,omitempty"`
	EndedAt       string         `json:"ended_at,omitempty"`
	DurationSec   float64        `json:"duration_seconds"`
	TimedOut      bool           `json:"timed_out,omitempty"`
	Cancelled     bool           `json:"cancelled,omitempty"`
	StopSent      bool           `json:"stop_sent,omitempty"`
	StopConfirmed bool           `json:"stop_confirmed,omitempty"`
	Steps         []WorkflowStep `json:"steps"`
	Checkpoints   []Checkpoint   `json:"checkpoints,omitempty"`
	// Unrecognised are the status strings no mapping knew; RawStatus is the last such answer.
	Unrecognised []string `json:"unrecognised_statuses,omitempty"`
	RawStatus    string   `json:"raw_status_answer,omitempty"`
}

// WorkflowStep is one step of the drill.
type WorkflowStep struct {
	Name    string `json:"name"`
	ID      string `json:"state_id,omitempty"`
	TaskID  string `json:"task_id,omitempty"`
	Type    string `json:"type,omitempty"`
	Status  string `json:"status"`
	Verdict string `json:"verdict"`
	Log     string `json:"log,omitempty"`
}

// Checkpoint is a manual checkpoint met during the drill.
type Checkpoint struct {
	TaskID string `json:"task_id"`
	Step   string `json:"step"`
	Action string `json:"action"` // waiting, skipped, retried
	Error  string `json:"error,omitempty"`
}

// BuildWorkflow turns the outcome of `runner workflow` into a Result: one check per step of the
// execution when the status answer lists steps, else one for the workflow.
func BuildWorkflow(o *steps.WorkflowOutcome, m Meta) *Result {
	r := Build(nil, m)
	if !o.HasJob() {
		return r
	}
	w := &Workflow{ID: o.WorkflowID, Name: o.WorkflowName, Job: o.Job, StartedBy: "runner", Status: o.Status,
		Verdict: o.Verdict.String(), DurationSec: o.Duration.Seconds(), TimedOut: o.TimedOut, Cancelled: o.Cancelled,
		StopSent: o.StopSent, StopConfirmed: o.StopConfirmed, Unrecognised: o.Unrecognised, RawStatus: o.RawStatus, Steps: []WorkflowStep{}}
	if o.Reconciled {
		w.StartedBy = "history"
	}
	if !o.StartedAt.IsZero() {
		w.StartedAt = o.StartedAt.UTC().Format("2006-01-02T15:04:05Z")
	}
	if !o.EndedAt.IsZero() {
		w.EndedAt = o.EndedAt.UTC().Format("2006-01-02T15:04:05Z")
	}
	waiting := map[string]bool{}
	for _, c := range o.Checkpoints {
		cp := Checkpoint{TaskID: c.TaskID, Step: c.Step, Action: c.Action}
		if c.Err != nil {
			cp.Error = c.Err.Error()
		}
		w.Checkpoints = append(w.Checkpoints, cp)
		waiting[c.Step] = true
	}
	ended := o.Verdict.Terminal()
	for _, s := range o.Steps {
		w.Steps = append(w.Steps, WorkflowStep{Name: s.Name, ID: s.StateID, TaskID: s.TaskID, Type: s.Type, Status: s.Status, Verdict: s.Verdict.String(), Log: s.Log})
		c := Check{Name: "step " + s.Name, Group: "steps", Verdict: "passed", Message: fmt.Sprintf("status %q", s.Status)}
		switch s.Verdict {
		case steps.VerdictFailed:
			if o.Verdict == steps.VerdictSucceeded {
				// The execution decides: a failed step under a succeeded execution (retried,
				// tolerated) is shown, not failed.
				c.Message = fmt.Sprintf("status %q, but the execution succeeded", s.Status)
				break
			}
			c.Verdict = "failed"
			c.Message = fmt.Sprintf("step %q of job %s failed (status %q)", s.Name, redact.Inline(o.Job), s.Status)
			c.Output = s.Log
			if s.Log == "" && s.LogErr != "" {
				c.Output = "the log could not be read: " + s.LogErr
			}
		case steps.VerdictSkipped:
			c.Verdict, c.Message = "skipped", fmt.Sprintf("skipped (status %q)", s.Status)
		case steps.VerdictWaiting:
			c.Verdict, c.Message = "failed", fmt.Sprintf("waiting for a person at this manual checkpoint (task %s, status %q) when the runner ended", orUnknown(s.TaskID), s.Status)
		case steps.VerdictSucceeded:
		default:
			if ended || o.TimedOut || o.Cancelled {
				c.Verdict, c.Message = "skipped", fmt.Sprintf("not finished when the drill ended (status %q)", s.Status)
			} else {
				c.Message = fmt.Sprintf("status %q", s.Status)
			}
		}
		r.Checks = append(r.Checks, c)
	}
	if len(o.Steps) == 0 {
		c := Check{Name: "workflow " + nameOr(o.WorkflowName, o.WorkflowID), Group: "workflow", Verdict: "passed",
			Message: fmt.Sprintf("job %s: status %q", redact.Inline(o.Job), o.Status)}
		if o.Verdict == steps.VerdictFailed {
			c.Verdict = "failed"
		} else if o.Verdict != steps.VerdictSucceeded && (o.TimedOut || o.Cancelled) {
			c.Verdict = "failed"
			c.Message = fmt.Sprintf("job %s did not end (status %q)", redact.Inline(o.Job), o.Status)
		}
		r.Checks = append(r.Checks, c)
	}
	r.Workflow = w
	return r
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func nameOr(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// writeWorkflowSummary writes the drill's lines of the terminal summary.
func (r *Result) writeWorkflowSummary(w io.Writer) {
	wf := r.Workflow
	if wf == nil {
		return
	}
	fmt.Fprintf(w, "workflow %q (%s), job %s: %s (status %q)", wf.Name, flatten(wf.ID), flatten(wf.Job), wf.Verdict, wf.Status)
	if wf.DurationSec > 0 {
		fmt.Fprintf(w, " in %.0fs", wf.DurationSec)
	}
	fmt.Fprintln(w)
	for _, s := range wf.Steps {
		fmt.Fprintf(w, "  step %-28s %s (%s)\n", quoteName(s.Name), s.Verdict, s.Status)
	}
	for _, c := range wf.Checkpoints {
		what := map[string]string{"waiting": "waited for a person", "skipped": "skipped by the runner", "retried": "retried by the runner"}[c.Action]
		if c.Error != "" {
			what = "could not be " + c.Action + ": " + flatten(c.Error)
		}
		fmt.Fprintf(w, "  manual checkpoint: step %q, task %s %s\n", c.Step, flatten(orUnknown(c.TaskID)), what)
	}
	if len(wf.Unrecognised) > 0 {
		fmt.Fprintf(w, "  status strings not recognised (read as running): %q — name them in workflow-success, workflow-failure or workflow-waiting\n", wf.Unrecognised)
	}
}

// redactWorkflow applies f to the drill's server texts.
func (r *Result) redactWorkflow(f func(string) string) {
	if r.Workflow == nil {
		return
	}
	r.Workflow.RawStatus = f(r.Workflow.RawStatus)
	for i := range r.Workflow.Steps {
		r.Workflow.Steps[i].Log = f(r.Workflow.Steps[i].Log)
	}
	for i := range r.Workflow.Checkpoints {
		r.Workflow.Checkpoints[i].Error = f(r.Workflow.Checkpoints[i].Error)
	}
}
