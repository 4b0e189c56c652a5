package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// actionOnlyInputs are the inputs of action.yml that are not settings (the action's mode and the
// runner release); TestActionInputsAreKnown keeps the list in step with action.yml.
var actionOnlyInputs = []string{"mode", "version"}

// inputPrefix starts the variable of a GitHub Actions input.
const inputPrefix = "INPUT_"

// UnknownNames returns a warning for every CODEARTS_* and INPUT_* variable of environ that names
// no setting, no action input and none of also (names the runner itself writes for later jobs,
// such as the dotenv outputs), with the nearest known name when one is close: a misspelt
// setting would otherwise be ignored without a word. The warnings are sorted by variable name.
func UnknownNames(environ map[string]string, also ...string) []string {
	known := map[string]bool{}
	var envNames, inputNames []string
	for _, f := range fields {
		envNames = append(envNames, f.Env)
		inputNames = append(inputNames, InputName(f.Flag))
	}
	for _, in := range actionOnlyInputs {
		inputNames = append(inputNames, InputName(in))
	}
	envNames = append(envNames, also...)
	for _, n := range slices.Concat(envNames, inputNames) {
		known[n] = true
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(environ)) {
		upper := strings.ToUpper(name)
		var family []string
		switch {
		case known[name]:
			continue
		case strings.HasPrefix(upper, EnvPrefix):
			family = envNames
		case strings.HasPrefix(upper, inputPrefix):
			family = inputNames
		default:
			continue
		}
		msg := fmt.Sprintf("%s is not a setting and is ignored", name)
		if near := nearest(upper, family); near != "" {
			msg += "; did you mean " + near + "?"
		} else {
			msg += " (runner <command> --help lists the settings and their variables)"
		}
		out = append(out, msg)
	}
	return out
}

// nearest returns the name of candidates closest to name (already upper-cased), or "" when none
// is close enough to be the one meant. '-' and '_' count as the same character, since input
// names keep the flag's dashes and variable names do not.
func nearest(name string, candidates []string) string {
	norm := func(s string) string { return strings.ReplaceAll(strings.ToUpper(s), "-", "_") }
	best, bestD := "", -1
	for _, c := range candidates {
		d := distance(norm(name), norm(c))
		if bestD < 0 || d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	// The prefix is shared: judge the distance against the rest of the name.
	rest := len(name) - strings.Index(name, "_") - 1
	if best == "" || bestD > max(1, min(3, rest/4)) {
		return ""
	}
	return best
}

// distance is the Levenshtein distance between a and b, in bytes (names are ASCII).
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
