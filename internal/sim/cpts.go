package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// call is one authenticated CPTS request being served (under s.mu).
type call struct {
	r    *http.Request
	body []byte
	ids  []int     // integer path parameters, in path order
	now  time.Time // simulated
	key  string    // "METHOD /path", for action faults
}

// handler answers a call: status and body, or an error.
type handler func(s *Server, c *call) (int, any, *apiErr)

type route struct {
	method, version, pattern string
	h                        handler
}

// routes of the CPTS API (paths from the API reference and the SDK's
// cpts_meta.go); "{}" is an integer path parameter.
var routes = []route{
	{"GET", "v1", "test-suites", (*Server).listSuites},
	{"GET", "v1", "all-tasks/{}", (*Server).listTasks},
	{"GET", "v1", "tasks/history-run-list/{}", (*Server).history},
	{"GET", "v1", "tasks/{}", (*Server).showTask},
	{"POST", "v1", "tasks", (*Server).createTask},
	{"GET", "v1", "test-suites/{}/tasks/{}/test-cases", (*Server).listTaskCases},
	{"GET", "v1", "test-suites/{}/directory", (*Server).listDirectory},
	{"POST", "v1", "test-suites/{}/tasks/batch-update-task-status", (*Server).batchUpdateTaskStatus},
	{"POST", "v1", "test-suites/{}/tasks/{}", (*Server).updateTaskStatus},
	{"GET", "v1", "task-run-infos/{}/case-run-infos/{}/reports", (*Server).showReport},
	{"GET", "v1", "variables/{}/test-suites/{}", (*Server).listVariables},
	{"PUT", "v1", "variables/{}", (*Server).updateVariables},
	{"POST", "v1", "variables/{}", (*Server).createVariables},
	{"DELETE", "v1", "variables", (*Server).deleteVariable},
	{"GET", "v2", "task-run-infos/{}/cases", (*Server).listCaseRuns},
	{"PUT", "v3", "tasks/{}", (*Server).setTaskCases},
	// issue 14: definitions (definition.go)
	{"POST", "v1", "test-suites", (*Server).createSuite},
	{"POST", "v1", "task-cases", (*Server).createCase},
	{"PUT", "v1", "task-cases/{}/target/content", (*Server).updateCaseContent},
	{"PUT", "v1", "task-cases/{}/target/stage", (*Server).updateCaseStage},
	{"PUT", "v1", "task-cases/{}/target/name", (*Server).updateCaseName},
	{"POST", "v1", "test-suites/{}/tasks/{}/cases/{}/debug", (*Server).debugCase},
}

// matchRoute matches segs against a pattern; ok is false when the shape
// differs, err is set when a "{}" segment is not an integer.
func matchRoute(pattern string, segs []string) (ids []int, ok bool, err *apiErr) {
	ps := strings.Split(pattern, "/")
	if len(ps) != len(segs) {
		return nil, false, nil
	}
	for i, p := range ps {
		if p == "{}" {
			continue
		}
		if p != segs[i] {
			return nil, false, nil
		}
	}
	for i, p := range ps {
		if p != "{}" {
			continue
		}
		n, e := strconv.Atoi(segs[i])
		if e != nil {
			return nil, true, badParam("path parameter %q is not an integer", segs[i])
		}
		ids = append(ids, n)
	}
	return ids, true, nil
}

// route dispatches a request after faults have been applied.
func (s *Server) route(w http.ResponseWriter, r *http.Request, body []byte, reqID string, rec *Recorded) {
	path := r.URL.Path
	if s.routeIAM(w, r, body, reqID) {
		return
	}
	if s.routeCloudTest(w, r, body, reqID) || s.routeMAS(w, r, body, reqID) {
		return
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) < 3 || (segs[0] != "v1" && segs[0] != "v2" && segs[0] != "v3") {
		writeGatewayError(w, http.StatusNotFound, "APIGW.0101",
			"The API does not exist or has not been published in the environment", reqID)
		return
	}
	version, projectID, rest := segs[0], segs[1], segs[2:]
	if err := s.authenticate(r, body, projectID); err != nil {
		writeGatewayError(w, err.status, err.code, err.msg, reqID)
		return
	}
	if projectID != DemoProjectID {
		err := forbidden()
		writeGatewayError(w, err.status, err.code, err.msg, reqID)
		return
	}
	for _, rt := range routes {
		if rt.method != r.Method || rt.version != version {
			continue
		}
		ids, ok, perr := matchRoute(rt.pattern, rest)
		if !ok {
			continue
		}
		if perr != nil {
			writeCPTSError(w, perr)
			return
		}
		s.mu.Lock()
		status, v, aerr := rt.h(s, &call{r: r, body: body, ids: ids, now: s.SimNow(), key: r.Method + " " + path})
		s.mu.Unlock()
		if aerr != nil {
			writeCPTSError(w, aerr)
			return
		}
		if v == nil { // documented without a body (UpdateCase 202)
			w.WriteHeader(status)
			return
		}
		writeJSON(w, status, v)
		return
	}
	// A CPTS path this simulator does not serve: 501 with a plain string,
	// as every CPTS operation documents.
	writePlain(w, http.StatusNotImplemented,
		fmt.Sprintf("unknown error: %s %s is not supported by the simulator", r.Method, path))
}

// decodeBody decodes a JSON body, ignoring unknown fields.
func decodeBody(body []byte, v any) *apiErr {
	if len(bytes.TrimSpace(body)) == 0 {
		return badParam("request body is required")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return badParam("invalid request body: %v", err)
	}
	return nil
}

// page applies offset/limit: offset counts items from 0, or — with
// Options.OffsetPages — pages from 1; limit defaults to 10, at most 100.
func (s *Server) page(c *call, n int) (lo, hi int, err *apiErr) {
	q := c.r.URL.Query()
	offset, limit := 0, 10
	if s.opt.OffsetPages {
		offset = 1
	}
	if v := q.Get("offset"); v != "" {
		o, e := strconv.Atoi(v)
		if e != nil || o < 0 {
			return 0, 0, badParam("offset must be a non-negative integer")
		}
		offset = o
	}
	if v := q.Get("limit"); v != "" {
		l, e := strconv.Atoi(v)
		if e != nil || l < 1 {
			return 0, 0, badParam("limit must be a positive integer")
		}
		limit = min(l, 100)
	}
	lo, hi, ok := s.window(offset, limit, n)
	if !ok {
		return 0, 0, badParam("offset is a page number: 1 or more")
	}
	return lo, hi, nil
}

// window turns offset and limit into the bounds of a listing of n items
// under the configured reading of offset; ok is false for a page number
// below 1.
func (s *Server) window(offset, limit, n int) (lo, hi int, ok bool) {
	if s.opt.OffsetPages {
		if offset < 1 {
			return 0, 0, false
		}
		offset = (offset - 1) * limit
	}
	lo = min(offset, n)
	return lo, min(lo+limit, n), true
}

// ---------------------------------------------------------------- suites

type projectWire struct {
	CreateTime      string         `json:"CreateTime"`
	UpdateTime      string         `json:"UpdateTime"`
	Description     string         `json:"description"`
	ID              int            `json:"id"`
	Name            string         `json:"name"`
	Source          int            `json:"source"`
	ExternalParams  map[string]any `json:"external_params"`
	VariablesNoFile []string       `json:"variables_no_file"`
}

type listSuitesResponse struct {
	Code     string        `json:"code"`
	Message  string        `json:"message"`
	Projects []projectWire `json:"projects"`
}

// listSuites: GET /v1/{project_id}/test-suites (4.1.1).
func (s *Server) listSuites(c *call) (int, any, *apiErr) {
	ids := sortedIDs(s.ws.suites)
	lo, hi, err := s.page(c, len(ids))
	if err != nil {
		return 0, nil, err
	}
	out := listSuitesResponse{Code: codeOK, Message: "success", Projects: []projectWire{}}
	for _, id := range ids[lo:hi] {
		su := s.ws.suites[id]
		p := projectWire{CreateTime: fmtTime(su.created), UpdateTime: fmtTime(su.updated), Description: su.description,
			ID: su.id, Name: su.name, ExternalParams: map[string]any{}, VariablesNoFile: []string{}}
		for _, vid := range sortedIDs(s.ws.vars) {
			if v := s.ws.vars[vid]; v.suiteID == su.id && v.typ != 3 {
				p.VariablesNoFile = append(p.VariablesNoFile, v.name)
			}
		}
		out.Projects = append(out.Projects, p)
	}
	return http.StatusOK, out, nil
}
