package sim

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"
)

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
