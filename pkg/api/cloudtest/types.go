package cloudtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// ErrNoData reports a 2xx answer that lacks the one value the call exists
// for (no plan_id after a create, no execution id after a task template
// execution). The error text carries any error_code/error_msg the answer had.
var ErrNoData = errors.New("answer carried no data")

// ErrTooManyCases is wrapped by the error of a batch call given more than
// MaxBatch cases; nothing was sent. Split the list and call again.
var ErrTooManyCases = errors.New("too many cases in one call")

// MaxBatch is the largest number of cases one batch call accepts (batch-add,
// execution, result): error codes CLOUDTEST.00030001, .00017055 and
// .00017056 reject more than 50.
const MaxBatch = 50

// Result is a case result code of the execution and result calls
// (`result_id`): "0" passed, "1" failed, "5" running, "6" stopped
// (CLOUDTEST.00017058 accepts only these).
type Result string

// The documented result codes.
const (
	// ResultPassed is a passed case (成功).
	ResultPassed Result = "0"
	// ResultFailed is a failed case (失败).
	ResultFailed Result = "1"
	// ResultRunning is a case being executed (执行中).
	ResultRunning Result = "5"
	// ResultStopped is a stopped case (停止).
	ResultStopped Result = "6"
)

// Valid reports whether r is one of the documented result codes.
func (r Result) Valid() bool {
	switch r {
	case ResultPassed, ResultFailed, ResultRunning, ResultStopped:
		return true
	}
	return false
}

// String names the result, e.g. "passed (0)".
func (r Result) String() string {
	name := map[Result]string{ResultPassed: "passed", ResultFailed: "failed",
		ResultRunning: "running", ResultStopped: "stopped"}[r]
	if name == "" {
		return fmt.Sprintf("result %q", string(r))
	}
	return name + " (" + string(r) + ")"
}

// Int and Text are the wire layer's tolerant JSON scalars (see pkg/api).
type (
	// Int is api.Int: 12, 12.0, "12", "-4"; null or "" as 0.
	Int = api.Int
	// Text is api.Text: a string, or a number or boolean kept as written; null as "".
	Text = api.Text
)

// NameID is a `{id, name}` object (NameAndId, NameAndIdVo).
type NameID struct {
	// ID is the object's id as sent.
	ID Text `json:"id"`
	// Name is the object's name.
	Name string `json:"name"`
}

// User is a plan's creator or owner (`creator`, `owner`).
type User struct {
	// ID is the user id.
	ID Text `json:"id"`
	// Name is the display name (owner only: the nick name, else the user name).
	Name string `json:"name"`
	// NickName is absent when the user set none.
	NickName string `json:"nick_name"`
	// UserName is the user name.
	UserName string `json:"user_name"`
}

// Plan is a test plan (ListPlans v2, TestPlanDetail).
type Plan struct {
	// ID is the plan id (`plan_id`), 11–34 characters.
	ID Text `json:"plan_id"`
	// Name is the plan name.
	Name string `json:"name"`
	// ProjectID is the CodeArts project id.
	ProjectID Text `json:"project_id"`
	// CurrentStage is create, design, execute or report.
	CurrentStage string `json:"current_stage"`
	// StartDate is the start date as sent, e.g. "2021-07-10".
	StartDate string `json:"start_date"`
	// EndDate is the due date as sent.
	EndDate string `json:"end_date"`
	// FinishDate is when every case of the plan was completed, as sent.
	FinishDate string `json:"finish_date"`
	// ExpireDay is the number of days past the due date (positive = overdue);
	// a string in the document, an integer in the SDK.
	ExpireDay Int `json:"expire_day"`
	// Creator created the plan.
	Creator User `json:"creator"`
	// Owner handles the plan.
	Owner User `json:"owner"`
	// Iteration is the plan's iteration.
	Iteration NameID `json:"iteration"`
	// Design holds the design stage figures.
	Design DesignStage `json:"design_stage"`
	// Execute holds the execution stage figures.
	Execute ExecuteStage `json:"execute_stage"`
	// Report holds the report stage figures.
	Report ReportStage `json:"report_stage"`
}

// DesignStage is a plan's `design_stage`.
type DesignStage struct {
	// CaseCount is the number of cases.
	CaseCount Int `json:"case_count"`
	// IssueCount is the number of requirements.
	IssueCount Int `json:"issue_count"`
	// IssueCoveredCount is the number of requirements linked to a case
	// (a string on the wire).
	IssueCoveredCount Int `json:"issue_covered_count"`
}

// ExecuteStage is a plan's `execute_stage`.
type ExecuteStage struct {
	// CasePassRate is the pass rate as sent, e.g. "0.00%".
	CasePassRate Text `json:"case_pass_rate"`
	// CompletedDefectCount is the number of completed defects.
	CompletedDefectCount Int `json:"completed_defect_count"`
	// DefectCount is the number of defects.
	DefectCount Int `json:"defect_count"`
	// ExecutedCaseCount is the number of executed cases.
	ExecutedCaseCount Int `json:"executed_case_count"`
}

// ReportStage is a plan's `report_stage`.
type ReportStage struct {
	// CaseCompleteRate is the completion rate as sent, e.g. "100.00%".
	CaseCompleteRate Text `json:"case_complete_rate"`
}

// Environment is an environment parameter group (ListEnvironments).
type Environment struct {
	// ID is the group id (`environment_id`, 32 characters).
	ID Text `json:"environment_id"`
	// Name is the group name.
	Name string `json:"environment_name"`
	// Description is free text.
	Description string `json:"environment_description"`
	// IsDefault marks the default environment.
	IsDefault bool `json:"is_default"`
}

// PlanCase is a case of a plan with its latest result (ListTestCases
// `values[]`, ExternalTestCaseVo).
type PlanCase struct {
	// ID is the case id (32 characters).
	ID Text `json:"id"`
	// Name is the case name.
	Name string `json:"name"`
	// Number is the case number.
	Number Text `json:"number"`
	// Description is free text.
	Description string `json:"description"`
	// RankID is the case level as sent.
	RankID Text `json:"rank_id"`
	// ProjectID is the CodeArts project id.
	ProjectID Text `json:"project_id"`
	// Owner handles the case.
	Owner NameID `json:"owner"`
	// Status is the case status.
	Status NameID `json:"status"`
	// Result is the case's latest result; Result.ID holds the result code.
	Result NameID `json:"result"`
	// Module is the case's module.
	Module NameID `json:"module"`
	// Iteration is the case's iteration.
	Iteration NameID `json:"iteration"`
	// ExecutionType is how the case is executed (manual, automatic, …).
	ExecutionType NameID `json:"execution_type"`
	// TestType is the case's test type; its id is an integer.
	TestType NameID `json:"test_type"`
	// Created records who created the case and when.
	Created UserTime `json:"create_info"`
	// Executed records the latest execution.
	Executed ExecuteInfo `json:"execute_info"`
}

// UserTime is a `{time, timestamp, user_id, user_name}` record (CreateInfoVo).
type UserTime struct {
	// Time is the time as sent.
	Time string `json:"time"`
	// Timestamp is the time as a Unix timestamp as sent.
	Timestamp Int `json:"timestamp"`
	// UserID is the user id.
	UserID Text `json:"user_id"`
	// UserName is the user name.
	UserName string `json:"user_name"`
}

// ExecuteInfo is a case's latest execution (ExecuteInfoVo).
type ExecuteInfo struct {
	// Time is the start time as sent.
	Time string `json:"time"`
	// Timestamp is the start time as a Unix timestamp as sent.
	Timestamp Int `json:"timestamp"`
	// Duration is the execution time as sent.
	Duration Text `json:"duration"`
	// UserID is the user who executed the case.
	UserID Text `json:"user_id"`
	// UserName is the user who executed the case.
	UserName string `json:"user_name"`
	// ExecuteTimes is how often the case was executed.
	ExecuteTimes Int `json:"execute_times"`
}

// CaseDetail is one case as ShowCase reads it (ShowTestCaseDetail).
type CaseDetail struct {
	// ID is the case id (`testcase_id`).
	ID Text `json:"testcase_id"`
	// ProjectID is the CodeArts project id.
	ProjectID Text `json:"project_id"`
	// ServiceID is the test type service the case belongs to.
	ServiceID Int `json:"service_id"`
	// Name is the case name.
	Name string `json:"name"`
	// Number is the case number (`testcase_number`).
	Number Text `json:"testcase_number"`
	// RankID is the case level.
	RankID Int `json:"rank_id"`
	// StatusID is the case status as sent.
	StatusID Text `json:"status_id"`
	// Assignee handles the case (`assigned_user`).
	Assignee NameID `json:"assigned_user"`
	// ExecuteCount is how often the case was executed.
	ExecuteCount Int `json:"execute_count"`
	// ResultID is the latest result code (see Result).
	ResultID Text `json:"result_id"`
}

// Result returns the latest result code.
func (d *CaseDetail) Result() Result { return Result(d.ResultID) }

// CaseFailure is one case a batch call could not handle
// (`error_detail.failed[]`, ErrorCaseInfoBean).
type CaseFailure struct {
	// CaseID is the case id (`testcase_id`).
	CaseID string
	// Code is the error code, e.g. "CLOUDTEST.00017057".
	Code string
	// Message is the error message, verbatim (often Chinese).
	Message string
}

// UnmarshalJSON decodes an ErrorCaseInfoBean, tolerating numbers and nulls.
func (f *CaseFailure) UnmarshalJSON(b []byte) error {
	var w struct {
		CaseID  Text `json:"testcase_id"`
		Code    Text `json:"error_code"`
		Message Text `json:"error_msg"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*f = CaseFailure{CaseID: string(w.CaseID), Code: string(w.Code), Message: string(w.Message)}
	return nil
}

// String renders the failure as `id: code message` (without `id: ` when
// the failure names no case).
func (f CaseFailure) String() string {
	what := strings.TrimSpace(f.Code + " " + f.Message)
	if f.CaseID == "" {
		return what
	}
	return strings.TrimSpace(f.CaseID + ": " + what)
}
