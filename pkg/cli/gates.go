package cli

import (
	"fmt"

	"github.com/codearts-runner/codearts-runner/pkg/config"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// gates runs `runner gates check` (validate and print the normalised gates, exit 2 on errors)
// and `runner gates --list` (the metrics with units and sources).
func (a *app) gates(args []string) int {
	if len(args) > 0 && (args[0] == "--list" || args[0] == "list") {
		fmt.Fprintf(a.out, "%-26s %-8s %-40s %s\n", "METRIC", "UNIT", "SOURCE (CPTS report field)", "MEANING")
		for _, m := range gates.Catalog() {
			fmt.Fprintf(a.out, "%-26s %-8s %-40s %s\n", m.Name, m.Unit, m.Source, m.Description)
		}
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
