package cpts

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
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
		// issue 15: the batch start.
		{"StartTasks", sdk.GenReqDefForBatchUpdateTaskStatus(), map[string]string{"test_suit_id": "3"},
			func(ctx context.Context, c *Client) {
				c.StartTasks(ctx, 3, []int64{42, 43}, Cluster{Shared: true})
			},
			model.BatchUpdateTaskStatusRequestBody{ProjectId: 3, TaskIdList: []int32{42, 43}, ClusterId: 0, ClusterType: "shared-cluster-internet",
				WithoutPackage: i32(0), NetworkInfo: &model.NetworkInfo{NetworkType: "internet"}, Status: 9}},
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
		{"CreateVariable", sdk.GenReqDefForCreateVariable(), map[string]string{"test_suite_id": "3"},
			func(ctx context.Context, c *Client) { c.CreateVariable(ctx, 3, "v", VariableText, "x") },
			[]model.CreateVariableRequestBody{{Id: 0, Name: "v", VariableType: 5, Variable: []interface{}{"x"}, IsQuoted: false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			method, path, body := firstRequest(t, tt.call)
			if want := sdkPath(tt.def, tt.params); method != tt.def.Method || path != want {
				t.Errorf("request %s %s; SDK %s %s", method, path, tt.def.Method, want)
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

// firstRequest runs call against a server that answers {} and returns the method, escaped path
// and body of the first request it made.
func firstRequest(t *testing.T, call func(ctx context.Context, c *Client)) (method, path string, body []byte) {
	t.Helper()
	var (
		mu     sync.Mutex
		served int
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if served == 0 {
			method, path, body = r.Method, r.URL.EscapedPath(), b
		}
		served++
		io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	call(context.Background(), newTestClient(t, srv))
	mu.Lock()
	defer mu.Unlock()
	return method, path, body
}

// sdkPath is the SDK definition's path with the test project and params filled in.
func sdkPath(d *def.HttpRequestDef, params map[string]string) string {
	p := strings.ReplaceAll(d.Path, "{project_id}", testProject)
	for k, v := range params {
		p = strings.ReplaceAll(p, "{"+k+"}", v)
	}
	return p
}

// requiredKeys returns the JSON names of the fields the SDK model type t
// always sends (no omitempty: the generator's mark of a required field).
func requiredKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" || name == "-" || strings.Contains(opts, "omitempty") {
			continue
		}
		keys = append(keys, name)
	}
	return keys
}

// TestBodiesCarryRequiredFields decodes every body the client sends into the
// SDK's request model for it (unknown fields refused) and checks that every
// field the SDK model always sends, and every field the seed's table marks
// required, is present in our body.
func TestBodiesCarryRequiredFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		call  func(ctx context.Context, c *Client)
		model any      // pointer to the SDK body model (an element for array bodies)
		seed  []string // fields the seed marks required (是), by table
		array bool
	}{
		{"CreateTask", func(ctx context.Context, c *Client) {
			c.CreateTask(ctx, CreateTaskRequest{Name: "n", SuiteID: 3, BenchConcurrent: 10})
		}, &model.CreateTaskRequestBody{}, []string{"name", "project_id"}, false},
		{"SetTaskCases", func(ctx context.Context, c *Client) {
			c.SetTaskCases(ctx, 42, SetTaskCasesRequest{Name: "n", SuiteID: 3, CaseIDs: []int64{7}})
		}, &model.UpdateNewTaskRequestBody{}, []string{"name", "parallel", "project_id", "operate_mode", "case_id_list"}, false},
		{"StartTask", func(ctx context.Context, c *Client) { c.StartTask(ctx, 3, 42, Cluster{Shared: true}) },
			&model.UpdateTaskStatusRequestBody{}, []string{"cluster_id", "cluster_type", "without_package", "network_info", "status"}, false},
		{"StopTask", func(ctx context.Context, c *Client) { c.StopTask(ctx, 3, 42) },
			&model.UpdateTaskStatusRequestBody{}, []string{"cluster_id", "cluster_type", "without_package", "network_info", "status"}, false},
		// table 4-137: every field of CreateVariableRequestBody is required, id included.
		{"CreateVariable", func(ctx context.Context, c *Client) { c.CreateVariable(ctx, 3, "v", VariableText, "x") },
			&model.CreateVariableRequestBody{}, []string{"id", "name", "variable_type", "variable", "is_quoted"}, true},
		// table 4-143.
		{"UpdateVariables", func(ctx context.Context, c *Client) {
			c.UpdateVariables(ctx, 3, []Variable{{ID: 1, Name: "v", Type: VariableText, Values: []any{"x"}}})
		}, &model.UpdateVariableRequestBody{}, []string{"id", "name", "variable_type", "variable"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var body []byte
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				if body == nil {
					body = b
				}
				mu.Unlock()
				io.WriteString(w, `{}`)
			}))
			defer srv.Close()
			tt.call(context.Background(), newTestClient(t, srv))
			mu.Lock()
			defer mu.Unlock()
			objects := []json.RawMessage{body}
			if tt.array {
				objects = nil
				if err := json.Unmarshal(body, &objects); err != nil || len(objects) == 0 {
					t.Fatalf("body %s is not a non-empty array: %v", body, err)
				}
			}
			for _, obj := range objects {
				dec := json.NewDecoder(bytes.NewReader(obj))
				dec.DisallowUnknownFields()
				m := reflect.New(reflect.TypeOf(tt.model).Elem()).Interface()
				if err := dec.Decode(m); err != nil {
					t.Errorf("body %s does not decode into the SDK's %T: %v", obj, tt.model, err)
				}
				var keys map[string]json.RawMessage
				if err := json.Unmarshal(obj, &keys); err != nil {
					t.Fatal(err)
				}
				for _, k := range append(requiredKeys(reflect.TypeOf(tt.model).Elem()), tt.seed...) {
					if v, ok := keys[k]; !ok || string(v) == "null" {
						t.Errorf("body %s lacks required field %q", obj, k)
					}
				}
			}
		})
	}
}
