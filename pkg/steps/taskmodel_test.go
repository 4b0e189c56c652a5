package steps

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/internal/testutil"
	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/cloudtest"
)

// fakeAttask answers Execute with id or err.
type fakeAttask struct {
	id  string
	err error
	got []cloudtest.ExecuteRequest
}

func (f *fakeAttask) Execute(_ context.Context, req cloudtest.ExecuteRequest) (string, error) {
	f.got = append(f.got, req)
	return f.id, f.err
}

// TestTaskModelDecisions: a refusal by the service (a 2xx answer with an error status, or a 4xx
// other than authentication and throttling) is the outcome's Failure; a failure to reach or use
// the service is an error.
func TestTaskModelDecisions(t *testing.T) {
	t.Parallel()
	httpErr := func(status int) error {
		return &cloudtest.AttaskError{Op: "execute", HTTP: &api.APIError{Status: status}, Code: "DEV.1", Message: "no"}
	}
	tests := []struct {
		name    string
		f       *fakeAttask
		refused bool
		wantErr bool
		log     string
	}{
		{"accepted", &fakeAttask{id: "exec-1"}, false, false, "task templates t1, t2 accepted (execution exec-1)"},
		{"2xx with an error status", &fakeAttask{err: &cloudtest.AttaskError{Op: "execute", Status: "error", Code: "DEV.00000003", Message: "template missing"}}, true, false, "task templates t1, t2 refused"},
		{"400", &fakeAttask{err: httpErr(400)}, true, false, "refused"},
		{"404", &fakeAttask{err: httpErr(404)}, true, false, "refused"},
		{"401 is an API error", &fakeAttask{err: httpErr(401)}, false, true, ""},
		{"403 is an API error", &fakeAttask{err: httpErr(403)}, false, true, ""},
		{"429 is an API error", &fakeAttask{err: httpErr(429)}, false, true, ""},
		{"503 is an API error", &fakeAttask{err: httpErr(503)}, false, true, ""},
		{"network", &fakeAttask{err: errors.New("dial tcp: refused")}, false, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			log := &testutil.SyncBuffer{}
			flow := &TaskModel{Attask: tt.f, Log: log}
			o, err := flow.Run(context.Background(), cloudtest.ExecuteRequest{TaskIDs: []string{"t1", "t2"}})
			if (err != nil) != tt.wantErr || o == nil || (o.Failure != nil) != tt.refused {
				t.Fatalf("outcome %+v, err %v; want refused %v, error %v", o, err, tt.refused, tt.wantErr)
			}
			if len(tt.f.got) != 1 || strings.Join(o.TaskIDs, ",") != "t1,t2" {
				t.Errorf("%d calls, task ids %v", len(tt.f.got), o.TaskIDs)
			}
			if !tt.refused && !tt.wantErr && o.ExecutionID != tt.f.id {
				t.Errorf("execution %q, want %q", o.ExecutionID, tt.f.id)
			}
			if !strings.Contains(log.String(), tt.log) || (tt.log == "") != (log.String() == "") {
				t.Errorf("log %q, want %q", log.String(), tt.log)
			}
		})
	}
}
