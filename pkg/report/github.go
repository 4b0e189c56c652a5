package report

import (
	"fmt"
	"io"
	"strconv"
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
	g.do("output "+name, func() { g.a.SetOutput(name, g.red.String(flatten(value))) })
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
	return strings.ReplaceAll(g.red.String(flatten(s)), "##[", `##\[`)
}

// ghAnnotations is the most annotations of one kind GitHub shows for a step; beyond it the
// rest are gathered in the last one.
const ghAnnotations = 10

// ghSummaryBytes is the largest job summary GitHub accepts from a step (1 MiB).
const ghSummaryBytes = 1 << 20

// PublishGitHub tells GitHub Actions about the result, in this order: it masks every secret
// (each line of a multi-line secret too), sets the outputs task-run-id, result, gates-failed,
// junit-file and result-file, writes the Markdown job summary (bounded to GitHub's 1 MiB), then
// adds an error annotation per failed gate (and one for a run error and per failed check of
// testplan/taskmodel) and a warning annotation per warned gate, gathering those beyond
// GitHub's ten per kind into the last. Secrets are also cut from the summary and the
// annotations (every form of redact.Redactor, and the Markdown-escaped one in the
// summary). With the no-op GitHub of other CI systems it prints nothing.
func (r *Result) PublishGitHub(gh GitHub, secrets []string, junitPath, resultPath string) {
	masks := maskValues(secrets)
	for _, m := range masks {
		gh.AddMask(m)
	}
	// The Markdown-escaped form of each secret is a form too.
	red := redact.New(masks...)
	for _, m := range masks {
		red.Add(mdText(m))
	}
	runID := ""
	if r.Run != nil && r.Run.ID != 0 {
		runID = strconv.FormatInt(r.Run.ID, 10)
	}
	if r.Workflow != nil {
		runID = r.Workflow.Job // the MAS execution's id
	}
	gh.SetOutput("task-run-id", runID)
	gh.SetOutput("result", r.Result)
	gh.SetOutput("gates-failed", strconv.Itoa(r.Counts.Failed))
	gh.SetOutput("junit-file", junitPath)
	gh.SetOutput("result-file", resultPath)
	gh.AddStepSummary(boundSummary(red.Replace(r.Markdown(), `\*\*\*`)))

	var errs, warns []annotation
	if r.Error != "" {
		errs = append(errs, annotation{"codearts-runner " + r.Result, r.Error})
	}
	for _, g := range r.Gates {
		switch g.Verdict {
		case "failed":
			errs = append(errs, annotation{"Gate failed", g.Name + ": " + g.Message})
		case "warned":
			warns = append(warns, annotation{"Gate warning", g.Name + ": " + g.Message})
		}
	}
	for _, c := range r.Checks {
		if c.Verdict == "failed" {
			errs = append(errs, annotation{"Check failed", c.Name + ": " + c.Message})
		}
	}
	for _, a := range capAnnotations(errs, "more failed") {
		gh.Errorf(a.title, "%s", truncate(red.String(a.message), ghAnnotationRunes))
	}
	for _, a := range capAnnotations(warns, "more warned") {
		gh.Warningf(a.title, "%s", truncate(red.String(a.message), ghAnnotationRunes))
	}
}

// boundSummary cuts a summary longer than GitHub takes at the last line break that fits, and
// says so.
func boundSummary(md string) string {
	const note = "\n\n_The summary was cut at GitHub's 1 MiB limit; the HTML report and the result file have everything._\n"
	if len(md) <= ghSummaryBytes {
		return md
	}
	cut := strings.LastIndexByte(md[:ghSummaryBytes-len(note)], '\n')
	return md[:max(cut, 0)] + note
}

// annotation is one GitHub annotation to add.
type annotation struct{ title, message string }

// ghAnnotationRunes bounds the message of one annotation.
const ghAnnotationRunes = 4000

// capAnnotations keeps at most ghAnnotations annotations, gathering the rest into the last one
// (titled like the first of them).
func capAnnotations(list []annotation, more string) []annotation {
	if len(list) <= ghAnnotations {
		return list
	}
	rest := list[ghAnnotations-1:]
	msgs := make([]string, len(rest))
	for i, a := range rest {
		msgs[i] = a.message
	}
	last := annotation{rest[0].title, fmt.Sprintf("%d %s: %s", len(rest), more, strings.Join(msgs, " · "))}
	return append(list[:ghAnnotations-1:ghAnnotations-1], last)
}

// maskValues lists the strings to mask for secrets: each secret, and each line of a multi-line
// one, without blanks or repeats.
func maskValues(secrets []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			return
		}
		seen[s] = true
		out = append(out, s)
	}
	for _, s := range secrets {
		if !strings.ContainsAny(s, "\r\n") {
			add(s)
			continue
		}
		for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
			add(line)
		}
	}
	return out
}
