package sim

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

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
