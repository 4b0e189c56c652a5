package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/codearts-runner/codearts-runner/pkg/gates"
	"github.com/codearts-runner/codearts-runner/pkg/redact"
)

// verdictMark is the short tag of a verdict in the terminal summary.
var verdictMark = map[string]string{"passed": "PASS", "failed": "FAIL", "warned": "WARN", "skipped": "SKIP"}

// WriteSummary writes the human summary for the terminal: the run, then one line per gate
// with the measured value and the limit, then the verdict. Names are quoted and every other
// text from a server or the settings is printed through redact.Inline: it can neither start a
// line nor carry a control character.
func (r *Result) WriteSummary(w io.Writer) {
	if len(r.Tasks) > 0 {
		r.writeMultiSummary(w)
		return
	}
	fmt.Fprintln(w, "──── codearts-runner summary ────")
	if r.Task != nil && r.Run != nil {
		fmt.Fprintf(w, "task %s (%d), run %d: %s", quoteName(r.Task.Name), r.Task.ID, r.Run.ID, redact.Inline(r.Run.StatusText))
		if r.Run.DurationSec > 0 {
			fmt.Fprintf(w, " after %s", fmtDuration(r.Run.DurationSec))
		}
		fmt.Fprintln(w)
	}
	r.writeWorkflowSummary(w)
	if r.Baseline != nil && r.Baseline.Note != "" {
		fmt.Fprintln(w, redact.Inline(r.Baseline.Note))
	}
	for i := range r.Cases {
		c := &r.Cases[i]
		fmt.Fprintf(w, "case %-24s %s\n", quoteName(c.Name), metricsLine(&c.Metrics))
	}
	if len(r.Gates) > 0 {
		fmt.Fprintln(w, "gates:")
	}
	for _, g := range r.Gates {
		fmt.Fprintf(w, "  %s  %s — %s\n", verdictMark[g.Verdict], redact.Inline(g.Name), redact.Inline(g.Message))
	}
	if r.Plan != nil {
		fmt.Fprintf(w, "plan %s (%s): %d added, %d already there, %d failed in %d call(s)\n", quoteName(r.Plan.Name), redact.Inline(r.Plan.ID), r.Plan.Added, r.Plan.Already, r.Plan.Failed, r.Plan.Calls)
	}
	if r.Execution != nil && r.Execution.ID != "" {
		fmt.Fprintf(w, "task templates %s: accepted (execution %s)\n", redact.Inline(strings.Join(r.Execution.TaskIDs, ", ")), redact.Inline(r.Execution.ID))
	}
	for _, c := range r.Checks {
		if c.Verdict == "failed" {
			fmt.Fprintf(w, "  FAIL  %s — %s\n", redact.Inline(c.Name), redact.Inline(c.Message))
		}
	}
	r.writeTrendSummary(w)
	for _, p := range r.PlanRecords {
		if p.Recorded {
			fmt.Fprintf(w, "  TestPlan case %s ← %s: %s\n", redact.Inline(p.CaseID), redact.Inline(p.Name), p.Verdict)
		} else {
			fmt.Fprintf(w, "  TestPlan case %s ← %s: NOT recorded (%s)\n", redact.Inline(p.CaseID), redact.Inline(p.Name), redact.Inline(p.Error))
		}
	}
	word := strings.ToUpper(r.Result)
	if r.Execution != nil && r.Execution.ID != "" && r.Result == "started" {
		// taskmodel: the call only started the templates; their outcome is in CodeArts.
		word = fmt.Sprintf("ACCEPTED (execution %s)", r.Execution.ID)
	}
	fmt.Fprintf(w, "result: %s (exit %d)", word, r.ExitCode)
	fmt.Fprintln(w, r.Counts.gatesTail())
	if r.Error != "" {
		fmt.Fprintf(w, "error: %s\n", redact.Inline(r.Error))
	}
}

// quoteName quotes a name for one terminal line (Go quoting, then redact.Inline for `##[`).
func quoteName(s string) string { return redact.Inline(fmt.Sprintf("%q", s)) }

// metricsLine shows the headline figures of a case.
func metricsLine(m *Metrics) string {
	var parts []string
	for _, col := range caseColumns {
		if v, ok := m.Get(col.key); ok {
			parts = append(parts, col.label+" "+gates.FormatWithUnit(v, col.unit))
		}
	}
	return strings.Join(parts, " · ")
}

// verdicts counts the gates by verdict: "2 passed, 1 failed, 0 warned, 0 skipped".
func (c Counts) verdicts() string {
	return fmt.Sprintf("%d passed, %d failed, %d warned, %d skipped", c.Passed, c.Failed, c.Warned, c.Skipped)
}

// gatesTail ends the verdict line of the terminal summary: " · 3 gates: …", "" without gates.
func (c Counts) gatesTail() string {
	if c.Gates == 0 {
		return ""
	}
	return fmt.Sprintf(" · %d gates: %s", c.Gates, c.verdicts())
}
