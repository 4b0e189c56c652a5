// Package report renders the result of a run for people and machines: the result JSON
// (schema 1), JUnit XML, the terminal summary, the Markdown job summary and the HTML report.
// Every writer renders the same plain Result, built once by pkg/outcome from the flow's
// outcome; this package imports neither the flows, the settings, the wire types nor the CI
// adapters. What a CI system is told — GitHub outputs, job summary, masks and annotations, the
// GitLab dotenv file, the CodeArts step files — lives in pkg/ci, which renders this Result
// and writes its files with Result.WriteFile.
package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/gates"
	"github.com/codearts-runner/codearts-runner/pkg/redact"
)

// Schema is the version of the result file's layout. It changes only when a field changes
// meaning or disappears; new fields may appear within a version.
const Schema = 1

// Result is the result file (`result-file`, JSON) and the model every writer renders.
type Result struct {
	Schema   int               `json:"schema"`
	Tool     string            `json:"tool"`
	Version  string            `json:"version"`
	Mode     string            `json:"mode"`
	Result   string            `json:"result"` // passed, failed, error, timeout, cancelled, started
	ExitCode int               `json:"exit_code"`
	Error    string            `json:"error,omitempty"`
	Settings map[string]string `json:"settings"`
	Region   string            `json:"region,omitempty"`
	Suite    *Ref              `json:"suite,omitempty"`
	Task     *Ref              `json:"task,omitempty"`
	Run      *Run              `json:"run,omitempty"`
	Baseline *Baseline         `json:"baseline,omitempty"`
	Gates    []Gate            `json:"gates"`
	Counts   Counts            `json:"counts"`
	Overall  Metrics           `json:"overall,omitzero"`
	Cases    []Case            `json:"cases"`
	// Plan is the TestPlan plan of `runner testplan`.
	Plan *Plan `json:"plan,omitempty"`
	// Execution is the task template execution of `runner taskmodel`.
	Execution *Execution `json:"execution,omitempty"`
	// PlanRecords are the gate outcomes written back to TestPlan cases (plan-case-map).
	PlanRecords []PlanRecord `json:"plan_records,omitempty"`
	// Workflow is the MAS drill of `runner workflow`.
	Workflow *Workflow `json:"workflow,omitempty"`
	// Checks are the outcomes of testplan, taskmodel and workflow runs, one JUnit testcase each.
	Checks []Check `json:"checks,omitempty"`
	// Trend is the overall figures of the task's earlier runs and this one (trend setting).
	Trend *Trend `json:"trend,omitempty"`
	// Tasks are the task runs of a step that ran several tasks (see Combine).
	Tasks     []*Result `json:"tasks,omitempty"`
	Generated time.Time `json:"generated_at"`

	curves []CaseCurves
	red    *redact.Redactor // set by Redact: file writers mask their bytes with it
}

// Ref names a suite or a task.
type Ref struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Created bool   `json:"created,omitempty"`
}

// Run describes the task run.
type Run struct {
	ID            int64     `json:"id"`
	Status        int       `json:"status"`
	StatusText    string    `json:"status_text"`
	StartedBy     string    `json:"started_by"` // runner (this invocation) or attached
	StartedAt     time.Time `json:"started_at,omitzero"`
	EndedAt       time.Time `json:"ended_at,omitzero"`
	DurationSec   float64   `json:"duration_seconds"`
	TimedOut      bool      `json:"timed_out,omitempty"`
	Cancelled     bool      `json:"cancelled,omitempty"`
	StopSent      bool      `json:"stop_sent,omitempty"`
	StopConfirmed bool      `json:"stop_confirmed,omitempty"`
	AbortedEarly  bool      `json:"aborted_early,omitempty"`
}

// Baseline names the run baseline gates compared with.
type Baseline struct {
	RunID int64  `json:"run_id,omitempty"`
	Note  string `json:"note"`
}

// Gate is one evaluated gate.
type Gate struct {
	Name          string   `json:"name"`
	Text          string   `json:"text"`
	Metric        string   `json:"metric"`
	Scope         string   `json:"scope"`
	Severity      string   `json:"severity"`
	Verdict       string   `json:"verdict"` // passed, failed, warned, skipped
	Value         *float64 `json:"value"`
	Limit         *float64 `json:"limit"`
	BaselineValue *float64 `json:"baseline_value,omitempty"`
	Unit          string   `json:"unit"`
	Message       string   `json:"message"`
}

// Counts summarises the verdicts.
type Counts struct {
	Gates   int `json:"gates"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Warned  int `json:"warned"`
	Skipped int `json:"skipped"`
}

// Case is one case run with its figures. WriteJSON encodes cases by hand (appendCaseHead and
// streamCases): a field added here must be added there too (TestWriteJSONStreamsMarshalBytes
// fails until it is).
type Case struct {
	Name       string    `json:"name"`
	CaseRunID  int64     `json:"case_run_id"`
	Status     int       `json:"status"`
	StatusText string    `json:"status_text"`
	Metrics    Metrics   `json:"metrics"`
	Requests   []Request `json:"requests,omitempty"`
}

// Request is one request (AW) of a case with its figures: the gates' Request, whose rows Build
// shares with the outcome instead of copying a big run's 50,000 of them. WriteJSON encodes it
// by hand (appendRequest), as it does Case.
type Request = gates.Request

// Metrics are the figures of the run, a case or a request: the gates' compact Metrics (one
// slot per catalogue metric, no map). They encode as a JSON object in the order of the gates'
// catalogue, non-finite values left out, without the map sorting and reflection of
// encoding/json: a big result file holds tens of thousands of them.
type Metrics = gates.Metrics

// Plan describes the plan cases were added to.
type Plan struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Created bool   `json:"created"`
	Calls   int    `json:"calls"`
	Added   int    `json:"added"`
	Already int    `json:"already_there"`
	Failed  int    `json:"failed"`
}

// Execution describes a task template execution.
type Execution struct {
	TaskIDs []string `json:"task_ids"`
	ID      string   `json:"id,omitempty"`
	Cause   string   `json:"cause,omitempty"`
	FAQ     string   `json:"faq,omitempty"`
}

// PlanRecord is one gate or case outcome recorded as a TestPlan case result.
type PlanRecord struct {
	Name     string `json:"name"`
	CaseID   string `json:"case_id"`
	Verdict  string `json:"verdict"`
	Recorded bool   `json:"recorded"`
	Error    string `json:"error,omitempty"`
}

// Check is one outcome of a testplan or taskmodel run.
type Check struct {
	Name    string `json:"name"`
	Group   string `json:"group"`
	Verdict string `json:"verdict"` // passed, failed, skipped
	Message string `json:"message"`
	// Output is shown as the testcase's system-out instead of Message (a failed step's log).
	Output string `json:"output,omitempty"`
}

// Meta is what the result needs beyond the outcome.
type Meta struct {
	Version  string
	Mode     string
	Region   string
	Settings map[string]string
	ExitCode int
	Result   string
	Err      error
	Now      time.Time
}

// New returns the Result of a run without an outcome (bad settings, a failed start): what m says
// and empty gates and cases. The converters in pkg/outcome fill in the rest.
func New(m Meta) *Result {
	r := &Result{Schema: Schema, Tool: "codearts-runner", Version: m.Version, Mode: m.Mode,
		Result: m.Result, ExitCode: m.ExitCode, Settings: m.Settings, Region: m.Region,
		Gates: []Gate{}, Cases: []Case{}, Generated: m.Now.UTC()}
	if m.Err != nil {
		r.Error = m.Err.Error()
	}
	return r
}

// WriteFile writes data to path as every writer of the result does: each secret of the
// redactor Redact was given masked once more, then written atomically (temporary file +
// rename, directories created), or in place for a device, a FIFO, a pipe or a link. The CI
// adapters of pkg/ci write their files with it.
func (r *Result) WriteFile(path string, data []byte) error {
	return writeFile(path, r.red.Bytes(data))
}

// writeFile writes data to path atomically (temporary file + rename), creating directories.
func writeFile(path string, data []byte) error {
	return writeFileWith(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeFileWith writes what fill writes to path atomically (temporary file + rename), creating
// directories; the temporary file is removed when fill fails. An existing path that is not a
// regular file or a directory is written in place instead (see writeInPlace).
func writeFileWith(path string, fill func(io.Writer) error) error {
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		return writeInPlace(path, fill)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, ".codearts-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	err = fill(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// GateOf renders one gate result.
func GateOf(res gates.Evaluation) Gate {
	g := Gate{Name: res.Gate.Name, Text: res.Gate.String(), Metric: res.Gate.Metric, Scope: res.Gate.Scope.String(),
		Severity: res.Gate.Severity.String(), Verdict: res.Verdict.String(), Unit: res.Unit, Message: res.Message,
		BaselineValue: res.BaselineValue}
	if g.Name == "" {
		g.Name = g.Text
	}
	if g.Scope == "" {
		g.Scope = "overall"
	}
	if res.Measured {
		v := res.Value
		g.Value = &v
	}
	if res.HasLimit {
		l := res.Limit
		g.Limit = &l
	}
	return g
}

// AddGate appends one gate to the result and counts it by its verdict.
func (r *Result) AddGate(g Gate) {
	r.Gates = append(r.Gates, g)
	r.Counts.Gates++
	switch g.Verdict {
	case "passed":
		r.Counts.Passed++
	case "failed":
		r.Counts.Failed++
	case "warned":
		r.Counts.Warned++
	case "skipped":
		r.Counts.Skipped++
	}
}

// CaseCurves are the time series of one case run, for charts.
type CaseCurves struct {
	Name       string
	Timestamps []string
	TPS        []float64
	AvgRT      []float64
	VUsers     []float64
	Errors     []float64
}

// Curves returns the time series of every case run, for the charts.
func (r *Result) Curves() []CaseCurves { return r.curves }

// SetCurves sets the time series of the case runs (not part of the result file).
func (r *Result) SetCurves(c []CaseCurves) { r.curves = c }
