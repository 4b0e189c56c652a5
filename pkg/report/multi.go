package report

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"

	"github.com/jstemmer/go-junit-report/v2/junit"
)

// Combine builds the result of a step that ran several tasks: the result of each task run in
// Tasks (each as Build makes it for one task), and at the top the step's verdict (m.Result,
// m.ExitCode: the worst of the tasks) and every gate (its name prefixed with its task), counted. Suite, task, run and cases stay empty at the top: they are per task.
func Combine(parts []*Result, m Meta) *Result {
	r := New(m)
	r.Tasks = parts
	var errs []string
	if m.Err != nil {
		errs = append(errs, m.Err.Error())
	}
	for _, p := range parts {
		name := p.taskLabel()
		if p.Error != "" {
			errs = append(errs, name+": "+p.Error)
		}
		for _, g := range p.Gates {
			g.Name = name + ": " + g.Name
			r.AddGate(g)
		}
	}
	r.Error = strings.Join(errs, "; ")
	return r
}

// taskLabel names a task run for people: `task "checkout"`.
func (r *Result) taskLabel() string {
	if r.Task == nil {
		return "task ?"
	}
	return "task " + strconv.Quote(r.Task.Name)
}

// multiJUnit is one testsuite per task run.
func (r *Result) multiJUnit() junit.Testsuites {
	var out junit.Testsuites
	for _, t := range r.Tasks {
		for _, s := range t.JUnit().Suites {
			out.AddSuite(s)
		}
	}
	var total float64
	for _, t := range r.Tasks {
		total = max(total, t.durationSec())
	}
	out.Time = seconds(total)
	out.Skipped = 0
	return out
}

// overviewRow is one task run in the overview table.
type overviewRow struct {
	task, run, status, result, gates string
	exit                             int
}

func (r *Result) overview() []overviewRow {
	var rows []overviewRow
	for _, t := range r.Tasks {
		name := "?"
		if t.Task != nil {
			name = t.Task.Name
		}
		row := overviewRow{task: name, run: "—", status: "—", result: t.Result, exit: t.ExitCode,
			gates: t.Counts.verdicts()}
		if t.Run != nil {
			row.run, row.status = strconv.FormatInt(t.Run.ID, 10), t.Run.StatusText
		}
		rows = append(rows, row)
	}
	return rows
}

// writeMultiSummary writes the overview of the task runs, then each task run's summary, then
// the step's verdict.
func (r *Result) writeMultiSummary(w io.Writer) {
	fmt.Fprintf(w, "──── codearts-runner: %d task runs ────\n", len(r.Tasks))
	for _, o := range r.overview() {
		fmt.Fprintf(w, "  %-8s %-28s run %-8s %-10s exit %d · gates %s\n", strings.ToUpper(o.result), quoteName(o.task), o.run, o.status, o.exit, o.gates)
	}
	for _, t := range r.Tasks {
		t.WriteSummary(w)
	}
	fmt.Fprintf(w, "step result: %s (exit %d, the worst of %d task runs)", strings.ToUpper(r.Result), r.ExitCode, len(r.Tasks))
	fmt.Fprintln(w, r.Counts.gatesTail())
}

// multiMarkdown is the overview table, then each task run's section.
func (r *Result) multiMarkdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s codearts-runner %s: %s (%d task runs, exit code %d)\n\n", r.resultMark(), MarkdownText(r.Mode), MarkdownText(r.Result), len(r.Tasks), r.ExitCode)
	b.WriteString("| | task | run | status | exit | gates |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, o := range r.overview() {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %d | %s |\n", resultEmoji[o.result], mdCell(o.task), o.run, mdCell(o.status), o.exit, o.gates)
	}
	b.WriteString("\n")
	for _, t := range r.Tasks {
		// Each task run's section, its headings one level down.
		md := t.Markdown()
		md = strings.ReplaceAll(md, "\n### ", "\n#### ")
		md = strings.Replace(md, "## ", "### "+mdCell(t.taskLabel())+" — ", 1)
		b.WriteString(md + "\n")
	}
	return b.String()
}

// multiHTML is one page: the overview table, then the body of each task run's report.
func (r *Result) multiHTML() ([]byte, error) {
	var bodies [][]byte
	var head []byte
	for _, t := range r.Tasks {
		page, err := t.html()
		if err != nil {
			return nil, err
		}
		i, j := bytes.Index(page, []byte("<body>")), bytes.LastIndex(page, []byte("</body>"))
		if i < 0 || j < i {
			return nil, fmt.Errorf("render HTML report: no body")
		}
		if head == nil {
			head = page[:i]
		}
		bodies = append(bodies, page[i+len("<body>"):j])
	}
	var b bytes.Buffer
	b.Write(bytes.Replace(head, []byte("<title>"), []byte("<title>"+html.EscapeString(fmt.Sprintf("%d task runs: %s — ", len(r.Tasks), r.Result))), 1))
	fmt.Fprintf(&b, "<body>\n<h1>codearts-runner %s: %s (%d task runs, exit code %d)</h1>\n", html.EscapeString(r.Mode), html.EscapeString(r.Result), len(r.Tasks), r.ExitCode)
	b.WriteString("<table class=\"overview\">\n<tr><th>result</th><th>task</th><th>run</th><th>status</th><th>exit</th><th>gates</th></tr>\n")
	for k, o := range r.overview() {
		fmt.Fprintf(&b, "<tr><td class=\"verdict %s\">%s</td><td><a href=\"#task-%d\">%s</a></td><td>%s</td><td>%s</td><td>%d</td><td>%s</td></tr>\n",
			html.EscapeString(o.result), html.EscapeString(o.result), k+1, html.EscapeString(o.task), o.run, html.EscapeString(o.status), o.exit, o.gates)
	}
	b.WriteString("</table>\n")
	for k, body := range bodies {
		fmt.Fprintf(&b, "<section class=\"task\" id=\"task-%d\">\n", k+1)
		b.Write(body)
		b.WriteString("</section>\n")
	}
	b.WriteString("</body>\n</html>\n")
	return b.Bytes(), nil
}
