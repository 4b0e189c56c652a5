package steps

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
)

// TestServiceTimes: an attached run takes its start, end and duration from the run history;
// without a zone the times are not placed (the length still counts); a run missing from the
// history or an unreadable history keeps the attach's times and says so.
func TestServiceTimes(t *testing.T) {
	t.Parallel()
	attach := time.Date(2026, 12, 4, 5, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		status     int
		history    string
		start, end time.Time
		duration   time.Duration
		log        string
	}{
		{"times with a zone", 200, `{"code":"SVCSTG.CPTS.0000000","log_list":[{"run_id":79516.0,"start_time":"2026-12-04T13:00:00+08:00","end_time":"2026-12-04T13:02:10+08:00","continue_time":131}]}`,
			time.Date(2026, 12, 4, 5, 0, 0, 0, time.UTC), time.Date(2026, 12, 4, 5, 2, 10, 0, time.UTC), 130 * time.Second, "run 79516 ran 2m10s"},
		{"times without a zone: the length only", 200, `{"code":"SVCSTG.CPTS.0000000","log_list":[{"run_id":79516,"start_time":"2026-12-04 13:00:00","end_time":"2026-12-04 13:02:10","continue_time":130}]}`,
			time.Time{}, time.Time{}, 130 * time.Second, "run 79516 ran 2m10s"},
		{"run not in the history", 200, `{"code":"SVCSTG.CPTS.0000000","log_list":[{"run_id":1,"start_time":"2026-12-04T13:00:00+08:00","end_time":"2026-12-04T13:02:10+08:00","continue_time":130}]}`,
			attach, attach.Add(time.Second), time.Second, "is not in the task's run history"},
		{"history unreadable", 404, `{"error_code":"SVCSTG.CPTS.4040000","error_msg":"not found"}`,
			attach, attach.Add(time.Second), time.Second, "could not be read from the run history"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !strings.Contains(r.URL.Path, "/tasks/history-run-list/52631") {
					t.Errorf("unexpected request %s", r.URL.Path)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.history))
			}))
			defer srv.Close()
			ac, err := api.New(api.Config{Endpoint: srv.URL, RetryMax: -1})
			if err != nil {
				t.Fatal(err)
			}
			var log bytes.Buffer
			p := &PerfTest{CPTS: cpts.New(ac, "p"), Log: &log}
			o := &Outcome{TaskID: 52631, RunID: 79516, Attached: true, Status: cpts.StatusFinished,
				StartedAt: attach, EndedAt: attach.Add(time.Second), Duration: time.Second}
			p.serviceTimes(context.Background(), o)
			if !o.StartedAt.Equal(tc.start) || !o.EndedAt.Equal(tc.end) || o.Duration != tc.duration {
				t.Errorf("start %s end %s duration %s, want %s %s %s", o.StartedAt, o.EndedAt, o.Duration, tc.start, tc.end, tc.duration)
			}
			if !strings.Contains(log.String(), tc.log) {
				t.Errorf("log %q lacks %q", log.String(), tc.log)
			}
		})
	}
}
