package steps

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
)

func taskWith(t *testing.T, js string) *cpts.Task {
	t.Helper()
	var task cpts.Task
	if err := json.Unmarshal([]byte(js), &task); err != nil {
		t.Fatal(err)
	}
	return &task
}

func TestPlanLength(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		js   string
		want time.Duration
		ok   bool
	}{
		{"parallel: longest case", `{"parallel":true,"case_list":[{"stages":[{"time":60},{"time":60}]},{"stages":[{"time":90}]}]}`, 120 * time.Second, true},
		{"serial: sum of cases", `{"parallel":false,"case_list":[{"stages":[{"time":60},{"time":60}]},{"stages":[{"time":90}]}]}`, 210 * time.Second, true},
		{"count stage: no estimate", `{"parallel":true,"case_list":[{"stages":[{"time":60},{"operate_mode":1,"count":100}]}]}`, 0, false},
		{"no stages", `{"case_list":[{"name":"x"}]}`, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := planLength(taskWith(t, tc.js))
			if got != tc.want || ok != tc.ok {
				t.Errorf("planLength = %s, %v; want %s, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestNextInterval(t *testing.T) {
	t.Parallel()
	p := PollPolicy{Min: time.Second, Max: 10 * time.Second, Progress: 30 * time.Second}
	tests := []struct {
		name      string
		remaining time.Duration
		known     bool
		prev      time.Duration
		want      time.Duration
	}{
		{"far from the end: capped by the progress interval", 10 * time.Minute, true, time.Second, 30 * time.Second},
		{"approaching: wake a dense interval before the predicted end", 12 * time.Second, true, 30 * time.Second, 11750 * time.Millisecond},
		{"close to the end: wake a dense interval before the predicted end", 800 * time.Millisecond, true, 11 * time.Second, 550 * time.Millisecond},
		{"at the end: dense", 400 * time.Millisecond, true, time.Second, 250 * time.Millisecond},
		{"just past the end: dense", -5 * time.Second, true, time.Second, 250 * time.Millisecond},
		{"long past the estimate: back off", -time.Minute, true, 4 * time.Second, 6 * time.Second},
		{"no estimate: back off", 0, false, 2 * time.Second, 3 * time.Second},
		{"no estimate: capped", 0, false, 9 * time.Second, 10 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := p.nextInterval(tc.remaining, tc.known, tc.prev); got != tc.want {
				t.Errorf("nextInterval = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestCallBudget(t *testing.T) {
	t.Parallel()
	b := &callBudget{perMinute: 3, window: time.Minute}
	t0 := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	b.spend(t0, 2)
	if d := b.delay(t0.Add(time.Second)); d != 0 {
		t.Fatalf("under the budget: delay %s", d)
	}
	b.spend(t0.Add(10*time.Second), 1)
	if d := b.delay(t0.Add(20 * time.Second)); d != 40*time.Second {
		t.Fatalf("at the budget: delay %s, want 40s (until the oldest call leaves the window)", d)
	}
	if d := b.delay(t0.Add(61 * time.Second)); d != 0 {
		t.Fatalf("after the window: delay %s", d)
	}
	unlimited := &callBudget{}
	unlimited.spend(t0, 1000)
	if d := unlimited.delay(t0); d != 0 {
		t.Fatalf("no cap: delay %s", d)
	}
}

func TestFirstLook(t *testing.T) {
	t.Parallel()
	poll := PollPolicy{Min: time.Second, Progress: 30 * time.Second, AbortEvery: 5 * time.Second, TimeScale: 60}
	short := `{"parallel":true,"case_list":[{"stages":[{"time":900}]}]}` // 15 min: 15 s real at ×60
	tests := []struct {
		name     string
		started  bool
		plan     string
		hasAbort bool
		want     time.Duration
	}{
		{"just started: sleep towards the end, at most a progress interval", true, `{"parallel":true,"case_list":[{"stages":[{"time":3600}]}]}`, false, 30 * time.Second},
		{"just started, short plan: a dense interval before its end", true, short, false, 15*time.Second - 250*time.Millisecond},
		{"abort gates: watched from the first abort interval", true, short, true, 5 * time.Second},
		{"attached: read at once (it may be over)", false, short, false, 0},
		{"count stages: no estimate, read at once", true, `{"parallel":true,"case_list":[{"stages":[{"operate_mode":1}]}]}`, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := &PerfTest{Poll: poll}
			o := &Outcome{Started: tc.started, plan: taskWith(t, tc.plan)}
			if got := p.firstLook(o, tc.hasAbort); got != tc.want {
				t.Errorf("firstLook = %s, want %s", got, tc.want)
			}
		})
	}
}
