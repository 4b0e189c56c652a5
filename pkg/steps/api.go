package steps

import (
	"context"

	"github.com/codearts-runner/codearts-runner/pkg/api/cloudtest"
	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/api/mas"
)

// The flows depend on these small interfaces — only the calls they make — so that their
// decisions can be tested against an in-memory fake. The API clients satisfy them; a method a
// flow starts calling is added here.

// CPTSAPI is what the PerfTest flow calls on CodeArts PerfTest; *cpts.Client satisfies it.
type CPTSAPI interface {
	ListSuites(ctx context.Context) ([]cpts.Suite, error)
	ListTasks(ctx context.Context, suiteID int64) ([]cpts.TaskSummary, error)
	ListSuiteCases(ctx context.Context, suiteID int64) ([]cpts.DirectoryEntry, error)
	ShowTask(ctx context.Context, taskID int64) (*cpts.Task, error)
	CreateTask(ctx context.Context, req cpts.CreateTaskRequest) (int64, error)
	SetTaskCases(ctx context.Context, taskID int64, req cpts.SetTaskCasesRequest) error
	StartTask(ctx context.Context, suiteID, taskID int64, cl cpts.Cluster) (int64, error)
	StartTasks(ctx context.Context, suiteID int64, taskIDs []int64, cl cpts.Cluster) (map[int64]int64, error)
	StopTask(ctx context.Context, suiteID, taskID int64) error
	History(ctx context.Context, taskID int64) ([]cpts.HistoryRun, error)
	ListCaseRuns(ctx context.Context, runID int64) ([]cpts.CaseRun, error)
	ShowReport(ctx context.Context, runID, caseRunID int64, curvePoints int) (*cpts.Report, error)
	ListVariables(ctx context.Context, suiteID int64, varType int) ([]cpts.Variable, error)
	ListAllVariables(ctx context.Context, suiteID int64) ([]cpts.Variable, error)
	CreateVariable(ctx context.Context, suiteID int64, name string, varType int, values ...any) (int64, error)
	UpdateVariables(ctx context.Context, suiteID int64, vs []cpts.Variable) error
	DeleteVariable(ctx context.Context, suiteID, id int64) error
}

// PlanAPI is what the TestPlan flows (plan resolution, case sync, result records) call on
// CodeArts TestPlan; *cloudtest.Client satisfies it.
type PlanAPI interface {
	ListPlans(ctx context.Context, name string) ([]cloudtest.Plan, error)
	CreatePlan(ctx context.Context, req cloudtest.CreatePlanRequest) (string, error)
	ListPlanCases(ctx context.Context, planID string) ([]cloudtest.PlanCase, error)
	AddCases(ctx context.Context, planID string, serviceID int64, caseIDs []string) (*cloudtest.BatchResult, error)
	RunTestCases(ctx context.Context, req cloudtest.RunCasesRequest) (*cloudtest.BatchResult, error)
	UpdateCaseResults(ctx context.Context, req cloudtest.UpdateResultsRequest) (*cloudtest.BatchResult, error)
}

// AttaskAPI is what the TaskModel flow calls on the task template service; *cloudtest.Attask
// satisfies it.
type AttaskAPI interface {
	Execute(ctx context.Context, req cloudtest.ExecuteRequest) (string, error)
}

// MASAPI is what the Workflow flow calls on MAS; *mas.Client satisfies it.
type MASAPI interface {
	ListWorkflows(ctx context.Context) ([]mas.Workflow, *mas.Answer, error)
	Start(ctx context.Context, workflowID string) (string, *mas.Answer, error)
	Status(ctx context.Context, workflowID, job string) (*mas.JobStatus, error)
	Stop(ctx context.Context, job string) error
	History(ctx context.Context, page, size int) ([]mas.Job, *mas.Answer, error)
	Log(ctx context.Context, job, stateID string) (string, error)
	Skip(ctx context.Context, job, taskID string) error
	Retry(ctx context.Context, job, taskID string) error
}

var (
	_ CPTSAPI   = (*cpts.Client)(nil)
	_ PlanAPI   = (*cloudtest.Client)(nil)
	_ AttaskAPI = (*cloudtest.Attask)(nil)
	_ MASAPI    = (*mas.Client)(nil)
)
