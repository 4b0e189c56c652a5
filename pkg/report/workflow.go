package report

import (
	"cmp"
	"fmt"
	"io"

	"github.com/codearts-runner/codearts-runner/pkg/redact"
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

// writeWorkflowSummary writes the drill's lines of the terminal summary.
func (r *Result) writeWorkflowSummary(w io.Writer) {
	wf := r.Workflow
	if wf == nil {
		return
	}
	fmt.Fprintf(w, "workflow %q (%s), job %s: %s (status %q)", wf.Name, redact.Flatten(wf.ID), redact.Flatten(wf.Job), wf.Verdict, wf.Status)
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
			what = "could not be " + c.Action + ": " + redact.Flatten(c.Error)
		}
		fmt.Fprintf(w, "  manual checkpoint: step %q, task %s %s\n", c.Step, redact.Flatten(cmp.Or(c.TaskID, "unknown")), what)
	}
	if len(wf.Unrecognised) > 0 {
		fmt.Fprintf(w, "  status strings not recognised (read as running): %q — name them in workflow-success, workflow-failure or workflow-waiting\n", wf.Unrecognised)
	}
}
