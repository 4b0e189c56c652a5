package cpts

import (
	"context"
	"fmt"
	"net/http"

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
