package mas

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/internal/sim"
	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/auth"
)

// clock is a settable clock for the simulator: its executions advance only when the test says.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newSim starts a simulator with opt on a settable clock and returns a MAS client signing with
// the demo AK/SK.
func newSim(t *testing.T, opt sim.MASOptions) (*Client, *sim.Server, *clock) {
	t.Helper()
	clk := &clock{t: time.Now()}
	srv := sim.New(sim.Options{Scale: 60, Now: clk.now, MAS: opt})
	url, err := srv.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c, err := api.New(api.Config{Endpoint: url, Transport: auth.NewAKSK(nil, auth.AKSK{AK: sim.DemoAK, SK: sim.DemoSK, ProjectID: sim.DemoProjectID}),
		RetryMax: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return New(c), srv, clk
}

func TestDecodeAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		result     string // scalar(Result) or "obj"/"arr"/"nil"
		status     string
		code       string // envelope error code, "" = no error
		bad        bool
	}{
		{"documented envelope", `{"result":{"total_count":117},"status":"success","error":null}`, "obj", "success", "", false},
		{"unknown fields ignored", `{"result":"job-1","status":"success","error":null,"trace":{"x":1}}`, "job-1", "success", "", false},
		{"error with HTTP 200", `{"result":null,"status":"error","error":{"code":"MAS.00014000","reason":"Request error."}}`, "nil", "error", "MAS.00014000", false},
		{"error with a reason only", `{"status":"failed","error":{"reason":"no such workflow"}}`, "nil", "failed", "", false},
		{"3.3 error body", `{"error_code":"AS.0001","error_msg":"The format of message is error"}`, "nil", "", "AS.0001", false},
		{"bare array", `[{"id":"a"}]`, "arr", "", "", false},
		{"bare string", `"job-7"`, "job-7", "", "", false},
		{"object without envelope keys", `{"job_name":"job-9"}`, "obj", "", "", false},
		{"empty body", ``, "nil", "", "", false},
		{"not JSON", `{"result":`, "", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, err := decodeAnswer("op", []byte(tt.body))
			var e *Error
			switch {
			case tt.bad:
				if err == nil || errors.As(err, &e) {
					t.Fatalf("want a decode error, got %v", err)
				}
				return
			case tt.code != "" || tt.name == "error with a reason only":
				if !errors.As(err, &e) || e.Code != tt.code || e.HTTP != 200 {
					t.Fatalf("want *Error with code %q, got %#v", tt.code, err)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			got := scalar(a.Result)
			switch a.Result.(type) {
			case map[string]any:
				got = "obj"
			case []any:
				got = "arr"
			case nil:
				got = "nil"
			}
			if got != tt.result || a.Status != tt.status || a.Raw != tt.body {
				t.Errorf("result %s status %q raw %q; want %s, %q, the body", got, a.Status, a.Raw, tt.result, tt.status)
			}
		})
	}
}

// TestShapes drives every call against the simulator in each result shape: the client reads
// the same facts from all of them.
func TestShapes(t *testing.T) {
	t.Parallel()
	for _, shape := range []sim.MASShape{sim.MASSnake, sim.MASCamel, sim.MASBare} {
		t.Run(map[sim.MASShape]string{sim.MASSnake: "snake", sim.MASCamel: "camel", sim.MASBare: "bare"}[shape], func(t *testing.T) {
			t.Parallel()
			c, srv, clk := newSim(t, sim.MASOptions{Shape: shape, Statuses: sim.MASStatuses{Running: "Executing"}})
			ctx := context.Background()
			list, _, err := c.ListWorkflows(ctx)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, w := range list {
				found = found || (w.ID == sim.DemoFailingWorkflowID && w.Name == sim.DemoFailingWorkflowName)
			}
			if len(list) != 3 || !found {
				t.Fatalf("workflows %+v: want the 3 demo workflows with ids and names", list)
			}
			job, _, err := c.Start(ctx, sim.DemoFailingWorkflowID)
			if err != nil || job == "" {
				t.Fatalf("start: job %q, %v", job, err)
			}
			if jobs := srv.WorkflowJobs(sim.DemoFailingWorkflowID); len(jobs) != 1 || jobs[0].Name != job {
				t.Fatalf("simulator has %+v, client read job %q", jobs, job)
			}
			st, err := c.Status(ctx, sim.DemoFailingWorkflowID, job)
			if err != nil || st.Status != "Executing" {
				t.Fatalf("status %+v, %v; want Executing", st, err)
			}
			wantSteps := 3
			if shape == sim.MASBare {
				wantSteps = 0
			}
			if len(st.Steps) != wantSteps {
				t.Fatalf("steps %+v, want %d", st.Steps, wantSteps)
			}
			hist, _, err := c.History(ctx, 1, 50)
			if err != nil || len(hist) != 1 || hist[0].Name != job {
				t.Fatalf("history %+v, %v; want job %s", hist, err, job)
			}
			if shape != sim.MASBare && hist[0].WorkflowID != sim.DemoFailingWorkflowID {
				t.Errorf("history names workflow %q", hist[0].WorkflowID)
			}
			clk.add(2 * time.Second) // 120 simulated seconds: the second step has failed
			st, err = c.Status(ctx, sim.DemoFailingWorkflowID, job)
			if err != nil || st.Status != "FAILED" {
				t.Fatalf("status %+v, %v; want FAILED", st, err)
			}
			if shape == sim.MASBare {
				return
			}
			failed := st.Steps[1]
			if failed.Status != "FAILED" || failed.Name != "failover database" || failed.StateID == "" || failed.TaskID == "" {
				t.Fatalf("failed step %+v", failed)
			}
			text, err := c.Log(ctx, job, failed.StateID)
			if err != nil || !strings.Contains(text, "failover refused") {
				t.Fatalf("log %q…, %v", text[:min(len(text), 80)], err)
			}
		})
	}
}

func TestCheckpointCalls(t *testing.T) {
	t.Parallel()
	c, srv, clk := newSim(t, sim.MASOptions{})
	ctx := context.Background()
	job, _, err := c.Start(ctx, sim.DemoCheckpointWorkflowID)
	if err != nil {
		t.Fatal(err)
	}
	clk.add(time.Second)
	if err := c.Skip(ctx, job, "not-the-task"); err == nil {
		t.Fatal("skipping a task that does not wait was accepted")
	}
	// The manual checkpoint notification (POST /tasks/{task_id}/notify, §4.1.1.2.1): the runner
	// never sends it, the simulator records it.
	notify := api.Call{Op: "notify", Method: http.MethodPost, Path: Base + "/tasks/" + sim.DemoCheckpointTaskID + "/notify",
		Body: map[string]string{"request": "looks good"}}
	if _, err := c.do(ctx, notify); err != nil {
		t.Fatal(err)
	}
	if err := c.Skip(ctx, job, sim.DemoCheckpointTaskID); err != nil {
		t.Fatal(err)
	}
	jobs := srv.WorkflowJobs(sim.DemoCheckpointWorkflowID)
	if len(jobs) != 1 || len(jobs[0].Skipped) != 1 || jobs[0].Notified[0] != "looks good" || jobs[0].State != "running" {
		t.Fatalf("simulator: %+v", jobs)
	}
	if err := c.Stop(ctx, job); err != nil {
		t.Fatal(err)
	}
	if jobs := srv.WorkflowJobs(sim.DemoCheckpointWorkflowID); jobs[0].State != "stopped" || !jobs[0].StopRequested {
		t.Fatalf("after stop: %+v", jobs[0])
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	c, _, _ := newSim(t, sim.MASOptions{})
	_, _, err := c.Start(context.Background(), "0123456789abcdef0123456789abcdef")
	var e *Error
	if !errors.As(err, &e) || e.Code != "MAS.00014000" || !strings.Contains(e.Error(), "does not exist") {
		t.Fatalf("start of an unknown workflow: %v", err)
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"result":null,"status":"error","error":{"code":"MAS.00014000","reason":"Request error."}}`))
	}))
	defer srv.Close()
	wire, _ := api.New(api.Config{Endpoint: srv.URL, RetryMax: -1})
	err = New(wire).Stop(context.Background(), "job-1")
	var ae *api.APIError
	if !errors.As(err, &ae) || ae.Status != 400 || ae.Code != "MAS.00014000" || ae.Message != "Request error." {
		t.Fatalf("400 envelope: %#v", err)
	}
}

// TestHeaders checks the header names on the wire: X-Auth-Token and Content-Type, as the SDKs
// send them (the document's table writes X_Auth-Token and Content_Type, §4.1.1.1.1).
func TestHeaders(t *testing.T) {
	t.Parallel()
	got := make(chan http.Header, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		w.Write([]byte(`{"result":{"job_name":"j"},"status":"success","error":null}`))
	}))
	defer srv.Close()
	wire, _ := api.New(api.Config{Endpoint: srv.URL, Transport: auth.NewToken(nil, "tok-123456")})
	if _, _, err := New(wire).Start(context.Background(), "wf"); err != nil {
		t.Fatal(err)
	}
	h := <-got
	if h.Get("X-Auth-Token") != "tok-123456" || h.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", h)
	}
	for name := range h {
		if strings.Contains(name, "_") {
			t.Errorf("header %q has an underscore", name)
		}
	}
}
