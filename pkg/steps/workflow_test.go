package steps

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/internal/sim"
	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/auth"
	"github.com/codearts-runner/codearts-runner/pkg/api/mas"
)

func TestStatusMapping(t *testing.T) {
	t.Parallel()
	m, err := NewStatusMapping([]string{"GREEN", "Finished-With-Warnings"}, []string{"red"}, []string{"Awaiting Sign-Off"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		status string
		want   Verdict
		known  bool
	}{
		{"SUCCESS", VerdictSucceeded, true},
		{"Succeeded", VerdictSucceeded, true},
		{"failed", VerdictFailed, true},
		{"STOPPED", VerdictFailed, true},
		{"RUNNING", VerdictRunning, true},
		{"in-progress", VerdictRunning, true},
		{"WAITING_MANUAL", VerdictWaiting, true},
		{"skipped", VerdictSkipped, true},
		{"green", VerdictSucceeded, true},
		{"finished with warnings", VerdictSucceeded, true},
		{"RED", VerdictFailed, true},
		{"awaiting_sign_off", VerdictWaiting, true},
		{"AMBER", VerdictUnknown, false},
		{"", VerdictUnknown, false},
		{"2", VerdictUnknown, false},
	}
	for _, tt := range tests {
		if v, known := m.Classify(tt.status); v != tt.want || known != tt.known {
			t.Errorf("Classify(%q) = %s, %v; want %s, %v", tt.status, v, known, tt.want, tt.known)
		}
	}
	over, _ := NewStatusMapping(nil, []string{"success"}, nil)
	if v, _ := over.Classify("SUCCESS"); v != VerdictFailed {
		t.Errorf("a user list does not override the default: SUCCESS = %s", v)
	}
	if _, err := NewStatusMapping([]string{"done"}, []string{"DONE"}, nil); err == nil {
		t.Error("a status in two lists was accepted")
	}
}

// syncBuf collects progress lines written concurrently.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newWorkflowFlow returns the flow against a simulator (clock ×600) with opt and fast polls.
func newWorkflowFlow(t *testing.T, opt sim.Options) (*Workflow, *sim.Server, *syncBuf) {
	t.Helper()
	if opt.Scale == 0 {
		opt.Scale = 600
	}
	srv := sim.New(opt)
	url, err := srv.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c, err := api.New(api.Config{Endpoint: url, Transport: auth.NewAKSK(nil, auth.AKSK{AK: sim.DemoAK, SK: sim.DemoSK, ProjectID: sim.DemoProjectID}),
		RetryMax: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	log := &syncBuf{}
	return &Workflow{MAS: mas.New(c), Log: log, Poll: PollPolicy{Min: 2 * time.Millisecond, Max: 10 * time.Millisecond,
		Reconcile: 5 * time.Second, StopAll: time.Second, TimeScale: opt.Scale}}, srv, log
}

func TestWorkflowFlow(t *testing.T) {
	t.Parallel()
	unknown := sim.MASStatuses{Pending: "GREY", Running: "AMBER", Succeeded: "GREEN", Failed: "RED", Waiting: "BLUE", Skipped: "WHITE", Stopped: "BLACK"}
	colours, _ := NewStatusMapping([]string{"green"}, []string{"red", "black"}, []string{"blue"})
	tests := []struct {
		name       string
		opt        sim.Options
		workflow   string
		checkpoint string
		statuses   StatusMapping
		timeout    time.Duration
		before     func(*sim.Server)
		wantErr    error
		check      func(t *testing.T, o *WorkflowOutcome, srv *sim.Server, log string)
	}{
		{name: "succeeds", workflow: sim.DemoWorkflowName, check: func(t *testing.T, o *WorkflowOutcome, srv *sim.Server, _ string) {
			if o.Verdict != VerdictSucceeded || len(o.Steps) != 3 || o.Steps[2].Verdict != VerdictSucceeded || o.WorkflowID != sim.DemoWorkflowID {
				t.Errorf("outcome %+v", o)
			}
		}},
		{name: "fails in one step, log bounded", workflow: sim.DemoFailingWorkflowID, check: func(t *testing.T, o *WorkflowOutcome, _ *sim.Server, _ string) {
			s := o.Steps[1]
			if o.Verdict != VerdictFailed || s.Verdict != VerdictFailed || o.Steps[0].Log != "" {
				t.Fatalf("outcome %+v", o)
			}
			if len(s.Log) > MaxStepLog+200 || !strings.HasSuffix(s.Log, "failover refused") || !strings.Contains(s.Log, "bytes of the log are cut") {
				t.Errorf("log of the failed step (%d bytes): %q…", len(s.Log), s.Log[:min(len(s.Log), 120)])
			}
		}},
		{name: "checkpoint skipped", workflow: sim.DemoCheckpointWorkflowName, checkpoint: CheckpointSkip, check: func(t *testing.T, o *WorkflowOutcome, srv *sim.Server, _ string) {
			jobs := srv.WorkflowJobs(sim.DemoCheckpointWorkflowID)
			if o.Verdict != VerdictSucceeded || len(jobs[0].Skipped) != 1 || jobs[0].Skipped[0] != sim.DemoCheckpointTaskID || o.Steps[1].Verdict != VerdictSkipped {
				t.Errorf("outcome %+v, simulator %+v", o, jobs)
			}
		}},
		{name: "checkpoint retried", workflow: sim.DemoCheckpointWorkflowName, checkpoint: CheckpointRetry, check: func(t *testing.T, o *WorkflowOutcome, srv *sim.Server, _ string) {
			jobs := srv.WorkflowJobs(sim.DemoCheckpointWorkflowID)
			if o.Verdict != VerdictSucceeded || len(jobs[0].Retried) != 1 || len(o.Checkpoints) != 2 || o.Checkpoints[1].Action != "retried" {
				t.Errorf("outcome %+v, simulator %+v", o, jobs)
			}
		}},
		{name: "checkpoint waits until the timeout", workflow: sim.DemoCheckpointWorkflowName, checkpoint: CheckpointWait, timeout: 300 * time.Millisecond,
			wantErr: ErrTimeout, check: func(t *testing.T, o *WorkflowOutcome, srv *sim.Server, log string) {
				jobs := srv.WorkflowJobs(sim.DemoCheckpointWorkflowID)
				if len(o.Checkpoints) != 1 || o.Checkpoints[0].TaskID != sim.DemoCheckpointTaskID || !jobs[0].StopRequested || !o.StopConfirmed {
					t.Errorf("outcome %+v, simulator %+v", o, jobs)
				}
				if !strings.Contains(log, "waits for a person at step \"approve switchback\" (task "+sim.DemoCheckpointTaskID) {
					t.Errorf("log does not report the waiting task:\n%s", log)
				}
			}},
		{name: "unknown statuses: raw answer shown, timeout", workflow: sim.DemoWorkflowName, opt: sim.Options{MAS: sim.MASOptions{Statuses: unknown}},
			timeout: 300 * time.Millisecond, wantErr: ErrTimeout, check: func(t *testing.T, o *WorkflowOutcome, srv *sim.Server, log string) {
				if !containsString(o.Unrecognised, "AMBER") || !strings.Contains(o.RawStatus, `"status":"AMBER"`) {
					t.Errorf("outcome %+v", o)
				}
				if !strings.Contains(log, `"AMBER"`) || !strings.Contains(log, "not recognised: read as still running") || !strings.Contains(log, `  | {"result":`) {
					t.Errorf("the raw answer is not shown:\n%s", log)
				}
				if jobs := srv.WorkflowJobs(sim.DemoWorkflowID); !jobs[0].StopRequested {
					t.Error("no stop at the timeout")
				}
			}},
		{name: "unknown statuses named by the user", workflow: sim.DemoFailingWorkflowName, statuses: colours,
			opt: sim.Options{MAS: sim.MASOptions{Statuses: unknown, Shape: sim.MASCamel}}, check: func(t *testing.T, o *WorkflowOutcome, _ *sim.Server, _ string) {
				if o.Verdict != VerdictFailed || o.Status != "RED" || !strings.Contains(o.Steps[1].Log, "failover refused") {
					t.Errorf("outcome %+v", o)
				}
			}},
		{name: "bare shape: no steps", workflow: sim.DemoWorkflowName, opt: sim.Options{MAS: sim.MASOptions{Shape: sim.MASBare}},
			check: func(t *testing.T, o *WorkflowOutcome, _ *sim.Server, _ string) {
				if o.Verdict != VerdictSucceeded || len(o.Steps) != 0 {
					t.Errorf("outcome %+v", o)
				}
			}},
		{name: "lost start answer: found in the history, started once", workflow: sim.DemoWorkflowName,
			before: func(s *sim.Server) {
				s.Inject(sim.Fault{Match: "POST " + mas.Base + "/workflow/" + sim.DemoWorkflowID + "/start", Kind: sim.FaultDropAnswer, Count: 1})
			},
			check: func(t *testing.T, o *WorkflowOutcome, srv *sim.Server, _ string) {
				jobs := srv.WorkflowJobs("")
				if len(jobs) != 1 || !o.Reconciled || o.Job != jobs[0].Name || o.Verdict != VerdictSucceeded {
					t.Errorf("outcome %+v, simulator %+v", o, jobs)
				}
			}},
		{name: "unknown workflow", workflow: "no-such-drill", wantErr: &SettingsError{}, check: func(t *testing.T, o *WorkflowOutcome, srv *sim.Server, _ string) {
			if len(srv.WorkflowJobs("")) != 0 {
				t.Error("something was started")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, srv, log := newWorkflowFlow(t, tt.opt)
			if tt.before != nil {
				tt.before(srv)
			}
			if tt.timeout == 0 {
				tt.timeout = 20 * time.Second
			}
			if tt.checkpoint == "" {
				tt.checkpoint = CheckpointWait
			}
			if tt.statuses.user == nil {
				tt.statuses, _ = NewStatusMapping(nil, nil, nil)
			}
			o, err := f.Run(context.Background(), WorkflowInput{Workflow: tt.workflow, Timeout: tt.timeout, Checkpoint: tt.checkpoint, Statuses: tt.statuses})
			var se *SettingsError
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("error %v\n%s", err, log)
			case errors.As(tt.wantErr, &se) && !IsSettings(err):
				t.Fatalf("error %v, want a settings error", err)
			case tt.wantErr != nil && !errors.As(tt.wantErr, &se) && !errors.Is(err, tt.wantErr):
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			tt.check(t, o, srv, log.String())
		})
	}
}

// TestWorkflowCancel cancels the drill once its job runs: the stop is sent and confirmed.
func TestWorkflowCancel(t *testing.T) {
	t.Parallel()
	f, srv, _ := newWorkflowFlow(t, sim.Options{Scale: 10})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for len(srv.WorkflowJobs(sim.DemoWorkflowID)) == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	statuses, _ := NewStatusMapping(nil, nil, nil)
	o, err := f.Run(ctx, WorkflowInput{Workflow: sim.DemoWorkflowName, Timeout: time.Minute, Checkpoint: CheckpointWait, Statuses: statuses})
	if !errors.Is(err, context.Canceled) || !o.Cancelled || !o.StopSent || !o.StopConfirmed {
		t.Fatalf("error %v, outcome %+v", err, o)
	}
	if jobs := srv.WorkflowJobs(sim.DemoWorkflowID); len(jobs) != 1 || !jobs[0].StopRequested || jobs[0].State != "stopped" {
		t.Fatalf("simulator %+v", jobs)
	}
}

// TestShownAnswer: a raw answer shown to people has its secret-looking fields masked, is
// bounded and cannot start a line of its own.
func TestShownAnswer(t *testing.T) {
	t.Parallel()
	f := &Workflow{}
	raw := `{"result":{"status":"X","token":"MIIsecret-token","password":"p4ss"},"status":"success","note":"a\nb"}`
	got := f.shown(raw)
	if strings.Contains(got, "MIIsecret-token") || strings.Contains(got, "p4ss") || strings.Count(got, "\n") != 0 || !strings.HasPrefix(got, "  | ") {
		t.Errorf("shown %q", got)
	}
	long := `{"result":"` + strings.Repeat("é", 5000) + `"}`
	if s := f.masked(long); len(s) > maxShownAnswer+len("…") || !strings.HasSuffix(s, "…") {
		t.Errorf("masked answer of %d bytes", len(s))
	}
}

// TestLogLinesCarryNoServerLineBreaks: server text cannot start a line of the log.
func TestLogLinesCarryNoServerLineBreaks(t *testing.T) {
	t.Parallel()
	var b syncBuf
	f := &Workflow{Log: &b}
	f.logf("started job %s: %v", "job-1\n::error::forged\r", errors.New("bad\nline"))
	if got := b.String(); got != "started job job-1 ::error::forged : bad line\n" {
		t.Errorf("log %q", got)
	}
}
