package ci

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/pkg/config"
	"github.com/codearts-runner/codearts-runner/pkg/redact"
	"github.com/codearts-runner/codearts-runner/pkg/report"
)

// injected is server text that tries to leak a secret and to steer the terminal and the CI.
const injected = "\n::error::pwned\r\n::stop-commands::x ##[error]x \x1b[2K\x1b]0;t\x07 \u202eevil\u2066 \x00\x08\ufffe"

// hostileResult is writerSample with the secret and the injection in every kind of text.
func hostileResult(secret string) *report.Result {
	r := writerSample()
	r.Error = "HTTP 400: echo " + strconv.Quote(secret) + injected
	r.Settings["plan-case-map"] = "gate " + secret + "=c1"
	r.Task.Name += " " + secret + injected
	r.Gates[0].Name = `case "` + secret + `": p95` + injected
	r.Gates[0].Message += injected
	r.Cases[0].Name = "login " + secret + injected
	r.Cases[0].Requests = []report.Request{{Name: "POST /" + secret + injected}}
	r.Checks = []report.Check{{Name: "check", Group: "cases", Verdict: "failed", Message: "bad " + secret + injected}}
	r.PlanRecords = []report.PlanRecord{{Name: "gate", CaseID: "c1", Verdict: "failed", Error: secret + injected}}
	r.Curves()[0].Name = secret + injected
	return r
}

// TestRedactEveryWriter writes every output of a result whose server texts hold a secret and
// an injection: no output holds the secret in any form, HTML, Markdown and JUnit carry no ESC
// or bidirectional control, JUnit is valid XML, and no terminal line is started by server text.
func TestRedactEveryWriter(t *testing.T) {
	t.Parallel()
	const secret = `Pa"ss\w<o>r&d-9x`
	red := redact.New(secret)
	r := hostileResult(secret)
	shared := r.Cases[0].Requests
	r.Redact(red)
	if shared[0].Name != "POST /"+secret+injected {
		t.Error("Redact changed the request rows it shares with the outcome")
	}

	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	for _, err := range []error{r.WriteJUnit(p("junit.xml")), r.WriteJSON(p("result.json")), r.WriteHTML(p("report.html")),
		WriteDotenv(r, p("out.env")), WriteCodeArts(r, dir, "step")} {
		if err != nil {
			t.Fatal(err)
		}
	}
	var summary, stdout bytes.Buffer
	r.WriteSummary(&summary)
	ci := config.CI{GitHub: true, GitHubStepSummary: p("summary.md"), GitHubOutput: p("gh-output")}
	gh := NewGitHub(ci, &stdout, red)
	PublishGitHub(r, gh, []string{secret}, p("junit.xml"), p("result.json"))
	if err := gh.Err(); err != nil {
		t.Fatal(err)
	}

	outputs := map[string]string{"summary": summary.String()}
	for _, name := range []string{"junit.xml", "result.json", "report.html", "out.env", "step_result.json", "step_metrics.json", "summary.md", "gh-output"} {
		b, err := os.ReadFile(p(name))
		if err != nil {
			t.Fatal(err)
		}
		outputs[name] = string(b)
	}
	var commands []string // stdout without our ::add-mask:: (it must carry the secret)
	for _, line := range strings.Split(stdout.String(), "\n") {
		if !strings.HasPrefix(line, "::add-mask::") {
			commands = append(commands, line)
		}
	}
	outputs["workflow commands"] = strings.Join(commands, "\n")

	forms := []string{secret, strconv.Quote(secret)[1 : len(secret)+1], `Pa\"ss\\w\u003co\u003er\u0026d`, "Pa&#34;ss", `Pa\"ss\\w<o>r&d`, "Pa%22ss"}
	for name, text := range outputs {
		for _, f := range forms {
			if strings.Contains(text, f) {
				t.Errorf("%s holds the secret as %q:\n%s", name, f, text)
			}
		}
		if strings.ContainsAny(text, "\x1b\u202e\u2066\x00\x08\ufffe") {
			t.Errorf("%s holds a control character: %q", name, text)
		}
		if (name == "summary" || name == "workflow commands") && strings.Contains(text, "##[") {
			t.Errorf("%s holds ##[", name)
		}
	}
	if err := xml.Unmarshal([]byte(outputs["junit.xml"]), new(struct{})); err != nil {
		t.Errorf("JUnit is not valid XML: %v", err)
	}
	for _, line := range strings.Split(outputs["summary"], "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "::") {
			t.Errorf("summary line started by server text: %q", line)
		}
	}
	for _, line := range strings.Split(stdout.String(), "\n") {
		ours := false
		for _, c := range []string{"::add-mask::", "::error title=", "::warning title=", "::group::", "::endgroup::"} {
			ours = ours || strings.HasPrefix(line, c)
		}
		if line != "" && !ours {
			t.Errorf("workflow command not ours: %q", line)
		}
	}
	if !strings.Contains(outputs["summary"], `\n::error::pwned`) {
		t.Errorf("the summary does not show the injected text escaped:\n%s", outputs["summary"])
	}
}
