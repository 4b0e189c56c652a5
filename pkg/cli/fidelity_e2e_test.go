package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/internal/sim"
)

// issue 11: the runner speaks only documented behaviour (variables listed per documented
// variable_type, --cases through the documented case tree).

// TestPerfTestVariablesDocumentedTypes sets an enumeration and an integer variable, restores them,
// and lists variables with documented variable_type values only (the simulator refuses others).
func TestPerfTestVariablesDocumentedTypes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	before := h.srv.Variables(sim.DemoSuiteID)
	r := h.run(context.Background(), h.env("CODEARTS_VARIABLES=baseHost=staging.example.com\nuserCount=5,40"), "perftest")
	if r.code != ExitPassed {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if after := h.srv.Variables(sim.DemoSuiteID); after["baseHost"] != before["baseHost"] || after["userCount"] != before["userCount"] {
		t.Errorf("variables not restored: before %v after %v", before, after)
	}
	listing := regexp.MustCompile(`/variables/(-?\d+)/test-suites/`)
	types := map[string]bool{}
	for _, q := range h.srv.Requests() {
		if m := listing.FindStringSubmatch(q.Path); m != nil {
			types[m[1]] = true
			if q.Status != 200 {
				t.Errorf("%s %s: %d", q.Method, q.Path, q.Status)
			}
		}
	}
	for typ := range types {
		if !strings.Contains(" 1 2 3 5 ", " "+typ+" ") {
			t.Errorf("listed undocumented variable_type %s", typ)
		}
	}
	if !types["1"] || !types["2"] {
		t.Errorf("the integer and enumeration types were not listed: %v", types)
	}
	if n := h.countRequests("PUT", "/variables/"); n < 2 {
		t.Errorf("%d variable updates, want the set and the restore", n)
	}
	h.noSecrets(r, demoSecrets...)
}

// TestPerfTestVariablesRefused: values that cannot be set are a settings error (exit 2) found
// before any variable changes and before the start.
func TestPerfTestVariablesRefused(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, vars string
		want       string
		sensitive  bool
	}{
		{"integer not a range", "userCount=many", "userCount", false},
		{"unknown", "nope=1", "unknown variable", false},
		{"sensitive with restore", "dbPassword=new", "sensitive", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, sim.Options{})
			if tt.sensitive {
				h.srv.MarkSensitive(h.srv.AddVariable(sim.DemoSuiteID, "dbPassword", 5, "old-secret"))
			}
			r := h.run(context.Background(), h.env("CODEARTS_VARIABLES="+tt.vars), "perftest")
			if r.code != ExitUsage || !strings.Contains(r.stdout+r.stderr, tt.want) {
				t.Fatalf("exit %d, want 2 naming %q\nstdout:\n%s\nstderr:\n%s", r.code, tt.want, r.stdout, r.stderr)
			}
			if n := h.countRequests("PUT", "/variables/"); n != 0 {
				t.Errorf("%d variable updates after a refused setting", n)
			}
			if h.srv.StartCount(sim.DemoTaskID) != 0 {
				t.Errorf("the task was started")
			}
		})
	}
}

// TestPerfTestCasesCreatesTask: --cases creates a missing task from existing cases, given by id
// or by name, through the documented case tree (ListProjectTestCase), and runs it.
func TestPerfTestCasesCreatesTask(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, cases, want string }{
		{"by id", fmt.Sprint(sim.DemoCaseCheckout), fmt.Sprintf(`"case_id_list":[%d]`, sim.DemoCaseCheckout)},
		{"by name", "browse-catalog,checkout", fmt.Sprintf(`"case_id_list":[%d,%d]`, sim.DemoCaseBrowse, sim.DemoCaseCheckout)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, sim.Options{})
			r := h.run(context.Background(), h.env("CODEARTS_TASK=new-task", "CODEARTS_CASES="+tt.cases,
				"CODEARTS_GATES=success_rate >= 90%"), "perftest")
			if r.code != ExitPassed {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			if n := h.countRequests("GET", "/test-suites/", "/directory"); n != 1 {
				t.Errorf("%d case tree reads, want 1", n)
			}
			var set string
			for _, q := range h.srv.Requests() {
				if q.Method == "PUT" && strings.HasPrefix(q.Path, "/v3/") {
					set = q.Body
				}
			}
			if !strings.Contains(set, tt.want) {
				t.Errorf("set cases body %s lacks %s", set, tt.want)
			}
			if res := h.result(); res.Result != "passed" {
				t.Errorf("result %q", res.Result)
			}
		})
	}
}

// TestPerfTestFindsLateSuiteAndTaskUnderBothPagingReadings: a suite and a task that sit on the
// third page of their listings are found by name whether the service reads `offset` as an item
// offset or as a page number counting from 1 (sim.Options.OffsetPages), and nothing is listed twice.
func TestPerfTestFindsLateSuiteAndTaskUnderBothPagingReadings(t *testing.T) {
	t.Parallel()
	for _, pages := range []bool{false, true} {
		t.Run(fmt.Sprintf("OffsetPages=%v", pages), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, sim.Options{OffsetPages: pages})
			for i := range 230 {
				h.srv.AddSuite(fmt.Sprintf("filler-suite-%03d", i))
			}
			suite := h.srv.AddSuite("late-suite")
			c := h.srv.AddCase(suite, "late-case", sim.Profile{})
			for i := range 230 {
				h.srv.AddTask(suite, fmt.Sprintf("filler-task-%03d", i), []int{c})
			}
			task := h.srv.AddTask(suite, "late-task", []int{c})
			r := h.run(context.Background(), h.env("CODEARTS_TEST_SUITE=late-suite", "CODEARTS_TASK=late-task",
				"CODEARTS_GATES=requests >= 1"), "perftest")
			if r.code != ExitPassed {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			if n := h.srv.StartCount(task); n != 1 {
				t.Errorf("late-task started %d times", n)
			}
			// Under the page reading the listings read pages 1, 2, 3 (and stop at an empty one).
			if n := h.countRequests("GET", "/all-tasks/"); n < 3 || n > 12 {
				t.Errorf("%d task listing reads", n)
			}
		})
	}
}

// TestTestPlanBatchLimitReadings: whether batch-add takes at most 50 ids or fewer than 50
// (sim.Options.BatchAddLimit), every case is added once: a batch refused as too large is split.
func TestTestPlanBatchLimitReadings(t *testing.T) {
	t.Parallel()
	for _, limit := range []int{50, 49} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, sim.Options{BatchAddLimit: limit})
			ids := h.srv.DemoCaseIDs(120)
			r := h.run(context.Background(), h.tpEnv("CODEARTS_PLAN="+sim.DemoHotfixPlanName, "CODEARTS_CASE_IDS="+strings.Join(ids, "\n")), "testplan")
			if r.code != ExitPassed {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			sent := map[string]int{}
			for _, q := range h.srv.Requests() {
				if !strings.HasSuffix(q.Path, "/testcases/batch-add") || q.Status/100 != 2 {
					continue
				}
				var body struct {
					IDs []string `json:"testcase_id_list"`
				}
				if err := json.Unmarshal([]byte(q.Body), &body); err != nil {
					t.Fatal(err)
				}
				for _, id := range body.IDs {
					sent[id]++
				}
			}
			for _, id := range ids {
				if sent[id] != 1 {
					t.Errorf("case %s accepted in %d batches", id, sent[id])
				}
			}
			if res := h.result(); res.Plan.Added != 120 || res.Plan.Failed != 0 {
				t.Errorf("plan %+v", res.Plan)
			}
			if got := len(h.srv.PlanCases(sim.DemoHotfixPlanID)); got != 120 {
				t.Errorf("the plan holds %d cases, want 120", got)
			}
		})
	}
}

// TestPerfTestPartialReportNeverPasses: a report that says it holds more rows than it sent
// (sim.Options.ReportRowsWithheld) is not evaluated as the whole: a failing "case reports
// complete" result names it, every gate that would pass fails saying it saw partial data, and
// the step exits 1.
func TestPerfTestPartialReportNeverPasses(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{ReportRowsWithheld: 3})
	r := h.run(context.Background(), h.env("CODEARTS_GATES=success_rate >= 50%\nwarn: p95 <= 1ms"), "perftest")
	if r.code != ExitGate {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	res := h.result()
	if res.Result != "failed" {
		t.Errorf("result %q", res.Result)
	}
	s, _ := h.junit()
	var failed []string
	for _, c := range s.Suites[0].Cases {
		if c.Failure != nil {
			failed = append(failed, c.Name+": "+c.Failure.Message)
		}
	}
	out := strings.Join(failed, "\n")
	for _, want := range []string{"case reports complete", "1 of 4 rows", "success_rate >= 50%", "partial report data"} {
		if !strings.Contains(out, want) {
			t.Errorf("failures lack %q:\n%s", want, out)
		}
	}
	// Without the switch the same gates pass.
	h2 := newHarness(t, sim.Options{})
	if r := h2.run(context.Background(), h2.env("CODEARTS_GATES=success_rate >= 50%\nwarn: p95 <= 1ms"), "perftest"); r.code != ExitPassed {
		t.Fatalf("complete report: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestTestPlanPagingReadings: a plan holding more than one page of cases is read whole under
// both readings of offset (plans and plan cases are listed): a second run finds all 120 cases
// already there and adds none.
func TestTestPlanPagingReadings(t *testing.T) {
	t.Parallel()
	for _, pages := range []bool{false, true} {
		t.Run(fmt.Sprintf("OffsetPages=%v", pages), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, sim.Options{OffsetPages: pages})
			ids := h.srv.DemoCaseIDs(120)
			env := h.tpEnv("CODEARTS_PLAN="+sim.DemoHotfixPlanName, "CODEARTS_CASE_IDS="+strings.Join(ids, "\n"))
			if r := h.run(context.Background(), env, "testplan"); r.code != ExitPassed {
				t.Fatalf("first run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			adds := h.countRequests("batch-add")
			r := h.run(context.Background(), env, "testplan")
			if r.code != ExitPassed {
				t.Fatalf("second run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if res := h.result(); res.Plan == nil || res.Plan.Already != 120 || res.Plan.Added != 0 {
				t.Errorf("second run's plan: %+v", res.Plan)
			}
			if n := h.countRequests("batch-add"); n != adds {
				t.Errorf("the second run sent %d batch-adds", n-adds)
			}
		})
	}
}
