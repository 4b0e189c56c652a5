package steps

import (
	"fmt"
	"strings"

	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// A case report may say it is partial: `details.total` counts more table rows than
// `details.data` carries (ShowReport, 4.6.1: pageIndex, pageSize, total). The documents give
// no way to ask for the other rows (the call takes only brokens_limit_count), so the runner
// cannot read the rest; it never evaluates the part as the whole instead (docs/ambiguities.md):
//   - the PartialGate result fails first, naming each partial report and its row counts;
//   - every gate that would have passed on the current run fails, its message saying that it
//     was evaluated on partial data (the missing rows may belong to any case or request, so
//     every gate reading the run is affected); warned, failed and skipped gates keep their
//     verdict with the same note.
// A gate failed this way makes the step exit 1, like any lost gate.

// PartialGate is the synthetic gate that fails when a case report held more rows than it sent.
var PartialGate = gates.Gate{Text: "reports complete", Name: "case reports complete", Metric: "requests", Op: gates.OpGE}

// partialNote ends the message of a gate evaluated on partial data.
const partialNote = " (evaluated on partial report data)"

// markPartial applies the partial-report rule to results when a case report of cases is
// partial; otherwise it returns results unchanged.
func markPartial(runID int64, cases []CaseResult, results []gates.Evaluation) []gates.Evaluation {
	var parts []string
	for _, c := range cases {
		if c.Partial() {
			parts = append(parts, fmt.Sprintf("case %q: %d of %d rows", c.Name, c.RowsSent, c.RowsTotal))
		}
	}
	if len(parts) == 0 {
		return results
	}
	out := make([]gates.Evaluation, 0, len(results)+1)
	out = append(out, gates.Evaluation{Gate: PartialGate, Verdict: gates.Fail, Message: fmt.Sprintf(
		"run %d: the service sent part of a report (%s) and documents no way to read the rest: the gates cannot be trusted",
		runID, strings.Join(parts, "; "))})
	for _, r := range results {
		if r.Verdict == gates.Pass {
			r.Verdict = gates.Fail
		}
		r.Message += partialNote
		out = append(out, r)
	}
	return out
}

// UncheckedGate is the synthetic gate that fails when gates were given but every one was
// skipped (baseline or trend gates without their reference): no gate checked the run, and a run
// nothing checked never passes.
var UncheckedGate = gates.Gate{Text: "at least one gate checked the run", Name: "gates checked the run", Metric: "requests", Op: gates.OpGE}

// markUnchecked appends a failing UncheckedGate result when results is not empty and every
// result is skipped.
func markUnchecked(results []gates.Evaluation) []gates.Evaluation {
	for _, r := range results {
		if r.Verdict != gates.Skip {
			return results
		}
	}
	if len(results) == 0 {
		return results
	}
	return append(results, gates.Evaluation{Gate: UncheckedGate, Verdict: gates.Fail, Message: fmt.Sprintf(
		"every gate (%d) was skipped, so nothing checked the run and it does not pass: add an absolute gate (e.g. p95 <= 800ms), or set baseline-required to fail a baseline gate that has no baseline", len(results))})
}
