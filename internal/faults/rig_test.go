package faults

import (
	"github.com/codearts-runner/codearts-runner/internal/testutil"

	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/internal/sim"
	"github.com/codearts-runner/codearts-runner/pkg/report"
)

// authMode is how the runner authenticates in a scenario.
type authMode int

const (
	// authAKSK signs with the demo AK/SK and sends a security token (temporary credentials).
	authAKSK authMode = iota
	// authPassword buys IAM tokens with the demo user's password.
	authPassword
	// authToken sends a fixed IAM token obtained from the simulator before the run.
	authToken
)

// securityToken is the X-Security-Token of the AK/SK scenarios: the simulator requires it with
// the demo keys (see newRig), the runner must never print it.
const securityToken = "SIMsecTOKEN-q8V2mZ7rT4kX9wB3nH6pL1cF5dJ0gS"

// rig is one simulator serving one run of a scenario. It is served through a thin handler
// (instead of sim.Server.Start) that remembers every IAM token issued or presented, so that
// the secret sweep can look for them.
type rig struct {
	srv   *sim.Server
	url   string
	scale float64
	dir   string
	task  int      // the task whose runs are counted
	env   []string // settings of the run, see settings
	cmd   string   // the subcommand run; "" = perftest
	hs    *http.Server
	// password is the demo user's password (sim.Options.Password or sim.DemoPassword).
	password string

	mu     sync.Mutex
	tokens []string
}

// newRig starts a simulator with opt on loopback and a working directory for the run.
func newRig(t *testing.T, opt sim.Options, task int) (*rig, error) {
	if opt.Scale == 0 {
		opt.Scale = 60
	}
	r := &rig{srv: sim.New(opt), scale: opt.Scale, dir: t.TempDir(), task: task, password: opt.Password}
	if r.password == "" {
		r.password = sim.DemoPassword
	}
	// issue 11: the simulator checks the security token of temporary keys; the demo keys are
	// temporary ones here.
	r.srv.AddTemporaryCredential(sim.DemoAK, sim.DemoSK, securityToken)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	r.url = "http://" + ln.Addr().String()
	r.hs = &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	go r.hs.Serve(ln)
	t.Cleanup(func() {
		r.srv.Close() // releases held (hanging, slow) requests
		r.hs.Close()
	})
	return r, nil
}

// ServeHTTP passes the request to the simulator and records the IAM tokens it sees.
func (r *rig) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.addToken(req.Header.Get("X-Auth-Token"))
	r.srv.ServeHTTP(w, req)
	r.addToken(w.Header().Get("X-Subject-Token"))
}

func (r *rig) addToken(tok string) {
	if tok == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !slices.Contains(r.tokens, tok) {
		r.tokens = append(r.tokens, tok)
	}
}

// issuedTokens returns every IAM token seen so far.
func (r *rig) issuedTokens() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.tokens)
}

// junitPath and resultPath are where the run writes its files (a setting may override them).
func (r *rig) junitPath() string  { return filepath.Join(r.dir, "junit.xml") }
func (r *rig) resultPath() string { return filepath.Join(r.dir, "result.json") }

// settings is the environment of a run: the simulator's endpoints and scale, the demo task
// and gates, the authentication of mode, and extra (KEY=value; "KEY=" removes KEY). Nothing is
// inherited from the test's own environment, so no CODEARTS_*, INPUT_* or CI variable of the
// machine can change the outcome.
func (r *rig) settings(mode authMode, extra []string) []string {
	env := []string{
		"CODEARTS_CPTS_ENDPOINT=" + r.url,
		"CODEARTS_IAM_ENDPOINT=" + r.url,
		"CODEARTS_PROJECT_ID=" + sim.DemoProjectID,
		"CODEARTS_TEST_SUITE=" + sim.DemoSuiteName,
		"CODEARTS_TASK=" + sim.DemoTaskName,
		"CODEARTS_GATES=p95 <= 800ms\nsuccess_rate >= 99%",
		"CODEARTS_SIM_SCALE=" + strconv.FormatFloat(r.scale, 'g', -1, 64),
		"CODEARTS_JUNIT_FILE=" + r.junitPath(),
		"CODEARTS_RESULT_FILE=" + r.resultPath(),
		// Every other output too, so that the sweep reads them: HTML report, dotenv, and the
		// GitHub job summary and outputs (the run believes it is a GitHub step).
		"CODEARTS_HTML_REPORT=" + filepath.Join(r.dir, "report.html"),
		"CODEARTS_DOTENV_FILE=" + filepath.Join(r.dir, "out.env"),
		"GITHUB_ACTIONS=true",
		"GITHUB_STEP_SUMMARY=" + filepath.Join(r.dir, "summary.md"),
		"GITHUB_OUTPUT=" + filepath.Join(r.dir, "github-output.txt"),
	}
	switch mode {
	case authAKSK:
		env = append(env, "CODEARTS_AK="+sim.DemoAK, "CODEARTS_SK="+sim.DemoSK, "CODEARTS_SECURITY_TOKEN="+securityToken)
	case authPassword:
		env = append(env, "CODEARTS_USERNAME="+sim.DemoUser, "CODEARTS_PASSWORD="+r.password, "CODEARTS_DOMAIN="+sim.DemoDomain)
	}
	return override(env, append(slices.Clone(r.env), extra...))
}

// override replaces or adds KEY=value entries; "KEY=" with no value removes KEY.
func override(env, extra []string) []string {
	for _, kv := range extra {
		k, v, _ := strings.Cut(kv, "=")
		env = slices.DeleteFunc(env, func(e string) bool { return strings.HasPrefix(e, k+"=") })
		if v != "" {
			env = append(env, kv)
		}
	}
	return env
}

// iamToken asks the simulator's IAM for a token with the demo password, as a pipeline would
// before handing the token to the runner.
func (r *rig) iamToken(ctx context.Context) (string, error) {
	body := fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":%q,"domain":{"name":%q}}}},"scope":{"project":{"id":%q}}}}`,
		sim.DemoUser, sim.DemoPassword, sim.DemoDomain, sim.DemoProjectID)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url+"/v3/auth/tokens", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	tok := resp.Header.Get("X-Subject-Token")
	if resp.StatusCode != http.StatusCreated || tok == "" {
		return "", fmt.Errorf("IAM token: HTTP %d without a token", resp.StatusCode)
	}
	return tok, nil
}

// countRequests counts the recorded requests whose "METHOD path" contains every part.
func (r *rig) countRequests(parts ...string) int {
	n := 0
	for _, rec := range r.srv.Requests() {
		key := rec.Method + " " + rec.Path
		if !slices.ContainsFunc(parts, func(p string) bool { return !strings.Contains(key, p) }) {
			n++
		}
	}
	return n
}

// faultsFired counts the recorded requests that a request-level fault of kind acted on.
func (r *rig) faultsFired(kind sim.FaultKind) int {
	n := 0
	for _, rec := range r.srv.Requests() {
		if rec.Fault == kind {
			n++
		}
	}
	return n
}

// started returns the last run of the task that was started through the API.
func (r *rig) started() (sim.RunInfo, bool) {
	runs := r.srv.Runs(r.task)
	for i := len(runs) - 1; i >= 0; i-- {
		if !runs[i].Seeded && !runs[i].Foreign {
			return runs[i], true
		}
	}
	return sim.RunInfo{}, false
}

// leftRunning counts the task's runs that have not ended and were never asked to stop (another
// pipeline's run is not the runner's to stop).
func (r *rig) leftRunning() int {
	n := 0
	for _, ri := range r.srv.Runs(r.task) {
		if ri.Foreign {
			continue
		}
		final := ri.Status == sim.StatusFinished || ri.Status == sim.StatusAborted || ri.Status == sim.StatusStopped
		if !final && !ri.StopRequested {
			n++
		}
	}
	return n
}

// proc is the runner subprocess of one run.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr testutil.SyncBuffer
}

// signal sends sig to the runner.
func (p *proc) signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// until polls cond every few milliseconds until it holds (true) or ctx ends (false).
func until(ctx context.Context, cond func() bool) bool {
	for !cond() {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(3 * time.Millisecond):
		}
	}
	return true
}

// observation is what one run of a scenario produced.
type observation struct {
	exit           string // "0".."130", "SIGTERM" when killed by a signal, "hung" at the deadline
	stdout, stderr string
	junit, result  string // file contents; "" when not written
	left           int    // runs left running
	starts         int    // runs started through the API
	secrets        []string
	notes          []string // facts worth a glance in the table
	problems       []string // failed scenario-specific assertions
	took           time.Duration
}

// note records a fact for the table.
func (o *observation) note(format string, a ...any) {
	o.notes = append(o.notes, fmt.Sprintf(format, a...))
}

// fail records a failed scenario-specific assertion.
func (o *observation) fail(format string, a ...any) {
	o.problems = append(o.problems, fmt.Sprintf(format, a...))
}

// resultFile parses the result JSON written by the run (nil when there is none).
func (o *observation) resultFile() *report.Result {
	if o.result == "" {
		return nil
	}
	var res report.Result
	if json.Unmarshal([]byte(o.result), &res) != nil {
		return nil
	}
	return &res
}

// exitString renders how a process ended.
func exitString(ps *os.ProcessState) string {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return signalName(ws.Signal())
	}
	return strconv.Itoa(ps.ExitCode())
}

func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGKILL:
		return "SIGKILL"
	}
	return "signal " + s.String()
}

// run runs the binary with env until it exits or limit passes, with during alongside it,
// and observes the outcome.
func (r *rig) run(bin string, env []string, limit time.Duration, during func(context.Context, *rig, *proc)) observation {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := r.cmd
	if cmd == "" {
		cmd = "perftest"
	}
	p := &proc{cmd: exec.CommandContext(ctx, bin, cmd)}
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	p.cmd.WaitDelay = 2 * time.Second
	begin := time.Now()
	if err := p.cmd.Start(); err != nil {
		return observation{exit: "not started", problems: []string{err.Error()}}
	}
	dctx, dcancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	if during != nil {
		wg.Go(func() { during(dctx, r, p) })
	}
	err := p.cmd.Wait()
	o := observation{took: time.Since(begin)}
	dcancel()
	wg.Wait()
	switch {
	case ctx.Err() != nil:
		o.exit = "hung"
		o.fail("still running after %s: killed", limit)
	case p.cmd.ProcessState != nil:
		o.exit = exitString(p.cmd.ProcessState)
	default:
		o.exit = "?"
		o.fail("wait: %v", err)
	}
	o.stdout, o.stderr = p.stdout.String(), p.stderr.String()
	o.junit, o.result = readFile(envValue(env, "CODEARTS_JUNIT_FILE")), readFile(envValue(env, "CODEARTS_RESULT_FILE"))
	o.left = r.leftRunning()
	o.starts = r.srv.StartCount(r.task)
	if n := len(r.issuedTokens()); n > 0 {
		o.note("%d IAM token(s) swept for", n)
	}
	// GitHub consumes ::add-mask:: lines — they are how a secret is masked — so they are the
	// one place a secret may be printed.
	var shown []string
	for _, line := range strings.Split(o.stdout, "\n") {
		if !strings.HasPrefix(line, "::add-mask::") {
			shown = append(shown, line)
		}
	}
	texts := []struct{ name, text string }{{"stdout", strings.Join(shown, "\n")}, {"stderr", o.stderr}, {"junit", o.junit}, {"result", o.result},
		{"html", readFile(filepath.Join(r.dir, "report.html"))}, {"dotenv", readFile(filepath.Join(r.dir, "out.env"))},
		{"job summary", readFile(filepath.Join(r.dir, "summary.md"))}, {"github outputs", readFile(filepath.Join(r.dir, "github-output.txt"))},
		{"CodeArts result", readFile(filepath.Join(r.dir, "step_result.json"))}, {"CodeArts metrics", readFile(filepath.Join(r.dir, "step_metrics.json"))}}
	for _, sec := range r.secrets() {
		for _, t := range texts {
			if form, ok := findSecret(t.text, sec.value); ok {
				o.secrets = append(o.secrets, fmt.Sprintf("%s (%s) in %s", sec.name, form, t.name))
			}
		}
	}
	return o
}

func envValue(env []string, key string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}

func readFile(path string) string {
	if path == "" {
		return ""
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return string(b)
}

// secret is one value that must never appear in an output.
type secret struct{ name, value string }

// secrets lists the SK, the password, the security token and every IAM token of the run.
func (r *rig) secrets() []secret {
	out := []secret{{"SK", sim.DemoSK}, {"password", r.password}, {"security token", securityToken}}
	for _, tok := range r.issuedTokens() {
		out = append(out, secret{"IAM token", tok})
	}
	return out
}

// findSecret reports whether text holds value verbatim, JSON-escaped (with and without the
// \u003c escapes, with escaped slashes), Go-quoted, HTML- or XML-escaped, URL-encoded or
// base64-encoded (of the value or of its JSON form; any alphabet, padding, and any alignment
// inside a longer encoded string), and in which form.
func findSecret(text, value string) (string, bool) {
	if text == "" || value == "" {
		return "", false
	}
	for _, f := range secretForms(value) {
		if strings.Contains(text, f.text) {
			return f.form, true
		}
	}
	return "", false
}

type secretForm struct{ form, text string }

// secretForms returns value as it could appear: plain, URL-encoded (query and path) and the
// base64 cores that every encoding of a text containing value contains. A value starting at
// byte k of a 3-byte group encodes differently for k = 0, 1, 2; the characters of the first
// group (shared with preceding bytes) and of the last partial group (shared with following
// bytes) are dropped, so the core is found wherever value sits.
func secretForms(value string) []secretForm {
	forms := []secretForm{{"plain", value}}
	add := func(form, text string) {
		if !slices.ContainsFunc(forms, func(f secretForm) bool { return f.text == text }) {
			forms = append(forms, secretForm{form, text})
		}
	}
	for _, e := range []string{url.QueryEscape(value), url.PathEscape(value), strings.ReplaceAll(url.QueryEscape(value), "+", "%20")} {
		add("URL-encoded", e)
	}
	jsonForms := jsonEscaped(value)
	for _, j := range jsonForms {
		add("JSON-escaped", j)
		add("JSON-escaped", strings.ReplaceAll(j, "/", `\/`))
	}
	for _, v := range append([]string{value}, jsonForms...) { // the debug log quotes JSON bodies
		q := strconv.Quote(v)
		add("Go-quoted", q[1:len(q)-1])
	}
	add("HTML-escaped", html.EscapeString(value))
	add("HTML-escaped", template.HTMLEscapeString(value))
	var x strings.Builder
	xml.EscapeText(&x, []byte(value))
	add("XML-escaped", x.String())
	for _, v := range append([]string{value}, jsonForms...) {
		for _, f := range base64Cores(v) {
			add(f.form, f.text)
		}
	}
	return forms
}

// jsonEscaped is value as a JSON string without its quotes, with and without the escapes of
// <, > and &.
func jsonEscaped(value string) []string {
	var out []string
	for _, escapeHTML := range []bool{true, false} {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(escapeHTML)
		enc.Encode(value)
		s := strings.TrimSuffix(b.String(), "\n")
		out = append(out, s[1:len(s)-1])
	}
	return out
}

// base64Cores are the base64 texts that every base64 encoding of a text containing value
// contains, at each of the three alignments.
func base64Cores(value string) []secretForm {
	var forms []secretForm
	for k := range 3 {
		buf := append(make([]byte, k), value...)
		n := len(buf) / 3 * 4 // characters of the complete groups
		from := 0
		if k > 0 {
			from = 4
		}
		if n-from < 8 { // too short to be told from noise
			continue
		}
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			forms = append(forms, secretForm{"base64", enc.EncodeToString(buf)[from:n]})
		}
	}
	return forms
}
