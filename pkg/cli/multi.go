package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/codearts-runner/codearts-runner/pkg/config"
	"github.com/codearts-runner/codearts-runner/pkg/outcome"
	"github.com/codearts-runner/codearts-runner/pkg/report"
	"github.com/codearts-runner/codearts-runner/pkg/steps"
)

// perftestMany runs the tasks of a task list in one step (steps.RunMany) and writes one set of
// outputs with a section per task run.
func (a *app) perftestMany(ctx context.Context, s *config.Settings, in steps.PerfTestInput, flow *steps.PerfTest) int {
	var refs []steps.TaskRef
	var names []string
	for _, t := range s.TaskList() {
		refs = append(refs, steps.TaskRef{Suite: t.Suite, Task: t.Task})
		names = append(names, t.Raw)
	}
	a.gh.Group(fmt.Sprintf("codearts-runner perftest: tasks %s", strings.Join(names, ", ")))
	flow.AfterStopSent = a.env.StopSignals
	runs, runErr := flow.RunMany(ctx, in, refs)
	if a.env.StopSignals != nil && ctx.Err() != nil {
		a.env.StopSignals()
	}
	a.gh.EndGroup()
	code, result := ExitPassed, "passed"
	if runErr != nil {
		code, result = outcome.PerfTestVerdict(nil, runErr, in.Wait)
		if ctx.Err() != nil || errors.Is(runErr, context.Canceled) {
			code, result = ExitCancelled, "cancelled"
		}
	}
	var parts []*report.Result
	meta := report.Meta{Version: a.env.Version, Mode: string(config.PerfTest), Region: s.Region, Settings: s.Public(config.PerfTest), Now: a.env.Now()}
	for _, r := range runs {
		if !r.Outcome.HasRun() {
			continue
		}
		c, res := outcome.PerfTestVerdict(r.Outcome, r.Err, in.Wait)
		err := r.Err
		if err == nil && r.Outcome.Invalid != nil {
			err = r.Outcome.Invalid
		}
		m := meta
		m.ExitCode, m.Result, m.Err = c, res, err
		parts = append(parts, outcome.Build(r.Outcome, m))
		if (runErr == nil && len(parts) == 1) || outcome.Worse(code, c) != code {
			code, result = c, res
		}
	}
	if len(parts) == 0 {
		fmt.Fprintf(a.errRec, "runner perftest: %v\n", runErr)
		return code
	}
	meta.ExitCode, meta.Result, meta.Err = code, result, runErr
	r := report.Combine(parts, meta)
	a.publish(s, r)
	r.WriteSummary(a.out)
	for _, run := range runs {
		if run.Outcome.StopFailed {
			fmt.Fprintf(a.errw, "runner: warning: run %d may still be running on the platform: the stop request failed; stop it in the CodeArts console\n", run.Outcome.RunID)
		}
	}
	return code
}
