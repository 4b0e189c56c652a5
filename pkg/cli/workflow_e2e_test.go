package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/internal/sim"
)

// wfEnv is the environment of a workflow run against the harness (AK/SK, no project id).
func (h *harness) wfEnv(extra ...string) []string {
	return override(h.env("CODEARTS_MAS_ENDPOINT="+h.url, "CODEARTS_PROJECT_ID=", "CODEARTS_GATES="), extra)
}

// TestWorkflowSimulateDemos runs the three demo drills with --simulate alone, as a user would:
// the default drill passes, the failing one exits 1 with its failed step's log in JUnit, the
// one with a manual checkpoint reports the waiting task and ends at the timeout.
func TestWorkflowSimulateDemos(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		want     int
		junitHas []string
		outHas   []string
	}{
		{"default drill", nil, ExitPassed, []string{`name="step verify"`, `name="workflow" value="switchover-drill`}, []string{"result: PASSED (exit 0)"}},
		{"failing drill", []string{"--workflow=" + sim.DemoFailingWorkflowName}, ExitGate,
			[]string{`<failure message="step &#34;failover database&#34;`, "replication lag 312 s exceeds the limit of 30 s; failover refused", "bytes of the log are cut",
				`<skipped message="not finished when the drill ended`}, []string{"result: FAILED (exit 1)"}},
		{"checkpoint drill", []string{"--workflow=" + sim.DemoCheckpointWorkflowName, "--timeout=3m"}, ExitTimeout,
			[]string{"waiting for a person at this manual checkpoint (task " + sim.DemoCheckpointTaskID},
			[]string{`waits for a person at step "approve switchback" (task ` + sim.DemoCheckpointTaskID, "result: TIMEOUT (exit 4)"}},
		{"checkpoint drill, skipped", []string{"--workflow=" + sim.DemoCheckpointWorkflowName, "--workflow-checkpoint=skip"}, ExitPassed,
			[]string{`<skipped message="skipped (status &#34;SKIPPED&#34;)`}, []string{"skipped task " + sim.DemoCheckpointTaskID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, sim.Options{}) // only for its directory
			env := []string{"CODEARTS_JUNIT_FILE=" + filepath.Join(h.dir, "junit.xml"), "CODEARTS_RESULT_FILE=" + filepath.Join(h.dir, "result.json")}
			r := h.run(context.Background(), env, append([]string{"workflow", "--simulate"}, tt.args...)...)
			if r.code != tt.want {
				t.Fatalf("exit %d, want %d\n%s%s", r.code, tt.want, r.stdout, r.stderr)
			}
			_, junit := h.junit()
			for _, s := range tt.junitHas {
				if !strings.Contains(junit, s) {
					t.Errorf("JUnit lacks %q:\n%s", s, junit[:min(len(junit), 3000)])
				}
			}
			for _, s := range tt.outHas {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
				}
			}
			res := h.result()
			if res.Mode != "workflow" || res.Workflow == nil || res.Workflow.Job == "" || res.ExitCode != tt.want {
				t.Errorf("result file: %+v", res)
			}
			h.validJUnit()
		})
	}
}

// TestWorkflowPasswordScopesByName authenticates with a password: the IAM token is scoped to
// the project by name (the region), as the MAS document shows, when no project id is given.
func TestWorkflowPasswordScopesByName(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	r := h.run(context.Background(), h.wfEnv("CODEARTS_AK=", "CODEARTS_SK=", "CODEARTS_USERNAME="+sim.DemoUser,
		"CODEARTS_PASSWORD="+sim.DemoPassword, "CODEARTS_DOMAIN="+sim.DemoDomain, "CODEARTS_WORKFLOW="+sim.DemoWorkflowID), "workflow")
	if r.code != ExitPassed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var scoped bool
	for _, rec := range h.srv.Requests() {
		if rec.Path == "/v3/auth/tokens" {
			scoped = strings.Contains(rec.Body, `"project":{"name":"`+sim.DemoProjectName+`"}`)
		}
	}
	if !scoped {
		t.Error("the IAM token request is not scoped to the project by name")
	}
	h.noSecrets(r, sim.DemoPassword)
}

// TestWorkflowBadSettings: every problem at once, exit 2, before any request.
func TestWorkflowBadSettings(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sim.Options{})
	r := h.run(context.Background(), h.wfEnv("CODEARTS_MAS_ENDPOINT=", "CODEARTS_WORKFLOW_CHECKPOINT=approve",
		"CODEARTS_WORKFLOW_SUCCESS=DONE", "CODEARTS_WORKFLOW_FAILURE=done"), "workflow")
	if r.code != ExitUsage {
		t.Fatalf("exit %d, want 2\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, s := range []string{"mas-endpoint is empty", "workflow is empty", `workflow-checkpoint "approve" is not valid`, `status "done" is named in both workflow-success and workflow-failure`} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
		}
	}
	if n := len(h.srv.Requests()); n != 0 {
		t.Errorf("%d requests were made", n)
	}
}
