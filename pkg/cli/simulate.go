package cli

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/codearts-runner/codearts-runner/internal/sim"
	"github.com/codearts-runner/codearts-runner/pkg/config"
)

// DemoGates are the gates of `runner perftest --simulate` when none are given.
const DemoGates = `# demo gates: absolute limits, a scoped gate, a warning and a regression check
p95 <= 800ms
case "checkout": p99 <= 1.2s
success_rate >= 99%
requests >= 1000
warn: avg_rt <= 150ms
avg_rt <= baseline + 20%`

// demoHistory is the number of extra earlier runs of the demo task in the --simulate demo.
const demoHistory = 4

// startSimulator starts the in-process simulator and fills every setting the user left empty
// so that `runner perftest --simulate` alone is a complete demo. The IAM project id is never
// preset: the demo looks it up in the simulator's IAM as a real run without project-id does.
func (a *app) startSimulator(s *config.Settings, mode config.Mode, scale float64) (func(), error) {
	// The demo task has a run history, so that the demo shows a trend (issue 15).
	srv := sim.New(sim.Options{Scale: scale, Logger: a.logger(s), History: demoHistory})
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start the simulator: %w", err)
	}
	fmt.Fprintf(a.out, "simulator listening on %s (clock x%g)\n", url, scale)
	if s.CPTSEndpoint == "" {
		s.CPTSEndpoint = url
	}
	if s.IAMEndpoint == "" {
		s.IAMEndpoint = url
	}
	switch {
	case mode == config.TaskModel && s.Token == "" && s.Username == "":
		// The task template service takes an IAM token only: the demo logs in with a password.
		s.Username, s.Password, s.Domain = sim.DemoUser, sim.DemoPassword, sim.DemoDomain
	case mode == config.TaskModel:
	default:
		if _, err := s.AuthMethod(); err != nil || (s.AK == "" && s.Token == "" && s.Username == "") {
			s.AK, s.SK = sim.DemoAK, sim.DemoSK
		}
	}
	if s.TestSuite == "" {
		s.TestSuite = sim.DemoSuiteName
	}
	if s.Task == "" {
		s.Task = sim.DemoTaskName
	}
	if strings.TrimSpace(s.Gates) == "" && s.GatesFile == "" {
		s.Gates = DemoGates
	}
	// TestPlan and task templates: the seeded plan, a few cases (the first ten are in it
	// already) and the templates that execute.
	for _, ep := range []*string{&s.TestPlanEP, &s.AttaskEP, &s.MASEndpoint} {
		if *ep == "" {
			*ep = url
		}
	}
	if s.CodeArtsProject == "" {
		s.CodeArtsProject = sim.DemoCodeArtsProjectID
	}
	if s.Plan == "" {
		s.Plan = sim.DemoPlanName
	}
	if s.ServiceID == 0 {
		s.ServiceID = sim.DemoServiceID
	}
	if s.CaseIDs == "" {
		s.CaseIDs = strings.Join(srv.DemoCaseIDs(12), ",")
	}
	if s.Workflow == "" {
		s.Workflow = sim.DemoWorkflowName
	}
	if s.TaskIDs == "" {
		s.TaskIDs = strings.Join(sim.DemoTemplateIDs(), ",")
	}
	a.addSecrets(s.Secrets()...)
	return func() { _ = srv.Close() }, nil
}

// simulate runs `runner simulate`: the simulator on --addr until interrupted.
func (a *app) simulate(ctx context.Context, args []string) int {
	s, help, code := a.load(config.Simulate, args)
	if s == nil || help {
		return code
	}
	if err := s.Validate(config.Simulate); err != nil {
		fmt.Fprintf(a.errw, "runner simulate: %v\n", err)
		return ExitUsage
	}
	scale := s.Scale(true)
	srv := sim.New(sim.Options{Scale: scale, Logger: a.logger(s)})
	url, err := srv.Start(s.Addr)
	if err != nil {
		fmt.Fprintf(a.errw, "runner simulate: listen on %s: %v\n", s.Addr, err)
		return ExitUsage
	}
	fmt.Fprintf(a.out, "simulator listening on %s (clock x%g; pass --sim-scale=%g to the runner)\n", url, scale, scale)
	// The demo credentials are public constants of the simulator, not anybody's secret.
	fmt.Fprintf(a.out, "demo credentials: ak=%s sk=%s project-id=%s; password auth: username=%s password=%s domain=%s\n",
		sim.DemoAK, sim.DemoSK, sim.DemoProjectID, sim.DemoUser, sim.DemoPassword, sim.DemoDomain)
	fmt.Fprintf(a.out, "try:\n  CODEARTS_AK=%s CODEARTS_SK=%s runner perftest --cpts-endpoint=%s --iam-endpoint=%s --sim-scale=%g --test-suite=%q --task=%q --gates='p95 <= 800ms'\n",
		sim.DemoAK, sim.DemoSK, url, url, scale, sim.DemoSuiteName, sim.DemoTaskName)
	fmt.Fprintf(a.out, "  CODEARTS_AK=%s CODEARTS_SK=%s runner workflow --mas-endpoint=%s --sim-scale=%g --workflow=%q\n",
		sim.DemoAK, sim.DemoSK, url, scale, sim.DemoWorkflowName)
	<-ctx.Done()
	_ = srv.Close()
	fmt.Fprintln(a.out, "simulator stopped")
	return ExitPassed
}

// logger is the debug logger: stderr through the redactor, silent unless --debug.
func (a *app) logger(s *config.Settings) *slog.Logger {
	level := slog.LevelInfo
	if s.Debug {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(a.errw, &slog.HandlerOptions{Level: level}))
}
