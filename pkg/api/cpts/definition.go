package cpts

import (
	"context"
	"fmt"
	"net/http"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// CaseContents is one card of a case script (Contents, ShowTask
// case_list[].contents and the UpdateCase target "content" body).
type CaseContents struct {
	// ContentID is 0 for a card that is not a transaction.
	ContentID Int `json:"content_id"`
	// Content are the card's items.
	Content []CaseContent `json:"content"`
	// Index is the card's position.
	Index Int `json:"index"`
	// SelectedTempName names a selected transaction or case; "" otherwise.
	SelectedTempName string `json:"selected_temp_name"`
	// DataType is 0 for a plain request card.
	DataType Int `json:"data_type"`
	// IsDisabled disables the card.
	IsDisabled bool `json:"is_disabled"`
}

// CaseContent is one item of a card (Content).
type CaseContent struct {
	// ContentType is 1 think time, 2 request, 3 checkpoint, 4 extraction.
	ContentType Int `json:"content_type"`
	// Content is the item; a request for ContentType 2.
	Content *RequestInfo `json:"content"`
}

// ContentRequest is the content_type of a request item.
const ContentRequest = 2

// RequestInfo is a request item (ContentInfo); only the documented HTTP
// fields the runner manages are modelled.
type RequestInfo struct {
	// BodyType is 0 for a string body.
	BodyType Int `json:"body_type"`
	// Bodys is the request body list; the runner sends [].
	Bodys []any `json:"bodys"`
	// ConnectTimeout is the connect timeout in milliseconds.
	ConnectTimeout Int `json:"connect_timeout"`
	// Headers are the request headers.
	Headers []Header `json:"headers"`
	// HTTPVersion is e.g. "HTTP/1.1".
	HTTPVersion string `json:"http_version"`
	// Method is the HTTP method.
	Method string `json:"method"`
	// Name is the request name.
	Name string `json:"name"`
	// ProtocolType is 1 HTTP, 2 HTTPS.
	ProtocolType Int `json:"protocol_type"`
	// ReturnTimeout is the response timeout in milliseconds.
	ReturnTimeout Int `json:"return_timeout"`
	// URL is the request URL.
	URL string `json:"url"`
}

// Header is one request header (ContentHeader).
type Header struct {
	// Key is the header name.
	Key string `json:"key"`
	// Value is the header value.
	Value string `json:"value"`
}

// Protocol types of ContentInfo.
const (
	ProtocolHTTP  = 1
	ProtocolHTTPS = 2
)

// StageSpec is a stage as the runner writes it (TestCaseStage, the UpdateCase
// target "stage" body): the documented duration/count and concurrency/TPS
// fields. Unset fields are sent as 0, as the console does.
type StageSpec struct {
	// Name is the stage name.
	Name string `json:"name"`
	// OperateMode is 0 duration, 1 count.
	OperateMode int64 `json:"operate_mode"`
	// Time is the duration in seconds.
	Time int64 `json:"time"`
	// Count is the number of sends (count mode).
	Count int64 `json:"count"`
	// PressureMode is 0 concurrency, 1 TPS.
	PressureMode int64 `json:"pressure_mode"`
	// IssueNum is the concurrency.
	IssueNum int64 `json:"issue_num"`
	// CurrentUserNum is the starting concurrency.
	CurrentUserNum int64 `json:"current_user_num"`
	// TPSValue is the target TPS.
	TPSValue int64 `json:"tps_value"`
	// CurrentTPS is the starting TPS.
	CurrentTPS int64 `json:"current_tps"`
	// RampUp is the ramp-up in seconds.
	RampUp int64 `json:"ramp_up"`
}

// Spec returns the managed fields of a stage read from the service.
func (s Stage) Spec() StageSpec {
	return StageSpec{Name: s.Name, OperateMode: int64(s.OperateMode), Time: int64(s.Time), Count: int64(s.Count),
		PressureMode: int64(s.PressureMode), IssueNum: int64(s.IssueNum), CurrentUserNum: int64(s.CurrentUserNum),
		TPSValue: int64(s.TPSValue), CurrentTPS: int64(s.CurrentTPS), RampUp: int64(s.RampUp)}
}

// DebugResult is the outcome of one request of a case debug (DebugCaseResult).
type DebugResult struct {
	// Name is the request name.
	Name string `json:"name"`
	// URL is "METHOD url" as the service writes it.
	URL string `json:"url"`
	// Result is 1 for success.
	Result Int `json:"result"`
	// StatusCode is e.g. "200 OK".
	StatusCode string `json:"statusCode"`
	// ErrorReason says why the request failed.
	ErrorReason string `json:"errorReason"`
	// ResponseTime is in milliseconds.
	ResponseTime Int `json:"responseTime"`
}

// OK reports a successful request (result 1).
func (r DebugResult) OK() bool { return r.Result == 1 }

type createSuiteBody struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

type createSuiteAnswer struct {
	ProjectID Int `json:"project_id"`
}

type createCaseBody struct {
	Name   string `json:"name"`
	Type   int    `json:"type"`
	TaskID int64  `json:"task_id"`
}

type createCaseAnswer struct {
	JSON *struct {
		TaskCaseID Int `json:"task_case_id"`
	} `json:"json"`
}

type caseContentsBody struct {
	Contents []CaseContents `json:"contents"`
}

type caseStagesBody struct {
	Stages []StageSpec `json:"stages"`
}

type debugBody struct {
	Status         int    `json:"status"`
	ClusterID      int64  `json:"cluster_id"`
	ClusterType    string `json:"cluster_type"`
	WithoutPackage int    `json:"without_package"`
	Type           int    `json:"type"`
}

type debugAnswer struct {
	Result []DebugResult `json:"result"`
}

// CreateSuite creates a PerfTest project (CreateProject, never retried) and
// returns its id (`project_id`).
func (c *Client) CreateSuite(ctx context.Context, name, description string) (int64, error) {
	op := fmt.Sprintf("create test suite %q", name)
	var ans createSuiteAnswer
	call := api.Call{Op: op, Method: http.MethodPost, Path: c.path("v1", "/test-suites"), Body: createSuiteBody{name, description}}
	if err := c.api.Do(ctx, call, &ans); err != nil {
		return 0, err
	}
	if ans.ProjectID == 0 {
		return 0, fmt.Errorf("%s: no project_id: %w", op, ErrNoData)
	}
	return int64(ans.ProjectID), nil
}

// CreateCase creates an ordinary case (type 0) in task taskID (CreateCase,
// never retried) and returns its id (`json.task_case_id`).
func (c *Client) CreateCase(ctx context.Context, taskID int64, name string) (int64, error) {
	op := fmt.Sprintf("create case %q in task %d", name, taskID)
	var ans createCaseAnswer
	call := api.Call{Op: op, Method: http.MethodPost, Path: c.path("v1", "/task-cases"), Body: createCaseBody{Name: name, TaskID: taskID}}
	if err := c.api.Do(ctx, call, &ans); err != nil {
		return 0, err
	}
	if ans.JSON == nil || ans.JSON.TaskCaseID == 0 {
		return 0, fmt.Errorf("%s: no json.task_case_id: %w", op, ErrNoData)
	}
	return int64(ans.JSON.TaskCaseID), nil
}

// updateCase is UpdateCase (PUT /v1/{project_id}/task-cases/{case_id}/target/{target}).
func (c *Client) updateCase(ctx context.Context, caseID int64, target string, body any) error {
	call := api.Call{Op: fmt.Sprintf("update %s of case %d", target, caseID), Method: http.MethodPut,
		Path: c.path("v1", "/task-cases/%d/target/%s", caseID, target), Body: body, Idempotent: true}
	return c.api.Do(ctx, call, nil)
}

// SetCaseContents replaces the script of case caseID (UpdateCase target
// "content").
func (c *Client) SetCaseContents(ctx context.Context, caseID int64, contents []CaseContents) error {
	if contents == nil {
		contents = []CaseContents{}
	}
	return c.updateCase(ctx, caseID, "content", caseContentsBody{contents})
}

// SetCaseStages replaces the load stages of case caseID (UpdateCase target
// "stage").
func (c *Client) SetCaseStages(ctx context.Context, caseID int64, stages []StageSpec) error {
	if stages == nil {
		stages = []StageSpec{}
	}
	return c.updateCase(ctx, caseID, "stage", caseStagesBody{stages})
}

// DebugCase sends every request of case caseID once (DebugCase, type 1 = a
// case, never retried) on cluster cl and returns the outcome per request.
func (c *Client) DebugCase(ctx context.Context, suiteID, taskID, caseID int64, cl Cluster) ([]DebugResult, error) {
	b := debugBody{Status: commandStart, ClusterID: cl.ID, ClusterType: clusterPrivate, Type: 1}
	if cl.Shared {
		b.ClusterID, b.ClusterType = 0, clusterShared
	}
	var ans debugAnswer
	call := api.Call{Op: fmt.Sprintf("debug case %d", caseID), Method: http.MethodPost,
		Path: c.path("v1", "/test-suites/%d/tasks/%d/cases/%d/debug", suiteID, taskID, caseID), Body: b}
	if err := c.api.Do(ctx, call, &ans); err != nil {
		return nil, err
	}
	return ans.Result, nil
}
