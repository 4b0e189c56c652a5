package cpts

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/codearts-runner/codearts-runner/internal/testutil/apitest"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

const testProject = "0b7f5c1e8e8d4b9a"

// newTestClient returns a client of srv with fast retries (2 retries).
func newTestClient(t *testing.T, srv *httptest.Server) *Client {
	t.Helper()
	return New(apitest.Wire(t, srv.URL), testProject)
}

// exchange is one expected request and its canned answer.
type exchange struct {
	method string
	path   string     // without the /{version}/{project_id} prefix handled by want
	query  url.Values // nil: no query expected
	body   string     // expected JSON body; "" means none
	status int
	answer string // answer body, or "@file" for a golden file
}

func TestClientMethods(t *testing.T) {
	t.Parallel()
	p := "/" + testProject
	tests := []struct {
		name string
		ex   exchange
		call func(ctx context.Context, c *Client) (any, error)
		want any
	}{
		{
			name: "ShowTask",
			ex:   exchange{method: "GET", path: "/v1" + p + "/tasks/42", status: 200, answer: "@show_task.json"},
			call: func(ctx context.Context, c *Client) (any, error) {
				t, err := c.ShowTask(ctx, 42)
				if err != nil {
					return nil, err
				}
				return []any{int64(t.ID), t.RunStatus, t.CurrentRunID(), int64(t.Cases[0].Stages[0].Time)}, nil
			},
			want: []any{int64(42), StatusFinished, int64(79515), int64(60)},
		},
		{
			name: "CreateTask",
			ex: exchange{method: "POST", path: "/v1" + p + "/tasks", status: 201, answer: "@create_task_response.json",
				body: `{"name":"task","project_id":1,"temps":[],"operate_mode":2,"bench_concurrent":100}`},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateTask(ctx, CreateTaskRequest{Name: "task", SuiteID: 1, BenchConcurrent: 100})
			},
			want: int64(184138),
		},
		{
			name: "SetTaskCases",
			ex: exchange{method: "PUT", path: "/v3" + p + "/tasks/1", status: 200, answer: "@update_task_related_test_case_response.json",
				body: `{"name":"task","parallel":false,"project_id":17543,"operate_mode":2,"case_id_list":[16674,16675]}`},
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.SetTaskCases(ctx, 1, SetTaskCasesRequest{Name: "task", SuiteID: 17543, CaseIDs: []int64{16674, 16675}})
			},
		},
		{
			name: "ListTaskCases",
			ex: exchange{method: "GET", path: "/v1" + p + "/test-suites/3/tasks/4/test-cases", status: 200,
				answer: `{"code":"CPTS.00000000","test_cases":[{"id":16674,"name":"login","status":1,"type":2,"parent_id":5,"create_time":"c","update_time":"u","extra":1}]}`},
			call: func(ctx context.Context, c *Client) (any, error) { return c.ListTaskCases(ctx, 3, 4) },
			want: []TaskCase{{ID: 16674, Name: "login", Status: 1, Type: 2, ParentID: 5, CreateTime: "c", UpdateTime: "u"}},
		},
		{
			name: "StartTask shared",
			ex: exchange{method: "POST", path: "/v1" + p + "/test-suites/1/tasks/2", status: 200, answer: "@update_task_status_response.json",
				body: `{"cluster_id":0,"cluster_type":"shared-cluster-internet","without_package":0,"network_info":{"network_type":"internet"},"status":9,"enterprise_project_id":"0"}`},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.StartTask(ctx, 1, 2, Cluster{Shared: true, EnterpriseProjectID: "0"})
			},
			want: int64(32517),
		},
		{
			name: "StartTask private, run id as double",
			ex: exchange{method: "POST", path: "/v1" + p + "/test-suites/1/tasks/2", status: 200, answer: `{"result":{"task_run_id":32517.0}}`,
				body: `{"cluster_id":77,"cluster_type":"private-cluster","without_package":0,"network_info":{"network_type":"internet"},"status":9}`},
			call: func(ctx context.Context, c *Client) (any, error) { return c.StartTask(ctx, 1, 2, Cluster{ID: 77}) },
			want: int64(32517),
		},
		{
			name: "StopTask",
			ex: exchange{method: "POST", path: "/v1" + p + "/test-suites/1/tasks/2", status: 200, answer: `{"code":"SVCSTG.CPTS.0000000","message":"success","extend":null,"result":{}}`,
				body: `{"cluster_id":-1,"cluster_type":"shared-cluster-internet","without_package":0,"network_info":{"network_type":"internet"},"status":2}`},
			call: func(ctx context.Context, c *Client) (any, error) { return nil, c.StopTask(ctx, 1, 2) },
		},
		{
			name: "ListCaseRuns",
			ex: exchange{method: "GET", path: "/v2" + p + "/task-run-infos/32517/cases", status: 200,
				answer: `{"code":"CPTS.00000000","result":{"case_aw_info_list":[{"case_uri_i":"93868","name":"login","caseUri":"33321","testcaseId":"16674","aw":[]},{"case_uri_i":93869,"name":"pay"}],"err_message":""}}`},
			call: func(ctx context.Context, c *Client) (any, error) { return c.ListCaseRuns(ctx, 32517) },
			want: []CaseRun{{ID: 93868, Name: "login", CaseURI: "33321", TestcaseID: "16674"}, {ID: 93869, Name: "pay"}},
		},
		{
			name: "ShowReport",
			ex: exchange{method: "GET", path: "/v1" + p + "/task-run-infos/79515/case-run-infos/93868/reports", status: 200,
				query: url.Values{"brokens_limit_count": {"200"}}, answer: "@show_report.json"},
			call: func(ctx context.Context, c *Client) (any, error) {
				r, err := c.ShowReport(ctx, 79515, 93868, 200)
				if err != nil {
					return nil, err
				}
				return r.Details.Data[0].Performance.Fields()["tp99"], nil
			},
			want: 24.0,
		},
		{
			name: "ShowReport curve points at least 1",
			ex: exchange{method: "GET", path: "/v1" + p + "/task-run-infos/1/case-run-infos/2/reports", status: 200,
				query: url.Values{"brokens_limit_count": {"1"}}, answer: `{"result":{"outline":{"tps":1.5}}}`},
			call: func(ctx context.Context, c *Client) (any, error) {
				r, err := c.ShowReport(ctx, 1, 2, 0)
				if err != nil {
					return nil, err
				}
				return r.Outline.Fields(), nil
			},
			want: map[string]float64{"tps": 1.5},
		},
		{
			name: "History",
			ex:   exchange{method: "GET", path: "/v1" + p + "/tasks/history-run-list/42", status: 200, answer: "@show_history_run_info.json"},
			call: func(ctx context.Context, c *Client) (any, error) {
				h, err := c.History(ctx, 42)
				if err != nil {
					return nil, err
				}
				return []any{len(h), int64(h[0].RunID), h[0].ContinueTime.Value}, nil
			},
			want: []any{1, int64(48105), 595.0},
		},
		{
			name: "ListVariables",
			ex:   exchange{method: "GET", path: "/v1" + p + "/variables/2/test-suites/3", status: 200, answer: "@list_variables.json"},
			call: func(ctx context.Context, c *Client) (any, error) {
				vs, err := c.ListVariables(ctx, 3, VariableEnum)
				if err != nil {
					return nil, err
				}
				return []any{len(vs), vs[1].Name, vs[1].Values}, nil
			},
			want: []any{2, "var2", []any{"domain-example.com"}},
		},
		{
			name: "UpdateVariables",
			ex: exchange{method: "PUT", path: "/v1" + p + "/variables/3", status: 201, answer: "@update_variable_response.json",
				body: `[{"id":1,"name":"varTest","variable_type":1,"variable":[1,10]},{"id":2,"name":"host","variable_type":2,"variable":["a.example.com"]}]`},
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.UpdateVariables(ctx, 3, []Variable{
					{ID: 1, Name: "varTest", Type: VariableInteger, Values: []any{1, 10}, IsQuoted: true, FileSize: 9},
					{ID: 2, Name: "host", Type: VariableEnum, Values: []any{"a.example.com"}},
				})
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				checkRequest(t, r, tt.ex)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.ex.status)
				io.WriteString(w, answerText(t, tt.ex.answer))
			}))
			defer srv.Close()
			got, err := tt.call(context.Background(), newTestClient(t, srv))
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if tt.want != nil && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v\nwant %#v", got, tt.want)
			}
			if n := hits.Load(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

func answerText(t *testing.T, a string) string {
	if len(a) > 0 && a[0] == '@' {
		return string(readGolden(t, a[1:]))
	}
	return a
}

// checkRequest reports (without stopping the server) any difference from ex.
func checkRequest(t *testing.T, r *http.Request, ex exchange) {
	t.Helper()
	if r.Method != ex.method {
		t.Errorf("method = %s, want %s", r.Method, ex.method)
	}
	if p := r.URL.EscapedPath(); p != ex.path {
		t.Errorf("path = %s, want %s", p, ex.path)
	}
	q := r.URL.Query()
	if len(q) == 0 {
		q = nil
	}
	if !reflect.DeepEqual(q, ex.query) {
		t.Errorf("query = %v, want %v", q, ex.query)
	}
	body, _ := io.ReadAll(r.Body)
	if ex.body == "" {
		if len(body) != 0 {
			t.Errorf("unexpected body %s", body)
		}
		return
	}
	var got, want any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Errorf("body is not JSON: %v: %s", err, body)
		return
	}
	if err := json.Unmarshal([]byte(ex.body), &want); err != nil {
		t.Fatalf("bad test body: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("body = %s\nwant %s", body, ex.body)
	}
}

func TestClientPaging(t *testing.T) {
	t.Parallel()
	// suite ids on the server: 1..n. reading is how the server reads offset: "" an item offset,
	// "pages" a 1-based page number refusing 0 (400), "pages0" a page number reading 0 as 1,
	// "pages0empty" a page number answering nothing for 0. Every reading must find every suite
	// once; the item reading's call counts are exact (one probe at offset 2 ends the walk).
	tests := []struct {
		name      string
		n         int
		pageSize  int
		serverCap int  // server returns at most this many (0: limit)
		ignoreOff bool // server ignores offset
		reading   string
		wantIDs   int
		wantCalls int // 0: at most 2×pages+4
	}{
		{"empty", 0, 2, 0, false, "", 0, 2},
		{"exact pages", 4, 2, 0, false, "", 4, 4},
		{"partial last page", 5, 2, 0, false, "", 5, 5},
		{"server caps limit", 5, 100, 2, false, "", 5, 5},
		{"server ignores offset", 5, 2, 0, true, "", 2, 4},
		{"default page size", 150, 0, 0, false, "", 150, 4},
		{"pages: empty", 0, 2, 0, false, "pages", 0, 2},
		{"pages: exact pages", 4, 2, 0, false, "pages", 4, 0},
		{"pages: partial last page", 7, 2, 0, false, "pages", 7, 0},
		{"pages: server caps limit", 9, 100, 2, false, "pages", 9, 0},
		{"pages: default page size", 250, 0, 0, false, "pages", 250, 0},
		{"pages0: one page", 2, 2, 0, false, "pages0", 2, 0},
		{"pages0: partial last page", 7, 2, 0, false, "pages0", 7, 0},
		{"pages0: many pages", 23, 3, 0, false, "pages0", 23, 0},
		{"pages0: server caps limit", 9, 100, 2, false, "pages0", 9, 0},
		{"pages0empty: empty", 0, 2, 0, false, "pages0empty", 0, 2},
		{"pages0empty: one item", 1, 2, 0, false, "pages0empty", 1, 0},
		{"pages0empty: partial last page", 7, 2, 0, false, "pages0empty", 7, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				if r.URL.Path != "/v1/"+testProject+"/test-suites" {
					t.Errorf("path %s", r.URL.Path)
				}
				off, err1 := strconv.Atoi(r.URL.Query().Get("offset"))
				lim, err2 := strconv.Atoi(r.URL.Query().Get("limit"))
				if err1 != nil || err2 != nil {
					t.Errorf("bad query %s", r.URL.RawQuery)
				}
				if tt.pageSize == 0 && lim != DefaultPageSize {
					t.Errorf("limit = %d, want %d", lim, DefaultPageSize)
				}
				if tt.serverCap > 0 {
					lim = min(lim, tt.serverCap)
				}
				if tt.ignoreOff {
					off = 0
				}
				switch {
				case tt.reading == "pages" && off < 1:
					w.WriteHeader(http.StatusBadRequest)
					io.WriteString(w, `{"error_code":"CPTS.00000001","error_msg":"offset must be 1 or more"}`)
					return
				case tt.reading == "pages0empty" && off < 1:
					off = tt.n // nothing
				case tt.reading != "":
					off = (max(off, 1) - 1) * lim
				}
				projects := []map[string]any{}
				for id := off + 1; id <= min(off+lim, tt.n); id++ {
					projects = append(projects, map[string]any{"id": id, "name": "s" + strconv.Itoa(id)})
				}
				json.NewEncoder(w).Encode(map[string]any{"code": "CPTS.00000000", "projects": projects})
			}))
			defer srv.Close()
			c := newTestClient(t, srv)
			c.PageSize = tt.pageSize
			got, err := c.ListSuites(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.wantIDs {
				t.Errorf("%d suites, want %d", len(got), tt.wantIDs)
			}
			for i, s := range got {
				if int(s.ID) != i+1 || s.Name != "s"+strconv.Itoa(i+1) {
					t.Errorf("suite %d = %+v", i, s)
				}
			}
			n := int(calls.Load())
			if tt.wantCalls > 0 && n != tt.wantCalls {
				t.Errorf("%d calls, want %d", n, tt.wantCalls)
			}
			pageLen := tt.pageSize
			if pageLen == 0 {
				pageLen = DefaultPageSize
			}
			if tt.serverCap > 0 {
				pageLen = min(pageLen, tt.serverCap)
			}
			if bound := 2*((tt.n+pageLen-1)/pageLen) + 4; tt.wantCalls == 0 && n > bound {
				t.Errorf("%d calls, want at most %d", n, bound)
			}
		})
	}
}

func TestClientListTasksPaging(t *testing.T) {
	t.Parallel()
	var offsets []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/"+testProject+"/all-tasks/9" {
			t.Errorf("path %s", r.URL.Path)
		}
		offsets = append(offsets, r.URL.Query().Get("offset")+"/"+r.URL.Query().Get("limit"))
		switch r.URL.Query().Get("offset") {
		case "0":
			io.WriteString(w, answerText(t, "@show_task_set.json"))
		default:
			io.WriteString(w, `{"code":"SVCSTG.CPTS.0000000","extend":[],"message":"success","tasks":[]}`)
		}
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	c.PageSize = 2
	got, err := c.ListTasks(context.Background(), 9)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != 52631 || got[1].ID != 52621 {
		t.Errorf("tasks = %+v", got)
	}
	if want := []string{"0/2", "2/2", "1/2"}; !reflect.DeepEqual(offsets, want) {
		t.Errorf("offset/limit = %v, want %v", offsets, want)
	}
}

func TestClientRetries(t *testing.T) {
	t.Parallel()
	// RetryMax is 2: an idempotent call makes 3 attempts, a POST exactly 1.
	tests := []struct {
		name  string
		call  func(ctx context.Context, c *Client) error
		calls int32
	}{
		{"CreateTask POST is not retried", func(ctx context.Context, c *Client) error {
			_, err := c.CreateTask(ctx, CreateTaskRequest{Name: "t", SuiteID: 1})
			return err
		}, 1},
		{"StartTask POST is not retried", func(ctx context.Context, c *Client) error {
			_, err := c.StartTask(ctx, 1, 2, Cluster{Shared: true})
			return err
		}, 1},
		{"StopTask POST is not retried", func(ctx context.Context, c *Client) error {
			return c.StopTask(ctx, 1, 2)
		}, 1},
		{"ShowTask GET is retried", func(ctx context.Context, c *Client) error {
			_, err := c.ShowTask(ctx, 2)
			return err
		}, 3},
		{"ListSuites GET is retried", func(ctx context.Context, c *Client) error {
			_, err := c.ListSuites(ctx)
			return err
		}, 3},
		{"ShowReport GET is retried", func(ctx context.Context, c *Client) error {
			_, err := c.ShowReport(ctx, 1, 2, 10)
			return err
		}, 3},
		{"SetTaskCases PUT is retried", func(ctx context.Context, c *Client) error {
			return c.SetTaskCases(ctx, 2, SetTaskCasesRequest{Name: "t"})
		}, 3},
		{"UpdateVariables PUT is retried", func(ctx context.Context, c *Client) error {
			return c.UpdateVariables(ctx, 2, []Variable{{ID: 1, Name: "v", Type: 2}})
		}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				io.WriteString(w, `{"error_code":"APIGW.0308","error_msg":"The request is throttled."}`)
			}))
			defer srv.Close()
			err := tt.call(context.Background(), newTestClient(t, srv))
			var ae *api.APIError
			if !errors.As(err, &ae) || ae.Status != http.StatusServiceUnavailable || ae.Code != "APIGW.0308" {
				t.Errorf("error = %v, want APIError 503 APIGW.0308", err)
			}
			if n := calls.Load(); n != tt.calls {
				t.Errorf("%d requests, want %d", n, tt.calls)
			}
		})
	}
}

func TestClientErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		status  int
		answer  string
		call    func(ctx context.Context, c *Client) error
		noData  bool
		apiCode string
		apiBody string
	}{
		{"documented error body", 400, "@error_body.json", func(ctx context.Context, c *Client) error {
			_, err := c.ShowTask(ctx, 1)
			return err
		}, false, "AS.0001", ""},
		{"501 plain text", 501, "unknown error", func(ctx context.Context, c *Client) error {
			_, err := c.History(ctx, 1)
			return err
		}, false, "", "unknown error"},
		{"Chinese message", 404, `{"error_code":"CPTS.04000404","error_msg":"任务不存在"}`, func(ctx context.Context, c *Client) error {
			_, err := c.ShowTask(ctx, 1)
			return err
		}, false, "CPTS.04000404", ""},
		{"start without run id", 200, `{"code":"SVCSTG.CPTS.0000000","message":"success","extend":null,"result":null}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.StartTask(ctx, 1, 2, Cluster{Shared: true})
				return err
			}, true, "", ""},
		{"show task without taskInfo", 200, `{"code":"SVCSTG.CPTS.0000000","message":"success"}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.ShowTask(ctx, 1)
				return err
			}, true, "", ""},
		{"create without task id", 201, `{"code":"SVCSTG.CPTS.0000000"}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.CreateTask(ctx, CreateTaskRequest{Name: "x"})
				return err
			}, true, "", ""},
		{"report without result", 200, `{"code":"SVCSTG.CPTS.0000000","result":null}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.ShowReport(ctx, 1, 2, 3)
				return err
			}, true, "", ""},
		{"case runs without result", 200, `{}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.ListCaseRuns(ctx, 1)
				return err
			}, true, "", ""},
		{"case runs with err_message", 200, `{"result":{"case_aw_info_list":[],"err_message":"报告不存在"}}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.ListCaseRuns(ctx, 1)
				return err
			}, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				io.WriteString(w, answerText(t, tt.answer))
			}))
			defer srv.Close()
			err := tt.call(context.Background(), newTestClient(t, srv))
			if err == nil {
				t.Fatal("no error")
			}
			t.Logf("error: %v", err)
			if errors.Is(err, ErrNoData) != tt.noData {
				t.Errorf("errors.Is(ErrNoData) = %v, want %v", !tt.noData, tt.noData)
			}
			var ae *api.APIError
			isAPI := errors.As(err, &ae)
			if tt.status >= 300 {
				if !isAPI || ae.Status != tt.status || ae.Code != tt.apiCode {
					t.Fatalf("want APIError status %d code %q, got %v", tt.status, tt.apiCode, err)
				}
				if tt.apiBody != "" && ae.Body != tt.apiBody {
					t.Errorf("APIError.Body = %q, want %q", ae.Body, tt.apiBody)
				}
			} else if isAPI {
				t.Errorf("unexpected APIError %v", err)
			}
		})
	}
}

func TestClientNoCallForNoVariables(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
	}))
	defer srv.Close()
	if err := newTestClient(t, srv).UpdateVariables(context.Background(), 1, nil); err != nil {
		t.Fatal(err)
	}
}

func TestClientProjectIDEscaped(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got, want := r.URL.EscapedPath(), "/v1/a%2Fb%20c/tasks/history-run-list/5"; got != want {
			t.Errorf("path = %s, want %s", got, want)
		}
		io.WriteString(w, `{"log_list":[]}`)
	}))
	defer srv.Close()
	ac, err := api.New(api.Config{Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(ac, "a/b c").History(context.Background(), 5); err != nil {
		t.Fatal(err)
	}
}
