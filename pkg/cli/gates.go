package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/config"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// gates runs `runner gates check` (validate and print the normalised gates, exit 2 on errors)
// and `runner gates --list` (the metrics with units and sources).
func (a *app) gates(ctx context.Context, args []string) int {
	for _, arg := range args {
		if arg == "--help" || arg == "-help" || arg == "-h" || arg == "--h" {
			fmt.Fprint(a.out, gatesUsage)
			config.WriteHelp(a.out, config.Gates)
			return ExitPassed
		}
	}
	if len(args) > 0 && (args[0] == "--list" || args[0] == "list") {
		if len(args) > 1 {
			fmt.Fprintf(a.errw, "runner gates --list: unexpected argument %q (--list takes none)\n", args[1])
			return ExitUsage
		}
		tw := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "METRIC\tUNIT\tMEANING\tSOURCE (CPTS report field)\tOVERALL (unscoped) VALUE")
		for _, m := range gates.Catalog() {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.Name, m.Unit, m.Description, cpts.MetricSource(m.Name), m.Aggregation)
		}
		tw.Flush()
		fmt.Fprintln(a.out, "\nLimits: a number with a unit (750ms), baseline [± delta] (an earlier run), or trend median [± delta]")
		fmt.Fprintln(a.out, "(the median of the task's recent runs; p95, avg_rt, tps and error_rate only). Scopes: [task \"T\"] [case \"C\"] [request \"R\"]:")
		return ExitPassed
	}
	if len(args) > 0 && args[0] == "check" {
		args = args[1:]
	}
	s, help, code := a.load(config.Gates, args)
	if s == nil || help {
		return code
	}
	if s.Gates == "" && s.GatesFile == "" {
		fmt.Fprintln(a.errw, "runner gates check: give --gates or --gates-file (or CODEARTS_GATES / CODEARTS_GATES_FILE)")
		return ExitUsage
	}
	gs, _, problems, err := a.loadGates(ctx, s)
	if err != nil {
		fmt.Fprintf(a.errw, "runner gates check: %v\n", err)
		return ExitCancelled
	}
	if err := s.Validate(config.Gates); err != nil {
		var ue *config.UsageError
		if errors.As(err, &ue) {
			problems = append(ue.Problems, problems...)
		}
	}
	if len(problems) == 0 && s.GatesNone() {
		fmt.Fprintln(a.out, "no gates (gates: none): a perftest run is judged only on finishing with requests")
		return ExitPassed
	}
	if len(problems) > 0 {
		fmt.Fprintf(a.errw, "runner gates check: %v\n", &config.UsageError{Problems: problems})
		return ExitUsage
	}
	for _, g := range gs {
		fmt.Fprintln(a.out, g.String())
	}
	fmt.Fprintf(a.out, "%d gate(s) OK\n", len(gs))
	return ExitPassed
}

// gatesUsage introduces the two forms of `runner gates`.
const gatesUsage = `runner gates check --gates=TEXT | --gates-file=FILE
    validate gates (inline and/or a YAML file) and print them normalised, one per line;
    exit 2 with every problem (line and column) when one is invalid.
runner gates --list
    list every metric with its unit, meaning, CPTS report field and overall value.

`

// writeMetricsMarkdown writes the README's metrics table from the catalogue.
func writeMetricsMarkdown(w io.Writer) {
	fmt.Fprintln(w, "| metric | unit | meaning | CPTS report field | overall (unscoped) value |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
	for _, m := range gates.Catalog() {
		fmt.Fprintf(w, "| `%s` | %s | %s | %s | %s |\n", m.Name, m.Unit, m.Description, cpts.MetricSource(m.Name), m.Aggregation)
	}
}
