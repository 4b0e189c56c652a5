package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/cloudtest"
	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/config"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
	"github.com/codearts-runner/codearts-runner/pkg/report"
	"github.com/codearts-runner/codearts-runner/pkg/steps"
)

// perftest runs `runner perftest`.
func (a *app) perftest(ctx context.Context, args []string) int {
	s, help, code := a.load(config.PerfTest, args)
	if s == nil || help {
		return code
	}
	scale := s.Scale(s.Simulate)
	if s.Simulate {
		stop, err := a.startSimulator(s, config.PerfTest, scale)
		if err != nil {
			fmt.Fprintf(a.errw, "runner perftest: %v\n", err)
			return ExitAPI
		}
		defer stop()
	}
	gs, file, problems := a.loadGates(s)
	if err := s.Validate(config.PerfTest); err != nil {
		var ue *config.UsageError
		if errors.As(err, &ue) {
			problems = append(ue.Problems, problems...)
		}
	}
	if len(problems) > 0 {
		fmt.Fprintf(a.errw, "runner perftest: %v\n", &config.UsageError{Problems: problems})
		return ExitUsage
	}
	if s.RunTag == "" {
		s.RunTag = a.ci.RunID
	}
	if code, err := a.setupAuth(ctx, s, config.PerfTest); err != nil {
		fmt.Fprintf(a.errw, "runner perftest: %v\n", err)
		return code
	}
	in := a.perftestInput(s, gs, file, scale)
	client, err := a.cptsClient(s)
	if err != nil {
		fmt.Fprintf(a.errw, "runner perftest: %v\n", err)
		return ExitUsage
	}
	flow := &steps.PerfTest{CPTS: client, Log: a.out, Now: a.env.Now, Poll: pollPolicy(s, scale)}
	if len(s.TaskList()) > 1 { // issue 15: several tasks in one step
		return a.perftestMany(ctx, s, in, flow)
	}
	// In GitHub the progress lines fold into a group; the summary stays outside it.
	a.gh.Group(fmt.Sprintf("codearts-runner perftest: task %s", s.Task))
	// Signals stay caught until the stop of a cancelled run has been sent; after that a second
	// signal kills the process.
	flow.AfterStopSent = a.env.StopSignals
	o, runErr := flow.Run(ctx, in)
	if a.env.StopSignals != nil && ctx.Err() != nil {
		a.env.StopSignals()
	}
	if runErr == nil && s.PlanCaseMap != "" && o.HasRun() && len(o.Results) > 0 {
		a.recordInPlan(ctx, s, o)
	}
	a.gh.EndGroup()
	code, result := exitCode(o, runErr, in.Wait)
	if runErr == nil && o != nil && o.Invalid != nil {
		runErr = o.Invalid // shown as the result's error
	}
	return a.finish(s, o, runErr, code, result)
}

// finish writes every output of a perftest run and returns the exit code.
func (a *app) finish(s *config.Settings, o *steps.Outcome, runErr error, code int, result string) int {
	r := report.Build(o, report.Meta{Version: a.env.Version, Mode: string(config.PerfTest), Region: s.Region,
		Settings: s.Public(config.PerfTest), ExitCode: code, Result: result, Err: runErr, Now: a.env.Now()})
	if o.HasRun() {
		a.publish(s, r)
		r.WriteSummary(a.out)
		if o.StopFailed {
			fmt.Fprintf(a.errw, "runner: warning: run %d may still be running on the platform: the stop request failed; stop it in the CodeArts console\n", o.RunID)
		}
	} else if runErr != nil {
		fmt.Fprintf(a.errw, "runner perftest: %v\n", runErr)
	}
	return code
}

// publish writes every output of a run: JUnit, the result file, the HTML report, the dotenv
// file, the CodeArts step files and the GitHub outputs, summary and annotations. A failure is
// reported but never changes the exit code.
func (a *app) publish(s *config.Settings, r *report.Result) {
	r.Redact(a.red.apply)
	write := func(what, path string, f func(string) error) {
		if outPath(path) == "" {
			return
		}
		if err := f(path); err != nil {
			fmt.Fprintf(a.errw, "runner: could not write the %s: %v\n", what, err)
		} else if what == "JUnit file (junit-file)" {
			fmt.Fprintf(a.out, "JUnit written to %s\n", path)
		}
	}
	write("JUnit file (junit-file)", s.JUnitFile, r.WriteJUnit)
	write("result file (result-file)", s.ResultFile, r.WriteJSON)
	if r.Mode == string(config.PerfTest) {
		write("HTML report (html-report)", s.HTMLReport, r.WriteHTML)
	}
	write("dotenv file (dotenv-file)", s.DotenvFile, r.WriteDotenv)
	if a.ci.CodeArts {
		dir := a.ci.CodeArtsResultDir
		if dir == "" {
			dir = "."
		}
		write("CodeArts step files", dir, func(dir string) error { return r.WriteCodeArts(dir, a.ci.CodeArtsStepID) })
	}
	r.PublishGitHub(a.gh, s.Secrets(), outPath(s.JUnitFile), outPath(s.ResultFile))
	if err := a.gh.Err(); err != nil {
		fmt.Fprintf(a.errw, "runner: GitHub outputs: %v\n", err)
	}
}

// outPath is the path an output is written to, "" when it is not written (unset or none).
func outPath(p string) string {
	if p == "none" {
		return ""
	}
	return p
}

// exitCode maps the outcome to the documented exit code and result word.
func exitCode(o *steps.Outcome, err error, wait bool) (int, string) {
	switch {
	case (o != nil && o.Cancelled) || errors.Is(err, context.Canceled):
		return ExitCancelled, "cancelled"
	case steps.IsSettings(err):
		return ExitUsage, "error"
	case errors.Is(err, steps.ErrTimeout):
		return ExitTimeout, "timeout"
	case err != nil:
		return ExitAPI, "error"
	case o == nil:
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

// loadGates parses the inline gates and the gates file; problems are returned, not printed.
func (a *app) loadGates(s *config.Settings) ([]gates.Gate, *gates.File, []string) {
	var out []gates.Gate
	var problems []string
	var file *gates.File
	if s.GatesFile != "" {
		data, err := os.ReadFile(s.GatesFile)
		if err != nil {
			problems = append(problems, fmt.Sprintf("gates-file %q cannot be read: %v", s.GatesFile, err))
		} else if f, err := gates.ParseFile(data); err != nil {
			problems = append(problems, sourced(err, "gates-file "+s.GatesFile).Error())
		} else {
			file = f
			out = append(out, f.Gates...)
		}
	}
	if s.Gates != "" {
		g, err := gates.Parse(s.Gates)
		if err != nil {
			problems = append(problems, sourced(err, "gates").Error())
		}
		out = append(out, g...)
	}
	return out, file, problems
}

// perftestInput turns validated settings into the flow's input. scale > 1 shrinks every wait
// to the simulator's clock.
func (a *app) perftestInput(s *config.Settings, gs []gates.Gate, file *gates.File, scale float64) steps.PerfTestInput {
	group, _ := s.ResourceGroupID()
	vars, _ := s.VariableList()
	mode, runID, _ := s.BaselineRun()
	required := s.BaselineRequire
	if file != nil {
		if file.Baseline != "" && s.Baseline == "previous" {
			mode, runID = file.Baseline, file.BaselineRunID
		}
		required = required || file.BaselineRequired
	}
	in := steps.PerfTestInput{
		Suite: s.TestSuite, Task: s.Task, Cases: s.CaseList(),
		Cluster:          cpts.Cluster{Shared: group == 0, ID: group},
		RestoreVariables: s.RestoreVars, Gates: gs,
		Eval:     gates.EvalOptions{BaselineRequired: required},
		Baseline: mode, BaselineRunID: runID, Trend: s.Trend,
		Timeout:        time.Duration(float64(s.Timeout) / scale),
		LeaveOnTimeout: s.OnTimeout == "leave", Wait: s.Wait, RunID: s.RunID, RunTag: s.RunTag,
	}
	for _, v := range vars {
		in.Variables = append(in.Variables, steps.Variable{Name: v.Name, Value: v.Value})
	}
	return in
}

// pollPolicy shapes the wait from the poll-interval setting; scale > 1 shrinks it to the
// simulator's clock.
func pollPolicy(s *config.Settings, scale float64) steps.PollPolicy {
	scale = max(scale, 1)
	sc := func(d time.Duration) time.Duration { return max(time.Duration(float64(d)/scale), 5*time.Millisecond) }
	return steps.PollPolicy{Min: sc(s.PollInterval), Max: sc(10 * s.PollInterval), Progress: sc(30 * time.Second),
		Reconcile: sc(30 * time.Second), AbortEvery: sc(5 * time.Second), TimeScale: scale, CallsPerMinute: s.CallsPerMinute}
}

// cptsClient builds the CPTS client with the chosen authentication.
func (a *app) cptsClient(s *config.Settings) (*cpts.Client, error) {
	c, err := a.apiClient(s, s.Endpoint())
	if err != nil {
		return nil, fmt.Errorf("cpts client: %w", err)
	}
	return cpts.New(c, s.ProjectID), nil
}

// apiClient builds the wire client of one endpoint with the authentication setupAuth built.
func (a *app) apiClient(s *config.Settings, endpoint string) (*api.Client, error) {
	if a.tr == nil {
		return nil, fmt.Errorf("no authentication: settings not prepared")
	}
	return a.newClient(s, endpoint, a.tr)
}

// recordInPlan writes the gate outcomes of plan-case-map to the plan; failures are reported and
// kept in the outcome, never turned into a different exit code.
func (a *app) recordInPlan(ctx context.Context, s *config.Settings, o *steps.Outcome) {
	c, err := a.apiClient(s, s.TestPlanEndpoint())
	if err != nil {
		fmt.Fprintf(a.errw, "runner: could not record the outcomes in the plan: %v\n", err)
		return
	}
	mapping, _ := s.CaseMap()
	rec := &steps.PlanRecorder{Client: cloudtest.New(c, s.CodeArtsProject), Plan: s.Plan, ServiceID: s.ServiceID}
	for _, m := range mapping {
		rec.Mappings = append(rec.Mappings, steps.PlanMapping{Name: m.Name, CaseID: m.Value})
	}
	o.PlanRecords = rec.Record(context.WithoutCancel(ctx), o)
	for _, r := range o.PlanRecords {
		if r.Err != nil {
			fmt.Fprintf(a.errw, "runner: warning: %q was not recorded in TestPlan case %s (the gate verdict is unchanged): %v\n", r.Name, r.CaseID, r.Err)
		} else {
			fmt.Fprintf(a.out, "recorded %q as %s in TestPlan case %s\n", r.Name, r.Verdict, r.CaseID)
		}
	}
}

// sourced names the setting a gates parse error came from.
func sourced(err error, source string) error {
	var pe *gates.ParseError
	if errors.As(err, &pe) {
		pe.Source = source
		return pe
	}
	return fmt.Errorf("%s: %w", source, err)
}
