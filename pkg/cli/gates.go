package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/codearts-runner/codearts-runner/pkg/config"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// gates runs `runner gates check` (validate and print the normalised gates, exit 2 on errors)
// and `runner gates --list` (the metrics with units and sources).
func (a *app) gates(args []string) int {
	if len(args) > 0 && (args[0] == "--list" || args[0] == "list") {
		tw := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "METRIC\tUNIT\tMEANING\tSOURCE (CPTS report field)\tOVERALL (unscoped) VALUE")
		for _, m := range gates.Catalog() {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.Name, m.Unit, m.Description, m.Source, m.Aggregation)
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
	gs, _, problems := a.loadGates(s)
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

// writeMetricsMarkdown writes the README's metrics table from the catalogue.
func writeMetricsMarkdown(w io.Writer) {
	fmt.Fprintln(w, "| metric | unit | meaning | CPTS report field | overall (unscoped) value |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
	for _, m := range gates.Catalog() {
		fmt.Fprintf(w, "| `%s` | %s | %s | %s | %s |\n", m.Name, m.Unit, m.Description, m.Source, m.Aggregation)
	}
}
