package steps

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api/cloudtest"
	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
)

// fakeCPTS is an in-memory CPTSAPI for the flows' decision tests (no HTTP). Each field is the
// answer of one call; the show func, when set, answers the n-th ShowTask (0-based). Calls lists
// every call made, as "Method args".
type fakeCPTS struct {
	mu       sync.Mutex
	calls    []string
	shows    int
	suites   []cpts.Suite
	tasks    []cpts.TaskSummary
	entries  []cpts.DirectoryEntry
	show     func(n int) (*cpts.Task, error)
	history  []cpts.HistoryRun
	histErr  error
	caseRuns []cpts.CaseRun
	report   func(caseRunID int64) (*cpts.Report, error)
	// runReport, when set, answers ShowReport by run and case run (earlier runs differ).
	runReport func(runID, caseRunID int64) (*cpts.Report, error)
	vars      []cpts.Variable
	varsErr   error
	startID   int64
	startErr  error
	stopErr   error
	listErr   error // ListSuites and ListTasks
}

var _ CPTSAPI = (*fakeCPTS)(nil)

func (f *fakeCPTS) record(format string, a ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, a...))
}

// called lists the calls made whose text starts with prefix.
func (f *fakeCPTS) called(prefix string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeCPTS) ListSuites(context.Context) ([]cpts.Suite, error) {
	f.record("ListSuites")
	return f.suites, f.listErr
}

func (f *fakeCPTS) ListTasks(_ context.Context, suiteID int64) ([]cpts.TaskSummary, error) {
	f.record("ListTasks %d", suiteID)
	return f.tasks, f.listErr
}

func (f *fakeCPTS) ListSuiteCases(_ context.Context, suiteID int64) ([]cpts.DirectoryEntry, error) {
	f.record("ListSuiteCases %d", suiteID)
	return f.entries, nil
}

func (f *fakeCPTS) ShowTask(ctx context.Context, taskID int64) (*cpts.Task, error) {
	f.record("ShowTask %d", taskID)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	n := f.shows
	f.shows++
	f.mu.Unlock()
	if f.show == nil {
		return nil, errors.New("no task")
	}
	return f.show(n)
}

func (f *fakeCPTS) CreateTask(_ context.Context, req cpts.CreateTaskRequest) (int64, error) {
	f.record("CreateTask %s", req.Name)
	return 900, nil
}

func (f *fakeCPTS) SetTaskCases(_ context.Context, taskID int64, req cpts.SetTaskCasesRequest) error {
	f.record("SetTaskCases %d %v", taskID, req.CaseIDs)
	return nil
}

func (f *fakeCPTS) StartTask(_ context.Context, suiteID, taskID int64, _ cpts.Cluster) (int64, error) {
	f.record("StartTask %d %d", suiteID, taskID)
	return f.startID, f.startErr
}

// StartTasks starts every task with the one scripted run id (the batch start of several tasks).
func (f *fakeCPTS) StartTasks(_ context.Context, suiteID int64, taskIDs []int64, _ cpts.Cluster) (map[int64]int64, error) {
	f.record("StartTasks %d %v", suiteID, taskIDs)
	if f.startErr != nil {
		return nil, f.startErr
	}
	runs := map[int64]int64{}
	for _, id := range taskIDs {
		runs[id] = f.startID
	}
	return runs, nil
}

func (f *fakeCPTS) StopTask(_ context.Context, suiteID, taskID int64) error {
	f.record("StopTask %d %d", suiteID, taskID)
	return f.stopErr
}

func (f *fakeCPTS) History(_ context.Context, taskID int64) ([]cpts.HistoryRun, error) {
	f.record("History %d", taskID)
	return f.history, f.histErr
}

func (f *fakeCPTS) ListCaseRuns(_ context.Context, runID int64) ([]cpts.CaseRun, error) {
	f.record("ListCaseRuns %d", runID)
	return f.caseRuns, nil
}

func (f *fakeCPTS) ShowReport(_ context.Context, runID, caseRunID int64, _ int) (*cpts.Report, error) {
	f.record("ShowReport %d %d", runID, caseRunID)
	if f.runReport != nil {
		return f.runReport(runID, caseRunID)
	}
	if f.report == nil {
		return nil, errors.New("no report")
	}
	return f.report(caseRunID)
}

func (f *fakeCPTS) ListVariables(_ context.Context, suiteID int64, varType int) ([]cpts.Variable, error) {
	f.record("ListVariables %d %d", suiteID, varType)
	return f.vars, f.varsErr
}

func (f *fakeCPTS) ListAllVariables(_ context.Context, suiteID int64) ([]cpts.Variable, error) {
	f.record("ListAllVariables %d", suiteID)
	return f.vars, f.varsErr
}

func (f *fakeCPTS) CreateVariable(_ context.Context, suiteID int64, name string, _ int, values ...any) (int64, error) {
	f.record("CreateVariable %d %s %v", suiteID, name, values)
	return 77, nil
}

func (f *fakeCPTS) UpdateVariables(_ context.Context, suiteID int64, vs []cpts.Variable) error {
	var parts []string
	for _, v := range vs {
		parts = append(parts, fmt.Sprintf("%s=%v", v.Name, v.Values))
	}
	f.record("UpdateVariables %d %s", suiteID, strings.Join(parts, ","))
	return nil
}

func (f *fakeCPTS) DeleteVariable(_ context.Context, suiteID, id int64) error {
	f.record("DeleteVariable %d %d", suiteID, id)
	return nil
}

// taskShowing is task 52631 of suite 17543 whose current run is run with the status st.
func taskShowing(run int64, st cpts.Status) *cpts.Task {
	t := &cpts.Task{ID: 52631, SuiteID: 17543, Name: "ci-gate", RunStatus: st}
	if run != 0 {
		t.Running = []cpts.RunningData{{TaskRunID: cpts.Int(run), CaseRunID: cpts.Int(run*10 + 1), CaseName: "checkout", Status: st}}
		t.Cases = []cpts.CaseDetail{{}}
	}
	return t
}

// always answers every ShowTask with t.
func always(t *cpts.Task) func(int) (*cpts.Task, error) {
	return func(int) (*cpts.Task, error) { return t, nil }
}

// sequence answers the n-th ShowTask with ts[n], the last one from then on.
func sequence(ts ...*cpts.Task) func(int) (*cpts.Task, error) {
	return func(n int) (*cpts.Task, error) { return ts[min(n, len(ts)-1)], nil }
}

// fakeClock is a clock that moves on by step every time it is read.
type fakeClock struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(c.step)
	return c.now
}

// fakePlan is an in-memory PlanAPI.
type fakePlan struct {
	mu      sync.Mutex
	calls   []string
	plans   []cloudtest.Plan
	cases   []cloudtest.PlanCase
	addErr  error
	runErr  error
	updErr  error
	created string
}

var _ PlanAPI = (*fakePlan)(nil)

func (f *fakePlan) record(format string, a ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, a...))
}

func (f *fakePlan) ListPlans(_ context.Context, name string) ([]cloudtest.Plan, error) {
	f.record("ListPlans %s", name)
	var out []cloudtest.Plan
	for _, p := range f.plans {
		if name == "" || strings.Contains(p.Name, name) {
			out = append(out, p)
		}
	}
	return out, nil
}

func (f *fakePlan) CreatePlan(_ context.Context, req cloudtest.CreatePlanRequest) (string, error) {
	f.record("CreatePlan %s", req.Name)
	return f.created, nil
}

func (f *fakePlan) ListPlanCases(_ context.Context, planID string) ([]cloudtest.PlanCase, error) {
	f.record("ListPlanCases %s", planID)
	return f.cases, nil
}

func (f *fakePlan) AddCases(_ context.Context, planID string, serviceID int64, caseIDs []string) (*cloudtest.BatchResult, error) {
	f.record("AddCases %s %d %v", planID, serviceID, caseIDs)
	if f.addErr != nil {
		return nil, f.addErr
	}
	res := &cloudtest.BatchResult{}
	for _, c := range caseIDs {
		if strings.HasPrefix(c, "bad") {
			res.Failed = append(res.Failed, cloudtest.CaseFailure{CaseID: c, Code: "CT.1", Message: "refused"})
		} else {
			res.Succeeded = append(res.Succeeded, c)
		}
	}
	return res, nil
}

func (f *fakePlan) RunTestCases(_ context.Context, req cloudtest.RunCasesRequest) (*cloudtest.BatchResult, error) {
	f.record("RunTestCases %s %d", req.PlanID, len(req.Cases))
	if f.runErr != nil {
		return nil, f.runErr
	}
	return &cloudtest.BatchResult{}, nil
}

func (f *fakePlan) UpdateCaseResults(_ context.Context, req cloudtest.UpdateResultsRequest) (*cloudtest.BatchResult, error) {
	f.record("UpdateCaseResults %s %d", req.PlanID, len(req.Results))
	if f.updErr != nil {
		return nil, f.updErr
	}
	res := &cloudtest.BatchResult{}
	for _, r := range req.Results {
		if strings.HasPrefix(r.CaseID, "bad") {
			res.Failed = append(res.Failed, cloudtest.CaseFailure{CaseID: r.CaseID, Code: "CT.2", Message: "no such case"})
		}
	}
	return res, nil
}
