package sim

import (
	"strconv"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	cpts "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cpts/v1"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cpts/v1/model"
)

// sdkClient is the official SDK's CPTS client (AK/SK) aimed at the
// simulator: if the simulator's wire format or signature check were off,
// these calls would fail to authenticate or to decode.
func sdkClient(t *testing.T, base string) *cpts.CptsClient {
	t.Helper()
	cred, err := basic.NewCredentialsBuilder().WithAk(DemoAK).WithSk(DemoSK).WithProjectId(DemoProjectID).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	hc, err := cpts.CptsClientBuilder().WithEndpoints([]string{base}).WithCredential(cred).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return cpts.NewCptsClient(hc)
}

func TestOfficialSDK(t *testing.T) {
	t.Parallel()
	// A fake clock that starts at the real time keeps the SDK's X-Sdk-Date
	// (taken from the real clock) within the accepted skew.
	h := newHarness(t, Options{Scale: 60, Seed: 7})
	c := sdkClient(t, h.base)

	sets, err := c.ListProjectSets(&model.ListProjectSetsRequest{})
	if err != nil {
		t.Fatal("ListProjectSets:", err)
	}
	if len(*sets.Projects) == 0 || *(*sets.Projects)[0].Name != DemoSuiteName || *sets.Code != codeOK {
		t.Fatalf("ListProjectSets: %+v", sets)
	}

	limit := int32(2)
	taskSet, err := c.ShowTaskSet(&model.ShowTaskSetRequest{TestSuiteId: DemoSuiteID, Limit: &limit})
	if err != nil {
		t.Fatal("ShowTaskSet:", err)
	}
	if n := len(*taskSet.Tasks); n != 2 || *(*taskSet.Tasks)[0].Name != DemoTaskName {
		t.Fatalf("ShowTaskSet: %d tasks, first %+v", n, (*taskSet.Tasks)[0])
	}

	before, err := c.ShowTask(&model.ShowTaskRequest{TaskId: DemoTaskID})
	if err != nil {
		t.Fatal("ShowTask:", err)
	}
	ti := before.TaskInfo
	if *ti.Name != DemoTaskName || *ti.RunStatus != StatusFinished || len(*ti.CaseList) != 2 ||
		*ti.ProjectId != DemoSuiteID || ti.CreateTime == nil {
		t.Fatalf("ShowTask: %+v", ti)
	}
	seeded := *(*ti.RelatedTempRunningData)[0].TaskRunInfoId
	if stages := *(*ti.CaseList)[0].Stages; len(stages) != 2 || *stages[0].Time != 60 || *stages[1].IssueNum != 50 {
		t.Fatalf("stages of browse-catalog: %+v", stages)
	}

	ws := int32(0)
	start, err := c.UpdateTaskStatus(&model.UpdateTaskStatusRequest{TestSuiteId: DemoSuiteID, TaskId: DemoTaskID,
		Body: &model.UpdateTaskStatusRequestBody{ClusterId: 0, ClusterType: "shared-cluster-internet", WithoutPackage: ws,
			NetworkInfo: &model.NetworkInfo{NetworkType: "internet"}, Status: 9}})
	if err != nil {
		t.Fatal("UpdateTaskStatus:", err)
	}
	runID := *start.Result.TaskRunId
	if runID == 0 || runID == seeded {
		t.Fatalf("UpdateTaskStatus: task_run_id %d (seeded run %d)", runID, seeded)
	}

	// A second start while the first runs is refused with a CPTS error.
	_, err = c.UpdateTaskStatus(&model.UpdateTaskStatusRequest{TestSuiteId: DemoSuiteID, TaskId: DemoTaskID,
		Body: &model.UpdateTaskStatusRequestBody{ClusterType: "shared-cluster-internet",
			NetworkInfo: &model.NetworkInfo{NetworkType: "internet"}, Status: 9}})
	if se, ok := err.(*sdkerr.ServiceResponseError); !ok || se.StatusCode != 400 || se.ErrorCode != codeRunning {
		t.Fatalf("second start: %v", err)
	}

	merged, err := c.ShowMergeTaskCase(&model.ShowMergeTaskCaseRequest{TaskRunId: runID})
	if err != nil {
		t.Fatal("ShowMergeTaskCase:", err)
	}
	list := *merged.Result.CaseAwInfoList
	if len(list) != 2 || *list[0].Name != "browse-catalog" || *list[0].TestcaseId != strconv.Itoa(DemoCaseBrowse) {
		t.Fatalf("ShowMergeTaskCase: %+v", list)
	}
	caseRunID, err := strconv.Atoi(*list[0].CaseUriI)
	if err != nil {
		t.Fatal(err)
	}

	h.advanceSim(5 * time.Minute) // past the 2-minute plan
	after, err := c.ShowTask(&model.ShowTaskRequest{TaskId: DemoTaskID})
	if err != nil {
		t.Fatal("ShowTask:", err)
	}
	rtd := *after.TaskInfo.RelatedTempRunningData
	if *after.TaskInfo.RunStatus != StatusFinished || *rtd[0].TaskRunInfoId != runID ||
		*rtd[0].RelatedTempRunningId != int32(caseRunID) {
		t.Fatalf("ShowTask after the run: status %d, %+v", *after.TaskInfo.RunStatus, rtd[0])
	}
	if st := *(*rtd[0].RelatedTempRunningData)[0].TempRunningStatus; st != StatusFinished {
		t.Fatalf("temp_running_status %d", st)
	}

	rep, err := c.ShowReport(&model.ShowReportRequest{TaskRunId: runID, CaseRunId: int32(caseRunID), BrokensLimitCount: 12})
	if err != nil {
		t.Fatal("ShowReport:", err)
	}
	res := rep.Result
	perf := (*res.Details.Data)[0].Performance
	details := *(*res.Details.Data)[0].DetailDatas
	if *perf.Requests <= 0 || *perf.Name != "browse-catalog" || len(details) != 3 || *perf.Tp9999 <= *perf.Tp50 {
		t.Fatalf("ShowReport performance: %+v", perf)
	}
	var sum float64
	for _, d := range details {
		sum += *d.Requests
	}
	if sum != *perf.Requests {
		t.Errorf("detailDatas requests sum %v, performance %v", sum, *perf.Requests)
	}
	// The outline's figures that are gate metrics take their wire names from the CPTS metric
	// table (cpts.OutlineField): the SDK's model finds every one of them.
	if *res.Outline.Duration != 120 || *res.Outline.MaxUsers != 50 || *res.Outline.SuccessRate > 100 ||
		res.Outline.AvgResponseTime == nil || *res.Outline.AvgResponseTime <= 0 || res.Outline.Tps == nil || *res.Outline.Tps <= 0 {
		t.Errorf("outline: %+v", res.Outline)
	}
	if n := len(*res.Brokens.CommonTimestamps); n != 12 || len(*res.Brokens.TpsBrokens.Tps) != 12 {
		t.Errorf("brokens: %d points, want 12", n)
	}

	hist, err := c.ShowHistoryRunInfo(&model.ShowHistoryRunInfoRequest{TaskId: DemoTaskID})
	if err != nil {
		t.Fatal("ShowHistoryRunInfo:", err)
	}
	logs := *hist.LogList
	if len(logs) != 2 || *logs[0].RunId != float64(runID) || *logs[1].RunId != float64(seeded) ||
		*logs[0].ContinueTime < 120 {
		t.Fatalf("ShowHistoryRunInfo: %+v", logs)
	}

	cases, err := c.ListTaskCases(&model.ListTaskCasesRequest{TestSuitId: DemoSuiteID, TaskId: DemoTaskID})
	if err != nil || len(*cases.TestCases) != 2 {
		t.Fatalf("ListTaskCases: %v %+v", err, cases)
	}

	created, err := c.CreateTask(&model.CreateTaskRequest{Body: &model.CreateTaskRequestBody{Name: "sdk-task", ProjectId: DemoSuiteID}})
	if err != nil {
		t.Fatal("CreateTask:", err)
	}
	upd, err := c.UpdateTaskRelatedTestCase(&model.UpdateTaskRelatedTestCaseRequest{TaskId: *created.TaskId,
		Body: &model.UpdateNewTaskRequestBody{Name: "sdk-task", Parallel: true, ProjectId: DemoSuiteID, OperateMode: 2,
			CaseIdList: []int32{DemoCaseCheckout}}})
	if err != nil {
		t.Fatal("UpdateTaskRelatedTestCase:", err)
	}
	if l := *upd.TaskInfo.CaseList; len(l) != 1 || *l[0].CaseId != DemoCaseCheckout {
		t.Fatalf("UpdateTaskRelatedTestCase: %+v", l)
	}

	vars, err := c.ListVariables(&model.ListVariablesRequest{VariableType: 1, TestSuiteId: DemoSuiteID})
	if err != nil || len(*vars.VariableList) != 1 {
		t.Fatalf("ListVariables: %v %+v", err, vars)
	}
	v := (*vars.VariableList)[0]
	_, err = c.UpdateVariable(&model.UpdateVariableRequest{TestSuiteId: DemoSuiteID,
		Body: &[]model.UpdateVariableRequestBody{{Id: *v.Id, Name: *v.Name, VariableType: 1, Variable: []any{5, 50}}}})
	if err != nil {
		t.Fatal("UpdateVariable:", err)
	}
	if got := h.s.Variables(DemoSuiteID)["userCount"]; got != "5,50" {
		t.Fatalf("variable after update: %q", got)
	}
}
