package ci

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/codearts-runner/codearts-runner/pkg/redact"
	"github.com/codearts-runner/codearts-runner/pkg/report"
)

// ghAnnotations is the most annotations of one kind GitHub shows for a step; beyond it the
// rest are gathered in the last one.
const ghAnnotations = 10

// ghSummaryBytes is the largest job summary GitHub accepts from a step (1 MiB).
const ghSummaryBytes = 1 << 20

// ghAnnotationRunes bounds the message of one annotation.
const ghAnnotationRunes = 4000

// PublishGitHub tells GitHub Actions (gh) about the result r, in this order: it masks every
// secret (each line of a multi-line secret too), sets the outputs task-run-id, result,
// gates-failed, junit-file and result-file, writes the Markdown job summary (bounded to
// GitHub's 1 MiB), then adds an error annotation per failed gate (and one for a run error and
// per failed check of testplan/taskmodel) and a warning annotation per warned gate, gathering
// those beyond GitHub's ten per kind into the last. Secrets are also cut from the summary and
// the annotations (every form of redact.Redactor, and the Markdown-escaped one in the
// summary). With the no-op GitHub of other CI systems it prints nothing.
func PublishGitHub(r *report.Result, gh GitHub, secrets []string, junitPath, resultPath string) {
	masks := maskValues(secrets)
	for _, m := range masks {
		gh.AddMask(m)
	}
	// The Markdown-escaped form of each secret is a form too.
	red := redact.New(masks...)
	for _, m := range masks {
		red.Add(report.MarkdownText(m))
	}
	gh.SetOutput("task-run-id", runID(r))
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
		gh.Errorf(a.title, "%s", report.Truncate(red.String(a.message), ghAnnotationRunes))
	}
	for _, a := range capAnnotations(warns, "more warned") {
		gh.Warningf(a.title, "%s", report.Truncate(red.String(a.message), ghAnnotationRunes))
	}
}

// runID is the run's id as the outputs give it (GitHub's task-run-id, the dotenv file's
// CODEARTS_TASK_RUN_ID): the task run's id, the MAS execution's for a workflow, "" without a
// run; for several tasks, their run ids comma separated in the order of the task list, an
// empty place for a task without a run.
func runID(r *report.Result) string {
	if len(r.Tasks) > 0 {
		ids := make([]string, len(r.Tasks))
		for i, t := range r.Tasks {
			ids[i] = runID(t)
		}
		return strings.Join(ids, ",")
	}
	id := ""
	if r.Run != nil && r.Run.ID != 0 {
		id = strconv.FormatInt(r.Run.ID, 10)
	}
	if r.Workflow != nil {
		id = r.Workflow.Job // the MAS execution's id
	}
	return id
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
