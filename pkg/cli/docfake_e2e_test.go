package cli

import (
	"github.com/codearts-runner/codearts-runner/internal/testutil"

	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/internal/docfake"
	"github.com/codearts-runner/codearts-runner/pkg/report"
)

// issue 11: every scenario also runs against docfake, a fake built independently (no internal/sim
// code) from the documents' example payloads.

// fakeRun is one runner invocation against a docfake server.
type fakeRun struct {
	t    *testing.T
	fake *docfake.Fake
	url  string
	dir  string
}

func newFakeRun(t *testing.T, opt docfake.Options) *fakeRun {
	t.Helper()
	f := docfake.New(opt)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return &fakeRun{t: t, fake: f, url: srv.URL, dir: t.TempDir()}
}

// env is the environment of a perftest run of the example's task with AK/SK auth.
func (r *fakeRun) env(extra ...string) []string {
	return override([]string{
		"CODEARTS_CPTS_ENDPOINT=" + r.url,
		"CODEARTS_IAM_ENDPOINT=" + r.url,
		"CODEARTS_TESTPLAN_ENDPOINT=" + r.url,
		"CODEARTS_PROJECT_ID=" + docfake.ProjectID,
		"CODEARTS_AK=DOCFAKEAK0000000000001",
		"CODEARTS_SK=docfake-secret-key-never-shown-000001",
		"CODEARTS_TEST_SUITE=" + docfake.SuiteName,
		"CODEARTS_TASK=" + docfake.TaskName,
		"CODEARTS_GATES=success_rate >= 99%\np95 <= 100ms",
		"CODEARTS_POLL_INTERVAL=1s",
		"CODEARTS_SIM_SCALE=1000",
		"CODEARTS_JUNIT_FILE=" + filepath.Join(r.dir, "junit.xml"),
		"CODEARTS_RESULT_FILE=" + filepath.Join(r.dir, "result.json"),
	}, extra)
}

func (r *fakeRun) run(env []string, args ...string) runResult {
	r.t.Helper()
	var out, errb testutil.SyncBuffer
	code := Main(context.Background(), Env{Args: args, Environ: env, Stdout: &out, Stderr: &errb, Version: "test"})
	return runResult{code: code, stdout: out.String(), stderr: errb.String()}
}

func (r *fakeRun) result() report.Result {
	r.t.Helper()
	data, err := os.ReadFile(filepath.Join(r.dir, "result.json"))
	if err != nil {
		r.t.Fatalf("read result: %v", err)
	}
	var res report.Result
	if err := json.Unmarshal(data, &res); err != nil {
		r.t.Fatalf("result does not parse: %v", err)
	}
	return res
}

func (r *fakeRun) count(method, pathPart string) int {
	n := 0
	for _, q := range r.fake.Requests() {
		if q.Method == method && strings.Contains(q.Path, pathPart) {
			n++
		}
	}
	return n
}

func TestDocFakePerfTestScenarios(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opt    docfake.Options
		env    []string
		code   int
		result string
		check  func(t *testing.T, r *fakeRun)
	}{
		{name: "gates pass", code: ExitPassed, result: "passed", check: func(t *testing.T, r *fakeRun) {
			if n := r.count("POST", fmt.Sprintf("/tasks/%d", docfake.TaskID)); n != 1 {
				t.Errorf("%d starts", n)
			}
			if res := r.result(); res.Run.ID != docfake.RunID || len(res.Cases) != 1 {
				t.Errorf("run %d, %d cases", res.Run.ID, len(res.Cases))
			}
		}},
		{name: "gate lost", env: []string{"CODEARTS_GATES=p95 <= 5ms"}, code: ExitGate, result: "failed"},
		{name: "case and request gates", env: []string{`CODEARTS_GATES=case "testCase": requests >= 1000` + "\n" + `request "testRequest": p99 <= 100ms`},
			code: ExitPassed, result: "passed"},
		{name: "by ids", env: []string{fmt.Sprintf("CODEARTS_TEST_SUITE=%d", docfake.SuiteID), fmt.Sprintf("CODEARTS_TASK=%d", docfake.TaskID)},
			code: ExitPassed, result: "passed"},
		{name: "unknown task", env: []string{"CODEARTS_TASK=nope"}, code: ExitUsage},
		{name: "variables", env: []string{"CODEARTS_VARIABLES=var2=staging.example.com\nvar1=5,40"}, code: ExitPassed, result: "passed",
			check: func(t *testing.T, r *fakeRun) {
				listing := regexp.MustCompile(`/variables/(-?\d+)/test-suites/`)
				for _, q := range r.fake.Requests() {
					if m := listing.FindStringSubmatch(q.Path); m != nil && !strings.Contains(" 1 2 3 5 ", " "+m[1]+" ") {
						t.Errorf("listed variable_type %s", m[1])
					}
					if q.Status/100 != 2 && !strings.Contains(q.Path, "/v2/") {
						t.Errorf("%s %s answered %d: %s", q.Method, q.Path, q.Status, q.Body)
					}
				}
				if n := r.count("PUT", "/variables/"); n != 2 {
					t.Errorf("%d variable updates, want the set and the restore", n)
				}
			}},
		{name: "large suite", opt: docfake.Options{ExtraTasks: 250}, env: []string{"CODEARTS_TASK=task-0250"}, code: ExitPassed, result: "passed",
			check: func(t *testing.T, r *fakeRun) {
				if n := r.count("POST", "/tasks/60250"); n != 1 {
					t.Errorf("task-0250 started %d times", n)
				}
			}},
		{name: "cases", env: []string{"CODEARTS_TASK=new-task", fmt.Sprintf("CODEARTS_CASES=%d", docfake.CaseID)}, code: ExitPassed, result: "passed",
			check: func(t *testing.T, r *fakeRun) {
				if r.count("POST", "/tasks") < 2 || r.count("PUT", fmt.Sprintf("/v3/%s/tasks/%d", docfake.ProjectID, docfake.CreatedTaskID)) != 1 {
					t.Errorf("the task was not created with its cases: %v", r.fake.Requests())
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newFakeRun(t, tt.opt)
			res := r.run(r.env(tt.env...), "perftest")
			if res.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, tt.code, res.stdout, res.stderr)
			}
			if tt.result != "" {
				if got := r.result().Result; got != tt.result {
					t.Errorf("result %q, want %q", got, tt.result)
				}
			}
			for _, q := range r.fake.Requests() {
				if q.Status == 400 {
					t.Errorf("%s %s?%s refused: %s", q.Method, q.Path, q.Query, q.Body)
				}
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

// TestDocFakeTestPlanAdditions adds 120 cases to the example's plan, with and without a project
// id: the fake takes fewer than 50 ids per call, and each case is accepted once.
func TestDocFakeTestPlanAdditions(t *testing.T) {
	t.Parallel()
	for _, withProject := range []bool{true, false} {
		t.Run(fmt.Sprintf("project id %v", withProject), func(t *testing.T) {
			t.Parallel()
			r := newFakeRun(t, docfake.Options{})
			var ids []string
			for i := range 120 {
				ids = append(ids, fmt.Sprintf("%032x", 0xfeed0000+i))
			}
			env := r.env("CODEARTS_CODEARTS_PROJECT_ID=9b26f58ec29943f681804a6628779a23", "CODEARTS_SERVICE_ID=13",
				"CODEARTS_PLAN="+docfake.PlanName, "CODEARTS_CASE_IDS="+strings.Join(ids, "\n"),
				"CODEARTS_TEST_SUITE=", "CODEARTS_TASK=", "CODEARTS_GATES=", "CODEARTS_CPTS_ENDPOINT=")
			if !withProject {
				env = override(env, []string{"CODEARTS_PROJECT_ID="})
			}
			res := r.run(env, "testplan")
			if res.code != ExitPassed {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
			}
			added := r.fake.Added()
			for _, id := range ids {
				if added[id] != 1 {
					t.Errorf("case %s accepted %d times", id, added[id])
				}
			}
			if p := r.result().Plan; p == nil || p.ID != docfake.PlanID || p.Added != 120 {
				t.Errorf("plan %+v", p)
			}
		})
	}
}

// TestDocFakeBinary runs the built binary, as a CI system would, against the fake.
func TestDocFakeBinary(t *testing.T) {
	t.Parallel()
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	r := newFakeRun(t, docfake.Options{})
	cmd := exec.Command(bin, "perftest")
	cmd.Env = r.env()
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != ExitPassed {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if res := r.result(); res.Result != "passed" || res.Run.ID != docfake.RunID {
		t.Errorf("result %+v", res)
	}
}
