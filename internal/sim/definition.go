package sim

import (
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Definition endpoints (issue 14): CreateProject, CreateCase, UpdateCase
// targets content/stage/name and DebugCase, with the payload shapes of the
// API reference (4.1.2, 4.3.1, 4.3.3, 4.3.4) and the SDK's models.

// reqSpec is a request of a case set through UpdateCase.
type reqSpec struct{ name, method, url string }

type createSuiteRequest struct {
	Name        *string `json:"name"`
	Description string  `json:"description"`
}

// createSuite: POST /v1/{project_id}/test-suites (4.1.2) → 201 project_id.
func (s *Server) createSuite(c *call) (int, any, *apiErr) {
	var req createSuiteRequest
	if err := decodeBody(c.body, &req); err != nil {
		return 0, nil, err
	}
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		return 0, nil, badParam("name is required")
	}
	id := s.ws.nextSuite
	s.ws.nextSuite++
	s.ws.suites[id] = &suite{id: id, name: *req.Name, description: req.Description, created: c.now, updated: c.now}
	return http.StatusCreated, struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		ProjectID int    `json:"project_id"`
	}{codeOKSvc, "success", id}, nil
}

type createCaseRequest struct {
	Name   *string `json:"name"`
	Type   *int    `json:"type"`
	TaskID *int    `json:"task_id"`
}

// createCase: POST /v1/{project_id}/task-cases (4.3.1) → 201 json.task_case_id.
// The case joins its task (task_id, "所属任务ID") with no requests and no stages.
func (s *Server) createCase(c *call) (int, any, *apiErr) {
	var req createCaseRequest
	if err := decodeBody(c.body, &req); err != nil {
		return 0, nil, err
	}
	switch {
	case req.Name == nil || strings.TrimSpace(*req.Name) == "":
		return 0, nil, badParam("name is required")
	case req.Type == nil || *req.Type < 0 || *req.Type > 2:
		return 0, nil, badParam("type is required: 0, 1 or 2")
	case req.TaskID == nil:
		return 0, nil, badParam("task_id is required")
	}
	t, err := s.taskLocked(*req.TaskID)
	if err != nil {
		return 0, nil, err
	}
	if activeRun(t, c.now) != nil {
		return 0, nil, badParam("task %d is running and cannot be modified", t.id)
	}
	id := s.ws.nextCase
	s.ws.nextCase++
	s.ws.cases[id] = &tcase{id: id, suiteID: t.suiteID, name: *req.Name, profile: Profile{}.normalized(),
		created: c.now, updated: c.now, defined: true, contents: []contentsWire{}, stages: []stageWire{}}
	t.caseIDs = append(t.caseIDs, id)
	t.updated = c.now
	return http.StatusCreated, struct {
		Code    string `json:"code"`
		JSON    any    `json:"json"`
		Message string `json:"message"`
	}{codeOKSvc, struct {
		TaskCaseID int `json:"task_case_id"`
	}{id}, "success"}, nil
}

// caseForUpdate finds the case of an UpdateCase call; a case of a running
// task cannot change.
func (s *Server) caseForUpdate(c *call) (*tcase, *apiErr) {
	tc := s.ws.cases[c.ids[0]]
	if tc == nil {
		return nil, notFound("case %d does not exist", c.ids[0])
	}
	for _, t := range s.ws.tasks {
		for _, id := range t.caseIDs {
			if id == tc.id && activeRun(t, c.now) != nil {
				return nil, badParam("case %d is in running task %d and cannot be modified", tc.id, t.id)
			}
		}
	}
	if !tc.defined { // a seeded case: its current script and plan become the stored ones
		ci := s.caseInfoLocked(tc, 0)
		tc.defined, tc.contents, tc.stages = true, ci.Contents, ci.Stages
	}
	return tc, nil
}

// updateCaseContent: PUT /v1/{project_id}/task-cases/{case_id}/target/content
// (4.3.3) → 202, no body.
func (s *Server) updateCaseContent(c *call) (int, any, *apiErr) {
	var req struct {
		Contents *[]contentsWire `json:"contents"`
	}
	if err := decodeBody(c.body, &req); err != nil {
		return 0, nil, err
	}
	if req.Contents == nil {
		return 0, nil, badParam("contents is required")
	}
	tc, err := s.caseForUpdate(c)
	if err != nil {
		return 0, nil, err
	}
	var reqs []reqSpec
	var names []string
	for i, card := range *req.Contents {
		for j, it := range card.Content {
			if it.ContentType != 2 {
				continue
			}
			r := it.Content
			switch r.ProtocolType {
			case 1, 2: // HTTP, HTTPS
				if r.URL == "" || r.Method == "" {
					return 0, nil, badParam("contents[%d].content[%d]: an HTTP request needs method and url", i, j)
				}
			case 3, 4, 7, 9, 10, 11: // TCP, UDP, HLS/RTMP, WebSocket, HTTP-FLV, MQTT: documented, not modelled
			default:
				return 0, nil, badParam("contents[%d].content[%d]: protocol_type %d is not documented (1, 2, 3, 4, 7, 9, 10, 11)", i, j, r.ProtocolType)
			}
			reqs = append(reqs, reqSpec{name: r.Name, method: strings.ToUpper(r.Method), url: r.URL})
			names = append(names, r.Name)
		}
	}
	tc.contents = *req.Contents
	p := tc.profile
	p.Requests, p.reqs = names, reqs
	tc.profile = p.normalized()
	tc.updated = c.now
	return http.StatusAccepted, nil, nil
}

// updateCaseStage: PUT /v1/{project_id}/task-cases/{case_id}/target/stage
// (4.3.3): `stages` as in table 4-113, or `increase_setting[].stages` as in
// the document's example → 202, no body. The run follows the stages: a
// duration stage lasts `time` seconds, a count stage as long as its sends
// take; the users climb over `ramp_up` seconds to `issue_num` (or to the
// users a TPS stage's `tps_value` needs).
func (s *Server) updateCaseStage(c *call) (int, any, *apiErr) {
	var req struct {
		Stages          *[]stageWire `json:"stages"`
		IncreaseSetting []struct {
			Stages []stageWire `json:"stages"`
		} `json:"increase_setting"`
	}
	if err := decodeBody(c.body, &req); err != nil {
		return 0, nil, err
	}
	var stages []stageWire
	switch {
	case req.Stages != nil:
		stages = *req.Stages
	case len(req.IncreaseSetting) > 0:
		for _, is := range req.IncreaseSetting {
			stages = append(stages, is.Stages...)
		}
	default:
		return 0, nil, badParam("stages is required")
	}
	for i, st := range stages {
		switch {
		case st.OperateMode != 0 && st.OperateMode != 1:
			return 0, nil, badParam("stages[%d].operate_mode must be 0 (duration) or 1 (count)", i)
		case st.PressureMode < 0 || st.PressureMode > 7:
			return 0, nil, badParam("stages[%d].pressure_mode must be 0–7", i)
		case st.OperateMode == 0 && st.Time <= 0:
			return 0, nil, badParam("stages[%d].time must be positive in duration mode", i)
		case st.OperateMode == 1 && st.Count <= 0:
			return 0, nil, badParam("stages[%d].count must be positive in count mode", i)
		}
	}
	tc, err := s.caseForUpdate(c)
	if err != nil {
		return 0, nil, err
	}
	tc.stages = stages
	p := tc.profile
	p.Stages = profileStages(stages, p.AvgRT)
	p.TPS = 0 // follows the new stages' users
	tc.profile = p.normalized()
	tc.updated = c.now
	return http.StatusAccepted, nil, nil
}

// profileStages turns documented stages into the run model's stages.
func profileStages(stages []stageWire, avgRT float64) []Stage {
	if avgRT <= 0 {
		avgRT = 100
	}
	var out []Stage
	for _, st := range stages {
		users := st.IssueNum
		if st.PressureMode == 1 || st.PressureMode == 4 || st.PressureMode == 6 { // TPS pressure
			users = int(math.Ceil(float64(st.TpsValue) * avgRT / 1000))
		}
		users = max(users, 1)
		d := time.Duration(st.Time) * time.Second
		if st.OperateMode == 1 { // count: as long as the sends take at full users
			d = time.Duration(math.Ceil(float64(st.Count)/(float64(users)*1000/avgRT))) * time.Second
		}
		out = append(out, Stage{Duration: max(d, time.Second), Concurrency: users, RampUp: time.Duration(st.RampUp) * time.Second})
	}
	return out
}

// updateCaseName: PUT /v1/{project_id}/task-cases/{case_id}/target/name (4.3.3).
func (s *Server) updateCaseName(c *call) (int, any, *apiErr) {
	var req struct {
		Name *string `json:"name"`
	}
	if err := decodeBody(c.body, &req); err != nil {
		return 0, nil, err
	}
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		return 0, nil, badParam("name is required")
	}
	tc, err := s.caseForUpdate(c)
	if err != nil {
		return 0, nil, err
	}
	tc.name, tc.updated = *req.Name, c.now
	return http.StatusAccepted, nil, nil
}

type debugRequest struct {
	Status         *int    `json:"status"`
	ClusterID      *int    `json:"cluster_id"`
	ClusterType    *string `json:"cluster_type"`
	WithoutPackage *int    `json:"without_package"`
	Type           *int    `json:"type"`
}

type debugResultWire struct {
	Body         string            `json:"body"`
	ErrorReason  string            `json:"errorReason"`
	Header       map[string]string `json:"header"`
	Name         string            `json:"name"`
	ResponseTime int               `json:"responseTime"`
	Result       int               `json:"result"`
	ReturnBody   string            `json:"returnBody"`
	ReturnHeader map[string]string `json:"returnHeader"`
	StatusCode   string            `json:"statusCode"`
	URL          string            `json:"url"`
}

// debugCase: POST /v1/{project_id}/test-suites/{test_suite_id}/tasks/{task_id}/cases/{case_id}/debug
// (4.3.4). Every request of the case is "sent" once: it succeeds (result 1,
// "200 OK") unless its URL has no valid host or the host is under the
// reserved .invalid domain (RFC 2606), which fails as an unknown host
// (result 0, errorReason).
func (s *Server) debugCase(c *call) (int, any, *apiErr) {
	var req debugRequest
	if err := decodeBody(c.body, &req); err != nil {
		return 0, nil, err
	}
	switch {
	case req.Status == nil || *req.Status != 9:
		return 0, nil, badParam("status is required and must be 9 (start debugging)")
	case req.ClusterID == nil || req.ClusterType == nil || req.WithoutPackage == nil:
		return 0, nil, badParam("cluster_id, cluster_type and without_package are required")
	}
	// without_package is not checked: the document's own example sends 1.
	if err := s.checkStart(req.ClusterID, req.ClusterType, nil, &networkInfo{NetworkType: "internet"}); err != nil {
		return 0, nil, err
	}
	suiteID, taskID, caseID := c.ids[0], c.ids[1], c.ids[2]
	if s.ws.suites[suiteID] == nil {
		return 0, nil, notFound("test suite %d does not exist", suiteID)
	}
	tc := s.ws.cases[caseID]
	if tc == nil || tc.suiteID != suiteID {
		return 0, nil, notFound("case %d does not exist in test suite %d", caseID, suiteID)
	}
	if taskID != 0 { // the document's example debugs with task 0
		t, err := s.taskLocked(taskID)
		if err != nil {
			return 0, nil, err
		}
		if t.suiteID != suiteID {
			return 0, nil, notFound("task %d does not exist in test suite %d", taskID, suiteID)
		}
	}
	out := []debugResultWire{}
	for _, r := range newReqModels(s.opt.Seed, 0, &caseRun{id: tc.id, profile: tc.profile}) {
		d := debugResultWire{Name: r.name, URL: r.method + " " + r.url, Header: map[string]string{}, ReturnHeader: map[string]string{}}
		u, err := url.Parse(r.url)
		switch {
		case err != nil || u.Hostname() == "":
			d.ErrorReason = "invalid url: " + r.url
		case strings.HasSuffix(strings.ToLower(u.Hostname()), ".invalid") || strings.EqualFold(u.Hostname(), "invalid"):
			d.ErrorReason = "dial tcp: lookup " + u.Hostname() + ": no such host"
		default:
			d.Result, d.StatusCode = 1, "200 OK"
			d.ResponseTime = int(math.Round(r.meanRT))
			d.Header["Host"] = u.Host
			d.ReturnHeader["Content-Type"] = "application/json"
		}
		out = append(out, d)
	}
	return http.StatusOK, struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Extend  *string           `json:"extend"`
		Result  []debugResultWire `json:"result"`
	}{codeOKSvc, "success", nil, out}, nil
}

// definedCaseInfo is CaseInfoDetail of a case set through UpdateCase.
func definedCaseInfo(c *tcase, sort int) caseInfoWire {
	return caseInfoWire{CaseID: c.id, Contents: c.contents, ForLoopParams: []any{}, IncreaseSetting: []any{},
		Name: c.name, Sort: sort, Stages: c.stages, Status: 1}
}
