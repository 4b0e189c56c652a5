package ci

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/codearts-runner/codearts-runner/pkg/redact"
	"github.com/codearts-runner/codearts-runner/pkg/report"
)

// codeArtsMessageRunes bounds the message of the CodeArts result file.
const codeArtsMessageRunes = 1000

// codeArtsFigures are the overall figures copied into the CodeArts metrics file.
var codeArtsFigures = []string{"p95", "p99", "avg_rt", "success_rate", "tps", "requests", "error_rate"}

// codeArtsResult is the CodeArts Pipeline result file (`${STEP_ID}_result.json`): a flat
// object the pipeline shows as the step's result.
type codeArtsResult struct {
	Result       string `json:"result"`
	ExitCode     int    `json:"exit_code"`
	Task         string `json:"task,omitempty"`
	TaskID       int64  `json:"task_id,omitempty"`
	TaskRunID    int64  `json:"task_run_id,omitempty"`
	Gates        int    `json:"gates"`
	GatesPassed  int    `json:"gates_passed"`
	GatesFailed  int    `json:"gates_failed"`
	GatesWarned  int    `json:"gates_warned"`
	GatesSkipped int    `json:"gates_skipped"`
	Message      string `json:"message"`
}

// codeArts returns the content of r's CodeArts result file.
func codeArts(r *report.Result) codeArtsResult {
	c := codeArtsResult{Result: r.Result, ExitCode: r.ExitCode, Gates: r.Counts.Gates, GatesPassed: r.Counts.Passed,
		GatesFailed: r.Counts.Failed, GatesWarned: r.Counts.Warned, GatesSkipped: r.Counts.Skipped, Message: message(r)}
	if r.Task != nil {
		c.Task, c.TaskID = redact.Flatten(r.Task.Name), r.Task.ID
	}
	if r.Run != nil {
		c.TaskRunID = r.Run.ID
	}
	return c
}

// codeArtsMetrics returns the content of r's CodeArts metrics file: flat {"name": number}, the
// gate counts and the overall figures p95, p99, avg_rt, success_rate, tps, requests and
// error_rate in canonical units (ms, percent, per second); a figure the run did not report is
// left out.
func codeArtsMetrics(r *report.Result) map[string]float64 {
	m := map[string]float64{
		"gates_failed":  float64(r.Counts.Failed),
		"gates_passed":  float64(r.Counts.Passed),
		"gates_warned":  float64(r.Counts.Warned),
		"gates_skipped": float64(r.Counts.Skipped),
	}
	for _, k := range codeArtsFigures {
		if v, ok := r.Overall.Get(k); ok && !math.IsNaN(v) && !math.IsInf(v, 0) {
			m[k] = roundFigure(v)
		}
	}
	return m
}

// roundFigure rounds a figure of the metrics file to two decimals (293.22, not
// 293.21999999999997); whole numbers stay whole.
func roundFigure(v float64) float64 {
	if math.Abs(v) >= 1e15 {
		return v
	}
	return math.Round(v*100) / 100
}

// WriteCodeArts writes the CodeArts Pipeline extension files of r into dir, the step's result
// directory (RESULT_MSG_PATH; "" is the working directory), creating it:
//
//   - `<stepID>_result.json`, a flat summary: result, exit_code, task, task_id, task_run_id,
//     gates, gates_passed, gates_failed, gates_warned, gates_skipped and a one-line message;
//   - `<stepID>_metrics.json`, flat {"name": number}: gates_failed, gates_passed, gates_warned,
//     gates_skipped and the overall p95, p99, avg_rt (ms), success_rate, error_rate (percent),
//     tps and requests; a figure the run did not report is left out.
//
// stepID must be a plain file name part. The files are written like the result's own files
// (report.Result.WriteFile): indented JSON, HTML characters unescaped, secrets masked.
func WriteCodeArts(r *report.Result, dir, stepID string) error {
	if stepID == "" || stepID == "." || stepID == ".." || strings.ContainsAny(stepID, `/\`+"\x00") {
		return fmt.Errorf("write CodeArts files: step id %q is not a file name", stepID)
	}
	if dir == "" {
		dir = "."
	}
	files := []struct {
		suffix string
		v      any
	}{{"_result.json", codeArts(r)}, {"_metrics.json", codeArtsMetrics(r)}}
	for _, f := range files {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(f.v); err != nil {
			return fmt.Errorf("encode CodeArts %s: %w", f.suffix, err)
		}
		if err := r.WriteFile(filepath.Join(dir, stepID+f.suffix), buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// message says in one line what happened to r, for people: the result, the failed gates or
// the error.
func message(r *report.Result) string {
	var b strings.Builder
	b.WriteString(r.Result)
	if r.Run != nil {
		fmt.Fprintf(&b, ", run %d", r.Run.ID)
		if r.Run.StatusText != "" {
			b.WriteString(" " + r.Run.StatusText)
		}
	}
	if r.Counts.Gates > 0 {
		fmt.Fprintf(&b, ": %d of %d gates failed", r.Counts.Failed, r.Counts.Gates)
		if r.Counts.Warned > 0 {
			fmt.Fprintf(&b, ", %d warned", r.Counts.Warned)
		}
		var failed []string
		for _, g := range r.Gates {
			if g.Verdict == "failed" {
				failed = append(failed, g.Name)
			}
		}
		if len(failed) > 0 {
			b.WriteString(" (" + strings.Join(failed, ", ") + ")")
		}
	}
	if len(r.Checks) > 0 {
		var failed []string
		for _, c := range r.Checks {
			if c.Verdict == "failed" {
				failed = append(failed, c.Name)
			}
		}
		fmt.Fprintf(&b, ": %d of %d checks failed", len(failed), len(r.Checks))
		if len(failed) > 0 {
			b.WriteString(" (" + strings.Join(failed, ", ") + ")")
		}
	}
	if r.Error != "" {
		b.WriteString(": " + r.Error)
	}
	return report.Truncate(redact.Flatten(b.String()), codeArtsMessageRunes)
}
