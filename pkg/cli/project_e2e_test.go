package cli

import (
	"github.com/codearts-runner/codearts-runner/internal/testutil"

	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/internal/sim"
)

// issue 11: project scope in every mode, end to end — the real binary against the simulator.

// passwordAuth replaces the harness's AK/SK by the demo user's password.
var passwordAuth = []string{"CODEARTS_AK=", "CODEARTS_SK=", "CODEARTS_USERNAME=" + sim.DemoUser,
	"CODEARTS_PASSWORD=" + sim.DemoPassword, "CODEARTS_DOMAIN=" + sim.DemoDomain}

// noProject drops the project id: the runner has to look it up.
const noProject = "CODEARTS_PROJECT_ID="

func TestProjectScopeEveryMode(t *testing.T) {
	t.Parallel()
	tplan := []string{"CODEARTS_PLAN=" + sim.DemoHotfixPlanName}
	tests := []struct {
		name    string
		mode    string
		env     []string
		code    int
		lookups int    // GET /v3/projects calls
		auth    string // sim.AuthKind of the service calls
		scope   string // in the password token request's body, when auth is "token"
		stderr  string
		token   bool // authenticate with a token bought from the simulator before the run
	}{
		{name: "testplan, ak/sk, no project-id", mode: "testplan", env: append([]string{noProject}, tplan...), lookups: 1, auth: "aksk"},
		{name: "testplan, ak/sk, project-id given", mode: "testplan", env: tplan, lookups: 0, auth: "aksk"},
		{name: "testplan, password", mode: "testplan", env: append(append([]string{noProject}, tplan...), passwordAuth...), auth: "token",
			scope: `"scope":{"project":{"name":"` + sim.DemoProjectName + `"}}`},
		{name: "testplan, password, project-id given", mode: "testplan", env: append(tplan, passwordAuth...), auth: "token",
			scope: `"scope":{"project":{"id":"` + sim.DemoProjectID + `"}}`},
		{name: "taskmodel, password", mode: "taskmodel", env: append([]string{noProject}, passwordAuth...), auth: "token",
			scope: `"scope":{"project":{"name":"` + sim.DemoProjectName + `"}}`},
		{name: "taskmodel, ak/sk only", mode: "taskmodel", env: []string{noProject}, code: ExitUsage,
			stderr: "taskmodel cannot use ak/sk: the task template service (attask) requires an IAM token"},
		{name: "perftest, ak/sk, no project-id", mode: "perftest", env: []string{noProject}, lookups: 1, auth: "aksk"},
		{name: "perftest, password, no project-id", mode: "perftest", env: append([]string{noProject}, passwordAuth...), auth: "token",
			scope: `"scope":{"project":{"name":"` + sim.DemoProjectName + `"}}`},
		{name: "perftest, token, no project-id", mode: "perftest", env: []string{noProject, "CODEARTS_AK=", "CODEARTS_SK="}, token: true,
			lookups: 1, auth: "token", scope: `"scope":{"project":{"id":"` + sim.DemoProjectID + `"}}`},
		{name: "testplan, token, no project-id: nothing to look up", mode: "testplan", env: append([]string{noProject, "CODEARTS_AK=", "CODEARTS_SK="}, tplan...),
			token: true, auth: "token", scope: `"scope":{"project":{"id":"` + sim.DemoProjectID + `"}}`},
		{name: "testplan, ak/sk, a region without a project", mode: "testplan", env: append([]string{noProject, "CODEARTS_REGION=ap-southeast-3"}, tplan...),
			code: ExitUsage, lookups: 1, stderr: `IAM lists no project named "ap-southeast-3"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, sim.Options{})
			env := h.tpEnv(append([]string{"CODEARTS_TASK_IDS=" + strings.Join(sim.DemoTemplateIDs(), ","),
				"CODEARTS_CASE_IDS=" + strings.Join(h.srv.DemoCaseIDs(3), ",")}, tc.env...)...)
			if tc.token {
				env = append(env, "CODEARTS_TOKEN="+h.token(t))
			}
			r := h.runProcess(env, tc.mode)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Fatalf("exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s", r.code, tc.code, tc.stderr, r.stdout, r.stderr)
			}
			reqs := h.srv.Requests()
			if tc.code == ExitUsage && tc.lookups == 0 && len(reqs) != 0 {
				t.Fatalf("%d requests before a settings error", len(reqs))
			}
			lookups, service, tokens := 0, 0, 0
			for _, rq := range reqs {
				switch {
				case rq.Path == "/v3/projects":
					lookups++
					if want := map[bool]sim.AuthKind{false: sim.AuthAKSK, true: sim.AuthToken}[tc.token]; rq.Method != "GET" ||
						rq.RawQuery != "name="+regionOf(env) || rq.Auth != want || rq.ProjectID != "" || rq.Status != 200 && tc.code == ExitPassed {
						t.Errorf("look-up %+v: want GET name=<region>, %s, no X-Project-Id", rq, want)
					}
				case rq.Path == "/v3/auth/tokens":
					tokens++
					if !strings.Contains(rq.Body, tc.scope) || tc.scope == "" {
						t.Errorf("token request %s, want %s", rq.Body, tc.scope)
					}
				default:
					service++
					if string(rq.Auth) != tc.auth || rq.Status >= 400 {
						t.Errorf("%s %s: auth %s status %d, want %s", rq.Method, rq.Path, rq.Auth, rq.Status, tc.auth)
					}
					// AK/SK requests carry the IAM project, as the SDK sends it; token requests
					// have it in their token.
					if want := map[string]string{"aksk": sim.DemoProjectID}[tc.auth]; rq.ProjectID != want {
						t.Errorf("%s %s: X-Project-Id %q, want %q", rq.Method, rq.Path, rq.ProjectID, want)
					}
				}
			}
			if lookups != tc.lookups {
				t.Errorf("%d project look-ups, want %d", lookups, tc.lookups)
			}
			if tc.code != ExitPassed {
				return
			}
			if service == 0 || (tc.auth == "token") != (tokens == 1) {
				t.Errorf("%d service calls, %d token requests (one token per process)", service, tokens)
			}
			if lookups > 0 && !strings.Contains(r.stdout, "IAM project of cn-north-4: "+sim.DemoProjectID) {
				t.Errorf("the looked-up project is not shown:\n%s", r.stdout)
			}
		})
	}
}

// regionOf is the region of a run's environment (cn-north-4 unless set).
func regionOf(env []string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "CODEARTS_REGION="); ok {
			return v
		}
	}
	return sim.DemoProjectName
}

// TestSimulateLooksUpTheProject: --simulate presets no project id, in any mode.
func TestSimulateLooksUpTheProject(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"perftest", "testplan", "taskmodel"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			var out, errb testutil.SyncBuffer
			env := []string{"CODEARTS_JUNIT_FILE=none", "CODEARTS_RESULT_FILE=none", fmt.Sprintf("CODEARTS_SIM_SCALE=%d", 600)}
			code := Main(context.Background(), Env{Args: []string{mode, "--simulate"}, Environ: env, Stdout: &out, Stderr: &errb, Version: "test"})
			if code != ExitPassed && !(mode == "perftest" && code == ExitGate) {
				t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
			}
			lookedUp := strings.Contains(out.String(), "IAM project of cn-north-4: "+sim.DemoProjectID)
			if lookedUp != (mode != "taskmodel") {
				// taskmodel logs in with a password scoped by the region's name: nothing to look up.
				t.Errorf("project looked up = %v:\n%s", lookedUp, out.String())
			}
		})
	}
}

// token buys a project-scoped IAM token from the harness's simulator with the demo password.
func (h *harness) token(t *testing.T) string {
	t.Helper()
	body := `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"` + sim.DemoUser + `","password":"` +
		sim.DemoPassword + `","domain":{"name":"` + sim.DemoDomain + `"}}}},"scope":{"project":{"id":"` + sim.DemoProjectID + `"}}}}`
	resp, err := http.Post(h.url+"/v3/auth/tokens", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("X-Subject-Token") == "" {
		t.Fatalf("token: %d", resp.StatusCode)
	}
	return resp.Header.Get("X-Subject-Token")
}
