package sim

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// ------------------------------------------------------------- variables

type variableWire struct {
	FileSize     int    `json:"file_size"`
	ID           int    `json:"id"`
	IsQuoted     bool   `json:"is_quoted"`
	IsSensitive  bool   `json:"is_sensitive"`
	Name         string `json:"name"`
	ShareMode    int    `json:"share_mode"`
	Variable     []any  `json:"variable"`
	VariableMode int    `json:"variable_mode"`
	VariableType int    `json:"variable_type"`
}

type listVariablesResponse struct {
	Code         string         `json:"code"`
	Message      string         `json:"message"`
	VariableList []variableWire `json:"variable_list"`
}

// listVariables: GET /v1/{project_id}/variables/{variable_type}/test-suites/{test_suite_id}
// (4.4.1): the variables of one documented type (1 integer, 2 enumeration, 3
// file, 5 text); any other type is refused, as a strict service would (no
// value is documented to mean "every type").
func (s *Server) listVariables(c *call) (int, any, *apiErr) {
	typ, suiteID := c.ids[0], c.ids[1]
	if !slices.Contains(variableTypes, typ) {
		return 0, nil, badParam("variable_type must be 1, 2, 3 or 5, got %d", typ)
	}
	if s.ws.suites[suiteID] == nil {
		return 0, nil, notFound("test suite %d does not exist", suiteID)
	}
	out := listVariablesResponse{Code: codeOKSvc, Message: "success", VariableList: []variableWire{}}
	for _, id := range sortedIDs(s.ws.vars) {
		v := s.ws.vars[id]
		if v.suiteID != suiteID || v.typ != typ {
			continue
		}
		vals := slices.Clone(v.values)
		if v.sensitive {
			vals = []any{"******"}
		}
		out.VariableList = append(out.VariableList, variableWire{ID: v.id, IsQuoted: v.quoted, IsSensitive: v.sensitive,
			Name: v.name, ShareMode: v.share, Variable: vals, VariableMode: v.mode, VariableType: v.typ})
	}
	return http.StatusOK, out, nil
}

type variableRequest struct {
	ID           *int    `json:"id"`
	Name         *string `json:"name"`
	VariableType *int    `json:"variable_type"`
	Variable     *[]any  `json:"variable"`
	IsQuoted     *bool   `json:"is_quoted"`
}

type variableResultWire struct {
	VariableID int `json:"variable_id"`
}

type variableResponse struct {
	Code    string             `json:"code"`
	JSON    variableResultWire `json:"json"`
	Message string             `json:"message"`
}

// variableTypes are the documented values of variable_type.
var variableTypes = []int{1, 2, 3, 5}

func checkVariable(v variableRequest) *apiErr {
	switch {
	case v.Name == nil || strings.TrimSpace(*v.Name) == "":
		return badParam("variable name is required")
	case v.VariableType == nil:
		return badParam("variable_type is required")
	case !slices.Contains(variableTypes, *v.VariableType):
		return badParam("variable_type must be 1, 2, 3 or 5, got %d", *v.VariableType)
	case v.Variable == nil:
		return badParam("variable is required")
	case *v.VariableType == 1 && len(*v.Variable) != 2:
		return badParam("an integer variable needs [min, max]")
	}
	return nil
}

func decodeVariables(body []byte) ([]variableRequest, *apiErr) {
	var reqs []variableRequest
	if err := decodeBody(body, &reqs); err != nil {
		return nil, err
	}
	if len(reqs) == 0 {
		return nil, badParam("the request body must be a non-empty array")
	}
	for _, v := range reqs {
		if err := checkVariable(v); err != nil {
			return nil, err
		}
	}
	return reqs, nil
}

// updateVariables: PUT /v1/{project_id}/variables/{test_suite_id} (4.4.3) →
// 201 json.variable_id (of the first variable).
func (s *Server) updateVariables(c *call) (int, any, *apiErr) {
	suiteID := c.ids[0]
	if s.ws.suites[suiteID] == nil {
		return 0, nil, notFound("test suite %d does not exist", suiteID)
	}
	reqs, err := decodeVariables(c.body)
	if err != nil {
		return 0, nil, err
	}
	for _, v := range reqs {
		if v.ID == nil {
			return 0, nil, badParam("variable id is required")
		}
		if x := s.ws.vars[*v.ID]; x == nil || x.suiteID != suiteID {
			return 0, nil, notFound("variable %d does not exist in test suite %d", *v.ID, suiteID)
		}
	}
	for _, v := range reqs {
		x := s.ws.vars[*v.ID]
		x.name, x.typ, x.values = *v.Name, *v.VariableType, slices.Clone(*v.Variable)
		if v.IsQuoted != nil {
			x.quoted = *v.IsQuoted
		}
	}
	return http.StatusCreated, variableResponse{Code: codeOKSvc, JSON: variableResultWire{VariableID: *reqs[0].ID},
		Message: "success"}, nil
}

// createVariables: POST /v1/{project_id}/variables/{test_suite_id} (4.4.2) →
// 201 json.variable_id (of the last variable created).
func (s *Server) createVariables(c *call) (int, any, *apiErr) {
	suiteID := c.ids[0]
	if s.ws.suites[suiteID] == nil {
		return 0, nil, notFound("test suite %d does not exist", suiteID)
	}
	reqs, err := decodeVariables(c.body)
	if err != nil {
		return 0, nil, err
	}
	for _, v := range reqs {
		// Table 4-137 marks every field required, id and is_quoted included.
		switch {
		case v.ID == nil:
			return 0, nil, badParam("variable id is required")
		case v.IsQuoted == nil:
			return 0, nil, badParam("is_quoted is required")
		}
		for _, x := range s.ws.vars {
			if x.suiteID == suiteID && x.name == *v.Name {
				return 0, nil, badParam("a variable named %q already exists", *v.Name)
			}
		}
	}
	last := 0
	for _, v := range reqs {
		last = s.addVariableLocked(suiteID, *v.Name, *v.VariableType, *v.Variable)
		if v.IsQuoted != nil {
			s.ws.vars[last].quoted = *v.IsQuoted
		}
	}
	return http.StatusCreated, variableResponse{Code: codeOKSvc, JSON: variableResultWire{VariableID: last},
		Message: "success"}, nil
}

// deleteVariable: DELETE /v1/{project_id}/variables?variable_id&test_suite_id (4.4.4), both
// query parameters required → 200 "success" (the reference shows no body; the simulator
// answers the usual envelope).
func (s *Server) deleteVariable(c *call) (int, any, *apiErr) {
	q := c.r.URL.Query()
	id, err1 := strconv.Atoi(q.Get("variable_id"))
	suiteID, err2 := strconv.Atoi(q.Get("test_suite_id"))
	if err1 != nil || err2 != nil {
		return 0, nil, badParam("variable_id and test_suite_id are required integers")
	}
	if s.ws.suites[suiteID] == nil {
		return 0, nil, notFound("test suite %d does not exist", suiteID)
	}
	if x := s.ws.vars[id]; x == nil || x.suiteID != suiteID {
		return 0, nil, notFound("variable %d does not exist in test suite %d", id, suiteID)
	}
	delete(s.ws.vars, id)
	return http.StatusOK, struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}{codeOKSvc, "success"}, nil
}
