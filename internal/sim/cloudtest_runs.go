package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ---------------------------------------------------------- environments

type environmentWire struct {
	EnvironmentID          string `json:"environment_id"`
	EnvironmentName        string `json:"environment_name"`
	EnvironmentDescription string `json:"environment_description"`
	IsDefault              bool   `json:"is_default"`
}

type environmentsResponse struct {
	Environments []environmentWire `json:"environments"`
	Offset       int               `json:"offset"`
	Limit        int               `json:"limit"`
	TotalCount   int               `json:"total_count"`
}

// ctListEnvironments: GET /v1/projects/{project_id}/environments?offset&limit
// (4.2.1) → 200; offset 0–999 (default 0, else CLOUDTEST.43400337), limit
// 1–200 (default 200, else CLOUDTEST.43400338).
func (s *Server) ctListEnvironments(c *tpCall) (int, any, *apiErr) {
	offset, _, ok := queryInt(c, "offset", 0)
	if !ok || offset < 0 || offset > 999 {
		return 0, nil, ctErr(ctEnvOffsetInvalid)
	}
	limit, _, ok := queryInt(c, "limit", 200)
	if !ok || limit < 1 || limit > 200 {
		return 0, nil, ctErr(ctEnvLimitInvalid)
	}
	out := environmentsResponse{Environments: []environmentWire{}, Offset: offset, Limit: limit, TotalCount: len(s.tp.envs)}
	lo, hi, ok := s.window(offset, limit, len(s.tp.envs))
	if !ok {
		return 0, nil, ctErr(ctEnvOffsetInvalid)
	}
	for _, e := range s.tp.envs[lo:hi] {
		out.Environments = append(out.Environments, environmentWire{EnvironmentID: e.id, EnvironmentName: e.name,
			EnvironmentDescription: e.description, IsDefault: e.isDefault})
	}
	return http.StatusOK, out, nil
}

// ------------------------------------------------- executions and results

type executeRequest struct {
	ServiceID   *int          `json:"service_id"`
	PlanID      *string       `json:"plan_id"`
	ExecuteList []executeItem `json:"execute_list"`
}

type executeItem struct {
	TestcaseID  string  `json:"testcase_id"`
	ExecuteID   string  `json:"execute_id"`
	ResultID    string  `json:"result_id"`
	StartTime   *int64  `json:"start_time"`
	EndTime     *int64  `json:"end_time"`
	Duration    *int64  `json:"duration"`
	Description *string `json:"description"`
}

// batchKind holds what differs between RunTestCase and UpdateTestCaseResult.
type batchKind struct {
	result                                                   bool // UpdateTestCaseResult
	tooMany, partial, failed, allRepeated, someRepeated, rep string
}

var (
	runKind    = batchKind{false, ctRunTooMany, ctRunPartial, ctRunFailed, ctRunAllRepeated, ctRunSomeRepeated, ctRunRepeated}
	resultKind = batchKind{true, ctResultTooMany, ctResultPartial, ctResultFailed, ctResultAllRepeated, ctResultSomeRepeated, ctResultRepeated}
)

// ctRunCases: POST /v1/projects/{project_id}/testcases/execution (SDK
// RunTestCase) records that cases started executing.
func (s *Server) ctRunCases(c *tpCall) (int, any, *apiErr) { return s.ctExecBatch(c, runKind) }

// ctUpdateResults: POST /v1/projects/{project_id}/testcases/result (SDK
// UpdateTestCaseResult) records the results of executions.
func (s *Server) ctUpdateResults(c *tpCall) (int, any, *apiErr) { return s.ctExecBatch(c, resultKind) }

// ctExecBatch serves both execution calls. Field checks reject the whole
// call with 400 (nothing is recorded): service_id (00017038), plan_id
// (00017003 / 00070003), the list (empty: 43400171; more than 50:
// 00017055 / 00017056), and per item testcase_id (00017000), execute_id
// (1–32 characters, 00017009), result_id (0, 1, 5 or 6: 00017058),
// start_time (00060005) or end_time (00060006) and duration (00017019).
// The rest fails per case, the others are recorded: a case not in the plan
// (or, without plan_id, not in the project) 00017057, of another service
// 00017038, an execute_id already executed or a case repeated in the list
// 00017028, a result for an execute_id that this case (in this plan) never
// executed 00017009, a second result for an execution 00017029. All
// recorded: 200 `{}`. Failures are listed in error_detail.failed[] under 400
// 00017020 / 00017021 (部分…失败), or 500 00017026 / 00017027 when every
// failure is a repeat; when every case failed, 500 00017024 / 00017025 (all
// repeats) or 00017022 / 00017023.
func (s *Server) ctExecBatch(c *tpCall, k batchKind) (int, any, *apiErr) {
	var req executeRequest
	if err := ctDecode(c.body, &req); err != nil {
		return 0, nil, err
	}
	if req.ServiceID == nil || s.tp.services[*req.ServiceID] == nil {
		return 0, nil, ctErr(ctServiceInvalid)
	}
	service := *req.ServiceID
	var plan *tpPlan
	if req.PlanID != nil && *req.PlanID != "" {
		p, err := s.planLocked(*req.PlanID)
		if err != nil {
			return 0, nil, err
		}
		if !slices.Contains(p.serviceIDs, service) {
			return 0, nil, ctErr(ctServiceInvalid)
		}
		plan = p
	}
	switch n := len(req.ExecuteList); {
	case n == 0:
		return 0, nil, ctErr(ctParamInvalid)
	case n > maxBatchCases:
		return 0, nil, ctErr(k.tooMany)
	}
	for _, it := range req.ExecuteList {
		switch {
		case !id32RE.MatchString(it.TestcaseID):
			return 0, nil, ctErr(ctCaseIDInvalid)
		case it.ExecuteID == "" || len(it.ExecuteID) > 32:
			return 0, nil, ctErr(ctExecuteIDInvalid)
		case resultNames[it.ResultID] == "":
			return 0, nil, ctErr(ctResultInvalid)
		case !k.result && (it.StartTime == nil || *it.StartTime <= 0):
			return 0, nil, ctErr(ctStartTimeInvalid)
		case k.result && (it.EndTime == nil || *it.EndTime <= 0):
			return 0, nil, ctErr(ctEndTimeInvalid)
		case k.result && (it.Duration == nil || *it.Duration < 0):
			return 0, nil, ctErr(ctDurationInvalid)
		}
	}
	planID := ""
	if plan != nil {
		planID = plan.id
	}
	var failed []caseFailureWire
	repeats := 0
	seen := map[string]bool{}
	for _, it := range req.ExecuteList {
		tc := s.tp.cases[it.TestcaseID]
		code := ""
		switch {
		case seen[it.TestcaseID]:
			code = k.rep
		case tc == nil || plan != nil && !plan.inPlan[tc.id]:
			code = ctCaseNotInPlan
		case tc.serviceID != service:
			code = ctServiceInvalid
		}
		seen[it.TestcaseID] = true
		if code == "" {
			code = s.recordLocked(tc, plan, planID, service, it, k)
		}
		if code != "" {
			if code == k.rep {
				repeats++
			}
			failed = append(failed, caseFailure(it.TestcaseID, code))
		}
	}
	if len(failed) == 0 {
		return http.StatusOK, struct{}{}, nil
	}
	all := len(failed) == len(req.ExecuteList)
	code := k.partial
	switch {
	case all && repeats == len(failed):
		code = k.allRepeated
	case all:
		code = k.failed
	case repeats == len(failed):
		code = k.someRepeated
	}
	e := ctErr(code)
	return e.status, batchFailureWire{ErrorCode: e.code, ErrorMsg: e.msg, ErrorDetail: errorDetailWire{Failed: failed}}, nil
}

// recordLocked records one execution or result; it returns the per-case
// failure code, "" when recorded.
func (s *Server) recordLocked(tc *tpCase, plan *tpPlan, planID string, service int, it executeItem, k batchKind) string {
	e := s.tp.execs[it.ExecuteID]
	if !k.result {
		if e != nil {
			return k.rep
		}
		e = &tpExec{executeID: it.ExecuteID, caseID: tc.id, planID: planID, serviceID: service, result: it.ResultID,
			start: time.UnixMilli(*it.StartTime)}
		s.tp.execs[e.executeID] = e
		s.tp.execOrder = append(s.tp.execOrder, e)
		tc.executions++
		if plan != nil {
			plan.execCount[tc.id]++
		}
	} else {
		switch {
		case e == nil || e.caseID != tc.id || plan != nil && e.planID != plan.id:
			return ctExecuteIDInvalid
		case e.updated:
			return k.rep
		}
		e.result, e.end, e.updated = it.ResultID, time.UnixMilli(*it.EndTime), true
		e.duration, e.hasDuration = time.Duration(*it.Duration)*time.Millisecond, true
		if it.Description != nil {
			e.description = *it.Description
		}
		if e.planID != "" {
			plan = s.tp.plans[e.planID]
		}
	}
	tc.latest = e
	if plan != nil {
		plan.latest[tc.id] = e
	}
	return ""
}

// ------------------------------------------------------------ case reads

type listCasesRequest struct {
	Offset          *int   `json:"offset"`
	Limit           *int   `json:"limit"`
	ExecutionTypeID *int   `json:"execution_type_id"`
	VersionID       string `json:"version_id"`
}

type intNameWire struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

type createInfoWire struct {
	Time      string `json:"time"`
	Timestamp int64  `json:"timestamp"`
	UserID    string `json:"user_id"`
	UserName  string `json:"user_name"`
}

type executeInfoWire struct {
	Time         string `json:"time"`
	Timestamp    int64  `json:"timestamp"`
	Duration     string `json:"duration"`
	UserID       string `json:"user_id"`
	UserName     string `json:"user_name"`
	ExecuteTimes int    `json:"execute_times"`
}

// caseVoWire is an ExternalTestCaseVo (SDK ListTestCases values[]).
type caseVoWire struct {
	ID            string           `json:"id"`
	Name          string           `json:"name"`
	Number        string           `json:"number"`
	Description   string           `json:"description"`
	RankID        string           `json:"rank_id"`
	ProjectID     string           `json:"project_id"`
	Owner         nameIDWire       `json:"owner"`
	Status        nameIDWire       `json:"status"`
	Result        *nameIDWire      `json:"result"`
	Module        *nameIDWire      `json:"module"`
	Iteration     *nameIDWire      `json:"iteration"`
	ExecutionType nameIDWire       `json:"execution_type"`
	TestType      intNameWire      `json:"test_type"`
	CreateInfo    createInfoWire   `json:"create_info"`
	ExecuteInfo   *executeInfoWire `json:"execute_info"`
}

type listCasesResponse struct {
	Values []caseVoWire `json:"values"`
	Total  int          `json:"total"`
}

// caseTime is the time format of case records ("2024-01-01 10:00:00", UTC).
const caseTime = "2006-01-02 15:04:05"

// caseStatus is a case's status after its latest execution: 新建 (never
// executed), 测试中 (running) or 完成 (a final result).
func caseStatus(e *tpExec) nameIDWire {
	switch {
	case e == nil:
		return nameIDWire{ID: "0", Name: "新建"}
	case finalResult(e.result):
		return nameIDWire{ID: "2", Name: "完成"}
	}
	return nameIDWire{ID: "1", Name: "测试中"}
}

func (s *Server) caseVoLocked(tc *tpCase, latest *tpExec, times int) caseVoWire {
	v := caseVoWire{ID: tc.id, Name: tc.name, Number: tc.number, Description: tc.description,
		RankID: strconv.Itoa(tc.rank), ProjectID: DemoCodeArtsProjectID, Owner: nameIDWire{ID: DemoUserID, Name: DemoUser},
		Status: caseStatus(latest), ExecutionType: nameIDWire{ID: "1", Name: "手工执行"},
		TestType:   intNameWire{ID: tc.serviceID, Name: s.tp.services[tc.serviceID].name},
		CreateInfo: createInfoWire{Time: tc.created.UTC().Format(caseTime), Timestamp: tc.created.UnixMilli(), UserID: DemoUserID, UserName: DemoUser}}
	if latest != nil {
		v.Result = &nameIDWire{ID: latest.result, Name: resultNames[latest.result]}
		ei := executeInfoWire{Time: latest.start.UTC().Format(caseTime), Timestamp: latest.start.UnixMilli(),
			UserID: DemoUserID, UserName: DemoUser, ExecuteTimes: times}
		if latest.hasDuration {
			ei.Duration = strconv.FormatInt(latest.duration.Milliseconds(), 10)
		}
		v.ExecuteInfo = &ei
	}
	return v
}

// ctListCases: POST /v1/{project_id}/testcases/batch-query (SDK
// ListTestCases) → 200 {values, total}: the cases of the plan version_id
// (in the order added, with their latest result in that plan), or of the
// project when version_id is empty. offset 0–100000, limit 1–200 (both
// required, else CLOUDTEST.00060012); execution_type_id is ignored.
func (s *Server) ctListCases(c *tpCall) (int, any, *apiErr) {
	var req listCasesRequest
	if err := ctDecode(c.body, &req); err != nil {
		return 0, nil, err
	}
	if req.Offset == nil || req.Limit == nil || *req.Offset < 0 || *req.Offset > 100000 || *req.Limit < 1 || *req.Limit > 200 {
		return 0, nil, ctErr(ctPageInvalid)
	}
	var all []caseVoWire
	if req.VersionID != "" {
		p, err := s.planLocked(req.VersionID)
		if err != nil {
			return 0, nil, err
		}
		for _, id := range p.cases {
			all = append(all, s.caseVoLocked(s.tp.cases[id], p.latest[id], p.execCount[id]))
		}
	} else {
		for _, id := range s.tp.caseOrder {
			tc := s.tp.cases[id]
			all = append(all, s.caseVoLocked(tc, tc.latest, tc.executions))
		}
	}
	lo, hi, ok := s.window(*req.Offset, *req.Limit, len(all))
	if !ok {
		return 0, nil, ctErr(ctPageInvalid)
	}
	return http.StatusOK, listCasesResponse{Values: append([]caseVoWire{}, all[lo:hi]...), Total: len(all)}, nil
}

type extendInfoWire struct {
	Description string `json:"description"`
}

// caseDetailWire is a ShowTestCaseDetailResponse.
type caseDetailWire struct {
	TestcaseID     string         `json:"testcase_id"`
	ProjectID      string         `json:"project_id"`
	ServiceID      int            `json:"service_id"`
	Name           string         `json:"name"`
	TestcaseNumber string         `json:"testcase_number"`
	RankID         int            `json:"rank_id"`
	StatusID       string         `json:"status_id"`
	AssignedUser   nameIDWire     `json:"assigned_user"`
	ExecuteCount   int            `json:"execute_count"`
	ResultID       string         `json:"result_id"`
	ExtendInfo     extendInfoWire `json:"extend_info"`
}

// ctShowCase: GET /v1/projects/{project_id}/testcases/{testcase_id} (SDK
// ShowTestCaseDetail) → 200; result_id is the result of the case's most
// recently recorded execution in any plan ("" if none). A malformed id is
// 400 CLOUDTEST.00017000, an unknown one 400 CLOUDTEST.00017001.
func (s *Server) ctShowCase(c *tpCall) (int, any, *apiErr) {
	id := c.params[1]
	if !id32RE.MatchString(id) {
		return 0, nil, ctErr(ctCaseIDInvalid)
	}
	tc := s.tp.cases[id]
	if tc == nil {
		return 0, nil, ctErr(ctCaseNotFound)
	}
	out := caseDetailWire{TestcaseID: tc.id, ProjectID: DemoCodeArtsProjectID, ServiceID: tc.serviceID, Name: tc.name,
		TestcaseNumber: tc.number, RankID: tc.rank, StatusID: caseStatus(tc.latest).ID,
		AssignedUser: nameIDWire{ID: DemoUserID, Name: DemoUser}, ExecuteCount: tc.executions,
		ExtendInfo: extendInfoWire{Description: tc.description}}
	if tc.latest != nil {
		out.ResultID = tc.latest.result
	}
	return http.StatusOK, out, nil
}

// writeCloudTestFault answers a FaultStatus (other than the gateway's
// statuses) on a TestPlan or attask path in that service's error format; it
// reports false for other paths.
func writeCloudTestFault(w http.ResponseWriter, status int, reqID, path string) bool {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case segs[0] == "attask":
		code := "DEV.00000500"
		if status != http.StatusInternalServerError {
			code = fmt.Sprintf("DEV.00000%d", status)
		}
		writeAttaskError(w, status, reqID, code, http.StatusText(status), "simulated fault", "请稍后重试")
	case !isTestPlanPath(segs):
		return false
	case status == http.StatusInternalServerError:
		writeCPTSError(w, ctErr(ctBusy))
	default:
		writeCPTSError(w, &apiErr{status: status, code: fmt.Sprintf("CLOUDTEST.0%d0001", status), msg: http.StatusText(status)})
	}
	return true
}
