package sim

import (
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The TestPlan (service code CloudTest) API: paths under
// /v1|v2/projects/{project_id}/... plus the case query
// /v1/{project_id}/testcases/batch-query, where {project_id} is the
// 32-character CodeArts project id (DemoCodeArtsProjectID). Sources: the
// TestPlan API reference (2023; sections cited as 4.x and the error code
// table 6.2) and, for the calls it does not document (RunTestCase,
// UpdateTestCaseResult, ListTestCases, ShowTestCaseDetail), the SDK's
// cloudtest_meta.go and models.
//
// Errors are `{error_code, error_msg}` with the codes and messages of table
// 6.2, verbatim. A missing, invalid or expired token is 401 DEV.00000003
// (认证信息过期); a bad AK/SK signature is the API gateway's APIGW.0301 as for
// CPTS. Unknown TestPlan paths are the gateway's 404 APIGW.0101.

// TestPlan error codes (table 6.2 unless noted).
const (
	codeDevAuth           = "DEV.00000003"       // 401 认证信息过期 (attask document, also used for TestPlan tokens)
	ctProjectInvalid      = "CLOUDTEST.00012002" // 400
	ctProjectNotFound     = "CLOUDTEST.43040030" // answered with 404 (the table lists it under 400)
	ctCaseIDInvalid       = "CLOUDTEST.00017000"
	ctCaseNotFound        = "CLOUDTEST.00017001"
	ctPlanIDInvalid       = "CLOUDTEST.00017003"
	ctExecuteIDInvalid    = "CLOUDTEST.00017009"
	ctServiceListInvalid  = "CLOUDTEST.00017012"
	ctDurationInvalid     = "CLOUDTEST.00017019"
	ctRunPartial          = "CLOUDTEST.00017020" // 400
	ctResultPartial       = "CLOUDTEST.00017021" // 400
	ctRunFailed           = "CLOUDTEST.00017022" // 500
	ctResultFailed        = "CLOUDTEST.00017023" // 500
	ctRunAllRepeated      = "CLOUDTEST.00017024" // 500
	ctResultAllRepeated   = "CLOUDTEST.00017025" // 500
	ctRunSomeRepeated     = "CLOUDTEST.00017026" // 500
	ctResultSomeRepeated  = "CLOUDTEST.00017027" // 500
	ctRunRepeated         = "CLOUDTEST.00017028" // per case
	ctResultRepeated      = "CLOUDTEST.00017029" // per case
	ctAssigneeInvalid     = "CLOUDTEST.00017032"
	ctServiceInvalid      = "CLOUDTEST.00017038"
	ctRunTooMany          = "CLOUDTEST.00017055"
	ctResultTooMany       = "CLOUDTEST.00017056"
	ctCaseNotInPlan       = "CLOUDTEST.00017057"
	ctResultInvalid       = "CLOUDTEST.00017058"
	ctCaseListInvalid     = "CLOUDTEST.00030001"
	ctStartAfterEnd       = "CLOUDTEST.00040003" // 500
	ctBusy                = "CLOUDTEST.00050000" // 500
	ctStartTimeInvalid    = "CLOUDTEST.00060005"
	ctEndTimeInvalid      = "CLOUDTEST.00060006"
	ctPlanStartInvalid    = "CLOUDTEST.00060010"
	ctPlanEndInvalid      = "CLOUDTEST.00060011"
	ctPageInvalid         = "CLOUDTEST.00060012"
	ctPlanInvalid         = "CLOUDTEST.00070003"
	ctPlanNameExists      = "CLOUDTEST.00070009" // 500
	ctPlanNameInvalid     = "CLOUDTEST.00070010"
	ctBodyInvalid         = "CLOUDTEST.43400161"
	ctParamInvalid        = "CLOUDTEST.43400171"
	ctParamNonconforming  = "CLOUDTEST.43400253"
	ctEnvOffsetInvalid    = "CLOUDTEST.43400337"
	ctEnvLimitInvalid     = "CLOUDTEST.43400338"
	ctBatchAddPartialCode = "CLOUDTEST.00000001" // the 4.3.1 example's code; no table entry
	ctBatchAddPartialMsg  = "部分用例添加失败"           // not documented
)

var ctMessages = map[string]string{
	codeDevAuth:          "认证信息过期",
	ctProjectInvalid:     "项目uuid校验失败",
	ctProjectNotFound:    "项目不存在",
	ctCaseIDInvalid:      "用例ID校验失败",
	ctCaseNotFound:       "该用例不存在",
	ctPlanIDInvalid:      "测试计划ID校验失败",
	ctExecuteIDInvalid:   "执行ID校验失败",
	ctServiceListInvalid: "服务类型列表校验失败",
	ctDurationInvalid:    "用例执行时长校验失败",
	ctRunPartial:         "部分用例执行失败",
	ctResultPartial:      "部分用例更新结果失败",
	ctRunFailed:          "用例执行异常",
	ctResultFailed:       "用例结果更新异常",
	ctRunAllRepeated:     "用例重复执行",
	ctResultAllRepeated:  "用例重复更新结果",
	ctRunSomeRepeated:    "部分用例重复执行",
	ctResultSomeRepeated: "部分用例重复更新结果",
	ctRunRepeated:        "该用例不能重复执行",
	ctResultRepeated:     "该用例结果不能重复更新",
	ctAssigneeInvalid:    "处理者id校验失败",
	ctServiceInvalid:     "服务类型校验失败",
	ctRunTooMany:         "批量执行测试用例数超过限制",
	ctResultTooMany:      "批量更新测试用例数超过限制",
	ctCaseNotInPlan:      "项目或计划下不存在该用例",
	ctResultInvalid:      "测试用例结果校验失败",
	ctCaseListInvalid:    "测试用例ID列表校验失败",
	ctStartAfterEnd:      "开始时间不能大于结束时间",
	ctBusy:               "系统繁忙",
	ctStartTimeInvalid:   "用例开始执行时间校验失败",
	ctEndTimeInvalid:     "用例结束执行时间校验失败",
	ctPlanStartInvalid:   "计划开始时间校验失败",
	ctPlanEndInvalid:     "计划结束时间校验失败",
	ctPageInvalid:        "起始偏移量或每页显示的条目数量不合法",
	ctPlanInvalid:        "测试计划信息不合法",
	ctPlanNameExists:     "测试计划名称已存在",
	ctPlanNameInvalid:    "测试计划名称校验失败",
	ctBodyInvalid:        "请求体结构错误",
	ctParamInvalid:       "请求参数有误",
	ctParamNonconforming: "参数不符合规范",
	ctEnvOffsetInvalid:   "分页的起始偏移量校验失败",
	ctEnvLimitInvalid:    "分页的每页显示条目数量值校验失败",
}

// ctErr is a TestPlan error with the table's message; status 400 unless
// the table lists the code under 500.
func ctErr(code string) *apiErr {
	status := http.StatusBadRequest
	switch code {
	case ctRunFailed, ctResultFailed, ctRunAllRepeated, ctResultAllRepeated, ctRunSomeRepeated, ctResultSomeRepeated,
		ctStartAfterEnd, ctBusy, ctPlanNameExists:
		status = http.StatusInternalServerError
	case ctProjectNotFound:
		status = http.StatusNotFound
	}
	return &apiErr{status: status, code: code, msg: ctMessages[code]}
}

// tpCall is one authenticated TestPlan request being served (under s.mu).
type tpCall struct {
	r      *http.Request
	body   []byte
	params []string  // "{}" path segments in order; params[0] is the CodeArts project id
	now    time.Time // the simulator's wall clock
}

// tpHandler answers a tpCall: status and body (nil: no body), or an error.
type tpHandler func(s *Server, c *tpCall) (int, any, *apiErr)

type tpRoute struct {
	method, pattern string
	h               tpHandler
}

// cloudtestRoutes are the TestPlan calls served; "{}" is a string path
// parameter.
var cloudtestRoutes = []tpRoute{
	{"POST", "v1/projects/{}/plans", (*Server).ctCreatePlan},
	{"GET", "v2/projects/{}/plans", (*Server).ctListPlans},
	{"POST", "v1/projects/{}/plans/{}/testcases/batch-add", (*Server).ctBatchAdd},
	{"GET", "v1/projects/{}/environments", (*Server).ctListEnvironments},
	{"POST", "v1/projects/{}/testcases/execution", (*Server).ctRunCases},
	{"POST", "v1/projects/{}/testcases/result", (*Server).ctUpdateResults},
	{"GET", "v1/projects/{}/testcases/{}", (*Server).ctShowCase},
	{"POST", "v1/{}/testcases/batch-query", (*Server).ctListCases},
}

// isTestPlanPath tells TestPlan paths from CPTS ones (CPTS never has
// "projects" as its second segment nor a testcases/batch-query call).
func isTestPlanPath(segs []string) bool {
	if len(segs) >= 3 && (segs[0] == "v1" || segs[0] == "v2") && segs[1] == "projects" {
		return true
	}
	return len(segs) == 4 && segs[0] == "v1" && segs[2] == "testcases" && segs[3] == "batch-query"
}

func matchStringRoute(pattern string, segs []string) ([]string, bool) {
	ps := strings.Split(pattern, "/")
	if len(ps) != len(segs) {
		return nil, false
	}
	var params []string
	for i, p := range ps {
		switch {
		case p == "{}":
			params = append(params, segs[i])
		case p != segs[i]:
			return nil, false
		}
	}
	return params, true
}

// routeCloudTest serves TestPlan and attask requests; it reports false for
// any other path.
func (s *Server) routeCloudTest(w http.ResponseWriter, r *http.Request, body []byte, reqID string) bool {
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if segs[0] == "attask" {
		s.serveAttask(w, r, body, reqID, segs)
		return true
	}
	if !isTestPlanPath(segs) {
		return false
	}
	var rt *tpRoute
	var params []string
	for i := range cloudtestRoutes {
		if cloudtestRoutes[i].method != r.Method {
			continue
		}
		if p, ok := matchStringRoute(cloudtestRoutes[i].pattern, segs); ok {
			rt, params = &cloudtestRoutes[i], p
			break
		}
	}
	if rt == nil {
		writeGatewayError(w, http.StatusNotFound, "APIGW.0101",
			"The API does not exist or has not been published in the environment", reqID)
		return true
	}
	if err := s.authenticateDev(r, body); err != nil {
		if err.code == codeDevAuth {
			writeCPTSError(w, &apiErr{status: err.status, code: err.code, msg: err.msg})
		} else {
			writeGatewayError(w, err.status, err.code, err.msg, reqID)
		}
		return true
	}
	if err := checkCodeArtsProject(params[0]); err != nil {
		writeCPTSError(w, err)
		return true
	}
	s.mu.Lock()
	status, v, aerr := rt.h(s, &tpCall{r: r, body: body, params: params, now: s.wallNow()})
	s.mu.Unlock()
	switch {
	case aerr != nil:
		writeCPTSError(w, aerr)
	case v == nil:
		w.WriteHeader(status)
	default:
		writeJSON(w, status, v)
	}
	return true
}

// authenticateDev authenticates a TestPlan or attask request like a CPTS
// one (credentials of DemoProjectID, the IAM project), except that a
// missing, unknown, revoked or expired token is 401 DEV.00000003.
func (s *Server) authenticateDev(r *http.Request, body []byte) *gwErr {
	err := s.authenticate(r, body, DemoProjectID)
	if err == nil || err.status != http.StatusUnauthorized {
		return err
	}
	if r.Header.Get("X-Auth-Token") != "" || !strings.HasPrefix(r.Header.Get("Authorization"), algorithm) {
		return &gwErr{status: http.StatusUnauthorized, code: codeDevAuth, msg: ctMessages[codeDevAuth]}
	}
	return err
}

// id32RE is a 32-character id (CodeArts project, case, environment).
var id32RE = regexp.MustCompile(`^[0-9A-Za-z]{32}$`)

// planIDRE is a plan id: 11 to 34 letters and digits (4.3.1, SDK).
var planIDRE = regexp.MustCompile(`^[0-9A-Za-z]{11,34}$`)

// checkCodeArtsProject: a malformed id is 400 CLOUDTEST.00012002 (项目uuid
// 校验失败: 检查项目id是否是32位字符); an unknown one 404 CLOUDTEST.43040030.
func checkCodeArtsProject(id string) *apiErr {
	if !id32RE.MatchString(id) {
		return ctErr(ctProjectInvalid)
	}
	if id != DemoCodeArtsProjectID {
		return ctErr(ctProjectNotFound)
	}
	return nil
}

// planLocked resolves a plan id: malformed 00017003, unknown 00070003.
func (s *Server) planLocked(id string) (*tpPlan, *apiErr) {
	if !planIDRE.MatchString(id) {
		return nil, ctErr(ctPlanIDInvalid)
	}
	p := s.tp.plans[id]
	if p == nil {
		return nil, ctErr(ctPlanInvalid)
	}
	return p, nil
}

// ctDecode decodes a JSON body; anything else is 400 CLOUDTEST.43400161.
func ctDecode(body []byte, v any) *apiErr {
	if err := decodeBody(body, v); err != nil {
		return ctErr(ctBodyInvalid)
	}
	return nil
}

// queryInt reads an integer query parameter; ok is false when it is present
// but not an integer.
func queryInt(c *tpCall, name string, def int) (n int, present, ok bool) {
	v := c.r.URL.Query().Get(name)
	if v == "" {
		return def, false, true
	}
	n, err := strconv.Atoi(v)
	return n, true, err == nil
}

// ------------------------------------------------------------------ plans

// planDateLayout is the plan cycle date format ("2020-03-04", UTC).
const planDateLayout = "2006-01-02"

// forbiddenPlanChars are the characters 6.2 names for CLOUDTEST.00070010
// ("存在# ¥ % & (等特殊字符"), plus the closing parenthesis.
const forbiddenPlanChars = "#¥%&()"

type planCycleWire struct {
	StartDate *string `json:"start_date"`
	EndDate   *string `json:"end_date"`
}

type createPlanRequest struct {
	Name          *string        `json:"name"`
	AssignedID    *string        `json:"assigned_id"`
	ServiceIDList []int          `json:"service_id_list"`
	PlanCycle     *planCycleWire `json:"plan_cycle"`
}

type createPlanResponse struct {
	PlanID string `json:"plan_id"`
}

// ctCreatePlan: POST /v1/projects/{project_id}/plans (4.3.2) → 201 {plan_id}.
// A duplicate name is 500 CLOUDTEST.00070009, a start after the end 500
// CLOUDTEST.00040003, as table 6.2 lists them.
func (s *Server) ctCreatePlan(c *tpCall) (int, any, *apiErr) {
	var req createPlanRequest
	if err := ctDecode(c.body, &req); err != nil {
		return 0, nil, err
	}
	if req.Name == nil {
		return 0, nil, ctErr(ctPlanNameInvalid)
	}
	name := *req.Name
	if strings.TrimSpace(name) == "" || utf8.RuneCountInString(name) > 128 || strings.ContainsAny(name, forbiddenPlanChars) {
		return 0, nil, ctErr(ctPlanNameInvalid)
	}
	if len(req.ServiceIDList) == 0 || len(req.ServiceIDList) >= 10 {
		return 0, nil, ctErr(ctServiceListInvalid)
	}
	var services []int
	for _, id := range req.ServiceIDList {
		if s.tp.services[id] == nil {
			return 0, nil, ctErr(ctServiceInvalid)
		}
		if !slices.Contains(services, id) {
			services = append(services, id)
		}
	}
	assignee := DemoUserID
	if req.AssignedID != nil && *req.AssignedID != "" {
		if !id32RE.MatchString(*req.AssignedID) {
			return 0, nil, ctErr(ctAssigneeInvalid)
		}
		assignee = *req.AssignedID
	}
	var start, end string
	var startT, endT time.Time
	if pc := req.PlanCycle; pc != nil {
		var err error
		if pc.StartDate != nil && *pc.StartDate != "" {
			if startT, err = time.Parse(planDateLayout, *pc.StartDate); err != nil {
				return 0, nil, ctErr(ctPlanStartInvalid)
			}
			start = *pc.StartDate
		}
		if pc.EndDate != nil && *pc.EndDate != "" {
			if endT, err = time.Parse(planDateLayout, *pc.EndDate); err != nil {
				return 0, nil, ctErr(ctPlanEndInvalid)
			}
			end = *pc.EndDate
		}
	}
	if start != "" && end != "" && startT.After(endT) {
		return 0, nil, ctErr(ctStartAfterEnd)
	}
	for _, p := range s.tp.plans {
		if p.name == name {
			return 0, nil, ctErr(ctPlanNameExists)
		}
	}
	id := tpID("plan", s.tp.planSeq+1)
	s.tp.addPlanLocked(id, name, services, start, end, assignee, c.now)
	return http.StatusCreated, createPlanResponse{PlanID: id}, nil
}

type planCreatorWire struct {
	ID       string `json:"id"`
	NickName string `json:"nick_name,omitempty"`
	UserName string `json:"user_name"`
}

type planOwnerWire struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	NickName string `json:"nick_name,omitempty"`
	UserName string `json:"user_name"`
}

type nameIDWire struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type designStageWire struct {
	CaseCount         int    `json:"case_count"`
	IssueCount        int    `json:"issue_count"`
	IssueCoveredCount string `json:"issue_covered_count"`
}

type executeStageWire struct {
	CasePassRate         string `json:"case_pass_rate"`
	CompletedDefectCount int    `json:"completed_defect_count"`
	DefectCount          int    `json:"defect_count"`
	ExecutedCaseCount    int    `json:"executed_case_count"`
}

type reportStageWire struct {
	CaseCompleteRate string `json:"case_complete_rate"`
}

// planWire is a TestPlanDetail (4.3.6). expire_day is an integer, as the
// SDK decodes it (the document types it as a string).
type planWire struct {
	Creator      planCreatorWire  `json:"creator"`
	CurrentStage string           `json:"current_stage"`
	DesignStage  designStageWire  `json:"design_stage"`
	EndDate      string           `json:"end_date"`
	ExecuteStage executeStageWire `json:"execute_stage"`
	ExpireDay    int              `json:"expire_day"`
	FinishDate   string           `json:"finish_date"`
	Iteration    nameIDWire       `json:"iteration"`
	Name         string           `json:"name"`
	Owner        planOwnerWire    `json:"owner"`
	PlanID       string           `json:"plan_id"`
	ProjectID    string           `json:"project_id"`
	ReportStage  reportStageWire  `json:"report_stage"`
	StartDate    string           `json:"start_date"`
}

func percent(n, of int) string {
	if of == 0 {
		return "0.00%"
	}
	return fmt.Sprintf("%.2f%%", float64(n)*100/float64(of))
}

// planWireLocked renders a plan with its figures: current_stage is create
// (no case), design (no execution), execute, or report (every case has a
// final result, which also sets finish_date).
func (s *Server) planWireLocked(p *tpPlan, now time.Time) planWire {
	var executed, passed, completed int
	var last time.Time
	for _, id := range p.cases {
		e := p.latest[id]
		if e == nil {
			continue
		}
		executed++
		if finalResult(e.result) {
			completed++
			last = maxTime(last, maxTime(e.end, e.start))
		}
		if e.result == resultPassed {
			passed++
		}
	}
	stage := "create"
	switch {
	case len(p.cases) > 0 && completed == len(p.cases):
		stage = "report"
	case executed > 0:
		stage = "execute"
	case len(p.cases) > 0:
		stage = "design"
	}
	finish := ""
	if stage == "report" {
		finish = last.UTC().Format(planDateLayout)
	}
	expire := 0
	if end, err := time.Parse(planDateLayout, p.end); err == nil {
		today, _ := time.Parse(planDateLayout, now.UTC().Format(planDateLayout))
		expire = int(math.Round(today.Sub(end).Hours() / 24))
	}
	owner := planOwnerWire{ID: p.assignee, Name: p.assignee, UserName: p.assignee}
	if p.assignee == DemoUserID {
		owner.Name, owner.UserName = DemoUser, DemoUser
	}
	return planWire{
		Creator:      planCreatorWire{ID: DemoUserID, UserName: DemoUser},
		CurrentStage: stage,
		DesignStage:  designStageWire{CaseCount: len(p.cases), IssueCoveredCount: "0"},
		EndDate:      p.end,
		ExecuteStage: executeStageWire{CasePassRate: percent(passed, len(p.cases)), ExecutedCaseCount: completed},
		ExpireDay:    expire,
		FinishDate:   finish,
		Iteration:    nameIDWire{},
		Name:         p.name,
		Owner:        owner,
		PlanID:       p.id,
		ProjectID:    DemoCodeArtsProjectID,
		ReportStage:  reportStageWire{CaseCompleteRate: percent(completed, len(p.cases))},
		StartDate:    p.start,
	}
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

var planStages = []string{"create", "design", "execute", "report"}

// ctListPlans: GET /v2/projects/{project_id}/plans?offset&limit&name&current_stage
// (4.3.6) → 201 with a bare JSON array, newest plan first. offset counts
// items; limit is 1–200 (both required); name is a fuzzy (case-insensitive
// substring) filter.
func (s *Server) ctListPlans(c *tpCall) (int, any, *apiErr) {
	offset, hasOffset, ok1 := queryInt(c, "offset", 0)
	limit, hasLimit, ok2 := queryInt(c, "limit", 0)
	if !hasOffset || !hasLimit || !ok1 || !ok2 || offset < 0 || limit < 1 || limit > 200 {
		return 0, nil, ctErr(ctPageInvalid)
	}
	q := c.r.URL.Query()
	name := strings.ToLower(q.Get("name"))
	stage := q.Get("current_stage")
	if stage != "" && !slices.Contains(planStages, stage) {
		return 0, nil, ctErr(ctParamNonconforming)
	}
	var hits []planWire
	for _, p := range s.plansLocked() {
		if name != "" && !strings.Contains(strings.ToLower(p.name), name) {
			continue
		}
		w := s.planWireLocked(p, c.now)
		if stage != "" && w.CurrentStage != stage {
			continue
		}
		hits = append(hits, w)
	}
	lo, hi, ok := s.window(offset, limit, len(hits))
	if !ok {
		return 0, nil, ctErr(ctPageInvalid)
	}
	out := append([]planWire{}, hits[lo:hi]...)
	return http.StatusCreated, out, nil
}

// ------------------------------------------------------------- batch-add

type batchAddRequest struct {
	ServiceID      *int     `json:"service_id"`
	TestcaseIDList []string `json:"testcase_id_list"`
}

type caseFailureWire struct {
	ErrorCode  string `json:"error_code"`
	ErrorMsg   string `json:"error_msg"`
	TestcaseID string `json:"testcase_id"`
}

type errorDetailWire struct {
	Failed []caseFailureWire `json:"failed"`
}

// batchFailureWire is a batch answer that lists failed cases (4.3.1).
type batchFailureWire struct {
	ErrorCode   string          `json:"error_code"`
	ErrorMsg    string          `json:"error_msg"`
	ErrorDetail errorDetailWire `json:"error_detail"`
}

func caseFailure(id, code string) caseFailureWire {
	return caseFailureWire{ErrorCode: code, ErrorMsg: ctMessages[code], TestcaseID: id}
}

// ctBatchAdd: POST /v1/projects/{project_id}/plans/{plan_id}/testcases/batch-add
// (4.3.1). At most Options.BatchAddLimit ids, default 50 (more, or none: 400
// CLOUDTEST.00030001), of one
// test type (service_id). Each id is checked on its own: malformed
// 00017000, unknown 00017001, of another service 00017038; an id already in
// the plan (or repeated in the list) is added once, successfully. All added:
// 204 without a body. Some refused: 500 with error_detail.failed[] (the
// document's status), the others are added. All refused: 400 without
// error_detail ("全部失败没有该结构"), with the failures' common code, else
// 00030001.
func (s *Server) ctBatchAdd(c *tpCall) (int, any, *apiErr) {
	p, err := s.planLocked(c.params[1])
	if err != nil {
		return 0, nil, err
	}
	var req batchAddRequest
	if err := ctDecode(c.body, &req); err != nil {
		return 0, nil, err
	}
	if req.ServiceID == nil || s.tp.services[*req.ServiceID] == nil || !slices.Contains(p.serviceIDs, *req.ServiceID) {
		return 0, nil, ctErr(ctServiceInvalid)
	}
	// Options.BatchAddLimit: 50 reads "more than 50 refused" (the error table), 49 "fewer than
	// 50" (the body table).
	if len(req.TestcaseIDList) == 0 || len(req.TestcaseIDList) > s.opt.BatchAddLimit {
		return 0, nil, ctErr(ctCaseListInvalid)
	}
	var failed []caseFailureWire
	var added []string
	seen := map[string]bool{}
	for _, id := range req.TestcaseIDList {
		if seen[id] {
			continue
		}
		seen[id] = true
		tc := s.tp.cases[id]
		switch {
		case !id32RE.MatchString(id):
			failed = append(failed, caseFailure(id, ctCaseIDInvalid))
		case tc == nil:
			failed = append(failed, caseFailure(id, ctCaseNotFound))
		case tc.serviceID != *req.ServiceID:
			failed = append(failed, caseFailure(id, ctServiceInvalid))
		default:
			added = append(added, id)
		}
	}
	for _, id := range added {
		p.addCase(id)
	}
	switch {
	case len(failed) == 0:
		return http.StatusNoContent, nil, nil
	case len(added) > 0:
		return http.StatusInternalServerError, batchFailureWire{ErrorCode: ctBatchAddPartialCode,
			ErrorMsg: ctBatchAddPartialMsg, ErrorDetail: errorDetailWire{Failed: failed}}, nil
	}
	code := failed[0].ErrorCode
	for _, f := range failed {
		if f.ErrorCode != code {
			code = ctCaseListInvalid
		}
	}
	return 0, nil, ctErr(code)
}

// maxBatchCases is the largest list the batch calls accept (CLOUDTEST.00030001,
// .00017055, .00017056: "超过50个").
const maxBatchCases = 50

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
