package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// call is one authenticated CPTS request being served (under s.mu).
type call struct {
	r    *http.Request
	body []byte
	ids  []int     // integer path parameters, in path order
	now  time.Time // simulated
	key  string    // "METHOD /path", for action faults
}

// handler answers a call: status and body, or an error.
type handler func(s *Server, c *call) (int, any, *apiErr)

type route struct {
	method, version, pattern string
	h                        handler
}

// routes of the CPTS API (paths from the API reference and the SDK's
// cpts_meta.go); "{}" is an integer path parameter.
var routes = []route{
	{"GET", "v1", "test-suites", (*Server).listSuites},
	{"GET", "v1", "all-tasks/{}", (*Server).listTasks},
	{"GET", "v1", "tasks/history-run-list/{}", (*Server).history},
	{"GET", "v1", "tasks/{}", (*Server).showTask},
	{"POST", "v1", "tasks", (*Server).createTask},
	{"GET", "v1", "test-suites/{}/tasks/{}/test-cases", (*Server).listTaskCases},
	{"GET", "v1", "test-suites/{}/directory", (*Server).listDirectory},
	{"POST", "v1", "test-suites/{}/tasks/batch-update-task-status", (*Server).batchUpdateTaskStatus},
	{"POST", "v1", "test-suites/{}/tasks/{}", (*Server).updateTaskStatus},
	{"GET", "v1", "task-run-infos/{}/case-run-infos/{}/reports", (*Server).showReport},
	{"GET", "v1", "variables/{}/test-suites/{}", (*Server).listVariables},
	{"PUT", "v1", "variables/{}", (*Server).updateVariables},
	{"POST", "v1", "variables/{}", (*Server).createVariables},
	{"DELETE", "v1", "variables", (*Server).deleteVariable},
	{"GET", "v2", "task-run-infos/{}/cases", (*Server).listCaseRuns},
	{"PUT", "v3", "tasks/{}", (*Server).setTaskCases},
	// issue 14: definitions (definition.go)
	{"POST", "v1", "test-suites", (*Server).createSuite},
	{"POST", "v1", "task-cases", (*Server).createCase},
	{"PUT", "v1", "task-cases/{}/target/content", (*Server).updateCaseContent},
	{"PUT", "v1", "task-cases/{}/target/stage", (*Server).updateCaseStage},
	{"PUT", "v1", "task-cases/{}/target/name", (*Server).updateCaseName},
	{"POST", "v1", "test-suites/{}/tasks/{}/cases/{}/debug", (*Server).debugCase},
}

// matchRoute matches segs against a pattern; ok is false when the shape
// differs, err is set when a "{}" segment is not an integer.
func matchRoute(pattern string, segs []string) (ids []int, ok bool, err *apiErr) {
	ps := strings.Split(pattern, "/")
	if len(ps) != len(segs) {
		return nil, false, nil
	}
	for i, p := range ps {
		if p == "{}" {
			continue
		}
		if p != segs[i] {
			return nil, false, nil
		}
	}
	for i, p := range ps {
		if p != "{}" {
			continue
		}
		n, e := strconv.Atoi(segs[i])
		if e != nil {
			return nil, true, badParam("path parameter %q is not an integer", segs[i])
		}
		ids = append(ids, n)
	}
	return ids, true, nil
}

// route dispatches a request after faults have been applied.
func (s *Server) route(w http.ResponseWriter, r *http.Request, body []byte, reqID string, rec *Recorded) {
	path := r.URL.Path
	if s.routeIAM(w, r, body, reqID) {
		return
	}
	if s.routeCloudTest(w, r, body, reqID) || s.routeMAS(w, r, body, reqID) {
		return
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) < 3 || (segs[0] != "v1" && segs[0] != "v2" && segs[0] != "v3") {
		writeGatewayError(w, http.StatusNotFound, "APIGW.0101",
			"The API does not exist or has not been published in the environment", reqID)
		return
	}
	version, projectID, rest := segs[0], segs[1], segs[2:]
	if err := s.authenticate(r, body, projectID); err != nil {
		writeGatewayError(w, err.status, err.code, err.msg, reqID)
		return
	}
	if projectID != DemoProjectID {
		err := forbidden()
		writeGatewayError(w, err.status, err.code, err.msg, reqID)
		return
	}
	for _, rt := range routes {
		if rt.method != r.Method || rt.version != version {
			continue
		}
		ids, ok, perr := matchRoute(rt.pattern, rest)
		if !ok {
			continue
		}
		if perr != nil {
			writeCPTSError(w, perr)
			return
		}
		s.mu.Lock()
		status, v, aerr := rt.h(s, &call{r: r, body: body, ids: ids, now: s.SimNow(), key: r.Method + " " + path})
		s.mu.Unlock()
		if aerr != nil {
			writeCPTSError(w, aerr)
			return
		}
		if v == nil { // documented without a body (UpdateCase 202)
			w.WriteHeader(status)
			return
		}
		writeJSON(w, status, v)
		return
	}
	// A CPTS path this simulator does not serve: 501 with a plain string,
	// as every CPTS operation documents.
	writePlain(w, http.StatusNotImplemented,
		fmt.Sprintf("unknown error: %s %s is not supported by the simulator", r.Method, path))
}

// decodeBody decodes a JSON body, ignoring unknown fields.
func decodeBody(body []byte, v any) *apiErr {
	if len(bytes.TrimSpace(body)) == 0 {
		return badParam("request body is required")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return badParam("invalid request body: %v", err)
	}
	return nil
}

// page applies offset/limit: offset counts items from 0, or — with
// Options.OffsetPages — pages from 1; limit defaults to 10, at most 100.
func (s *Server) page(c *call, n int) (lo, hi int, err *apiErr) {
	q := c.r.URL.Query()
	offset, limit := 0, 10
	if s.opt.OffsetPages {
		offset = 1
	}
	if v := q.Get("offset"); v != "" {
		o, e := strconv.Atoi(v)
		if e != nil || o < 0 {
			return 0, 0, badParam("offset must be a non-negative integer")
		}
		offset = o
	}
	if v := q.Get("limit"); v != "" {
		l, e := strconv.Atoi(v)
		if e != nil || l < 1 {
			return 0, 0, badParam("limit must be a positive integer")
		}
		limit = min(l, 100)
	}
	lo, hi, ok := s.window(offset, limit, n)
	if !ok {
		return 0, 0, badParam("offset is a page number: 1 or more")
	}
	return lo, hi, nil
}

// window turns offset and limit into the bounds of a listing of n items
// under the configured reading of offset; ok is false for a page number
// below 1.
func (s *Server) window(offset, limit, n int) (lo, hi int, ok bool) {
	if s.opt.OffsetPages {
		if offset < 1 {
			return 0, 0, false
		}
		offset = (offset - 1) * limit
	}
	lo = min(offset, n)
	return lo, min(lo+limit, n), true
}

// ---------------------------------------------------------------- suites

type projectWire struct {
	CreateTime      string         `json:"CreateTime"`
	UpdateTime      string         `json:"UpdateTime"`
	Description     string         `json:"description"`
	ID              int            `json:"id"`
	Name            string         `json:"name"`
	Source          int            `json:"source"`
	ExternalParams  map[string]any `json:"external_params"`
	VariablesNoFile []string       `json:"variables_no_file"`
}

type listSuitesResponse struct {
	Code     string        `json:"code"`
	Message  string        `json:"message"`
	Projects []projectWire `json:"projects"`
}

// listSuites: GET /v1/{project_id}/test-suites (4.1.1).
func (s *Server) listSuites(c *call) (int, any, *apiErr) {
	ids := sortedIDs(s.ws.suites)
	lo, hi, err := s.page(c, len(ids))
	if err != nil {
		return 0, nil, err
	}
	out := listSuitesResponse{Code: codeOK, Message: "success", Projects: []projectWire{}}
	for _, id := range ids[lo:hi] {
		su := s.ws.suites[id]
		p := projectWire{CreateTime: fmtTime(su.created), UpdateTime: fmtTime(su.updated), Description: su.description,
			ID: su.id, Name: su.name, ExternalParams: map[string]any{}, VariablesNoFile: []string{}}
		for _, vid := range sortedIDs(s.ws.vars) {
			if v := s.ws.vars[vid]; v.suiteID == su.id && v.typ != 3 {
				p.VariablesNoFile = append(p.VariablesNoFile, v.name)
			}
		}
		out.Projects = append(out.Projects, p)
	}
	return http.StatusOK, out, nil
}

// ----------------------------------------------------------------- tasks

type taskRunInfoWire struct {
	ID      int `json:"id"`
	RunType int `json:"run_type"`
}

type taskWire struct {
	BenchConcurrent int             `json:"bench_concurrent"`
	Description     string          `json:"description"`
	ID              int             `json:"id"`
	Name            string          `json:"name"`
	OperateMode     int             `json:"operate_mode"`
	Parallel        bool            `json:"parallel"`
	TaskRunInfo     taskRunInfoWire `json:"task_run_info"`
	UpdateTime      string          `json:"update_time"`
}

type listTasksResponse struct {
	Code    string     `json:"code"`
	Extend  []string   `json:"extend"`
	Message string     `json:"message"`
	Tasks   []taskWire `json:"tasks"`
}

// listTasks: GET /v1/{project_id}/all-tasks/{test_suite_id} (4.2.1).
func (s *Server) listTasks(c *call) (int, any, *apiErr) {
	if s.ws.suites[c.ids[0]] == nil {
		return 0, nil, notFound("test suite %d does not exist", c.ids[0])
	}
	tasks := s.suiteTasksLocked(c.ids[0])
	lo, hi, err := s.page(c, len(tasks))
	if err != nil {
		return 0, nil, err
	}
	out := listTasksResponse{Code: codeOKSvc, Extend: []string{}, Message: "success", Tasks: []taskWire{}}
	for _, t := range tasks[lo:hi] {
		tw := taskWire{BenchConcurrent: t.bench, Description: t.description, ID: t.id, Name: t.name,
			OperateMode: 2, Parallel: t.parallel, UpdateTime: fmtTaskTime(t.updated)}
		if r := s.visibleRunLocked(t, c.now); r != nil {
			tw.TaskRunInfo.ID = r.id
		}
		out.Tasks = append(out.Tasks, tw)
	}
	return http.StatusOK, out, nil
}

type headerWire struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type contentInfoWire struct {
	BodyType           int          `json:"body_type"`
	Bodys              []any        `json:"bodys"`
	CheckEndLength     any          `json:"check_end_length"`
	CheckEndStr        any          `json:"check_end_str"`
	CheckEndType       any          `json:"check_end_type"`
	ConnectTimeout     int          `json:"connect_timeout"`
	ConnectType        int          `json:"connect_type"`
	Headers            []headerWire `json:"headers"`
	HTTPVersion        string       `json:"http_version"`
	Method             string       `json:"method"`
	Name               string       `json:"name"`
	ProtocolType       int          `json:"protocol_type"`
	ReturnTimeout      int          `json:"return_timeout"`
	ReturnTimeoutParam *string      `json:"return_timeout_param"`
	URL                string       `json:"url"`
}

type contentWire struct {
	ContentType int             `json:"content_type"`
	Content     contentInfoWire `json:"content"`
}

type contentsWire struct {
	ContentID        int           `json:"content_id"`
	Content          []contentWire `json:"content"`
	Index            int           `json:"index"`
	SelectedTempName string        `json:"selected_temp_name"`
	Data             any           `json:"data"`
	DataType         int           `json:"data_type"`
	Conditions       any           `json:"conditions"`
	IsDisabled       bool          `json:"is_disabled"`
}

type kpiWire struct {
	Comparison string `json:"comparison"`
	Value      int    `json:"value"`
}

type kpisWire struct {
	AverageResponseTime kpiWire `json:"average_response_time"`
	SuccessRate         kpiWire `json:"success_rate"`
}

type stageWire struct {
	OperateMode           int      `json:"operate_mode"`
	Name                  string   `json:"name"`
	Time                  int      `json:"time"`
	StartTime             int      `json:"start_time"`
	EndTime               int      `json:"end_time"`
	IssueNum              int      `json:"issue_num"`
	Count                 int      `json:"count"`
	PressureMode          int      `json:"pressure_mode"`
	TpsValue              int      `json:"tps_value"`
	CurrentUserNum        int      `json:"current_user_num"`
	CurrentTps            int      `json:"current_tps"`
	VoltageRegulatingMode int      `json:"voltage_regulating_mode"`
	Maximum               int      `json:"maximum"`
	Minimum               int      `json:"minimum"`
	LoopCount             int      `json:"loop_count"`
	MaxDuration           int      `json:"max_duration"`
	RampUp                int      `json:"ramp_up"`
	PeakLoadKpis          kpisWire `json:"peak_load_kpis"`
	StepDuration          int      `json:"step_duration"`
	StepSize              int      `json:"step_size"`
}

type caseInfoWire struct {
	CaseID          int            `json:"case_id"`
	CaseType        int            `json:"case_type"`
	Contents        []contentsWire `json:"contents"`
	DirectoryID     int            `json:"directory_id"`
	ForLoopParams   []any          `json:"for_loop_params"`
	IncreaseSetting []any          `json:"increase_setting"`
	Name            string         `json:"name"`
	Sort            int            `json:"sort"`
	Stages          []stageWire    `json:"stages"`
	Status          int            `json:"status"`
	TempID          int            `json:"temp_id"`
	UserReplicas    int            `json:"user_replicas"`
}

type tempRunningWire struct {
	ContentMethodURL     []string `json:"content_method_url"`
	CrawlerStatus        int      `json:"crawler_status"`
	RelatedTempRunningID int      `json:"related_temp_running_id"`
	TaskRunInfoID        int      `json:"task_run_info_id"`
	TempID               int      `json:"temp_id"`
	TempName             string   `json:"temp_name"`
	TempRunningStatus    int      `json:"temp_running_status"`
}

// runningWire is one element of taskInfo.related_temp_running_data: the
// fields of RelatedTempRunningData (tables 4-43/4-102, SDK) plus the
// temp_running_status and crawler_status the document's example carries at
// this level.
type runningWire struct {
	tempRunningWire
	RelatedTempRunningData []tempRunningWire `json:"related_temp_running_data"`
}

type taskInfoWire struct {
	BenchConcurrent        int            `json:"bench_concurrent"`
	CaseList               []caseInfoWire `json:"case_list"`
	CreateTime             string         `json:"create_time"`
	Description            string         `json:"description"`
	Name                   string         `json:"name"`
	OperateMode            int            `json:"operate_mode"`
	Parallel               bool           `json:"parallel"`
	ProjectID              int            `json:"project_id"`
	RelatedTempRunningData []runningWire  `json:"related_temp_running_data"`
	RunStatus              int            `json:"run_status"`
	UpdateTime             string         `json:"update_time"`
}

type taskInfoResponse struct {
	Code     string       `json:"code"`
	Message  string       `json:"message"`
	TaskInfo taskInfoWire `json:"taskInfo"`
}

// contentMethodURL is "name#METHOD#url", as in the 4.2.2 example.
func contentMethodURL(r reqModel) string { return r.name + "#" + r.method + "#" + r.url }

func stagesWire(p Profile) []stageWire {
	out := make([]stageWire, 0, len(p.Stages))
	prev := 0
	for i, st := range p.Stages {
		out = append(out, stageWire{
			Name: fmt.Sprintf("Stage-%d", i+1), Time: int(math.Round(st.Duration.Seconds())),
			IssueNum: st.Concurrency, Count: 1, PressureMode: 0, TpsValue: 1,
			CurrentUserNum: prev, CurrentTps: 1, RampUp: int(math.Round(st.RampUp.Seconds())),
			PeakLoadKpis: kpisWire{AverageResponseTime: kpiWire{"<=", 60000}, SuccessRate: kpiWire{">=", 0}},
		})
		prev = st.Concurrency
	}
	return out
}

func (s *Server) caseInfoLocked(c *tcase, sort int) caseInfoWire {
	if c.defined {
		return definedCaseInfo(c, sort)
	}
	reqs := newReqModels(0, 0, &caseRun{id: c.id, profile: c.profile})
	card := contentsWire{Content: []contentWire{}}
	for _, r := range reqs {
		card.Content = append(card.Content, contentWire{ContentType: 2, Content: contentInfoWire{
			Bodys: []any{}, ConnectTimeout: 5000, ConnectType: 1,
			Headers:     []headerWire{{Key: "Content-Type", Value: "application/json"}},
			HTTPVersion: "HTTP/1.1", Method: r.method, Name: r.name, ProtocolType: 2, ReturnTimeout: 5000, URL: r.url,
		}})
	}
	return caseInfoWire{CaseID: c.id, Contents: []contentsWire{card}, ForLoopParams: []any{}, IncreaseSetting: []any{},
		Name: c.name, Sort: sort, Stages: stagesWire(c.profile), Status: 1}
}

// runningData describes run r at now for ShowTask (an empty list for nil).
func runningData(r *run, now time.Time) []runningWire {
	out := []runningWire{}
	if r == nil {
		return out
	}
	for _, c := range r.cases {
		st, _ := r.caseState(c, now)
		urls := make([]string, len(c.reqs))
		var children []tempRunningWire
		for i, q := range c.reqs {
			urls[i] = contentMethodURL(q)
			children = append(children, tempRunningWire{ContentMethodURL: []string{urls[i]}, RelatedTempRunningID: c.id,
				TaskRunInfoID: r.id, TempID: c.caseID, TempName: q.name, TempRunningStatus: st})
		}
		out = append(out, runningWire{
			tempRunningWire: tempRunningWire{ContentMethodURL: urls, CrawlerStatus: 9, RelatedTempRunningID: c.id,
				TaskRunInfoID: r.id, TempID: c.caseID, TempName: c.name, TempRunningStatus: st},
			RelatedTempRunningData: children,
		})
	}
	return out
}

// taskInfoLocked builds taskInfo (4.2.2) as seen at now, stale window
// included.
func (s *Server) taskInfoLocked(t *task, now time.Time) taskInfoWire {
	ti := taskInfoWire{BenchConcurrent: t.bench, CaseList: []caseInfoWire{}, CreateTime: fmtTaskTime(t.created),
		Description: t.description, Name: t.name, OperateMode: 2, Parallel: t.parallel, ProjectID: t.suiteID,
		RunStatus: StatusFinished, UpdateTime: fmtTaskTime(t.updated)}
	for i, id := range t.caseIDs {
		if c := s.ws.cases[id]; c != nil {
			ti.CaseList = append(ti.CaseList, s.caseInfoLocked(c, i+1))
		}
	}
	r := s.visibleRunLocked(t, now)
	if r != nil {
		ti.RunStatus, _ = r.state(now)
	}
	ti.RelatedTempRunningData = runningData(r, now)
	return ti
}

func (s *Server) taskLocked(id int) (*task, *apiErr) {
	t := s.ws.tasks[id]
	if t == nil {
		return nil, notFound("task %d does not exist", id)
	}
	s.foreignLocked(t, s.SimNow())
	return t, nil
}

// showTask: GET /v1/{project_id}/tasks/{task_id} (4.2.2).
func (s *Server) showTask(c *call) (int, any, *apiErr) {
	t, err := s.taskLocked(c.ids[0])
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, taskInfoResponse{Code: codeOKSvc, Message: "success", TaskInfo: s.taskInfoLocked(t, c.now)}, nil
}

type createTaskRequest struct {
	Name            *string  `json:"name"`
	ProjectID       *int     `json:"project_id"`
	Temps           []string `json:"temps"`
	OperateMode     *int     `json:"operate_mode"`
	BenchConcurrent *int     `json:"bench_concurrent"`
	Description     string   `json:"description"`
}

type createTaskResponse struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	TaskID  int    `json:"task_id"`
}

func (s *Server) checkTaskName(suiteID int, name string, self int) *apiErr {
	if strings.TrimSpace(name) == "" {
		return badParam("name is required")
	}
	if len([]rune(name)) > 64 {
		return badParam("name is longer than 64 characters")
	}
	for _, t := range s.suiteTasksLocked(suiteID) {
		if t.name == name && t.id != self {
			return badParam("a task named %q already exists in test suite %d", name, suiteID)
		}
	}
	return nil
}

// createTask: POST /v1/{project_id}/tasks (4.2.5) → 201 task_id.
func (s *Server) createTask(c *call) (int, any, *apiErr) {
	var req createTaskRequest
	if err := decodeBody(c.body, &req); err != nil {
		return 0, nil, err
	}
	if req.Name == nil {
		return 0, nil, badParam("name is required")
	}
	if req.ProjectID == nil {
		return 0, nil, badParam("project_id is required")
	}
	if s.ws.suites[*req.ProjectID] == nil {
		return 0, nil, notFound("test suite %d does not exist", *req.ProjectID)
	}
	if req.OperateMode != nil && (*req.OperateMode < 0 || *req.OperateMode > 2) {
		return 0, nil, badParam("operate_mode must be 0, 1 or 2")
	}
	if err := s.checkTaskName(*req.ProjectID, *req.Name, 0); err != nil {
		return 0, nil, err
	}
	id := s.addTaskLocked(*req.ProjectID, *req.Name, nil, false)
	t := s.ws.tasks[id]
	t.description = req.Description
	if req.BenchConcurrent != nil && *req.BenchConcurrent > 0 {
		t.bench = *req.BenchConcurrent
	}
	return http.StatusCreated, createTaskResponse{Code: codeOKSvc, Message: "success", TaskID: id}, nil
}

type setTaskCasesRequest struct {
	Name        *string `json:"name"`
	Parallel    *bool   `json:"parallel"`
	ProjectID   *int    `json:"project_id"`
	OperateMode *int    `json:"operate_mode"`
	CaseIDList  *[]int  `json:"case_id_list"`
}

// setTaskCases: PUT /v3/{project_id}/tasks/{task_id} (4.2.7).
func (s *Server) setTaskCases(c *call) (int, any, *apiErr) {
	t, err := s.taskLocked(c.ids[0])
	if err != nil {
		return 0, nil, err
	}
	var req setTaskCasesRequest
	if err := decodeBody(c.body, &req); err != nil {
		return 0, nil, err
	}
	switch {
	case req.Name == nil:
		return 0, nil, badParam("name is required")
	case req.Parallel == nil:
		return 0, nil, badParam("parallel is required")
	case req.ProjectID == nil:
		return 0, nil, badParam("project_id is required")
	case req.OperateMode == nil || *req.OperateMode != 2:
		return 0, nil, badParam("operate_mode is required and must be 2")
	case req.CaseIDList == nil:
		return 0, nil, badParam("case_id_list is required")
	case *req.ProjectID != t.suiteID:
		return 0, nil, badParam("task %d does not belong to test suite %d", t.id, *req.ProjectID)
	}
	if err := s.checkTaskName(t.suiteID, *req.Name, t.id); err != nil {
		return 0, nil, err
	}
	seen := map[int]bool{}
	for _, id := range *req.CaseIDList {
		if cs := s.ws.cases[id]; cs == nil || cs.suiteID != t.suiteID {
			return 0, nil, badParam("case %d does not exist in test suite %d", id, t.suiteID)
		}
		if seen[id] {
			return 0, nil, badParam("case %d is listed twice", id)
		}
		seen[id] = true
	}
	if activeRun(t, c.now) != nil {
		return 0, nil, &apiErr{status: http.StatusBadRequest, code: codeNotRunning,
			msg: fmt.Sprintf("task %d is running and cannot be modified", t.id)}
	}
	t.name, t.parallel, t.caseIDs, t.updated = *req.Name, *req.Parallel, slices.Clone(*req.CaseIDList), c.now
	return http.StatusOK, taskInfoResponse{Code: codeOKSvc, Message: "success", TaskInfo: s.taskInfoLocked(t, c.now)}, nil
}

type testCaseBriefWire struct {
	ID         int    `json:"id"`
	Name       string `json:"name"`
	Status     int    `json:"status"`
	CreateTime string `json:"create_time"`
	UpdateTime string `json:"update_time"`
	ParentID   int    `json:"parent_id"`
	Type       int    `json:"type"`
}

type listTaskCasesResponse struct {
	Code      string              `json:"code"`
	Message   string              `json:"message"`
	TestCases []testCaseBriefWire `json:"test_cases"`
}

// listTaskCases: GET /v1/{project_id}/test-suites/{test_suit_id}/tasks/{task_id}/test-cases (SDK ListTaskCases).
func (s *Server) listTaskCases(c *call) (int, any, *apiErr) {
	t, err := s.taskLocked(c.ids[1])
	if err != nil {
		return 0, nil, err
	}
	if t.suiteID != c.ids[0] {
		return 0, nil, notFound("task %d does not exist in test suite %d", t.id, c.ids[0])
	}
	out := listTaskCasesResponse{Code: codeOKSvc, Message: "success", TestCases: []testCaseBriefWire{}}
	for _, id := range t.caseIDs {
		if cs := s.ws.cases[id]; cs != nil {
			out.TestCases = append(out.TestCases, testCaseBriefWire{ID: cs.id, Name: cs.name, Status: 1,
				CreateTime: fmtTaskTime(cs.created), UpdateTime: fmtTaskTime(cs.updated)})
		}
	}
	return http.StatusOK, out, nil
}

// ---------------------------------------------------------------- case tree

type directoryWire struct {
	ID         int    `json:"id"`
	Name       string `json:"name"`
	Status     int    `json:"status"`
	CreateTime string `json:"create_time"`
	UpdateTime string `json:"update_time"`
	ParentID   int    `json:"parent_id"`
	Type       int    `json:"type"`
}

type directoryResponse struct {
	Code      string          `json:"code"`
	Directory []directoryWire `json:"directory"`
	Message   string          `json:"message"`
}

// directoryOffset turns a suite id into the id of its one directory (the
// example's ids are five-digit like case ids; the simulator keeps them apart).
const directoryOffset = 900000

// listDirectory: GET /v1/{project_id}/test-suites/{test_suite_id}/directory
// (4.7.1 ListProjectTestCase): the suite's case tree, a flat list of
// ProjectDirectory entries (type 1 directory, 2 case) linked by parent_id;
// the simulator keeps every case of a suite in one top directory, "default".
func (s *Server) listDirectory(c *call) (int, any, *apiErr) {
	su := s.ws.suites[c.ids[0]]
	if su == nil {
		return 0, nil, notFound("test suite %d does not exist", c.ids[0])
	}
	dir := directoryOffset + su.id
	out := directoryResponse{Code: codeOKSvc, Message: "success", Directory: []directoryWire{{
		ID: dir, Name: "default", Status: 1, CreateTime: fmtTaskTime(su.created), UpdateTime: fmtTaskTime(su.updated),
		Type: 1,
	}}}
	for _, id := range sortedIDs(s.ws.cases) {
		if cs := s.ws.cases[id]; cs.suiteID == su.id {
			out.Directory = append(out.Directory, directoryWire{ID: cs.id, Name: cs.name, Status: 1,
				CreateTime: fmtTaskTime(cs.created), UpdateTime: fmtTaskTime(cs.updated), ParentID: dir, Type: 2})
		}
	}
	return http.StatusOK, out, nil
}

// -------------------------------------------------------------- start/stop

type networkInfo struct {
	NetworkType string `json:"network_type"`
}

type updateTaskStatusRequest struct {
	ClusterID           *int         `json:"cluster_id"`
	ClusterType         *string      `json:"cluster_type"`
	WithoutPackage      *int         `json:"without_package"`
	NetworkInfo         *networkInfo `json:"network_info"`
	Status              *int         `json:"status"`
	EnterpriseProjectID string       `json:"enterprise_project_id"`
}

type taskRunIDWire struct {
	TaskRunID int `json:"task_run_id"`
}

type updateTaskStatusResponse struct {
	Code    string        `json:"code"`
	Message string        `json:"message"`
	Extend  *string       `json:"extend"`
	Result  taskRunIDWire `json:"result"`
}

const (
	actionStart = 9
	actionStop  = 2
)

// checkStart validates the resource group of a start (4.2.6):
// shared-cluster-internet with cluster_id 0, or private-cluster with an
// existing group id; network_type internet; without_package 0.
func (s *Server) checkStart(clusterID *int, clusterType *string, withoutPackage *int, ni *networkInfo) *apiErr {
	if clusterType == nil || clusterID == nil {
		return badParam("cluster_id and cluster_type are required")
	}
	switch *clusterType {
	case "shared-cluster-internet":
		if *clusterID != 0 {
			return badParam("cluster_id must be 0 with cluster_type shared-cluster-internet, got %d", *clusterID)
		}
	case "private-cluster":
		if _, ok := s.ws.clusters[*clusterID]; !ok {
			return badParam("resource group (cluster_id) %d does not exist", *clusterID)
		}
	default:
		return badParam("cluster_type must be shared-cluster-internet or private-cluster, got %q", *clusterType)
	}
	if withoutPackage != nil && *withoutPackage != 0 {
		return badParam("without_package must be 0")
	}
	if ni == nil || ni.NetworkType != "internet" {
		return badParam("network_info.network_type must be internet")
	}
	return nil
}

// startLocked starts t or explains why not.
func (s *Server) startLocked(t *task, c *call) (*run, *apiErr) {
	if len(t.caseIDs) == 0 {
		return nil, badParam("task %d has no case", t.id)
	}
	if r := activeRun(t, c.now); r != nil {
		return nil, &apiErr{status: http.StatusBadRequest, code: codeRunning,
			msg: fmt.Sprintf("task %d is already running (task_run_id %d)", t.id, r.id)}
	}
	take := func(k FaultKind) *Fault {
		return s.takeFaultLocked(c.key, func(f *faultState) bool { return f.Kind == k })
	}
	r := s.newRunLocked(t, c.now, take(FaultPause))
	ext, foreign := take(FaultExternalStop), take(FaultForeignRun)
	if f := cmpOr(ext, foreign); f != nil {
		after := r.endActive() / 2
		if f.Delay > 0 {
			after = min(s.simDur(f.Delay), r.endActive())
		}
		r.stopAt, r.stopLen = r.timeAtActive(after), max(s.opt.Stopping, 0)
		if foreign != nil {
			r.foreignAt = r.stopAt.Add(r.stopLen)
		}
	}
	r.implausible = take(FaultImplausible) != nil
	return r, nil
}

// cmpOr returns the first fault that is not nil.
func cmpOr(fs ...*Fault) *Fault {
	for _, f := range fs {
		if f != nil {
			return f
		}
	}
	return nil
}

// stopLocked stops t's active run; stopping a task that is not running is
// accepted and changes nothing.
func (s *Server) stopLocked(t *task, c *call) int {
	r := activeRun(t, c.now)
	if r == nil {
		if len(t.runs) > 0 {
			return t.runs[len(t.runs)-1].id
		}
		return 0
	}
	r.apiStop = true
	if r.stopAt.IsZero() || c.now.Before(r.stopAt) { // sooner than a stop by someone else
		r.stopAt = c.now
		r.stopLen = max(s.opt.Stopping, 0)
		if f := s.takeFaultLocked(c.key, func(f *faultState) bool { return f.Kind == FaultSlowStop }); f != nil {
			r.stopLen = s.simDur(f.Delay)
			if f.Delay <= 0 {
				r.stopLen = 2 * time.Minute
			}
		}
	}
	return r.id
}

// updateTaskStatus: POST /v1/{project_id}/test-suites/{test_suite_id}/tasks/{task_id}
// (4.2.6), status 9 starts, 2 stops; result.task_run_id.
func (s *Server) updateTaskStatus(c *call) (int, any, *apiErr) {
	var req updateTaskStatusRequest
	if err := decodeBody(c.body, &req); err != nil {
		return 0, nil, err
	}
	if req.Status == nil || (*req.Status != actionStart && *req.Status != actionStop) {
		return 0, nil, badParam("status must be 9 (start) or 2 (stop)")
	}
	if s.ws.suites[c.ids[0]] == nil {
		return 0, nil, notFound("test suite %d does not exist", c.ids[0])
	}
	t, err := s.taskLocked(c.ids[1])
	if err != nil {
		return 0, nil, err
	}
	if t.suiteID != c.ids[0] {
		return 0, nil, notFound("task %d does not exist in test suite %d", t.id, c.ids[0])
	}
	out := updateTaskStatusResponse{Code: codeOKSvc, Message: "success"}
	if *req.Status == actionStop {
		out.Result.TaskRunID = s.stopLocked(t, c)
		return http.StatusOK, out, nil
	}
	if err := s.checkStart(req.ClusterID, req.ClusterType, req.WithoutPackage, req.NetworkInfo); err != nil {
		return 0, nil, err
	}
	r, err := s.startLocked(t, c)
	if err != nil {
		return 0, nil, err
	}
	out.Result.TaskRunID = r.id
	return http.StatusOK, out, nil
}

type batchRequest struct {
	Type                *int         `json:"type"`
	ProjectID           *int         `json:"project_id"`
	TaskIDList          []int        `json:"task_id_list"`
	ClusterID           *int         `json:"cluster_id"`
	ClusterType         *string      `json:"cluster_type"`
	WithoutPackage      *int         `json:"without_package"`
	NetworkInfo         *networkInfo `json:"network_info"`
	Status              *int         `json:"status"`
	EnterpriseProjectID string       `json:"enterprise_project_id"`
}

type batchResult struct {
	TaskID    int `json:"task_id"`
	TaskRunID int `json:"task_run_id"`
}

type batchResponse struct {
	Code    string        `json:"code"`
	Message string        `json:"message"`
	Extend  any           `json:"extend"`
	Result  []batchResult `json:"result"`
}

// batchUpdateTaskStatus: POST /v1/{project_id}/test-suites/{test_suit_id}/tasks/batch-update-task-status
// (SDK BatchUpdateTaskStatus); all tasks start (or stop), or none.
func (s *Server) batchUpdateTaskStatus(c *call) (int, any, *apiErr) {
	var req batchRequest
	if err := decodeBody(c.body, &req); err != nil {
		return 0, nil, err
	}
	if req.Status == nil || (*req.Status != actionStart && *req.Status != actionStop) {
		return 0, nil, badParam("status must be 9 (start) or 2 (stop)")
	}
	if req.ProjectID == nil || *req.ProjectID != c.ids[0] {
		return 0, nil, badParam("project_id must equal the test suite in the path")
	}
	if len(req.TaskIDList) == 0 {
		return 0, nil, badParam("task_id_list is required")
	}
	var tasks []*task
	for _, id := range req.TaskIDList {
		t, err := s.taskLocked(id)
		if err != nil {
			return 0, nil, err
		}
		if t.suiteID != c.ids[0] {
			return 0, nil, notFound("task %d does not exist in test suite %d", id, c.ids[0])
		}
		tasks = append(tasks, t)
	}
	out := batchResponse{Code: codeOKSvc, Message: "success", Result: []batchResult{}}
	if *req.Status == actionStart {
		if err := s.checkStart(req.ClusterID, req.ClusterType, req.WithoutPackage, req.NetworkInfo); err != nil {
			return 0, nil, err
		}
		for _, t := range tasks {
			if len(t.caseIDs) == 0 {
				return 0, nil, badParam("task %d has no case", t.id)
			}
			if r := activeRun(t, c.now); r != nil {
				return 0, nil, &apiErr{status: http.StatusBadRequest, code: codeRunning,
					msg: fmt.Sprintf("task %d is already running (task_run_id %d)", t.id, r.id)}
			}
		}
	}
	for _, t := range tasks {
		res := batchResult{TaskID: t.id}
		if *req.Status == actionStart {
			r, err := s.startLocked(t, c)
			if err != nil {
				return 0, nil, err
			}
			res.TaskRunID = r.id
		} else {
			res.TaskRunID = s.stopLocked(t, c)
		}
		out.Result = append(out.Result, res)
	}
	return http.StatusOK, out, nil
}

// ------------------------------------------------------------- case runs

type awInfoWire struct {
	Name      string `json:"name"`
	ID        string `json:"id"`
	DatumType int    `json:"datumType"`
}

type detailItemWire struct {
	CaseAwID      string           `json:"caseAwId"`
	DatumType     int              `json:"datumType"`
	Name          string           `json:"name"`
	TransactionID string           `json:"transactionId"`
	AwList        []detailItemWire `json:"awList"`
}

type caseAwInfoWire struct {
	Aw              []awInfoWire     `json:"aw"`
	AwList          []detailItemWire `json:"awList"`
	CaseAwID        string           `json:"caseAwId"`
	CaseURI         string           `json:"caseUri"`
	CaseURII        string           `json:"case_uri_i"`
	DatumType       int              `json:"datumType"`
	ID              string           `json:"id"`
	Name            string           `json:"name"`
	TaskExecID      string           `json:"taskExecId"`
	TaskID          string           `json:"taskId"`
	TestcaseID      string           `json:"testcaseId"`
	TransactionList []detailItemWire `json:"transactionList"`
}

type caseReportSummaryWire struct {
	CaseAwInfoList []caseAwInfoWire `json:"case_aw_info_list"`
	ErrMessage     string           `json:"err_message"`
}

type listCaseRunsResponse struct {
	Code    string                `json:"code"`
	Message string                `json:"message"`
	Extend  any                   `json:"extend"`
	Result  caseReportSummaryWire `json:"result"`
}

func (s *Server) runLocked(id int) (*run, *apiErr) {
	r := s.runs[id]
	if r == nil {
		return nil, notFound("task run (report) %d does not exist", id)
	}
	return r, nil
}

// listCaseRuns: GET /v2/{project_id}/task-run-infos/{task_run_id}/cases
// (SDK ShowMergeTaskCase): case_uri_i is the case run id, as a string.
func (s *Server) listCaseRuns(c *call) (int, any, *apiErr) {
	r, err := s.runLocked(c.ids[0])
	if err != nil {
		return 0, nil, err
	}
	out := listCaseRunsResponse{Code: codeOK, Message: "success",
		Result: caseReportSummaryWire{CaseAwInfoList: []caseAwInfoWire{}}}
	for _, cr := range r.cases {
		id := strconv.Itoa(cr.id)
		w := caseAwInfoWire{Aw: []awInfoWire{}, AwList: []detailItemWire{}, CaseAwID: id, CaseURI: id, CaseURII: id,
			ID: id, Name: cr.name, TaskExecID: strconv.Itoa(r.id), TaskID: strconv.Itoa(r.taskID),
			TestcaseID: strconv.Itoa(cr.caseID), TransactionList: []detailItemWire{}}
		for j, q := range cr.reqs {
			awID := strconv.Itoa(cr.id*100 + j + 1)
			w.Aw = append(w.Aw, awInfoWire{Name: q.name, ID: awID, DatumType: 1})
			w.AwList = append(w.AwList, detailItemWire{CaseAwID: awID, DatumType: 1, Name: q.name, AwList: []detailItemWire{}})
		}
		out.Result.CaseAwInfoList = append(out.Result.CaseAwInfoList, w)
	}
	return http.StatusOK, out, nil
}

// showReport: GET /v1/{project_id}/task-run-infos/{task_run_id}/case-run-infos/{case_run_id}/reports
// ?brokens_limit_count=N (4.6.1).
func (s *Server) showReport(c *call) (int, any, *apiErr) {
	r, err := s.runLocked(c.ids[0])
	if err != nil {
		return 0, nil, err
	}
	var cr *caseRun
	for _, x := range r.cases {
		if x.id == c.ids[1] {
			cr = x
		}
	}
	if cr == nil {
		return 0, nil, notFound("case run %d does not belong to task run %d", c.ids[1], r.id)
	}
	v := c.r.URL.Query().Get("brokens_limit_count")
	if v == "" {
		return 0, nil, badParam("brokens_limit_count is required")
	}
	n, e := strconv.Atoi(v)
	if e != nil || n < 1 {
		return 0, nil, badParam("brokens_limit_count must be a positive integer")
	}
	rep := s.buildReport(r, cr, c.now, min(n, 1000))
	return http.StatusOK, reportResponse{Code: codeOKSvc, Message: "success", Result: rep}, nil
}

// --------------------------------------------------------------- history

type tempNameWire struct {
	Name string `json:"name"`
}

type historyRunWire struct {
	Name         string         `json:"name"`
	RunID        float64        `json:"run_id"`
	RunType      float64        `json:"run_type"`
	StartTime    string         `json:"start_time"`
	EndTime      string         `json:"end_time"`
	ContinueTime float64        `json:"continue_time"`
	TempNames    []tempNameWire `json:"temp_names"`
	Parallel     bool           `json:"parallel"`
}

type historyResponse struct {
	Code    string           `json:"code"`
	LogList []historyRunWire `json:"log_list"`
	Message string           `json:"message"`
}

// history: GET /v1/{project_id}/tasks/history-run-list/{task_id} (4.6.2):
// finished runs, newest first; run_id is a double on the wire.
func (s *Server) history(c *call) (int, any, *apiErr) {
	t, err := s.taskLocked(c.ids[0])
	if err != nil {
		return 0, nil, err
	}
	out := historyResponse{Code: codeOKSvc, LogList: []historyRunWire{}, Message: "success"}
	for i := len(t.runs) - 1; i >= 0; i-- {
		r := t.runs[i]
		end := r.endedAt(c.now)
		if end.IsZero() {
			continue
		}
		h := historyRunWire{Name: r.taskName + "_" + fmtTime(r.start), RunID: float64(r.id), RunType: 1,
			StartTime: fmtTime(r.start), EndTime: fmtTime(end), ContinueTime: math.Round(end.Sub(r.start).Seconds()),
			TempNames: []tempNameWire{}, Parallel: r.parallel}
		for _, cr := range r.cases {
			h.TempNames = append(h.TempNames, tempNameWire{Name: cr.name})
		}
		out.LogList = append(out.LogList, h)
	}
	return http.StatusOK, out, nil
}

// ------------------------------------------------------------- variables

type variableWire struct {
	FileSize     int    `json:"file_size"`
	ID           int    `json:"id"`
	IsQuoted     bool   `json:"is_quoted"`
	IsSensitive  bool   `json:"is_sensitive"`
	Name         string `json:"name"`
	ShareMode    int    `json:"share_mode"`
	Variable     []any  `json:"variable"`
	VariableMode int    `json:"variable_mode"`
	VariableType int    `json:"variable_type"`
}

type listVariablesResponse struct {
	Code         string         `json:"code"`
	Message      string         `json:"message"`
	VariableList []variableWire `json:"variable_list"`
}

// listVariables: GET /v1/{project_id}/variables/{variable_type}/test-suites/{test_suite_id}
// (4.4.1): the variables of one documented type (1 integer, 2 enumeration, 3
// file, 5 text); any other type is refused, as a strict service would (no
// value is documented to mean "every type").
func (s *Server) listVariables(c *call) (int, any, *apiErr) {
	typ, suiteID := c.ids[0], c.ids[1]
	if !slices.Contains(variableTypes, typ) {
		return 0, nil, badParam("variable_type must be 1, 2, 3 or 5, got %d", typ)
	}
	if s.ws.suites[suiteID] == nil {
		return 0, nil, notFound("test suite %d does not exist", suiteID)
	}
	out := listVariablesResponse{Code: codeOKSvc, Message: "success", VariableList: []variableWire{}}
	for _, id := range sortedIDs(s.ws.vars) {
		v := s.ws.vars[id]
		if v.suiteID != suiteID || v.typ != typ {
			continue
		}
		vals := slices.Clone(v.values)
		if v.sensitive {
			vals = []any{"******"}
		}
		out.VariableList = append(out.VariableList, variableWire{ID: v.id, IsQuoted: v.quoted, IsSensitive: v.sensitive,
			Name: v.name, ShareMode: v.share, Variable: vals, VariableMode: v.mode, VariableType: v.typ})
	}
	return http.StatusOK, out, nil
}

type variableRequest struct {
	ID           *int    `json:"id"`
	Name         *string `json:"name"`
	VariableType *int    `json:"variable_type"`
	Variable     *[]any  `json:"variable"`
	IsQuoted     *bool   `json:"is_quoted"`
}

type variableResultWire struct {
	VariableID int `json:"variable_id"`
}

type variableResponse struct {
	Code    string             `json:"code"`
	JSON    variableResultWire `json:"json"`
	Message string             `json:"message"`
}

// variableTypes are the documented values of variable_type.
var variableTypes = []int{1, 2, 3, 5}

func checkVariable(v variableRequest) *apiErr {
	switch {
	case v.Name == nil || strings.TrimSpace(*v.Name) == "":
		return badParam("variable name is required")
	case v.VariableType == nil:
		return badParam("variable_type is required")
	case !slices.Contains(variableTypes, *v.VariableType):
		return badParam("variable_type must be 1, 2, 3 or 5, got %d", *v.VariableType)
	case v.Variable == nil:
		return badParam("variable is required")
	case *v.VariableType == 1 && len(*v.Variable) != 2:
		return badParam("an integer variable needs [min, max]")
	}
	return nil
}

func decodeVariables(body []byte) ([]variableRequest, *apiErr) {
	var reqs []variableRequest
	if err := decodeBody(body, &reqs); err != nil {
		return nil, err
	}
	if len(reqs) == 0 {
		return nil, badParam("the request body must be a non-empty array")
	}
	for _, v := range reqs {
		if err := checkVariable(v); err != nil {
			return nil, err
		}
	}
	return reqs, nil
}

// updateVariables: PUT /v1/{project_id}/variables/{test_suite_id} (4.4.3) →
// 201 json.variable_id (of the first variable).
func (s *Server) updateVariables(c *call) (int, any, *apiErr) {
	suiteID := c.ids[0]
	if s.ws.suites[suiteID] == nil {
		return 0, nil, notFound("test suite %d does not exist", suiteID)
	}
	reqs, err := decodeVariables(c.body)
	if err != nil {
		return 0, nil, err
	}
	for _, v := range reqs {
		if v.ID == nil {
			return 0, nil, badParam("variable id is required")
		}
		if x := s.ws.vars[*v.ID]; x == nil || x.suiteID != suiteID {
			return 0, nil, notFound("variable %d does not exist in test suite %d", *v.ID, suiteID)
		}
	}
	for _, v := range reqs {
		x := s.ws.vars[*v.ID]
		x.name, x.typ, x.values = *v.Name, *v.VariableType, slices.Clone(*v.Variable)
		if v.IsQuoted != nil {
			x.quoted = *v.IsQuoted
		}
	}
	return http.StatusCreated, variableResponse{Code: codeOKSvc, JSON: variableResultWire{VariableID: *reqs[0].ID},
		Message: "success"}, nil
}

// createVariables: POST /v1/{project_id}/variables/{test_suite_id} (4.4.2) →
// 201 json.variable_id (of the last variable created).
func (s *Server) createVariables(c *call) (int, any, *apiErr) {
	suiteID := c.ids[0]
	if s.ws.suites[suiteID] == nil {
		return 0, nil, notFound("test suite %d does not exist", suiteID)
	}
	reqs, err := decodeVariables(c.body)
	if err != nil {
		return 0, nil, err
	}
	for _, v := range reqs {
		// Table 4-137 marks every field required, id and is_quoted included.
		switch {
		case v.ID == nil:
			return 0, nil, badParam("variable id is required")
		case v.IsQuoted == nil:
			return 0, nil, badParam("is_quoted is required")
		}
		for _, x := range s.ws.vars {
			if x.suiteID == suiteID && x.name == *v.Name {
				return 0, nil, badParam("a variable named %q already exists", *v.Name)
			}
		}
	}
	last := 0
	for _, v := range reqs {
		last = s.addVariableLocked(suiteID, *v.Name, *v.VariableType, *v.Variable)
		if v.IsQuoted != nil {
			s.ws.vars[last].quoted = *v.IsQuoted
		}
	}
	return http.StatusCreated, variableResponse{Code: codeOKSvc, JSON: variableResultWire{VariableID: last},
		Message: "success"}, nil
}

// deleteVariable: DELETE /v1/{project_id}/variables?variable_id&test_suite_id (4.4.4), both
// query parameters required → 200 "success" (the reference shows no body; the simulator
// answers the usual envelope).
func (s *Server) deleteVariable(c *call) (int, any, *apiErr) {
	q := c.r.URL.Query()
	id, err1 := strconv.Atoi(q.Get("variable_id"))
	suiteID, err2 := strconv.Atoi(q.Get("test_suite_id"))
	if err1 != nil || err2 != nil {
		return 0, nil, badParam("variable_id and test_suite_id are required integers")
	}
	if s.ws.suites[suiteID] == nil {
		return 0, nil, notFound("test suite %d does not exist", suiteID)
	}
	if x := s.ws.vars[id]; x == nil || x.suiteID != suiteID {
		return 0, nil, notFound("variable %d does not exist in test suite %d", id, suiteID)
	}
	delete(s.ws.vars, id)
	return http.StatusOK, struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}{codeOKSvc, "success"}, nil
}
