package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/internal/sim"
)

// tpEnv is the environment of a TestPlan or taskmodel run against the harness.
func (h *harness) tpEnv(extra ...string) []string {
	return override(h.env(
		"CODEARTS_CODEARTS_PROJECT_ID="+sim.DemoCodeArtsProjectID,
		"CODEARTS_TESTPLAN_ENDPOINT="+h.url,
		"CODEARTS_ATTASK_ENDPOINT="+h.url,
		fmt.Sprintf("CODEARTS_SERVICE_ID=%d", sim.DemoServiceID),
	), extra)
}

func junitFailures(t *testing.T, h *harness) []string {
	t.Helper()
	s, _ := h.junit()
	var out []string
	for _, c := range s.Suites[0].Cases {
		if c.Failure != nil {
			out = append(out, c.Name+": "+c.Failure.Message)
		}
	}
	return out
}

func TestTestPlanAddsCasesInBatchesOf50(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	ids := h.srv.DemoCaseIDs(120)
	r := h.run(context.Background(), h.tpEnv("CODEARTS_PLAN="+sim.DemoHotfixPlanName, "CODEARTS_CASE_IDS="+strings.Join(ids, "\n")), "testplan")
	if r.code != ExitPassed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := h.countRequests("/plans/" + sim.DemoHotfixPlanID + "/testcases/batch-add"); n != 3 {
		t.Errorf("batch-add calls = %d, want 3 (50 + 50 + 20)", n)
	}
	res := h.result()
	if res.Plan == nil || res.Plan.Added != 120 || res.Plan.ID != sim.DemoHotfixPlanID || res.Plan.Failed != 0 {
		t.Errorf("plan %+v", res.Plan)
	}
	if got := len(h.srv.PlanCases(sim.DemoHotfixPlanID)); got != 120 {
		t.Errorf("the plan holds %d cases, want 120", got)
	}
	h.validJUnit()
}

func TestTestPlanReportsRefusedCases(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	ids := append(h.srv.DemoCaseIDs(14)[10:], "not-a-case-id", "ffffffffffffffffffffffffffffffff")
	r := h.run(context.Background(), h.tpEnv("CODEARTS_PLAN="+sim.DemoPlanName, "CODEARTS_CASE_IDS="+strings.Join(ids, ",")), "testplan")
	if r.code != ExitGate {
		t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	fails := junitFailures(t, h)
	if len(fails) != 2 {
		t.Fatalf("want 2 failed testcases, got %v", fails)
	}
	for i, want := range []string{"not-a-case-id: CLOUDTEST.00017000", "ffffffffffffffffffffffffffffffff: CLOUDTEST.00017001"} {
		if !strings.Contains(fails[i], want) {
			t.Errorf("failure %q lacks %q (the vendor's code and message)", fails[i], want)
		}
	}
	if res := h.result(); res.Plan.Added != 4 || res.Plan.Failed != 2 {
		t.Errorf("plan %+v", res.Plan)
	}
}

func TestTestPlanCreatePlanReusesAnExistingName(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	r := h.run(context.Background(), h.tpEnv("CODEARTS_PLAN="+sim.DemoPlanName, "CODEARTS_CREATE_PLAN=true",
		"CODEARTS_CASE_IDS="+strings.Join(h.srv.DemoCaseIDs(3), ",")), "testplan")
	if r.code != ExitPassed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := h.countRequests("POST /v1/projects/" + sim.DemoCodeArtsProjectID + "/plans"); n-h.countRequests("batch-add") != 0 {
		t.Errorf("a plan was created although one has that name")
	}
	if res := h.result(); res.Plan.ID != sim.DemoPlanID || res.Plan.Created || res.Plan.Already != 3 {
		t.Errorf("plan %+v", res.Plan)
	}
	// A new name is created.
	r = h.run(context.Background(), h.tpEnv("CODEARTS_PLAN=sprint-48", "CODEARTS_CREATE_PLAN=true",
		"CODEARTS_CASE_IDS="+strings.Join(h.srv.DemoCaseIDs(3), ",")), "testplan")
	if res := h.result(); r.code != ExitPassed || !res.Plan.Created || res.Plan.Added != 3 {
		t.Fatalf("exit %d, plan %+v\n%s%s", r.code, res.Plan, r.stdout, r.stderr)
	}
}

func TestPerfTestRecordsGateOutcomesInThePlan(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	ids := h.srv.DemoCaseIDs(3)
	mapping := fmt.Sprintf("p95 <= 800ms=%s\np95 <= 100ms=%s\ncheckout=%s", ids[0], ids[1], ids[2])
	r := h.run(context.Background(), h.tpEnv("CODEARTS_PLAN="+sim.DemoPlanName, "CODEARTS_PLAN_CASE_MAP="+mapping,
		"CODEARTS_GATES=p95 <= 800ms\np95 <= 100ms"), "perftest")
	if r.code != ExitGate {
		t.Fatalf("exit %d, want 1 (one gate fails)\n%s%s", r.code, r.stdout, r.stderr)
	}
	got := h.srv.PlanCases(sim.DemoPlanID)
	want := map[string]string{ids[0]: "0", ids[1]: "1", ids[2]: "0"} // passed, failed, the case's gates: none scoped → passed
	for id, w := range want {
		if got[id] != w {
			t.Errorf("case %s result %q in the plan, want %q", id, got[id], w)
		}
	}
	if res := h.result(); len(res.PlanRecords) != 3 || !res.PlanRecords[0].Recorded {
		t.Errorf("plan records %+v", res.PlanRecords)
	}
}

func TestPerfTestPlanRecordFailureKeepsTheVerdict(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	r := h.run(context.Background(), h.tpEnv("CODEARTS_PLAN="+sim.DemoPlanName, "CODEARTS_PLAN_CASE_MAP=p95 <= 800ms=ffffffffffffffffffffffffffffffff",
		"CODEARTS_GATES=p95 <= 800ms"), "perftest")
	if r.code != ExitPassed {
		t.Fatalf("exit %d, want 0: a failure to record must not change the verdict\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "was not recorded") {
		t.Errorf("the failure to record is not reported:\n%s", r.stderr)
	}
}

func TestTaskModel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		ids   []string
		code  int
		cause bool
	}{
		{"templates execute", sim.DemoTemplateIDs(), ExitPassed, false},
		{"one template fails the call", []string{sim.DemoTemplateID, sim.DemoFailingTemplateID}, ExitGate, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, sim.Options{})
			r := h.run(context.Background(), h.tpEnv(append([]string{"CODEARTS_TASK_IDS=" + strings.Join(tc.ids, ","), "CODEARTS_SUT_NAME=shop"}, passwordAuth...)...), "taskmodel")
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", r.code, tc.code, r.stdout, r.stderr)
			}
			s, raw := h.junit()
			if len(s.Suites[0].Cases) != len(tc.ids) {
				t.Errorf("want one testcase per template:\n%s", raw)
			}
			res := h.result()
			if tc.cause && (res.Execution == nil || res.Execution.Cause == "" || !strings.Contains(raw, res.Execution.Cause)) {
				t.Errorf("the vendor's cause is not in JUnit: %+v\n%s", res.Execution, raw)
			}
			if n := len(h.srv.AttaskExecutions()); n != 1 {
				t.Errorf("%d executions recorded, want 1", n)
			}
			h.validJUnit()
		})
	}
}
