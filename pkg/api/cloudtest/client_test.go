package cloudtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

const (
	planID = "c7c2ddf2ea914164ac6ee76bf11a30ea"
	caseA  = "efdb403066474ab08836b9eeaaa23bca"
	caseB  = "251fca07b22f493692eb06b1754f07a8"
	caseC  = "97b82412f1ca4628803b918c27ed09de"
)

func TestClientMethods(t *testing.T) {
	t.Parallel()
	p := "/v1/projects/" + testProject
	start := time.UnixMilli(1700000000000)
	tests := []struct {
		name string
		exs  []exchange
		call func(ctx context.Context, c *Client) (any, error)
		want any
	}{
		{
			name: "CreatePlan (4.3.2 example)",
			exs: []exchange{{method: "POST", path: p + "/plans", status: 201,
				body: "@create_plan_request.json", answer: "@create_plan_response.json"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreatePlan(ctx, CreatePlanRequest{
					Name: "这是一个测试计划名称", ServiceIDs: []int64{13, 24}, AssigneeID: caseA,
					StartDate: time.Date(2020, 3, 4, 0, 0, 0, 0, time.UTC),
					// 2020-04-01 01:00 in UTC+8 is 2020-03-31 in UTC: dates are sent in UTC.
					EndDate: time.Date(2020, 4, 1, 1, 0, 0, 0, time.FixedZone("CST", 8*3600)),
				})
			},
			want: "b66aab5469cc4ab39b0dda8e644a42a4",
		},
		{
			name: "CreatePlan (example 3)",
			exs: []exchange{{method: "POST", path: p + "/plans", status: 201,
				body: "@example3_create_plan_request.json", answer: "@example3_create_plan_response.json"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreatePlan(ctx, CreatePlanRequest{
					Name: "这是一个测试计划名称", ServiceIDs: []int64{0}, AssigneeID: caseA,
					StartDate: time.Date(2020, 3, 4, 12, 0, 0, 0, time.UTC),
					EndDate:   time.Date(2020, 3, 31, 23, 59, 0, 0, time.UTC),
				})
			},
			want: caseA,
		},
		{
			name: "CreatePlan without dates or assignee",
			exs: []exchange{{method: "POST", path: p + "/plans", status: 201,
				body: `{"name":"gate","service_id_list":[13],"plan_cycle":{}}`, answer: `{"plan_id":"` + planID + `"}`}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreatePlan(ctx, CreatePlanRequest{Name: "gate", ServiceIDs: []int64{13}})
			},
			want: planID,
		},
		{
			name: "ListPlans answers 201 with a bare array",
			exs: []exchange{
				{method: "GET", path: "/v2/projects/" + testProject + "/plans", status: 201,
					query: url.Values{"offset": {"0"}, "limit": {"100"}, "name": {"测试"}}, answer: "@list_plans_v2.json"},
				{method: "GET", path: "/v2/projects/" + testProject + "/plans", status: 201,
					query: url.Values{"offset": {"1"}, "limit": {"100"}, "name": {"测试"}}, answer: `[]`},
			},
			call: func(ctx context.Context, c *Client) (any, error) {
				ps, err := c.ListPlans(ctx, "测试")
				if err != nil {
					return nil, err
				}
				return []any{len(ps), string(ps[0].ID), ps[0].Name, int64(ps[0].Design.CaseCount)}, nil
			},
			want: []any{1, planID, "测试", int64(2)},
		},
		{
			name: "ListPlans without a name sends none",
			exs: []exchange{{method: "GET", path: "/v2/projects/" + testProject + "/plans", status: 201,
				query: url.Values{"offset": {"0"}, "limit": {"100"}}, answer: `[]`},
				{method: "GET", path: "/v2/projects/" + testProject + "/plans", status: 201,
					query: url.Values{"offset": {"1"}, "limit": {"100"}}, answer: `[]`}},
			call: func(ctx context.Context, c *Client) (any, error) { return c.ListPlans(ctx, "") },
			want: []Plan{},
		},
		{
			name: "ListPlans tolerates null and 200",
			exs: []exchange{{method: "GET", path: "/v2/projects/" + testProject + "/plans",
				query: url.Values{"offset": {"0"}, "limit": {"100"}}, answer: `null`},
				{method: "GET", path: "/v2/projects/" + testProject + "/plans",
					query: url.Values{"offset": {"1"}, "limit": {"100"}}, answer: `null`}},
			call: func(ctx context.Context, c *Client) (any, error) { return c.ListPlans(ctx, "") },
			want: []Plan{},
		},
		{
			name: "AddCases (4.3.1 example) answered 204",
			exs: []exchange{{method: "POST", path: p + "/plans/" + planID + "/testcases/batch-add", status: 204,
				body: "@batch_add_request.json"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				r, err := c.AddCases(ctx, planID, 13, []string{caseC, caseC, caseC})
				if err != nil {
					return nil, err
				}
				return []any{r.Succeeded, len(r.Failed), r.OK(), r.Err() == nil}, nil
			},
			want: []any{[]string{caseC}, 0, true, true},
		},
		{
			name: "AddCases partial failure answered 500 (4.3.1 example)",
			exs: []exchange{{method: "POST", path: p + "/plans/" + planID + "/testcases/batch-add", status: 500,
				body: `{"service_id":13,"testcase_id_list":["` + caseA + `","` + caseB + `"]}`, answer: "@batch_add_response_500.json"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				r, err := c.AddCases(ctx, planID, 13, []string{caseA, caseB})
				if err != nil {
					return nil, err
				}
				return []any{r.Succeeded, r.Failed, r.Code, r.Answer.Status, r.Incomplete}, nil
			},
			want: []any{[]string{caseB}, []CaseFailure{{CaseID: caseA, Code: "CLOUDTEST.00000001", Message: "返回的错误信息"}},
				"CLOUDTEST.00000001", 500, false},
		},
		{
			name: "AddCases every case refused, answered 400 (example 3)",
			exs: []exchange{{method: "POST", path: p + "/plans/" + planID + "/testcases/batch-add", status: 400,
				body: "@example3_batch_add_request.json", answer: "@example3_batch_add_response.json"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				r, err := c.AddCases(ctx, planID, 13, []string{caseA, caseB})
				if err != nil {
					return nil, err
				}
				return []any{r.Succeeded, len(r.Failed), r.Failed[1].CaseID, r.Message}, nil
			},
			want: []any{[]string{}, 2, caseB, "失败原因XXXXX"},
		},
		{
			name: "AddCases partial failure answered 200",
			exs: []exchange{{method: "POST", path: p + "/plans/" + planID + "/testcases/batch-add",
				body:   `{"service_id":13,"testcase_id_list":["` + caseA + `","` + caseB + `"]}`,
				answer: `{"error_detail":{"failed":[{"testcase_id":"` + caseB + `","error_code":"CLOUDTEST.00017057","error_msg":"项目或计划下不存在该用例"}]},"extra":null}`}},
			call: func(ctx context.Context, c *Client) (any, error) {
				r, err := c.AddCases(ctx, planID, 13, []string{caseA, caseB})
				if err != nil {
					return nil, err
				}
				return []any{r.Succeeded, r.Failed[0].Code, r.Answer == nil}, nil
			},
			want: []any{[]string{caseA}, "CLOUDTEST.00017057", true},
		},
		{
			name: "ListEnvironments (4.2.1 example) pages until an empty page",
			exs: []exchange{
				{method: "GET", path: p + "/environments", query: url.Values{"offset": {"0"}, "limit": {"100"}}, answer: "@list_environments.json"},
				{method: "GET", path: p + "/environments", query: url.Values{"offset": {"1"}, "limit": {"100"}},
					answer: `{"environments":[],"offset":1,"limit":1,"total_count":50}`},
			},
			call: func(ctx context.Context, c *Client) (any, error) { return c.ListEnvironments(ctx) },
			want: []Environment{{ID: "ff4893796ee1a8aa009ff3a470de55d8", Name: "默认环境", Description: "默认环境", IsDefault: true}},
		},
		{
			name: "ListEnvironments stops at total_count",
			exs: []exchange{{method: "GET", path: p + "/environments", query: url.Values{"offset": {"0"}, "limit": {"100"}},
				answer: `{"environments":[{"environment_id":"a","environment_name":"e1","is_default":null},{"environment_id":"b","environment_name":"e2","environment_description":null}],"total_count":2}`}},
			call: func(ctx context.Context, c *Client) (any, error) { return c.ListEnvironments(ctx) },
			want: []Environment{{ID: "a", Name: "e1"}, {ID: "b", Name: "e2"}},
		},
		{
			name: "RunTestCases",
			exs: []exchange{{method: "POST", path: p + "/testcases/execution",
				body: `{"service_id":13,"plan_id":"` + planID + `","execute_list":[` +
					`{"testcase_id":"` + caseA + `","execute_id":"e1","result_id":"5","start_time":1700000000000},` +
					`{"testcase_id":"` + caseB + `","execute_id":"e2","result_id":"0","start_time":1700000001000}]}`,
				answer: `{}`}},
			call: func(ctx context.Context, c *Client) (any, error) {
				r, err := c.RunTestCases(ctx, RunCasesRequest{ServiceID: 13, PlanID: planID, Cases: []CaseExecution{
					{CaseID: caseA, ExecuteID: "e1", Start: start},
					{CaseID: caseB, ExecuteID: "e2", Result: ResultPassed, Start: start.Add(time.Second)},
				}})
				if err != nil {
					return nil, err
				}
				return r.Succeeded, r.Err()
			},
			want: []string{caseA, caseB},
		},
		{
			name: "RunTestCases without plan",
			exs: []exchange{{method: "POST", path: p + "/testcases/execution", status: 204,
				body: `{"service_id":7,"execute_list":[{"testcase_id":"` + caseA + `","execute_id":"e1","result_id":"5","start_time":1700000000000}]}`}},
			call: func(ctx context.Context, c *Client) (any, error) {
				r, err := c.RunTestCases(ctx, RunCasesRequest{ServiceID: 7, Cases: []CaseExecution{{CaseID: caseA, ExecuteID: "e1", Start: start}}})
				if err != nil {
					return nil, err
				}
				return r.Succeeded, nil
			},
			want: []string{caseA},
		},
		{
			name: "UpdateCaseResults",
			exs: []exchange{{method: "POST", path: p + "/testcases/result",
				body: `{"service_id":13,"plan_id":"` + planID + `","execute_list":[` +
					`{"testcase_id":"` + caseA + `","execute_id":"e1","result_id":"0","end_time":1700000060000,"duration":60000,"description":"p95 412 ms <= 500 ms"},` +
					`{"testcase_id":"` + caseB + `","execute_id":"e2","result_id":"1","end_time":1700000060000,"duration":1500}]}`,
				answer: `{"error_code":null,"error_msg":null}`}},
			call: func(ctx context.Context, c *Client) (any, error) {
				r, err := c.UpdateCaseResults(ctx, UpdateResultsRequest{ServiceID: 13, PlanID: planID, Results: []CaseResult{
					{CaseID: caseA, ExecuteID: "e1", Result: ResultPassed, End: start.Add(time.Minute), Duration: time.Minute, Description: "p95 412 ms <= 500 ms"},
					{CaseID: caseB, ExecuteID: "e2", Result: ResultFailed, End: start.Add(time.Minute), Duration: 1500*time.Millisecond + 700*time.Microsecond},
				}})
				if err != nil {
					return nil, err
				}
				return r.Succeeded, r.Err()
			},
			want: []string{caseA, caseB},
		},
		{
			name: "ListPlanCases stops at total",
			exs: []exchange{{method: "POST", path: "/v1/" + testProject + "/testcases/batch-query",
				body: `{"offset":0,"limit":100,"version_id":"` + planID + `"}`,
				answer: `{"total":2,"values":[` +
					`{"id":"` + caseA + `","name":"login p95","result":{"id":"0","name":"成功"},"status":{"id":"2","name":"完成"},` +
					`"execute_info":{"time":"2024-01-01 10:00:00","timestamp":1704074400000,"duration":"60000","execute_times":1},"test_type":{"id":13,"name":"性能测试"}},` +
					`{"id":"` + caseB + `","name":"pay","result":null,"execute_info":null,"unknown":[1]}]}`}},
			call: func(ctx context.Context, c *Client) (any, error) {
				cs, err := c.ListPlanCases(ctx, planID)
				if err != nil {
					return nil, err
				}
				return []any{len(cs), Result(cs[0].Result.ID), string(cs[0].Executed.Duration), int64(cs[0].Executed.ExecuteTimes),
					string(cs[0].TestType.ID), cs[1].Name, string(cs[1].Result.ID)}, nil
			},
			want: []any{2, ResultPassed, "60000", int64(1), "13", "pay", ""},
		},
		{
			name: "ShowCase",
			exs: []exchange{{method: "GET", path: p + "/testcases/" + caseA,
				answer: `{"testcase_id":"` + caseA + `","project_id":"` + testProject + `","service_id":13,"name":"login p95",` +
					`"testcase_number":"TC-1","rank_id":2,"status_id":"2","assigned_user":{"id":"u","name":"张三"},"execute_count":3,"result_id":"1",` +
					`"extend_info":{"description":"x"}}`}},
			call: func(ctx context.Context, c *Client) (any, error) {
				d, err := c.ShowCase(ctx, caseA)
				if err != nil {
					return nil, err
				}
				return *d, nil
			},
			want: CaseDetail{ID: caseA, ProjectID: testProject, ServiceID: 13, Name: "login p95", Number: "TC-1", RankID: 2,
				StatusID: "2", Assignee: NameID{ID: "u", Name: "张三"}, ExecuteCount: 3, ResultID: "1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := stubServer(t, tt.exs...)
			got, err := tt.call(context.Background(), newTestClient(t, srv))
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestListPlansPaging(t *testing.T) {
	t.Parallel()
	// plan ids on the server: p1..pn
	tests := []struct {
		name      string
		n         int
		pageSize  int
		serverCap int  // server returns at most this many (0: limit)
		ignoreOff bool // server ignores offset
		wantPlans int
		wantCalls int
	}{
		{"empty", 0, 2, 0, false, 0, 2},
		{"exact pages", 4, 2, 0, false, 4, 4},
		{"partial last page", 5, 2, 0, false, 5, 5},
		{"server caps limit", 5, 100, 2, false, 5, 5},
		{"server ignores offset", 5, 2, 0, true, 2, 4},
		{"default page size", 150, 0, 0, false, 150, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				if r.URL.Path != "/v2/projects/"+testProject+"/plans" {
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
				plans := []map[string]any{}
				for i := off + 1; i <= min(off+lim, tt.n); i++ {
					plans = append(plans, map[string]any{"plan_id": fmt.Sprintf("p%d", i), "name": fmt.Sprintf("plan %d", i)})
				}
				w.WriteHeader(http.StatusCreated)
				json.NewEncoder(w).Encode(plans)
			}))
			defer srv.Close()
			c := newTestClient(t, srv)
			c.PageSize = tt.pageSize
			got, err := c.ListPlans(context.Background(), "")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.wantPlans {
				t.Errorf("%d plans, want %d", len(got), tt.wantPlans)
			}
			for i, p := range got {
				if string(p.ID) != fmt.Sprintf("p%d", i+1) {
					t.Errorf("plan %d = %+v", i, p)
				}
			}
			if n := int(calls.Load()); n != tt.wantCalls {
				t.Errorf("%d calls, want %d", n, tt.wantCalls)
			}
		})
	}
}

func TestListPlanCasesPaging(t *testing.T) {
	t.Parallel()
	var (
		mu     sync.Mutex
		bodies []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		var req listCasesBody
		if err := json.Unmarshal(b, &req); err != nil {
			t.Errorf("body %s: %v", b, err)
		}
		var vals []string
		for i := req.Offset; i < min(req.Offset+req.Limit, 5); i++ {
			vals = append(vals, fmt.Sprintf(`{"id":"c%d","name":"case %d"}`, i, i))
		}
		fmt.Fprintf(w, `{"total":5,"values":[%s]}`, strings.Join(vals, ","))
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	c.PageSize = 2
	got, err := c.ListPlanCases(context.Background(), planID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 || got[4].ID != "c4" {
		t.Errorf("cases = %+v", got)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{
		`{"offset":0,"limit":2,"version_id":"` + planID + `"}`,
		`{"offset":2,"limit":2,"version_id":"` + planID + `"}`,
		`{"offset":4,"limit":2,"version_id":"` + planID + `"}`,
	}
	if !reflect.DeepEqual(bodies, want) {
		t.Errorf("bodies = %q\nwant %q", bodies, want)
	}
}

func TestClientRetries(t *testing.T) {
	t.Parallel()
	start := time.UnixMilli(1700000000000)
	// RetryMax is 2: an idempotent call makes 3 attempts, a POST exactly 1.
	tests := []struct {
		name  string
		call  func(ctx context.Context, c *Client) error
		calls int32
	}{
		{"CreatePlan POST is not retried", func(ctx context.Context, c *Client) error {
			_, err := c.CreatePlan(ctx, CreatePlanRequest{Name: "p", ServiceIDs: []int64{1}})
			return err
		}, 1},
		{"AddCases POST is not retried", func(ctx context.Context, c *Client) error {
			_, err := c.AddCases(ctx, planID, 1, []string{caseA})
			return err
		}, 1},
		{"RunTestCases POST is not retried", func(ctx context.Context, c *Client) error {
			_, err := c.RunTestCases(ctx, RunCasesRequest{ServiceID: 1, Cases: []CaseExecution{{CaseID: caseA, ExecuteID: "e", Start: start}}})
			return err
		}, 1},
		{"UpdateCaseResults POST is not retried", func(ctx context.Context, c *Client) error {
			_, err := c.UpdateCaseResults(ctx, UpdateResultsRequest{ServiceID: 1, Results: []CaseResult{{CaseID: caseA, ExecuteID: "e", Result: ResultPassed, End: start}}})
			return err
		}, 1},
		{"ListPlans GET is retried", func(ctx context.Context, c *Client) error {
			_, err := c.ListPlans(ctx, "x")
			return err
		}, 3},
		{"ListEnvironments GET is retried", func(ctx context.Context, c *Client) error {
			_, err := c.ListEnvironments(ctx)
			return err
		}, 3},
		{"ShowCase GET is retried", func(ctx context.Context, c *Client) error {
			_, err := c.ShowCase(ctx, caseA)
			return err
		}, 3},
		{"ListPlanCases read-only POST is retried", func(ctx context.Context, c *Client) error {
			_, err := c.ListPlanCases(ctx, planID)
			return err
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
		name     string
		status   int
		answer   string
		call     func(ctx context.Context, c *Client) error
		noData   bool
		apiCode  string // want an *api.APIError with this code (when status >= 300)
		contains string
	}{
		{"documented error body (6.2)", 400, "@error_body.json", func(ctx context.Context, c *Client) error {
			_, err := c.AddCases(ctx, planID, 13, []string{caseA})
			return err
		}, false, "CLOUDTEST.00013024", "没有权限添加用例"},
		{"batch-add total failure has no failed list", 500, `{"error_code":"CLOUDTEST.00013001","error_msg":"当前用户没有操作该测试类型的权限"}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.AddCases(ctx, planID, 13, []string{caseA})
				return err
			}, false, "CLOUDTEST.00013001", "HTTP 500"},
		{"batch-add empty failed list is a plain error", 500, `{"error_code":"CLOUDTEST.00050000","error_msg":"系统繁忙","error_detail":{"failed":[]}}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.AddCases(ctx, planID, 13, []string{caseA})
				return err
			}, false, "CLOUDTEST.00050000", "系统繁忙"},
		{"API gateway error", 401, `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information","request_id":"r-1"}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.ListPlans(ctx, "")
				return err
			}, false, "APIGW.0301", "request id r-1"},
		{"list plans answers an error object with 201", 201, `{"error_code":"CLOUDTEST.00060001","error_msg":"分页参数不合法，只允许正整数"}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.ListPlans(ctx, "")
				return err
			}, false, "", "CLOUDTEST.00060001 分页参数不合法"},
		{"list plans answers a bare object", 201, `{"plans":[]}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.ListPlans(ctx, "")
				return err
			}, false, "", "want a JSON array"},
		{"create plan without plan_id names the error", 201, `{"error_code":"CLOUDTEST.00070009","error_msg":"测试计划名称已存在"}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.CreatePlan(ctx, CreatePlanRequest{Name: "p", ServiceIDs: []int64{1}})
				return err
			}, true, "", "测试计划名称已存在"},
		{"create plan with an empty answer", 201, ``,
			func(ctx context.Context, c *Client) error {
				_, err := c.CreatePlan(ctx, CreatePlanRequest{Name: "p", ServiceIDs: []int64{1}})
				return err
			}, true, "", "no plan_id"},
		{"create plan error status", 500, `{"error_code":"CLOUDTEST.00070009","error_msg":"测试计划名称已存在"}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.CreatePlan(ctx, CreatePlanRequest{Name: "p", ServiceIDs: []int64{1}})
				return err
			}, false, "CLOUDTEST.00070009", "测试计划名称已存在"},
		{"show case with only an error", 200, `{"error_code":"CLOUDTEST.00017001","error_msg":"该用例不存在"}`,
			func(ctx context.Context, c *Client) error {
				_, err := c.ShowCase(ctx, caseA)
				return err
			}, true, "", "该用例不存在"},
		{"plain text 502", 502, `Bad Gateway`,
			func(ctx context.Context, c *Client) error {
				_, err := c.RunTestCases(ctx, RunCasesRequest{ServiceID: 1, Cases: []CaseExecution{{CaseID: caseA, ExecuteID: "e", Start: time.Now()}}})
				return err
			}, false, "", "Bad Gateway"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				io.WriteString(w, text(t, tt.answer))
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
					t.Errorf("want APIError status %d code %q, got %v", tt.status, tt.apiCode, err)
				}
			} else if isAPI {
				t.Errorf("unexpected APIError %v", err)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q does not contain %q", err, tt.contains)
			}
		})
	}
}

func TestClientValidation(t *testing.T) {
	t.Parallel()
	start := time.UnixMilli(1700000000000)
	ids := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("%032d", i)
		}
		return out
	}
	execs := func(n int) []CaseExecution {
		out := make([]CaseExecution, n)
		for i, id := range ids(n) {
			out[i] = CaseExecution{CaseID: id, ExecuteID: strconv.Itoa(i), Start: start}
		}
		return out
	}
	results := func(n int) []CaseResult {
		out := make([]CaseResult, n)
		for i, id := range ids(n) {
			out[i] = CaseResult{CaseID: id, ExecuteID: strconv.Itoa(i), Result: ResultPassed, End: start}
		}
		return out
	}
	tests := []struct {
		name     string
		call     func(ctx context.Context, c *Client) error
		tooMany  bool
		contains string
	}{
		{"AddCases refuses 51 ids", func(ctx context.Context, c *Client) error {
			_, err := c.AddCases(ctx, planID, 13, ids(51))
			return err
		}, true, "51 cases, at most 50"},
		{"AddCases refuses an empty plan id", func(ctx context.Context, c *Client) error {
			_, err := c.AddCases(ctx, "", 13, ids(1))
			return err
		}, false, "plan id is empty"},
		{"AddCases refuses an empty case id", func(ctx context.Context, c *Client) error {
			_, err := c.AddCases(ctx, planID, 13, []string{caseA, " "})
			return err
		}, false, "empty case id"},
		{"RunTestCases refuses 51 cases", func(ctx context.Context, c *Client) error {
			_, err := c.RunTestCases(ctx, RunCasesRequest{ServiceID: 1, Cases: execs(51)})
			return err
		}, true, "at most 50"},
		{"RunTestCases refuses a repeated case", func(ctx context.Context, c *Client) error {
			_, err := c.RunTestCases(ctx, RunCasesRequest{ServiceID: 1, Cases: []CaseExecution{
				{CaseID: caseA, ExecuteID: "1", Start: start}, {CaseID: caseA, ExecuteID: "2", Start: start}}})
			return err
		}, false, "listed twice"},
		{"RunTestCases refuses a repeated execute id", func(ctx context.Context, c *Client) error {
			_, err := c.RunTestCases(ctx, RunCasesRequest{ServiceID: 1, Cases: []CaseExecution{
				{CaseID: caseA, ExecuteID: "1", Start: start}, {CaseID: caseB, ExecuteID: "1", Start: start}}})
			return err
		}, false, "used twice"},
		{"RunTestCases refuses a long execute id", func(ctx context.Context, c *Client) error {
			_, err := c.RunTestCases(ctx, RunCasesRequest{ServiceID: 1, Cases: []CaseExecution{
				{CaseID: caseA, ExecuteID: strings.Repeat("x", 33), Start: start}}})
			return err
		}, false, "longer than 32"},
		{"RunTestCases refuses an empty execute id", func(ctx context.Context, c *Client) error {
			_, err := c.RunTestCases(ctx, RunCasesRequest{ServiceID: 1, Cases: []CaseExecution{{CaseID: caseA, Start: start}}})
			return err
		}, false, "empty execute id"},
		{"RunTestCases refuses a missing start", func(ctx context.Context, c *Client) error {
			_, err := c.RunTestCases(ctx, RunCasesRequest{ServiceID: 1, Cases: []CaseExecution{{CaseID: caseA, ExecuteID: "1"}}})
			return err
		}, false, "no start time"},
		{"RunTestCases refuses an unknown result", func(ctx context.Context, c *Client) error {
			_, err := c.RunTestCases(ctx, RunCasesRequest{ServiceID: 1, Cases: []CaseExecution{{CaseID: caseA, ExecuteID: "1", Result: "2", Start: start}}})
			return err
		}, false, `result "2" is not one of`},
		{"UpdateCaseResults refuses 51 results", func(ctx context.Context, c *Client) error {
			_, err := c.UpdateCaseResults(ctx, UpdateResultsRequest{ServiceID: 1, Results: results(51)})
			return err
		}, true, "at most 50"},
		{"UpdateCaseResults refuses a missing result", func(ctx context.Context, c *Client) error {
			_, err := c.UpdateCaseResults(ctx, UpdateResultsRequest{ServiceID: 1, Results: []CaseResult{{CaseID: caseA, ExecuteID: "1", End: start}}})
			return err
		}, false, "is not one of"},
		{"UpdateCaseResults refuses a missing end", func(ctx context.Context, c *Client) error {
			_, err := c.UpdateCaseResults(ctx, UpdateResultsRequest{ServiceID: 1, Results: []CaseResult{{CaseID: caseA, ExecuteID: "1", Result: ResultFailed}}})
			return err
		}, false, "no end time"},
		{"UpdateCaseResults refuses a negative duration", func(ctx context.Context, c *Client) error {
			_, err := c.UpdateCaseResults(ctx, UpdateResultsRequest{ServiceID: 1, Results: []CaseResult{
				{CaseID: caseA, ExecuteID: "1", Result: ResultFailed, End: start, Duration: -time.Second}}})
			return err
		}, false, "negative duration"},
		{"CreatePlan refuses an empty name", func(ctx context.Context, c *Client) error {
			_, err := c.CreatePlan(ctx, CreatePlanRequest{ServiceIDs: []int64{1}})
			return err
		}, false, "name is empty"},
		{"CreatePlan refuses no service id", func(ctx context.Context, c *Client) error {
			_, err := c.CreatePlan(ctx, CreatePlanRequest{Name: "p"})
			return err
		}, false, "no test type service id"},
		{"ListPlanCases refuses an empty plan id", func(ctx context.Context, c *Client) error {
			_, err := c.ListPlanCases(ctx, "")
			return err
		}, false, "plan id is empty"},
		{"ShowCase refuses an empty case id", func(ctx context.Context, c *Client) error {
			_, err := c.ShowCase(ctx, "")
			return err
		}, false, "case id is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call(context.Background(), newTestClient(t, noRequests(t)))
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, ErrTooManyCases) != tt.tooMany {
				t.Errorf("errors.Is(ErrTooManyCases) = %v, want %v", !tt.tooMany, tt.tooMany)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q does not contain %q", err, tt.contains)
			}
		})
	}
}

func TestClientBatchOfFiftyIsSent(t *testing.T) {
	t.Parallel()
	ids := make([]string, MaxBatch)
	for i := range ids {
		ids[i] = fmt.Sprintf("%032d", i)
	}
	var (
		mu  sync.Mutex
		got batchAddBody
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		json.NewDecoder(r.Body).Decode(&got)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	r, err := newTestClient(t, srv).AddCases(context.Background(), planID, 13, ids)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got.CaseIDs) != MaxBatch || len(r.Succeeded) != MaxBatch {
		t.Errorf("sent %d, succeeded %d", len(got.CaseIDs), len(r.Succeeded))
	}
}

func TestClientEmptyBatchesMakeNoCall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newTestClient(t, noRequests(t))
	r1, err1 := c.AddCases(ctx, planID, 13, nil)
	r2, err2 := c.RunTestCases(ctx, RunCasesRequest{ServiceID: 13})
	r3, err3 := c.UpdateCaseResults(ctx, UpdateResultsRequest{ServiceID: 13})
	for i, r := range []*BatchResult{r1, r2, r3} {
		if err := []error{err1, err2, err3}[i]; err != nil || r == nil || !r.OK() || len(r.Succeeded) != 0 {
			t.Errorf("call %d: %+v, %v", i, r, err)
		}
	}
}

// TestClientTruncatedFailureList: the wire layer keeps at most 4 KiB of an
// error body, so a long failure list arrives cut; the failures before the
// cut are kept and the result says it is incomplete.
func TestClientTruncatedFailureList(t *testing.T) {
	t.Parallel()
	var ids []string
	var failed []string
	for i := range MaxBatch {
		id := fmt.Sprintf("%032x", i)
		ids = append(ids, id)
		if i > 0 {
			failed = append(failed, `{"error_code":"CLOUDTEST.00017057","error_msg":"项目或计划下不存在该用例","testcase_id":"`+id+`"}`)
		}
	}
	body := `{"error_code":"CLOUDTEST.00000001","error_msg":"部分失败","error_detail":{"failed":[` + strings.Join(failed, ",") + `]}}`
	if len(body) <= 4096 {
		t.Fatalf("body of %d bytes is not long enough to be cut", len(body))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, body)
	}))
	defer srv.Close()
	r, err := newTestClient(t, srv).AddCases(context.Background(), planID, 13, ids)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Incomplete || r.Succeeded != nil || r.OK() {
		t.Errorf("Incomplete %v, Succeeded %v, OK %v", r.Incomplete, r.Succeeded, r.OK())
	}
	if n := len(r.Failed); n < 20 || n >= MaxBatch-1 {
		t.Errorf("%d failures read", n)
	}
	if r.Failed[0].CaseID != ids[1] || r.Code != "CLOUDTEST.00000001" || r.Answer.Status != 500 {
		t.Errorf("result = %+v", r)
	}
	err = r.Err()
	var be *BatchError
	var ae *api.APIError
	if !errors.As(err, &be) || !errors.As(err, &ae) || ae.Status != 500 {
		t.Fatalf("Err() = %v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "or more failed") || !strings.Contains(msg, "more") {
		t.Errorf("Err() = %q", msg)
	}
}

func TestBatchErrorText(t *testing.T) {
	t.Parallel()
	var failed []CaseFailure
	for i := range 7 {
		failed = append(failed, CaseFailure{CaseID: fmt.Sprintf("c%d", i), Code: "CLOUDTEST.00017057", Message: "项目或计划下不存在该用例"})
	}
	tests := []struct {
		name string
		r    *BatchResult
		want string
	}{
		{"ok", newBatchResult("op", []string{"a"}, nil, false, "", "", nil), ""},
		{"one failure in a 2xx answer", newBatchResult("add 2 cases to plan p", []string{"a", "b"}, failed[:1], false, "", "", nil),
			"add 2 cases to plan p: 1 case failed: c0: CLOUDTEST.00017057 项目或计划下不存在该用例"},
		{"many failures in a 500", newBatchResult("op", nil, failed, false, "CLOUDTEST.00000001", "部分失败",
			&api.APIError{Status: 500, RequestID: "r-9"}),
			"op: 7 cases failed (HTTP 500, CLOUDTEST.00000001 部分失败, request id r-9): c0: CLOUDTEST.00017057 项目或计划下不存在该用例; " +
				"c1: CLOUDTEST.00017057 项目或计划下不存在该用例; c2: CLOUDTEST.00017057 项目或计划下不存在该用例; " +
				"c3: CLOUDTEST.00017057 项目或计划下不存在该用例; c4: CLOUDTEST.00017057 项目或计划下不存在该用例; and 2 more"},
		{"a failure naming no case", newBatchResult("op", []string{"a"}, []CaseFailure{{Code: "X", Message: "m"}}, false, "", "", nil),
			"op: 1 case or more failed: X m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.r.Err()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Err() = %q\nwant    %q", got, tt.want)
			}
		})
	}
}

func TestClientProjectIDEscaped(t *testing.T) {
	t.Parallel()
	srv := stubServer(t, exchange{method: "GET", path: "/v1/projects/a%2Fb%20c/testcases/x%2Fy", answer: `{"testcase_id":"x/y"}`})
	if _, err := New(newWire(t, srv), "a/b c").ShowCase(context.Background(), "x/y"); err != nil {
		t.Fatal(err)
	}
}

func TestNewExecuteID(t *testing.T) {
	t.Parallel()
	a, b := NewExecuteID(), NewExecuteID()
	if len(a) != 32 || a == b || strings.Trim(a, "0123456789abcdef") != "" {
		t.Errorf("NewExecuteID = %q, %q", a, b)
	}
}
