package faults

import (
	"context"
	"encoding/base64"
	"net/url"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/codearts-runner/codearts-runner/internal/sim"
)

// TestFindSecret checks the sweep itself: a secret is found plain, URL-encoded and inside a
// longer base64 text at every alignment, and a clean text has no hit.
func TestFindSecret(t *testing.T) {
	t.Parallel()
	pw := sim.DemoPassword
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	hits := map[string]string{
		"plain":               "error: wrong password " + pw + " given",
		"query-escaped":       "POST body password=" + url.QueryEscape(pw) + "&x=1",
		"base64 alone":        "token " + b64(pw),
		"base64 at offset 1":  "Authorization: Basic " + b64("u:"+pw),
		"base64 at offset 2":  "Authorization: Basic " + b64("us:"+pw),
		"base64 at offset 3":  "Authorization: Basic " + b64("use:"+pw+"!"),
		"base64url, no pad":   base64.RawURLEncoding.EncodeToString([]byte("??" + pw + "??")),
		"secret among others": `{"sk":"` + sim.DemoSK + `"}`,
	}
	for name, text := range hits {
		found := false
		for _, s := range []string{pw, sim.DemoSK} {
			if _, ok := findSecret(text, s); ok {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no secret found in %q", name, text)
		}
	}
	hp := hostilePassword
	for name, text := range map[string]string{
		"JSON-escaped":            `{"error_msg":"password Sim\"Pa\\ss\u003cw\u003e\u0026rd/9x+ refused"}`,
		"JSON, no HTML escapes":   `{"m":"Sim\"Pa\\ss<w>&rd\/9x+"}`,
		"Go-quoted JSON (debug)":  `response_body="{\"m\":\"Sim\\\"Pa\\\\ss\\u003cw\\u003e\\u0026rd/9x+\"}"`,
		"HTML-escaped":            "<td>Sim&#34;Pa\\ss&lt;w&gt;&amp;rd/9x+</td>",
		"XML-escaped":             `<failure message="Sim&#34;Pa\ss&lt;w&gt;&amp;rd/9x+">`,
		"base64 of its JSON form": base64.StdEncoding.EncodeToString([]byte(`{"p":"Sim\"Pa\\ss\u003cw\u003e\u0026rd/9x+"}`)),
	} {
		if _, ok := findSecret(text, hp); !ok {
			t.Errorf("%s: the hostile password is not found in %q", name, text)
		}
	}
	clean := "runner perftest: list test suites: HTTP 401 APIGW.0301 Incorrect IAM authentication information: " +
		b64("Sim-Demo-Passw") + " " + url.QueryEscape("Passw0rd!")
	for _, s := range []string{pw, sim.DemoSK, securityToken} {
		if form, ok := findSecret(clean, s); ok {
			t.Errorf("false positive: %.4s… (%s) in %q", s, form, clean)
		}
	}
}

// hostilePassword holds every character that an encoding changes: JSON (`"` `\` and the
// \u003c escapes of < > &), HTML, XML, URLs and Go quoting.
const hostilePassword = `Sim"Pa\ss<w>&rd/9x+`

// injection is server text that tries to steer the CI: a line break followed by workflow
// commands, the legacy `##[` form and an ANSI erase-line sequence.
const injection = "\n::error::pwned\r\n::stop-commands::x\n##[error]x \x1b[2K\u202eend"

// ourCommands are the workflow commands the runner issues itself.
var ourCommands = []string{"::add-mask::", "::group::", "::endgroup::", "::error title=", "::warning title="}

// echoReached checks that the echo reached the outputs in its masked or escaped form: a row
// whose echo never arrives proves nothing.
func echoReached(want string) func(*rig, *observation) {
	return func(r *rig, o *observation) {
		all := o.stdout + o.stderr + o.result + readFile(filepath.Join(r.dir, "report.html"))
		if !strings.Contains(all, want) {
			o.fail("the outputs do not show the echo as %q", want)
			return
		}
		o.note("echo shown as %q", want)
	}
}

// commandsSafe checks that server text issued no workflow command: every stdout line that
// starts with `::` (after blanks, as GitHub's runner reads it) is one of ours, with GitHub on
// (github) or none at all without it; no line of either stream holds `##[`, ESC or a
// bidirectional control; HTML, Markdown and JUnit hold no ESC or bidirectional control.
func commandsSafe(github bool) func(*rig, *observation) {
	return func(r *rig, o *observation) {
		for name, text := range map[string]string{"stdout": o.stdout, "stderr": o.stderr} {
			for _, line := range strings.Split(text, "\n") {
				cmd := strings.TrimLeftFunc(line, unicode.IsSpace)
				ours := github && name == "stdout" && slices.ContainsFunc(ourCommands, func(c string) bool { return strings.HasPrefix(cmd, c) })
				if strings.HasPrefix(cmd, "::") && !ours {
					o.fail("%s line is a workflow command: %q", name, line)
				}
				if strings.Contains(line, "##[") || strings.ContainsAny(line, "\x1b\r\u202e") {
					o.fail("%s line carries ##[ or a control character: %q", name, line)
				}
			}
		}
		for name, text := range map[string]string{"html": readFile(filepath.Join(r.dir, "report.html")), "junit": o.junit,
			"job summary": readFile(filepath.Join(r.dir, "summary.md"))} {
			if strings.ContainsAny(text, "\x1b\u202e") {
				o.fail("%s carries ESC or a bidirectional control", name)
			}
		}
	}
}

// TestSecretSweep runs the real binary against the simulator with password auth and a
// password holding "\<>&, while the server echoes the fetched IAM token (in a case name and in
// an error message) and the password (in IAM's error), with --debug on, GitHub and CodeArts
// outputs written: no output file and neither stream holds the token or the password in any
// encoding (the sweep of rig.run), and the echoes did arrive (masked).
func TestSecretSweep(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "runner")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/codearts-runner/codearts-runner/cmd/runner").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	sc := scenario{
		id: "sweep", opt: sim.Options{Password: hostilePassword}, auth: authPassword,
		env: []string{"CODEARTS_DEBUG=true", "STEP_ID=step", "PIPELINE_ID=p1"},
		before: func(ctx context.Context, r *rig) error {
			r.env = append(r.env, "RESULT_MSG_PATH="+r.dir, "CODEARTS_RETRIES=1")
			return inject(sim.Fault{Match: iamTokens, Kind: sim.FaultEcho, Status: 503, Text: "password {password} refused", Count: 1})(ctx, r)
		},
		during: afterStart(
			sim.Fault{Match: taskRead, Kind: sim.FaultEcho, Status: 503, Text: "busy serving {token} " + hostilePassword, Count: 2},
			sim.Fault{Match: taskRead, Kind: sim.FaultEcho, Find: "checkout", Text: "checkout {token} " + hostilePassword}),
		want: []string{"0"},
		check: all(firedAtLeast(sim.FaultEcho, 3), echoReached("checkout *** ***"), echoReached("busy serving *** ***"),
			echoReached("password *** refused"), func(r *rig, o *observation) {
				if readFile(filepath.Join(r.dir, "step_result.json")) == "" {
					o.fail("no CodeArts result file")
				}
				if len(r.issuedTokens()) == 0 {
					o.fail("no IAM token was issued")
				}
			}),
	}
	row := runScenario(t, bin, sc, 1)
	if !row.ok() {
		t.Errorf("%s", row.details())
	}
}
