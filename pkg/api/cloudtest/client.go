// Package cloudtest is a typed client of Huawei Cloud CodeArts TestPlan
// (service code CloudTest): test plans, the cases of a plan, their
// executions and results, environment groups — and of the task template
// service attask (see Attask).
//
// The {project_id} of every TestPlan path is the 32-character CodeArts
// project id, not the IAM project id of CPTS paths. TestPlan ids are
// strings. Success is decided by HTTP status in pkg/api (the list call
// answers 201 with a bare JSON array); GET calls and the read-only case
// query are retried by pkg/api, every other POST never is.
//
// Batch calls (AddCases, RunTestCases, UpdateCaseResults) take at most
// MaxBatch cases and report per-case failures in a BatchResult, whatever
// the HTTP status of the answer that lists them.
package cloudtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// DefaultPageSize is the `limit` sent by listing calls when Client.PageSize
// is 0 (the documents allow at most 200).
const DefaultPageSize = 100

// maxExecuteID is the documented length limit of an `execute_id`.
const maxExecuteID = 32

// Client calls the TestPlan API of one CodeArts project.
type Client struct {
	api       *api.Client
	projectID string

	// PageSize is the `limit` of listing calls; 0 means DefaultPageSize.
	PageSize int
}

// New returns a client for the CodeArts project codeartsProjectID (the
// 32-character {project_id} of TestPlan paths) on top of the wire client c,
// whose endpoint is the TestPlan host.
func New(c *api.Client, codeartsProjectID string) *Client {
	return &Client{api: c, projectID: codeartsProjectID}
}

// projectPath builds "/{version}/projects/{project_id}" + the rest.
func (c *Client) projectPath(version, format string, args ...any) string {
	return "/" + version + "/projects/" + url.PathEscape(c.projectID) + fmt.Sprintf(format, args...)
}

// flatPath builds "/{version}/{project_id}" + the rest (paths without "projects").
func (c *Client) flatPath(version, format string, args ...any) string {
	return "/" + version + "/" + url.PathEscape(c.projectID) + fmt.Sprintf(format, args...)
}

func (c *Client) pageSize() int {
	if c.PageSize > 0 {
		return c.PageSize
	}
	return DefaultPageSize
}

// pageQuery is the offset/limit query of GET listings.
func pageQuery(offset, limit int) url.Values {
	return url.Values{"offset": {strconv.Itoa(offset)}, "limit": {strconv.Itoa(limit)}}
}

// CreatePlanRequest describes a new test plan.
type CreatePlanRequest struct {
	// Name is the plan name (required; at most 128 characters, no # ¥ % & (…).
	Name string
	// ServiceIDs are the test type services of the plan's cases
	// (`service_id_list`, required, fewer than 10).
	ServiceIDs []int64
	// StartDate is sent as a UTC date, e.g. "2020-03-04"; zero is not sent.
	StartDate time.Time
	// EndDate is sent as a UTC date; zero is not sent.
	EndDate time.Time
	// AssigneeID is the user who handles the plan (`assigned_id`); "" means
	// the calling user.
	AssigneeID string
}

// CreatePlan creates a test plan (CreatePlan, never retried) and returns its
// id. The documented answer is 201 {plan_id} and may carry error_code and
// error_msg; only a missing plan_id is an error (ErrNoData, naming them).
func (c *Client) CreatePlan(ctx context.Context, req CreatePlanRequest) (string, error) {
	op := fmt.Sprintf("create plan %q", req.Name)
	if strings.TrimSpace(req.Name) == "" {
		return "", fmt.Errorf("%s: the plan name is empty", op)
	}
	if len(req.ServiceIDs) == 0 {
		return "", fmt.Errorf("%s: no test type service id", op)
	}
	var ans createPlanAnswer
	call := api.Call{Op: op, Method: http.MethodPost, Path: c.projectPath("v1", "/plans"), Body: newCreatePlanBody(req)}
	if err := c.api.Do(ctx, call, &ans); err != nil {
		return "", err
	}
	if ans.PlanID == "" {
		return "", noData(op, "plan_id", string(ans.Code), string(ans.Message))
	}
	return string(ans.PlanID), nil
}

// noData builds the ErrNoData error of an answer without field, naming the
// answer's error code and message when it had them.
func noData(op, field, code, msg string) error {
	if s := strings.TrimSpace(code + " " + msg); s != "" {
		return fmt.Errorf("%s: no %s (answer says %s): %w", op, field, s, ErrNoData)
	}
	return fmt.Errorf("%s: no %s: %w", op, field, ErrNoData)
}

// ListPlans returns the test plans of the project (ShowPlanList, GET v2),
// paging through offset/limit. name, when not empty, is the service's fuzzy
// name filter: compare names yourself for an exact match. The service
// answers 201 with a bare JSON array.
func (c *Client) ListPlans(ctx context.Context, name string) ([]Plan, error) {
	op := "list plans"
	if name != "" {
		op = fmt.Sprintf("list plans matching %q", name)
	}
	path := c.projectPath("v2", "/plans")
	return api.CollectPages(ctx, op, c.pageSize(), func(ctx context.Context, offset, limit int) ([]Plan, int, error) {
		q := pageQuery(offset, limit)
		if name != "" {
			q.Set("name", name)
		}
		var raw json.RawMessage
		if err := c.api.Do(ctx, api.Call{Op: op, Method: http.MethodGet, Path: path, Query: q, Idempotent: true}, &raw); err != nil {
			return nil, 0, err
		}
		plans, err := decodePlans(raw)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", op, err)
		}
		return plans, -1, nil
	}, func(p Plan) string { return string(p.ID) })
}

// decodePlans decodes the plan list: a bare array (documented), null or
// nothing (no plans). An object is refused, naming its error code and
// message when it has them.
func decodePlans(raw json.RawMessage) ([]Plan, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '{' {
		var e batchAnswer
		_ = json.Unmarshal(raw, &e)
		if s := strings.TrimSpace(string(e.Code) + " " + string(e.Message)); s != "" {
			return nil, fmt.Errorf("answer is an error object: %s", s)
		}
		return nil, fmt.Errorf("answer is an object, want a JSON array of plans")
	}
	var plans []Plan
	if err := json.Unmarshal(raw, &plans); err != nil {
		return nil, fmt.Errorf("decode plans: %w", err)
	}
	return plans, nil
}

// AddCases adds the cases caseIDs of test type service serviceID to plan
// planID (CreateTestCaseInPlan, POST batch-add, never retried). One call
// takes at most MaxBatch ids of one test type: more is ErrTooManyCases and
// nothing is sent (split the list); none makes no call.
//
// Cases the service refuses are listed in the result's Failed whether the
// answer is 2xx, 4xx or 5xx (the document puts the list under 500); such an
// answer is not an error. A non-2xx answer without the list is an
// *api.APIError: nothing was added.
func (c *Client) AddCases(ctx context.Context, planID string, serviceID int64, caseIDs []string) (*BatchResult, error) {
	op := fmt.Sprintf("add %d case%s to plan %s", len(caseIDs), plural(len(caseIDs)), planID)
	if planID == "" {
		return nil, fmt.Errorf("%s: the plan id is empty", op)
	}
	if len(caseIDs) > MaxBatch {
		return nil, fmt.Errorf("%s: %d cases, at most %d per call: %w", op, len(caseIDs), MaxBatch, ErrTooManyCases)
	}
	for _, id := range caseIDs {
		if strings.TrimSpace(id) == "" {
			return nil, fmt.Errorf("%s: empty case id", op)
		}
	}
	if len(caseIDs) == 0 {
		return newBatchResult(op, nil, nil, false, "", "", nil), nil
	}
	body := batchAddBody{ServiceID: serviceID, CaseIDs: caseIDs}
	return c.doBatch(ctx, op, c.projectPath("v1", "/plans/%s/testcases/batch-add", url.PathEscape(planID)), body, caseIDs)
}

// ListEnvironments returns the environment parameter groups of the project
// (ListEnvironments), paging through offset/limit.
func (c *Client) ListEnvironments(ctx context.Context) ([]Environment, error) {
	op := "list environments"
	path := c.projectPath("v1", "/environments")
	return api.CollectPages(ctx, op, c.pageSize(), func(ctx context.Context, offset, limit int) ([]Environment, int, error) {
		var ans environmentsAnswer
		call := api.Call{Op: op, Method: http.MethodGet, Path: path, Query: pageQuery(offset, limit), Idempotent: true}
		if err := c.api.Do(ctx, call, &ans); err != nil {
			return nil, 0, err
		}
		return ans.Environments, int(ans.TotalCount), nil
	}, func(e Environment) string { return string(e.ID) })
}

// CaseExecution records that a case started executing.
type CaseExecution struct {
	// CaseID is the case id (`testcase_id`, 32 characters).
	CaseID string
	// ExecuteID is the caller's id of this execution (`execute_id`): unique,
	// at most 32 characters; NewExecuteID makes one. UpdateCaseResults must
	// send the same id.
	ExecuteID string
	// Result is the case's state; "" sends ResultRunning.
	Result Result
	// Start is when the execution started (required), sent as a Unix
	// timestamp in milliseconds.
	Start time.Time
}

// RunCasesRequest records executions of cases of one test type.
type RunCasesRequest struct {
	// ServiceID is the test type service of the cases (`service_id`).
	ServiceID int64
	// PlanID is the plan the executions belong to; "" is not sent.
	PlanID string
	// Cases are the executions, at most MaxBatch, one per case.
	Cases []CaseExecution
}

// RunTestCases records that cases started executing (RunTestCase, POST
// testcases/execution, never retried). Per-case failures come back in the
// result as for AddCases; an empty list makes no call.
func (c *Client) RunTestCases(ctx context.Context, req RunCasesRequest) (*BatchResult, error) {
	op := fmt.Sprintf("record execution of %d case%s", len(req.Cases), plural(len(req.Cases)))
	items := make([]executeItem, len(req.Cases))
	keys := make([][2]string, len(req.Cases))
	for i, e := range req.Cases {
		r := e.Result
		if r == "" {
			r = ResultRunning
		}
		if !r.Valid() {
			return nil, fmt.Errorf("%s: case %s: %v is not one of 0, 1, 5, 6", op, e.CaseID, r)
		}
		if e.Start.IsZero() {
			return nil, fmt.Errorf("%s: case %s: no start time", op, e.CaseID)
		}
		items[i] = executeItem{CaseID: e.CaseID, ExecuteID: e.ExecuteID, ResultID: string(r), StartTime: e.Start.UnixMilli()}
		keys[i] = [2]string{e.CaseID, e.ExecuteID}
	}
	body := executeBody{ServiceID: req.ServiceID, PlanID: req.PlanID, ExecuteList: items}
	return c.record(ctx, op, c.projectPath("v1", "/testcases/execution"), body, keys)
}

// CaseResult is the outcome of one case execution.
type CaseResult struct {
	// CaseID is the case id (`testcase_id`).
	CaseID string
	// ExecuteID is the id given to RunTestCases for this execution.
	ExecuteID string
	// Result is the outcome (required): ResultPassed, ResultFailed, … .
	Result Result
	// End is when the execution ended (required), sent as a Unix timestamp
	// in milliseconds.
	End time.Time
	// Duration is how long the case ran, sent in whole milliseconds (required
	// by the service; 0 is sent as 0).
	Duration time.Duration
	// Description is a remark stored with the result; "" is not sent.
	Description string
}

// UpdateResultsRequest records results of cases of one test type.
type UpdateResultsRequest struct {
	// ServiceID is the test type service of the cases (`service_id`).
	ServiceID int64
	// PlanID is the plan the results belong to; "" is not sent.
	PlanID string
	// Results are the outcomes, at most MaxBatch, one per case.
	Results []CaseResult
}

// UpdateCaseResults records the results of case executions
// (UpdateTestCaseResult, POST testcases/result, never retried). Per-case
// failures come back in the result as for AddCases; an empty list makes no
// call.
func (c *Client) UpdateCaseResults(ctx context.Context, req UpdateResultsRequest) (*BatchResult, error) {
	op := fmt.Sprintf("record results of %d case%s", len(req.Results), plural(len(req.Results)))
	items := make([]resultItem, len(req.Results))
	keys := make([][2]string, len(req.Results))
	for i, r := range req.Results {
		if !r.Result.Valid() {
			return nil, fmt.Errorf("%s: case %s: %v is not one of 0, 1, 5, 6", op, r.CaseID, r.Result)
		}
		if r.End.IsZero() {
			return nil, fmt.Errorf("%s: case %s: no end time", op, r.CaseID)
		}
		if r.Duration < 0 {
			return nil, fmt.Errorf("%s: case %s: negative duration %s", op, r.CaseID, r.Duration)
		}
		items[i] = resultItem{CaseID: r.CaseID, ExecuteID: r.ExecuteID, ResultID: string(r.Result),
			EndTime: r.End.UnixMilli(), Duration: r.Duration.Milliseconds(), Description: r.Description}
		keys[i] = [2]string{r.CaseID, r.ExecuteID}
	}
	body := resultBody{ServiceID: req.ServiceID, PlanID: req.PlanID, ExecuteList: items}
	return c.record(ctx, op, c.projectPath("v1", "/testcases/result"), body, keys)
}

// record checks the (case id, execute id) pairs of an execution or result list (checkBatch) and
// posts body to path; an empty list makes no call.
func (c *Client) record(ctx context.Context, op, path string, body any, keys [][2]string) (*BatchResult, error) {
	if err := checkBatch(keys); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if len(keys) == 0 {
		return newBatchResult(op, nil, nil, false, "", "", nil), nil
	}
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = k[0]
	}
	return c.doBatch(ctx, op, path, body, ids)
}

// checkBatch validates the (case id, execute id) pairs of an execution or
// result list: at most MaxBatch, ids present, execute ids at most 32
// characters, neither repeated (the service refuses repeats).
func checkBatch(keys [][2]string) error {
	if len(keys) > MaxBatch {
		return fmt.Errorf("%d cases, at most %d per call: %w", len(keys), MaxBatch, ErrTooManyCases)
	}
	cases := make(map[string]bool, len(keys))
	execs := make(map[string]bool, len(keys))
	for _, k := range keys {
		caseID, execID := k[0], k[1]
		switch {
		case strings.TrimSpace(caseID) == "":
			return fmt.Errorf("empty case id")
		case strings.TrimSpace(execID) == "":
			return fmt.Errorf("case %s: empty execute id", caseID)
		case len(execID) > maxExecuteID:
			return fmt.Errorf("case %s: execute id %q is longer than %d characters", caseID, execID, maxExecuteID)
		case cases[caseID]:
			return fmt.Errorf("case %s is listed twice", caseID)
		case execs[execID]:
			return fmt.Errorf("execute id %q is used twice", execID)
		}
		cases[caseID], execs[execID] = true, true
	}
	return nil
}

// NewExecuteID returns a fresh random execution id: 32 lower-case hex
// characters, the longest the service accepts.
func NewExecuteID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// ListPlanCases returns the cases of plan planID with their latest results
// (ListTestCases, POST /v1/{project_id}/testcases/batch-query with the plan
// as `version_id`), paging through offset/limit. The call only reads, so it
// is retried like a GET.
func (c *Client) ListPlanCases(ctx context.Context, planID string) ([]PlanCase, error) {
	op := fmt.Sprintf("list cases of plan %s", planID)
	if planID == "" {
		return nil, fmt.Errorf("%s: the plan id is empty", op)
	}
	path := c.flatPath("v1", "/testcases/batch-query")
	return api.CollectPages(ctx, op, c.pageSize(), func(ctx context.Context, offset, limit int) ([]PlanCase, int, error) {
		var ans planCasesAnswer
		call := api.Call{Op: op, Method: http.MethodPost, Path: path, Idempotent: true,
			Body: listCasesBody{Offset: offset, Limit: limit, VersionID: planID}}
		if err := c.api.Do(ctx, call, &ans); err != nil {
			return nil, 0, err
		}
		return ans.Values, int(ans.Total), nil
	}, func(pc PlanCase) string { return string(pc.ID) })
}

// ShowCase returns case caseID with its latest result (ShowTestCaseDetail).
// An answer without testcase_id but with an error code is ErrNoData.
func (c *Client) ShowCase(ctx context.Context, caseID string) (*CaseDetail, error) {
	op := fmt.Sprintf("show case %s", caseID)
	if caseID == "" {
		return nil, fmt.Errorf("%s: the case id is empty", op)
	}
	var ans caseAnswer
	call := api.Call{Op: op, Method: http.MethodGet, Path: c.projectPath("v1", "/testcases/%s", url.PathEscape(caseID)), Idempotent: true}
	if err := c.api.Do(ctx, call, &ans); err != nil {
		return nil, err
	}
	d := ans.CaseDetail
	if d.ID == "" {
		if ans.Code != "" {
			return nil, noData(op, "testcase_id", string(ans.Code), string(ans.Message))
		}
		d.ID = Text(caseID)
	}
	return &d, nil
}

// wire bodies and answers

type createPlanAnswer struct {
	PlanID  Text `json:"plan_id"`
	Code    Text `json:"error_code"`
	Message Text `json:"error_msg"`
}

type environmentsAnswer struct {
	Environments []Environment `json:"environments"`
	TotalCount   Int           `json:"total_count"`
}

type planCasesAnswer struct {
	Values []PlanCase `json:"values"`
	Total  Int        `json:"total"`
}

type caseAnswer struct {
	CaseDetail
	Code    Text `json:"error_code"`
	Message Text `json:"error_msg"`
}

type createPlanBody struct {
	Name       string    `json:"name"`
	AssignedID string    `json:"assigned_id,omitempty"`
	ServiceIDs []int64   `json:"service_id_list"`
	PlanCycle  planCycle `json:"plan_cycle"`
}

type planCycle struct {
	StartDate string `json:"start_date,omitempty"`
	EndDate   string `json:"end_date,omitempty"`
}

// dateLayout is the documented plan date format ("2020-03-04", UTC).
const dateLayout = "2006-01-02"

func utcDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(dateLayout)
}

func newCreatePlanBody(req CreatePlanRequest) createPlanBody {
	return createPlanBody{
		Name:       req.Name,
		AssignedID: req.AssigneeID,
		ServiceIDs: req.ServiceIDs,
		PlanCycle:  planCycle{StartDate: utcDate(req.StartDate), EndDate: utcDate(req.EndDate)},
	}
}

type batchAddBody struct {
	ServiceID int64    `json:"service_id"`
	CaseIDs   []string `json:"testcase_id_list"`
}

type executeBody struct {
	ServiceID   int64         `json:"service_id"`
	PlanID      string        `json:"plan_id,omitempty"`
	ExecuteList []executeItem `json:"execute_list"`
}

type executeItem struct {
	CaseID    string `json:"testcase_id"`
	ExecuteID string `json:"execute_id"`
	ResultID  string `json:"result_id"`
	StartTime int64  `json:"start_time"`
}

type resultBody struct {
	ServiceID   int64        `json:"service_id"`
	PlanID      string       `json:"plan_id,omitempty"`
	ExecuteList []resultItem `json:"execute_list"`
}

type resultItem struct {
	CaseID      string `json:"testcase_id"`
	ExecuteID   string `json:"execute_id"`
	ResultID    string `json:"result_id"`
	EndTime     int64  `json:"end_time"`
	Duration    int64  `json:"duration"`
	Description string `json:"description,omitempty"`
}

type listCasesBody struct {
	Offset    int    `json:"offset"`
	Limit     int    `json:"limit"`
	VersionID string `json:"version_id"`
}
