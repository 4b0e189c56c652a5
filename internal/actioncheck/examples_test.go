package actioncheck

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/codearts-runner/codearts-runner/pkg/config"

	"github.com/codearts-runner/codearts-runner/internal/testtool"
)

// workflowsDir holds the example pipelines of every CI system.
var workflowsDir = filepath.Join(root, "examples", "workflows")

// outputVariables are the variables the runner's dotenv file defines (CODEARTS_ + the output
// in upper snake case), and settingsSoon are variables of settings being added.
var (
	outputVariables = func() []string {
		var out []string
		for _, o := range actionOutputs {
			out = append(out, "CODEARTS_"+upperSnake(o))
		}
		return out
	}()
	settingsSoon = []string{}
)

// githubWorkflows lists the example GitHub workflows.
func githubWorkflows(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(workflowsDir, "github-*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no GitHub workflows in %s (%v)", workflowsDir, err)
	}
	return files
}

// TestActionlint runs actionlint on the example GitHub workflows. actionlint checks local
// actions (uses: ./) only inside a Git project with .github/workflows, so the workflows and
// action.yml are copied into one.
func TestActionlint(t *testing.T) {
	t.Parallel()
	bin := testtool.Need(t, "actionlint", "make tools (GOBIN=$PWD/.tools/bin go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12)", filepath.Join(root, ".tools", "bin"))
	project := t.TempDir()
	wfDir := filepath.Join(project, ".github", "workflows")
	for _, d := range []string{filepath.Join(project, ".git"), wfDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(t, filepath.Join(root, "action.yml"), filepath.Join(project, "action.yml"))
	for _, f := range githubWorkflows(t) {
		copyFile(t, f, filepath.Join(wfDir, filepath.Base(f)))
	}
	// The repository's own workflows (the release that publishes the action's binaries).
	own, _ := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	for _, f := range own {
		copyFile(t, f, filepath.Join(wfDir, filepath.Base(f)))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-no-color")
	cmd.Dir = project
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("actionlint (%s) found problems in examples/workflows (paths below are .github/workflows/<same name>):\n%s\n%v", bin, out, err)
	}
}

// TestShellcheck runs shellcheck on the scripts of the integrations: the run steps of
// action.yml, the image and extension builds and the extension's execution.sh.
func TestShellcheck(t *testing.T) {
	t.Parallel()
	bin := testtool.Need(t, "shellcheck", "Debian package shellcheck", filepath.Join(root, ".tools", "bin"))
	dir := t.TempDir()
	files := []string{
		filepath.Join(root, "scripts", "build-image.sh"),
		filepath.Join(root, "scripts", "build-extension.sh"),
		filepath.Join(extDir, "scripts", "execution.sh"),
	}
	for _, s := range readAction(t).Runs.Steps {
		f := filepath.Join(dir, "action-step-"+s.ID+".sh")
		if err := os.WriteFile(f, []byte("#!/usr/bin/env bash\n"+s.Run), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			out, err := exec.Command(bin, f).CombinedOutput()
			if err != nil {
				t.Errorf("shellcheck %s:\n%s", f, out)
			}
		})
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestWorkflowsUseKnownInputs checks the `with:` of every step using this action, local or
// remote (actionlint knows the inputs of the local action only).
func TestWorkflowsUseKnownInputs(t *testing.T) {
	t.Parallel()
	a := readAction(t)
	for _, f := range githubWorkflows(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var wf struct {
				Jobs map[string]struct {
					Steps []struct {
						Uses string         `yaml:"uses"`
						With map[string]any `yaml:"with"`
					} `yaml:"steps"`
				} `yaml:"jobs"`
			}
			if err := yaml.Unmarshal(data, &wf); err != nil {
				t.Fatal(err)
			}
			uses := 0
			for job, j := range wf.Jobs {
				for i, s := range j.Steps {
					if s.Uses != "./" && !strings.HasPrefix(s.Uses, "codearts-runner/codearts-runner@") {
						continue
					}
					uses++
					for key := range s.With {
						if _, ok := a.Inputs[key]; !ok {
							t.Errorf("job %s step %d: input %q is not in action.yml", job, i+1, key)
						}
					}
				}
			}
			if uses == 0 {
				t.Error("the workflow does not use the action")
			}
		})
	}
}

// TestOtherPipelines checks the GitLab and Jenkins examples: every CODEARTS_* variable is a
// setting or an output, every `runner` command names a subcommand and flags that exist, and the
// GitLab jobs have the image, entrypoint and reports CI needs.
func TestOtherPipelines(t *testing.T) {
	t.Parallel()
	known := map[string]bool{}
	flags := map[config.Mode]map[string]bool{}
	for _, s := range config.All() {
		known[s.Env] = true
		for _, m := range s.Modes {
			if flags[m] == nil {
				flags[m] = map[string]bool{}
			}
			flags[m][s.Flag] = true
		}
	}
	for _, v := range slices.Concat(outputVariables, settingsSoon) {
		known[v] = true
	}
	variable := regexp.MustCompile(`CODEARTS_[A-Z0-9_]+`)
	// `runner perftest --flag ...`, or the Jenkinsfile's runGate('perftest --flag ...').
	command := regexp.MustCompile(`(?:runner |runGate\(['"])(perftest|testplan|taskmodel|gates|simulate|version)\b([^'"\n]*)`)
	flag := regexp.MustCompile(`--([a-z][a-z0-9-]*)`)

	for _, name := range []string{".gitlab-ci.yml", "Jenkinsfile"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join(workflowsDir, name))
			if err != nil {
				t.Fatal(err)
			}
			text := string(data)
			for _, v := range variable.FindAllString(text, -1) {
				if !known[v] {
					t.Errorf("%s is neither a setting nor an output variable", v)
				}
			}
			cmds := command.FindAllStringSubmatch(text, -1)
			if len(cmds) == 0 {
				t.Error("no `runner <subcommand>` command")
			}
			for _, c := range cmds {
				for _, f := range flag.FindAllStringSubmatch(c[2], -1) {
					if f[1] != "help" && !flags[config.Mode(c[1])][f[1]] {
						t.Errorf("runner %s has no flag --%s", c[1], f[1])
					}
				}
			}
		})
	}

	t.Run("gitlab jobs", func(t *testing.T) {
		t.Parallel()
		data, err := os.ReadFile(filepath.Join(workflowsDir, ".gitlab-ci.yml"))
		if err != nil {
			t.Fatal(err)
		}
		// Keys that are not jobs (stages: [...]) or jobs of other images are skipped.
		var raw map[string]yaml.Node
		if err := yaml.Unmarshal(data, &raw); err != nil {
			t.Fatal(err)
		}
		jobs := map[string]gitlabJob{}
		for key, node := range raw {
			var j gitlabJob
			if node.Kind == yaml.MappingNode && node.Decode(&j) == nil {
				jobs[key] = j
			}
		}
		tmpl, ok := jobs[".codearts-runner"]
		if !ok {
			t.Fatal("no .codearts-runner template job")
		}
		if tmpl.Image.Name == "" || !slices.Equal(tmpl.Image.Entrypoint, []string{""}) {
			t.Errorf("image = %+v, want a name and entrypoint [\"\"] (the image's entrypoint is the runner)", tmpl.Image)
		}
		for _, r := range []string{"junit", "dotenv"} {
			if _, ok := tmpl.Artifacts.Reports[r]; !ok {
				t.Errorf("artifacts:reports lacks %s", r)
			}
		}
		users := 0
		for _, j := range jobs {
			if j.Extends == ".codearts-runner" {
				users++
			}
		}
		if users == 0 {
			t.Error("no job extends .codearts-runner")
		}
	})
}

// gitlabJob is the part of a GitLab CI job the tests look at.
type gitlabJob struct {
	Extends string `yaml:"extends"`
	Image   struct {
		Name       string   `yaml:"name"`
		Entrypoint []string `yaml:"entrypoint"`
	} `yaml:"image"`
	Artifacts struct {
		Reports map[string]any `yaml:"reports"`
	} `yaml:"artifacts"`
}
