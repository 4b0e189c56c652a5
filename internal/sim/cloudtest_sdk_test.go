package sim

import (
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	cloudtest "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cloudtest/v1"
	ctmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cloudtest/v1/model"
)

// sdkCloudTest is the official SDK's CloudTest (TestPlan) client (AK/SK,
// IAM project DemoProjectID) aimed at the simulator: a payload shape the SDK
// cannot decode, or a signature the simulator rejects, fails these calls.
func sdkCloudTest(t *testing.T, base string) *cloudtest.CloudtestClient {
	t.Helper()
	cred, err := basic.NewCredentialsBuilder().WithAk(DemoAK).WithSk(DemoSK).WithProjectId(DemoProjectID).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	hc, err := cloudtest.CloudtestClientBuilder().WithEndpoints([]string{base}).WithCredential(cred).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return cloudtest.NewCloudtestClient(hc)
}

func sdkErr(t *testing.T, what string, err error, status int, code string) *sdkerr.ServiceResponseError {
	t.Helper()
	se, ok := err.(*sdkerr.ServiceResponseError)
	if !ok || se.StatusCode != status || se.ErrorCode != code {
		t.Fatalf("%s: want HTTP %d %s, got %v", what, status, code, err)
	}
	return se
}

func TestOfficialSDKCloudTest(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	c := sdkCloudTest(t, h.base)
	str := func(s string) *string { return &s }
	i64 := func(n int64) *int64 { return &n }

	created, err := c.CreatePlan(&ctmodel.CreatePlanRequest{ProjectId: DemoCodeArtsProjectID,
		Body: &ctmodel.CreatePlanRequestBody{Name: "sdk-plan", AssignedId: str(DemoUserID), ServiceIdList: []int32{DemoServiceID},
			PlanCycle: &ctmodel.PlanCycle{StartDate: str("2026-11-01"), EndDate: str("2026-11-30")}}})
	if err != nil {
		t.Fatal("CreatePlan:", err)
	}
	if created.HttpStatusCode != 201 || created.PlanId == nil || len(*created.PlanId) != 32 || created.ErrorCode != nil {
		t.Fatalf("CreatePlan: %+v", created)
	}
	planID := *created.PlanId

	// ShowPlanList: 201 with a bare array, decoded into Body; the fuzzy name
	// filter finds the seeded plan and its hotfix sibling.
	list, err := c.ShowPlanList(&ctmodel.ShowPlanListRequest{ProjectId: DemoCodeArtsProjectID, Offset: 0, Limit: 10, Name: str(DemoPlanName)})
	if err != nil {
		t.Fatal("ShowPlanList:", err)
	}
	if list.HttpStatusCode != 201 || list.Body == nil || len(*list.Body) != 2 {
		t.Fatalf("ShowPlanList: %d %+v", list.HttpStatusCode, list.Body)
	}
	var seeded ctmodel.TestPlanDetail
	for _, p := range *list.Body {
		if *p.Name == DemoPlanName {
			seeded = p
		}
	}
	if seeded.PlanId == nil || *seeded.PlanId != DemoPlanID || *seeded.DesignStage.CaseCount != DemoPlanCaseCount ||
		*seeded.CurrentStage != "design" || *seeded.ProjectId != DemoCodeArtsProjectID || *seeded.Owner.Name != DemoUser ||
		*seeded.ExpireDay >= 0 || *seeded.ExecuteStage.CasePassRate != "0.00%" {
		t.Fatalf("seeded plan: %+v", seeded)
	}
	all, err := c.ShowPlanList(&ctmodel.ShowPlanListRequest{ProjectId: DemoCodeArtsProjectID, Offset: 0, Limit: 200})
	if err != nil || len(*all.Body) != 3 || *(*all.Body)[0].PlanId != planID {
		t.Fatalf("ShowPlanList (all, newest first): %v %+v", err, all)
	}

	// CreateTestCaseInPlan (batch-add): 204, and the cases are in the plan.
	ids := h.s.DemoCaseIDs(3)
	added, err := c.CreateTestCaseInPlan(&ctmodel.CreateTestCaseInPlanRequest{ProjectId: DemoCodeArtsProjectID, PlanId: planID,
		Body: &ctmodel.CreateTestCaseInPlanRequestBody{ServiceId: DemoServiceID, TestcaseIdList: ids}})
	if err != nil || added.HttpStatusCode != 204 {
		t.Fatalf("CreateTestCaseInPlan: %v %+v", err, added)
	}
	if got := h.s.PlanCases(planID); len(got) != 3 || got[ids[0]] != "" {
		t.Fatalf("PlanCases after batch-add: %v", got)
	}
	// 51 ids: 400 CLOUDTEST.00030001, nothing added.
	_, err = c.CreateTestCaseInPlan(&ctmodel.CreateTestCaseInPlanRequest{ProjectId: DemoCodeArtsProjectID, PlanId: planID,
		Body: &ctmodel.CreateTestCaseInPlanRequestBody{ServiceId: DemoServiceID, TestcaseIdList: h.s.DemoCaseIDs(51)}})
	sdkErr(t, "batch-add of 51", err, 400, ctCaseListInvalid)
	if n := len(h.s.PlanCases(planID)); n != 3 {
		t.Fatalf("a refused batch added cases: %d", n)
	}
	// A partial failure is the documented 500 with error_detail.
	_, err = c.CreateTestCaseInPlan(&ctmodel.CreateTestCaseInPlanRequest{ProjectId: DemoCodeArtsProjectID, PlanId: planID,
		Body: &ctmodel.CreateTestCaseInPlanRequestBody{ServiceId: DemoServiceID, TestcaseIdList: []string{ids[0], "short"}}})
	sdkErr(t, "partial batch-add", err, 500, ctBatchAddPartialCode)

	// RunTestCase then UpdateTestCaseResult.
	start := time.Now().Add(-time.Minute).UnixMilli()
	run, err := c.RunTestCase(&ctmodel.RunTestCaseRequest{ProjectId: DemoCodeArtsProjectID, Body: &ctmodel.RunTestCaseRequestBody{
		ServiceId: DemoServiceID, PlanId: str(planID), ExecuteList: []ctmodel.TestCaseExecuteBean{
			{TestcaseId: ids[0], ExecuteId: "sdk-e1", ResultId: "5", StartTime: start},
			{TestcaseId: ids[1], ExecuteId: "sdk-e2", ResultId: "5", StartTime: start},
		}}})
	if err != nil || run.HttpStatusCode != 200 || run.ErrorCode != nil || run.ErrorDetail != nil {
		t.Fatalf("RunTestCase: %v %+v", err, run)
	}
	upd, err := c.UpdateTestCaseResult(&ctmodel.UpdateTestCaseResultRequest{ProjectId: DemoCodeArtsProjectID,
		Body: &ctmodel.UpdateTestCaseResultRequestBody{ServiceId: DemoServiceID, PlanId: str(planID),
			ExecuteList: []ctmodel.UpdateTestCaseResultBean{
				{TestcaseId: ids[0], ExecuteId: "sdk-e1", ResultId: "0", EndTime: start + 60000, Duration: i64(60000), Description: str("p95 ok")},
				{TestcaseId: ids[1], ExecuteId: "sdk-e2", ResultId: "1", EndTime: start + 60000, Duration: i64(59000)},
			}}})
	if err != nil || upd.HttpStatusCode != 200 || upd.ErrorDetail != nil {
		t.Fatalf("UpdateTestCaseResult: %v %+v", err, upd)
	}
	// 51 results: 400 CLOUDTEST.00017056.
	many := make([]ctmodel.UpdateTestCaseResultBean, 51)
	for i, id := range h.s.DemoCaseIDs(51) {
		many[i] = ctmodel.UpdateTestCaseResultBean{TestcaseId: id, ExecuteId: "x" + id[:8], ResultId: "0", EndTime: start, Duration: i64(1)}
	}
	_, err = c.UpdateTestCaseResult(&ctmodel.UpdateTestCaseResultRequest{ProjectId: DemoCodeArtsProjectID,
		Body: &ctmodel.UpdateTestCaseResultRequestBody{ServiceId: DemoServiceID, ExecuteList: many}})
	sdkErr(t, "51 results", err, 400, ctResultTooMany)

	// Read back: ListTestCases (batch-query) and ShowTestCaseDetail.
	cases, err := c.ListTestCases(&ctmodel.ListTestCasesRequest{ProjectId: DemoCodeArtsProjectID,
		Body: &ctmodel.ListTestCasesRequestBody{Offset: 0, Limit: 200, VersionId: str(planID)}})
	if err != nil || *cases.Total != 3 || len(*cases.Values) != 3 {
		t.Fatalf("ListTestCases: %v %+v", err, cases)
	}
	v0 := (*cases.Values)[0]
	if *v0.Id != ids[0] || *v0.Result.Id != "0" || *v0.Result.Name != "成功" || *v0.ExecuteInfo.Duration != "60000" ||
		*v0.ExecuteInfo.ExecuteTimes != 1 || *v0.TestType.Id != DemoServiceID || *v0.Status.Name != "完成" {
		t.Fatalf("ListTestCases values[0]: %+v", v0)
	}
	if v2 := (*cases.Values)[2]; v2.Result != nil || v2.ExecuteInfo != nil {
		t.Fatalf("an unexecuted case has a result: %+v", v2)
	}
	detail, err := c.ShowTestCaseDetail(&ctmodel.ShowTestCaseDetailRequest{ProjectId: DemoCodeArtsProjectID, TestcaseId: ids[1]})
	if err != nil || *detail.TestcaseId != ids[1] || *detail.ResultId != "1" || *detail.ExecuteCount != 1 ||
		*detail.ServiceId != DemoServiceID {
		t.Fatalf("ShowTestCaseDetail: %v %+v", err, detail)
	}

	envs, err := c.ListEnvironments(&ctmodel.ListEnvironmentsRequest{ProjectId: DemoCodeArtsProjectID, Offset: 0, Limit: 1})
	if err != nil || len(*envs.Environments) != 1 || *envs.TotalCount != 2 || !*(*envs.Environments)[0].IsDefault ||
		*(*envs.Environments)[0].EnvironmentId != DemoEnvironmentID {
		t.Fatalf("ListEnvironments: %v %+v", err, envs)
	}

	// The IAM project id in a TestPlan path: 404 CLOUDTEST.43040030.
	_, err = c.ShowTestCaseDetail(&ctmodel.ShowTestCaseDetailRequest{ProjectId: DemoProjectID, TestcaseId: ids[0]})
	sdkErr(t, "IAM project id as CodeArts project", err, 404, ctProjectNotFound)
}
