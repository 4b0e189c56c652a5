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
	"strings"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/config"
	"github.com/codearts-runner/codearts-runner/pkg/report"
)

// Exit codes, documented in the README.
const (
	ExitPassed    = 0
	ExitGate      = 1
	ExitUsage     = 2
	ExitPlatform  = 3
	ExitTimeout   = 4
	ExitAPI       = 5
	ExitCancelled = 130
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
	out     io.Writer // redacting stdout
	errw    io.Writer // redacting stderr
	red     *redactor
	ci      config.CI
	gh      report.GitHub     // no-op outside GitHub Actions
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
	a := &app{env: env, environ: toMap(env.Environ), red: &redactor{}}
	a.out = &redactWriter{w: env.Stdout, r: a.red}
	a.errw = &redactWriter{w: env.Stderr, r: a.red}
	a.ci = config.DetectCI(a.environ)
	// Workflow commands go to the raw stdout: ::add-mask:: must carry the secret itself (GitHub
	// consumes the line); everything else the GitHub writer prints is scrubbed by it.
	a.gh = report.NewGitHub(a.ci, env.Stdout)
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
	case "gates":
		return a.gates(rest)
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
  gates      check a gates file (gates check) or list the metrics (gates --list)
  definition check a PerfTest definition file offline (definition check FILE), or write one
             for an existing task (definition export --test-suite S --task T --definition OUT)
  simulate   serve the built-in simulator of the CodeArts APIs (--addr 127.0.0.1:8080)
  version    print the version

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
		fmt.Fprintf(a.errw, "runner %s: %v\n", mode, err)
		return nil, false, ExitUsage
	}
	a.red.add(s.Secrets()...)
	for _, secret := range s.Secrets() {
		a.gh.AddMask(secret)
	}
	return s, false, 0
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
