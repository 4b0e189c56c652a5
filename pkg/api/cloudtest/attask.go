package cloudtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// Attask calls the task template service (attask), whose host is not the
// TestPlan host and is not documented.
type Attask struct {
	api *api.Client
}

// NewAttask returns an attask client on top of the wire client c, whose
// endpoint is the attask host. c must authenticate with an IAM token (token or
// password authentication): the service documents X-Auth-Token as mandatory
// (seed 002) and nothing shows it taking an AK/SK signature; the settings
// refuse AK/SK alone for taskmodel before any request.
func NewAttask(c *api.Client) *Attask {
	return &Attask{api: c}
}

// ExecuteRequest names the task templates to execute and the system under
// test. Every field is sent, empty or not, as in the document's example.
type ExecuteRequest struct {
	// TaskIDs are the task template ids (`testSuite[].taskId`), at least one.
	TaskIDs []string
	// SutName is the system under test (`sutName`).
	SutName string
	// SutBranch is the SUT branch (`sut_branch_name`), e.g. "基线".
	SutBranch string
	// UserName is the user name or user id (`userName`).
	UserName string
	// TestServiceID is the test service id (`testServiceId`).
	TestServiceID string
	// IP is the service IP address (`ip`).
	IP string
	// Port is the service port (`port`, a string).
	Port string
}

// Execute executes task templates (POST /attask/v3/taskmodel/execution,
// never retried) and returns the execution id (`result`). When several
// templates are given and one fails, the whole call fails.
//
// Failures are *AttaskError: a non-2xx answer (HTTP in the error, which
// errors.As also finds as *api.APIError), or a 2xx answer whose `status`
// is not "ok". Either carries every documented field: status, request id,
// server ip, error code, message, cause and FAQ text. A 2xx "ok" answer
// without `result` is ErrNoData.
func (a *Attask) Execute(ctx context.Context, req ExecuteRequest) (string, error) {
	op := fmt.Sprintf("execute task templates %s", strings.Join(req.TaskIDs, ", "))
	if len(req.TaskIDs) == 0 {
		return "", errors.New("execute task templates: no task template id")
	}
	for _, id := range req.TaskIDs {
		if strings.TrimSpace(id) == "" {
			return "", fmt.Errorf("%s: empty task template id", op)
		}
	}
	var ans attaskAnswer
	call := api.Call{Op: op, Method: http.MethodPost, Path: "/attask/v3/taskmodel/execution", Body: newTemplateBody(req)}
	if err := a.api.Do(ctx, call, &ans); err != nil {
		var ae *api.APIError
		if !errors.As(err, &ae) {
			return "", err
		}
		e := attaskErrorFrom(ae.Body)
		e.Op, e.HTTP = op, ae
		if e.Code == "" {
			e.Code = ae.Code
		}
		if e.Message == "" {
			e.Message = ae.Message
		}
		if e.RequestID == "" {
			e.RequestID = ae.RequestID
		}
		return "", e
	}
	status := strings.TrimSpace(string(ans.Status))
	e := ans.error(op)
	if status != "" && !strings.EqualFold(status, "ok") {
		return "", e
	}
	if ans.Result == "" {
		if e.Code != "" || e.Message != "" {
			return "", e
		}
		return "", noData(op, "result (execution id)", "", "")
	}
	return string(ans.Result), nil
}

// AttaskError is a failed task template execution, with every field of the
// documented error body.
type AttaskError struct {
	// Op names the call.
	Op string
	// HTTP is the non-2xx answer; nil when the service answered 2xx with a
	// status other than "ok".
	HTTP *api.APIError
	// Status is the answer's `status`, e.g. "error".
	Status string
	// Code is `error_code`, e.g. "DEV.00000003".
	Code string
	// Message is `error_msg`, verbatim.
	Message string
	// Cause is `error_cause`, verbatim.
	Cause string
	// FAQ is the `faq` text, verbatim.
	FAQ string
	// RequestID is `request_id` (or `requestId`, or the X-Request-Id header).
	RequestID string
	// ServerIP is `server_ip` (or `serverIp`).
	ServerIP string
}

// Error renders the HTTP error (or the status, code and message of a 2xx
// answer) followed by the cause, the FAQ text and the server IP.
func (e *AttaskError) Error() string {
	var b strings.Builder
	if e.HTTP != nil {
		b.WriteString(e.HTTP.Error())
	} else {
		if e.Op != "" {
			b.WriteString(e.Op)
			b.WriteString(": ")
		}
		fmt.Fprintf(&b, "status %q", e.Status)
		if s := strings.TrimSpace(e.Code + " " + e.Message); s != "" {
			b.WriteString(": ")
			b.WriteString(s)
		}
		if e.RequestID != "" {
			b.WriteString(" (request id ")
			b.WriteString(e.RequestID)
			b.WriteString(")")
		}
	}
	if e.Cause != "" {
		b.WriteString("; cause: ")
		b.WriteString(e.Cause)
	}
	if e.FAQ != "" {
		b.WriteString("; faq: ")
		b.WriteString(e.FAQ)
	}
	if e.ServerIP != "" {
		b.WriteString("; server ")
		b.WriteString(e.ServerIP)
	}
	return b.String()
}

// Unwrap returns the HTTP error, if any.
func (e *AttaskError) Unwrap() error {
	if e.HTTP == nil {
		return nil
	}
	return e.HTTP
}

// attaskAnswer is the success answer and the error body of Execute.
type attaskAnswer struct {
	Result       Text `json:"result"`
	Status       Text `json:"status"`
	RequestID    Text `json:"request_id"`
	RequestIDAlt Text `json:"requestId"`
	ServerIP     Text `json:"server_ip"`
	ServerIPAlt  Text `json:"serverIp"`
	Code         Text `json:"error_code"`
	Message      Text `json:"error_msg"`
	Cause        Text `json:"error_cause"`
	FAQ          Text `json:"faq"`
}

// error returns the answer's error fields as an AttaskError without HTTP.
func (a *attaskAnswer) error(op string) *AttaskError {
	return &AttaskError{
		Op:        op,
		Status:    string(a.Status),
		Code:      string(a.Code),
		Message:   string(a.Message),
		Cause:     string(a.Cause),
		FAQ:       string(a.FAQ),
		RequestID: firstNonEmpty(string(a.RequestID), string(a.RequestIDAlt)),
		ServerIP:  firstNonEmpty(string(a.ServerIP), string(a.ServerIPAlt)),
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// attaskErrorFrom reads the fields of an error body. The wire layer keeps a
// bounded excerpt of error bodies: when the JSON is cut, the fields before
// the cut are still read.
func attaskErrorFrom(body string) *AttaskError {
	var a attaskAnswer
	if err := json.Unmarshal([]byte(body), &a); err == nil {
		return a.error("")
	}
	fields := topLevelScalars(body)
	a = attaskAnswer{
		Status: Text(fields["status"]), RequestID: Text(fields["request_id"]), RequestIDAlt: Text(fields["requestId"]),
		ServerIP: Text(fields["server_ip"]), ServerIPAlt: Text(fields["serverIp"]), Code: Text(fields["error_code"]),
		Message: Text(fields["error_msg"]), Cause: Text(fields["error_cause"]), FAQ: Text(fields["faq"]),
	}
	return a.error("")
}

// topLevelScalars reads the scalar members of a JSON object up to the first
// syntax error; nested values are skipped.
func topLevelScalars(body string) map[string]string {
	out := map[string]string{}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return out
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return out
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return out
		}
		k, _ := key.(string)
		switch v := v.(type) {
		case string:
			out[k] = v
		case json.Number:
			out[k] = v.String()
		case bool:
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

// templateBody is the documented request body of Execute.
type templateBody struct {
	IP            string        `json:"ip"`
	Port          string        `json:"port"`
	TestSuite     []templateRef `json:"testSuite"`
	SutBranchName string        `json:"sut_branch_name"`
	SutName       string        `json:"sutName"`
	UserName      string        `json:"userName"`
	TestServiceID string        `json:"testServiceId"`
}

type templateRef struct {
	TaskID string `json:"taskId"`
}

func newTemplateBody(req ExecuteRequest) templateBody {
	suite := make([]templateRef, len(req.TaskIDs))
	for i, id := range req.TaskIDs {
		suite[i] = templateRef{TaskID: id}
	}
	return templateBody{
		IP: req.IP, Port: req.Port, TestSuite: suite, SutBranchName: req.SutBranch,
		SutName: req.SutName, UserName: req.UserName, TestServiceID: req.TestServiceID,
	}
}
