package cpts

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	sdk "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cpts/v1"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cpts/v1/model"
)

// TestAgainstSDK checks every method's HTTP method, path and request body
// against the official SDK's request definitions and body models, an
// independent reading of the same API.
func TestAgainstSDK(t *testing.T) {
	t.Parallel()
	i32 := func(v int32) *int32 { return &v }
	str := func(v string) *string { return &v }
	tests := []struct {
		name   string
		def    *def.HttpRequestDef
		params map[string]string
		call   func(ctx context.Context, c *Client)
		body   any // the SDK body model for the same input; nil: no body
	}{
		{"ListSuites", sdk.GenReqDefForListProjectSets(), nil,
			func(ctx context.Context, c *Client) { c.ListSuites(ctx) }, nil},
		{"ListTasks", sdk.GenReqDefForShowTaskSet(), map[string]string{"test_suite_id": "3"},
			func(ctx context.Context, c *Client) { c.ListTasks(ctx, 3) }, nil},
		{"ShowTask", sdk.GenReqDefForShowTask(), map[string]string{"task_id": "42"},
			func(ctx context.Context, c *Client) { c.ShowTask(ctx, 42) }, nil},
		{"CreateTask", sdk.GenReqDefForCreateTask(), nil,
			func(ctx context.Context, c *Client) {
				c.CreateTask(ctx, CreateTaskRequest{Name: "n", SuiteID: 3, BenchConcurrent: 10, Temps: []string{"a"}})
			},
			model.CreateTaskRequestBody{Name: "n", ProjectId: 3, Temps: &[]string{"a"}, OperateMode: i32(2), BenchConcurrent: i32(10)}},
		{"SetTaskCases", sdk.GenReqDefForUpdateTaskRelatedTestCase(), map[string]string{"task_id": "42"},
			func(ctx context.Context, c *Client) {
				c.SetTaskCases(ctx, 42, SetTaskCasesRequest{Name: "n", Parallel: true, SuiteID: 3, CaseIDs: []int64{7, 8}})
			},
			model.UpdateNewTaskRequestBody{Name: "n", Parallel: true, ProjectId: 3, OperateMode: 2, CaseIdList: []int32{7, 8}}},
		{"ListTaskCases", sdk.GenReqDefForListTaskCases(), map[string]string{"test_suit_id": "3", "task_id": "42"},
			func(ctx context.Context, c *Client) { c.ListTaskCases(ctx, 3, 42) }, nil},
		{"StartTask", sdk.GenReqDefForUpdateTaskStatus(), map[string]string{"test_suite_id": "3", "task_id": "42"},
			func(ctx context.Context, c *Client) {
				c.StartTask(ctx, 3, 42, Cluster{ID: 5, EnterpriseProjectID: "ep"})
			},
			model.UpdateTaskStatusRequestBody{ClusterId: 5, ClusterType: "private-cluster", WithoutPackage: 0,
				NetworkInfo: &model.NetworkInfo{NetworkType: "internet"}, Status: 9, EnterpriseProjectId: str("ep")}},
		{"StopTask", sdk.GenReqDefForUpdateTaskStatus(), map[string]string{"test_suite_id": "3", "task_id": "42"},
			func(ctx context.Context, c *Client) { c.StopTask(ctx, 3, 42) },
			model.UpdateTaskStatusRequestBody{ClusterId: -1, ClusterType: "shared-cluster-internet", WithoutPackage: 0,
				NetworkInfo: &model.NetworkInfo{NetworkType: "internet"}, Status: 2}},
		{"ListCaseRuns", sdk.GenReqDefForShowMergeTaskCase(), map[string]string{"task_run_id": "9"},
			func(ctx context.Context, c *Client) { c.ListCaseRuns(ctx, 9) }, nil},
		{"ShowReport", sdk.GenReqDefForShowReport(), map[string]string{"task_run_id": "9", "case_run_id": "10"},
			func(ctx context.Context, c *Client) { c.ShowReport(ctx, 9, 10, 50) }, nil},
		{"History", sdk.GenReqDefForShowHistoryRunInfo(), map[string]string{"task_id": "42"},
			func(ctx context.Context, c *Client) { c.History(ctx, 42) }, nil},
		{"ListVariables", sdk.GenReqDefForListVariables(), map[string]string{"variable_type": "1", "test_suite_id": "3"},
			func(ctx context.Context, c *Client) { c.ListVariables(ctx, 3, VariableInteger) }, nil},
		{"UpdateVariables", sdk.GenReqDefForUpdateVariable(), map[string]string{"test_suite_id": "3"},
			func(ctx context.Context, c *Client) {
				c.UpdateVariables(ctx, 3, []Variable{{ID: 1, Name: "v", Type: VariableInteger, Values: []any{1, 10}}})
			},
			[]model.UpdateVariableRequestBody{{Id: 1, Name: "v", VariableType: 1, Variable: []interface{}{1, 10}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var (
				mu             sync.Mutex
				method, path   string
				body           []byte
				requestsServed int
			)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				defer mu.Unlock()
				if requestsServed == 0 {
					method, path, body = r.Method, r.URL.EscapedPath(), b
				}
				requestsServed++
				io.WriteString(w, `{}`)
			}))
			defer srv.Close()
			tt.call(context.Background(), newTestClient(t, srv))

			mu.Lock()
			defer mu.Unlock()
			wantPath := strings.ReplaceAll(tt.def.Path, "{project_id}", testProject)
			for k, v := range tt.params {
				wantPath = strings.ReplaceAll(wantPath, "{"+k+"}", v)
			}
			if method != tt.def.Method || path != wantPath {
				t.Errorf("request %s %s; SDK %s %s", method, path, tt.def.Method, wantPath)
			}
			if tt.body == nil {
				if len(body) != 0 {
					t.Errorf("unexpected body %s", body)
				}
				return
			}
			want, err := json.Marshal(tt.body)
			if err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, body, want)
		})
	}
}
