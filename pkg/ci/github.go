// Package ci holds the adapters to the CI systems the runner reports to, one file each:
//
//   - github.go: GitHub Actions' workflow commands and files on go-githubactions (NewGitHub:
//     outputs, job summary, masks, annotations and log groups, used during the run too);
//   - publish.go: what a step tells GitHub about a result (PublishGitHub);
//   - gitlab.go: the GitLab `artifacts:reports:dotenv` file (WriteDotenv, DotenvNames);
//   - codearts.go: the CodeArts Pipeline step files (WriteCodeArts).
//
// The adapters render the plain result model of pkg/report and write their files with
// report.Result.WriteFile; pkg/report never imports this package. Detecting the CI system is
// pkg/config's job (config.CI).
package ci

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/sethvargo/go-githubactions"

	"github.com/codearts-runner/codearts-runner/pkg/config"
	"github.com/codearts-runner/codearts-runner/pkg/redact"
)

// GitHub is what the runner tells GitHub Actions: step outputs, the job summary, secrets to
// mask, annotations and log groups. Outside GitHub every method does nothing, so callers never
// check where they run.
type GitHub interface {
	// SetOutput sets a step output; line breaks in value become spaces.
	SetOutput(name, value string)
	// AddStepSummary appends Markdown to the job summary.
	AddStepSummary(markdown string)
	// AddMask asks GitHub to hide secret in the log from now on.
	AddMask(secret string)
	// Errorf adds an error annotation with a title; the message is put on one line.
	Errorf(title, format string, args ...any)
	// Warningf adds a warning annotation with a title; the message is put on one line.
	Warningf(title, format string, args ...any)
	// Group starts a collapsible group of log lines.
	Group(name string)
	// EndGroup ends the current group.
	EndGroup()
	// Err returns the first failure to write a GitHub file or stdout, nil if none.
	Err() error
}

// NewGitHub returns the GitHub integration for the CI system ci, writing workflow commands to
// stdout. Inside GitHub Actions (ci.GitHub) it is built on go-githubactions and reads the
// GitHub files from ci, never from the process environment; a file GitHub did not give makes
// the matching method do nothing instead of panicking. Every value it writes but the secret
// of AddMask has red's secrets masked (red may be nil), and go-githubactions escapes it per
// the workflow-command rules (data: % CR LF; properties also : and ,). It is safe for
// concurrent use (an IAM token is masked from whichever goroutine fetched it). Elsewhere it
// prints nothing at all, since `::` commands are noise on other CI systems.
func NewGitHub(ci config.CI, stdout io.Writer, red *redact.Redactor) GitHub {
	if !ci.GitHub {
		return noGitHub{}
	}
	files := map[string]string{
		"GITHUB_OUTPUT":       ci.GitHubOutput,
		"GITHUB_STEP_SUMMARY": ci.GitHubStepSummary,
		"GITHUB_ENV":          ci.GitHubEnv,
	}
	return &actionsGitHub{
		a:     githubactions.New(githubactions.WithWriter(stdout), githubactions.WithGetenv(func(k string) string { return files[k] })),
		files: files,
		red:   red,
	}
}

// noGitHub is the GitHub integration outside GitHub: it does nothing.
type noGitHub struct{}

func (noGitHub) SetOutput(string, string)        {}
func (noGitHub) AddStepSummary(string)           {}
func (noGitHub) AddMask(string)                  {}
func (noGitHub) Errorf(string, string, ...any)   {}
func (noGitHub) Warningf(string, string, ...any) {}
func (noGitHub) Group(string)                    {}
func (noGitHub) EndGroup()                       {}
func (noGitHub) Err() error                      { return nil }

// actionsGitHub drives go-githubactions. The library panics when a file is unset or cannot be
// written and when stdout fails; those panics are recovered and kept as the first error.
type actionsGitHub struct {
	a     *githubactions.Action
	files map[string]string
	red   *redact.Redactor

	mu  sync.Mutex // one command at a time
	err error
}

// do runs f, turning a panic of the library into the first error.
func (g *actionsGitHub) do(what string, f func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	defer func() {
		if p := recover(); p != nil {
			if g.err == nil {
				g.err = fmt.Errorf("github %s: %v", what, p)
			}
		}
	}()
	f()
}

func (g *actionsGitHub) SetOutput(name, value string) {
	if g.files["GITHUB_OUTPUT"] == "" {
		return
	}
	g.do("output "+name, func() { g.a.SetOutput(name, g.red.String(redact.Flatten(value))) })
}

func (g *actionsGitHub) AddStepSummary(markdown string) {
	if g.files["GITHUB_STEP_SUMMARY"] == "" {
		return
	}
	g.do("step summary", func() { g.a.AddStepSummary(redact.Text(g.red.Replace(markdown, `\*\*\*`))) })
}

func (g *actionsGitHub) AddMask(secret string) {
	g.do("add-mask", func() { g.a.AddMask(secret) })
}

func (g *actionsGitHub) Errorf(title, format string, args ...any) {
	g.do("error annotation", func() {
		g.a.WithFieldsMap(map[string]string{"title": g.line(title)}).Errorf("%s", g.line(fmt.Sprintf(format, args...)))
	})
}

func (g *actionsGitHub) Warningf(title, format string, args ...any) {
	g.do("warning annotation", func() {
		g.a.WithFieldsMap(map[string]string{"title": g.line(title)}).Warningf("%s", g.line(fmt.Sprintf(format, args...)))
	})
}

func (g *actionsGitHub) Group(name string) { g.do("group", func() { g.a.Group(g.line(name)) }) }

func (g *actionsGitHub) EndGroup() { g.do("endgroup", g.a.EndGroup) }

func (g *actionsGitHub) Err() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.err
}

// line is the data of a workflow command: secrets masked, on one line, no `##[`.
func (g *actionsGitHub) line(s string) string {
	return strings.ReplaceAll(g.red.String(redact.Flatten(s)), "##[", `##\[`)
}
