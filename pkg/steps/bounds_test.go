package steps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
)

// taskJSON is a ShowTask answer: run runID in status, with the given case run ids listed in
// its run data.
func taskJSON(runID int64, status cpts.Status, caseRuns []int) string {
	var running []string
	for _, id := range caseRuns {
		running = append(running, fmt.Sprintf(`{"task_run_info_id":%d,"related_temp_running_id":%d,"temp_id":%d,"temp_name":"case %d","temp_running_status":%d}`,
			runID, id, id, id, status))
	}
	return fmt.Sprintf(`{"taskInfo":{"name":"t","parallel":true,"run_status":%d,"case_list":[],"related_temp_running_data":[%s]}}`,
		status, strings.Join(running, ","))
}

// TestWaitTimeoutCutsHungRead checks that a task read hanging after the start is abandoned when
// the timeout passes — not after the attempt timeout times the retries — and that the run is
// then stopped with a budget of its own: one read before the stop, none retried.
func TestWaitTimeoutCutsHungRead(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var log []string // "read" / "stop", in arrival order
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		what := "read"
		if r.Method == http.MethodPost {
			what = "stop"
		}
		mu.Lock()
		log = append(log, what)
		n := len(log)
		mu.Unlock()
		if what == "stop" {
			io.WriteString(w, `{"code":"SVCSTG.CPTS.0000000"}`)
			return
		}
		if n > 1 {
			// After the wait's read: the task, still running run 3 (the check before the stop).
			io.WriteString(w, `{"code":"SVCSTG.CPTS.0000000","taskInfo":{"id":2,"run_status":0,"related_temp_running_data":[{"task_run_info_id":3,"related_temp_running_id":30,"temp_running_status":0}]}}`)
			return
		}
		<-r.Context().Done() // the wait's read hangs until the client gives up
	}))
	defer srv.Close()
	// An attempt may take an hour and is retried four times: only the timeout can end the wait.
	ac, err := api.New(api.Config{Endpoint: srv.URL, Timeout: time.Hour, RetryMax: 4,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	p := &PerfTest{CPTS: cpts.New(ac, "p"), Poll: PollPolicy{Min: time.Millisecond, StopAll: 100 * time.Millisecond}}
	o := &Outcome{SuiteID: 1, TaskID: 2, RunID: 3, Started: true, StartedAt: time.Now()}
	done := make(chan error, 1)
	go func() { done <- p.wait(context.Background(), PerfTestInput{Timeout: 100 * time.Millisecond}, o) }()
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute): // a liveness bound far beyond 0.1 s + 0.1 s, not a measurement
		t.Fatal("the wait did not end: the timeout does not bound the read in flight")
	}
	if !errors.Is(err, ErrTimeout) || !o.TimedOut {
		t.Fatalf("err = %v, timed out %v; want ErrTimeout", err, o.TimedOut)
	}
	if !o.StopSent {
		t.Errorf("the run was not stopped after the timeout")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(log) < 3 || log[0] != "read" || log[1] != "read" || log[2] != "stop" {
		t.Errorf("requests %v: want one read (cut by the timeout, not retried), the read that confirms the run is ours, then the stop", log)
	}
}

// TestLiveReadsWithinCallBudget checks that the live figures are read only when every running
// case run fits into the call budget: a task listing thousands of case runs costs no report
// read at all (and says so once), a task of three costs three per live read.
func TestLiveReadsWithinCallBudget(t *testing.T) {
	t.Parallel()
	many := make([]int, 5000)
	for i := range many {
		many[i] = 900000 + i
	}
	tests := []struct {
		name        string
		caseRuns    []int
		wantReports bool
		wantSaid    bool
	}{
		{"5000 case runs: none read", many, false, true},
		{"3 case runs: read", []int{11, 12, 13}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var reads, reports atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.Contains(r.URL.Path, "/reports") {
					reports.Add(1)
					io.WriteString(w, reportBody(3))
					return
				}
				status := cpts.StatusRunning
				if reads.Add(1) > 3 {
					status = cpts.StatusFinished
				}
				io.WriteString(w, taskJSON(3, status, tt.caseRuns))
			}))
			defer srv.Close()
			ac, err := api.New(api.Config{Endpoint: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			p := &PerfTest{CPTS: cpts.New(ac, "p"), Log: &out, Poll: PollPolicy{Min: time.Millisecond, Max: time.Millisecond,
				Progress: time.Hour, CallsPerMinute: 30}}
			o := &Outcome{SuiteID: 1, TaskID: 2, RunID: 3, Started: true}
			if err := p.wait(context.Background(), PerfTestInput{Timeout: time.Hour}, o); err != nil {
				t.Fatal(err)
			}
			n := reports.Load()
			if tt.wantReports != (n > 0) {
				t.Errorf("%d report reads, want some: %v", n, tt.wantReports)
			}
			if int(reads.Load()+n) > 30 || o.Calls != int(reads.Load()+n) {
				t.Errorf("%d task reads + %d report reads (counted %d): over the budget of 30 a minute", reads.Load(), n, o.Calls)
			}
			said := strings.Count(out.String(), "live figures skipped")
			if tt.wantSaid && said != 1 || !tt.wantSaid && said != 0 {
				t.Errorf("'live figures skipped' said %d times:\n%s", said, out.String())
			}
		})
	}
}

// TestWaitRedirectEndsAtOnce checks that a refused redirect on the task read is not tolerated
// like a passing failure: the wait ends after one read, with the redirect error.
func TestWaitRedirectEndsAtOnce(t *testing.T) {
	t.Parallel()
	var reads atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if r.Method == http.MethodGet {
			reads.Add(1)
		}
		w.Header().Set("Location", "http://evil.test/x")
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	ac, err := api.New(api.Config{Endpoint: srv.URL, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	p := &PerfTest{CPTS: cpts.New(ac, "p"), Poll: PollPolicy{Min: time.Millisecond, StopAll: 50 * time.Millisecond}}
	o := &Outcome{SuiteID: 1, TaskID: 2, RunID: 3, Started: true}
	err = p.wait(context.Background(), PerfTestInput{Timeout: time.Hour}, o)
	if !api.IsRedirect(err) || !strings.Contains(err.Error(), "evil.test") {
		t.Fatalf("err = %v, want the refused redirect naming evil.test", err)
	}
	// One read of the wait, then one before the stop (to confirm the run is ours), which is
	// redirected as well: no stop can be sent without it.
	if n := reads.Load(); n != 2 {
		t.Errorf("%d task reads, want 2 (the wait's, the pre-stop check's)", n)
	}
	if o.StopSent {
		t.Errorf("a stop was sent although the task's current run could not be confirmed")
	}
	if !o.StopFailed {
		t.Errorf("the stop (redirected too) is not reported as failed")
	}
}
