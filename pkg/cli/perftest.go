package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/cloudtest"
	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/ci"
	"github.com/codearts-runner/codearts-runner/pkg/config"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
	"github.com/codearts-runner/codearts-runner/pkg/outcome"
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
	def, defProblems := a.loadDefinition(s) // issue 14: the suite and the task come from the file
	userGates := s.Gates
	if s.Simulate {
		stop, err := a.startSimulator(s, config.PerfTest, scale)
		if err != nil {
			fmt.Fprintf(a.errw, "runner perftest: %v\n", err)
			return ExitAPI
		}
		defer stop()
		if def != nil && (len(def.Gates) > 0 || def.GatesNone) {
			s.Gates = userGates // the definition's gates replace the demo gates
		}
	}
	gs, file, problems, err := a.loadGates(ctx, s)
	if err != nil {
		fmt.Fprintf(a.errw, "runner perftest: %v\n", err)
		return ExitCancelled
	}
	problems = append(problems, defProblems...)
	if def != nil {
		gs = append(gs, def.Gates...)
	}
	if err := s.Validate(config.PerfTest); err != nil {
		var ue *config.UsageError
		if errors.As(err, &ue) {
			problems = append(ue.Problems, problems...)
		}
	}
	if def == nil || !def.GatesNone {
		problems = append(problems, noGatesProblem(s, gs, problems)...)
	}
	if len(problems) > 0 {
		ue := &config.UsageError{Problems: problems}
		fmt.Fprintf(a.errw, "runner perftest: %v\n", ue)
		a.publishUsageError(config.PerfTest, s, ue)
		return ExitUsage
	}
	if s.GatesNone() && s.Wait {
		fmt.Fprintln(a.out, "no gates (gates: none): the run is judged only on finishing with requests")
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
		fmt.Fprintf(a.errRec, "runner perftest: %v\n", err)
		a.publishUsageError(config.PerfTest, s, err)
		return ExitUsage
	}
	if def != nil { // issue 14: sync the definition, then run its task
		ap, code, done := a.syncDefinition(ctx, s, client, def)
		if done {
			return code
		}
		in.Suite, in.Task = strconv.FormatInt(ap.SuiteID, 10), strconv.FormatInt(ap.TaskID, 10)
		if s.Preflight {
			if code, done := a.preflight(ctx, s, client, def, ap, in.Cluster); done {
				return code
			}
		}
		if s.SyncOnly {
			return a.syncOnly(ap)
		}
	}
	flow := &steps.PerfTest{CPTS: client, Log: a.outRec, Now: a.env.Now, Poll: pollPolicy(s, scale)}
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
	code, result := outcome.PerfTestVerdict(o, runErr, in.Wait)
	if runErr == nil && o != nil && o.Invalid != nil {
		runErr = o.Invalid // shown as the result's error
	}
	return a.finish(s, o, runErr, code, result)
}

// finish writes every output of a perftest run and returns the exit code.
func (a *app) finish(s *config.Settings, o *steps.Outcome, runErr error, code int, result string) int {
	r := outcome.Build(o, a.meta(s, config.PerfTest, code, result, runErr))
	if o.HasRun() {
		a.publish(s, r)
		r.WriteSummary(a.out)
		if o.StopFailed {
			fmt.Fprintf(a.errw, "runner: warning: run %d may still be running on the platform: the stop request failed; stop it in the CodeArts console\n", o.RunID)
		}
	} else if runErr != nil {
		a.publishNoRun(s, r)
		fmt.Fprintf(a.errRec, "runner perftest: %v\n", runErr)
	}
	return code
}

// publish writes every output of a run: JUnit, the result file, the HTML report, the dotenv
// file, the CodeArts step files and the GitHub outputs, summary and annotations. A failure is
// reported but never changes the exit code.
func (a *app) publish(s *config.Settings, r *report.Result) {
	r.Redact(a.red)
	a.writeOutput("JUnit file (junit-file)", s.JUnitFile, r.WriteJUnit)
	a.writeOutput("result file (result-file)", s.ResultFile, r.WriteJSON)
	if r.Mode == string(config.PerfTest) {
		a.writeOutput("HTML report (html-report)", s.HTMLReport, r.WriteHTML)
	}
	a.writeOutput("dotenv file (dotenv-file)", s.DotenvFile, func(path string) error { return ci.WriteDotenv(r, path) })
	if a.ci.CodeArts {
		dir := a.ci.CodeArtsResultDir
		if dir == "" {
			dir = "."
		}
		step := a.ci.CodeArtsStepID
		paths := filepath.Join(dir, step+"_result.json") + " and " + filepath.Join(dir, step+"_metrics.json")
		a.writeOutput("CodeArts step files", paths, func(string) error { return ci.WriteCodeArts(r, dir, step) })
	}
	ci.PublishGitHub(r, a.gh, s.Secrets(), outPath(s.JUnitFile), outPath(s.ResultFile))
	if err := a.gh.Err(); err != nil {
		fmt.Fprintf(a.errRec, "runner: GitHub outputs: %v\n", err)
	}
}

// writeOutput writes one output file with f and says where it went, or why it did not; it
// reports whether the file was written.
func (a *app) writeOutput(what, path string, f func(string) error) bool {
	if outPath(path) == "" {
		return false
	}
	if err := f(path); err != nil {
		fmt.Fprintf(a.errRec, "runner: could not write the %s: %v%s\n", what, err, permissionHint(err, what))
		return false
	}
	fmt.Fprintf(a.outRec, "%s written to %s\n", what, path)
	return true
}

// permissionHint says how to fix an output that could not be written for lack of permission:
// most often the container image (uid 10001) writing into a workspace mounted from the host.
// what names the output and, in parentheses, its setting.
func permissionHint(err error, what string) string {
	if !errors.Is(err, fs.ErrPermission) {
		return ""
	}
	hint := fmt.Sprintf("\n  the runner runs as uid %d, which may not write there. In a container (the image runs as uid 10001), "+
		"run it as the owner of the mounted directory: docker run --user \"$(id -u):$(id -g)\" -v \"$PWD:/work\" …", os.Getuid())
	if _, rest, ok := strings.Cut(what, "("); ok {
		flag := strings.TrimSuffix(rest, ")")
		hint += fmt.Sprintf("; or give --%s a writable path", flag)
	}
	return hint
}

// publishUsageError writes the result file and the dotenv file of a command refused for its
// settings (exit 2, nothing started), so that a later job reads result=error instead of
// finding nothing. s holds the settings as far as they could be read.
func (a *app) publishUsageError(mode config.Mode, s *config.Settings, err error) {
	if s == nil || (mode != config.PerfTest && mode != config.TestPlan && mode != config.TaskModel && mode != config.Workflow) {
		return
	}
	a.publishNoRun(s, outcome.Build(nil, a.meta(s, mode, ExitUsage, "error", err)))
}

// publishNoRun writes the result file, the dotenv file and the GitHub outputs (result=error)
// of a command that ended before it had a run (no JUnit: there is nothing to report per test).
func (a *app) publishNoRun(s *config.Settings, r *report.Result) {
	r.Redact(a.red)
	resultPath := ""
	if a.writeOutput("result file (result-file)", s.ResultFile, r.WriteJSON) {
		resultPath = s.ResultFile
	}
	a.writeOutput("dotenv file (dotenv-file)", s.DotenvFile, func(path string) error { return ci.WriteDotenv(r, path) })
	ci.PublishGitHub(r, a.gh, s.Secrets(), "", resultPath)
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

// gateParser parses every gate the CLI reads (inline, gates file; the definition's gates:
// list goes through definition's own parser with the same fields): a CPTS report field
// written for a metric is refused with the metric meant.
var gateParser = gates.Parser{Fields: cpts.GateFields()}

// loadGates parses the inline gates and the gates file (at most config.MaxGatesBytes, read so
// that ctx can interrupt it); problems are returned, not printed. The error is ctx's, when it
// ended during the read.
func (a *app) loadGates(ctx context.Context, s *config.Settings) ([]gates.Gate, *gates.File, []string, error) {
	var out []gates.Gate
	var problems []string
	var file *gates.File
	if s.GatesFile != "" {
		data, err := readInput(ctx, s.GatesFile, config.MaxGatesBytes)
		switch {
		case ctx.Err() != nil:
			return nil, nil, nil, fmt.Errorf("cancelled while reading gates-file %q: %w", s.GatesFile, ctx.Err())
		case errors.Is(err, errTooLarge):
			problems = append(problems, fmt.Sprintf("gates-file %q holds more than %d bytes (1 MiB): a gates file is read up to that size", s.GatesFile, config.MaxGatesBytes))
		case err != nil:
			problems = append(problems, fmt.Sprintf("gates-file %q cannot be read: %v", s.GatesFile, err))
		default:
			if f, err := gateParser.ParseFile(data); err != nil {
				problems = append(problems, sourced(err, "gates-file "+s.GatesFile).Error())
			} else {
				file = f
				out = append(out, f.Gates...)
			}
		}
	}
	if s.Gates != "" && !s.GatesNone() && len(s.Gates) <= config.MaxGatesBytes {
		g, err := gateParser.Parse(s.Gates)
		if err != nil {
			problems = append(problems, sourced(err, "gates").Error())
		}
		out = append(out, g...)
	}
	return out, file, problems, nil
}

// noGatesProblem refuses a perftest that would evaluate no gate (nothing given, or comments
// only) unless gates says none: a run without gates would pass whatever its figures. A start
// without waiting (wait=false), or a definition applied (sync-only) or planned (dry-run) without
// a run, judges nothing and needs none. Nothing is added when the gates
// already have problems.
func noGatesProblem(s *config.Settings, gs []gates.Gate, problems []string) []string {
	if len(gs) > 0 || s.GatesNone() || !s.Wait || s.SyncOnly || s.DryRun || len(problems) > 0 {
		return nil
	}
	return []string{"no gates: a run without gates would pass whatever its figures; give gates or gates-file " +
		"(CODEARTS_GATES / CODEARTS_GATES_FILE), or gates: none to judge the run only on finishing with requests"}
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
		fmt.Fprintf(a.errRec, "runner: could not record the outcomes in the plan: %v\n", err)
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
			fmt.Fprintf(a.errRec, "runner: warning: %q was not recorded in TestPlan case %s (the gate verdict is unchanged): %v\n", r.Name, r.CaseID, r.Err)
		} else {
			fmt.Fprintf(a.outRec, "recorded %q as %s in TestPlan case %s\n", r.Name, r.Verdict, r.CaseID)
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
