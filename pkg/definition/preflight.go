package definition

import (
	"context"
	"fmt"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
)

// Debugger debugs a case (*cpts.Client implements it).
type Debugger interface {
	DebugCase(ctx context.Context, suiteID, taskID, caseID int64, cl cpts.Cluster) ([]cpts.DebugResult, error)
}

// Check is the debug outcome of one request of a managed case.
type Check struct {
	// Case is the case name.
	Case string
	// Result is the service's answer for the request.
	Result cpts.DebugResult
}

// Preflight debugs every managed case of a once through the documented debug
// call, in file order, and returns every request's outcome.
func Preflight(ctx context.Context, svc Debugger, d *Definition, a *Applied, cl cpts.Cluster) ([]Check, error) {
	var out []Check
	for _, c := range d.Cases {
		id := a.CaseIDs[c.Name]
		rs, err := svc.DebugCase(ctx, a.SuiteID, a.TaskID, id, cl)
		if err != nil {
			return out, fmt.Errorf("preflight of case %q: %w", c.Name, err)
		}
		if len(rs) == 0 {
			return out, fmt.Errorf("preflight of case %q: the debug answer lists no request: %w", c.Name, cpts.ErrNoData)
		}
		for _, r := range rs {
			out = append(out, Check{Case: c.Name, Result: r})
		}
	}
	return out, nil
}
