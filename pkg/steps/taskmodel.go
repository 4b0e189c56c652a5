package steps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/codearts-runner/codearts-runner/pkg/api/cloudtest"
)

// TaskModel executes task templates.
type TaskModel struct {
	Attask AttaskAPI
	Log    io.Writer
}

// TaskModelOutcome is what executing the templates did.
type TaskModelOutcome struct {
	TaskIDs     []string
	ExecutionID string
	// Failure is the vendor's refusal: one failing template fails the whole call.
	Failure *cloudtest.AttaskError
}

// Run executes the templates in one call. A refusal by the service is returned in the outcome
// (Failure) with a nil error; transport and authentication failures are errors.
func (f *TaskModel) Run(ctx context.Context, req cloudtest.ExecuteRequest) (*TaskModelOutcome, error) {
	o := &TaskModelOutcome{TaskIDs: req.TaskIDs}
	id, err := f.Attask.Execute(ctx, req)
	if err != nil {
		var ae *cloudtest.AttaskError
		if errors.As(err, &ae) && refused(ae) {
			o.Failure = ae
			if f.Log != nil {
				fmt.Fprintf(f.Log, "task templates %s refused: %v\n", strings.Join(req.TaskIDs, ", "), ae)
			}
			return o, nil
		}
		return o, err
	}
	o.ExecutionID = id
	if f.Log != nil {
		fmt.Fprintf(f.Log, "task templates %s accepted (execution %s): they run on the platform\n", strings.Join(req.TaskIDs, ", "), id)
	}
	return o, nil
}

// refused tells a template failure (the service ran the call and said no: a 2xx answer with an
// error status, or a 4xx other than authentication and throttling) from a failure to reach or
// use the service (401, 403, 429, 5xx), which is an API error.
func refused(ae *cloudtest.AttaskError) bool {
	if ae.HTTP == nil {
		return true
	}
	switch st := ae.HTTP.Status; {
	case st == 401 || st == 403 || st == 429 || st >= 500:
		return false
	case st >= 400:
		return true
	}
	return false
}
