package sim

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// masAnswer is the documented envelope as a test reads it.
type masAnswer struct {
	Result json.RawMessage `json:"result"`
	Status string          `json:"status"`
	Error  *struct {
		Code   string `json:"code"`
		Reason string `json:"reason"`
	} `json:"error"`
}

func (h *harness) mas(method, p string, body any) (int, masAnswer) {
	h.t.Helper()
	status, _, b := h.do(method, "/octopus-jobmanager/v1"+p, body)
	var a masAnswer
	if status == http.StatusOK {
		if err := json.Unmarshal(b, &a); err != nil {
			h.t.Fatalf("%s %s: %v: %s", method, p, err, b)
		}
	}
	return status, a
}

// TestMASRequests checks what the simulator refuses: what the document requires, and no more.
func TestMASRequests(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	_, started := h.mas("POST", "/workflow/"+DemoWorkflowID+"/start", map[string]any{"workflowExecuteRequest": map[string]any{}})
	var job struct {
		JobName string `json:"job_name"`
	}
	if err := json.Unmarshal(started.Result, &job); err != nil || job.JobName == "" || started.Status != "success" {
		t.Fatalf("start: %+v", started)
	}
	tests := []struct {
		name, method, path string
		body               any
		wantCode           string // "" = success
	}{
		{"list without workflowQuery", "POST", "/workflow/list", map[string]any{}, masCodeRequest},
		{"list", "POST", "/workflow/list", map[string]any{"workflowQuery": []any{nil}}, ""},
		{"start without workflowExecuteRequest", "POST", "/workflow/" + DemoWorkflowID + "/start", map[string]any{}, masCodeRequest},
		{"start of an unknown workflow", "POST", "/workflow/00000000000000000000000000000000/start", map[string]any{"workflowExecuteRequest": nil}, masCodeRequest},
		{"status without job_name", "GET", "/workflows/" + DemoWorkflowID + "/jobs/show-status", nil, masCodeRequest},
		{"status of another workflow's job", "GET", "/workflows/" + DemoFailingWorkflowID + "/jobs/show-status?job_name=" + job.JobName, nil, masCodeRequest},
		{"status", "GET", "/workflows/" + DemoWorkflowID + "/jobs/show-status?job_name=" + job.JobName, nil, ""},
		{"history with a body that is no array", "POST", "/workflows/jobs?page_no=1&page_size=5", map[string]any{"x": 1}, masCodeRequest},
		{"history page 0", "POST", "/workflows/jobs?page_no=0", []any{}, masCodeRequest},
		{"history without a body", "POST", "/workflows/jobs", nil, ""},
		{"skip without task_id", "PUT", "/job/" + job.JobName + "/manual-skip", nil, masCodeRequest},
		{"retry while nothing waits", "PUT", "/job/" + job.JobName + "/manual-retry", nil, masCodeRequest},
		{"log of an unknown state", "GET", "/jobs/" + job.JobName + "/nope/log", nil, masCodeRequest},
		{"notify an unknown task", "POST", "/tasks/nope/notify", map[string]any{"request": "ok"}, masCodeRequest},
		{"stop", "PUT", "/workflow/" + job.JobName + "/stop", nil, ""},
		{"stop again", "PUT", "/workflow/" + job.JobName + "/stop", nil, ""},
	}
	for _, tt := range tests {
		status, a := h.mas(tt.method, tt.path, tt.body)
		code := ""
		if a.Error != nil {
			code = a.Error.Code
		}
		if status != http.StatusOK || code != tt.wantCode || (code == "") != (a.Status == "success") {
			t.Errorf("%s: HTTP %d, status %q, error %+v; want HTTP 200 and code %q", tt.name, status, a.Status, a.Error, tt.wantCode)
		}
	}
	if status, _, _ := h.do("GET", "/octopus-jobmanager/v1/nothing/here", nil); status != http.StatusNotFound {
		t.Errorf("unknown MAS path: HTTP %d, want 404", status)
	}
	resp, err := h.send("POST", "/octopus-jobmanager/v1/workflow/list", `{"workflowQuery":{}}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no credentials: HTTP %d, want 401", resp.StatusCode)
	}
}

// TestMASDrills runs the demo drills on the simulated clock.
func TestMASDrills(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	start := func(id string) string {
		_, a := h.mas("POST", "/workflow/"+id+"/start", map[string]any{"workflowExecuteRequest": map[string]any{}})
		var j struct {
			JobName string `json:"job_name"`
		}
		json.Unmarshal(a.Result, &j)
		return j.JobName
	}
	ok, bad, manual := start(DemoWorkflowID), start(DemoFailingWorkflowID), start(DemoCheckpointWorkflowID)
	h.advanceSim(2 * time.Minute)
	state := func(id string) string { return h.s.WorkflowJobs(id)[0].State }
	if state(DemoWorkflowID) != "succeeded" || state(DemoFailingWorkflowID) != "failed" || state(DemoCheckpointWorkflowID) != "waiting" {
		t.Fatalf("after 2 min: %+v", h.s.WorkflowJobs(""))
	}
	_, logAns := h.mas("GET", "/jobs/"+bad+"/e5a7c9d1f3b24680/log", nil)
	if !strings.Contains(string(logAns.Result), "failover refused") {
		t.Errorf("log of the failed step: %.200s", logAns.Result)
	}
	_, okStop := h.mas("PUT", "/workflow/"+ok+"/stop", nil)
	if okStop.Error != nil || state(DemoWorkflowID) != "succeeded" {
		t.Errorf("stopping an ended job changed it: %+v", h.s.WorkflowJobs(DemoWorkflowID))
	}
	_, retried := h.mas("PUT", "/job/"+manual+"/manual-retry?task_id="+DemoCheckpointTaskID, nil)
	if retried.Error != nil {
		t.Fatal(retried.Error)
	}
	h.advanceSim(time.Minute)
	if state(DemoCheckpointWorkflowID) != "succeeded" {
		t.Errorf("the retried checkpoint did not pass: %+v", h.s.WorkflowJobs(DemoCheckpointWorkflowID))
	}
}
