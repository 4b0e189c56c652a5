package cpts

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// ErrNoData reports a 2xx answer that lacks the one value the call exists
// for (no task_id after a create, no task_run_id after a start, no taskInfo,
// no report). For a start it means the task may have started anyway.
var ErrNoData = errors.New("answer carried no data")

// OperateModeMixed is the only task mode the current task API accepts
// (`operate_mode: 2`); CreateTask and SetTaskCases always send it.
const OperateModeMixed = 2

// Variable types of a global variable (`variable_type`).
const (
	// VariableInteger is an integer range variable: Values = [min, max].
	VariableInteger = 1
	// VariableEnum is an enumeration of strings.
	VariableEnum = 2
	// VariableFile is a file variable.
	VariableFile = 3
	// VariableText is a text variable.
	VariableText = 5
)

// VariableTypes are the documented values of `variable_type` (ListVariables,
// VariableDetail: 1 integer, 2 enumeration, 3 file, 5 text). ListVariables
// lists one type per call; no value is documented to mean "every type".
var VariableTypes = []int{VariableInteger, VariableEnum, VariableFile, VariableText}

// Int, Number and Text are the wire layer's tolerant JSON scalars (see pkg/api): ids and
// counts written as 12, 12.0 or "12"; figures that may be null; ids typed as strings or numbers.
type (
	// Int is api.Int.
	Int = api.Int
	// Number is api.Number.
	Number = api.Number
	// Text is api.Text.
	Text = api.Text
	// Numbers is api.Numbers: a curve.
	Numbers = api.Numbers
)

// NumberOf returns a valid Number holding v.
func NumberOf(v float64) Number { return api.NumberOf(v) }

// objectOrFirst decodes an object, or the first element of an array of
// objects (the ShowTask example shows `"taskInfo": [ {...} ]`).
type objectOrFirst[T any] struct{ v *T }

// UnmarshalJSON implements json.Unmarshaler.
func (o *objectOrFirst[T]) UnmarshalJSON(b []byte) error {
	o.v = nil
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if b[0] == '[' {
		var all []T
		if err := json.Unmarshal(b, &all); err != nil {
			return err
		}
		if len(all) > 0 {
			o.v = &all[0]
		}
		return nil
	}
	v := new(T)
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	o.v = v
	return nil
}

// Suite is a PerfTest project ("test suite", ListProjectSets `projects[]`).
type Suite struct {
	// ID is the suite id used as test_suite_id in other calls.
	ID Int `json:"id"`
	// Name is the suite name.
	Name string `json:"name"`
	// Description is free text.
	Description string `json:"description"`
	// Source is 0 for PerfTest, 2 for CloudTest.
	Source Int `json:"source"`
	// CreateTime is the creation time as sent (RFC 3339).
	CreateTime string `json:"CreateTime"`
	// UpdateTime is the last update time as sent (RFC 3339).
	UpdateTime string `json:"UpdateTime"`
	// VariablesNoFile lists the suite's non-file variables.
	VariablesNoFile []string `json:"variables_no_file"`
}

// TaskSummary is one task of a suite (ShowTaskSet `tasks[]`).
type TaskSummary struct {
	// ID is the task id.
	ID Int `json:"id"`
	// Name is the task name.
	Name string `json:"name"`
	// Description is free text.
	Description string `json:"description"`
	// BenchConcurrent is the baseline concurrency.
	BenchConcurrent Int `json:"bench_concurrent"`
	// OperateMode is the task mode (0 duration, 1 count, 2 mixed).
	OperateMode Int `json:"operate_mode"`
	// Parallel reports whether the task's cases run in parallel.
	Parallel bool `json:"parallel"`
	// UpdateTime is the last update time as sent.
	UpdateTime string `json:"update_time"`
	// RunInfo describes the task's run kind.
	RunInfo TaskRunInfo `json:"task_run_info"`
}

// TaskRunInfo is ShowTaskSet's `task_run_info`.
type TaskRunInfo struct {
	// ID is documented as "task id"; 0 in the examples.
	ID Int `json:"id"`
	// RunType is 0 for old-style tasks, 1 for new-style tasks.
	RunType Int `json:"run_type"`
}

// Task is ShowTask's `taskInfo`: a task with its cases and the brief state
// of its latest run.
type Task struct {
	// ID is the task id. The service does not send it; ShowTask fills it in.
	ID Int `json:"id"`
	// Name is the task name.
	Name string `json:"name"`
	// Description is free text.
	Description string `json:"description"`
	// SuiteID is the suite the task belongs to (`project_id`).
	SuiteID Int `json:"project_id"`
	// BenchConcurrent is the baseline concurrency.
	BenchConcurrent Int `json:"bench_concurrent"`
	// OperateMode is the task mode (0 duration, 1 count, 2 mixed).
	OperateMode Int `json:"operate_mode"`
	// Parallel reports whether the cases run in parallel (else one after another).
	Parallel bool `json:"parallel"`
	// RunStatus is the state of the latest run; StatusUnknown when absent or
	// null. Right after a start it may still describe the previous run: check
	// CurrentRunID first.
	RunStatus Status `json:"run_status"`
	// CreateTime is the creation time as sent.
	CreateTime string `json:"create_time"`
	// UpdateTime is the last update time as sent.
	UpdateTime string `json:"update_time"`
	// Cases are the task's cases with their stage plans (`case_list`).
	Cases []CaseDetail `json:"case_list"`
	// Running is the brief state of the latest run, one entry per case run
	// (`related_temp_running_data`).
	Running []RunningData `json:"related_temp_running_data"`
}

// UnmarshalJSON decodes a task; a missing run_status decodes as StatusUnknown.
func (t *Task) UnmarshalJSON(b []byte) error {
	type plain Task
	p := plain{RunStatus: StatusUnknown}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*t = Task(p)
	return nil
}

// CurrentRunID returns the task run id (report id) the latest run data
// belongs to, from `related_temp_running_data[].task_run_info_id` (nested
// entries included). When entries disagree the largest id wins; 0 means the
// task has no run data.
func (t *Task) CurrentRunID() int64 {
	var best int64
	var walk func([]RunningData)
	walk = func(rs []RunningData) {
		for i := range rs {
			best = max(best, int64(rs[i].TaskRunID))
			walk(rs[i].Children)
		}
	}
	walk(t.Running)
	return best
}

// CaseRunIDs returns the case run ids (`related_temp_running_id`) recorded
// for task run runID, in the order sent and without duplicates. It is a
// fallback for ListCaseRuns.
func (t *Task) CaseRunIDs(runID int64) []int64 {
	var ids []int64
	seen := map[int64]bool{}
	for _, r := range t.Running {
		id := int64(r.CaseRunID)
		if int64(r.TaskRunID) != runID || id == 0 || seen[id] {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}
	return ids
}

// RunningData is one `related_temp_running_data` entry: a case run (or,
// nested, a request/transaction run) of the latest task run. The documents
// describe both a flat list carrying temp_running_status and a nested one;
// both decode.
type RunningData struct {
	// TaskRunID is the task run id (report id, `task_run_info_id`).
	TaskRunID Int `json:"task_run_info_id"`
	// CaseRunID is the case run id used by ShowReport (`related_temp_running_id`).
	CaseRunID Int `json:"related_temp_running_id"`
	// CaseID is the case (or transaction) id (`temp_id`).
	CaseID Int `json:"temp_id"`
	// CaseName is the case (or transaction) name (`temp_name`).
	CaseName string `json:"temp_name"`
	// Status is the case run state (`temp_running_status`); StatusUnknown when absent.
	Status Status `json:"temp_running_status"`
	// CrawlerStatus is the request state (0 ok, 1 parse failed, 2 compare failed, 3 timeout).
	CrawlerStatus Int `json:"crawler_status"`
	// Requests lists "name#METHOD#url" descriptions (`content_method_url`).
	Requests []string `json:"content_method_url"`
	// Children are nested entries (`related_temp_running_data`).
	Children []RunningData `json:"related_temp_running_data"`
}

// UnmarshalJSON decodes an entry; a missing temp_running_status decodes as
// StatusUnknown.
func (r *RunningData) UnmarshalJSON(b []byte) error {
	type plain RunningData
	p := plain{Status: StatusUnknown}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*r = RunningData(p)
	return nil
}

// CaseDetail is one case of a task (`case_list[]`, CaseInfoDetail).
type CaseDetail struct {
	// CaseID is the case id.
	CaseID Int `json:"case_id"`
	// Name is the case name.
	Name string `json:"name"`
	// CaseType is 0 for an ordinary case.
	CaseType Int `json:"case_type"`
	// Status is 0 deleted, 1 enabled, 2 disabled.
	Status Int `json:"status"`
	// TempID is the case id under its legacy name.
	TempID Int `json:"temp_id"`
	// Sort is the case's position in the task.
	Sort Int `json:"sort"`
	// DirectoryID is the directory holding the case.
	DirectoryID Int `json:"directory_id"`
	// UserReplicas is the number of executors.
	UserReplicas Int `json:"user_replicas"`
	// Stages is the case's pressure plan, in order.
	Stages []Stage `json:"stages"`
	// Contents is the case script (cards of requests), see definition.go.
	Contents []CaseContents `json:"contents"`
}

// Stage is one pressure stage of a case (TestCaseStage). Times are seconds.
type Stage struct {
	// Name is the stage name.
	Name string `json:"name"`
	// OperateMode is 0 for a duration stage, 1 for a count stage.
	OperateMode Int `json:"operate_mode"`
	// Time is the stage duration in seconds (duration mode).
	Time Int `json:"time"`
	// StartTime is the documented start time.
	StartTime Int `json:"start_time"`
	// EndTime is the documented end time.
	EndTime Int `json:"end_time"`
	// IssueNum is the maximum concurrency.
	IssueNum Int `json:"issue_num"`
	// Count is the number of sends in count mode.
	Count Int `json:"count"`
	// PressureMode: 0 concurrency, 1 TPS, 2 peak, 3 surge concurrency, 4 surge
	// TPS, 5 oscillating concurrency, 6 oscillating TPS, 7 smart peak.
	PressureMode Int `json:"pressure_mode"`
	// TPSValue is the TPS target in TPS mode.
	TPSValue Int `json:"tps_value"`
	// CurrentUserNum is the starting concurrency.
	CurrentUserNum Int `json:"current_user_num"`
	// CurrentTPS is the starting TPS.
	CurrentTPS Int `json:"current_tps"`
	// VoltageRegulatingMode is 0 automatic, 1 manual pressure regulation.
	VoltageRegulatingMode Int `json:"voltage_regulating_mode"`
	// Maximum is the maximum concurrency in surge/oscillation modes.
	Maximum Int `json:"maximum"`
	// Minimum is the minimum concurrency in surge/oscillation modes.
	Minimum Int `json:"minimum"`
	// LoopCount is the number of surges/oscillations.
	LoopCount Int `json:"loop_count"`
	// MaxDuration is the peak duration in surge mode.
	MaxDuration Int `json:"max_duration"`
	// RampUp is the ramp-up time in seconds in peak mode.
	RampUp Int `json:"ramp_up"`
	// StepDuration is the duration of one step in smart peak mode.
	StepDuration Int `json:"step_duration"`
	// StepSize is the concurrency added per step in smart peak mode.
	StepSize Int `json:"step_size"`
	// PeakLoadKPIs are the stop criteria of peak mode.
	PeakLoadKPIs *StageKPIs `json:"peak_load_kpis"`
}

// StageKPIs are the peak-mode criteria of a stage.
type StageKPIs struct {
	// AverageResponseTime is the response time criterion.
	AverageResponseTime *StageKPI `json:"average_response_time"`
	// SuccessRate is the success rate criterion.
	SuccessRate *StageKPI `json:"success_rate"`
}

// StageKPI is one criterion, e.g. `{"comparison": "<=", "value": 60000}`.
type StageKPI struct {
	// Comparison is the operator as sent.
	Comparison string `json:"comparison"`
	// Value is the threshold.
	Value Number `json:"value"`
}

// TaskCase is one case linked to a task (ListTaskCases `test_cases[]`).
type TaskCase struct {
	// ID is the case id.
	ID Int `json:"id"`
	// Name is the case name.
	Name string `json:"name"`
	// Status is 0 deleted, 1 enabled, 2 disabled.
	Status Int `json:"status"`
	// Type is 1 for a directory, 2 for a case.
	Type Int `json:"type"`
	// ParentID is the directory holding the case.
	ParentID Int `json:"parent_id"`
	// CreateTime is the creation time as sent.
	CreateTime string `json:"create_time"`
	// UpdateTime is the last update time as sent.
	UpdateTime string `json:"update_time"`
}

// CreateTaskRequest is the body of CreateTask. operate_mode is always sent
// as OperateModeMixed.
type CreateTaskRequest struct {
	// Name is the task name (required).
	Name string `json:"name"`
	// SuiteID is the suite the task belongs to (`project_id`, required).
	SuiteID int64 `json:"project_id"`
	// BenchConcurrent is the baseline concurrency; 0 is not sent.
	BenchConcurrent int64 `json:"bench_concurrent,omitempty"`
	// Temps is the documented `temps` list; nil is sent as [].
	Temps []string `json:"temps"`
}

// SetTaskCasesRequest is the body of SetTaskCases (PUT v3 task). It replaces
// the task's case list; operate_mode is always sent as OperateModeMixed.
type SetTaskCasesRequest struct {
	// Name is the task name (required; send the current name to keep it).
	Name string `json:"name"`
	// Parallel runs the cases in parallel when true, one after another otherwise.
	Parallel bool `json:"parallel"`
	// SuiteID is the suite the task belongs to (`project_id`).
	SuiteID int64 `json:"project_id"`
	// CaseIDs are the case ids to link (`case_id_list`); nil is sent as [].
	CaseIDs []int64 `json:"case_id_list"`
}

// Cluster selects where a run executes (UpdateTaskStatus body).
type Cluster struct {
	// Shared selects the shared internet resource group
	// ("shared-cluster-internet", cluster_id 0); otherwise ID names a
	// private resource group ("private-cluster").
	Shared bool
	// ID is the private resource group id; ignored when Shared.
	ID int64
	// EnterpriseProjectID is sent as `enterprise_project_id` when not empty.
	EnterpriseProjectID string
}

// CaseRun is one case run of a task run (ShowMergeTaskCase
// `result.case_aw_info_list[]`).
type CaseRun struct {
	// ID is the case run id for ShowReport (`case_uri_i`, a string on the wire).
	ID Int `json:"case_uri_i"`
	// Name is the case name.
	Name string `json:"name"`
	// CaseURI is the case URI as sent (`caseUri`).
	CaseURI Text `json:"caseUri"`
	// TestcaseID is the case id as sent (`testcaseId`).
	TestcaseID Text `json:"testcaseId"`
	// CaseAwID is the case/AW id as sent (`caseAwId`).
	CaseAwID Text `json:"caseAwId"`
	// TaskID is the task id as sent (`taskId`).
	TaskID Text `json:"taskId"`
	// TaskExecID is the task execution id as sent (`taskExecId`).
	TaskExecID Text `json:"taskExecId"`
}

// HistoryRun is one earlier run of a task (ShowHistoryRunInfo `log_list[]`).
type HistoryRun struct {
	// RunID is the task run (report) id; documented as a double.
	RunID Int `json:"run_id"`
	// Name is the report name.
	Name string `json:"name"`
	// RunType is 0 for old-style, 1 for new-style tasks.
	RunType Int `json:"run_type"`
	// StartTime is the start time as sent (RFC 3339).
	StartTime string `json:"start_time"`
	// EndTime is the end time as sent (RFC 3339).
	EndTime string `json:"end_time"`
	// ContinueTime is the run's length in seconds (`continue_time`).
	ContinueTime Number `json:"continue_time"`
	// CaseNames are the case or transaction names (`temp_names[].name`).
	CaseNames []NameOnly `json:"temp_names"`
	// Parallel reports whether the cases ran in parallel.
	Parallel bool `json:"parallel"`
}

// NameOnly is a `{"name": ...}` object.
type NameOnly struct {
	// Name is the name.
	Name string `json:"name"`
}

// Variable is a global variable of a suite (VariableDetail).
type Variable struct {
	// ID is the variable id.
	ID Int `json:"id"`
	// Name is the variable name.
	Name string `json:"name"`
	// Type is VariableInteger, VariableEnum, VariableFile or VariableText.
	Type Int `json:"variable_type"`
	// Values are the values: [min, max] numbers for an integer variable,
	// strings for an enumeration. Numbers decode as float64.
	Values []any `json:"variable"`
	// Mode is 0 sequential, 1 random read.
	Mode Int `json:"variable_mode"`
	// ShareMode is 0 per case, 1 per concurrent user.
	ShareMode Int `json:"share_mode"`
	// FileSize is the file size for file variables.
	FileSize Int `json:"file_size"`
	// IsQuoted reports whether a case references the variable.
	IsQuoted bool `json:"is_quoted"`
	// IsSensitive reports whether the value is sensitive. It appears only in
	// the ListVariables request example (not in table 4-133), and nothing
	// says what a sensitive variable's listed value holds: it may be masked.
	IsSensitive bool `json:"is_sensitive"`
}

// wire bodies and envelopes

type suitesAnswer struct {
	Projects []Suite `json:"projects"`
}

type tasksAnswer struct {
	Tasks []TaskSummary `json:"tasks"`
}

type taskAnswer struct {
	TaskInfo objectOrFirst[Task] `json:"taskInfo"`
}

type createTaskBody struct {
	CreateTaskRequest
	OperateMode int `json:"operate_mode"`
}

type createTaskAnswer struct {
	TaskID Int `json:"task_id"`
}

type setTaskCasesBody struct {
	SetTaskCasesRequest
	OperateMode int `json:"operate_mode"`
}

type taskCasesAnswer struct {
	TestCases []TaskCase `json:"test_cases"`
}

type networkInfo struct {
	NetworkType string `json:"network_type"`
}

type taskStatusBody struct {
	ClusterID           int64       `json:"cluster_id"`
	ClusterType         string      `json:"cluster_type"`
	WithoutPackage      int         `json:"without_package"`
	NetworkInfo         networkInfo `json:"network_info"`
	Status              int         `json:"status"`
	EnterpriseProjectID string      `json:"enterprise_project_id,omitempty"`
}

type taskStatusAnswer struct {
	Result *struct {
		TaskRunID Int `json:"task_run_id"`
	} `json:"result"`
}

type caseRunsAnswer struct {
	Result *struct {
		CaseAwInfoList []CaseRun `json:"case_aw_info_list"`
		ErrMessage     string    `json:"err_message"`
	} `json:"result"`
}

type historyAnswer struct {
	LogList []HistoryRun `json:"log_list"`
}

type variablesAnswer struct {
	VariableList []Variable `json:"variable_list"`
}

type variableUpdate struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Type     int64  `json:"variable_type"`
	Variable []any  `json:"variable"`
}

// Cluster types of UpdateTaskStatus.
const (
	clusterShared  = "shared-cluster-internet"
	clusterPrivate = "private-cluster"
)

// Task status commands of UpdateTaskStatus.
const (
	commandStart = 9
	commandStop  = 2
)

// newCreateTaskBody builds the CreateTask body.
func newCreateTaskBody(req CreateTaskRequest) createTaskBody {
	if req.Temps == nil {
		req.Temps = []string{}
	}
	return createTaskBody{CreateTaskRequest: req, OperateMode: OperateModeMixed}
}

// newSetTaskCasesBody builds the UpdateTaskRelatedTestCase body.
func newSetTaskCasesBody(req SetTaskCasesRequest) setTaskCasesBody {
	if req.CaseIDs == nil {
		req.CaseIDs = []int64{}
	}
	return setTaskCasesBody{SetTaskCasesRequest: req, OperateMode: OperateModeMixed}
}

// newStartBody builds the UpdateTaskStatus body that starts a task on cl.
func newStartBody(cl Cluster) taskStatusBody {
	b := taskStatusBody{
		ClusterID:           cl.ID,
		ClusterType:         clusterPrivate,
		NetworkInfo:         networkInfo{NetworkType: "internet"},
		Status:              commandStart,
		EnterpriseProjectID: cl.EnterpriseProjectID,
	}
	if cl.Shared {
		b.ClusterID, b.ClusterType = 0, clusterShared
	}
	return b
}

// newStopBody builds the UpdateTaskStatus body that stops a task, as in the
// document's stop example (cluster_id -1, shared cluster type).
func newStopBody() taskStatusBody {
	return taskStatusBody{
		ClusterID:   -1,
		ClusterType: clusterShared,
		NetworkInfo: networkInfo{NetworkType: "internet"},
		Status:      commandStop,
	}
}

// newVariablesBody builds the UpdateVariable body: only the documented
// fields id, name, variable_type and variable are sent.
func newVariablesBody(vs []Variable) []variableUpdate {
	out := make([]variableUpdate, len(vs))
	for i, v := range vs {
		vals := v.Values
		if vals == nil {
			vals = []any{}
		}
		out[i] = variableUpdate{ID: int64(v.ID), Name: v.Name, Type: int64(v.Type), Variable: vals}
	}
	return out
}
