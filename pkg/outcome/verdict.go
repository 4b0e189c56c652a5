package outcome

import (
	"context"
	"errors"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
	"github.com/codearts-runner/codearts-runner/pkg/steps"
)

// The documented exit codes of the runner.
const (
	ExitPassed    = 0
	ExitGate      = 1
	ExitUsage     = 2
	ExitPlatform  = 3
	ExitTimeout   = 4
	ExitAPI       = 5
	ExitCancelled = 130
)

// PerfTestVerdict maps a perftest outcome and the flow's error to the documented exit code and
// result word (passed, failed, started, error, timeout, cancelled). wait is the wait setting.
func PerfTestVerdict(o *steps.Outcome, err error, wait bool) (int, string) {
	switch {
	case (o != nil && o.Cancelled) || errors.Is(err, context.Canceled):
		return ExitCancelled, "cancelled"
	case steps.IsSettings(err):
		return ExitUsage, "error"
	case errors.Is(err, steps.ErrTimeout):
		return ExitTimeout, "timeout"
	case err != nil || o == nil:
		return ExitAPI, "error"
	case !wait && o.RunID > 0 && len(o.Results) == 0:
		return ExitPassed, "started"
	case o.Invalid != nil: // stopped by someone else, implausible report: gates shown, no pass
		return ExitPlatform, "error"
	case o.AbortedBy != nil:
		return ExitGate, "failed"
	case o.Status == cpts.StatusAborted:
		return ExitPlatform, "error"
	case gates.NoData(o.Run):
		return ExitPlatform, "error"
	case !gates.Passed(o.Results):
		return ExitGate, "failed"
	}
	return ExitPassed, "passed"
}

// WorkflowVerdict maps a drill's outcome to the exit code and result word: 0 the drill
// succeeded, 1 it failed, 2 bad settings, 4 timeout, 5 API failure, 130 cancelled.
func WorkflowVerdict(o *steps.WorkflowOutcome, err error) (int, string) {
	switch {
	case (o != nil && o.Cancelled) || errors.Is(err, context.Canceled):
		return ExitCancelled, "cancelled"
	case steps.IsSettings(err):
		return ExitUsage, "error"
	case errors.Is(err, steps.ErrTimeout):
		return ExitTimeout, "timeout"
	case err != nil || o == nil:
		return ExitAPI, "error"
	case o.Verdict == steps.VerdictFailed:
		return ExitGate, "failed"
	}
	return ExitPassed, "passed"
}

// TestPlanVerdict maps the outcome of `runner testplan` to the exit code and result word: a
// case the plan refused or did not confirm fails the step.
func TestPlanVerdict(o *steps.TestPlanOutcome, err error) (int, string) {
	switch {
	case errors.Is(err, context.Canceled):
		return ExitCancelled, "cancelled"
	case steps.IsSettings(err):
		return ExitUsage, "error"
	case err != nil:
		return ExitAPI, "error"
	case len(o.Failed) > 0 || len(o.Unconfirmed) > 0:
		return ExitGate, "failed"
	}
	return ExitPassed, "passed"
}

// TaskModelVerdict maps the outcome of `runner taskmodel` to the exit code and result word. The
// call starts the templates and returns: "started", as a perftest run with wait=false.
func TaskModelVerdict(o *steps.TaskModelOutcome, err error) (int, string) {
	switch {
	case errors.Is(err, context.Canceled):
		return ExitCancelled, "cancelled"
	case err != nil:
		return ExitAPI, "error"
	case o.Failure != nil:
		return ExitGate, "failed"
	}
	return ExitPassed, "started"
}

// exitSeverity orders the exit codes of several task runs, worst last: the step exits with the
// worst. A cancellation outranks everything, then bad settings, an API failure, a timeout, a
// run that failed on the platform, a lost gate, a pass.
var exitSeverity = []int{ExitPassed, ExitGate, ExitPlatform, ExitTimeout, ExitAPI, ExitUsage, ExitCancelled}

// Worse returns the worse of two exit codes by their severity.
func Worse(a, b int) int {
	rank := func(c int) int {
		for i, x := range exitSeverity {
			if x == c {
				return i
			}
		}
		return len(exitSeverity)
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}
