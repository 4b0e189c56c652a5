// Package docfake is a fake of the CPTS and TestPlan APIs built from nothing but the vendor
// documents' example payloads (testdata/, copied from ../shared/seeds; the repairs that page
// breaks made necessary are listed in testdata/README.md). It shares no code with internal/sim and
// pkg/api: it is a second, independent reading of the same documents, for end-to-end tests of
// the runner. Only tests use it.
//
// What it does, and nothing more:
//   - it answers every call the runner makes with the example of that call, verbatim, patching
//     only what a run changes: the run id a start returns shows up in ShowTask, variable values
//     set by UpdateVariable are listed, and Options.ExtraTasks adds tasks cloned from the
//     example's second task;
//   - it requires what the documents mark required (body fields, brokens_limit_count, a
//     documented variable_type) and answers 400 otherwise;
//   - listings read `offset` as the examples use it: a page number from 1 (0 is read as 1);
//   - batch-add takes fewer than 50 case ids (the body table's reading; 400 CLOUDTEST.00030001
//     otherwise);
//   - calls the seeds do not document answer 501 with a plain string, as CPTS documents for
//     errors, except the TestPlan case listing (SDK ListTestCases), answered empty.
//
// Authentication is checked for presence only (X-Auth-Token, or an SDK-HMAC-SHA256
// Authorization); IAM answers a password token and the project of a region.
package docfake

import (
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed testdata/*.json
var payloads embed.FS

// example returns the example payload name (testdata/name.json) decoded as generic JSON.
func example(name string) any {
	b, err := payloads.ReadFile("testdata/" + name + ".json")
	if err != nil {
		panic(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		panic(fmt.Sprintf("docfake: %s: %v", name, err))
	}
	return v
}

// Ids taken from the examples.
const (
	// SuiteID and SuiteName are the ListProjectSets example's project.
	SuiteID, SuiteName = 1, "name"
	// TaskID and TaskName are the ShowTaskSet example's first task.
	TaskID, TaskName = 52631, "task1"
	// CaseID is the ShowTask example's case.
	CaseID = 18393
	// RunID is the task_run_id of the UpdateTaskStatus example.
	RunID = 32517
	// CreatedTaskID is the task_id of the CreateTask example.
	CreatedTaskID = 184138
	// PlanName and PlanID are the TestPlan v2 plan list example's plan.
	PlanName, PlanID = "测试", "c7c2ddf2ea914164ac6ee76bf11a30ea"
	// ProjectID is the IAM project id the fake's IAM reports for any region.
	ProjectID = "0d1f2e3c4b5a69788796a5b4c3d2e1f0"
)

// Options shape a Fake.
type Options struct {
	// ExtraTasks adds that many tasks to the example's two, named task-0001 …, cloned from the
	// example's second task.
	ExtraTasks int
}

// Request is one request the fake received.
type Request struct {
	Method, Path, Query string
	Body                []byte
	Status              int
}

// Fake is the fake service; it is an http.Handler safe for concurrent use.
type Fake struct {
	opt      Options
	mu       sync.Mutex
	started  map[int]bool
	vars     map[float64][]any // variable id -> values set
	added    map[string]int    // case id -> times accepted by batch-add
	requests []Request
}

// New returns a fake.
func New(opt Options) *Fake {
	return &Fake{opt: opt, started: map[int]bool{}, vars: map[float64][]any{}, added: map[string]int{}}
}

// Requests returns the requests received so far.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

// Added returns how many times batch-add accepted each case id.
func (f *Fake) Added() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.added))
	for k, v := range f.added {
		out[k] = v
	}
	return out
}

// answer is a status and a body (JSON unless it is a string).
type answer struct {
	status int
	body   any
}

func bad(code, msg string) answer {
	return answer{http.StatusBadRequest, map[string]any{"error_code": code, "error_msg": msg}}
}

// route is one documented call: method, path pattern and handler.
type route struct {
	method string
	re     *regexp.Regexp
	h      func(f *Fake, r *http.Request, m []string, body []byte) answer
}

var routes = []route{
	{"POST", regexp.MustCompile(`^/v3/auth/tokens$`), (*Fake).token},
	{"GET", regexp.MustCompile(`^/v3/projects$`), (*Fake).projects},
	{"GET", regexp.MustCompile(`^/v1/[^/]+/test-suites$`), (*Fake).suites},
	{"GET", regexp.MustCompile(`^/v1/[^/]+/all-tasks/(\d+)$`), (*Fake).tasks},
	{"GET", regexp.MustCompile(`^/v1/[^/]+/tasks/(\d+)$`), (*Fake).showTask},
	{"POST", regexp.MustCompile(`^/v1/[^/]+/tasks$`), (*Fake).createTask},
	{"PUT", regexp.MustCompile(`^/v3/[^/]+/tasks/(\d+)$`), (*Fake).setCases},
	{"POST", regexp.MustCompile(`^/v1/[^/]+/test-suites/(\d+)/tasks/(\d+)$`), (*Fake).taskStatus},
	{"GET", regexp.MustCompile(`^/v1/[^/]+/task-run-infos/(\d+)/case-run-infos/(\d+)/reports$`), (*Fake).report},
	{"GET", regexp.MustCompile(`^/v1/[^/]+/tasks/history-run-list/(\d+)$`), (*Fake).history},
	{"GET", regexp.MustCompile(`^/v1/[^/]+/variables/(-?\d+)/test-suites/(\d+)$`), (*Fake).listVariables},
	{"PUT", regexp.MustCompile(`^/v1/[^/]+/variables/(\d+)$`), (*Fake).updateVariables},
	{"POST", regexp.MustCompile(`^/v1/[^/]+/variables/(\d+)$`), (*Fake).createVariables},
	{"GET", regexp.MustCompile(`^/v1/[^/]+/test-suites/(\d+)/directory$`), (*Fake).directory},
	{"GET", regexp.MustCompile(`^/v2/projects/[^/]+/plans$`), (*Fake).plans},
	{"POST", regexp.MustCompile(`^/v1/projects/[^/]+/plans$`), (*Fake).createPlan},
	{"POST", regexp.MustCompile(`^/v1/projects/[^/]+/plans/([^/]+)/testcases/batch-add$`), (*Fake).batchAdd},
	{"POST", regexp.MustCompile(`^/v1/[^/]+/testcases/batch-query$`), (*Fake).planCases},
	{"GET", regexp.MustCompile(`^/v1/projects/[^/]+/environments$`), (*Fake).environments},
}

// ServeHTTP implements http.Handler.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	a := f.serve(r, body)
	f.mu.Lock()
	f.requests = append(f.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Body: body, Status: a.status})
	f.mu.Unlock()
	if s, ok := a.body.(string); ok {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(a.status)
		io.WriteString(w, s)
		return
	}
	if a.status == http.StatusNoContent {
		w.WriteHeader(a.status)
		return
	}
	if tok, ok := a.body.(tokenAnswer); ok {
		w.Header().Set("X-Subject-Token", "docfake-token")
		a.body = tok.body
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(a.status)
	json.NewEncoder(w).Encode(a.body)
}

func (f *Fake) serve(r *http.Request, body []byte) answer {
	path := r.URL.Path
	if path != "/v3/auth/tokens" && r.Header.Get("X-Auth-Token") == "" &&
		!strings.HasPrefix(r.Header.Get("Authorization"), "SDK-HMAC-SHA256 ") {
		return answer{http.StatusUnauthorized, map[string]any{"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information"}}
	}
	for _, rt := range routes {
		if m := rt.re.FindStringSubmatch(path); m != nil && rt.method == r.Method {
			f.mu.Lock()
			a := rt.h(f, r, m, body)
			f.mu.Unlock()
			return a
		}
	}
	return answer{http.StatusNotImplemented, "unknown error"}
}

// ------------------------------------------------------------------ IAM

type tokenAnswer struct{ body any }

func (f *Fake) token(*http.Request, []string, []byte) answer {
	return answer{http.StatusCreated, tokenAnswer{map[string]any{"token": map[string]any{
		"expires_at": "2099-01-01T00:00:00.000000Z", "issued_at": "2024-01-01T00:00:00.000000Z",
		"methods": []string{"password"}, "project": map[string]any{"id": ProjectID, "name": "cn-north-4"}}}}}
}

func (f *Fake) projects(r *http.Request, _ []string, _ []byte) answer {
	name := r.URL.Query().Get("name")
	return answer{http.StatusOK, map[string]any{"projects": []any{map[string]any{"id": ProjectID, "name": name, "enabled": true}}}}
}

// ---------------------------------------------------------------- paging

// page returns page number offset (from 1; 0 read as 1) of items.
func page(r *http.Request, items []any) ([]any, *answer) {
	q := r.URL.Query()
	offset, limit := 1, 10
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			a := bad("CPTS.00000400", "offset")
			return nil, &a
		}
		offset = max(n, 1)
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			a := bad("CPTS.00000400", "limit")
			return nil, &a
		}
		limit = n
	}
	lo := min((offset-1)*limit, len(items))
	return items[lo:min(lo+limit, len(items))], nil
}

// ------------------------------------------------------------------ CPTS

func (f *Fake) suites(r *http.Request, _ []string, _ []byte) answer {
	ex := example("list_project_sets").(map[string]any)
	p, a := page(r, ex["projects"].([]any))
	if a != nil {
		return *a
	}
	ex["projects"] = p
	return answer{http.StatusOK, ex}
}

func (f *Fake) allTasks() []any {
	ex := example("show_task_set").(map[string]any)
	tasks := ex["tasks"].([]any)
	for i := range f.opt.ExtraTasks {
		t := map[string]any{}
		for k, v := range tasks[1].(map[string]any) {
			t[k] = v
		}
		t["id"], t["name"] = float64(60001+i), fmt.Sprintf("task-%04d", i+1)
		tasks = append(tasks, t)
	}
	return tasks
}

func (f *Fake) tasks(r *http.Request, m []string, _ []byte) answer {
	if m[1] != strconv.Itoa(SuiteID) {
		return answer{http.StatusNotImplemented, "unknown error"}
	}
	ex := example("show_task_set").(map[string]any)
	p, a := page(r, f.allTasks())
	if a != nil {
		return *a
	}
	ex["tasks"] = p
	return answer{http.StatusOK, ex}
}

func (f *Fake) knownTask(id string) bool {
	n, _ := strconv.Atoi(id)
	if n == CreatedTaskID {
		return true
	}
	for _, t := range f.allTasks() {
		if t.(map[string]any)["id"] == float64(n) {
			return true
		}
	}
	return false
}

func (f *Fake) showTask(_ *http.Request, m []string, _ []byte) answer {
	if !f.knownTask(m[1]) {
		return answer{http.StatusNotImplemented, "unknown error"}
	}
	ex := example("show_task").(map[string]any)
	id, _ := strconv.Atoi(m[1])
	if f.started[id] {
		// The run the start returned; the example shows it finished (run_status 2).
		for _, info := range ex["taskInfo"].([]any) {
			for _, rd := range info.(map[string]any)["related_temp_running_data"].([]any) {
				rd.(map[string]any)["task_run_info_id"] = float64(RunID)
			}
		}
	}
	return answer{http.StatusOK, ex}
}

// required answers 400 when obj lacks one of keys (or holds null there).
func required(obj map[string]any, keys ...string) *answer {
	for _, k := range keys {
		if v, ok := obj[k]; !ok || v == nil {
			a := bad("CPTS.00000400", k+" is required")
			return &a
		}
	}
	return nil
}

func object(body []byte) (map[string]any, *answer) {
	var obj map[string]any
	if err := json.Unmarshal(body, &obj); err != nil {
		a := bad("CPTS.00000400", "invalid request body")
		return nil, &a
	}
	return obj, nil
}

func (f *Fake) createTask(_ *http.Request, _ []string, body []byte) answer {
	obj, a := object(body)
	if a == nil {
		a = required(obj, "name", "project_id") // table 4-79
	}
	if a != nil {
		return *a
	}
	return answer{http.StatusCreated, example("create_task")}
}

func (f *Fake) setCases(_ *http.Request, m []string, body []byte) answer {
	obj, a := object(body)
	if a == nil {
		a = required(obj, "name", "parallel", "project_id", "operate_mode", "case_id_list") // table 4-89
	}
	if a != nil {
		return *a
	}
	if !f.knownTask(m[1]) {
		return answer{http.StatusNotImplemented, "unknown error"}
	}
	return answer{http.StatusOK, map[string]any{"code": "SVCSTG.CPTS.0000000", "message": "success"}}
}

func (f *Fake) taskStatus(_ *http.Request, m []string, body []byte) answer {
	obj, a := object(body)
	if a == nil {
		a = required(obj, "cluster_id", "cluster_type", "without_package", "network_info", "status") // table 4-83
	}
	if a != nil {
		return *a
	}
	if !f.knownTask(m[2]) {
		return answer{http.StatusNotImplemented, "unknown error"}
	}
	if obj["status"] == float64(9) {
		id, _ := strconv.Atoi(m[2])
		f.started[id] = true
	}
	return answer{http.StatusOK, example("update_task_status")}
}

func (f *Fake) report(r *http.Request, _ []string, _ []byte) answer {
	if n, err := strconv.Atoi(r.URL.Query().Get("brokens_limit_count")); err != nil || n < 1 { // table 4-175
		return bad("CPTS.00000400", "brokens_limit_count is required")
	}
	return answer{http.StatusOK, example("show_report")}
}

func (f *Fake) history(_ *http.Request, m []string, _ []byte) answer {
	if !f.knownTask(m[1]) {
		return answer{http.StatusNotImplemented, "unknown error"}
	}
	return answer{http.StatusOK, example("show_history_run_info")}
}

func (f *Fake) listVariables(_ *http.Request, m []string, _ []byte) answer {
	typ, _ := strconv.Atoi(m[1])
	if !slices.Contains([]int{1, 2, 3, 5}, typ) { // table 4-133
		return bad("CPTS.00000400", "variable_type must be 1, 2, 3 or 5")
	}
	ex := example("list_variables").(map[string]any)
	var out []any
	for _, v := range ex["variable_list"].([]any) {
		v := v.(map[string]any)
		if v["variable_type"] != float64(typ) {
			continue
		}
		if vals, ok := f.vars[v["id"].(float64)]; ok {
			v["variable"] = vals
		}
		out = append(out, v)
	}
	ex["variable_list"] = out
	return answer{http.StatusOK, ex}
}

func array(body []byte, keys ...string) ([]map[string]any, *answer) {
	var list []map[string]any
	if err := json.Unmarshal(body, &list); err != nil || len(list) == 0 {
		a := bad("CPTS.00000400", "the body must be a non-empty array")
		return nil, &a
	}
	for _, v := range list {
		if a := required(v, keys...); a != nil {
			return nil, a
		}
	}
	return list, nil
}

func (f *Fake) updateVariables(_ *http.Request, _ []string, body []byte) answer {
	list, a := array(body, "id", "name", "variable_type", "variable") // table 4-143
	if a != nil {
		return *a
	}
	for _, v := range list {
		vals, _ := v["variable"].([]any)
		f.vars[v["id"].(float64)] = vals
	}
	return answer{http.StatusCreated, example("update_variable")}
}

func (f *Fake) createVariables(_ *http.Request, _ []string, body []byte) answer {
	if _, a := array(body, "id", "name", "variable_type", "variable", "is_quoted"); a != nil { // table 4-137
		return *a
	}
	return answer{http.StatusCreated, example("create_variable")}
}

func (f *Fake) directory(*http.Request, []string, []byte) answer {
	return answer{http.StatusOK, example("list_project_test_case")}
}

// -------------------------------------------------------------- TestPlan

func (f *Fake) plans(r *http.Request, _ []string, _ []byte) answer {
	var hits []any
	name := r.URL.Query().Get("name")
	for _, p := range example("list_plans_v2").([]any) {
		if strings.Contains(p.(map[string]any)["name"].(string), name) {
			hits = append(hits, p)
		}
	}
	p, a := page(r, hits)
	if a != nil {
		return *a
	}
	if p == nil {
		p = []any{}
	}
	return answer{http.StatusCreated, p}
}

func (f *Fake) createPlan(_ *http.Request, _ []string, body []byte) answer {
	obj, a := object(body)
	if a == nil {
		a = required(obj, "name", "service_id_list", "plan_cycle")
	}
	if a != nil {
		return *a
	}
	return answer{http.StatusCreated, example("create_plan")}
}

// batchLimit: table 4-23 says the list holds fewer than 50 ids.
const batchLimit = 49

func (f *Fake) batchAdd(_ *http.Request, m []string, body []byte) answer {
	obj, a := object(body)
	if a == nil {
		a = required(obj, "service_id", "testcase_id_list")
	}
	if a != nil {
		return *a
	}
	if m[1] != PlanID && m[1] != example("create_plan").(map[string]any)["plan_id"] {
		return answer{http.StatusNotFound, map[string]any{"error_code": "CLOUDTEST.00017001", "error_msg": "plan not found"}}
	}
	ids, _ := obj["testcase_id_list"].([]any)
	if len(ids) == 0 || len(ids) > batchLimit {
		return bad("CLOUDTEST.00030001", "测试用例ID列表校验失败")
	}
	for _, id := range ids {
		if s, _ := id.(string); len(s) != 32 { // CLOUDTEST.00030001: "单个用例id是否是32位字符"
			return bad("CLOUDTEST.00030001", "测试用例ID列表校验失败")
		}
	}
	for _, id := range ids {
		f.added[id.(string)]++
	}
	return answer{http.StatusNoContent, nil}
}

func (f *Fake) planCases(*http.Request, []string, []byte) answer {
	return answer{http.StatusOK, map[string]any{"values": []any{}, "total": 0}}
}

func (f *Fake) environments(*http.Request, []string, []byte) answer {
	return answer{http.StatusOK, example("list_environments")}
}
