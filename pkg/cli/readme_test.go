package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/codearts-runner/codearts-runner/internal/testtool"
	"github.com/codearts-runner/codearts-runner/pkg/config"
)

// TestREADMETablesAreCurrent keeps the README's generated tables in step with the code.
func TestREADMETablesAreCurrent(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, what := range []string{"settings", "metrics"} {
		var out bytes.Buffer
		code := Main(context.Background(), Env{Args: []string{"docs", what}, Stdout: &out, Stderr: &out})
		if code != 0 || out.Len() == 0 {
			t.Fatalf("runner docs %s: exit %d\n%s", what, code, out.String())
		}
		if !strings.Contains(string(readme), out.String()) {
			t.Errorf("README's %s table is stale: paste the output of `go run ./cmd/runner docs %s`", what, what)
		}
	}
}

// TestREADMEExamplesRun executes the README (and every Markdown file it links): each gates
// text, gates file and `runner` command is run with the real binary against the simulator; the
// settings of the CI snippets that need a real CodeArts project are loaded and their gates
// checked. A block that cannot run here carries a `<!-- readme-test: ... -->` comment saying
// so; anything else the test cannot run fails it.
func TestREADMEExamplesRun(t *testing.T) {
	t.Parallel()
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range linkedDocs(t, "../../README.md") {
		t.Run(filepath.Base(doc), func(t *testing.T) {
			text, err := os.ReadFile(doc)
			if err != nil {
				t.Fatal(err)
			}
			d := &docRunner{bin: bin, dir: t.TempDir(), repo: "../..", log: t.Logf}
			// The docs' commands name the repository's examples (examples/perftest.yaml).
			if err := os.CopyFS(filepath.Join(d.dir, "examples"), os.DirFS("../../examples")); err != nil {
				t.Fatal(err)
			}
			for _, p := range d.check(string(text)) {
				t.Errorf("%s:%s", doc, p)
			}
		})
	}
}

// TestREADMECheckerCatchesBrokenExamples proves that the README test fails on a broken
// example of every kind, and on a block it cannot run that is not marked.
func TestREADMECheckerCatchesBrokenExamples(t *testing.T) {
	t.Parallel()
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	fence := "```"
	cases := []struct {
		name, md, want string
	}{
		{"gates text", fence + "text\np95 <= 750 parsecs\n" + fence + "\n", "runner gates check --gates"},
		{"gates file: warn gate that aborts", fence + "yaml\ngates:\n  - metric: p95\n    op: \"<=\"\n    value: 1s\n    severity: warn\n    abort_after: 60s\n" + fence + "\n", "a warn gate cannot abort"},
		{"inline command with the wrong exit", "Run `./bin/runner perftest --simulate --gates 'p95 <= 100ms'` and it exits 0.\n", "exit 1, want 0"},
		{"inline command with a bad argument", "Try `runner docs colours`.\n", "exit 2"},
		{"command block", fence + "sh\nrunner gates check --gates 'p95 <= fast'\n" + fence + "\n", "exit 2"},
		{"unknown make target", fence + "sh\nmake no-such-target\n" + fence + "\n", "make -n no-such-target"},
		{"action step with an unknown input", "<!-- readme-test: check-only (needs CodeArts) -->\n" + fence + "yaml\n- uses: codearts-runner/codearts-runner@v1\n  with:\n    task: t\n    colour: blue\n" + fence + "\n", `"colour" is not a setting`},
		{"GitLab job with a bad gate", "<!-- readme-test: check-only (needs CodeArts) -->\n" + fence + "yaml\njob:\n  variables: { CODEARTS_GATES: \"p95 <== 1s\" }\n  script: [runner perftest]\n" + fence + "\n", "CODEARTS_GATES"},
		{"Jenkins step with an unknown flag", "<!-- readme-test: check-only (needs CodeArts) -->\n" + fence + "groovy\nsh 'runner perftest --tsak=smoke'\n" + fence + "\n", "tsak"},
		{"unmarked block that cannot run", fence + "yaml\n- uses: codearts-runner/codearts-runner@v1\n  with:\n    task: t\n" + fence + "\n", "readme-test"},
		{"unknown block kind", fence + "python\nprint(1)\n" + fence + "\n", "readme-test"},
		{"unmarked inline command", "Then `runner perftest --task smoke` runs it.\n", "not run"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d := &docRunner{bin: bin, dir: t.TempDir(), repo: "../..", log: func(string, ...any) {}}
			problems := d.check(c.md)
			if len(problems) == 0 {
				t.Fatalf("no problem found in\n%s", c.md)
			}
			if !strings.Contains(strings.Join(problems, "\n"), c.want) {
				t.Errorf("problems do not mention %q:\n%s", c.want, strings.Join(problems, "\n"))
			}
		})
	}
	// And a correct document passes.
	good := "Try `runner gates --list`.\n\n" + fence + "text\np95 <= 750ms\n" + fence + "\n\n<!-- readme-test: skip (an illustration) -->\n" + fence + "go\nfunc f() {}\n" + fence + "\n"
	d := &docRunner{bin: bin, dir: t.TempDir(), repo: "../..", log: func(string, ...any) {}}
	if problems := d.check(good); len(problems) > 0 {
		t.Errorf("a correct document has problems:\n%s", strings.Join(problems, "\n"))
	}
}

// inlineNotRun are the inline commands of the docs that cannot run here as written, with the
// reason. An inline `runner` command neither runnable nor listed fails the README test.
var inlineNotRun = map[string]string{
	"runner perftest":                       "a command name in prose: needs a CodeArts task (the --simulate form runs)",
	"runner testplan":                       "a command name in prose: needs a CodeArts plan (the --simulate form runs)",
	"runner taskmodel":                      "a command name in prose: needs task templates (the --simulate form runs)",
	"runner gates check":                    "a command name in prose (the --gates-file form runs)",
	"runner simulate":                       "serves until stopped",
	"runner simulate --addr 127.0.0.1:8080": "serves until stopped",
	"runner perftest --run-id N":            "N is a placeholder",
	"runner <command> --help":               "<command> is a placeholder",
	"runner workflow":                       "a command name in prose: needs a MAS workflow (the --simulate form runs)",
	"runner perftest --definition FILE":     "FILE is a placeholder (the --simulate form with examples/perftest.yaml runs)",
	"runner definition check FILE":          "FILE is a placeholder (the examples/perftest.yaml form runs)",
	"runner definition export --test-suite S --task T --definition FILE":     "S, T and FILE are placeholders",
	"runner workflow --mas-endpoint https://… --workflow <id or exact name>": "the endpoint and the workflow are placeholders",
}

// docRunner runs the examples of one Markdown text.
type docRunner struct {
	bin  string // the runner binary
	dir  string // working directory of the commands
	repo string // repository root, for make
	log  func(string, ...any)
	done map[string]bool // commands run, with their expectation
}

// mdBlock is a fenced code block: its info string, body, the line of its fence and the
// readme-test directive before it ("" when none).
type mdBlock struct {
	info, body, directive string
	line                  int
}

var (
	directiveRe = regexp.MustCompile(`^<!--\s*readme-test:\s*(.*?)\s*-->$`)
	spanRe      = regexp.MustCompile("`((?:\\./bin/)?runner [^`]*)`")
	exitsRe     = regexp.MustCompile("^[^.`]*?\\bexits (\\d+)(?: and says `([^`]+)`)?")
	mdLinkRe    = regexp.MustCompile(`\]\(([^)#]+\.md)\)`)
)

// parseMarkdown splits a Markdown text into its fenced blocks and the prose outside them (one
// entry per line of text, blank inside blocks).
func parseMarkdown(text string) (blocks []mdBlock, prose []string) {
	lines := strings.Split(text, "\n")
	prev := ""
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if !strings.HasPrefix(line, "```") {
			prose = append(prose, line)
			if strings.TrimSpace(line) != "" {
				prev = strings.TrimSpace(line)
			}
			continue
		}
		b := mdBlock{info: strings.TrimSpace(strings.TrimPrefix(line, "```")), line: i + 1}
		if m := directiveRe.FindStringSubmatch(prev); m != nil {
			b.directive = m[1]
		}
		var body []string
		prose = append(prose, "")
		for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
			body = append(body, lines[i])
			prose = append(prose, "")
		}
		prose = append(prose, "")
		b.body = strings.Join(body, "\n") + "\n"
		blocks = append(blocks, b)
		prev = ""
	}
	return blocks, prose
}

// linkedDocs is the document and every Markdown file it links to (relative links only).
func linkedDocs(t *testing.T, doc string) []string {
	t.Helper()
	text, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{doc}
	seen := map[string]bool{doc: true}
	for _, m := range mdLinkRe.FindAllStringSubmatch(string(text), -1) {
		if strings.Contains(m[1], "://") {
			continue
		}
		p := filepath.Join(filepath.Dir(doc), m[1])
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// check runs every example of text and returns the problems, each starting with its line.
func (d *docRunner) check(text string) []string {
	var problems []string
	add := func(line int, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%d: %s", line, fmt.Sprintf(format, args...)))
	}
	blocks, prose := parseMarkdown(text)
	// Gates files first: the prose runs `runner gates check --gates-file gates.yaml` on the
	// README's example before the block appears.
	files := 0
	for _, b := range blocks {
		if b.info == "yaml" && b.directive == "" && isGatesFile(b.body) {
			name := "gates.yaml"
			if files > 0 {
				name = fmt.Sprintf("gates-%d.yaml", files+1)
			}
			files++
			if err := os.WriteFile(filepath.Join(d.dir, name), []byte(b.body), 0o644); err != nil {
				add(b.line, "%v", err)
				continue
			}
			d.expect(add, b.line, "runner gates check --gates-file "+name, 0, "")
		}
	}
	for _, b := range blocks {
		switch {
		case strings.HasPrefix(b.directive, "skip"):
			d.log("line %d: %s block not run: %s", b.line, b.info, b.directive)
		case strings.HasPrefix(b.directive, "check-only"):
			d.log("line %d: %s block checked, not run: %s", b.line, b.info, b.directive)
			d.checkOnly(add, b)
		case b.directive != "":
			add(b.line, "unknown readme-test directive %q (skip or check-only, with the reason)", b.directive)
		case b.info == "text" || b.info == "gates":
			d.expect(add, b.line, "runner gates check --gates "+shellQuote(b.body), 0, "")
		case b.info == "yaml" && isGatesFile(b.body):
			// run above
		case b.info == "yaml" && isDefinition(b.body):
			name := fmt.Sprintf("definition-%d.yaml", b.line)
			if err := os.WriteFile(filepath.Join(d.dir, name), []byte(b.body), 0o644); err != nil {
				add(b.line, "%v", err)
				continue
			}
			d.expect(add, b.line, "runner definition check "+name, 0, "")
		case b.info == "sh" || b.info == "bash" || b.info == "console":
			d.commands(add, b)
		default:
			add(b.line, "a %q block the README test cannot run: mark it with <!-- readme-test: skip (reason) --> or <!-- readme-test: check-only (reason) -->", b.info)
		}
	}
	for i, line := range prose {
		for _, m := range spanRe.FindAllStringSubmatchIndex(line, -1) {
			cmd := line[m[2]:m[3]]
			if reason, ok := inlineNotRun[cmd]; ok {
				d.log("line %d: `%s` not run: %s", i+1, cmd, reason)
				continue
			}
			if !runnable(cmd) {
				add(i+1, "`%s` is not run: give it --simulate, or list it in inlineNotRun with the reason", cmd)
				continue
			}
			code, says := 0, ""
			if e := exitsRe.FindStringSubmatch(line[m[1]:]); e != nil {
				code, _ = strconv.Atoi(e[1])
				says = e[2]
			}
			d.expect(add, i+1, cmd, code, says)
		}
	}
	return problems
}

// runnable reports whether a command can run here as written: against the simulator, or a
// command that needs no service.
func runnable(cmd string) bool {
	f := strings.Fields(cmd)
	if len(f) < 2 {
		return false
	}
	switch f[1] {
	case "gates", "docs", "version", "help", "--help":
		return true
	}
	return strings.Contains(cmd, "--simulate")
}

// isGatesFile reports whether a YAML block is a gates file (a map with gates or cases).
func isGatesFile(body string) bool {
	var m map[string]any
	if yaml.Unmarshal([]byte(body), &m) != nil {
		return false
	}
	_, g := m["gates"]
	_, c := m["cases"]
	_, jobs := m["jobs"]
	return (g || c) && !jobs && !isDefinition(body)
}

// isDefinition reports whether a YAML block is a PerfTest definition file (it names a suite).
func isDefinition(body string) bool {
	var m map[string]any
	if yaml.Unmarshal([]byte(body), &m) != nil {
		return false
	}
	_, suite := m["suite"]
	return suite
}

// commands runs each line of a shell block; `make X` runs the runner commands of X's recipe
// (make -n) and checks the target exists.
func (d *docRunner) commands(add func(int, string, ...any), b mdBlock) {
	for i, line := range strings.Split(b.body, "\n") {
		line = strings.TrimSpace(stripComment(line))
		if line == "" {
			continue
		}
		if target, ok := strings.CutPrefix(line, "make "); ok {
			if _, err := testtool.Find("make"); err != nil && !testtool.InCI() {
				d.log("NOTE: line %d: make not installed: `%s` skipped locally (it fails in CI)", b.line+i+1, line)
				continue
			}
			out, err := exec.Command("make", "-n", "-C", d.repo, target).CombinedOutput()
			if err != nil {
				add(b.line+i+1, "make -n %s: %v\n%s", target, err, out)
				continue
			}
			for _, l := range strings.Split(string(out), "\n") {
				if strings.HasPrefix(l, "./bin/runner ") {
					d.expect(add, b.line+i+1, l, 0, "")
				}
			}
			continue
		}
		d.expect(add, b.line+i+1, line, 0, "")
	}
}

// stripComment removes a trailing shell comment outside quotes.
func stripComment(line string) string {
	var quote rune
	for i, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			return line[:i]
		}
	}
	return line
}

// expect runs cmd with sh in the working directory, `runner` and ./bin/runner being the built
// binary, with no CODEARTS_* or CI variable of the host, and checks its exit code and output.
func (d *docRunner) expect(add func(int, string, ...any), line int, cmd string, code int, says string) {
	key := fmt.Sprintf("%s|%d|%s", strings.TrimPrefix(cmd, "./bin/"), code, says)
	if d.done[key] {
		return
	}
	if d.done == nil {
		d.done = map[string]bool{}
	}
	d.done[key] = true
	binDir := filepath.Join(d.dir, "bin")
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		add(line, "%v", err)
		return
	}
	link := filepath.Join(binDir, "runner")
	if _, err := os.Lstat(link); err != nil {
		if err := os.Symlink(d.bin, link); err != nil {
			add(line, "%v", err)
			return
		}
	}
	c := exec.Command("sh", "-c", cmd)
	c.Dir = d.dir
	c.Env = []string{"PATH=" + binDir + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + d.dir}
	out, _ := c.CombinedOutput()
	got := c.ProcessState.ExitCode()
	d.log("line %d: `%s` exit %d", line, cmd, got)
	if got != code {
		add(line, "`%s`: exit %d, want %d\n%s", cmd, got, code, out)
		return
	}
	if says != "" && !strings.Contains(string(out), says) {
		add(line, "`%s` does not say %q:\n%s", cmd, says, out)
	}
}

// checkOnly checks a snippet that needs a real CodeArts project: GitHub steps (inputs are
// settings of the mode, values load, gates parse), GitLab jobs (CODEARTS_* variables are
// settings, values load, gates parse, `runner` commands load) and Jenkins `sh` steps.
func (d *docRunner) checkOnly(add func(int, string, ...any), b mdBlock) {
	switch b.info {
	case "yaml":
		var steps []struct {
			Uses string            `yaml:"uses"`
			With map[string]string `yaml:"with"`
		}
		if yaml.Unmarshal([]byte(b.body), &steps) == nil && len(steps) > 0 {
			for _, s := range steps {
				if !strings.HasPrefix(s.Uses, "codearts-runner/codearts-runner@") {
					continue
				}
				mode := config.PerfTest
				environ := map[string]string{}
				for k, v := range s.With {
					if k == "mode" {
						mode = config.Mode(v)
						continue
					}
					if !strings.Contains(v, "${{") {
						environ[config.InputName(k)] = v
					}
				}
				for k := range s.With {
					if k != "mode" && !isSetting(k, mode) {
						add(b.line, "input %q is not a setting of runner %s", k, mode)
					}
				}
				d.loadCheck(add, b.line, mode, nil, environ)
			}
			return
		}
		var jobs map[string]struct {
			Variables map[string]string `yaml:"variables"`
			Script    []string          `yaml:"script"`
		}
		if err := yaml.Unmarshal([]byte(b.body), &jobs); err != nil {
			add(b.line, "YAML does not parse: %v", err)
			return
		}
		for name, j := range jobs {
			for _, cmd := range j.Script {
				args := splitArgs(cmd)
				if len(args) < 2 || args[0] != "runner" {
					continue
				}
				for k := range j.Variables {
					if strings.HasPrefix(k, config.EnvPrefix) && !isEnv(k) {
						add(b.line, "job %s: %s is not a setting", name, k)
					}
				}
				d.loadCheck(add, b.line, config.Mode(args[1]), args[2:], j.Variables)
			}
		}
	case "groovy":
		for _, m := range regexp.MustCompile(`sh '([^']*)'`).FindAllStringSubmatch(b.body, -1) {
			args := splitArgs(m[1])
			if len(args) < 2 || args[0] != "runner" {
				add(b.line, "sh %q is not a runner command", m[1])
				continue
			}
			d.loadCheck(add, b.line, config.Mode(args[1]), args[2:], nil)
		}
	default:
		add(b.line, "check-only knows yaml and groovy blocks, not %q: use skip", b.info)
	}
}

// loadCheck loads the settings of mode and checks its gates.
func (d *docRunner) loadCheck(add func(int, string, ...any), line int, mode config.Mode, args []string, environ map[string]string) {
	s, err := config.Load(mode, args, environ, &bytes.Buffer{})
	if err != nil {
		add(line, "runner %s %s: %v", mode, strings.Join(args, " "), err)
		return
	}
	if s.Gates != "" {
		var out bytes.Buffer
		if code := Main(context.Background(), Env{Args: []string{"gates", "check", "--gates", s.Gates}, Stdout: &out, Stderr: &out}); code != 0 {
			add(line, "the gates (CODEARTS_GATES) do not check: exit %d\n%s", code, out.String())
		}
	}
}

func isSetting(flag string, mode config.Mode) bool {
	for _, s := range config.All() {
		if s.Flag == flag {
			for _, m := range s.Modes {
				if m == mode {
					return true
				}
			}
		}
	}
	return false
}

func isEnv(name string) bool {
	for _, s := range config.All() {
		if s.Env == name {
			return true
		}
	}
	return false
}

// splitArgs splits a command line on blanks, honouring single and double quotes.
func splitArgs(s string) []string {
	var out []string
	var cur strings.Builder
	var quote rune
	in := false
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

// shellQuote quotes s for sh.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// TestHelpListsExitCodesAndExamples: `runner --help` shows every exit code of the README's
// table, three examples and every command; `runner gates --help` documents check and --list.
func TestHelpListsExitCodesAndExamples(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code := Main(context.Background(), Env{Args: []string{"--help"}, Stdout: &out, Stderr: &out}); code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	help := out.String()
	table, _, _ := strings.Cut(string(readme)[strings.Index(string(readme), "## Exit codes"):], "\n## ")
	codes := regexp.MustCompile(`(?m)^\| (\d+) \| `).FindAllStringSubmatch(table, -1)
	if len(codes) < 7 {
		t.Fatalf("README's exit code table not found (%d rows)", len(codes))
	}
	for _, c := range codes {
		if !regexp.MustCompile(`(?m)^  ` + c[1] + ` +\S`).MatchString(help) {
			t.Errorf("--help does not list exit code %s", c[1])
		}
	}
	if n := len(regexp.MustCompile(`(?m)^  runner `).FindAllString(help, -1)); n < 3 {
		t.Errorf("--help shows %d examples, want 3", n)
	}
	for _, cmd := range []string{"perftest", "testplan", "taskmodel", "gates", "simulate", "docs", "version"} {
		if !regexp.MustCompile(`(?m)^  ` + cmd + ` `).MatchString(help) {
			t.Errorf("--help does not list the command %s", cmd)
		}
	}
	out.Reset()
	if code := Main(context.Background(), Env{Args: []string{"gates", "--help"}, Stdout: &out, Stderr: &out}); code != 0 {
		t.Fatalf("gates --help: exit %d", code)
	}
	for _, want := range []string{"runner gates check", "runner gates --list", "--gates-file"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("gates --help does not mention %q:\n%s", want, out.String())
		}
	}
}
