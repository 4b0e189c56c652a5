package steps

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/internal/testutil"
	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/cloudtest"
	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// These tests drive the flows' decisions against in-memory fakes (fake_test.go): no HTTP.

// fakeFlow is a PerfTest flow over f with tiny poll intervals; log collects its lines.
func fakeFlow(f *fakeCPTS) (*PerfTest, *testutil.SyncBuffer) {
	log := &testutil.SyncBuffer{}
	return &PerfTest{CPTS: f, Log: log, Poll: PollPolicy{Min: time.Millisecond, Max: 2 * time.Millisecond, Progress: time.Millisecond,
		Reconcile: time.Hour, StopAll: time.Minute, StopSend: time.Minute}}, log
}

func TestResolveDecisions(t *testing.T) {
	t.Parallel()
	suites := []cpts.Suite{{ID: 17543, Name: "shop"}, {ID: 2, Name: "twin"}, {ID: 3, Name: "twin"}}
	tasks := []cpts.TaskSummary{{ID: 52631, Name: "ci-gate"}, {ID: 8, Name: "other"}}
	tests := []struct {
		name     string
		in       PerfTestInput
		f        *fakeCPTS
		wantErr  string // substring; "" = no error
		settings bool   // the error is a SettingsError
		task     int64
		made     bool
		calls    []string // call prefixes that must have been made
		never    []string // call prefixes that must not have been made
	}{
		{name: "suite by name, task by name", in: PerfTestInput{Suite: "shop", Task: "ci-gate"},
			f: &fakeCPTS{suites: suites, tasks: tasks}, task: 52631, calls: []string{"ListSuites", "ListTasks 17543"}},
		{name: "ids read the task at once, no listing", in: PerfTestInput{Suite: "17543", Task: "52631"},
			f: &fakeCPTS{show: always(taskShowing(0, cpts.StatusFinished))}, task: 52631, never: []string{"ListSuites", "ListTasks"}},
		{name: "ids of a task of another suite: listed instead", in: PerfTestInput{Suite: "2", Task: "52631"},
			f: &fakeCPTS{suites: suites, tasks: tasks, show: always(taskShowing(0, cpts.StatusFinished))}, task: 52631, calls: []string{"ListSuites", "ListTasks 2"}},
		{name: "ambiguous suite name", in: PerfTestInput{Suite: "twin", Task: "ci-gate"}, f: &fakeCPTS{suites: suites, tasks: tasks},
			wantErr: `test-suite: 2 test suites are named "twin" ("twin" (2), "twin" (3)): give the id instead`, settings: true},
		{name: "suite not found lists the suites", in: PerfTestInput{Suite: "nope", Task: "ci-gate"}, f: &fakeCPTS{suites: suites},
			wantErr: `no test suite with id or name "nope"; there are: "shop" (17543), "twin" (2), "twin" (3)`, settings: true},
		{name: "task not found", in: PerfTestInput{Suite: "shop", Task: "gone"}, f: &fakeCPTS{suites: suites, tasks: tasks},
			wantErr: `task: no task with id or name "gone"`, settings: true, never: []string{"CreateTask"}},
		{name: "listing fails", in: PerfTestInput{Suite: "shop", Task: "ci-gate"}, f: &fakeCPTS{listErr: errors.New("boom")}, wantErr: "boom"},
		{name: "cases given, task missing: created with its cases", in: PerfTestInput{Suite: "shop", Task: "new", Cases: []string{"checkout", "12"}},
			f:    &fakeCPTS{suites: suites, tasks: tasks, entries: []cpts.DirectoryEntry{{ID: 11, Name: "checkout", Type: 2}, {ID: 12, Name: "browse", Type: 2}, {ID: 1, Name: "dir", Type: 1}}},
			task: 900, made: true, calls: []string{"CreateTask new", "SetTaskCases 900 [11 12]"}},
		{name: "cases given, task found: its cases set", in: PerfTestInput{Suite: "shop", Task: "ci-gate", Cases: []string{"checkout"}},
			f:    &fakeCPTS{suites: suites, tasks: tasks, entries: []cpts.DirectoryEntry{{ID: 11, Name: "checkout", Type: 2}}},
			task: 52631, calls: []string{"SetTaskCases 52631 [11]"}, never: []string{"CreateTask"}},
		{name: "case ids taken as given when the suite lists no cases", in: PerfTestInput{Suite: "shop", Task: "ci-gate", Cases: []string{"41", "42"}},
			f: &fakeCPTS{suites: suites, tasks: tasks}, task: 52631, calls: []string{"SetTaskCases 52631 [41 42]"}},
		{name: "unknown case: nothing changed", in: PerfTestInput{Suite: "shop", Task: "new", Cases: []string{"checkout", "nope"}},
			f:       &fakeCPTS{suites: suites, tasks: tasks, entries: []cpts.DirectoryEntry{{ID: 11, Name: "checkout", Type: 2}}},
			wantErr: `cases: no case with id or name "nope"`, settings: true, never: []string{"CreateTask", "SetTaskCases"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := tt.f
			p, _ := fakeFlow(f)
			o := &Outcome{}
			err := p.resolve(context.Background(), tt.in, o)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || IsSettings(err) != tt.settings {
					t.Fatalf("err = %v (settings %v), want %q (settings %v)", err, IsSettings(err), tt.wantErr, tt.settings)
				}
			} else if err != nil || o.TaskID != tt.task || o.TaskMade != tt.made {
				t.Fatalf("err %v, task %d made %v; want task %d made %v", err, o.TaskID, o.TaskMade, tt.task, tt.made)
			}
			for _, c := range tt.calls {
				if len(f.called(c)) == 0 {
					t.Errorf("no call %q in %v", c, f.calls)
				}
			}
			for _, c := range tt.never {
				if got := f.called(c); len(got) > 0 {
					t.Errorf("unexpected calls %v", got)
				}
			}
		})
	}
}

func TestStopOwnership(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		o         Outcome
		show      func(int) (*cpts.Task, error)
		stopErr   error
		sent      bool // a stop request went out
		confirmed bool
		failed    bool
		log       string
	}{
		{"our run: stopped and confirmed", Outcome{RunID: 5, seen: true},
			sequence(taskShowing(5, cpts.StatusRunning), taskShowing(5, cpts.StatusRunning), taskShowing(5, cpts.StatusStoppedByUser)),
			nil, true, true, false, "run 5 stopped by the runner"},
		{"someone else's run: nothing sent", Outcome{RunID: 5, seen: true}, always(taskShowing(6, cpts.StatusRunning)),
			nil, false, false, false, "the task's current run is 6, not run 5"},
		{"stale view before ours shows: the previous run stands for ours", Outcome{RunID: 5, prevRun: 4},
			sequence(taskShowing(4, cpts.StatusFinished), taskShowing(5, cpts.StatusStoppedByUser)), nil, true, true, false, "stopped by the runner"},
		{"our run already ended: nothing sent", Outcome{RunID: 5, seen: true}, always(taskShowing(5, cpts.StatusFinished)),
			nil, false, false, false, "run 5 has already ended"},
		{"task unreadable: nothing sent, stop failed", Outcome{RunID: 5, seen: true},
			func(int) (*cpts.Task, error) { return nil, errors.New("unreachable") }, nil, false, false, true, "could not be read to confirm"},
		{"redirect: given up at once", Outcome{RunID: 5, seen: true},
			func(int) (*cpts.Task, error) { return nil, &api.RedirectError{} }, nil, false, false, true, "no stop was sent"},
		{"stop refused", Outcome{RunID: 5, seen: true}, always(taskShowing(5, cpts.StatusRunning)),
			errors.New("refused"), true, false, true, "stop of run 5 failed: refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeCPTS{show: tt.show, stopErr: tt.stopErr}
			p, log := fakeFlow(f)
			afterStop := 0
			p.AfterStopSent = func() { afterStop++ }
			o := tt.o
			o.TaskID, o.SuiteID = 52631, 17543
			p.stop(context.Background(), &o, true)
			if got := len(f.called("StopTask")) > 0; got != tt.sent {
				t.Errorf("stop sent %v, want %v", got, tt.sent)
			}
			if o.StopConfirmed != tt.confirmed || o.StopFailed != tt.failed || o.StopSent != (tt.sent && tt.stopErr == nil) {
				t.Errorf("confirmed %v failed %v sent %v", o.StopConfirmed, o.StopFailed, o.StopSent)
			}
			if afterStop != 1 {
				t.Errorf("AfterStopSent called %d times, want 1", afterStop)
			}
			if !strings.Contains(log.String(), tt.log) {
				t.Errorf("log %q lacks %q", log, tt.log)
			}
		})
	}
}

func TestRunTagDecisions(t *testing.T) {
	t.Parallel()
	tagVar := func(v string) []cpts.Variable {
		return []cpts.Variable{{ID: 3, Name: "other"}, {ID: 4, Name: tagVariable(52631), Values: []any{v}}}
	}
	tests := []struct {
		name    string
		tag     string
		vars    []cpts.Variable
		task    *cpts.Task
		history []cpts.HistoryRun
		run     int64
		attach  bool
	}{
		{"no tag", "", tagVar("ci-1 5"), taskShowing(5, cpts.StatusRunning), nil, 0, false},
		{"no variable yet", "ci-1", nil, taskShowing(5, cpts.StatusRunning), nil, 0, false},
		{"another CI run's tag", "ci-1", tagVar("ci-2 5"), taskShowing(5, cpts.StatusRunning), nil, 0, false},
		{"garbled value", "ci-1", tagVar("ci-1"), taskShowing(5, cpts.StatusRunning), nil, 0, false},
		{"our run is the task's current one: attach", "ci-1", tagVar("ci-1 5"), taskShowing(5, cpts.StatusRunning), nil, 5, true},
		{"our run is current but ended: start anew", "ci-1", tagVar("ci-1 5"), taskShowing(5, cpts.StatusFinished), nil, 5, false},
		{"our run in the history: ended, start anew", "ci-1", tagVar("ci-1 5"), taskShowing(4, cpts.StatusFinished), []cpts.HistoryRun{{RunID: 5}}, 0, false},
		{"our run not shown yet (stale view): attach", "ci-1", tagVar("ci-1 5"), taskShowing(4, cpts.StatusFinished), []cpts.HistoryRun{{RunID: 4}}, 5, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeCPTS{vars: tt.vars, history: tt.history}
			p, _ := fakeFlow(f)
			o := &Outcome{SuiteID: 17543, TaskID: 52631}
			slot := p.readTag(context.Background(), o)
			run, ok := p.findTagged(context.Background(), o, tt.tag, slot, tt.task)
			if run != tt.run || ok != tt.attach {
				t.Errorf("findTagged = %d, %v; want %d, %v", run, ok, tt.run, tt.attach)
			}
		})
	}

	t.Run("record and remove", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		for _, tt := range []struct {
			name  string
			vars  []cpts.Variable
			write string // the call that records the tag
		}{
			{"creates the variable", nil, "CreateVariable 17543 codearts_runner_52631 [ci-1 9]"},
			{"updates the variable", tagVar("ci-0 5"), "UpdateVariables 17543 codearts_runner_52631=[ci-1 9]"},
		} {
			f := &fakeCPTS{vars: tt.vars}
			p, _ := fakeFlow(f)
			o := &Outcome{SuiteID: 17543, TaskID: 52631, RunID: 9}
			p.recordTag(ctx, o, "ci-1", tagSlot{})
			if got := f.called(tt.write); len(got) != 1 {
				t.Errorf("%s: calls %v, want %q", tt.name, f.calls, tt.write)
			}
		}
		// removeTag deletes the variable only while it names our run.
		for _, tt := range []struct {
			value   string
			deleted bool
		}{{"ci-1 9", true}, {"ci-1 10", false}} {
			f := &fakeCPTS{vars: tagVar(tt.value)}
			p, _ := fakeFlow(f)
			p.removeTag(ctx, &Outcome{SuiteID: 17543, TaskID: 52631, RunID: 9})
			if got := len(f.called("DeleteVariable 17543 4")) == 1; got != tt.deleted {
				t.Errorf("tag %q: deleted %v, want %v (calls %v)", tt.value, got, tt.deleted, f.calls)
			}
		}
		// An unreadable tag list records nothing and warns.
		f := &fakeCPTS{varsErr: errors.New("down")}
		p, log := fakeFlow(f)
		p.recordTag(ctx, &Outcome{SuiteID: 17543, TaskID: 52631, RunID: 9}, "ci-1", tagSlot{})
		if len(f.called("CreateVariable"))+len(f.called("UpdateVariables")) > 0 || !strings.Contains(log.String(), "could not read the run tags") {
			t.Errorf("calls %v, log %q", f.calls, log)
		}
	})
}

func TestWaitDecisions(t *testing.T) {
	t.Parallel()
	readErr := func(int) (*cpts.Task, error) { return nil, errors.New("503") }
	tests := []struct {
		name     string
		o        Outcome
		in       PerfTestInput
		show     func(int) (*cpts.Task, error)
		history  []cpts.HistoryRun
		cancel   bool // the context is cancelled before the wait
		late     bool // the timeout has passed before the wait
		wantErr  error
		errText  string
		status   cpts.Status
		stopSent bool
		check    func(t *testing.T, o *Outcome)
	}{
		{name: "end detected", o: Outcome{RunID: 5, Started: true, prevRun: 4},
			show:   sequence(taskShowing(4, cpts.StatusFinished), taskShowing(5, cpts.StatusRunning), taskShowing(5, cpts.StatusFinished)),
			status: cpts.StatusFinished, check: func(t *testing.T, o *Outcome) {
				if !o.seen || o.EndedAt.IsZero() || o.final == nil || o.Calls < 3 {
					t.Errorf("seen %v ended %v final %v calls %d", o.seen, o.EndedAt, o.final, o.Calls)
				}
			}},
		{name: "stale window: the previous run's end is not ours", o: Outcome{RunID: 5, Started: true, prevRun: 4},
			show:   sequence(taskShowing(4, cpts.StatusFinished), taskShowing(4, cpts.StatusFinished), taskShowing(4, cpts.StatusFinished), taskShowing(5, cpts.StatusStoppedByUser)),
			status: cpts.StatusStoppedByUser},
		{name: "ended unseen: someone else took the task over", o: Outcome{RunID: 5, Started: true, prevRun: 4},
			show: always(taskShowing(6, cpts.StatusRunning)), history: []cpts.HistoryRun{{RunID: 5}, {RunID: 4}},
			status: cpts.StatusUnknown, check: func(t *testing.T, o *Outcome) {
				if o.SupersededBy != 6 {
					t.Errorf("superseded by %d, want 6", o.SupersededBy)
				}
			}},
		{name: "timeout: our run stopped", o: Outcome{RunID: 5, Started: true, seen: true}, late: true,
			show: always(taskShowing(5, cpts.StatusStoppedByUser)), wantErr: ErrTimeout, status: cpts.StatusStoppedByUser,
			check: func(t *testing.T, o *Outcome) {
				if !o.TimedOut {
					t.Error("not marked timed out")
				}
			}},
		{name: "timeout with on-timeout=leave: nothing sent", o: Outcome{RunID: 5, Started: true, seen: true}, late: true,
			in: PerfTestInput{LeaveOnTimeout: true}, show: always(taskShowing(5, cpts.StatusRunning)), wantErr: ErrTimeout, status: cpts.StatusUnknown},
		{name: "cancelled: our run stopped", o: Outcome{RunID: 5, Started: true, seen: true}, cancel: true,
			show: sequence(taskShowing(5, cpts.StatusRunning), taskShowing(5, cpts.StatusStoppedByUser)), wantErr: context.Canceled,
			status: cpts.StatusStoppedByUser, check: func(t *testing.T, o *Outcome) {
				if !o.Cancelled || !o.StopConfirmed {
					t.Errorf("cancelled %v confirmed %v", o.Cancelled, o.StopConfirmed)
				}
			}},
		{name: "cancelled on an attached run of someone else: not stopped", o: Outcome{RunID: 5, Attached: true, seen: true}, cancel: true,
			show: always(taskShowing(6, cpts.StatusRunning)), wantErr: context.Canceled, status: cpts.StatusUnknown},
		{name: "reads keep failing: given up, our run stopped if readable", o: Outcome{RunID: 5, Started: true, seen: true},
			show: readErr, errText: "503", status: cpts.StatusUnknown, check: func(t *testing.T, o *Outcome) {
				if !o.StopFailed || o.Calls != 3 {
					t.Errorf("stop failed %v, calls %d (want 3 tolerated reads)", o.StopFailed, o.Calls)
				}
			}},
		{name: "a redirect ends the wait at once", o: Outcome{RunID: 5, Attached: true, seen: true},
			show: func(int) (*cpts.Task, error) { return nil, &api.RedirectError{} }, errText: "wait for run 5", status: cpts.StatusUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeCPTS{show: tt.show, history: tt.history}
			p, _ := fakeFlow(f)
			o := tt.o
			o.TaskID, o.SuiteID, o.Status = 52631, 17543, cpts.StatusUnknown
			in := tt.in
			in.Timeout = time.Hour
			if tt.late {
				o.StartedAt = time.Now().Add(-2 * time.Hour)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel {
				cancel()
			}
			err := p.wait(ctx, in, &o)
			switch {
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr),
				tt.errText != "" && (err == nil || !strings.Contains(err.Error(), tt.errText)),
				tt.wantErr == nil && tt.errText == "" && err != nil:
				t.Fatalf("err = %v, want %v %q", err, tt.wantErr, tt.errText)
			}
			if o.Status != tt.status {
				t.Errorf("status %s, want %s", o.Status, tt.status)
			}
			if tt.check != nil {
				tt.check(t, &o)
			}
		})
	}
}

func TestReconcileStart(t *testing.T) {
	t.Parallel()
	t.Run("lost answer: the new run is adopted, the start never sent twice", func(t *testing.T) {
		t.Parallel()
		f := &fakeCPTS{startErr: errors.New("connection reset"),
			show: sequence(taskShowing(4, cpts.StatusFinished), taskShowing(4, cpts.StatusFinished), taskShowing(5, cpts.StatusRunning))}
		p, _ := fakeFlow(f)
		o := &Outcome{SuiteID: 17543, TaskID: 52631, prevRun: 4}
		if err := p.start(context.Background(), PerfTestInput{Timeout: time.Hour}, o, tagSlot{}); err != nil || o.RunID != 5 || !o.Started {
			t.Fatalf("err %v, run %d started %v", err, o.RunID, o.Started)
		}
		if n := len(f.called("StartTask")); n != 1 {
			t.Errorf("%d starts", n)
		}
	})
	t.Run("no new run within the window", func(t *testing.T) {
		t.Parallel()
		f := &fakeCPTS{startErr: errors.New("connection reset"), show: always(taskShowing(4, cpts.StatusFinished))}
		p, _ := fakeFlow(f)
		clock := &fakeClock{now: time.Unix(0, 0), step: time.Minute}
		p.Now, p.Poll.Reconcile = clock.Now, 90*time.Second
		o := &Outcome{SuiteID: 17543, TaskID: 52631, prevRun: 4}
		err := p.start(context.Background(), PerfTestInput{Timeout: time.Hour}, o, tagSlot{})
		if err == nil || !strings.Contains(err.Error(), "no new run appeared after the lost start answer") || o.Started {
			t.Fatalf("err %v, started %v", err, o.Started)
		}
	})
	t.Run("refused start: not reconciled", func(t *testing.T) {
		t.Parallel()
		f := &fakeCPTS{startErr: &api.APIError{Status: 400, Message: "busy"}}
		p, _ := fakeFlow(f)
		o := &Outcome{SuiteID: 17543, TaskID: 52631}
		if err := p.start(context.Background(), PerfTestInput{Timeout: time.Hour}, o, tagSlot{}); err == nil || len(f.called("ShowTask")) > 0 {
			t.Fatalf("err %v, calls %v", err, f.calls)
		}
	})
}

func TestBaselineDecisions(t *testing.T) {
	t.Parallel()
	withBase, err := gates.Parse("p95 <= baseline + 10%")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   PerfTestInput
		f    *fakeCPTS
		note string
	}{
		{"no baseline gate: nothing read", PerfTestInput{}, &fakeCPTS{}, ""},
		{"history unreadable", PerfTestInput{Gates: withBase, Baseline: "previous"}, &fakeCPTS{histErr: errors.New("down")},
			"no baseline: the run history of task 52631 could not be read: down"},
		{"no earlier run", PerfTestInput{Gates: withBase, Baseline: "previous-finished"}, &fakeCPTS{history: []cpts.HistoryRun{{RunID: 9}, {RunID: 12}}},
			"no baseline: none of the 0 latest earlier runs of task 52631 finished with requests"},
		{"earlier runs without reports", PerfTestInput{Gates: withBase, Baseline: "previous"},
			&fakeCPTS{history: []cpts.HistoryRun{{RunID: 1}, {RunID: 2}, {RunID: 3}, {RunID: 4}, {RunID: 5}, {RunID: 6}, {RunID: 7}}, caseRuns: []cpts.CaseRun{{ID: 1, Name: "c"}}},
			"no baseline: none of the 5 latest earlier runs of task 52631 finished with requests and passed the other gates"},
		{"given run unreadable", PerfTestInput{Gates: withBase, Baseline: "run", BaselineRunID: 3}, &fakeCPTS{caseRuns: []cpts.CaseRun{{ID: 1, Name: "c"}}},
			"baseline run 3 could not be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := tt.f
			p, _ := fakeFlow(f)
			o := &Outcome{SuiteID: 17543, TaskID: 52631, RunID: 9}
			p.baseline(context.Background(), tt.in, o)
			if !strings.HasPrefix(o.BaselineNote, tt.note) || o.Baseline != nil {
				t.Errorf("note %q, want %q (baseline %v)", o.BaselineNote, tt.note, o.Baseline)
			}
			if tt.note == "" && len(f.calls) > 0 {
				t.Errorf("calls %v", f.calls)
			}
		})
	}
}

func TestResolvePlanDecisions(t *testing.T) {
	t.Parallel()
	plans := []cloudtest.Plan{{ID: "a1b2c3d4e5f6", Name: "release"}, {ID: "z9y8x7w6v5u4", Name: "twin"}, {ID: "q1q2q3q4q5q6", Name: "twin"}}
	tests := []struct {
		name    string
		want    string
		create  bool
		id      string
		created bool
		errText string
	}{
		{"by name", "release", false, "a1b2c3d4e5f6", false, ""},
		{"by id", "a1b2c3d4e5f6", false, "a1b2c3d4e5f6", false, ""},
		{"ambiguous", "twin", false, "", false, "twin"},
		{"missing, created", "fresh", true, "newplan00001", true, ""},
		{"missing", "fresh", false, "", false, "fresh"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &fakePlan{plans: plans, created: "newplan00001"}
			id, _, created, err := ResolvePlan(context.Background(), f, tt.want, tt.create, cloudtest.CreatePlanRequest{Name: tt.want})
			if tt.errText != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("err = %v, want one naming %q", err, tt.errText)
				}
				return
			}
			if err != nil || id != tt.id || created != tt.created {
				t.Fatalf("= %q created %v err %v; want %q created %v", id, created, err, tt.id, tt.created)
			}
		})
	}
}

func TestTestPlanDecisions(t *testing.T) {
	t.Parallel()
	plans := []cloudtest.Plan{{ID: "a1b2c3d4e5f6", Name: "release"}}
	tests := []struct {
		name                   string
		in                     TestPlanInput
		cases                  []cloudtest.PlanCase
		addErr                 error
		added, already, failed int
		calls                  int
		errText                string
	}{
		{"adds what is missing, once", TestPlanInput{Plan: "release", CaseIDs: []string{"c1", "c2", "c2", "c3"}},
			[]cloudtest.PlanCase{{ID: "c1"}}, nil, 2, 1, 0, 1, ""},
		{"a refused case is listed", TestPlanInput{Plan: "release", CaseIDs: []string{"c1", "bad1"}}, nil, nil, 1, 0, 1, 1, ""},
		{"a created plan is not listed", TestPlanInput{Plan: "fresh", Create: true, CaseIDs: []string{"c1"}}, []cloudtest.PlanCase{{ID: "c1"}}, nil, 1, 0, 0, 1, ""},
		{"nothing to add: no call", TestPlanInput{Plan: "release", CaseIDs: []string{"c1"}}, []cloudtest.PlanCase{{ID: "c1"}}, nil, 0, 1, 0, 0, ""},
		{"add fails", TestPlanInput{Plan: "release", CaseIDs: []string{"c9"}}, nil, errors.New("503"), 0, 0, 0, 1, "503"},
		{"plan missing", TestPlanInput{Plan: "gone", CaseIDs: []string{"c9"}}, nil, nil, 0, 0, 0, 0, "gone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &fakePlan{plans: plans, cases: tt.cases, addErr: tt.addErr, created: "newplan00001"}
			flow := &TestPlan{Client: f, Log: &testutil.SyncBuffer{}}
			o, err := flow.Run(context.Background(), tt.in)
			if tt.errText != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("err = %v, want %q", err, tt.errText)
				}
				return
			}
			if err != nil || len(o.Added) != tt.added || len(o.Already) != tt.already || len(o.Failed) != tt.failed || o.Calls != tt.calls {
				t.Fatalf("err %v, added %v already %v failed %v calls %d", err, o.Added, o.Already, o.Failed, o.Calls)
			}
		})
	}
}

func TestPlanRecorderDecisions(t *testing.T) {
	t.Parallel()
	o := &Outcome{RunID: 7,
		Results: []gates.Evaluation{{Gate: gates.Gate{Name: "fast"}, Verdict: gates.Pass}, {Gate: gates.Gate{Name: "slow"}, Verdict: gates.Fail, Message: "lost"},
			{Gate: gates.Gate{Name: "vs-base"}, Verdict: gates.Skip}},
		Run:   gates.Run{Cases: []gates.Case{{Name: "checkout"}, {Name: "browse"}}},
		Cases: []CaseResult{{Name: "checkout", Status: cpts.StatusFinished}, {Name: "browse", Status: cpts.StatusAborted}},
	}
	maps := []PlanMapping{{Name: "fast", CaseID: "c1"}, {Name: "slow", CaseID: "c2"}, {Name: "vs-base", CaseID: "c3"},
		{Name: "checkout", CaseID: "c4"}, {Name: "browse", CaseID: "bad5"}, {Name: "nothing", CaseID: "c6"}}
	t.Run("each mapping judged and recorded", func(t *testing.T) {
		t.Parallel()
		f := &fakePlan{plans: []cloudtest.Plan{{ID: "a1b2c3d4e5f6", Name: "release"}}}
		recs := (&PlanRecorder{Client: f, Plan: "release", ServiceID: 3, Mappings: maps}).Record(context.Background(), o)
		want := []struct {
			verdict  string
			recorded bool
			err      string
		}{{"passed", true, ""}, {"failed", true, ""}, {"skipped", false, "was skipped"}, {"passed", true, ""},
			{"failed", false, "CT.2: no such case"}, {"", false, `no gate or PerfTest case is named "nothing"`}}
		for i, w := range want {
			r := recs[i]
			if r.Verdict != w.verdict || r.Recorded != w.recorded || (w.err == "") != (r.Err == nil) || (r.Err != nil && !strings.Contains(r.Err.Error(), w.err)) {
				t.Errorf("record %d (%s) = %s recorded %v err %v; want %s %v %q", i, r.Name, r.Verdict, r.Recorded, r.Err, w.verdict, w.recorded, w.err)
			}
		}
	})
	t.Run("a failed call fails every record", func(t *testing.T) {
		t.Parallel()
		f := &fakePlan{plans: []cloudtest.Plan{{ID: "a1b2c3d4e5f6", Name: "release"}}, runErr: errors.New("503")}
		for _, r := range (&PlanRecorder{Client: f, Plan: "release", Mappings: maps[:2]}).Record(context.Background(), o) {
			if r.Recorded || r.Err == nil || !strings.Contains(r.Err.Error(), "503") {
				t.Errorf("record %s recorded %v err %v", r.Name, r.Recorded, r.Err)
			}
		}
	})
	t.Run("plan not found", func(t *testing.T) {
		t.Parallel()
		f := &fakePlan{}
		for _, r := range (&PlanRecorder{Client: f, Plan: "release", Mappings: maps[:1]}).Record(context.Background(), o) {
			if r.Err == nil || !strings.Contains(r.Err.Error(), "find plan") {
				t.Errorf("record %s err %v", r.Name, r.Err)
			}
		}
	})
}
