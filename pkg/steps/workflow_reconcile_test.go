package steps

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/mas"
)

// TestWorkflowLostStartReconcile scripts a MAS service whose answer to the start is always lost
// and whose history entries may not name their workflow: the runner adopts the one new
// execution, or gives up — but never starts twice.
func TestWorkflowLostStartReconcile(t *testing.T) {
	t.Parallel()
	const wf = "0123456789abcdef0123456789abcdef"
	tests := []struct {
		name        string
		historyDown bool     // the history answers 500
		after       []string // history entries after the start, beside "old-job"
		want        string   // job adopted, or "" for an error
		errHas      string
	}{
		{"one new entry without a workflow", false, []string{`{"jobName":"new-job"}`}, "new-job", ""},
		{"the new entry of this workflow among others", false, []string{`{"jobName":"other","workflowId":"ffff"}`, `{"jobName":"mine","workflowId":"` + wf + `"}`}, "mine", ""},
		{"two new entries without a workflow", false, []string{`{"jobName":"a"}`, `{"jobName":"b"}`}, "", "cannot tell which one"},
		{"nothing new", false, nil, "", "no new execution appeared"},
		{"history unreadable", true, nil, "", "the start was not sent again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			starts := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				started := starts > 0
				mu.Unlock()
				switch p := r.URL.Path; {
				case strings.HasSuffix(p, "/workflow/list"):
					w.Write([]byte(`{"result":[{"id":"` + wf + `","name":"drill"}],"status":"success","error":null}`))
				case strings.HasSuffix(p, "/start"):
					mu.Lock()
					starts++
					mu.Unlock()
					conn, _, _ := w.(http.Hijacker).Hijack()
					conn.Close()
				case strings.HasSuffix(p, "/workflows/jobs"):
					if tt.historyDown {
						w.WriteHeader(http.StatusInternalServerError)
						return
					}
					items := []string{`{"jobName":"old-job","workflowId":"` + wf + `"}`}
					if started {
						items = append(tt.after, items...)
					}
					w.Write([]byte(`{"result":[` + strings.Join(items, ",") + `],"status":"success","error":null}`))
				case strings.HasSuffix(p, "/show-status"):
					w.Write([]byte(`{"result":"SUCCESS","status":"success","error":null}`))
				default:
					w.WriteHeader(http.StatusNotFound)
				}
			}))
			defer srv.Close()
			c, _ := api.New(api.Config{Endpoint: srv.URL, RetryMax: -1})
			f := &Workflow{MAS: mas.New(c), Poll: PollPolicy{Min: 2 * time.Millisecond, Max: 5 * time.Millisecond, Reconcile: 50 * time.Millisecond}}
			statuses, _ := NewStatusMapping(nil, nil, nil)
			o, err := f.Run(context.Background(), WorkflowInput{Workflow: "drill", Timeout: 5 * time.Second, Checkpoint: CheckpointWait, Statuses: statuses})
			mu.Lock()
			defer mu.Unlock()
			if starts != 1 {
				t.Errorf("%d starts, want 1", starts)
			}
			if tt.want != "" {
				if err != nil || o.Job != tt.want || !o.Reconciled || o.Verdict != VerdictSucceeded {
					t.Errorf("error %v, outcome %+v; want job %s", err, o, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.errHas) || o.Job != "" {
				t.Errorf("error %v, job %q; want an error saying %q", err, o.Job, tt.errHas)
			}
		})
	}
}
