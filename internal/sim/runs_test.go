package sim

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// noStale disables the stale window so that ShowTask shows the live run.
const noStale = -1

func TestRunLifecycle(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{Scale: 1000, StaleWindow: noStale})
	runID := h.start(DemoSuiteID, DemoTaskID)

	v := h.showTask(DemoTaskID)
	if v.TaskInfo.RunStatus != StatusWaiting || v.TaskInfo.Running[0].TaskRunInfoID != runID ||
		v.TaskInfo.Running[0].TempRunningStatus != StatusWaiting {
		t.Fatalf("right after the start: %+v", v.TaskInfo)
	}
	h.advanceSim(30 * time.Second) // 10 s waiting + 20 s of the plan
	v = h.showTask(DemoTaskID)
	if v.TaskInfo.RunStatus != StatusRunning || v.TaskInfo.Running[0].TempRunningStatus != StatusRunning ||
		v.TaskInfo.Running[0].Children[0].TempRunningStatus != StatusRunning {
		t.Fatalf("running: %+v", v.TaskInfo)
	}
	// checkout (90 s) ends before browse-catalog (120 s): the longest ends the run.
	h.advanceSim(80 * time.Second)
	v = h.showTask(DemoTaskID)
	if v.TaskInfo.RunStatus != StatusRunning || v.TaskInfo.Running[1].TempRunningStatus != StatusFinished {
		t.Fatalf("after checkout: %+v", v.TaskInfo)
	}
	h.advanceSim(30 * time.Second)
	v = h.showTask(DemoTaskID)
	if v.TaskInfo.RunStatus != StatusFinished || v.TaskInfo.Running[0].TempRunningStatus != StatusFinished {
		t.Fatalf("finished: %+v", v.TaskInfo)
	}
	runs := h.s.Runs(DemoTaskID)
	last := runs[len(runs)-1]
	if last.ID != runID || last.Status != StatusFinished || last.EndedAt.Sub(last.StartedAt) != 130*time.Second ||
		last.Stopped || h.s.StartCount(DemoTaskID) != 1 || !runs[0].Seeded {
		t.Fatalf("Runs: %+v, StartCount %d", runs, h.s.StartCount(DemoTaskID))
	}

	// A new run gets new ids.
	second := h.start(DemoSuiteID, DemoTaskID)
	runs = h.s.Runs(DemoTaskID)
	if second <= runID || slices.Contains(runs[len(runs)-1].CaseRunIDs, runs[len(runs)-2].CaseRunIDs[0]) {
		t.Fatalf("second run %d after %d: %+v", second, runID, runs)
	}
	for _, id := range runs[len(runs)-1].CaseRunIDs {
		if id == second || id == DemoCaseBrowse || id == DemoCaseCheckout {
			t.Fatalf("case run id %d collides", id)
		}
	}
}

func TestStartWhileRunning(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	h.start(DemoSuiteID, DemoTaskID)
	for _, after := range []time.Duration{0, 15 * time.Second, 60 * time.Second} {
		h.advanceSim(after)
		status, _, b := h.do("POST", "/v1/{pid}/test-suites/17543/tasks/52631", startBody())
		if e := errorOf(t, b); status != http.StatusBadRequest || e.ErrorCode != codeRunning {
			t.Fatalf("second start after %s: %d %s", after, status, b)
		}
	}
	if n := h.s.StartCount(DemoTaskID); n != 1 {
		t.Fatalf("StartCount %d", n)
	}
}

func TestStop(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{StaleWindow: noStale, Stopping: 4 * time.Second})
	runID := h.start(DemoSuiteID, DemoTaskID)
	h.advanceSim(40 * time.Second)
	var a startAnswer
	h.json("POST", "/v1/{pid}/test-suites/17543/tasks/52631", stopBody(), &a)
	if a.Result.TaskRunID != runID {
		t.Fatalf("stop answered task_run_id %d, want %d", a.Result.TaskRunID, runID)
	}
	if v := h.showTask(DemoTaskID); v.TaskInfo.RunStatus != StatusStopping || v.TaskInfo.Running[0].TempRunningStatus != StatusStopping {
		t.Fatalf("stopping: %+v", v.TaskInfo)
	}
	h.advanceSim(5 * time.Second)
	v := h.showTask(DemoTaskID)
	if v.TaskInfo.RunStatus != StatusStopped || v.TaskInfo.Running[1].TempRunningStatus != StatusStopped {
		t.Fatalf("stopped: %+v", v.TaskInfo)
	}
	runs := h.s.Runs(DemoTaskID)
	if r := runs[len(runs)-1]; !r.StopRequested || !r.Stopped || r.Status != StatusStopped {
		t.Fatalf("RunInfo %+v", r)
	}
	// The stopped run's report stops growing at the stop.
	rep1 := h.report(runID, runs[len(runs)-1].CaseRunIDs[0], 10)
	h.advanceSim(10 * time.Minute)
	rep2 := h.report(runID, runs[len(runs)-1].CaseRunIDs[0], 10)
	if p1, p2 := rep1.perf(), rep2.perf(); *p1.Requests != *p2.Requests || rep2.Result.Outline.Duration != 30 {
		t.Fatalf("report after stop grew: %v → %v, duration %v", *p1.Requests, *p2.Requests, rep2.Result.Outline.Duration)
	}
	// Stopping again (or a task that does not run) is accepted and changes nothing.
	h.json("POST", "/v1/{pid}/test-suites/17543/tasks/52631", stopBody(), &a)
	h.json("POST", "/v1/{pid}/test-suites/17543/tasks/52632", stopBody(), &a)
	if a.Result.TaskRunID != 0 {
		t.Fatalf("stop of a task never run: task_run_id %d", a.Result.TaskRunID)
	}
}

func TestStopWhileWaiting(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{StaleWindow: noStale})
	h.start(DemoSuiteID, DemoTaskID)
	h.advanceSim(2 * time.Second)
	h.json("POST", "/v1/{pid}/test-suites/17543/tasks/52631", stopBody(), nil)
	h.advanceSim(time.Minute)
	if v := h.showTask(DemoTaskID); v.TaskInfo.RunStatus != StatusStopped {
		t.Fatalf("stopped while waiting: %+v", v.TaskInfo)
	}
}

func TestAbort(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{StaleWindow: noStale})
	runID := h.start(DemoSuiteID, DemoAbortTaskID)
	h.advanceSim(10*time.Second + 59*time.Second) // broken-backend aborts at 60 s of its 120 s
	if v := h.showTask(DemoAbortTaskID); v.TaskInfo.RunStatus != StatusRunning {
		t.Fatalf("before the abort: %+v", v.TaskInfo)
	}
	h.advanceSim(2 * time.Second)
	v := h.showTask(DemoAbortTaskID)
	if v.TaskInfo.RunStatus != StatusAborted || v.TaskInfo.Running[0].TempRunningStatus != StatusAborted {
		t.Fatalf("aborted: %+v", v.TaskInfo)
	}
	rep := h.report(runID, v.TaskInfo.Running[0].RelatedTempRunningID, 5)
	if rep.Result.Outline.Duration != 60 || rep.Result.Outline.PassNum != 0 || *rep.perf().ErrorCount == 0 {
		t.Fatalf("aborted report outline %+v", rep.Result.Outline)
	}
}

func TestSerialTask(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{StaleWindow: noStale, Waiting: -1})
	suite := h.s.AddSuite("serial")
	a := h.s.AddCase(suite, "first", Profile{Stages: []Stage{{Duration: 30 * time.Second, Concurrency: 2}}})
	b := h.s.AddCase(suite, "second", Profile{Stages: []Stage{{Duration: 20 * time.Second, Concurrency: 2}}})
	task := h.s.AddTask(suite, "serial-task", []int{a, b})
	h.s.SetTaskParallel(task, false)
	h.start(suite, task)
	h.advanceSim(10 * time.Second)
	v := h.showTask(task)
	if v.TaskInfo.Running[0].TempRunningStatus != StatusRunning || v.TaskInfo.Running[1].TempRunningStatus != StatusWaiting {
		t.Fatalf("serial, first case: %+v", v.TaskInfo)
	}
	h.advanceSim(30 * time.Second)
	v = h.showTask(task)
	if v.TaskInfo.RunStatus != StatusRunning || v.TaskInfo.Running[0].TempRunningStatus != StatusFinished ||
		v.TaskInfo.Running[1].TempRunningStatus != StatusRunning {
		t.Fatalf("serial, second case: %+v", v.TaskInfo)
	}
	h.advanceSim(11 * time.Second)
	if v = h.showTask(task); v.TaskInfo.RunStatus != StatusFinished {
		t.Fatalf("serial, end (50 s): %+v", v.TaskInfo)
	}
}

func TestStaleWindow(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{StaleWindow: 20 * time.Second})
	seeded := h.s.Runs(DemoTaskID)[0].ID
	runID := h.start(DemoSuiteID, DemoTaskID)
	for _, at := range []time.Duration{0, 10 * time.Second, 19 * time.Second} {
		v := h.showTask(DemoTaskID)
		if v.TaskInfo.RunStatus != StatusFinished || v.TaskInfo.Running[0].TaskRunInfoID != seeded {
			t.Fatalf("%s after the start ShowTask must still show run %d finished: %+v", at, seeded, v.TaskInfo)
		}
		h.advanceSim(at)
	}
	h.advanceSim(2 * time.Second)
	if v := h.showTask(DemoTaskID); v.TaskInfo.RunStatus != StatusRunning || v.TaskInfo.Running[0].TaskRunInfoID != runID {
		t.Fatalf("after the stale window: %+v", v.TaskInfo)
	}

	// A task without a previous run shows no run data and status 2.
	suite := h.s.AddSuite("fresh")
	c := h.s.AddCase(suite, "c", Profile{})
	task := h.s.AddTask(suite, "never-run", []int{c})
	h.start(suite, task)
	if v := h.showTask(task); v.TaskInfo.RunStatus != StatusFinished || len(v.TaskInfo.Running) != 0 {
		t.Fatalf("fresh task in the stale window: %+v", v.TaskInfo)
	}
}

func TestPausedRun(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{Scale: 100, StaleWindow: noStale, Waiting: -1})
	h.s.Inject(Fault{Match: "POST /v1/" + DemoProjectID + "/test-suites/17543/tasks/52631", Kind: FaultPause,
		Delay: 300 * time.Millisecond, Count: 1}) // 30 simulated seconds
	h.start(DemoSuiteID, DemoTaskID)
	h.advanceSim(61 * time.Second) // the pause starts at 60 s of 120 s
	if v := h.showTask(DemoTaskID); v.TaskInfo.RunStatus != StatusPaused ||
		v.TaskInfo.Running[0].TempRunningStatus != StatusPaused || v.TaskInfo.Running[1].TempRunningStatus != StatusPaused {
		t.Fatalf("paused: %+v", v.TaskInfo)
	}
	h.advanceSim(30 * time.Second)
	if v := h.showTask(DemoTaskID); v.TaskInfo.RunStatus != StatusRunning {
		t.Fatalf("resumed: %+v", v.TaskInfo)
	}
	h.advanceSim(60 * time.Second)
	if v := h.showTask(DemoTaskID); v.TaskInfo.RunStatus != StatusFinished {
		t.Fatalf("after pause and plan: %+v", v.TaskInfo)
	}
}

func TestSlowStop(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{Scale: 100, StaleWindow: noStale})
	h.s.Inject(Fault{Match: "tasks/52631$", Kind: FaultSlowStop, Delay: 3 * time.Second}) // 300 simulated seconds
	h.start(DemoSuiteID, DemoTaskID)                                                      // a start does not consume it
	h.advanceSim(20 * time.Second)
	h.json("POST", "/v1/{pid}/test-suites/17543/tasks/52631", stopBody(), nil)
	h.advanceSim(4 * time.Minute)
	if v := h.showTask(DemoTaskID); v.TaskInfo.RunStatus != StatusStopping {
		t.Fatalf("slow stop, 4 min later: %+v", v.TaskInfo)
	}
	h.advanceSim(2 * time.Minute)
	if v := h.showTask(DemoTaskID); v.TaskInfo.RunStatus != StatusStopped {
		t.Fatalf("slow stop, 6 min later: %+v", v.TaskInfo)
	}
}

func TestStartValidation(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	empty := h.s.AddTask(DemoSuiteID, "no-cases", nil)
	body := func(mod func(m map[string]any)) map[string]any {
		m := startBody()
		mod(m)
		return m
	}
	tests := []struct {
		name   string
		path   string
		body   any
		status int
	}{
		{"shared cluster with an id", "/v1/{pid}/test-suites/17543/tasks/52631",
			body(func(m map[string]any) { m["cluster_id"] = 7 }), 400},
		{"unknown private cluster", "/v1/{pid}/test-suites/17543/tasks/52631",
			body(func(m map[string]any) { m["cluster_type"], m["cluster_id"] = "private-cluster", 999 }), 400},
		{"bad cluster type", "/v1/{pid}/test-suites/17543/tasks/52631",
			body(func(m map[string]any) { m["cluster_type"] = "shared" }), 400},
		{"no network info", "/v1/{pid}/test-suites/17543/tasks/52631",
			body(func(m map[string]any) { delete(m, "network_info") }), 400},
		{"status 3", "/v1/{pid}/test-suites/17543/tasks/52631", body(func(m map[string]any) { m["status"] = 3 }), 400},
		{"status as a string", "/v1/{pid}/test-suites/17543/tasks/52631", body(func(m map[string]any) { m["status"] = "9" }), 400},
		{"not JSON", "/v1/{pid}/test-suites/17543/tasks/52631", "status=9", 400},
		{"task of another suite", "/v1/{pid}/test-suites/17544/tasks/52631", startBody(), 404},
		{"unknown task", "/v1/{pid}/test-suites/17543/tasks/1", startBody(), 404},
		{"non-numeric id", "/v1/{pid}/test-suites/17543/tasks/abc", startBody(), 400},
		{"task without cases", "/v1/{pid}/test-suites/17543/tasks/" + itoa(empty), startBody(), 400},
		{"private cluster", "/v1/{pid}/test-suites/17543/tasks/52632",
			body(func(m map[string]any) { m["cluster_type"], m["cluster_id"] = "private-cluster", DemoClusterID }), 200},
	}
	for _, tt := range tests {
		status, _, b := h.do("POST", tt.path, tt.body)
		if status != tt.status {
			t.Errorf("%s: %d %s, want %d", tt.name, status, b, tt.status)
			continue
		}
		if status != 200 {
			if e := errorOf(t, b); e.ErrorCode == "" || e.ErrorMsg == "" {
				t.Errorf("%s: error body %s", tt.name, b)
			}
		}
	}
}

func TestUnsupportedCall(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	status, hdr, b := h.do("DELETE", "/v1/{pid}/tasks/52631", nil)
	if status != http.StatusNotImplemented || hdr.Get("Content-Type") != "text/plain;charset=UTF-8" || len(b) == 0 || b[0] == '{' {
		t.Fatalf("unsupported call: %d %q %s", status, hdr.Get("Content-Type"), b)
	}
	status, _, b = h.do("GET", "/nothing/here", nil)
	if e := errorOf(t, b); status != 404 || e.ErrorCode != "APIGW.0101" {
		t.Fatalf("unknown API: %d %s", status, b)
	}
}

func TestTaskManagement(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	var created struct {
		Code   string `json:"code"`
		TaskID int    `json:"task_id"`
	}
	if st := h.json("POST", "/v1/{pid}/tasks", map[string]any{"name": "gate-x", "project_id": DemoSuiteID, "operate_mode": 2,
		"bench_concurrent": 10, "unknown_field": true}, &created); st != http.StatusCreated || created.TaskID == 0 {
		t.Fatalf("create: %d %+v", st, created)
	}
	if st, _, b := h.do("POST", "/v1/{pid}/tasks", map[string]any{"name": "gate-x", "project_id": DemoSuiteID}); st != 400 {
		t.Fatalf("duplicate name: %d %s", st, b)
	}
	set := map[string]any{"name": "gate-x", "parallel": false, "project_id": DemoSuiteID, "operate_mode": 2,
		"case_id_list": []int{DemoCaseSearch, DemoCaseEmpty}}
	h.json("PUT", "/v3/{pid}/tasks/"+itoa(created.TaskID), set, nil)
	var cases struct {
		TestCases []struct {
			ID   int    `json:"id"`
			Name string `json:"name"`
		} `json:"test_cases"`
	}
	h.json("GET", "/v1/{pid}/test-suites/17543/tasks/"+itoa(created.TaskID)+"/test-cases", nil, &cases)
	if len(cases.TestCases) != 2 || cases.TestCases[1].ID != DemoCaseEmpty {
		t.Fatalf("task cases: %+v", cases)
	}
	for name, mod := range map[string]func(m map[string]any){
		"operate_mode 0": func(m map[string]any) { m["operate_mode"] = 0 },
		"no parallel":    func(m map[string]any) { delete(m, "parallel") },
		"unknown case":   func(m map[string]any) { m["case_id_list"] = []int{1} },
		"other suite":    func(m map[string]any) { m["project_id"] = 1 },
	} {
		m := map[string]any{}
		for k, v := range set {
			m[k] = v
		}
		mod(m)
		if st, _, b := h.do("PUT", "/v3/{pid}/tasks/"+itoa(created.TaskID), m); st != 400 {
			t.Errorf("%s: %d %s", name, st, b)
		}
	}
	// Paging: offset counts items.
	var page struct {
		Tasks []struct {
			ID int `json:"id"`
		} `json:"tasks"`
	}
	h.json("GET", "/v1/{pid}/all-tasks/17543?offset=4&limit=10", nil, &page)
	if len(page.Tasks) != 1 || page.Tasks[0].ID != created.TaskID {
		t.Fatalf("page: %+v", page)
	}
	// A running task cannot be changed.
	h.start(DemoSuiteID, DemoTaskID)
	m := map[string]any{"name": DemoTaskName, "parallel": true, "project_id": DemoSuiteID, "operate_mode": 2,
		"case_id_list": []int{DemoCaseBrowse}}
	if st, _, b := h.do("PUT", "/v3/{pid}/tasks/52631", m); st != 400 || errorOf(t, b).ErrorCode != codeNotRunning {
		t.Fatalf("change a running task: %d %s", st, b)
	}
}

func TestVariables(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	var list struct {
		VariableList []struct {
			ID   int    `json:"id"`
			Name string `json:"name"`
			Type int    `json:"variable_type"`
		} `json:"variable_list"`
	}
	// Only the documented types 1, 2, 3 and 5 are listed; no value means "every type".
	for _, typ := range []string{"0", "4", "6", "-1"} {
		if st, _, b := h.do("GET", "/v1/{pid}/variables/"+typ+"/test-suites/17543", nil); st != http.StatusBadRequest {
			t.Errorf("variable_type %s: %d %s, want 400", typ, st, b)
		}
	}
	total := 0
	for _, typ := range []string{"1", "2", "3", "5"} {
		h.json("GET", "/v1/{pid}/variables/"+typ+"/test-suites/17543", nil, &list)
		for _, v := range list.VariableList {
			if strconv.Itoa(v.Type) != typ {
				t.Errorf("type %s lists %+v", typ, v)
			}
		}
		total += len(list.VariableList)
	}
	if total != 3 {
		t.Fatalf("%d variables over the documented types, want 3", total)
	}
	h.json("GET", "/v1/{pid}/variables/2/test-suites/17543", nil, &list)
	if len(list.VariableList) != 1 || list.VariableList[0].Name != "baseHost" {
		t.Fatalf("enum variables: %+v", list)
	}
	id := list.VariableList[0].ID
	var upd struct {
		JSON struct {
			VariableID int `json:"variable_id"`
		} `json:"json"`
	}
	if st := h.json("PUT", "/v1/{pid}/variables/17543",
		[]map[string]any{{"id": id, "name": "baseHost", "variable_type": 2, "variable": []string{"staging.example.com"}}},
		&upd); st != http.StatusCreated || upd.JSON.VariableID != id {
		t.Fatalf("update: %d %+v", st, upd)
	}
	if got := h.s.Variables(DemoSuiteID)["baseHost"]; got != "staging.example.com" {
		t.Fatalf("Variables: %q", got)
	}
	for name, body := range map[string]any{
		"unknown id": []map[string]any{{"id": 1, "name": "x", "variable_type": 2, "variable": []string{"v"}}},
		"bad type":   []map[string]any{{"id": id, "name": "x", "variable_type": 4, "variable": []string{"v"}}},
		"object":     map[string]any{"id": id},
		"empty":      []any{},
	} {
		if st, _, b := h.do("PUT", "/v1/{pid}/variables/17543", body); st/100 != 4 {
			t.Errorf("%s: %d %s", name, st, b)
		}
	}
	// CreateVariable: table 4-137 marks id and is_quoted required.
	for name, body := range map[string]any{
		"no id":        []map[string]any{{"name": "n1", "variable_type": 5, "variable": []string{"v"}, "is_quoted": false}},
		"no is_quoted": []map[string]any{{"id": 0, "name": "n2", "variable_type": 5, "variable": []string{"v"}}},
	} {
		if st, _, b := h.do("POST", "/v1/{pid}/variables/17543", body); st != http.StatusBadRequest {
			t.Errorf("create, %s: %d %s, want 400", name, st, b)
		}
	}
	if st := h.json("POST", "/v1/{pid}/variables/17543",
		[]map[string]any{{"id": 0, "name": "n3", "variable_type": 5, "variable": []string{"v"}, "is_quoted": false}},
		&upd); st != http.StatusCreated || upd.JSON.VariableID == 0 {
		t.Fatalf("create: %d %+v", st, upd)
	}
}

// TestSensitiveVariableIsMasked: the simulator plays the reading a client must survive (the
// documents show is_sensitive only in an example and say nothing of its listed value).
func TestSensitiveVariableIsMasked(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	id := h.s.AddVariable(DemoSuiteID, "dbPassword", 5, "s3cret")
	h.s.MarkSensitive(id)
	_, _, b := h.do("GET", "/v1/{pid}/variables/5/test-suites/17543", nil)
	if strings.Contains(string(b), "s3cret") || !strings.Contains(string(b), `"is_sensitive":true`) {
		t.Fatalf("listing %s", b)
	}
}

// The run fault switches of issue 10: someone else stops the run, or stops it and restarts the
// task; a run's reports carry impossible figures.
func TestRunFaultSwitches(t *testing.T) {
	t.Parallel()
	startPath := "POST /v1/" + DemoProjectID + "/test-suites/17543/tasks/52631"
	tests := []struct {
		name string
		kind FaultKind
		// check looks at the task 90 simulated seconds after the start (the run began at 10 s,
		// someone else stopped it at 60 s, halfway through its 120 s plan).
		check func(t *testing.T, h *harness, runID int)
	}{
		{"external stop", FaultExternalStop, func(t *testing.T, h *harness, runID int) {
			v := h.showTask(DemoTaskID)
			if v.TaskInfo.RunStatus != StatusStopped || v.TaskInfo.Running[0].TaskRunInfoID != runID {
				t.Fatalf("external stop: %+v", v.TaskInfo)
			}
			runs := h.s.Runs(DemoTaskID)
			if last := runs[len(runs)-1]; last.ID != runID || last.StopRequested || !last.Stopped || h.s.StartCount(DemoTaskID) != 1 {
				t.Fatalf("Runs: %+v", runs)
			}
		}},
		{"foreign run", FaultForeignRun, func(t *testing.T, h *harness, runID int) {
			v := h.showTask(DemoTaskID)
			runs := h.s.Runs(DemoTaskID)
			last := runs[len(runs)-1]
			if !last.Foreign || last.ID == runID || v.TaskInfo.Running[0].TaskRunInfoID != last.ID || v.TaskInfo.RunStatus != StatusRunning {
				t.Fatalf("foreign run: task %+v, runs %+v", v.TaskInfo, runs)
			}
			if mine := runs[len(runs)-2]; mine.ID != runID || mine.Status != StatusStopped || mine.StopRequested {
				t.Fatalf("the stopped run: %+v", mine)
			}
			if h.s.StartCount(DemoTaskID) != 1 {
				t.Fatalf("StartCount %d: a foreign run is not started through the API", h.s.StartCount(DemoTaskID))
			}
			// A stop now reaches the foreign run, not ours.
			h.json("POST", "/v1/{pid}/test-suites/17543/tasks/52631", stopBody(), nil)
			if runs = h.s.Runs(DemoTaskID); !runs[len(runs)-1].StopRequested || runs[len(runs)-2].StopRequested {
				t.Fatalf("after a stop: %+v", runs)
			}
		}},
		{"implausible", FaultImplausible, func(t *testing.T, h *harness, runID int) {
			runs := h.s.Runs(DemoTaskID)
			p := h.report(runID, runs[len(runs)-1].CaseRunIDs[0], 10).perf()
			if p.Tp95 == nil || *p.Tp95 != -1000 || p.SuccessRate == nil || *p.SuccessRate != 250 {
				t.Fatalf("implausible figures: tp95 %v successRate %v", p.Tp95, p.SuccessRate)
			}
			q := h.report(runID, runs[len(runs)-1].CaseRunIDs[1], 10).perf()
			if q.Tp95 == nil || *q.Tp95 < 0 {
				t.Fatalf("the second case keeps its figures: tp95 %v", q.Tp95)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Options{Scale: 1000, StaleWindow: noStale, Stopping: -1})
			h.s.Inject(Fault{Match: startPath, Kind: tt.kind, Count: 1})
			runID := h.start(DemoSuiteID, DemoTaskID)
			h.advanceSim(90 * time.Second)
			tt.check(t, h, runID)
		})
	}
}

func TestDeleteVariable(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	id := h.s.AddVariable(DemoSuiteID, "doomed", 5, "x")
	q := func(v, s string) string { return "/v1/{pid}/variables?variable_id=" + v + "&test_suite_id=" + s }
	for _, tc := range []struct {
		path   string
		status int
	}{
		{q(itoa(id), "1"), http.StatusNotFound},
		{"/v1/{pid}/variables?variable_id=" + itoa(id), http.StatusBadRequest},
		{q(itoa(id), itoa(DemoSuiteID)), http.StatusOK},
		{q(itoa(id), itoa(DemoSuiteID)), http.StatusNotFound},
	} {
		if status, _, b := h.do("DELETE", tc.path, nil); status != tc.status {
			t.Fatalf("DELETE %s: %d %s, want %d", tc.path, status, b, tc.status)
		}
	}
	if _, ok := h.s.Variables(DemoSuiteID)["doomed"]; ok {
		t.Fatal("the variable is still there")
	}
}
