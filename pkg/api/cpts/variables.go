package cpts

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// variableCreate is one CreateVariableRequestBody (4.4.2, table 4-137): every
// field is marked required, `id` included; a new variable has none yet, so it
// is 0, as the SDK sends it (its model's Id is a plain int32).
type variableCreate struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Type     int64  `json:"variable_type"`
	Variable []any  `json:"variable"`
	IsQuoted bool   `json:"is_quoted"`
}

// createVariableAnswer is CreateVariable's 201 answer.
type createVariableAnswer struct {
	JSON struct {
		VariableID Int `json:"variable_id"`
	} `json:"json"`
}

// CreateVariable creates a global variable of suite suiteID (CreateVariable, POST, never
// retried) and returns its id.
func (c *Client) CreateVariable(ctx context.Context, suiteID int64, name string, varType int, values ...any) (int64, error) {
	var ans createVariableAnswer
	call := api.Call{
		Op:     fmt.Sprintf("create variable %q in suite %d", name, suiteID),
		Method: http.MethodPost,
		Path:   c.path("v1", "/variables/%d", suiteID),
		Body:   []variableCreate{{Name: name, Type: int64(varType), Variable: values}},
	}
	if err := c.api.Do(ctx, call, &ans); err != nil {
		return 0, err
	}
	return int64(ans.JSON.VariableID), nil
}

// DeleteVariable deletes global variable id of suite suiteID (DeleteVariable, 4.4.4:
// DELETE /v1/{project_id}/variables?variable_id&test_suite_id). Deleting is idempotent: the call
// is retried.
func (c *Client) DeleteVariable(ctx context.Context, suiteID, id int64) error {
	call := api.Call{
		Op:         fmt.Sprintf("delete variable %d of suite %d", id, suiteID),
		Method:     http.MethodDelete,
		Path:       c.path("v1", "/variables"),
		Query:      url.Values{"variable_id": {strconv.FormatInt(id, 10)}, "test_suite_id": {strconv.FormatInt(suiteID, 10)}},
		Idempotent: true,
	}
	return c.api.Do(ctx, call, nil)
}
