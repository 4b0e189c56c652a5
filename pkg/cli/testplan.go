package cli

import (
	"context"
	"fmt"

	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/cloudtest"
	"github.com/codearts-runner/codearts-runner/pkg/config"
	"github.com/codearts-runner/codearts-runner/pkg/outcome"
	"github.com/codearts-runner/codearts-runner/pkg/report"
	"github.com/codearts-runner/codearts-runner/pkg/steps"
)

// prepare loads and validates the settings of a TestPlan mode, starting the simulator when
// asked, and builds the wire client of the endpoint. It returns nil settings when the command
// is over (help, usage error) with its code.
func (a *app) prepare(ctx context.Context, mode config.Mode, args []string, endpoint func(*config.Settings) string) (*config.Settings, *api.Client, func(), int) {
	s, help, code := a.load(mode, args)
	if s == nil || help {
		return nil, nil, nil, code
	}
	stop := func() {}
	if s.Simulate {
		var err error
		if stop, err = a.startSimulator(s, mode, s.Scale(true)); err != nil {
			fmt.Fprintf(a.errw, "runner %s: %v\n", mode, err)
			return nil, nil, nil, ExitAPI
		}
	}
	if err := s.Validate(mode); err != nil {
		stop()
		fmt.Fprintf(a.errw, "runner %s: %v\n", mode, err)
		a.publishUsageError(mode, s, err)
		return nil, nil, nil, ExitUsage
	}
	if code, err := a.setupAuth(ctx, s, mode); err != nil {
		stop()
		fmt.Fprintf(a.errw, "runner %s: %v\n", mode, err)
		return nil, nil, nil, code
	}
	c, err := a.apiClient(s, endpoint(s))
	if err != nil {
		stop()
		fmt.Fprintf(a.errw, "runner %s: %v\n", mode, err)
		a.publishUsageError(mode, s, err)
		return nil, nil, nil, ExitUsage
	}
	return s, c, stop, 0
}

// testplan runs `runner testplan`: add cases to a plan found by id or name (or created).
func (a *app) testplan(ctx context.Context, args []string) int {
	s, c, stop, code := a.prepare(ctx, config.TestPlan, args, (*config.Settings).TestPlanEndpoint)
	if s == nil {
		return code
	}
	defer stop()
	start, end, _ := s.PlanDates(a.env.Now())
	services, _ := s.ServiceIDList()
	flow := &steps.TestPlan{Client: cloudtest.New(c, s.CodeArtsProject), Log: a.outRec}
	o, runErr := flow.Run(ctx, steps.TestPlanInput{Plan: s.Plan, Create: s.CreatePlan, Start: start, End: end,
		ServiceIDs: services, Assignee: s.Assignee, ServiceID: s.ServiceID, CaseIDs: s.CaseIDList()})
	code, result := outcome.TestPlanVerdict(o, runErr)
	r := outcome.BuildTestPlan(o, a.meta(s, config.TestPlan, code, result, runErr))
	return a.finishChecks(s, r, o != nil && o.PlanID != "", runErr)
}

// taskmodel runs `runner taskmodel`: execute task templates.
func (a *app) taskmodel(ctx context.Context, args []string) int {
	s, c, stop, code := a.prepare(ctx, config.TaskModel, args, func(s *config.Settings) string { return s.AttaskEP })
	if s == nil {
		return code
	}
	defer stop()
	flow := &steps.TaskModel{Attask: cloudtest.NewAttask(c), Log: a.outRec}
	o, runErr := flow.Run(ctx, cloudtest.ExecuteRequest{TaskIDs: s.TaskIDList(), SutName: s.SutName, SutBranch: s.SutBranch,
		UserName: s.UserName, TestServiceID: s.TestServiceID, IP: s.IP, Port: s.Port})
	code, result := outcome.TaskModelVerdict(o, runErr)
	r := outcome.BuildTaskModel(o, a.meta(s, config.TaskModel, code, result, runErr))
	return a.finishChecks(s, r, runErr == nil, runErr)
}

// meta is the report metadata of a run.
func (a *app) meta(s *config.Settings, mode config.Mode, code int, result string, err error) report.Meta {
	return report.Meta{Version: a.env.Version, Mode: string(mode), Region: s.Region, Settings: s.Public(mode),
		ExitCode: code, Result: result, Err: err, Now: a.env.Now()}
}

// finishChecks writes the outputs of a testplan or taskmodel run and prints its summary.
func (a *app) finishChecks(s *config.Settings, r *report.Result, wrote bool, runErr error) int {
	if wrote {
		a.publish(s, r)
	} else {
		a.publishNoRun(s, r)
	}
	r.WriteSummary(a.out)
	if runErr != nil {
		fmt.Fprintf(a.errRec, "runner %s: %v\n", r.Mode, runErr)
	}
	return r.ExitCode
}
