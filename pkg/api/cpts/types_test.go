package cpts

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

func readGolden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeGolden(t *testing.T, name string, out any) {
	t.Helper()
	if err := json.Unmarshal(readGolden(t, name), out); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
}

// jsonEqual compares two JSON documents by value.
func jsonEqual(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want is not JSON: %v\n%s", err, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("JSON differs\n got: %s\nwant: %s", got, want)
	}
}

func TestGoldenSuccessCodes(t *testing.T) {
	t.Parallel()
	// Both documented success code strings appear; the client ignores them
	// and decides by HTTP status.
	tests := []struct {
		file, code string
	}{
		{"list_project_sets.json", "CPTS.00000000"},
		{"show_task_set.json", "SVCSTG.CPTS.0000000"},
		{"show_task.json", "SVCSTG.CPTS.0000000"},
		{"create_task_response.json", "SVCSTG.CPTS.0000000"},
		{"update_task_status_response.json", "SVCSTG.CPTS.0000000"},
		{"update_task_related_test_case_response.json", "SVCSTG.CPTS.0000000"},
		{"list_variables.json", "SVCSTG.CPTS.0000000"},
		{"list_variables_request_example.json", "SVCSTG.CPTS.0000000"},
		{"update_variable_response.json", "SVCSTG.CPTS.0000000"},
		{"show_history_run_info.json", "SVCSTG.CPTS.0000000"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			var env struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			}
			decodeGolden(t, tt.file, &env)
			if env.Code != tt.code || env.Message != "success" {
				t.Errorf("code, message = %q, %q; want %q, success", env.Code, env.Message, tt.code)
			}
		})
	}
}

func TestGoldenAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file  string
		check func(t *testing.T, b []byte)
	}{
		{"list_project_sets.json", func(t *testing.T, b []byte) {
			var a suitesAnswer
			mustDecode(t, b, &a)
			want := []Suite{{ID: 1, Name: "name", Description: "description", Source: 0,
				CreateTime: "2021-07-12T14:41:51+08:00", UpdateTime: "2021-07-12T14:41:51+08:00",
				VariablesNoFile: []string{}}}
			if !reflect.DeepEqual(a.Projects, want) {
				t.Errorf("projects = %+v", a.Projects)
			}
		}},
		{"show_task_set.json", func(t *testing.T, b []byte) {
			var a tasksAnswer
			mustDecode(t, b, &a)
			if len(a.Tasks) != 2 {
				t.Fatalf("tasks = %d, want 2", len(a.Tasks))
			}
			got := a.Tasks[0]
			want := TaskSummary{ID: 52631, Name: "task1", BenchConcurrent: 100, OperateMode: 2, Parallel: true,
				UpdateTime: "2022-01-05T11:16:08.415954+08:00"}
			if got != want {
				t.Errorf("task 0 = %+v, want %+v", got, want)
			}
			if a.Tasks[1].ID != 52621 || a.Tasks[1].Name != "task2" || a.Tasks[1].UpdateTime != "2021-12-31T15:43:53.014385+08:00" {
				t.Errorf("task 1 = %+v", a.Tasks[1])
			}
		}},
		{"show_task.json", func(t *testing.T, b []byte) {
			var a taskAnswer
			mustDecode(t, b, &a)
			task := a.TaskInfo.v
			if task == nil {
				t.Fatal("taskInfo not decoded")
			}
			if task.Name != "task" || task.SuiteID != 17543 || task.BenchConcurrent != 100 || task.OperateMode != 2 ||
				task.Parallel || task.CreateTime != "2022-09-20T14:23:42.87449+08:00" || task.UpdateTime != "2022-09-20T14:23:43.579707+08:00" {
				t.Errorf("task = %+v", task)
			}
			if task.RunStatus != StatusFinished || !task.RunStatus.IsTerminal() {
				t.Errorf("run status = %v", task.RunStatus)
			}
			if got := task.CurrentRunID(); got != 79515 {
				t.Errorf("CurrentRunID = %d, want 79515", got)
			}
			if got := task.CaseRunIDs(79515); !slices.Equal(got, []int64{93868}) {
				t.Errorf("CaseRunIDs = %v", got)
			}
			if got := task.CaseRunIDs(1); got != nil {
				t.Errorf("CaseRunIDs(other run) = %v", got)
			}
			r := task.Running[0]
			if r.Status != StatusFinished || r.CrawlerStatus != 9 || r.CaseName != "testCase" ||
				!slices.Equal(r.Requests, []string{"testRequest#GET#https://www.example.com"}) {
				t.Errorf("running = %+v", r)
			}
			if len(task.Cases) != 1 {
				t.Fatalf("cases = %d", len(task.Cases))
			}
			c := task.Cases[0]
			if c.CaseID != 18393 || c.Name != "case" || c.Sort != 1 || c.Status != 1 || len(c.Stages) != 1 {
				t.Fatalf("case = %+v", c)
			}
			want := Stage{Name: "Stage-pd44", OperateMode: 0, Time: 60, IssueNum: 10, Count: 1, TPSValue: 1,
				CurrentUserNum: 10, CurrentTPS: 1, Maximum: 3, Minimum: 1, LoopCount: 2, MaxDuration: 30,
				RampUp: 30, StepDuration: 30, StepSize: 1,
				PeakLoadKPIs: &StageKPIs{
					AverageResponseTime: &StageKPI{Comparison: "<=", Value: NumberOf(60000)},
					SuccessRate:         &StageKPI{Comparison: ">=", Value: NumberOf(0)},
				}}
			if !reflect.DeepEqual(c.Stages[0], want) {
				t.Errorf("stage = %+v\nwant %+v", c.Stages[0], want)
			}
		}},
		{"update_task_related_test_case_response.json", func(t *testing.T, b []byte) {
			var a taskAnswer
			mustDecode(t, b, &a)
			task := a.TaskInfo.v
			if task == nil {
				t.Fatal("taskInfo not decoded")
			}
			if len(task.Cases) != 2 || task.Cases[0].CaseID != 211751 || task.Cases[1].CaseID != 213142 ||
				task.Cases[1].Sort != 2 || len(task.Cases[1].Stages) != 0 {
				t.Errorf("cases = %+v", task.Cases)
			}
			if task.RunStatus != StatusFinished || task.SuiteID != 122025 || task.CurrentRunID() != 0 {
				t.Errorf("task = %+v", task)
			}
		}},
		{"create_task_response.json", func(t *testing.T, b []byte) {
			var a createTaskAnswer
			mustDecode(t, b, &a)
			if a.TaskID != 184138 {
				t.Errorf("task_id = %d", a.TaskID)
			}
		}},
		{"update_task_status_response.json", func(t *testing.T, b []byte) {
			var a taskStatusAnswer
			mustDecode(t, b, &a)
			if a.Result == nil || a.Result.TaskRunID != 32517 {
				t.Errorf("result = %+v", a.Result)
			}
		}},
		{"list_variables.json", func(t *testing.T, b []byte) {
			var a variablesAnswer
			mustDecode(t, b, &a)
			want := []Variable{
				{ID: 37615, Name: "var1", Type: VariableInteger, Values: []any{1.0, 20.0}},
				{ID: 36306, Name: "var2", Type: VariableEnum, Values: []any{"domain-example.com"}, IsQuoted: true},
			}
			if !reflect.DeepEqual(a.VariableList, want) {
				t.Errorf("variables = %+v", a.VariableList)
			}
		}},
		{"list_variables_request_example.json", func(t *testing.T, b []byte) {
			var a variablesAnswer
			mustDecode(t, b, &a)
			want := []Variable{{ID: 156769, Name: "var1", Type: VariableEnum, Values: []any{"test"}}}
			if !reflect.DeepEqual(a.VariableList, want) {
				t.Errorf("variables = %+v", a.VariableList)
			}
		}},
		{"show_history_run_info.json", func(t *testing.T, b []byte) {
			var a historyAnswer
			mustDecode(t, b, &a)
			want := []HistoryRun{{RunID: 48105, Name: "temp_name_2022-07-20T17:01:57+08:00", RunType: 1,
				StartTime: "2022-07-20T17:01:57+08:00", EndTime: "2022-07-20T17:11:52+08:00",
				ContinueTime: NumberOf(595), CaseNames: []NameOnly{{Name: "temp_name"}}}}
			if !reflect.DeepEqual(a.LogList, want) {
				t.Errorf("log_list = %+v", a.LogList)
			}
		}},
		{"show_report.json", func(t *testing.T, b []byte) {
			var a reportAnswer
			mustDecode(t, b, &a)
			r := a.Result
			if r == nil {
				t.Fatal("result not decoded")
			}
			if len(r.Details.Data) != 1 || r.Details.Total != 1 || r.Details.PageSize != 5 || r.Details.PageIndex != 1 || r.Truncated() {
				t.Fatalf("details = %+v", r.Details)
			}
			p := r.Details.Data[0].Performance
			if p.Name != "ccc" || p.StartTime != "2022-09-16T19:18:16+08:00" || p.EndTime != "2022-09-16T19:19:16+08:00" ||
				p.TestCaseURI != "16674" || p.TransactionID != "" || p.IsAW {
				t.Errorf("performance identity = %+v", p)
			}
			f := p.Fields()
			want := map[string]float64{
				"averageRespTime": 12.52, "avgNetworkTraffic": 0, "avgRecBytes": 10472.426150121066, "avgSentBytes": 53,
				"avgTranRespTime": 12.52, "currentThreadNum": 1, "errorCount": 1, "errorEventsCount": 0,
				"failedAssert": 0, "failedOthers": 1, "failedParsed": 0, "failedRefused": 0, "failedTimeout": 0,
				"max": 331, "maxNetworkTraffic": 0, "maxRecBytes": 555275, "maxRespTime": 331, "maxSentBytes": 2809,
				"maxTranRespTime": 331, "min": 11, "minNetworkTraffic": 0, "requests": 2478, "result": 0, "status": 15,
				"successCount": 2477, "successRate": 99.95, "sum1xx": 0, "sum2xx": 2477, "sum3xx": 0, "sum4xx": 0, "sum5xx": 0,
				"taskStatus": 6, "tp50": 12, "tp75": 12, "tp90": 13, "tp95": 13, "tp99": 24, "tp999": 60, "tp9999": 331,
				"tps": 41.3, "tranTPS": 41.3, "transactionSuccess": 2477, "transactionalSuccessRate": 99.95964487489911,
				"transactionalTps": 0, "transactionalTpsSuccess": 0, "transactions": 2478, "vum": 1,
			}
			if !reflect.DeepEqual(f, want) {
				t.Errorf("performance fields:\n got %v\nwant %v", f, want)
			}
			if len(r.Details.Data[0].Requests) != 1 {
				t.Fatalf("detailDatas = %d", len(r.Details.Data[0].Requests))
			}
			d := r.Details.Data[0].Requests[0]
			if d.TransactionSuccess.Valid || d.Transactions.Valid {
				t.Errorf("null numbers decoded as valid: %+v %+v", d.TransactionSuccess, d.Transactions)
			}
			wantD := map[string]float64{"tp99": 24, "tps": 41.3, "tranTPS": 0, "transactionalSuccessRate": 0,
				"transactionalTps": 0, "transactionalTpsSuccess": 0, "vum": 1}
			if got := d.Fields(); !reflect.DeepEqual(got, wantD) {
				t.Errorf("detail fields = %v, want %v", got, wantD)
			}
			o := r.Outline
			if got, ok := o.Duration.Get(); !ok || got != 60 {
				t.Errorf("outline duration = %v %v", got, ok)
			}
			if o.AvgResponseTime.Value != 12.518563357546409 || o.MaxUsers.Value != 1 || o.StageName != "Alpha" ||
				o.BranchID != "" || o.ProjectID != "14509" || o.ServiceID != "17543" {
				t.Errorf("outline = %+v", o)
			}
			if n := len(o.Fields()); n != 15 {
				t.Errorf("outline fields = %d, want 15: %v", n, o.Fields())
			}
			if r.RespTimeRange["0~50ms"] != "100.0%(2472)" || r.RespTimeRange[">>5s"] != "0.0%(0)" || len(r.RespTimeRange) != 9 {
				t.Errorf("respTimeRange = %v", r.RespTimeRange)
			}
			if r.TaskInfo.VUM != NumberOf(1) {
				t.Errorf("taskInfo.vum = %+v", r.TaskInfo.VUM)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			tt.check(t, readGolden(t, tt.file))
		})
	}
}

func mustDecode(t *testing.T, b []byte, out any) {
	t.Helper()
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("decode: %v", err)
	}
}

func TestGoldenRequests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		body any
		drop []string // documented optional keys we do not send
	}{
		{"create_task_request.json", newCreateTaskBody(CreateTaskRequest{Name: "task", SuiteID: 1, BenchConcurrent: 100}), nil},
		{"update_task_status_start_request.json", newStartBody(Cluster{Shared: true, ID: 99, EnterpriseProjectID: "0"}), nil},
		{"update_task_status_stop_request.json", newStopBody(), []string{"enterprise_project_id"}},
		{"update_task_related_test_case_request.json", newSetTaskCasesBody(SetTaskCasesRequest{
			Name: "task", SuiteID: 17543, CaseIDs: []int64{16674, 16675}}), nil},
		{"update_variable_request.json", newVariablesBody([]Variable{{ID: 1, Name: "varTest", Type: VariableInteger,
			Values: []any{1, 10}, Mode: 1, IsQuoted: true}}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			got, err := json.Marshal(tt.body)
			if err != nil {
				t.Fatal(err)
			}
			want := readGolden(t, tt.file)
			if len(tt.drop) > 0 {
				var m map[string]any
				mustDecode(t, want, &m)
				for _, k := range tt.drop {
					delete(m, k)
				}
				want, _ = json.Marshal(m)
			}
			jsonEqual(t, got, want)
		})
	}
}

func TestStartBodyPrivateCluster(t *testing.T) {
	t.Parallel()
	got, _ := json.Marshal(newStartBody(Cluster{ID: 42}))
	jsonEqual(t, got, []byte(`{"cluster_id":42,"cluster_type":"private-cluster","without_package":0,
		"network_info":{"network_type":"internet"},"status":9}`))
	got, _ = json.Marshal(newSetTaskCasesBody(SetTaskCasesRequest{Name: "x", Parallel: true, SuiteID: 3}))
	jsonEqual(t, got, []byte(`{"name":"x","parallel":true,"project_id":3,"operate_mode":2,"case_id_list":[]}`))
}

func TestInt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Int
		wantErr bool
	}{
		{`12`, 12, false},
		{`12.0`, 12, false},
		{`1.2e1`, 12, false},
		{`"12"`, 12, false},
		{`" 12 "`, 12, false},
		{`"12.0"`, 12, false},
		{`null`, 0, false},
		{`""`, 0, false},
		{`-1`, -1, false},
		{`9007199254740993`, 9007199254740993, false},
		{`"6969830689306988544"`, 6969830689306988544, false},
		{`12.5`, 0, true},
		{`"abc"`, 0, true},
		{`true`, 0, true},
		{`{}`, 0, true},
		{`[1]`, 0, true},
		{`1e300`, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			var v struct {
				N Int `json:"n"`
			}
			err := json.Unmarshal([]byte(`{"n":`+tt.in+`}`), &v)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && v.N != tt.want {
				t.Errorf("got %d, want %d", v.N, tt.want)
			}
		})
	}
}

func TestNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Number
		wantErr bool
	}{
		{`41.3`, NumberOf(41.3), false},
		{`0`, NumberOf(0), false},
		{`"99.95"`, NumberOf(99.95), false},
		{`null`, Number{}, false},
		{`""`, Number{}, false},
		{`"N/A"`, Number{}, false},
		{`"NaN"`, Number{}, false},
		{`"Infinity"`, Number{}, false},
		{`1e999`, Number{}, false},
		{`-0.5e-3`, NumberOf(-0.0005), false},
		{`true`, Number{}, true},
		{`{}`, Number{}, true},
		{`[]`, Number{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			var v struct {
				N Number `json:"n"`
			}
			v.N = NumberOf(7) // a null must reset a reused value
			err := json.Unmarshal([]byte(`{"n":`+tt.in+`}`), &v)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && v.N != tt.want {
				t.Errorf("got %+v, want %+v", v.N, tt.want)
			}
		})
	}
	for _, tt := range []struct {
		n    Number
		want string
	}{{NumberOf(41.3), "41.3"}, {NumberOf(12), "12"}, {Number{}, "null"}} {
		if b, _ := json.Marshal(tt.n); string(b) != tt.want {
			t.Errorf("marshal %+v = %s, want %s", tt.n, b, tt.want)
		}
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Text
		wantErr bool
	}{
		{`"a\"b"`, `a"b`, false},
		{`"2022-09-16 19:18:16"`, "2022-09-16 19:18:16", false},
		{`1663327096000`, "1663327096000", false},
		{`null`, "", false},
		{`true`, "true", false},
		{`{}`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			var v struct {
				T Text `json:"t"`
			}
			err := json.Unmarshal([]byte(`{"t":`+tt.in+`}`), &v)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if v.T != tt.want {
				t.Errorf("got %q, want %q", v.T, tt.want)
			}
		})
	}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		want     Status
		terminal bool
		name     string
	}{
		{`9`, StatusWaiting, false, "waiting"},
		{`0`, StatusRunning, false, "running"},
		{`1`, StatusPaused, false, "paused"},
		{`2`, StatusFinished, true, "finished"},
		{`"3"`, StatusAborted, true, "aborted"},
		{`4.0`, StatusStoppedByUser, true, "stopped by user"},
		{`5`, StatusStopping, false, "stopping"},
		{`7`, Status(7), false, "status(7)"},
		{`null`, StatusUnknown, false, "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			var s Status
			if err := json.Unmarshal([]byte(tt.in), &s); err != nil {
				t.Fatal(err)
			}
			if s != tt.want || s.IsTerminal() != tt.terminal || s.String() != tt.name {
				t.Errorf("got %d %v %q; want %d %v %q", s, s.IsTerminal(), s.String(), tt.want, tt.terminal, tt.name)
			}
		})
	}
}

func TestTaskTolerance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		body      string
		status    Status
		runID     int64
		caseRuns  []int64
		wantCases int
	}{
		{"taskInfo as array, as printed in the ShowTask example",
			`{"taskInfo":[{"run_status":0,"related_temp_running_data":[{"task_run_info_id":7,"related_temp_running_id":70}]}]}`,
			StatusRunning, 7, []int64{70}, 0},
		{"missing run_status is unknown, not running",
			`{"taskInfo":{"name":"t"}}`, StatusUnknown, 0, nil, 0},
		{"null run_status", `{"taskInfo":{"run_status":null}}`, StatusUnknown, 0, nil, 0},
		{"ids as doubles and strings, unknown fields",
			`{"taskInfo":{"run_status":"5","new_field":{"x":1},"case_list":[{"case_id":"3","stages":[{"time":60.0,"issue_num":"10"}]}],
			 "related_temp_running_data":[{"task_run_info_id":12.0,"related_temp_running_id":"120"},{"task_run_info_id":"12","related_temp_running_id":121},{"task_run_info_id":12,"related_temp_running_id":120}]}}`,
			StatusStopping, 12, []int64{120, 121}, 1},
		{"nested running data (the documented shape)",
			`{"taskInfo":{"run_status":9,"related_temp_running_data":[{"temp_id":1,"related_temp_running_data":[{"task_run_info_id":33,"temp_running_status":9}]}]}}`,
			StatusWaiting, 33, nil, 0},
		{"stale entries: the newest run id wins",
			`{"taskInfo":{"run_status":2,"related_temp_running_data":[{"task_run_info_id":40},{"task_run_info_id":41}]}}`,
			StatusFinished, 41, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var a taskAnswer
			mustDecode(t, []byte(tt.body), &a)
			task := a.TaskInfo.v
			if task == nil {
				t.Fatal("no task")
			}
			if task.RunStatus != tt.status || task.CurrentRunID() != tt.runID || len(task.Cases) != tt.wantCases {
				t.Errorf("status %v run %d cases %d; want %v %d %d", task.RunStatus, task.CurrentRunID(), len(task.Cases),
					tt.status, tt.runID, tt.wantCases)
			}
			if got := task.CaseRunIDs(tt.runID); !slices.Equal(got, tt.caseRuns) {
				t.Errorf("CaseRunIDs = %v, want %v", got, tt.caseRuns)
			}
		})
	}
}

func TestHistoryRunIDAsDouble(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`48105`, `48105.0`, `"48105"`, `4.8105e4`} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			var a historyAnswer
			mustDecode(t, []byte(`{"log_list":[{"run_id":`+in+`,"continue_time":null}]}`), &a)
			if len(a.LogList) != 1 || a.LogList[0].RunID != 48105 || a.LogList[0].ContinueTime.Valid {
				t.Errorf("log_list = %+v", a.LogList)
			}
		})
	}
}

func TestPerfMetricsAliases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body string
		want map[string]float64
	}{
		{`{"transactionalTps":1,"transactionalTpsSuccess":2}`, map[string]float64{"transactionalTps": 1, "transactionalTpsSuccess": 2}},
		{`{"transactionalTpss":3,"transactionalTpssSuccess":4}`, map[string]float64{"transactionalTps": 3, "transactionalTpsSuccess": 4}},
		{`{"transactionalTpssuccess":5}`, map[string]float64{"transactionalTpsSuccess": 5}},
		{`{"transactionalTpSuccess":6}`, map[string]float64{"transactionalTpsSuccess": 6}},
		{`{"tp99":null,"tps":"12.5","name":"n"}`, map[string]float64{"tps": 12.5}},
		{`{}`, map[string]float64{}},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			t.Parallel()
			var m PerfMetrics
			mustDecode(t, []byte(tt.body), &m)
			if got := m.Fields(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Fields = %v, want %v", got, tt.want)
			}
		})
	}
}
