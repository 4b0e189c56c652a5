// Package cpts is a typed client of the Huawei Cloud CodeArts PerfTest
// (CPTS) API: test suites, tasks, runs, reports and global variables, with
// wire types that survive the documented quirks (null numbers, ids sent as
// doubles or strings, a task object printed as an array, unknown fields).
//
// Success is decided by HTTP status in pkg/api; the `code` strings
// ("CPTS.00000000", "SVCSTG.CPTS.0000000") are ignored. GET and PUT calls
// are retried by pkg/api; POST calls (create, start, stop) never are.
package cpts

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// DefaultPageSize is the `limit` sent by listing calls when Client.PageSize is 0.
const DefaultPageSize = 100

// Client calls the CPTS API of one IAM project.
type Client struct {
	api       *api.Client
	projectID string

	// PageSize is the `limit` of listing calls; 0 means DefaultPageSize.
	PageSize int
}

// New returns a client for the IAM project projectID (the {project_id} of
// every CPTS path) on top of the wire client c.
func New(c *api.Client, projectID string) *Client {
	return &Client{api: c, projectID: projectID}
}

// path joins the version, the escaped project id and the rest of a path.
func (c *Client) path(version, format string, args ...any) string {
	return "/" + version + "/" + url.PathEscape(c.projectID) + fmt.Sprintf(format, args...)
}

func (c *Client) pageSize() int {
	if c.PageSize > 0 {
		return c.PageSize
	}
	return DefaultPageSize
}

// get performs an idempotent GET.
func (c *Client) get(ctx context.Context, op, path string, q url.Values, out any) error {
	return c.api.Do(ctx, api.Call{Op: op, Method: http.MethodGet, Path: path, Query: q, Idempotent: true}, out)
}

// collect pages through a listing with offset/limit under either reading of offset (an item
// offset or a 1-based page number; see api.CollectPages), keeping each id once.
func collect[T, A any](ctx context.Context, c *Client, op, path string, items func(*A) []T, id func(T) int64) ([]T, error) {
	return api.CollectPages(ctx, op, c.pageSize(), func(ctx context.Context, offset, limit int) ([]T, int, error) {
		var ans A
		q := url.Values{"offset": {strconv.Itoa(offset)}, "limit": {strconv.Itoa(limit)}}
		if err := c.get(ctx, op, path, q, &ans); err != nil {
			return nil, 0, err
		}
		return items(&ans), 0, nil
	}, id)
}

// ListSuites returns every PerfTest project ("test suite") of the project
// (ListProjectSets), paging through offset/limit under either reading of offset.
func (c *Client) ListSuites(ctx context.Context) ([]Suite, error) {
	return collect(ctx, c, "list test suites", c.path("v1", "/test-suites"),
		func(a *suitesAnswer) []Suite { return a.Projects },
		func(s Suite) int64 { return int64(s.ID) })
}

// ListTasks returns every task of suite suiteID (ShowTaskSet), paging
// through offset/limit under either reading of offset.
func (c *Client) ListTasks(ctx context.Context, suiteID int64) ([]TaskSummary, error) {
	return collect(ctx, c, fmt.Sprintf("list tasks of suite %d", suiteID), c.path("v1", "/all-tasks/%d", suiteID),
		func(a *tasksAnswer) []TaskSummary { return a.Tasks },
		func(t TaskSummary) int64 { return int64(t.ID) })
}

// ShowTask returns task taskID with its cases, stage plans and the brief
// state of its latest run (ShowTask). An answer without taskInfo is ErrNoData.
func (c *Client) ShowTask(ctx context.Context, taskID int64) (*Task, error) {
	op := fmt.Sprintf("show task %d", taskID)
	var ans taskAnswer
	if err := c.get(ctx, op, c.path("v1", "/tasks/%d", taskID), nil, &ans); err != nil {
		return nil, err
	}
	t := ans.TaskInfo.v
	if t == nil {
		return nil, fmt.Errorf("%s: no taskInfo: %w", op, ErrNoData)
	}
	if t.ID == 0 {
		t.ID = Int(taskID)
	}
	return t, nil
}

// CreateTask creates a task (CreateTask, never retried) and returns its id.
// An answer without task_id is ErrNoData.
func (c *Client) CreateTask(ctx context.Context, req CreateTaskRequest) (int64, error) {
	op := fmt.Sprintf("create task %q in suite %d", req.Name, req.SuiteID)
	var ans createTaskAnswer
	call := api.Call{Op: op, Method: http.MethodPost, Path: c.path("v1", "/tasks"), Body: newCreateTaskBody(req)}
	if err := c.api.Do(ctx, call, &ans); err != nil {
		return 0, err
	}
	if ans.TaskID == 0 {
		return 0, fmt.Errorf("%s: no task_id: %w", op, ErrNoData)
	}
	return int64(ans.TaskID), nil
}

// SetTaskCases replaces the cases of task taskID, and sets its name and
// parallel flag (UpdateTaskRelatedTestCase, PUT v3).
func (c *Client) SetTaskCases(ctx context.Context, taskID int64, req SetTaskCasesRequest) error {
	call := api.Call{
		Op:         fmt.Sprintf("set cases of task %d", taskID),
		Method:     http.MethodPut,
		Path:       c.path("v3", "/tasks/%d", taskID),
		Body:       newSetTaskCasesBody(req),
		Idempotent: true,
	}
	return c.api.Do(ctx, call, nil)
}

// ListTaskCases returns the cases linked to task taskID of suite suiteID
// (ListTaskCases).
func (c *Client) ListTaskCases(ctx context.Context, suiteID, taskID int64) ([]TaskCase, error) {
	var ans taskCasesAnswer
	op := fmt.Sprintf("list cases of task %d", taskID)
	if err := c.get(ctx, op, c.path("v1", "/test-suites/%d/tasks/%d/test-cases", suiteID, taskID), nil, &ans); err != nil {
		return nil, err
	}
	return ans.TestCases, nil
}

// StartTask starts task taskID of suite suiteID on cluster cl
// (UpdateTaskStatus with status 9, never retried) and returns the task run
// id (report id). An answer without task_run_id is ErrNoData: the task may
// have started anyway, so look at ShowTask before starting again.
func (c *Client) StartTask(ctx context.Context, suiteID, taskID int64, cl Cluster) (int64, error) {
	op := fmt.Sprintf("start task %d", taskID)
	var ans taskStatusAnswer
	call := api.Call{Op: op, Method: http.MethodPost, Path: c.path("v1", "/test-suites/%d/tasks/%d", suiteID, taskID), Body: newStartBody(cl)}
	if err := c.api.Do(ctx, call, &ans); err != nil {
		return 0, err
	}
	if ans.Result == nil || ans.Result.TaskRunID == 0 {
		return 0, fmt.Errorf("%s: no task_run_id: %w", op, ErrNoData)
	}
	return int64(ans.Result.TaskRunID), nil
}

// StopTask stops the running task taskID of suite suiteID (UpdateTaskStatus
// with status 2, never retried).
func (c *Client) StopTask(ctx context.Context, suiteID, taskID int64) error {
	call := api.Call{
		Op:     fmt.Sprintf("stop task %d", taskID),
		Method: http.MethodPost,
		Path:   c.path("v1", "/test-suites/%d/tasks/%d", suiteID, taskID),
		Body:   newStopBody(),
	}
	return c.api.Do(ctx, call, nil)
}

// ListCaseRuns returns the case runs of task run runID (ShowMergeTaskCase,
// `result.case_aw_info_list`); CaseRun.ID is the case run id for ShowReport.
// An answer without result is ErrNoData; an empty list with `err_message`
// is an error carrying that message.
func (c *Client) ListCaseRuns(ctx context.Context, runID int64) ([]CaseRun, error) {
	op := fmt.Sprintf("list case runs of run %d", runID)
	var ans caseRunsAnswer
	if err := c.get(ctx, op, c.path("v2", "/task-run-infos/%d/cases", runID), nil, &ans); err != nil {
		return nil, err
	}
	if ans.Result == nil {
		return nil, fmt.Errorf("%s: no result: %w", op, ErrNoData)
	}
	if len(ans.Result.CaseAwInfoList) == 0 && ans.Result.ErrMessage != "" {
		return nil, fmt.Errorf("%s: %s", op, ans.Result.ErrMessage)
	}
	return ans.Result.CaseAwInfoList, nil
}

// ShowReport returns the report of case run caseRunID of task run runID
// (ShowReport) with at most curvePoints points per curve
// (`brokens_limit_count`, required by the service; values below 1 are sent
// as 1). An answer without result is ErrNoData.
func (c *Client) ShowReport(ctx context.Context, runID, caseRunID int64, curvePoints int) (*Report, error) {
	op := fmt.Sprintf("show report of run %d case run %d", runID, caseRunID)
	q := url.Values{"brokens_limit_count": {strconv.Itoa(max(curvePoints, 1))}}
	var ans reportAnswer
	if err := c.get(ctx, op, c.path("v1", "/task-run-infos/%d/case-run-infos/%d/reports", runID, caseRunID), q, &ans); err != nil {
		return nil, err
	}
	if ans.Result == nil {
		return nil, fmt.Errorf("%s: no result: %w", op, ErrNoData)
	}
	return ans.Result, nil
}

// History returns the earlier runs of task taskID (ShowHistoryRunInfo), in
// the order the service sends them.
func (c *Client) History(ctx context.Context, taskID int64) ([]HistoryRun, error) {
	var ans historyAnswer
	if err := c.get(ctx, fmt.Sprintf("list runs of task %d", taskID), c.path("v1", "/tasks/history-run-list/%d", taskID), nil, &ans); err != nil {
		return nil, err
	}
	return ans.LogList, nil
}

// ListVariables returns the global variables of type varType (VariableInteger,
// VariableEnum, VariableFile, VariableText) of suite suiteID (ListVariables).
// Any other type is refused before a call: the documents define no other
// value (in particular none meaning "every type"); see ListAllVariables.
func (c *Client) ListVariables(ctx context.Context, suiteID int64, varType int) ([]Variable, error) {
	if !slices.Contains(VariableTypes, varType) {
		return nil, fmt.Errorf("list variables of suite %d: variable_type %d is not documented (valid: %v)", suiteID, varType, VariableTypes)
	}
	var ans variablesAnswer
	op := fmt.Sprintf("list variables of suite %d", suiteID)
	if err := c.get(ctx, op, c.path("v1", "/variables/%d/test-suites/%d", varType, suiteID), nil, &ans); err != nil {
		return nil, err
	}
	return ans.VariableList, nil
}

// ListAllVariables returns the global variables of every documented type of
// suite suiteID: one ListVariables call per type in VariableTypes, merged in
// that order; a variable sent under two types is kept once (by id).
func (c *Client) ListAllVariables(ctx context.Context, suiteID int64) ([]Variable, error) {
	var all []Variable
	seen := map[int64]bool{}
	for _, typ := range VariableTypes {
		vs, err := c.ListVariables(ctx, suiteID, typ)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			if id := int64(v.ID); id != 0 {
				if seen[id] {
					continue
				}
				seen[id] = true
			}
			all = append(all, v)
		}
	}
	return all, nil
}

// UpdateVariables changes the global variables vs of suite suiteID
// (UpdateVariable, PUT). Only id, name, variable_type and variable are sent;
// an empty vs makes no call.
func (c *Client) UpdateVariables(ctx context.Context, suiteID int64, vs []Variable) error {
	if len(vs) == 0 {
		return nil
	}
	call := api.Call{
		Op:         fmt.Sprintf("update variables of suite %d", suiteID),
		Method:     http.MethodPut,
		Path:       c.path("v1", "/variables/%d", suiteID),
		Body:       newVariablesBody(vs),
		Idempotent: true,
	}
	return c.api.Do(ctx, call, nil)
}
