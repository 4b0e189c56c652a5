package sim

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

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
