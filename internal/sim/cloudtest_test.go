package sim

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// tp is the TestPlan path prefix of the demo CodeArts project.
const tp = "/v1/projects/" + DemoCodeArtsProjectID

// batchFailure decodes a batch answer with error_detail.failed[].
type batchFailure struct {
	ErrorCode   string `json:"error_code"`
	ErrorMsg    string `json:"error_msg"`
	ErrorDetail *struct {
		Failed []caseFailureWire `json:"failed"`
	} `json:"error_detail"`
}

func decodeBatch(t *testing.T, b []byte) batchFailure {
	t.Helper()
	var f batchFailure
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("batch answer is not JSON: %v: %s", err, b)
	}
	return f
}

// failedCodes maps the failed case ids of a batch answer to their codes.
func (f batchFailure) failedCodes() map[string]string {
	out := map[string]string{}
	if f.ErrorDetail != nil {
		for _, x := range f.ErrorDetail.Failed {
			out[x.TestcaseID] = x.ErrorCode
		}
	}
	return out
}

// wantError expects an error answer {error_code, error_msg} with the table's
// message.
func wantError(t *testing.T, what string, status int, b []byte, wantStatus int, code string) {
	t.Helper()
	e := errorOf(t, b)
	if status != wantStatus || e.ErrorCode != code || e.ErrorMsg == "" {
		t.Fatalf("%s: want %d %s, got %d %s", what, wantStatus, code, status, b)
	}
	if msg, ok := ctMessages[code]; ok && e.ErrorMsg != msg {
		t.Fatalf("%s: message %q, want %q", what, e.ErrorMsg, msg)
	}
}

func TestCloudTestProjectAndAuth(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	envs := tp + "/environments?offset=0&limit=10"
	if st, _, b := h.do("GET", envs, nil); st != 200 {
		t.Fatalf("environments: %d %s", st, b)
	}
	st, _, b := h.do("GET", "/v1/projects/not-a-project/environments", nil)
	wantError(t, "malformed project id", st, b, 400, ctProjectInvalid)
	st, _, b = h.do("GET", "/v1/projects/"+DemoProjectID+"/environments", nil)
	wantError(t, "IAM project id", st, b, 404, ctProjectNotFound)
	st, _, b = h.do("POST", "/v1/"+DemoProjectID+"/testcases/batch-query", `{"offset":0,"limit":1}`)
	wantError(t, "IAM project id in the flat path", st, b, 404, ctProjectNotFound)

	// Missing, unknown and expired tokens: 401 DEV.00000003.
	resp, err := h.send("GET", envs, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	wantError(t, "no credentials", resp.StatusCode, b, 401, codeDevAuth)
	good := h.token
	h.token = "MIIsim-not-a-token"
	st, _, b = h.do("GET", envs, nil)
	wantError(t, "unknown token", st, b, 401, codeDevAuth)
	h.token = good
	h.clock.Advance(time.Second)
	h.s.Inject(Fault{Kind: FaultTokenExpired, Count: 1})
	st, _, b = h.do("GET", envs, nil)
	wantError(t, "revoked token", st, b, 401, codeDevAuth)
	if st, _, b := h.do("GET", envs, nil); st != 200 {
		t.Fatalf("after the fault: %d %s", st, b)
	}

	// A path TestPlan does not have: the gateway's 404.
	st, _, b = h.do("GET", tp+"/plans/"+DemoPlanID+"/issues", nil)
	wantError(t, "unknown API", st, b, 404, "APIGW.0101")
	st, _, b = h.do("DELETE", tp+"/plans", nil)
	wantError(t, "unknown method", st, b, 404, "APIGW.0101")
	// CPTS is unaffected.
	if st, _, b := h.do("GET", "/v1/{pid}/test-suites", nil); st != 200 {
		t.Fatalf("CPTS after TestPlan: %d %s", st, b)
	}
}

func TestCloudTestAKSK(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{Now: time.Now})
	send := func(r *http.Request) (int, []byte) {
		t.Helper()
		resp, err := h.client.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	q := map[string]string{"offset": "0", "limit": "5", "name": "release"}
	if st, b := send(sdkSigned(t, h.base, "GET", "/v2/projects/"+DemoCodeArtsProjectID+"/plans", q, "", nil)); st != 201 {
		t.Fatalf("signed list: %d %s", st, b)
	}
	r := sdkSigned(t, h.base, "GET", "/v2/projects/"+DemoCodeArtsProjectID+"/plans", q, "", nil)
	r.URL.RawQuery = "offset=0&limit=6&name=release"
	st, b := send(r)
	wantError(t, "tampered signature", st, b, 401, "APIGW.0301")
	r = sdkSigned(t, h.base, "GET", "/v2/projects/"+DemoCodeArtsProjectID+"/plans", q, "", map[string]string{"X-Project-Id": DemoCodeArtsProjectID})
	st, b = send(r)
	wantError(t, "X-Project-Id of the CodeArts project", st, b, 403, "APIGW.0302")
}

type planView struct {
	PlanID       string `json:"plan_id"`
	Name         string `json:"name"`
	CurrentStage string `json:"current_stage"`
	ExpireDay    int    `json:"expire_day"`
	DesignStage  struct {
		CaseCount int `json:"case_count"`
	} `json:"design_stage"`
	ExecuteStage struct {
		CasePassRate      string `json:"case_pass_rate"`
		ExecutedCaseCount int    `json:"executed_case_count"`
	} `json:"execute_stage"`
	ReportStage struct {
		CaseCompleteRate string `json:"case_complete_rate"`
	} `json:"report_stage"`
	FinishDate string `json:"finish_date"`
	Owner      struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"owner"`
}

func (h *harness) listPlans(query string) []planView {
	h.t.Helper()
	st, _, b := h.do("GET", "/v2/projects/"+DemoCodeArtsProjectID+"/plans?"+query, nil)
	if st != 201 || len(b) == 0 || b[0] != '[' {
		h.t.Fatalf("list plans %s: want 201 with a bare array, got %d %s", query, st, b)
	}
	var ps []planView
	if err := json.Unmarshal(b, &ps); err != nil {
		h.t.Fatal(err)
	}
	return ps
}

func TestCloudTestListPlans(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	ps := h.listPlans("offset=0&limit=10&name=" + strings.ToUpper(DemoPlanName))
	if len(ps) != 2 || ps[0].Name != DemoHotfixPlanName || ps[1].Name != DemoPlanName || ps[1].PlanID != DemoPlanID {
		t.Fatalf("fuzzy name filter: %+v", ps)
	}
	if p := ps[1]; p.DesignStage.CaseCount != DemoPlanCaseCount || p.CurrentStage != "design" || p.Owner.ID != DemoUserID ||
		p.Owner.Name != DemoUser || p.ExpireDay != -21 || p.ReportStage.CaseCompleteRate != "0.00%" {
		t.Fatalf("seeded plan: %+v", p)
	}
	if ps[0].CurrentStage != "create" {
		t.Fatalf("empty plan stage %q", ps[0].CurrentStage)
	}
	if ps := h.listPlans("offset=0&limit=10&name=no-such-plan"); len(ps) != 0 {
		t.Fatalf("no match: %+v", ps)
	}
	if st, _, b := h.do("GET", "/v2/projects/"+DemoCodeArtsProjectID+"/plans?offset=0&limit=10&name=nothing", nil); string(b) != "[]" {
		t.Fatalf("empty list body: %d %q", st, b)
	}
	// offset counts items.
	if ps := h.listPlans("offset=1&limit=1"); len(ps) != 1 || ps[0].Name != DemoPlanName {
		t.Fatalf("offset 1 limit 1: %+v", ps)
	}
	if ps := h.listPlans("offset=2&limit=1"); len(ps) != 0 {
		t.Fatalf("past the end: %+v", ps)
	}
	if ps := h.listPlans("offset=0&limit=5&current_stage=design"); len(ps) != 1 || ps[0].PlanID != DemoPlanID {
		t.Fatalf("current_stage filter: %+v", ps)
	}
	for _, q := range []string{"limit=10", "offset=0", "offset=0&limit=0", "offset=0&limit=201", "offset=-1&limit=1", "offset=x&limit=1"} {
		st, _, b := h.do("GET", "/v2/projects/"+DemoCodeArtsProjectID+"/plans?"+q, nil)
		wantError(t, q, st, b, 400, ctPageInvalid)
	}
	st, _, b := h.do("GET", "/v2/projects/"+DemoCodeArtsProjectID+"/plans?offset=0&limit=1&current_stage=done", nil)
	wantError(t, "unknown stage", st, b, 400, ctParamNonconforming)
}

func TestCloudTestCreatePlan(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	body := func(name string, services []int, start, end string) map[string]any {
		return map[string]any{"name": name, "service_id_list": services,
			"plan_cycle": map[string]any{"start_date": start, "end_date": end}}
	}
	var created struct {
		PlanID    string  `json:"plan_id"`
		ErrorCode *string `json:"error_code"`
	}
	if st := h.json("POST", tp+"/plans", body("gate 2026.12", []int{DemoServiceID, DemoOtherServiceID}, "2026-12-01", "2026-12-31"),
		&created); st != 201 || len(created.PlanID) != 32 || created.ErrorCode != nil {
		t.Fatalf("create: %d %+v", st, created)
	}
	plans := h.s.Plans()
	last := plans[len(plans)-1]
	if len(plans) != 3 || last.ID != created.PlanID || last.AssigneeID != DemoUserID || last.EndDate != "2026-12-31" ||
		len(last.ServiceIDs) != 2 || len(last.CaseIDs) != 0 {
		t.Fatalf("Plans: %+v", plans)
	}
	if ps := h.listPlans("offset=0&limit=1"); ps[0].PlanID != created.PlanID || ps[0].CurrentStage != "create" {
		t.Fatalf("newest first: %+v", ps)
	}

	tests := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"duplicate name", body(DemoPlanName, []int{DemoServiceID}, "", ""), 500, ctPlanNameExists},
		{"forbidden character", body("gate #1", []int{DemoServiceID}, "", ""), 400, ctPlanNameInvalid},
		{"blank name", body("  ", []int{DemoServiceID}, "", ""), 400, ctPlanNameInvalid},
		{"long name", body(strings.Repeat("计", 129), []int{DemoServiceID}, "", ""), 400, ctPlanNameInvalid},
		{"no service", body("p1", []int{}, "", ""), 400, ctServiceListInvalid},
		{"ten services", body("p2", []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, "", ""), 400, ctServiceListInvalid},
		{"unknown service", body("p3", []int{99}, "", ""), 400, ctServiceInvalid},
		{"bad start", body("p4", []int{DemoServiceID}, "2026/12/01", ""), 400, ctPlanStartInvalid},
		{"bad end", body("p5", []int{DemoServiceID}, "", "31.12.2026"), 400, ctPlanEndInvalid},
		{"start after end", body("p6", []int{DemoServiceID}, "2026-12-31", "2026-12-01"), 500, ctStartAfterEnd},
		{"bad assignee", map[string]any{"name": "p7", "service_id_list": []int{1}, "assigned_id": "bob"}, 400, ctAssigneeInvalid},
		{"not JSON", "{name:", 400, ctBodyInvalid},
	}
	for _, tt := range tests {
		st, _, b := h.do("POST", tp+"/plans", tt.body)
		wantError(t, tt.name, st, b, tt.status, tt.code)
	}
	if n := len(h.s.Plans()); n != 3 {
		t.Fatalf("refused creates made plans: %d", n)
	}
}

// batchAdd posts a batch-add to a plan.
func (h *harness) batchAdd(planID string, service int, ids []string) (int, []byte) {
	h.t.Helper()
	st, hdr, b := h.do("POST", tp+"/plans/"+planID+"/testcases/batch-add",
		map[string]any{"service_id": service, "testcase_id_list": ids})
	if st == 204 && (len(b) != 0 || hdr.Get("Content-Type") != "") {
		h.t.Fatalf("204 with a body: %q %q", b, hdr.Get("Content-Type"))
	}
	return st, b
}

func TestCloudTestBatchAdd(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	pool := h.s.DemoCaseIDs(DemoCasePoolSize)
	planID := DemoHotfixPlanID

	// 50 ids in one call: 204 No Content.
	if st, b := h.batchAdd(planID, DemoServiceID, pool[:50]); st != 204 {
		t.Fatalf("50 ids: %d %s", st, b)
	}
	// 51 ids, or none: 400 CLOUDTEST.00030001, nothing added.
	st, b := h.batchAdd(planID, DemoServiceID, pool[50:101])
	wantError(t, "51 ids", st, b, 400, ctCaseListInvalid)
	st, b = h.batchAdd(planID, DemoServiceID, []string{})
	wantError(t, "no id", st, b, 400, ctCaseListInvalid)
	if n := len(h.s.PlanCases(planID)); n != 50 {
		t.Fatalf("plan has %d cases, want 50", n)
	}

	// Already in the plan, and repeated in the list: success, added once.
	if st, b := h.batchAdd(planID, DemoServiceID, []string{pool[0], pool[0], pool[50], pool[50]}); st != 204 {
		t.Fatalf("idempotent add: %d %s", st, b)
	}
	plans := h.s.Plans()
	if ids := plans[1].CaseIDs; plans[1].ID != planID || len(ids) != 51 || ids[50] != pool[50] {
		t.Fatalf("after idempotent add: %d cases", len(ids))
	}

	// Partial failure: 500 with error_detail.failed[]; the valid id is added.
	other := h.s.ServiceCaseIDs(DemoOtherServiceID)
	unknown := strings.Repeat("ab", 16)
	st, b = h.batchAdd(planID, DemoServiceID, []string{pool[60], "too-short", unknown, other[0]})
	f := decodeBatch(t, b)
	codes := f.failedCodes()
	if st != 500 || f.ErrorCode != ctBatchAddPartialCode || len(codes) != 3 || codes["too-short"] != ctCaseIDInvalid ||
		codes[unknown] != ctCaseNotFound || codes[other[0]] != ctServiceInvalid {
		t.Fatalf("partial failure: %d %s", st, b)
	}
	for _, x := range f.ErrorDetail.Failed {
		if x.ErrorMsg != ctMessages[x.ErrorCode] {
			t.Fatalf("failure message %q for %s", x.ErrorMsg, x.ErrorCode)
		}
	}
	if cs := h.s.PlanCases(planID); len(cs) != 52 {
		t.Fatalf("partial failure added %d cases, want 1", len(cs)-51)
	} else if _, ok := cs[pool[60]]; !ok {
		t.Fatal("the valid id of a partial failure was not added")
	}

	// Every id refused: no error_detail (全部失败没有该结构); the common code,
	// else 00030001.
	st, b = h.batchAdd(planID, DemoServiceID, []string{"x1", "x2"})
	wantError(t, "all malformed", st, b, 400, ctCaseIDInvalid)
	if decodeBatch(t, b).ErrorDetail != nil {
		t.Fatalf("total failure with error_detail: %s", b)
	}
	st, b = h.batchAdd(planID, DemoServiceID, []string{"x1", unknown})
	wantError(t, "all refused, mixed", st, b, 400, ctCaseListInvalid)

	// One test type per call: the other service's cases go in their own call.
	if st, b := h.batchAdd(planID, DemoOtherServiceID, other[:2]); st != 204 {
		t.Fatalf("other service: %d %s", st, b)
	}
	st, b = h.batchAdd(DemoPlanID, DemoOtherServiceID, other[:1])
	wantError(t, "service not in the plan", st, b, 400, ctServiceInvalid)
	st, b = h.batchAdd(planID, 99, pool[:1])
	wantError(t, "unknown service", st, b, 400, ctServiceInvalid)
	st, b = h.batchAdd("short", DemoServiceID, pool[:1])
	wantError(t, "malformed plan id", st, b, 400, ctPlanIDInvalid)
	st, b = h.batchAdd(strings.Repeat("0", 32), DemoServiceID, pool[:1])
	wantError(t, "unknown plan", st, b, 400, ctPlanInvalid)
	st, _, b = h.do("POST", tp+"/plans/"+planID+"/testcases/batch-add", `{"service_id":"one"}`)
	wantError(t, "bad body", st, b, 400, ctBodyInvalid)
}

type execItem struct {
	TestcaseID  string  `json:"testcase_id"`
	ExecuteID   string  `json:"execute_id"`
	ResultID    string  `json:"result_id"`
	StartTime   int64   `json:"start_time,omitempty"`
	EndTime     int64   `json:"end_time,omitempty"`
	Duration    *int64  `json:"duration,omitempty"`
	Description *string `json:"description,omitempty"`
}

func (h *harness) execBatch(call, planID string, service int, items []execItem) (int, []byte) {
	h.t.Helper()
	body := map[string]any{"service_id": service, "execute_list": items}
	if planID != "" {
		body["plan_id"] = planID
	}
	st, _, b := h.do("POST", tp+"/testcases/"+call, body)
	return st, b
}

func ms(d int64) *int64 { return &d }

type caseRow struct {
	ID     string `json:"id"`
	Result *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"result"`
	ExecuteInfo *struct {
		Duration     string `json:"duration"`
		ExecuteTimes int    `json:"execute_times"`
	} `json:"execute_info"`
}

// planCases reads cases back through batch-query (version_id = plan).
func (h *harness) planCases(planID string, offset, limit int) ([]caseRow, int) {
	h.t.Helper()
	var ans struct {
		Values []caseRow `json:"values"`
		Total  int       `json:"total"`
	}
	if st := h.json("POST", "/v1/"+DemoCodeArtsProjectID+"/testcases/batch-query",
		map[string]any{"offset": offset, "limit": limit, "version_id": planID}, &ans); st != 200 {
		h.t.Fatalf("batch-query: %d", st)
	}
	return ans.Values, ans.Total
}

func (h *harness) caseResult(id string) (string, int) {
	h.t.Helper()
	var d struct {
		TestcaseID   string `json:"testcase_id"`
		ResultID     string `json:"result_id"`
		ExecuteCount int    `json:"execute_count"`
	}
	h.json("GET", tp+"/testcases/"+id, nil, &d)
	if d.TestcaseID != id {
		h.t.Fatalf("show case %s: %+v", id, d)
	}
	return d.ResultID, d.ExecuteCount
}

func TestCloudTestExecutionsAndResults(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	in := h.s.DemoCaseIDs(DemoPlanCaseCount)                         // in DemoPlanID
	out := h.s.DemoCaseIDs(DemoPlanCaseCount + 1)[DemoPlanCaseCount] // not in any plan
	start := time.Now().Add(-time.Hour).UnixMilli()

	// Whole-call validation: nothing is recorded.
	bad := []struct {
		name, call string
		items      []execItem
		code       string
	}{
		{"result code", "execution", []execItem{{in[0], "e1", "3", start, 0, nil, nil}}, ctResultInvalid},
		{"execute id too long", "execution", []execItem{{in[0], strings.Repeat("e", 33), "5", start, 0, nil, nil}}, ctExecuteIDInvalid},
		{"empty execute id", "execution", []execItem{{in[0], "", "5", start, 0, nil, nil}}, ctExecuteIDInvalid},
		{"malformed case id", "execution", []execItem{{"abc", "e1", "5", start, 0, nil, nil}}, ctCaseIDInvalid},
		{"no start time", "execution", []execItem{{in[0], "e1", "5", 0, 0, nil, nil}}, ctStartTimeInvalid},
		{"no end time", "result", []execItem{{in[0], "e1", "0", 0, 0, ms(1), nil}}, ctEndTimeInvalid},
		{"no duration", "result", []execItem{{in[0], "e1", "0", 0, start, nil, nil}}, ctDurationInvalid},
		{"empty list", "execution", []execItem{}, ctParamInvalid},
	}
	for _, tt := range bad {
		st, b := h.execBatch(tt.call, DemoPlanID, DemoServiceID, tt.items)
		wantError(t, tt.name, st, b, 400, tt.code)
	}
	many := make([]execItem, 51)
	for i, id := range h.s.DemoCaseIDs(51) {
		many[i] = execItem{id, "m" + id[:10], "5", start, start + 1, ms(1), nil}
	}
	st, b := h.execBatch("execution", "", DemoServiceID, many)
	wantError(t, "51 executions", st, b, 400, ctRunTooMany)
	st, b = h.execBatch("result", "", DemoServiceID, many)
	wantError(t, "51 results", st, b, 400, ctResultTooMany)
	st, b = h.execBatch("execution", "nope", DemoServiceID, []execItem{{in[0], "e1", "5", start, 0, nil, nil}})
	wantError(t, "malformed plan id", st, b, 400, ctPlanIDInvalid)
	st, b = h.execBatch("execution", DemoPlanID, 42, []execItem{{in[0], "e1", "5", start, 0, nil, nil}})
	wantError(t, "unknown service", st, b, 400, ctServiceInvalid)
	if n := len(h.s.TestCaseExecutions()); n != 0 {
		t.Fatalf("refused calls recorded %d executions", n)
	}

	// Start three executions; a case outside the plan fails on its own.
	st, b = h.execBatch("execution", DemoPlanID, DemoServiceID, []execItem{
		{in[0], "e0", "5", start, 0, nil, nil}, {in[1], "e1", "5", start, 0, nil, nil},
		{in[2], "e2", "5", start, 0, nil, nil}, {out, "e3", "5", start, 0, nil, nil},
	})
	f := decodeBatch(t, b)
	if st != 400 || f.ErrorCode != ctRunPartial || len(f.failedCodes()) != 1 || f.failedCodes()[out] != ctCaseNotInPlan {
		t.Fatalf("partial execution: %d %s", st, b)
	}
	if got := h.s.PlanCases(DemoPlanID); got[in[0]] != "5" || got[in[2]] != "5" || got[in[3]] != "" {
		t.Fatalf("PlanCases while running: %v", got)
	}
	// An execute_id cannot run twice.
	st, b = h.execBatch("execution", DemoPlanID, DemoServiceID, []execItem{{in[0], "e0", "5", start, 0, nil, nil}})
	if f := decodeBatch(t, b); st != 500 || f.ErrorCode != ctRunAllRepeated || f.failedCodes()[in[0]] != ctRunRepeated {
		t.Fatalf("repeated execution: %d %s", st, b)
	}
	st, b = h.execBatch("execution", DemoPlanID, DemoServiceID, []execItem{
		{in[0], "e0", "5", start, 0, nil, nil}, {in[3], "e4", "5", start, 0, nil, nil}})
	if f := decodeBatch(t, b); st != 500 || f.ErrorCode != ctRunSomeRepeated || len(f.failedCodes()) != 1 {
		t.Fatalf("partly repeated execution: %d %s", st, b)
	}

	// Results: passed, failed, stopped; e4 stays running.
	desc := "p95 412 ms <= 500 ms"
	st, b = h.execBatch("result", DemoPlanID, DemoServiceID, []execItem{
		{in[0], "e0", "0", 0, start + 60000, ms(60000), &desc},
		{in[1], "e1", "1", 0, start + 60000, ms(61000), nil},
		{in[2], "e2", "6", 0, start + 30000, ms(30000), nil},
	})
	if st != 200 || strings.TrimSpace(string(b)) != "{}" {
		t.Fatalf("results: %d %s", st, b)
	}
	want := map[string]string{in[0]: "0", in[1]: "1", in[2]: "6", in[3]: "5"}
	got := h.s.PlanCases(DemoPlanID)
	for id, r := range want {
		if got[id] != r {
			t.Fatalf("PlanCases[%s] = %q, want %q (%v)", id[:6], got[id], r, got)
		}
	}
	// A second result for an execution, a result for an unknown execution.
	st, b = h.execBatch("result", DemoPlanID, DemoServiceID, []execItem{{in[0], "e0", "1", 0, start, ms(1), nil}})
	if f := decodeBatch(t, b); st != 500 || f.ErrorCode != ctResultAllRepeated || f.failedCodes()[in[0]] != ctResultRepeated {
		t.Fatalf("repeated result: %d %s", st, b)
	}
	st, b = h.execBatch("result", DemoPlanID, DemoServiceID, []execItem{
		{in[3], "e4", "0", 0, start, ms(5), nil}, {in[5], "never-ran", "0", 0, start, ms(1), nil}})
	if f := decodeBatch(t, b); st != 400 || f.ErrorCode != ctResultPartial || f.failedCodes()[in[5]] != ctExecuteIDInvalid {
		t.Fatalf("result of an unknown execution: %d %s", st, b)
	}
	st, b = h.execBatch("result", DemoPlanID, DemoServiceID, []execItem{{in[6], "never-ran", "0", 0, start, ms(1), nil}})
	if f := decodeBatch(t, b); st != 500 || f.ErrorCode != ctResultFailed {
		t.Fatalf("every result refused: %d %s", st, b)
	}
	if r := h.s.PlanCases(DemoPlanID)[in[0]]; r != "0" {
		t.Fatalf("a refused result changed the case: %q", r)
	}

	// Read back: batch-query (paged) and ShowCase.
	rows, total := h.planCases(DemoPlanID, 0, 3)
	if total != DemoPlanCaseCount || len(rows) != 3 || rows[0].ID != in[0] || rows[0].Result.ID != "0" ||
		rows[0].Result.Name != "成功" || rows[0].ExecuteInfo.Duration != "60000" || rows[2].Result.ID != "6" {
		t.Fatalf("batch-query page 1: %d %+v", total, rows)
	}
	rows, _ = h.planCases(DemoPlanID, 3, 100)
	if len(rows) != DemoPlanCaseCount-3 || rows[0].Result.ID != "0" || rows[1].Result != nil || rows[1].ExecuteInfo != nil {
		t.Fatalf("batch-query page 2: %+v", rows)
	}
	if r, n := h.caseResult(in[1]); r != "1" || n != 1 {
		t.Fatalf("ShowCase: result %q, %d executions", r, n)
	}
	if r, n := h.caseResult(in[9]); r != "" || n != 0 {
		t.Fatalf("ShowCase of an unexecuted case: %q %d", r, n)
	}

	// Without plan_id: any case of the project; ShowCase has the result, the
	// plans do not.
	st, b = h.execBatch("execution", "", DemoServiceID, []execItem{{out, "p1", "5", start, 0, nil, nil}})
	if st != 200 {
		t.Fatalf("execution without plan: %d %s", st, b)
	}
	if st, b := h.execBatch("result", "", DemoServiceID, []execItem{{out, "p1", "1", 0, start + 5, ms(5), nil}}); st != 200 {
		t.Fatalf("result without plan: %d %s", st, b)
	}
	if r, _ := h.caseResult(out); r != "1" {
		t.Fatalf("ShowCase without plan: %q", r)
	}
	if _, ok := h.s.PlanCases(DemoPlanID)[out]; ok {
		t.Fatal("a plan-less execution put the case in the plan")
	}
	ex := h.s.TestCaseExecutions()
	if len(ex) != 5 || ex[0].ExecuteID != "e0" || ex[0].Description != desc || ex[0].Duration != time.Minute ||
		!ex[0].ResultUpdated || ex[0].PlanID != DemoPlanID || ex[4].PlanID != "" || ex[0].Start.UnixMilli() != start {
		t.Fatalf("TestCaseExecutions: %+v", ex)
	}
	var plan planView
	for _, p := range h.listPlans("offset=0&limit=10&name=" + DemoPlanName) {
		if p.PlanID == DemoPlanID {
			plan = p
		}
	}
	if plan.CurrentStage != "execute" || plan.ExecuteStage.ExecutedCaseCount != 4 || plan.ExecuteStage.CasePassRate != "20.00%" ||
		plan.ReportStage.CaseCompleteRate != "40.00%" {
		t.Fatalf("plan figures: %+v", plan)
	}
}

func TestCloudTestCaseReads(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	st, _, b := h.do("GET", tp+"/testcases/xyz", nil)
	wantError(t, "malformed case id", st, b, 400, ctCaseIDInvalid)
	st, _, b = h.do("GET", tp+"/testcases/"+strings.Repeat("f", 32), nil)
	wantError(t, "unknown case", st, b, 400, ctCaseNotFound)
	q := "/v1/" + DemoCodeArtsProjectID + "/testcases/batch-query"
	for _, body := range []string{`{"offset":0}`, `{"offset":0,"limit":201}`, `{"offset":-1,"limit":1}`} {
		st, _, b := h.do("POST", q, body)
		wantError(t, body, st, b, 400, ctPageInvalid)
	}
	st, _, b = h.do("POST", q, `{"offset":0,"limit":1,"version_id":"`+strings.Repeat("0", 20)+`"}`)
	wantError(t, "unknown plan", st, b, 400, ctPlanInvalid)
	// Without version_id: every case of the project.
	var all struct {
		Values []caseRow `json:"values"`
		Total  int       `json:"total"`
	}
	h.json("POST", q, map[string]any{"offset": 0, "limit": 200}, &all)
	if all.Total != DemoCasePoolSize+DemoOtherCaseCount || len(all.Values) != 200 {
		t.Fatalf("project cases: %d, page %d", all.Total, len(all.Values))
	}
	added := h.s.AddTestCases(DemoOtherServiceID, 2)
	if got := h.s.ServiceCaseIDs(DemoOtherServiceID); len(got) != DemoOtherCaseCount+2 || got[DemoOtherCaseCount] != added[0] {
		t.Fatalf("AddTestCases: %v", got)
	}
	if ids := h.s.DemoCaseIDs(2); ids[0] != New(Options{}).DemoCaseIDs(1)[0] || len(ids[1]) != 32 {
		t.Fatalf("DemoCaseIDs is not deterministic: %v", ids)
	}
}

func TestCloudTestEnvironments(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	var a environmentsResponse
	h.json("GET", tp+"/environments?offset=1&limit=5", nil, &a)
	if a.TotalCount != 2 || len(a.Environments) != 1 || a.Environments[0].EnvironmentID != DemoStagingEnvironmentID ||
		a.Environments[0].IsDefault || a.Offset != 1 || a.Limit != 5 {
		t.Fatalf("environments page: %+v", a)
	}
	h.json("GET", tp+"/environments", nil, &a)
	if len(a.Environments) != 2 || a.Limit != 200 || a.Environments[0].EnvironmentName != DemoEnvironmentName {
		t.Fatalf("environments with defaults: %+v", a)
	}
	st, _, b := h.do("GET", tp+"/environments?offset=1000&limit=5", nil)
	wantError(t, "offset 1000", st, b, 400, ctEnvOffsetInvalid)
	st, _, b = h.do("GET", tp+"/environments?offset=0&limit=0", nil)
	wantError(t, "limit 0", st, b, 400, ctEnvLimitInvalid)
}

// TestCloudTestFaults checks that injected faults reach TestPlan calls
// through the same ServeHTTP path, in TestPlan's error format.
func TestCloudTestFaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	ids := h.s.DemoCaseIDs(DemoPlanCaseCount + 2)[DemoPlanCaseCount:]
	add := "POST " + tp + "/plans/" + DemoPlanID + "/testcases/batch-add"

	h.s.Inject(Fault{Match: add, Kind: FaultStatus, Status: 500, Count: 1})
	st, b := h.batchAdd(DemoPlanID, DemoServiceID, ids[:1])
	wantError(t, "500 fault", st, b, 500, ctBusy)
	h.s.Inject(Fault{Match: add, Kind: FaultStatus, Status: 503, Count: 1})
	st, b = h.batchAdd(DemoPlanID, DemoServiceID, ids[:1])
	wantError(t, "503 fault", st, b, 503, "APIGW.0202")
	if n := len(h.s.PlanCases(DemoPlanID)); n != DemoPlanCaseCount {
		t.Fatalf("a gateway fault performed the batch-add (%d cases)", n)
	}

	// A lost answer: the cases were added all the same.
	h.s.Inject(Fault{Match: add, Kind: FaultDropAnswer, Count: 1})
	resp, err := h.send("POST", tp+"/plans/"+DemoPlanID+"/testcases/batch-add",
		map[string]any{"service_id": DemoServiceID, "testcase_id_list": ids}, map[string]string{"X-Auth-Token": h.token})
	if err == nil {
		resp.Body.Close()
		t.Fatalf("dropped answer arrived: %d", resp.StatusCode)
	}
	if n := len(h.s.PlanCases(DemoPlanID)); n != DemoPlanCaseCount+2 {
		t.Fatalf("the dropped batch-add was not performed (%d cases)", n)
	}

	// A malformed list answer keeps its 201.
	h.s.Inject(Fault{Match: "GET /v2/projects/", Kind: FaultMalformed, Count: 1})
	st, _, b = h.do("GET", "/v2/projects/"+DemoCodeArtsProjectID+"/plans?offset=0&limit=5", nil)
	var ps []planView
	if st != 201 || json.Unmarshal(b, &ps) == nil {
		t.Fatalf("malformed list: %d %s", st, b)
	}

	var faulted []Recorded
	for _, r := range h.s.Requests() {
		if r.Fault != 0 {
			faulted = append(faulted, r)
		}
	}
	if len(faulted) != 4 || faulted[0].Path != tp+"/plans/"+DemoPlanID+"/testcases/batch-add" || faulted[0].Status != 500 ||
		faulted[2].Fault != FaultDropAnswer || faulted[2].Status != 0 || faulted[3].Status != 201 || faulted[0].Auth != AuthToken {
		t.Fatalf("recorded faults: %+v", faulted)
	}
}
