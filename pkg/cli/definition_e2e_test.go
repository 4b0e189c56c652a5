package cli

import (
	"context"
	"encoding/xml"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/internal/sim"
)

// defEnv is the environment of a definition run against the harness: no suite, task or gates
// setting (the file gives them).
func (h *harness) defEnv(extra ...string) []string {
	return override(h.env("CODEARTS_TEST_SUITE=", "CODEARTS_TASK=", "CODEARTS_GATES="), extra)
}

// writeRequests lists the requests of the simulator that change something, from index from.
func writeRequests(srv *sim.Server, from int) []string {
	var out []string
	for i, r := range srv.Requests() {
		if i >= from && r.Method != http.MethodGet && !strings.HasPrefix(r.Path, "/v3/auth") {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

// TestDefinitionAcceptance: the example creates everything on a fresh simulator, runs, gates
// and exits 0; run again it changes nothing and sends no write; one changed stage sends exactly
// one update; --dry-run writes nothing.
func TestDefinitionAcceptance(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	ctx := context.Background()
	example := filepath.Join("..", "..", "examples", "perftest.yaml")

	r := h.run(ctx, h.defEnv(), "perftest", "--definition", example)
	if r.code != ExitPassed || !strings.Contains(r.stdout, "definition: 6 created, 0 updated, 0 unchanged\n") ||
		!strings.Contains(r.stdout, "PASS  p95 <= 800ms") {
		t.Fatalf("first run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}

	n := len(h.srv.Requests())
	r = h.run(ctx, h.defEnv(), "perftest", "--definition", example)
	if r.code != ExitPassed || !strings.Contains(r.stdout, "definition: 0 created, 0 updated, 6 unchanged\n") {
		t.Fatalf("second run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, w := range writeRequests(h.srv, n) {
		if !strings.HasPrefix(w, "POST /v1/"+sim.DemoProjectID+"/test-suites/") || strings.Contains(w, "/cases/") {
			t.Errorf("second run sent a definition write: %s", w) // only the start (and its stop) may write
		}
	}

	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	changed := filepath.Join(h.dir, "changed.yaml")
	os.WriteFile(changed, []byte(strings.Replace(string(data), "users: 50", "users: 70", 1)), 0o644)
	n = len(h.srv.Requests())
	r = h.run(ctx, h.defEnv(), "perftest", "--definition", changed, "--sync-only")
	if r.code != ExitPassed || !strings.Contains(r.stdout, "definition: 0 created, 1 updated, 5 unchanged\n") ||
		!strings.Contains(r.stdout, "drift: stages[1].issue_num: service 50, file 70") {
		t.Fatalf("changed stage: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if w := writeRequests(h.srv, n); len(w) != 1 || !strings.HasSuffix(w[0], "/target/stage") {
		t.Errorf("one changed stage sent %v", w)
	}

	os.WriteFile(changed, []byte(strings.Replace(string(data), "users: 50", "users: 90", 1)), 0o644)
	n = len(h.srv.Requests())
	r = h.run(ctx, h.defEnv(), "perftest", "--definition", changed, "--dry-run")
	if r.code != ExitPassed || !strings.Contains(r.stdout, "definition: 0 created, 1 updated, 5 unchanged\n") {
		t.Fatalf("dry-run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if w := writeRequests(h.srv, n); len(w) != 0 {
		t.Errorf("dry-run wrote %v", w)
	}
}

// TestDefinitionPreflight: a request whose host cannot resolve fails the preflight with exit 3,
// one JUnit failure per failed request, and no start.
func TestDefinitionPreflight(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "perftest.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(h.dir, "broken.yaml")
	os.WriteFile(broken, []byte(strings.Replace(string(data), "https://shop.example.com/orders", "https://shop.invalid/orders", 1)), 0o644)
	r := h.run(context.Background(), h.defEnv(), "perftest", "--definition", broken, "--preflight")
	if r.code != ExitPlatform || !strings.Contains(r.stderr, `preflight: case "checkout" request "place order" failed`) {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, rq := range h.srv.Requests() {
		if strings.Contains(rq.Body, `"network_info"`) { // UpdateTaskStatus, the start
			t.Errorf("a run was started: %s %s", rq.Method, rq.Path)
		}
	}
	raw, err := os.ReadFile(filepath.Join(h.dir, "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Suites []struct {
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(raw, &suites); err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, c := range suites.Suites[0].Cases {
		if c.Failure != nil {
			failed++
			if c.Name != "checkout / place order" {
				t.Errorf("failed testcase %q", c.Name)
			}
		}
	}
	if failed != 1 || len(suites.Suites[0].Cases) != 3 {
		t.Errorf("junit:\n%s", raw)
	}
}

// TestDefinitionSyncOnlyPreflight: sync-only with preflight applies, debugs every request and
// starts nothing.
func TestDefinitionSyncOnlyPreflight(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	r := h.run(context.Background(), h.defEnv(), "perftest", "--definition", filepath.Join("..", "..", "examples", "perftest.yaml"), "--sync-only", "--preflight")
	if r.code != ExitPassed || !strings.Contains(r.stdout, "preflight: 3 request(s) of 2 case(s) answered") || !strings.Contains(r.stdout, "no run started") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, rq := range h.srv.Requests() {
		if strings.Contains(rq.Body, `"network_info"`) {
			t.Errorf("a start or stop was sent: %s %s", rq.Method, rq.Path)
		}
	}
}

// TestDefinitionExportRoundTrip: export of an existing simulator task, check, then a sync of the
// exported file changes nothing.
func TestDefinitionExportRoundTrip(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	ctx := context.Background()
	out := filepath.Join(h.dir, "exported.yaml")
	r := h.run(ctx, h.env("CODEARTS_GATES="), "definition", "export", "--definition", out)
	if r.code != ExitPassed {
		t.Fatalf("export: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = h.run(ctx, nil, "definition", "check", out)
	if r.code != ExitPassed {
		t.Fatalf("check: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	n := len(h.srv.Requests())
	// The export carries no gates (it says so): a sync-only run needs none, a run would.
	r = h.run(ctx, h.defEnv(), "perftest", "--definition", out, "--sync-only")
	// suite, task, 2 cases and the demo suite's 3 variables
	if r.code != ExitPassed || !strings.Contains(r.stdout, "definition: 0 created, 0 updated, 7 unchanged\n") {
		exported, _ := os.ReadFile(out)
		t.Fatalf("sync of the export: exit %d\n%s\n%s\n%s", r.code, r.stdout, r.stderr, exported)
	}
	if w := writeRequests(h.srv, n); len(w) != 0 {
		t.Errorf("sync of the export wrote %v", w)
	}
}

// TestDefinitionExportToStdout: exported to standard output (`> file`), the definition is all
// that goes there — the simulator's and the IAM look-up's status lines go to standard error — so
// the redirected file checks.
func TestDefinitionExportToStdout(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	r := h.run(context.Background(), nil, "definition", "export", "--simulate", "--test-suite", sim.DemoSuiteName, "--task", sim.DemoTaskName)
	if r.code != ExitPassed || !strings.Contains(r.stderr, "simulator listening on") || !strings.Contains(r.stderr, "IAM project of") {
		t.Fatalf("export: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	file := filepath.Join(h.dir, "stdout.yaml")
	if err := os.WriteFile(file, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	if c := h.run(context.Background(), nil, "definition", "check", file); c.code != ExitPassed {
		t.Fatalf("check of the exported stdout: exit %d\n%s\nstdout was:\n%s", c.code, c.stderr, r.stdout)
	}
}

// TestDefinitionCheck: offline validation with line:column and "did you mean".
func TestDefinitionCheck(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	bad := filepath.Join(h.dir, "bad.yaml")
	os.WriteFile(bad, []byte("suite:\n  name: s\ntask:\n  name: t\ncases:\n  - name: c\n    requests:\n      - name: r\n        url: https://x.example.com/\n        methd: GET\n    stages:\n      - duration: 5\n        users: 3\n"), 0o644)
	r := h.run(context.Background(), nil, "definition", "check", bad)
	if r.code != ExitUsage || !strings.Contains(r.stderr, `bad.yaml:10:9: cases[0].requests[0]: unknown key "methd" (did you mean "method"?)`) ||
		!strings.Contains(r.stderr, `bad.yaml:12:19: cases[0].stages[0].duration: "5" has no unit`) {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
	// perftest refuses the file before any remote call
	r = h.run(context.Background(), h.defEnv(), "perftest", "--definition", bad)
	if r.code != ExitUsage || !strings.Contains(r.stderr, `unknown key "methd"`) || len(h.srv.Requests()) != 0 {
		t.Errorf("perftest with a bad file: exit %d, %d requests\n%s", r.code, len(h.srv.Requests()), r.stderr)
	}
	r = h.run(context.Background(), h.defEnv("CODEARTS_TASK=other"), "perftest", "--definition", filepath.Join("..", "..", "examples", "perftest.yaml"))
	if r.code != ExitUsage || !strings.Contains(r.stderr, "leave test-suite and task unset") || len(h.srv.Requests()) != 0 {
		t.Errorf("perftest with task and a definition: exit %d\n%s", r.code, r.stderr)
	}
	r = h.run(context.Background(), h.env(), "perftest", "--dry-run")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "apply to a definition file") {
		t.Errorf("dry-run without a definition: exit %d\n%s", r.code, r.stderr)
	}
	r = h.run(context.Background(), nil, "definition", "check", filepath.Join("..", "..", "examples", "perftest.yaml"))
	if r.code != ExitPassed || !strings.Contains(r.stdout, "2 case(s), 2 gate(s), profiles: [nightly pr]") {
		t.Errorf("example: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
