package sim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a manual real-time clock: tests move time instead of
// sleeping, so nothing depends on scheduling.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// harness is a simulator behind a real HTTP server plus an IAM token.
type harness struct {
	t      *testing.T
	s      *Server
	base   string
	clock  *fakeClock
	token  string
	client *http.Client
}

// newHarness starts a simulator on a fake clock (unless opt.Now is set) and
// logs in with the demo password.
func newHarness(t *testing.T, opt Options) *harness {
	t.Helper()
	clk := newFakeClock()
	if opt.Now == nil {
		opt.Now = clk.Now
	}
	s := New(opt)
	srv := httptest.NewServer(s)
	t.Cleanup(func() {
		s.Close()
		srv.Close()
	})
	h := &harness{t: t, s: s, base: srv.URL, clock: clk, client: &http.Client{Timeout: 10 * time.Second}}
	h.token = h.login()
	return h
}

// advanceSim moves the fake clock by d of simulated time.
func (h *harness) advanceSim(d time.Duration) {
	h.clock.Advance(time.Duration(float64(d) / h.s.opt.Scale))
}

func passwordBody(user, password string) string {
	return `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"` + user +
		`","password":"` + password + `","domain":{"name":"` + DemoDomain + `"}}}},` +
		`"scope":{"project":{"id":"` + DemoProjectID + `"}}}}`
}

func (h *harness) login() string {
	h.t.Helper()
	resp, err := h.client.Post(h.base+"/v3/auth/tokens", "application/json",
		strings.NewReader(passwordBody(DemoUser, DemoPassword)))
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusCreated {
		h.t.Fatalf("login: status %d", resp.StatusCode)
	}
	return resp.Header.Get("X-Subject-Token")
}

// path expands "{pid}" to the demo project id.
func path(p string) string { return strings.ReplaceAll(p, "{pid}", DemoProjectID) }

// do sends a token-authenticated request; body may be a string, []byte or a
// value to encode as JSON.
func (h *harness) do(method, p string, body any) (int, http.Header, []byte) {
	h.t.Helper()
	resp, err := h.send(method, p, body, map[string]string{"X-Auth-Token": h.token})
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, p, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("%s %s: read: %v", method, p, err)
	}
	return resp.StatusCode, resp.Header, b
}

func (h *harness) send(method, p string, body any, headers map[string]string) (*http.Response, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, h.base+path(p), rd)
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return h.client.Do(req)
}

// json expects a 2xx answer and decodes it into out.
func (h *harness) json(method, p string, body, out any) int {
	h.t.Helper()
	status, _, b := h.do(method, p, body)
	if status/100 != 2 {
		h.t.Fatalf("%s %s: status %d: %s", method, p, status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			h.t.Fatalf("%s %s: decode: %v: %s", method, p, err, b)
		}
	}
	return status
}

// errorOf decodes an error answer.
func errorOf(t *testing.T, b []byte) errorBody {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("error body is not JSON: %v: %s", err, b)
	}
	return e
}

// startBody is a documented start request on the shared resource group.
func startBody() map[string]any {
	return map[string]any{"cluster_id": 0, "cluster_type": "shared-cluster-internet", "without_package": 0,
		"network_info": map[string]any{"network_type": "internet"}, "status": 9, "enterprise_project_id": "0"}
}

func stopBody() map[string]any {
	return map[string]any{"cluster_id": -1, "cluster_type": "shared-cluster-internet", "without_package": 0,
		"network_info": map[string]any{"network_type": "internet"}, "status": 2}
}

type startAnswer struct {
	Code   string `json:"code"`
	Result struct {
		TaskRunID int `json:"task_run_id"`
	} `json:"result"`
}

// start starts a task and returns the task run id.
func (h *harness) start(suiteID, taskID int) int {
	h.t.Helper()
	var a startAnswer
	h.json("POST", "/v1/{pid}/test-suites/"+itoa(suiteID)+"/tasks/"+itoa(taskID), startBody(), &a)
	if a.Result.TaskRunID == 0 {
		h.t.Fatal("start: no task_run_id")
	}
	return a.Result.TaskRunID
}

type taskView struct {
	TaskInfo struct {
		RunStatus int `json:"run_status"`
		Running   []struct {
			TaskRunInfoID        int `json:"task_run_info_id"`
			RelatedTempRunningID int `json:"related_temp_running_id"`
			TempID               int `json:"temp_id"`
			TempRunningStatus    int `json:"temp_running_status"`
			Children             []struct {
				TempRunningStatus int `json:"temp_running_status"`
			} `json:"related_temp_running_data"`
		} `json:"related_temp_running_data"`
	} `json:"taskInfo"`
}

func (h *harness) showTask(taskID int) taskView {
	h.t.Helper()
	var v taskView
	h.json("GET", "/v1/{pid}/tasks/"+itoa(taskID), nil, &v)
	return v
}

func itoa(i int) string { return strconv.Itoa(i) }

// report fetches a report through the API.
func (h *harness) report(runID, caseRunID, points int) reportResponse {
	h.t.Helper()
	var r reportResponse
	h.json("GET", "/v1/{pid}/task-run-infos/"+itoa(runID)+"/case-run-infos/"+itoa(caseRunID)+
		"/reports?brokens_limit_count="+itoa(points), nil, &r)
	return r
}

func (r reportResponse) perf() perfRow { return r.Result.Details.Data[0].Performance }
