package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api/mas"
	"github.com/codearts-runner/codearts-runner/pkg/config"
	"github.com/codearts-runner/codearts-runner/pkg/outcome"
	"github.com/codearts-runner/codearts-runner/pkg/steps"
)

// workflow runs `runner workflow`: a MAS workflow (a switchover or recovery drill) as a
// pipeline step.
func (a *app) workflow(ctx context.Context, args []string) int {
	s, help, code := a.load(config.Workflow, args)
	if s == nil || help {
		return code
	}
	scale := s.Scale(s.Simulate)
	if s.Simulate {
		stop, err := a.startSimulator(s, config.Workflow, scale)
		if err != nil {
			fmt.Fprintf(a.errw, "runner workflow: %v\n", err)
			return ExitAPI
		}
		defer stop()
	}
	if err := s.Validate(config.Workflow); err != nil {
		fmt.Fprintf(a.errw, "runner workflow: %v\n", err)
		return ExitUsage
	}
	statuses, err := steps.NewStatusMapping(config.StatusList(s.WFSuccess), config.StatusList(s.WFFailure), config.StatusList(s.WFWaiting))
	if err != nil {
		fmt.Fprintf(a.errw, "runner workflow: invalid settings: %v\n", err)
		return ExitUsage
	}
	if code, err := a.setupAuth(ctx, s, config.Workflow); err != nil {
		fmt.Fprintf(a.errw, "runner workflow: %v\n", err)
		return code
	}
	c, err := a.apiClient(s, s.MAS())
	if err != nil {
		fmt.Fprintf(a.errw, "runner workflow: %v\n", err)
		return ExitUsage
	}
	flow := &steps.Workflow{MAS: mas.New(c), Log: a.outRec, Now: a.env.Now, Poll: pollPolicy(s, scale), AfterStopSent: a.env.StopSignals}
	in := steps.WorkflowInput{Workflow: s.Workflow, Timeout: time.Duration(float64(s.Timeout) / scale),
		LeaveOnTimeout: s.OnTimeout == "leave", Checkpoint: s.WFCheckpoint, Statuses: statuses}
	a.gh.Group("codearts-runner workflow: " + s.Workflow)
	o, runErr := flow.Run(ctx, in)
	if a.env.StopSignals != nil && ctx.Err() != nil {
		a.env.StopSignals()
	}
	a.gh.EndGroup()
	code, result := outcome.WorkflowVerdict(o, runErr)
	r := outcome.BuildWorkflow(o, a.meta(s, config.Workflow, code, result, runErr))
	if o.HasJob() {
		a.publish(s, r)
		r.WriteSummary(a.out)
		if o.StopFailed {
			fmt.Fprintf(a.errw, "runner: warning: job %s may still be running: the stop request failed; stop it in the MAS console\n", o.Job)
		}
	}
	if runErr != nil {
		fmt.Fprintf(a.errRec, "runner workflow: %v\n", runErr)
	}
	return code
}
