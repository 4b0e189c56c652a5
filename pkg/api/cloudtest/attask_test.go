package cloudtest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

const attaskPath = "/attask/v3/taskmodel/execution"

// exampleExecute is the request of the document's example.
var exampleExecute = ExecuteRequest{
	TaskIDs: []string{"2587542699280171008"}, SutBranch: "基线", SutName: "deng_test",
	UserName: "efdb403066474ab08836b9eeaaa23bca", TestServiceID: "c2d63f9d3af34177ab62545d841c78d7",
}

func TestAttaskExecute(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  ExecuteRequest
		ex   exchange
		want string
	}{
		{"document example", exampleExecute,
			exchange{method: "POST", path: attaskPath, body: "@attask_execute_request.json", answer: "@attask_execute_response.json"},
			"46bf29d06a4c4cc3ac9ebd896e5812b4"},
		{"several templates, ip and port, 201, status OK", ExecuteRequest{TaskIDs: []string{"1", "2"}, SutName: "s", IP: "10.0.0.1", Port: "8080"},
			exchange{method: "POST", path: attaskPath, status: 201,
				body:   `{"ip":"10.0.0.1","port":"8080","testSuite":[{"taskId":"1"},{"taskId":"2"}],"sut_branch_name":"","sutName":"s","userName":"","testServiceId":""}`,
				answer: `{"result":"e1","status":"OK","unknown":{"a":1}}`},
			"e1"},
		{"result without status", ExecuteRequest{TaskIDs: []string{"1"}},
			exchange{method: "POST", path: attaskPath,
				body:   `{"ip":"","port":"","testSuite":[{"taskId":"1"}],"sut_branch_name":"","sutName":"","userName":"","testServiceId":""}`,
				answer: `{"result":"e2"}`},
			"e2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := stubServer(t, tt.ex)
			got, err := NewAttask(newWire(t, srv)).Execute(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("execution id = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAttaskErrors(t *testing.T) {
	t.Parallel()
	longFAQ := strings.Repeat("请检查任务模板配置。", 200) // pushes the body past the wire layer's 4 KiB bound
	tests := []struct {
		name   string
		status int
		answer string
		want   AttaskError // HTTP compared by status only
		http   int         // want HTTP status, 0 = none
		text   []string    // substrings of Error()
		noData bool
	}{
		{"document 401", 401, "@attask_execute_error_401.json",
			AttaskError{Code: "DEV.00000003", Message: "认证信息过期"}, 401,
			[]string{"HTTP 401 DEV.00000003: 认证信息过期"}, false},
		{"every documented error field", 403,
			`{"status":"error","request_id":"req-1","server_ip":"10.1.2.3","error_msg":"无权限执行该任务模板","error_code":"DEV.00000403","error_cause":"用户不是项目成员","faq":"请联系项目管理员添加成员"}`,
			AttaskError{Status: "error", Code: "DEV.00000403", Message: "无权限执行该任务模板", Cause: "用户不是项目成员",
				FAQ: "请联系项目管理员添加成员", RequestID: "req-1", ServerIP: "10.1.2.3"}, 403,
			[]string{"HTTP 403 DEV.00000403: 无权限执行该任务模板 (request id req-1)", "cause: 用户不是项目成员", "faq: 请联系项目管理员添加成员", "server 10.1.2.3"}, false},
		{"404 with a cut body keeps the fields before the cut", 404,
			`{"status":"error","error_code":"DEV.00000404","error_msg":"任务模板不存在","error_cause":"模板已删除","faq":"` + longFAQ + `","server_ip":"10.9.9.9"}`,
			AttaskError{Status: "error", Code: "DEV.00000404", Message: "任务模板不存在", Cause: "模板已删除"}, 404,
			[]string{"cause: 模板已删除"}, false},
		{"2xx with a failed status", 200,
			`{"result":"","status":"error","requestId":"req-2","serverIp":"10.0.0.9","error_code":"DEV.00010001","error_msg":"模板执行失败","error_cause":"模板2执行失败","faq":"查看模板日志"}`,
			AttaskError{Status: "error", Code: "DEV.00010001", Message: "模板执行失败", Cause: "模板2执行失败", FAQ: "查看模板日志",
				RequestID: "req-2", ServerIP: "10.0.0.9"}, 0,
			[]string{`status "error": DEV.00010001 模板执行失败 (request id req-2); cause: 模板2执行失败; faq: 查看模板日志; server 10.0.0.9`}, false},
		{"2xx without result but with an error", 200, `{"error_code":"DEV.1","error_msg":"m"}`,
			AttaskError{Code: "DEV.1", Message: "m"}, 0, []string{"DEV.1 m"}, false},
		{"2xx ok without result", 200, `{"status":"ok","result":null}`, AttaskError{}, 0, []string{"no result"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				io.WriteString(w, text(t, tt.answer))
			}))
			defer srv.Close()
			_, err := NewAttask(newWire(t, srv)).Execute(context.Background(), exampleExecute)
			if err == nil {
				t.Fatal("no error")
			}
			t.Logf("error: %v", err)
			for _, s := range tt.text {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
			if tt.noData {
				if !errors.Is(err, ErrNoData) {
					t.Errorf("want ErrNoData, got %v", err)
				}
				return
			}
			var e *AttaskError
			if !errors.As(err, &e) {
				t.Fatalf("want *AttaskError, got %T", err)
			}
			var ae *api.APIError
			isAPI := errors.As(err, &ae)
			if tt.http == 0 {
				if e.HTTP != nil || isAPI {
					t.Errorf("unexpected HTTP error %v", e.HTTP)
				}
			} else if e.HTTP == nil || !isAPI || ae.Status != tt.http || e.HTTP.Status != tt.http {
				t.Errorf("HTTP = %v, want status %d", e.HTTP, tt.http)
			}
			got := *e
			got.HTTP, got.Op = nil, ""
			if got != tt.want {
				t.Errorf("error fields = %+v\nwant %+v", got, tt.want)
			}
			if !strings.HasPrefix(e.Op, "execute task templates 2587542699280171008") {
				t.Errorf("Op = %q", e.Op)
			}
		})
	}
}

func TestAttaskNotRetried(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	_, err := NewAttask(newWire(t, srv)).Execute(context.Background(), exampleExecute)
	if !api.IsStatus(err, http.StatusServiceUnavailable) {
		t.Errorf("error = %v", err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestAttaskValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  ExecuteRequest
		want string
	}{
		{"no task id", ExecuteRequest{SutName: "s"}, "no task template id"},
		{"empty task id", ExecuteRequest{TaskIDs: []string{"1", ""}}, "empty task template id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewAttask(newWire(t, noRequests(t))).Execute(context.Background(), tt.req)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}
