package cloudtest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	sdk "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cloudtest/v1"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cloudtest/v1/model"
)

// TestAgainstSDK checks every TestPlan method's HTTP method, path, query
// parameter names and request body against the official SDK's request
// definitions and body models, an independent reading of the same API.
// (attask is not in the SDK.)
func TestAgainstSDK(t *testing.T) {
	t.Parallel()
	str := func(v string) *string { return &v }
	i64 := func(v int64) *int64 { return &v }
	start := time.UnixMilli(1700000000000)
	tests := []struct {
		name   string
		def    *def.HttpRequestDef
		params map[string]string
		call   func(ctx context.Context, c *Client)
		body   any // the SDK body model for the same input; nil: no body
	}{
		{"CreatePlan", sdk.GenReqDefForCreatePlan(), nil,
			func(ctx context.Context, c *Client) {
				c.CreatePlan(ctx, CreatePlanRequest{Name: "p", ServiceIDs: []int64{13, 24}, AssigneeID: "u",
					StartDate: time.Date(2020, 3, 4, 0, 0, 0, 0, time.UTC), EndDate: time.Date(2020, 3, 31, 0, 0, 0, 0, time.UTC)})
			},
			model.CreatePlanRequestBody{Name: "p", AssignedId: str("u"), ServiceIdList: []int32{13, 24},
				PlanCycle: &model.PlanCycle{StartDate: str("2020-03-04"), EndDate: str("2020-03-31")}}},
		{"CreatePlan minimal", sdk.GenReqDefForCreatePlan(), nil,
			func(ctx context.Context, c *Client) {
				c.CreatePlan(ctx, CreatePlanRequest{Name: "p", ServiceIDs: []int64{13}})
			},
			model.CreatePlanRequestBody{Name: "p", ServiceIdList: []int32{13}, PlanCycle: &model.PlanCycle{}}},
		{"ListPlans", sdk.GenReqDefForShowPlanList(), nil,
			func(ctx context.Context, c *Client) { c.ListPlans(ctx, "gate") }, nil},
		{"AddCases", sdk.GenReqDefForCreateTestCaseInPlan(), map[string]string{"plan_id": planID},
			func(ctx context.Context, c *Client) { c.AddCases(ctx, planID, 13, []string{caseA, caseB}) },
			model.CreateTestCaseInPlanRequestBody{ServiceId: 13, TestcaseIdList: []string{caseA, caseB}}},
		{"ListEnvironments", sdk.GenReqDefForListEnvironments(), nil,
			func(ctx context.Context, c *Client) { c.ListEnvironments(ctx) }, nil},
		{"RunTestCases", sdk.GenReqDefForRunTestCase(), nil,
			func(ctx context.Context, c *Client) {
				c.RunTestCases(ctx, RunCasesRequest{ServiceID: 13, PlanID: planID, Cases: []CaseExecution{{CaseID: caseA, ExecuteID: "e1", Start: start}}})
			},
			model.RunTestCaseRequestBody{ServiceId: 13, PlanId: str(planID),
				ExecuteList: []model.TestCaseExecuteBean{{TestcaseId: caseA, ExecuteId: "e1", ResultId: "5", StartTime: 1700000000000}}}},
		{"UpdateCaseResults", sdk.GenReqDefForUpdateTestCaseResult(), nil,
			func(ctx context.Context, c *Client) {
				c.UpdateCaseResults(ctx, UpdateResultsRequest{ServiceID: 13, Results: []CaseResult{
					{CaseID: caseA, ExecuteID: "e1", Result: ResultFailed, End: start, Duration: 2 * time.Second, Description: "d"}}})
			},
			model.UpdateTestCaseResultRequestBody{ServiceId: 13,
				ExecuteList: []model.UpdateTestCaseResultBean{{TestcaseId: caseA, ExecuteId: "e1", ResultId: "1",
					EndTime: 1700000000000, Duration: i64(2000), Description: str("d")}}}},
		{"ListPlanCases", sdk.GenReqDefForListTestCases(), nil,
			func(ctx context.Context, c *Client) { c.ListPlanCases(ctx, planID) },
			model.ListTestCasesRequestBody{Offset: 0, Limit: DefaultPageSize, VersionId: str(planID)}},
		{"ShowCase", sdk.GenReqDefForShowTestCaseDetail(), map[string]string{"testcase_id": caseA},
			func(ctx context.Context, c *Client) { c.ShowCase(ctx, caseA) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var (
				mu           sync.Mutex
				method, path string
				query        url.Values
				body         []byte
				served       int
			)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				defer mu.Unlock()
				if served == 0 {
					method, path, query, body = r.Method, r.URL.EscapedPath(), r.URL.Query(), b
				}
				served++
				if strings.HasSuffix(r.URL.Path, "/v2/projects/"+testProject+"/plans") {
					io.WriteString(w, `[]`)
					return
				}
				io.WriteString(w, `{}`)
			}))
			defer srv.Close()
			tt.call(context.Background(), newTestClient(t, srv))

			mu.Lock()
			defer mu.Unlock()
			if served == 0 {
				t.Fatal("no request")
			}
			wantPath := strings.ReplaceAll(tt.def.Path, "{project_id}", testProject)
			for k, v := range tt.params {
				wantPath = strings.ReplaceAll(wantPath, "{"+k+"}", v)
			}
			if method != tt.def.Method || path != wantPath {
				t.Errorf("request %s %s; SDK %s %s", method, path, tt.def.Method, wantPath)
			}
			sdkQuery := map[string]bool{}
			for _, f := range tt.def.RequestFields {
				if f.LocationType == def.Query {
					sdkQuery[f.JsonTag] = true
				}
			}
			for k := range query {
				if !sdkQuery[k] {
					t.Errorf("query parameter %q is not in the SDK's %v", k, sdkQuery)
				}
			}
			if tt.body == nil {
				if len(body) != 0 {
					t.Errorf("unexpected body %s", body)
				}
				return
			}
			want, err := json.Marshal(tt.body)
			if err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, body, want)
		})
	}
}
