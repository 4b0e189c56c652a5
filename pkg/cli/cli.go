// Package cli wires the runner together: it reads the settings, builds the clients, runs a
// flow, writes the outputs and turns the outcome into an exit code. main only calls Main.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/ci"
	"github.com/codearts-runner/codearts-runner/pkg/config"
	"github.com/codearts-runner/codearts-runner/pkg/outcome"
	"github.com/codearts-runner/codearts-runner/pkg/redact"
)

// Exit codes, documented in the README.
const (
	ExitPassed    = outcome.ExitPassed
	ExitGate      = outcome.ExitGate
	ExitUsage     = outcome.ExitUsage
	ExitPlatform  = outcome.ExitPlatform
	ExitTimeout   = outcome.ExitTimeout
	ExitAPI       = outcome.ExitAPI
	ExitCancelled = outcome.ExitCancelled
)

// Env is everything the runner takes from outside the process, so tests can substitute it.
type Env struct {
	Args    []string
	Environ []string // KEY=value pairs
	Stdout  io.Writer
	Stderr  io.Writer
	Version string
	// StopSignals stops catching signals after the first one, so that a second one kills the
	// process. nil is allowed.
	StopSignals func()
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// app is one invocation.
type app struct {
	env     Env
	environ map[string]string
	out     io.Writer // stdout: secrets masked, every line safe (lineWriter)
	errw    io.Writer // stderr: secrets masked, every line safe (lineWriter)
	outRec  io.Writer // stdout, one record per Write on one line: progress lines
	errRec  io.Writer // stderr, one record per Write on one line: errors carrying server text
	red     *redact.Redactor
	ci      config.CI
	gh      ci.GitHub         // no-op outside GitHub Actions
	tr      http.RoundTripper // the authentication every client shares (setupAuth)
}

// Main runs the command line in env and returns the process exit code.
func Main(ctx context.Context, env Env) int {
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Version == "" {
		env.Version = "dev"
	}
	a := &app{env: env, environ: toMap(env.Environ), red: redact.New()}
	out := &lineWriter{w: env.Stdout, red: a.red}
	errw := &lineWriter{w: env.Stderr, red: a.red}
	defer errw.Flush()
	defer out.Flush()
	a.out, a.errw = out, errw
	a.outRec, a.errRec = recordWriter{out}, recordWriter{errw}
	a.ci = config.DetectCI(a.environ)
	// Workflow commands go to stdout unguarded: ::add-mask:: must carry the secret itself
	// (GitHub consumes the line); everything else the GitHub writer prints is masked by it.
	a.gh = ci.NewGitHub(a.ci, out.raw(), a.red)
	args := env.Args
	if len(args) == 0 {
		a.usage(a.errw)
		return ExitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "version", "--version", "-version":
		fmt.Fprintf(a.out, "codearts-runner %s\n", env.Version)
		return ExitPassed
	case "help", "--help", "-h", "-help":
		a.usage(a.out)
		return ExitPassed
	case "perftest":
		return a.perftest(ctx, rest)
	case "simulate":
		return a.simulate(ctx, rest)
	case "testplan":
		return a.testplan(ctx, rest)
	case "taskmodel":
		return a.taskmodel(ctx, rest)
	case "workflow":
		return a.workflow(ctx, rest)
	case "gates":
		return a.gates(ctx, rest)
	case "definition": // issue 14
		return a.definitionCmd(ctx, rest)
	case "docs":
		// docs settings|metrics: the README's tables, generated from the code itself.
		if len(rest) == 1 && rest[0] == "metrics" {
			writeMetricsMarkdown(a.out)
			return ExitPassed
		}
		if len(rest) == 1 && rest[0] == "settings" {
			config.WriteMarkdown(a.out)
			return ExitPassed
		}
		fmt.Fprintln(a.errw, "runner docs: use 'runner docs settings' or 'runner docs metrics'")
		return ExitUsage
	}
	fmt.Fprintf(a.errw, "runner: unknown command %q\n\n", cmd)
	a.usage(a.errw)
	return ExitUsage
}

func (a *app) usage(w io.Writer) {
	fmt.Fprint(w, `Usage: runner <command> [--setting=value ...]

Commands:
  perftest   run a CodeArts PerfTest task, wait, evaluate gates, write JUnit (--simulate for a demo)
  testplan   add cases to a CodeArts TestPlan plan (found by id or name, or created)
  taskmodel  execute CodeArts task templates
  workflow   run a MAS workflow (a switchover or recovery drill) as a pipeline step
  gates      check gates (gates check --gates-file F) or list the metrics (gates --list)
  definition check a PerfTest definition file offline (definition check FILE), or write one
             for an existing task (definition export --test-suite S --task T --definition OUT)
  simulate   serve the built-in simulator of the CodeArts APIs (--addr 127.0.0.1:8080)
  docs       print the README's settings or metrics table (docs settings | docs metrics)
  version    print the version

Examples:
  runner perftest --simulate                                   a complete gated demo run, no account needed
  runner perftest --test-suite=shop --task=smoke --gates='p95 <= 500ms; error_rate < 1%'
  runner gates check --gates-file=gates.yaml                   validate a gates file (pre-commit hook)

Exit codes:
  0    every gate passed (or wait=false: the run was started)
  1    a gate failed (also: a live abort gate stopped the run)
  2    invalid settings or usage: nothing was started
  3    the run failed on the platform (aborted abnormally, or no requests)
  4    the wait timed out
  5    API, authentication or network failure
  130  cancelled by SIGINT/SIGTERM

Every setting is also a CODEARTS_* environment variable.
Run 'runner <command> --help' for every setting of a command.
`)
}

// load reads and validates nothing yet: it parses the settings of mode and reports usage
// problems. help=true means --help was printed.
func (a *app) load(mode config.Mode, args []string) (*config.Settings, bool, int) {
	s, err := config.Load(mode, args, a.environ, a.out)
	if errors.Is(err, flag.ErrHelp) {
		return nil, true, ExitPassed
	}
	if err != nil {
		if s != nil {
			a.addSecrets(s.Secrets()...) // before anything prints the settings' values
		}
		fmt.Fprintf(a.errw, "runner %s: %v\n", mode, err)
		a.publishUsageError(mode, s, err)
		return nil, false, ExitUsage
	}
	a.addSecrets(s.Secrets()...)
	for _, w := range config.UnknownNames(a.environ, ci.DotenvNames()...) {
		fmt.Fprintf(a.errw, "runner: warning: %s\n", w)
		a.gh.Warningf("codearts-runner: unknown setting", "%s", w)
	}
	return s, false, 0
}

// addSecrets registers secrets with the redactor and, in GitHub Actions, masks each (every
// line of a multi-line one too) with ::add-mask:: before anything can print it. The auth
// transport calls it with each IAM token the moment it is fetched.
func (a *app) addSecrets(secrets ...string) {
	before := a.red.Secrets()
	a.red.Add(secrets...)
	for _, s := range a.red.Secrets() {
		if !slices.Contains(before, s) && strings.TrimSpace(s) != "" && !strings.ContainsAny(s, "\r\n") {
			a.gh.AddMask(s)
		}
	}
}

func toMap(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if ok {
			m[k] = v
		}
	}
	return m
}
