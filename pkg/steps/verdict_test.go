package steps

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/internal/sim"
	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/auth"
	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// simFlow is a PerfTest flow against a fresh simulator over loopback HTTP, signing with the
// demo AK/SK; log collects its progress lines.
func simFlow(t *testing.T, opt sim.Options) (*sim.Server, *PerfTest, *strings.Builder) {
	t.Helper()
	s := sim.New(opt)
	url, err := s.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	scale := opt.Scale
	if scale == 0 {
		scale = 60
	}
	simURLs.Store(s, url)
	p, log := flowAt(t, url, scale)
	return s, p, log
}

// simURLs maps a started simulator to its URL (for a second flow against it).
var simURLs sync.Map

// flowAt is a PerfTest flow against the simulator at url.
func flowAt(t *testing.T, url string, scale float64) (*PerfTest, *strings.Builder) {
	t.Helper()
	tr := auth.NewAKSK(http.DefaultTransport.(*http.Transport).Clone(), auth.AKSK{AK: sim.DemoAK, SK: sim.DemoSK, ProjectID: sim.DemoProjectID})
	ac, err := api.New(api.Config{Endpoint: url, Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	log := &strings.Builder{}
	return &PerfTest{CPTS: cpts.New(ac, sim.DemoProjectID), Log: log,
		Poll: PollPolicy{Min: 5 * time.Millisecond, Max: 50 * time.Millisecond, TimeScale: scale}}, log
}

// startRun starts a run of the demo task through the API, as another pipeline would.
func startRun(t *testing.T, s *sim.Server) {
	t.Helper()
	url, _ := simURLs.Load(s)
	p, _ := flowAt(t, url.(string), 60)
	if _, err := p.Run(context.Background(), PerfTestInput{Suite: "17543", Task: "52631", Cluster: cpts.Cluster{Shared: true}, Timeout: time.Hour}); err != nil {
		t.Fatal(err)
	}
}

// writes lists the requests that change something (anything but a GET).
func writes(s *sim.Server) []string {
	var out []string
	for _, r := range s.Requests() {
		if r.Method != http.MethodGet {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

func TestRunIDCheckedFirst(t *testing.T) {
	t.Parallel()
	var tests []struct {
		name  string
		runID func(s *sim.Server) int64
		check func(t *testing.T, o *Outcome, err error)
	}
	tests = []struct {
		name  string
		runID func(s *sim.Server) int64
		check func(t *testing.T, o *Outcome, err error)
	}{
		{"unknown id: settings error, nothing sent", func(*sim.Server) int64 { return 4242 }, func(t *testing.T, o *Outcome, err error) {
			if !IsSettings(err) || !strings.Contains(err.Error(), "run-id: run 4242 is not a run of task \"ci-gate\"") {
				t.Fatalf("err = %v, want a run-id settings error", err)
			}
			if o.HasRun() {
				t.Errorf("outcome has run %d", o.RunID)
			}
		}},
		{"the task's current run", func(s *sim.Server) int64 { return int64(s.Runs(sim.DemoTaskID)[0].ID) },
			func(t *testing.T, o *Outcome, err error) {
				if err != nil || !o.Attached || o.ended || !o.seen || o.Status != cpts.StatusFinished || o.Invalid != nil || len(o.Run.Cases) != 2 {
					t.Fatalf("err %v, outcome attached %v ended %v status %s invalid %v cases %d", err, o.Attached, o.ended, o.Status, o.Invalid, len(o.Run.Cases))
				}
			}},
		{"a run of the history: judged by its report, nothing to wait for", func(s *sim.Server) int64 {
			seeded := s.Runs(sim.DemoTaskID)[0].ID
			startRun(t, s)
			return int64(seeded)
		}, func(t *testing.T, o *Outcome, err error) {
			if err != nil || !o.Attached || !o.ended || o.Invalid != nil || len(o.Run.Cases) != 2 {
				t.Fatalf("err %v, outcome attached %v ended %v invalid %v cases %d", err, o.Attached, o.ended, o.Invalid, len(o.Run.Cases))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, p, _ := simFlow(t, sim.Options{StaleWindow: -1})
			id := tt.runID(s)
			before := len(writes(s))
			o, err := p.Run(context.Background(), PerfTestInput{Suite: "17543", Task: "52631", RunID: id, Wait: true, Timeout: time.Hour})
			tt.check(t, o, err)
			if w := writes(s)[before:]; len(w) > 0 {
				t.Errorf("requests that change something: %v", w)
			}
		})
	}
}

func TestJudge(t *testing.T) {
	t.Parallel()
	plausible := gates.Run{Cases: []gates.Case{{Name: "c", Metrics: gates.MetricsOf(map[string]float64{"requests": 10, "p95": 20})}}}
	implausible := gates.Run{Cases: []gates.Case{{Name: "c", Metrics: gates.MetricsOf(map[string]float64{"requests": 10, "p95": -1000})}}}
	tests := []struct {
		name string
		o    Outcome
		want []string // substrings of the error; none = nil
	}{
		{"finished, plausible", Outcome{RunID: 7, Status: cpts.StatusFinished, Run: plausible}, nil},
		{"stopped by someone else", Outcome{RunID: 7, Status: cpts.StatusStoppedByUser, Run: plausible},
			[]string{"run 7 was stopped before its planned end by someone else"}},
		{"stopped by us", Outcome{RunID: 7, Status: cpts.StatusStoppedByUser, StopSent: true, Run: plausible}, nil},
		{"aborted", Outcome{RunID: 7, Status: cpts.StatusAborted, Run: plausible}, []string{"run 7 was aborted abnormally"}},
		{"superseded", Outcome{RunID: 7, Status: cpts.StatusUnknown, SupersededBy: 9, Run: plausible},
			[]string{"run 7 ended unseen", "it now runs run 9"}},
		{"implausible", Outcome{RunID: 7, Status: cpts.StatusFinished, Run: implausible},
			[]string{`run 7: the report has implausible figures: case "c": p95 = -1000 ms is negative`}},
		{"both", Outcome{RunID: 7, Status: cpts.StatusStoppedByUser, Run: implausible},
			[]string{"stopped before its planned end", "p95 = -1000 ms"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := (&PerfTest{}).judge(&tt.o)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("judge = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("judge = nil, want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("judge = %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

// Two runners on two tasks of one suite set the same global variables; whatever order they end
// in, the originals are back and no bookkeeping variable is left.
func TestVariablesTwoRunners(t *testing.T) {
	t.Parallel()
	type step struct {
		runner int    // 0 = A, 1 = B; -1 = a person sets apiVersion
		set    bool   // set (true) or restore (false)
		value  string // the person's value
	}
	tests := []struct {
		name  string
		steps []step
		want  map[string]string
		warn  string // a warning the log must hold
	}{
		{"first set, first restored", []step{{0, true, ""}, {1, true, ""}, {0, false, ""}, {1, false, ""}},
			map[string]string{"apiVersion": "v1", "baseHost": "shop.example.com"}, "changed by someone else"},
		{"first set, last restored", []step{{0, true, ""}, {1, true, ""}, {1, false, ""}, {0, false, ""}},
			map[string]string{"apiVersion": "v1", "baseHost": "shop.example.com"}, "changed by someone else"},
		{"one after the other", []step{{0, true, ""}, {0, false, ""}, {1, true, ""}, {1, false, ""}},
			map[string]string{"apiVersion": "v1", "baseHost": "shop.example.com"}, ""},
		{"a person changes a value meanwhile: left as they set it", []step{{0, true, ""}, {-1, false, "v9"}, {0, false, ""}},
			map[string]string{"apiVersion": "v9", "baseHost": "shop.example.com"}, `"apiVersion" was changed by someone else`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, p, log := simFlow(t, sim.Options{})
			ctx := context.Background()
			runners := []*Outcome{
				{SuiteID: sim.DemoSuiteID, TaskID: sim.DemoTaskID},
				{SuiteID: sim.DemoSuiteID, TaskID: sim.DemoSlowTaskID},
			}
			values := [][]Variable{
				{{"apiVersion", "v2-a"}, {"baseHost", "a.example.com"}},
				{{"apiVersion", "v2-b"}, {"baseHost", "b.example.com"}},
			}
			states := make([]*varState, 2)
			for _, st := range tt.steps {
				switch {
				case st.runner < 0:
					id := int64(0)
					vs, _ := p.CPTS.ListVariables(ctx, sim.DemoSuiteID, cpts.VariableText)
					for _, v := range vs {
						if v.Name == "apiVersion" {
							id = int64(v.ID)
						}
					}
					if err := p.CPTS.UpdateVariables(ctx, sim.DemoSuiteID, []cpts.Variable{{ID: cpts.Int(id), Name: "apiVersion", Type: cpts.VariableText, Values: []any{st.value}}}); err != nil {
						t.Fatal(err)
					}
				case st.set:
					vs, err := p.setVariables(ctx, runners[st.runner], values[st.runner], true)
					if err != nil {
						t.Fatal(err)
					}
					states[st.runner] = vs
				default:
					p.restoreVariables(ctx, runners[st.runner], states[st.runner])
				}
			}
			got := s.Variables(sim.DemoSuiteID)
			for name, want := range tt.want {
				if got[name] != want {
					t.Errorf("%s = %q, want %q", name, got[name], want)
				}
			}
			for name := range got {
				if strings.HasPrefix(name, "codearts_runner_") {
					t.Errorf("bookkeeping variable %s left behind", name)
				}
			}
			if tt.warn != "" && !strings.Contains(log.String(), tt.warn) {
				t.Errorf("log does not warn %q:\n%s", tt.warn, log)
			}
		})
	}
}

// A start the service refuses puts the variables back at once; a busy task gets none set.
func TestVariablesOnRefusedOrBusyStart(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		prepare func(s *sim.Server)
		wantErr string
	}{
		{"start refused", func(s *sim.Server) {
			s.Inject(sim.Fault{Match: "POST /v1/" + sim.DemoProjectID + "/test-suites/17543/tasks/52631", Kind: sim.FaultStatus, Status: 400, Count: 1})
		}, "HTTP 400"},
		{"task busy", func(s *sim.Server) {}, "is busy with run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, p, _ := simFlow(t, sim.Options{StaleWindow: -1})
			tt.prepare(s)
			in := PerfTestInput{Suite: "17543", Task: "52631", Wait: true, Timeout: time.Hour, RestoreVariables: true, Cluster: cpts.Cluster{Shared: true},
				Variables: []Variable{{"apiVersion", "v2"}}}
			if tt.name == "task busy" {
				startRun(t, s) // a run without waiting: the task is busy now
			}
			before := len(writes(s))
			_, err := p.Run(context.Background(), in)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if got := s.Variables(sim.DemoSuiteID)["apiVersion"]; got != "v1" {
				t.Errorf("apiVersion = %q after the refused start, want v1", got)
			}
			if tt.name == "task busy" {
				if w := writes(s)[before:]; len(w) > 0 {
					t.Errorf("a busy task got requests that change something: %v", w)
				}
			}
			for name := range s.Variables(sim.DemoSuiteID) {
				if strings.HasPrefix(name, "codearts_runner_") {
					t.Errorf("bookkeeping variable %s left behind", name)
				}
			}
		})
	}
}

// stops counts the stop requests (start/stop POSTs whose body says status 2) the simulator got.
func stops(s *sim.Server) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method == http.MethodPost && strings.Contains(r.Body, `"status":2`) {
			n++
		}
	}
	return n
}

// CPTS stops a task, not a run: the runner stops it only while its current run is ours (or, right
// after our start, still shows the ended run before ours).
func TestStopOnlyOwnRun(t *testing.T) {
	t.Parallel()
	startPath := "POST /v1/" + sim.DemoProjectID + "/test-suites/17543/tasks/52631"
	tests := []struct {
		name     string
		opt      sim.Options
		fault    sim.FaultKind
		ready    func(s *sim.Server) bool // the moment to stop
		wantStop bool
		wantLog  string
	}{
		{"our run is current", sim.Options{Scale: 60, StaleWindow: -1}, 0, nil, true, "stopped"},
		{"the stale view right after our start", sim.Options{Scale: 1}, 0, nil, true, ""},
		{"someone else's run is current", sim.Options{Scale: 1000, StaleWindow: -1, Stopping: -1}, sim.FaultForeignRun,
			func(s *sim.Server) bool {
				runs := s.Runs(sim.DemoTaskID)
				return runs[len(runs)-1].Foreign
			}, false, "not stopping task 52631: the task's current run is"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, p, log := simFlow(t, tt.opt)
			p.Poll.StopAll = 200 * time.Millisecond
			if tt.fault != 0 {
				s.Inject(sim.Fault{Match: startPath, Kind: tt.fault, Count: 1})
			}
			seeded := int64(s.Runs(sim.DemoTaskID)[0].ID)
			startRun(t, s)
			runs := s.Runs(sim.DemoTaskID)
			o := &Outcome{SuiteID: sim.DemoSuiteID, TaskID: sim.DemoTaskID, RunID: int64(runs[len(runs)-1].ID), Started: true, prevRun: seeded}
			if tt.ready != nil {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				for !tt.ready(s) {
					if sleep(ctx, time.Millisecond) != nil {
						t.Fatal("the foreign run never started")
					}
				}
			}
			p.stop(context.Background(), o, false)
			if got := stops(s); (got == 1) != tt.wantStop || o.StopSent != tt.wantStop {
				t.Fatalf("stops sent %d, StopSent %v; want a stop: %v\n%s", got, o.StopSent, tt.wantStop, log)
			}
			if !strings.Contains(log.String(), tt.wantLog) {
				t.Errorf("log does not say %q:\n%s", tt.wantLog, log)
			}
		})
	}
}

// Another pipeline stops our run and starts its own before the runner sees our run end: the
// runner notices from the history, judges its run (it cannot pass) and stops nothing.
func TestRunEndedUnseen(t *testing.T) {
	t.Parallel()
	s, p, log := simFlow(t, sim.Options{Scale: 200, StaleWindow: -1, Stopping: -1})
	p.Poll.Min = 500 * time.Millisecond // the other pipeline acts between two reads
	s.Inject(sim.Fault{Match: "POST /v1/" + sim.DemoProjectID + "/test-suites/17543/tasks/52631", Kind: sim.FaultForeignRun, Count: 1})
	o, err := p.Run(context.Background(), PerfTestInput{Suite: "17543", Task: "52631", Cluster: cpts.Cluster{Shared: true},
		Wait: true, Timeout: time.Hour, RunTag: "gh-7-gate"})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, log)
	}
	runs := s.Runs(sim.DemoTaskID)
	foreign := runs[len(runs)-1]
	if !foreign.Foreign || o.SupersededBy != int64(foreign.ID) || o.Invalid == nil || !strings.Contains(o.Invalid.Error(), "ended unseen") {
		t.Fatalf("superseded by %d (foreign run %+v), invalid %v\n%s", o.SupersededBy, foreign, o.Invalid, log)
	}
	if n := stops(s); n != 0 || foreign.StopRequested {
		t.Errorf("%d stop(s) sent; the foreign run: %+v", n, foreign)
	}
	if len(o.Run.Cases) != 2 {
		t.Errorf("the run's report was not read: %d cases", len(o.Run.Cases))
	}
	for name := range s.Variables(sim.DemoSuiteID) {
		if strings.HasPrefix(name, "codearts_runner_") {
			t.Errorf("run-tag variable %s left behind", name)
		}
	}
}
