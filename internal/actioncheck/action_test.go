// Package actioncheck keeps the CI integrations in step with the runner's settings: the GitHub
// action (action.yml), the CodeArts extension (examples/codearts-extension) and the example
// pipelines (examples/workflows). It has tests only.
package actioncheck

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/codearts-runner/codearts-runner/pkg/config"
)

// root is the repository root, relative to this package.
const root = "../.."

// actionOnlyInputs are the inputs of action.yml that are not settings of the runner.
var actionOnlyInputs = []string{"mode", "version"}

// actionOutputs are the outputs the runner writes itself (GITHUB_OUTPUT, dotenv).
var actionOutputs = []string{"task-run-id", "result", "gates-failed", "junit-file", "result-file"}

// actionModes are the subcommands the action runs.
var actionModes = []config.Mode{config.PerfTest, config.TestPlan, config.TaskModel, config.Workflow}

type action struct {
	Name        string                  `yaml:"name"`
	Description string                  `yaml:"description"`
	Inputs      map[string]actionInput  `yaml:"inputs"`
	Outputs     map[string]actionOutput `yaml:"outputs"`
	Runs        struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type actionInput struct {
	Description string  `yaml:"description"`
	Required    bool    `yaml:"required"`
	Default     *string `yaml:"default"` // nil: no default key at all
}

type actionOutput struct {
	Description string `yaml:"description"`
	Value       string `yaml:"value"`
}

type actionStep struct {
	ID    string            `yaml:"id"`
	Name  string            `yaml:"name"`
	Shell string            `yaml:"shell"`
	Run   string            `yaml:"run"`
	Uses  string            `yaml:"uses"`
	Env   map[string]string `yaml:"env"`
}

func readAction(t *testing.T) *action {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatalf("failed to read action.yml: %v", err)
	}
	var a action
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatalf("failed to parse action.yml: %v", err)
	}
	return &a
}

// step returns the step of action a with id.
func (a *action) step(t *testing.T, id string) actionStep {
	t.Helper()
	for _, s := range a.Runs.Steps {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("action.yml has no step with id %q", id)
	return actionStep{}
}

// settingsOf lists the settings used by any of modes, in declaration order.
func settingsOf(modes ...config.Mode) []config.Setting {
	var out []config.Setting
	for _, s := range config.All() {
		if slices.ContainsFunc(s.Modes, func(m config.Mode) bool { return slices.Contains(modes, m) }) {
			out = append(out, s)
		}
	}
	return out
}

// settingTypes maps each flag name to the Go type of its field.
func settingTypes() map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[config.Settings]()) {
		if !f.Anonymous { // the option groups' own fields, not the groups
			out[f.Tag.Get("flag")] = f.Type
		}
	}
	return out
}

// upperSnake turns a flag name into the suffix of its variable: project-id → PROJECT_ID.
func upperSnake(flag string) string { return strings.ToUpper(strings.ReplaceAll(flag, "-", "_")) }

// inputSnippet is the action.yml text of the input of s, to paste when one is missing.
func inputSnippet(s config.Setting) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  %s:\n    description: '%s'\n", s.Flag, strings.ReplaceAll(s.Help, "'", "''"))
	if s.Default != "" && !s.Secret {
		fmt.Fprintf(&b, "    default: '%s'\n", s.Default)
	}
	fmt.Fprintf(&b, "  (and in the env: of step \"run\")  %s: ${{ inputs.%s }}\n", s.Env, s.Flag)
	return b.String()
}

func TestActionInputsMatchSettings(t *testing.T) {
	t.Parallel()
	a := readAction(t)
	settings := settingsOf(actionModes...)

	for _, s := range settings {
		t.Run(s.Flag, func(t *testing.T) {
			t.Parallel()
			in, ok := a.Inputs[s.Flag]
			if !ok {
				t.Fatalf("action.yml has no input %q for setting %s; add:\n%s", s.Flag, s.Env, inputSnippet(s))
			}
			if !strings.HasPrefix(in.Description, s.Help) {
				t.Errorf("description of input %q = %q, want it to start with the setting's help %q", s.Flag, in.Description, s.Help)
			}
			if in.Required {
				t.Errorf("input %q is required; every setting is optional (the simulator needs none)", s.Flag)
			}
			switch {
			case s.Secret && in.Default != nil:
				t.Errorf("secret input %q has a default (%q); secrets never have one", s.Flag, *in.Default)
			case s.Default != "" && (in.Default == nil || *in.Default != s.Default):
				t.Errorf("default of input %q = %s, want the setting's default %q", s.Flag, show(in.Default), s.Default)
			case s.Default == "" && in.Default != nil && *in.Default != "":
				t.Errorf("input %q has default %q but the setting has none", s.Flag, *in.Default)
			}
		})
	}

	t.Run("no stray inputs", func(t *testing.T) {
		t.Parallel()
		known := map[string]bool{}
		for _, s := range settings {
			known[s.Flag] = true
		}
		for name := range a.Inputs {
			if !known[name] && !slices.Contains(actionOnlyInputs, name) {
				t.Errorf("input %q of action.yml is no setting of modes %v (renamed or removed?)", name, actionModes)
			}
		}
		for _, name := range actionOnlyInputs {
			if _, ok := a.Inputs[name]; !ok {
				t.Errorf("action.yml lacks input %q", name)
			}
		}
	})
}

func show(p *string) string {
	if p == nil {
		return "none"
	}
	return fmt.Sprintf("%q", *p)
}

func TestActionRunStepEnv(t *testing.T) {
	t.Parallel()
	a := readAction(t)
	run := a.step(t, "run")
	byFlag := map[string]config.Setting{}
	for _, s := range settingsOf(actionModes...) {
		byFlag[s.Flag] = s
	}

	for name := range a.Inputs {
		if slices.Contains(actionOnlyInputs, name) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := "CODEARTS_" + upperSnake(name)
			if s, ok := byFlag[name]; ok && s.Env != env {
				t.Errorf("setting --%s reads %s, not %s: the action would hand it to the wrong variable", name, s.Env, env)
			}
			got, ok := run.Env[env]
			want := fmt.Sprintf("${{ inputs.%s }}", name)
			if !ok {
				t.Fatalf("step \"run\" does not map input %q: add `%s: %s` to its env", name, env, want)
			}
			if got != want {
				t.Errorf("step \"run\" env %s = %q, want %q", env, got, want)
			}
		})
	}

	t.Run("no stale variables", func(t *testing.T) {
		t.Parallel()
		for key, value := range run.Env {
			if !strings.HasPrefix(key, "CODEARTS_") {
				continue
			}
			name := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(key, "CODEARTS_"), "_", "-"))
			if _, ok := a.Inputs[name]; !ok {
				t.Errorf("step \"run\" sets %s = %q but there is no input %q", key, value, name)
			}
		}
	})

	t.Run("mode and binary", func(t *testing.T) {
		t.Parallel()
		if got := run.Env["ACTION_MODE"]; got != "${{ inputs.mode }}" {
			t.Errorf("ACTION_MODE = %q, want ${{ inputs.mode }}", got)
		}
		if got := run.Env["ACTION_BINARY"]; got != "${{ steps.install.outputs.path }}" {
			t.Errorf("ACTION_BINARY = %q, want ${{ steps.install.outputs.path }}", got)
		}
		if d := a.Inputs["mode"].Default; d == nil || *d != string(config.PerfTest) {
			t.Errorf("default of input mode = %s, want perftest", show(d))
		}
		if !strings.Contains(run.Run, `exec "$ACTION_BINARY" "$ACTION_MODE"`) {
			t.Errorf("step \"run\" must exec the binary with the mode so that signals reach it:\n%s", run.Run)
		}
		for _, m := range actionModes {
			if !strings.Contains(run.Run, string(m)) {
				t.Errorf("step \"run\" does not accept mode %s", m)
			}
		}
	})
}

func TestActionShape(t *testing.T) {
	t.Parallel()
	a := readAction(t)
	tests := []struct {
		name  string
		check func() error
	}{
		{"name and description", func() error {
			if a.Name == "" || a.Description == "" {
				return fmt.Errorf("name %q, description %q: both are required", a.Name, a.Description)
			}
			return nil
		}},
		{"composite", func() error {
			if a.Runs.Using != "composite" {
				return fmt.Errorf("runs.using = %q, want composite", a.Runs.Using)
			}
			return nil
		}},
		{"steps run bash without expressions in scripts", func() error {
			var errs []string
			for _, s := range a.Runs.Steps {
				if s.Shell != "bash" {
					errs = append(errs, fmt.Sprintf("step %q: shell %q, want bash (the same on Linux, macOS and Windows)", s.ID, s.Shell))
				}
				// ${{ }} inside run: is pasted into the script (injection); pass values through env:.
				if strings.Contains(s.Run, "${{") {
					errs = append(errs, fmt.Sprintf("step %q: ${{ }} inside run:; pass the value through env:", s.ID))
				}
			}
			return joinErrs(errs)
		}},
		{"outputs", func() error {
			var errs []string
			for _, name := range actionOutputs {
				out, ok := a.Outputs[name]
				want := fmt.Sprintf("${{ steps.run.outputs.%s }}", name)
				switch {
				case !ok:
					errs = append(errs, fmt.Sprintf("missing output %q", name))
				case out.Value != want:
					errs = append(errs, fmt.Sprintf("output %q: value %q, want %q", name, out.Value, want))
				case out.Description == "":
					errs = append(errs, fmt.Sprintf("output %q has no description", name))
				}
			}
			for name := range a.Outputs {
				if !slices.Contains(actionOutputs, name) {
					errs = append(errs, fmt.Sprintf("unknown output %q (the runner does not write it)", name))
				}
			}
			return joinErrs(errs)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := tt.check(); err != nil {
				t.Error(err)
			}
		})
	}
}

func joinErrs(errs []string) error {
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(errs, "\n"))
}
