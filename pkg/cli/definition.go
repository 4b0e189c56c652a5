package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/config"
	"github.com/codearts-runner/codearts-runner/pkg/definition"
	"github.com/codearts-runner/codearts-runner/pkg/report"
)

// Performance tests as code (issue 14): the definition setting of perftest and
// `runner definition check|export`.

// readDefinition parses a definition file with the runner's environment for ${VAR}.
func (a *app) readDefinition(path, profile string) (*definition.Definition, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("definition %q cannot be read: %w", path, err)
	}
	return definition.Parse(path, data, definition.Options{Env: a.environ, Profile: profile})
}

// loadDefinition reads the definition setting: the suite and the task come from the file,
// so test-suite and task must be unset. Problems are usage errors (exit 2).
func (a *app) loadDefinition(s *config.Settings) (*definition.Definition, []string) {
	if s.Definition == "" {
		return nil, nil
	}
	d, err := a.readDefinition(s.Definition, s.Profile)
	if err != nil {
		return nil, []string{err.Error()}
	}
	if s.TestSuite != "" || s.Task != "" {
		return nil, []string{fmt.Sprintf("definition %s names the suite and the task: leave test-suite and task unset", s.Definition)}
	}
	s.TestSuite, s.Task = d.Suite.Name, d.Task.Name
	return d, nil
}

// syncDefinition prints the plan and applies it. done=true means the step ends with code
// (dry-run, an error).
func (a *app) syncDefinition(ctx context.Context, s *config.Settings, c *cpts.Client, d *definition.Definition) (ap *definition.Applied, code int, done bool) {
	p, err := definition.MakePlan(ctx, c, d)
	if err != nil {
		fmt.Fprintf(a.errRec, "runner perftest: definition %s: %v\n", s.Definition, err)
		return nil, apiExit(err), true
	}
	profile := ""
	if d.Profile != "" {
		profile = fmt.Sprintf(" (profile %s)", d.Profile)
	}
	fmt.Fprintf(a.out, "definition %s%s: suite %q, task %q\n", s.Definition, profile, d.Suite.Name, d.Task.Name)
	p.Write(a.out)
	if s.DryRun {
		fmt.Fprintln(a.out, "dry-run: nothing written, nothing started")
		return nil, ExitPassed, true
	}
	ap, err = definition.Apply(ctx, c, p)
	if err != nil {
		fmt.Fprintf(a.errRec, "runner perftest: definition %s: %v\n", s.Definition, err)
		return nil, apiExit(err), true
	}
	return ap, 0, false
}

// preflight debugs every case once; a failing request ends the step with exit 3 and a JUnit
// testcase per request.
func (a *app) preflight(ctx context.Context, s *config.Settings, c *cpts.Client, d *definition.Definition, ap *definition.Applied, cl cpts.Cluster) (int, bool) {
	checks, err := definition.Preflight(ctx, c, d, ap, cl)
	if err != nil {
		fmt.Fprintf(a.errRec, "runner perftest: %v\n", err)
		return apiExit(err), true
	}
	var rows []report.PreflightCheck
	failed := 0
	for _, ch := range checks {
		r := ch.Result
		rows = append(rows, report.PreflightCheck{Case: ch.Case, Request: r.Name, URL: r.URL, OK: r.OK(), Status: r.StatusCode,
			Reason: r.ErrorReason, ResponseTimeMS: int64(r.ResponseTime)})
		if !r.OK() {
			failed++
			fmt.Fprintf(a.errw, "preflight: case %q request %q failed: status %q, reason %q, %q, %d ms\n",
				ch.Case, r.Name, r.StatusCode, r.ErrorReason, r.URL, int64(r.ResponseTime))
		}
	}
	if failed == 0 {
		fmt.Fprintf(a.out, "preflight: %d request(s) of %d case(s) answered\n", len(checks), len(d.Cases))
		return 0, false
	}
	if path := outPath(s.JUnitFile); path != "" {
		if err := report.WritePreflightJUnit(path, rows, a.red.String); err != nil {
			fmt.Fprintf(a.errw, "runner: could not write the JUnit file (junit-file): %v\n", err)
		} else {
			fmt.Fprintf(a.out, "JUnit written to %s\n", path)
		}
	}
	fmt.Fprintf(a.errRec, "runner perftest: preflight: %d of %d request(s) failed; no load started\n", failed, len(checks))
	return ExitPlatform, true
}

// apiExit is the exit code of an API error before a run: cancelled or 5.
func apiExit(err error) int {
	if errors.Is(err, context.Canceled) {
		return ExitCancelled
	}
	return ExitAPI
}

// definitionCmd runs `runner definition check FILE [--profile P]` and
// `runner definition export --test-suite S --task T [--definition OUT]`.
func (a *app) definitionCmd(ctx context.Context, args []string) int {
	const usage = "runner definition: use 'runner definition check FILE' or 'runner definition export --test-suite S --task T [--definition OUT]'"
	if len(args) == 0 {
		fmt.Fprintln(a.errw, usage)
		return ExitUsage
	}
	switch args[0] {
	case "help", "--help", "-h", "-help":
		fmt.Fprintln(a.out, usage[len("runner definition: "):])
		return ExitPassed
	case "check":
		return a.definitionCheck(args[1:])
	case "export":
		return a.definitionExport(ctx, args[1:])
	}
	fmt.Fprintln(a.errw, usage)
	return ExitUsage
}

func (a *app) definitionCheck(args []string) int {
	var file, profile string
	for i := 0; i < len(args); i++ {
		switch arg := args[i]; {
		case arg == "--profile" && i+1 < len(args):
			i++
			profile = args[i]
		case len(arg) > 10 && arg[:10] == "--profile=":
			profile = arg[10:]
		case file == "" && len(arg) > 0 && arg[0] != '-':
			file = arg
		default:
			fmt.Fprintf(a.errw, "runner definition check: unexpected argument %q; use: runner definition check FILE [--profile NAME]\n", arg)
			return ExitUsage
		}
	}
	if file == "" {
		fmt.Fprintln(a.errw, "runner definition check: give the definition file: runner definition check FILE")
		return ExitUsage
	}
	d, err := a.readDefinition(file, profile)
	if err != nil {
		fmt.Fprintf(a.errw, "runner definition check: %v\n", err)
		return ExitUsage
	}
	profiles := []string{profile}
	if profile == "" {
		profiles = d.Profiles
	}
	for _, p := range profiles {
		if p == "" {
			continue
		}
		if _, err := a.readDefinition(file, p); err != nil {
			fmt.Fprintf(a.errw, "runner definition check: profile %s: %v\n", p, err)
			return ExitUsage
		}
	}
	fmt.Fprintf(a.out, "%s OK: suite %q, task %q, %d case(s), %d gate(s), profiles: %v\n", file, d.Suite.Name, d.Task.Name, len(d.Cases), len(d.Gates), d.Profiles)
	return ExitPassed
}

func (a *app) definitionExport(ctx context.Context, args []string) int {
	s, help, code := a.load(config.PerfTest, args)
	if s == nil || help {
		return code
	}
	out := s.Definition
	s.Definition = ""
	stdout := a.out
	if out == "" || out == "-" {
		a.out = a.errw // standard output carries the file: status lines go to standard error
	}
	if s.Simulate {
		stop, err := a.startSimulator(s, config.PerfTest, s.Scale(true))
		if err != nil {
			fmt.Fprintf(a.errRec, "runner definition export: %v\n", err)
			return ExitAPI
		}
		defer stop()
	}
	if err := s.Validate(config.PerfTest); err != nil {
		fmt.Fprintf(a.errRec, "runner definition export: %v\n", err)
		return ExitUsage
	}
	if code, err := a.setupAuth(ctx, s, config.PerfTest); err != nil {
		fmt.Fprintf(a.errRec, "runner definition export: %v\n", err)
		return code
	}
	c, err := a.cptsClient(s)
	if err != nil {
		fmt.Fprintf(a.errRec, "runner definition export: %v\n", err)
		return ExitUsage
	}
	data, err := definition.Export(ctx, c, s.TestSuite, s.Task)
	if err != nil {
		fmt.Fprintf(a.errRec, "runner definition export: %v\n", err)
		return ExitAPI
	}
	if out == "" || out == "-" {
		stdout.Write(data)
		return ExitPassed
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		fmt.Fprintf(a.errRec, "runner definition export: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintf(a.out, "definition of task %s written to %s\n", strconv.Quote(s.Task), out)
	return ExitPassed
}

// syncOnly ends a sync-only step (after the preflight, when asked for).
func (a *app) syncOnly(ap *definition.Applied) int {
	fmt.Fprintf(a.out, "sync-only: task %d of suite %d is up to date; no run started\n", ap.TaskID, ap.SuiteID)
	return ExitPassed
}
