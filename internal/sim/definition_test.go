package sim

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// The request examples of the API reference for the definition endpoints (4.1.2, 4.3.1, 4.3.3,
// 4.3.4), verbatim but for the path parameters.
const (
	seedCreateSuite = `{"name" : "createProjectTest", "description" : "description"}`
	seedContent     = `{"contents": [{"content_id": 0, "content": [{"content_type": 2, "content": {"body_type": 0, "bodys": [],
	  "check_end_length": null, "check_end_str": null, "check_end_type": null, "connect_timeout": 5000, "connect_type": 1,
	  "headers": [{"key": "Content-Type", "value": "application/json"}], "http_version": "HTTP/1.1", "method": "GET",
	  "name": "Msg-24642", "protocol_type": 1, "return_timeout": 5000, "return_timeout_param": null, "url": "http://1.1.1.1"}}],
	  "index": 0, "selected_temp_name": "", "data": null, "data_type": 0, "conditions": null, "is_disabled": false}]}`
	seedStage = `{"increase_setting": [{"stages": [{"count": 1, "current_user_num": 10, "issue_num": 10, "name": "Stage-teeb",
	  "operate_mode": 0, "pressure_mode": 0, "time": 60, "tps_value": 1, "voltage_regulating_mode": 0, "maximum": 3,
	  "minimum": 1, "loop_count": 2, "max_duration": 30, "step_size": 1, "step_duration": 30, "ramp_up": 30}]}]}`
	seedName  = `{"name" : "testCase"}`
	seedDebug = `{"status": 9, "cluster_id": 0, "cluster_type": "shared-cluster-internet", "without_package": 1, "type": 1}`
)

// TestDefinitionSeedExamples: every documented example body is accepted, and ShowTask then
// shows what was set; the run lasts as long as the stages say.
func TestDefinitionSeedExamples(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	var suite struct {
		ProjectID int `json:"project_id"`
	}
	if st := h.json("POST", "/v1/{pid}/test-suites", seedCreateSuite, &suite); st != http.StatusCreated || suite.ProjectID == 0 {
		t.Fatalf("create suite: %d %+v", st, suite)
	}
	var task struct {
		TaskID int `json:"task_id"`
	}
	h.json("POST", "/v1/{pid}/tasks", `{"name":"task","project_id":`+itoa(suite.ProjectID)+`,"temps":[],"operate_mode":2,"bench_concurrent":100}`, &task)
	var cs struct {
		JSON struct {
			TaskCaseID int `json:"task_case_id"`
		} `json:"json"`
	}
	if st := h.json("POST", "/v1/{pid}/task-cases", `{"name":"case1","type":0,"task_id":`+itoa(task.TaskID)+`}`, &cs); st != http.StatusCreated || cs.JSON.TaskCaseID == 0 {
		t.Fatalf("create case: %d %+v", st, cs)
	}
	id := itoa(cs.JSON.TaskCaseID)
	for target, body := range map[string]string{"content": seedContent, "stage": seedStage, "name": seedName} {
		status, _, b := h.do("PUT", "/v1/{pid}/task-cases/"+id+"/target/"+target, body)
		if status != http.StatusAccepted || len(b) != 0 {
			t.Errorf("target %s: %d %s", target, status, b)
		}
	}
	var show struct {
		TaskInfo struct {
			CaseList []struct {
				Name     string `json:"name"`
				Contents []struct {
					Content []struct {
						Content struct {
							URL string `json:"url"`
						} `json:"content"`
					} `json:"content"`
				} `json:"contents"`
				Stages []struct {
					Time   int `json:"time"`
					RampUp int `json:"ramp_up"`
				} `json:"stages"`
			} `json:"case_list"`
		} `json:"taskInfo"`
	}
	h.json("GET", "/v1/{pid}/tasks/"+itoa(task.TaskID), nil, &show)
	cl := show.TaskInfo.CaseList
	if len(cl) != 1 || cl[0].Name != "testCase" || cl[0].Contents[0].Content[0].Content.URL != "http://1.1.1.1" || cl[0].Stages[0].Time != 60 || cl[0].Stages[0].RampUp != 30 {
		t.Fatalf("task shows %+v", cl)
	}
	var dbg struct {
		Result []struct {
			Result     int    `json:"result"`
			StatusCode string `json:"statusCode"`
			URL        string `json:"url"`
		} `json:"result"`
	}
	h.json("POST", "/v1/{pid}/test-suites/"+itoa(suite.ProjectID)+"/tasks/0/cases/"+id+"/debug", seedDebug, &dbg)
	if len(dbg.Result) != 1 || dbg.Result[0].Result != 1 || dbg.Result[0].URL != "GET http://1.1.1.1" {
		t.Errorf("debug %+v", dbg)
	}
	h.start(suite.ProjectID, task.TaskID)
	h.advanceSim(10 * time.Minute)
	runs := h.s.Runs(task.TaskID)
	if len(runs) != 1 || runs[0].Status != StatusFinished {
		t.Fatalf("runs %+v", runs)
	}
	// the run lasts its 60 s stage after the documented waiting state (a few seconds)
	if d := runs[0].EndedAt.Sub(runs[0].StartedAt); d < 60*time.Second || d > 70*time.Second {
		t.Errorf("the run of one 60 s stage lasted %s", d)
	}
}

// TestDebugFailure: a request to a host under .invalid fails its debug with a reason.
func TestDebugFailure(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	var cs struct {
		JSON struct {
			TaskCaseID int `json:"task_case_id"`
		} `json:"json"`
	}
	h.json("POST", "/v1/{pid}/task-cases", `{"name":"c","type":0,"task_id":`+itoa(DemoTaskID)+`}`, &cs)
	id := itoa(cs.JSON.TaskCaseID)
	body := strings.Replace(seedContent, "http://1.1.1.1", "https://api.shop.invalid/x", 1)
	body = strings.Replace(body, `"protocol_type": 1`, `"protocol_type": 2`, 1)
	h.json("PUT", "/v1/{pid}/task-cases/"+id+"/target/content", body, nil)
	var dbg struct {
		Result []struct {
			Result      int    `json:"result"`
			ErrorReason string `json:"errorReason"`
		} `json:"result"`
	}
	h.json("POST", "/v1/{pid}/test-suites/"+itoa(DemoSuiteID)+"/tasks/"+itoa(DemoTaskID)+"/cases/"+id+"/debug", seedDebug, &dbg)
	if len(dbg.Result) != 1 || dbg.Result[0].Result == 1 || !strings.Contains(dbg.Result[0].ErrorReason, "no such host") {
		t.Errorf("debug %+v", dbg)
	}
	status, _, b := h.do("PUT", "/v1/{pid}/task-cases/"+id+"/target/stage", `{"stages":[{"operate_mode":0,"time":0}]}`)
	if status != http.StatusBadRequest {
		t.Errorf("a 0 s duration stage: %d %s", status, b)
	}
}
