package cloudtest

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func mustDecode(t *testing.T, b []byte, out any) {
	t.Helper()
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("decode: %v\n%s", err, b)
	}
}

func mustEncode(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGoldenPayloads decodes (answers) or re-encodes (requests) every
// example payload of seeds 000 and 002 for the endpoints of this package.
func TestGoldenPayloads(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file  string
		check func(t *testing.T, b []byte)
	}{
		{"create_plan_request.json", func(t *testing.T, b []byte) {
			got := newCreatePlanBody(CreatePlanRequest{Name: "这是一个测试计划名称", ServiceIDs: []int64{13, 24},
				AssigneeID: "efdb403066474ab08836b9eeaaa23bca",
				StartDate:  time.Date(2020, 3, 4, 0, 0, 0, 0, time.UTC), EndDate: time.Date(2020, 3, 31, 0, 0, 0, 0, time.UTC)})
			jsonEqual(t, mustEncode(t, got), b)
		}},
		{"example3_create_plan_request.json", func(t *testing.T, b []byte) {
			got := newCreatePlanBody(CreatePlanRequest{Name: "这是一个测试计划名称", ServiceIDs: []int64{0},
				AssigneeID: "efdb403066474ab08836b9eeaaa23bca",
				StartDate:  time.Date(2020, 3, 4, 0, 0, 0, 0, time.UTC), EndDate: time.Date(2020, 3, 31, 0, 0, 0, 0, time.UTC)})
			jsonEqual(t, mustEncode(t, got), b)
		}},
		{"create_plan_response.json", func(t *testing.T, b []byte) {
			var a createPlanAnswer
			mustDecode(t, b, &a)
			want := createPlanAnswer{PlanID: "b66aab5469cc4ab39b0dda8e644a42a4", Code: "CLOUDTEST.00000001", Message: "接口调用失败错误信息"}
			if a != want {
				t.Errorf("answer = %+v", a)
			}
		}},
		{"example3_create_plan_response.json", func(t *testing.T, b []byte) {
			var a createPlanAnswer
			mustDecode(t, b, &a)
			want := createPlanAnswer{PlanID: "efdb403066474ab08836b9eeaaa23bca", Code: "CLOUDTEST.000XXXXX", Message: "失败原因XXXXX"}
			if a != want {
				t.Errorf("answer = %+v", a)
			}
		}},
		{"list_plans_v2.json", func(t *testing.T, b []byte) {
			plans, err := decodePlans(b)
			if err != nil {
				t.Fatal(err)
			}
			tester := "测试Tester"
			want := []Plan{{
				ID: "c7c2ddf2ea914164ac6ee76bf11a30ea", Name: "测试", ProjectID: "9b26f58ec29943f681804a6628779a23",
				CurrentStage: "design", StartDate: "2021-07-10", EndDate: "2021-07-10", FinishDate: "2021-07-10",
				ExpireDay: -4,
				Creator:   User{ID: "efdb403066474ab08836b9eeaaa23bca", NickName: tester, UserName: tester},
				Owner:     User{ID: "efdb403066474ab08836b9eeaaa23bca", Name: tester, NickName: tester, UserName: tester},
				Iteration: NameID{ID: "ID", Name: "名称"},
				Design:    DesignStage{CaseCount: 2, IssueCount: 0, IssueCoveredCount: 0},
				Execute:   ExecuteStage{CasePassRate: "0.00%"},
				Report:    ReportStage{CaseCompleteRate: "100.00%"},
			}}
			if !reflect.DeepEqual(plans, want) {
				t.Errorf("plans = %+v\nwant %+v", plans, want)
			}
		}},
		{"batch_add_request.json", func(t *testing.T, b []byte) {
			id := "97b82412f1ca4628803b918c27ed09de"
			jsonEqual(t, mustEncode(t, batchAddBody{ServiceID: 13, CaseIDs: []string{id, id, id}}), b)
		}},
		{"example3_batch_add_request.json", func(t *testing.T, b []byte) {
			got := batchAddBody{ServiceID: 13, CaseIDs: []string{"efdb403066474ab08836b9eeaaa23bca", "251fca07b22f493692eb06b1754f07a8"}}
			jsonEqual(t, mustEncode(t, got), b)
		}},
		{"batch_add_response_500.json", func(t *testing.T, b []byte) {
			var a batchAnswer
			mustDecode(t, b, &a)
			want := []CaseFailure{{CaseID: "efdb403066474ab08836b9eeaaa23bca", Code: "CLOUDTEST.00000001", Message: "返回的错误信息"}}
			if a.Code != "CLOUDTEST.00000001" || a.Message != "接口调用失败错误信息" || !reflect.DeepEqual(a.Detail.Failed, want) {
				t.Errorf("answer = %+v", a)
			}
			failed, found, complete := failuresFromBody(string(b))
			if !found || !complete || !reflect.DeepEqual(failed, want) {
				t.Errorf("failuresFromBody = %v, %v, %v", failed, found, complete)
			}
		}},
		{"example3_batch_add_response.json", func(t *testing.T, b []byte) {
			var a batchAnswer
			mustDecode(t, b, &a)
			want := []CaseFailure{
				{CaseID: "efdb403066474ab08836b9eeaaa23bca", Code: "CLOUDTEST.000XXXXX", Message: "失败原因XXXXX"},
				{CaseID: "251fca07b22f493692eb06b1754f07a8", Code: "CLOUDTEST.000XXXXX", Message: "失败原因XXXXX"},
			}
			if a.Code != "CLOUDTEST.000XXXXX" || !reflect.DeepEqual(a.Detail.Failed, want) {
				t.Errorf("answer = %+v", a)
			}
		}},
		{"list_environments.json", func(t *testing.T, b []byte) {
			var a environmentsAnswer
			mustDecode(t, b, &a)
			want := environmentsAnswer{TotalCount: 50, Environments: []Environment{
				{ID: "ff4893796ee1a8aa009ff3a470de55d8", Name: "默认环境", Description: "默认环境", IsDefault: true}}}
			if !reflect.DeepEqual(a, want) {
				t.Errorf("answer = %+v", a)
			}
		}},
		{"error_body.json", func(t *testing.T, b []byte) {
			var a batchAnswer
			mustDecode(t, b, &a)
			if a.Code != "CLOUDTEST.00013024" || a.Message != "没有权限添加用例" || a.Detail.Failed != nil {
				t.Errorf("answer = %+v", a)
			}
			if _, found, _ := failuresFromBody(string(b)); found {
				t.Error("an error body without error_detail lists failures")
			}
		}},
		{"attask_execute_request.json", func(t *testing.T, b []byte) {
			got := newTemplateBody(ExecuteRequest{TaskIDs: []string{"2587542699280171008"}, SutBranch: "基线", SutName: "deng_test",
				UserName: "efdb403066474ab08836b9eeaaa23bca", TestServiceID: "c2d63f9d3af34177ab62545d841c78d7"})
			jsonEqual(t, mustEncode(t, got), b)
		}},
		{"attask_execute_response.json", func(t *testing.T, b []byte) {
			var a attaskAnswer
			mustDecode(t, b, &a)
			if a.Result != "46bf29d06a4c4cc3ac9ebd896e5812b4" || a.Status != "ok" || a.RequestIDAlt != "" || a.ServerIPAlt != "" {
				t.Errorf("answer = %+v", a)
			}
		}},
		{"attask_execute_error_401.json", func(t *testing.T, b []byte) {
			e := attaskErrorFrom(string(b))
			if e.Code != "DEV.00000003" || e.Message != "认证信息过期" || e.Cause != "" || e.FAQ != "" {
				t.Errorf("error = %+v", e)
			}
		}},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			tt.check(t, readGolden(t, tt.file))
		})
	}
	// Every golden file is checked.
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") && !seen[e.Name()] {
			t.Errorf("testdata/%s has no check", e.Name())
		}
	}
}

func TestInt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Int
		err  bool
	}{
		{`12`, 12, false},
		{`-4`, -4, false},
		{`"-4"`, -4, false},
		{`12.0`, 12, false},
		{`1.2e1`, 12, false},
		{`" 7 "`, 7, false},
		{`null`, 0, false},
		{`""`, 0, false},
		{`12.5`, 0, true},
		{`"abc"`, 0, true},
		{`true`, 0, true},
		{`{}`, 0, true},
		{`[1]`, 0, true},
		{`"NaN"`, 0, true},
		{`1e300`, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			n := Int(99)
			err := json.Unmarshal([]byte(tt.in), &n)
			if (err != nil) != tt.err {
				t.Fatalf("error = %v, want error %v", err, tt.err)
			}
			if !tt.err && n != tt.want {
				t.Errorf("got %d, want %d", n, tt.want)
			}
		})
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Text
		err  bool
	}{
		{`"abc"`, "abc", false},
		{`"\u6d4b\"x"`, `测"x`, false},
		{`12`, "12", false},
		{`1.5e3`, "1.5e3", false},
		{`true`, "true", false},
		{`null`, "", false},
		{`{}`, "", true},
		{`[]`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			v := Text("old")
			err := json.Unmarshal([]byte(tt.in), &v)
			if (err != nil) != tt.err {
				t.Fatalf("error = %v, want error %v", err, tt.err)
			}
			if !tt.err && v != tt.want {
				t.Errorf("got %q, want %q", v, tt.want)
			}
		})
	}
}

func TestResult(t *testing.T) {
	t.Parallel()
	tests := []struct {
		r     Result
		valid bool
		text  string
	}{
		{ResultPassed, true, "passed (0)"},
		{ResultFailed, true, "failed (1)"},
		{ResultRunning, true, "running (5)"},
		{ResultStopped, true, "stopped (6)"},
		{"2", false, `result "2"`},
		{"", false, `result ""`},
	}
	for _, tt := range tests {
		t.Run(string(tt.r), func(t *testing.T) {
			t.Parallel()
			if tt.r.Valid() != tt.valid || tt.r.String() != tt.text {
				t.Errorf("Valid %v String %q", tt.r.Valid(), tt.r.String())
			}
		})
	}
}

// TestTolerantDecoding: nulls, numbers for strings, strings for numbers and
// unknown fields all decode.
func TestTolerantDecoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		out  any
		want any
	}{
		{"plan with nulls and numbers", `{"plan_id":123,"name":null,"expire_day":3,"design_stage":null,` +
			`"execute_stage":{"case_pass_rate":50,"executed_case_count":"4"},"iteration":{"id":7},"new_field":{"x":[1]}}`,
			&Plan{}, &Plan{ID: "123", ExpireDay: 3, Execute: ExecuteStage{CasePassRate: "50", ExecutedCaseCount: 4}, Iteration: NameID{ID: "7"}}},
		{"environment with nulls", `{"environment_id":null,"environment_name":"e","is_default":null}`,
			&Environment{}, &Environment{Name: "e"}},
		{"failure with a numeric code", `{"testcase_id":"c","error_code":17057,"error_msg":null}`,
			&CaseFailure{}, &CaseFailure{CaseID: "c", Code: "17057"}},
		{"error detail as a bare array", `{"error_detail":[{"testcase_id":"c","error_code":"X"},{}]}`,
			&batchAnswer{}, &batchAnswer{Detail: errorDetail{Failed: []CaseFailure{{CaseID: "c", Code: "X"}}}}},
		{"error detail of another shape", `{"error_code":"E","error_detail":"text"}`,
			&batchAnswer{}, &batchAnswer{Code: "E"}},
		{"case with an integer test type id", `{"id":"c","test_type":{"id":13,"name":"t"},"execute_info":{"timestamp":"1704074400000"}}`,
			&PlanCase{}, &PlanCase{ID: "c", TestType: NameID{ID: "13", Name: "t"}, Executed: ExecuteInfo{Timestamp: 1704074400000}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mustDecode(t, []byte(tt.in), tt.out)
			if !reflect.DeepEqual(tt.out, tt.want) {
				t.Errorf("got  %+v\nwant %+v", tt.out, tt.want)
			}
		})
	}
}

func TestFailuresFromCutBody(t *testing.T) {
	t.Parallel()
	full := `{"error_code":"E","error_msg":"m","error_detail":{"failed":[{"testcase_id":"a","error_code":"X"},{"testcase_id":"b","error_code":"Y"}]},"request_id":"r"}`
	tests := []struct {
		name     string
		body     string
		want     []string
		found    bool
		complete bool
	}{
		{"whole", full, []string{"a", "b"}, true, true},
		{"cut after the list", full[:strings.Index(full, `,"request_id"`)] + "…", []string{"a", "b"}, true, true},
		{"cut inside the second failure", full[:strings.Index(full, `"Y"`)] + "…", []string{"a"}, true, false},
		{"cut right after the opening bracket", full[:strings.Index(full, `[`)+1] + "…", nil, true, false},
		{"cut before error_detail", full[:strings.Index(full, `"error_detail"`)] + "…", nil, false, false},
		{"bare array detail cut", `{"error_detail":[{"testcase_id":"a"},{"testcase_i…`, []string{"a"}, true, false},
		{"not JSON", `Internal Server Error`, nil, false, false},
		{"empty", ``, nil, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			failed, found, complete := failuresFromBody(tt.body)
			var ids []string
			for _, f := range failed {
				ids = append(ids, f.CaseID)
			}
			if !reflect.DeepEqual(ids, tt.want) || found != tt.found || complete != tt.complete {
				t.Errorf("got %v, found %v, complete %v; want %v, %v, %v", ids, found, complete, tt.want, tt.found, tt.complete)
			}
		})
	}
}
