package mas

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// Base is the path prefix of every MAS-HUB call.
const Base = "/octopus-jobmanager/v1"

// Client calls the MAS-HUB workflow API on one endpoint (the document names no default host:
// "ask your administrator", §1.2).
type Client struct {
	api *api.Client
}

// New returns a client on top of the wire client c, whose endpoint is the MAS host and whose
// transport authenticates (AK/SK or X-Auth-Token, pkg/api/auth).
func New(c *api.Client) *Client { return &Client{api: c} }

// Workflow is one workflow of the list.
type Workflow struct {
	ID   string
	Name string
}

// Job is one workflow execution of the history.
type Job struct {
	Name       string
	WorkflowID string
	Status     string
	StartTime  string
}

// Step is one step (task) of an execution, as the status answer lists it.
type Step struct {
	Name    string
	StateID string // the {state_id} of the log path
	TaskID  string // the task_id of the manual checkpoint calls
	Status  string
	Type    string
}

// JobStatus is the status answer of an execution.
type JobStatus struct {
	// Status is the execution's status string, "" when the answer holds none.
	Status string
	// Steps are the steps the answer lists (none when it lists none).
	Steps []Step
	// Answer is the whole answer, for people when a status is not recognised.
	Answer *Answer
}

// do sends one call and decodes its envelope.
func (c *Client) do(ctx context.Context, call api.Call) (*Answer, error) {
	var raw json.RawMessage
	if err := c.api.Do(ctx, call, &raw); err != nil {
		var ae *api.APIError
		if errors.As(err, &ae) {
			return nil, fromAPIError(call.Op, ae)
		}
		return nil, err
	}
	return decodeAnswer(call.Op, raw)
}

func esc(s string) string { return url.PathEscape(s) }

// ListWorkflows lists the workflows (POST /workflow/list, §4.1.1.1.2). The filter conditions
// of `workflowQuery` are not documented: none is sent, and the caller picks the workflow.
func (c *Client) ListWorkflows(ctx context.Context) ([]Workflow, *Answer, error) {
	a, err := c.do(ctx, api.Call{Op: "list workflows", Method: http.MethodPost, Path: Base + "/workflow/list",
		Body: map[string]any{"workflowQuery": map[string]any{}}, Idempotent: true})
	if err != nil {
		return nil, a, err
	}
	var out []Workflow
	for _, m := range objects(a.Result, 3) {
		w := Workflow{ID: Field(m, "id", "workflow_id", "workflowId", "uuid"), Name: Field(m, "name", "workflow_name", "workflowName", "display_name")}
		if w.ID != "" || w.Name != "" {
			out = append(out, w)
		}
	}
	return out, a, nil
}

// Start starts the workflow (POST /workflow/{workflow_id}/start, §4.1.1.1.3; never retried)
// and returns the execution's job name read from the answer — "" when the answer names none
// (its shape is not documented): the caller then looks for the execution in the history.
func (c *Client) Start(ctx context.Context, workflowID string) (string, *Answer, error) {
	op := fmt.Sprintf("start workflow %s", workflowID)
	a, err := c.do(ctx, api.Call{Op: op, Method: http.MethodPost, Path: Base + "/workflow/" + esc(workflowID) + "/start",
		Body: map[string]any{"workflowExecuteRequest": map[string]any{}}})
	if err != nil {
		return "", a, err
	}
	return jobName(a.Result), a, nil
}

// jobName finds the job name in a start answer: the result itself when it is text, else a
// job-name field of the result or of its `job`/`data` object.
func jobName(v any) string {
	if s := scalar(v); s != "" {
		return s
	}
	m, _ := v.(map[string]any)
	for _, o := range []map[string]any{m, child(m, "job", "data", "execution")} {
		if n := Field(o, "job_name", "jobName", "name", "job", "execution_name"); n != "" {
			return n
		}
	}
	return ""
}

// Status reads the status of an execution (GET /workflows/{workflow_id}/jobs/show-status
// ?job_name=, §4.1.1.1.6).
func (c *Client) Status(ctx context.Context, workflowID, job string) (*JobStatus, error) {
	a, err := c.do(ctx, api.Call{Op: fmt.Sprintf("show status of job %s", job),
		Path: Base + "/workflows/" + esc(workflowID) + "/jobs/show-status", Query: url.Values{"job_name": {job}}, Idempotent: true})
	if err != nil {
		return nil, err
	}
	return parseStatus(a), nil
}

// parseStatus reads the execution's status and steps from a status answer.
func parseStatus(a *Answer) *JobStatus {
	st := &JobStatus{Answer: a}
	if s := scalar(a.Result); s != "" {
		st.Status = s
		return st
	}
	m, _ := a.Result.(map[string]any)
	stepKeys := []string{"steps", "tasks", "states", "nodes", "stages", "task_list", "state_list", "task_infos", "children"}
	for _, o := range []map[string]any{m, child(m, "job", "data", "execution", "workflow")} {
		if o == nil {
			continue
		}
		if st.Status == "" {
			st.Status = Field(o, "status", "state", "job_status", "workflow_status", "execution_status", "run_status", "phase")
		}
		if st.Steps == nil {
			for _, s := range arrayUnder(o, stepKeys...) {
				st.Steps = append(st.Steps, Step{
					Name:    Field(s, "name", "task_name", "state_name", "display_name", "title", "step_name"),
					StateID: Field(s, "state_id", "stateId", "id", "task_id", "taskId", "node_id"),
					TaskID:  Field(s, "task_id", "taskId", "id", "state_id", "stateId"),
					Status:  Field(s, "status", "state", "task_status", "run_status", "phase", "result"),
					Type:    Field(s, "type", "task_type", "plugin", "kind", "category"),
				})
			}
		}
	}
	for i := range st.Steps {
		if st.Steps[i].Name == "" {
			st.Steps[i].Name = st.Steps[i].StateID
		}
	}
	return st
}

// Stop stops an execution (PUT /workflow/{job_name}/stop, §4.1.1.1.4).
func (c *Client) Stop(ctx context.Context, job string) error {
	_, err := c.do(ctx, api.Call{Op: fmt.Sprintf("stop job %s", job), Method: http.MethodPut,
		Path: Base + "/workflow/" + esc(job) + "/stop", Idempotent: true})
	return err
}

// History lists executions (POST /workflows/jobs?page_no&page_size, §4.1.1.1.12) without a
// filter: the operators of FilterProperty are not documented.
func (c *Client) History(ctx context.Context, page, size int) ([]Job, *Answer, error) {
	a, err := c.do(ctx, api.Call{Op: "list workflow executions", Method: http.MethodPost, Path: Base + "/workflows/jobs",
		Query: url.Values{"page_no": {strconv.Itoa(page)}, "page_size": {strconv.Itoa(size)}}, Body: []any{}, Idempotent: true})
	if err != nil {
		return nil, a, err
	}
	var out []Job
	for _, m := range objects(a.Result, 3) {
		j := Job{Name: Field(m, "job_name", "jobName", "name", "execution_name"),
			WorkflowID: Field(m, "workflow_id", "workflowId", "flow_id"),
			Status:     Field(m, "status", "state", "job_status"),
			StartTime:  Field(m, "start_time", "startTime", "create_time", "createTime", "created_at", "begin_time")}
		if j.Name != "" {
			out = append(out, j)
		}
	}
	return out, a, nil
}

// Log reads the log of one step of an execution (GET /jobs/{job_name}/{state_id}/log,
// §4.1.1.1.13) with the documented defaults, as text: the result when it is text, else the
// lines of an array (text, or a message-like field of each object), else a log-like field.
func (c *Client) Log(ctx context.Context, job, stateID string) (string, error) {
	a, err := c.do(ctx, api.Call{Op: fmt.Sprintf("read the log of step %s of job %s", stateID, job),
		Path: Base + "/jobs/" + esc(job) + "/" + esc(stateID) + "/log", Idempotent: true})
	if err != nil {
		return "", err
	}
	return logText(a.Result, 3), nil
}

func logText(v any, depth int) string {
	if s, ok := v.(string); ok {
		return s
	}
	if depth == 0 {
		return ""
	}
	keys := []string{"content", "log", "logs", "lines", "text", "message", "msg", "line", "data", "list", "records"}
	switch t := v.(type) {
	case []any:
		var lines []string
		for _, it := range t {
			if s := logText(it, depth-1); s != "" {
				lines = append(lines, strings.TrimRight(s, "\n"))
			}
		}
		return strings.Join(lines, "\n")
	case map[string]any:
		return find(t, keys, func(x any) (string, bool) {
			s := logText(x, depth-1)
			return s, s != ""
		})
	}
	return ""
}

// Skip skips a task waiting at a manual checkpoint (PUT /job/{job_name}/manual-skip?task_id=,
// §4.1.1.2.3; never retried).
func (c *Client) Skip(ctx context.Context, job, taskID string) error {
	_, err := c.do(ctx, api.Call{Op: fmt.Sprintf("skip task %s of job %s", taskID, job), Method: http.MethodPut,
		Path: Base + "/job/" + esc(job) + "/manual-skip", Query: url.Values{"task_id": {taskID}}})
	return err
}

// Retry retries a task (PUT /job/{job_name}/manual-retry?task_id=, §4.1.1.2.2; never retried).
func (c *Client) Retry(ctx context.Context, job, taskID string) error {
	q := url.Values{}
	if taskID != "" {
		q.Set("task_id", taskID)
	}
	_, err := c.do(ctx, api.Call{Op: fmt.Sprintf("retry task %s of job %s", taskID, job), Method: http.MethodPut,
		Path: Base + "/job/" + esc(job) + "/manual-retry", Query: q})
	return err
}
