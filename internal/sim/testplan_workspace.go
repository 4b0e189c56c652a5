package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"
)

// Demo ids and names of the seeded TestPlan (CloudTest) workspace and of the
// task templates (attask); see New. TestPlan ids are strings: the CodeArts
// project id, plan ids and case ids are 32 lower-case hex characters.
const (
	// DemoCodeArtsProjectID is the CodeArts project every TestPlan path must
	// carry as {project_id}. It is deliberately not DemoProjectID (the IAM
	// project of CPTS paths): TestPlan answers 404 CLOUDTEST.43040030 for it.
	DemoCodeArtsProjectID = "c0de4a7759e14b1f9d2e6a8b3f5c7d91"

	// DemoServiceID is the registered test type service (`service_id`) of the
	// seeded case pool (DemoCaseIDs).
	DemoServiceID = 1
	// DemoServiceName is the name of DemoServiceID.
	DemoServiceName = "codearts-runner-perftest"
	// DemoOtherServiceID is a second test type service with a few cases of
	// its own (see Server.ServiceCaseIDs); a batch call takes cases of one
	// test type only.
	DemoOtherServiceID = 2
	// DemoOtherServiceName is the name of DemoOtherServiceID.
	DemoOtherServiceName = "manual-regression"

	// DemoCasePoolSize is the number of seeded cases of DemoServiceID.
	DemoCasePoolSize = 200
	// DemoOtherCaseCount is the number of seeded cases of DemoOtherServiceID.
	DemoOtherCaseCount = 5

	// DemoPlanName is the seeded plan that holds the first DemoPlanCaseCount
	// cases of the pool, none executed yet.
	DemoPlanName = "release-2026.11"
	// DemoPlanID is the id of DemoPlanName.
	DemoPlanID = "7f3a9c2e5b8d4f1a9e6c3b0d2a5f8e17"
	// DemoPlanCaseCount is the number of cases in DemoPlanID at start:
	// DemoCaseIDs(DemoPlanCaseCount).
	DemoPlanCaseCount = 10
	// DemoHotfixPlanName is a second, empty plan (services DemoServiceID and
	// DemoOtherServiceID) whose name contains DemoPlanName: the fuzzy name
	// filter of the plan list returns both plans for DemoPlanName.
	DemoHotfixPlanName = "release-2026.11-hotfix"
	// DemoHotfixPlanID is the id of DemoHotfixPlanName.
	DemoHotfixPlanID = "2b8e6d4c1a9f4e7b8c5d2e0f3a6b9c41"

	// DemoEnvironmentID is the seeded default environment group ("默认环境").
	DemoEnvironmentID = "ff4893796ee1a8aa009ff3a470de55d8"
	// DemoEnvironmentName is the name of DemoEnvironmentID.
	DemoEnvironmentName = "默认环境"
	// DemoStagingEnvironmentID is a second, non-default environment group.
	DemoStagingEnvironmentID = "3e1d5c7b9a2f4e6d8c0b1a3f5e7d9c2b"
	// DemoStagingEnvironmentName is the name of DemoStagingEnvironmentID.
	DemoStagingEnvironmentName = "staging"

	// DemoTemplateID is a task template (attask `taskId`) that executes.
	DemoTemplateID = "2587542699280171008"
	// DemoTemplateID2 is a second task template that executes.
	DemoTemplateID2 = "2587542699280171009"
	// DemoFailingTemplateID is a task template whose execution fails: a call
	// that names it fails as a whole (status "error" with error_cause and faq),
	// whatever other templates it names.
	DemoFailingTemplateID = "2587542699280171666"
)

// DemoTemplateIDs returns the seeded task templates that execute
// successfully (DemoTemplateID, DemoTemplateID2).
func DemoTemplateIDs() []string { return []string{DemoTemplateID, DemoTemplateID2} }

// TestPlan result codes (`result_id`): the only values the execution and
// result calls accept (CLOUDTEST.00017058).
const (
	resultPassed  = "0" // 成功
	resultFailed  = "1" // 失败
	resultRunning = "5" // 执行中
	resultStopped = "6" // 停止
)

var resultNames = map[string]string{resultPassed: "成功", resultFailed: "失败", resultRunning: "执行中", resultStopped: "停止"}

// finalResult reports whether a result code ends an execution.
func finalResult(r string) bool { return r == resultPassed || r == resultFailed || r == resultStopped }

// PlanInfo describes a TestPlan plan (see Server.Plans).
type PlanInfo struct {
	// ID is the plan id (32 hex characters).
	ID string
	// Name is the plan name.
	Name string
	// ServiceIDs are the plan's test type services (`service_id_list`).
	ServiceIDs []int
	// StartDate and EndDate are the plan cycle as sent ("2026-11-01"), "" if
	// not given.
	StartDate, EndDate string
	// AssigneeID is the plan's handler (`assigned_id`; the calling user when
	// none was sent).
	AssigneeID string
	// CaseIDs are the plan's cases in the order they were added.
	CaseIDs []string
	// Created is the simulator's wall clock when the plan was created.
	Created time.Time
}

// TestCaseExecution is one recorded case execution (RunTestCase), with its
// result once UpdateTestCaseResult recorded one.
type TestCaseExecution struct {
	// ExecuteID is the caller's execution id (`execute_id`).
	ExecuteID string
	// CaseID is the case.
	CaseID string
	// PlanID is the plan the execution belongs to, "" if none was sent.
	PlanID string
	// ServiceID is the test type service sent.
	ServiceID int
	// Result is the latest result code: "0" passed, "1" failed, "5" running,
	// "6" stopped.
	Result string
	// Start is `start_time`; End is `end_time` (zero until a result).
	Start, End time.Time
	// Duration is `duration` (milliseconds on the wire).
	Duration time.Duration
	// Description is the result's remark.
	Description string
	// ResultUpdated reports whether UpdateTestCaseResult recorded a result.
	ResultUpdated bool
}

// AttaskExecution is one task template execution request (successful or
// not), as the simulator received it.
type AttaskExecution struct {
	// ID is the execution id answered (`result`); "" when the call failed.
	ID string
	// TaskIDs are the templates named (`testSuite[].taskId`), in order.
	TaskIDs []string
	// SutName, SutBranch, UserName, TestServiceID, IP and Port are the
	// request's `sutName`, `sut_branch_name`, `userName`, `testServiceId`,
	// `ip` and `port`.
	SutName, SutBranch, UserName, TestServiceID, IP, Port string
	// ErrorCode is the error code answered, "" on success.
	ErrorCode string
	// Time is the simulator's wall clock when the request was served.
	Time time.Time
}

type tpService struct {
	id   int
	name string
}

type tpCase struct {
	id          string
	serviceID   int
	name        string
	number      string
	description string
	rank        int
	created     time.Time
	latest      *tpExec // the most recently recorded execution, any plan
	executions  int
}

type tpPlan struct {
	seq        int
	id, name   string
	serviceIDs []int
	start, end string
	assignee   string
	created    time.Time
	cases      []string
	inPlan     map[string]bool
	latest     map[string]*tpExec // case id -> most recently recorded execution in this plan
	execCount  map[string]int     // case id -> executions in this plan
}

type tpExec struct {
	executeID, caseID, planID string
	serviceID                 int
	result                    string
	start, end                time.Time
	duration                  time.Duration
	hasDuration               bool
	description               string
	updated                   bool
}

type tpEnv struct {
	id, name, description string
	isDefault             bool
}

// testPlan is the TestPlan and attask state (guarded by Server.mu).
type testPlan struct {
	services  map[int]*tpService
	cases     map[string]*tpCase
	caseOrder []string    // creation order
	caseSeq   map[int]int // per service: cases generated so far
	plans     map[string]*tpPlan
	planSeq   int
	execs     map[string]*tpExec // by execute id
	execOrder []*tpExec
	envs      []*tpEnv
	templates map[string]bool // template id -> fails
	attask    []AttaskExecution
}

// tpID returns a deterministic 32-hex id for the n-th object of a kind.
func tpID(kind string, n int) string {
	h := sha256.Sum256(fmt.Appendf(nil, "codearts-runner-sim/%s/%d", kind, n))
	return hex.EncodeToString(h[:16])
}

// newCaseLocked generates the next case of a service.
func (tp *testPlan) newCaseLocked(serviceID int, now time.Time) *tpCase {
	tp.caseSeq[serviceID]++
	n := tp.caseSeq[serviceID]
	c := &tpCase{id: tpID(fmt.Sprintf("case/%d", serviceID), n), serviceID: serviceID,
		name: fmt.Sprintf("%s-case-%03d", tp.services[serviceID].name, n), number: fmt.Sprintf("TC-%d-%03d", serviceID, n),
		description: "simulated case", rank: 2, created: now}
	tp.cases[c.id] = c
	tp.caseOrder = append(tp.caseOrder, c.id)
	return c
}

func (tp *testPlan) addPlanLocked(id, name string, serviceIDs []int, start, end, assignee string, now time.Time) *tpPlan {
	tp.planSeq++
	p := &tpPlan{seq: tp.planSeq, id: id, name: name, serviceIDs: slices.Clone(serviceIDs), start: start, end: end,
		assignee: assignee, created: now, inPlan: map[string]bool{}, latest: map[string]*tpExec{}, execCount: map[string]int{}}
	tp.plans[id] = p
	return p
}

func (p *tpPlan) addCase(id string) {
	if !p.inPlan[id] {
		p.inPlan[id] = true
		p.cases = append(p.cases, id)
	}
}

// seedTestPlan builds the demo TestPlan workspace and task templates.
func (s *Server) seedTestPlan() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.wallNow()
	created := now.Add(-14 * 24 * time.Hour)
	tp := &testPlan{
		services:  map[int]*tpService{},
		cases:     map[string]*tpCase{},
		caseSeq:   map[int]int{},
		plans:     map[string]*tpPlan{},
		execs:     map[string]*tpExec{},
		templates: map[string]bool{DemoTemplateID: false, DemoTemplateID2: false, DemoFailingTemplateID: true},
	}
	s.tp = tp
	tp.services[DemoServiceID] = &tpService{id: DemoServiceID, name: DemoServiceName}
	tp.services[DemoOtherServiceID] = &tpService{id: DemoOtherServiceID, name: DemoOtherServiceName}
	for range DemoCasePoolSize {
		tp.newCaseLocked(DemoServiceID, created)
	}
	for range DemoOtherCaseCount {
		tp.newCaseLocked(DemoOtherServiceID, created)
	}
	day := func(d int) string { return now.AddDate(0, 0, d).UTC().Format(planDateLayout) }
	p := tp.addPlanLocked(DemoPlanID, DemoPlanName, []int{DemoServiceID}, day(-7), day(21), DemoUserID, created)
	for _, id := range tp.caseOrder[:DemoPlanCaseCount] {
		p.addCase(id)
	}
	tp.addPlanLocked(DemoHotfixPlanID, DemoHotfixPlanName, []int{DemoServiceID, DemoOtherServiceID}, day(0), day(7),
		DemoUserID, created.Add(time.Hour))
	tp.envs = []*tpEnv{
		{id: DemoEnvironmentID, name: DemoEnvironmentName, description: "默认环境", isDefault: true},
		{id: DemoStagingEnvironmentID, name: DemoStagingEnvironmentName, description: "pre-production"},
	}
}

// DemoCaseIDs returns the first n seeded case ids of DemoServiceID (n at
// most DemoCasePoolSize). They are deterministic: every simulator returns
// the same ids. The first DemoPlanCaseCount of them are in DemoPlanID.
func (s *Server) DemoCaseIDs(n int) []string {
	if n < 0 || n > DemoCasePoolSize {
		panic(fmt.Sprintf("sim: DemoCaseIDs(%d): the pool holds %d cases", n, DemoCasePoolSize))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.serviceCaseIDsLocked(DemoServiceID)[:n]
}

// ServiceCaseIDs returns every case id of a test type service, in creation
// order (nil for an unknown service).
func (s *Server) ServiceCaseIDs(serviceID int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.serviceCaseIDsLocked(serviceID)
}

func (s *Server) serviceCaseIDsLocked(serviceID int) []string {
	var out []string
	for _, id := range s.tp.caseOrder {
		if s.tp.cases[id].serviceID == serviceID {
			out = append(out, id)
		}
	}
	return out
}

// AddTestService registers one more test type service (a `service_id`
// accepted by the TestPlan calls). An existing id is renamed.
func (s *Server) AddTestService(id int, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tp.services[id] = &tpService{id: id, name: name}
}

// AddTestCases creates n more cases of a test type service (in no plan) and
// returns their ids. It panics if the service does not exist.
func (s *Server) AddTestCases(serviceID, n int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tp.services[serviceID] == nil {
		panic(fmt.Sprintf("sim: AddTestCases: no test type service %d", serviceID))
	}
	now := s.wallNow()
	ids := make([]string, 0, n)
	for range n {
		ids = append(ids, s.tp.newCaseLocked(serviceID, now).id)
	}
	return ids
}

// AddTaskTemplate registers a task template id for attask; fails makes its
// execution fail (and with it every call that names it).
func (s *Server) AddTaskTemplate(id string, fails bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tp.templates[id] = fails
}

// Plans returns every TestPlan plan of DemoCodeArtsProjectID, oldest first.
func (s *Server) Plans() []PlanInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := s.plansLocked()
	slices.Reverse(ps)
	out := make([]PlanInfo, 0, len(ps))
	for _, p := range ps {
		out = append(out, PlanInfo{ID: p.id, Name: p.name, ServiceIDs: slices.Clone(p.serviceIDs), StartDate: p.start,
			EndDate: p.end, AssigneeID: p.assignee, CaseIDs: slices.Clone(p.cases), Created: p.created})
	}
	return out
}

// plansLocked returns the plans newest first (the list call's order).
func (s *Server) plansLocked() []*tpPlan {
	ps := make([]*tpPlan, 0, len(s.tp.plans))
	for _, p := range s.tp.plans {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b *tpPlan) int { return b.seq - a.seq })
	return ps
}

// PlanCases returns the cases of a plan: case id -> the result code of the
// case's most recently recorded execution in that plan ("0" passed, "1"
// failed, "5" running, "6" stopped; "" never executed in the plan). It is nil
// for an unknown plan.
func (s *Server) PlanCases(planID string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.tp.plans[planID]
	if p == nil {
		return nil
	}
	out := make(map[string]string, len(p.cases))
	for _, id := range p.cases {
		out[id] = ""
		if e := p.latest[id]; e != nil {
			out[id] = e.result
		}
	}
	return out
}

// TestCaseExecutions returns every execution recorded by RunTestCase, in
// the order they were recorded, with their current results.
func (s *Server) TestCaseExecutions() []TestCaseExecution {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]TestCaseExecution, 0, len(s.tp.execOrder))
	for _, e := range s.tp.execOrder {
		out = append(out, TestCaseExecution{ExecuteID: e.executeID, CaseID: e.caseID, PlanID: e.planID,
			ServiceID: e.serviceID, Result: e.result, Start: e.start, End: e.end, Duration: e.duration,
			Description: e.description, ResultUpdated: e.updated})
	}
	return out
}

// AttaskExecutions returns every task template execution request served
// (after authentication), successful or not, in order.
func (s *Server) AttaskExecutions() []AttaskExecution {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]AttaskExecution, len(s.tp.attask))
	for i, a := range s.tp.attask {
		a.TaskIDs = slices.Clone(a.TaskIDs)
		out[i] = a
	}
	return out
}
