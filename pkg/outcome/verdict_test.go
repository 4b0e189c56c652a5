package outcome

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/codearts-runner/codearts-runner/pkg/api/cloudtest"
	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
	"github.com/codearts-runner/codearts-runner/pkg/steps"
)

func TestPerfTestVerdict(t *testing.T) {
	t.Parallel()
	data := gates.Run{Cases: []gates.Case{{Name: "c", Metrics: func() gates.Metrics {
		var m gates.Metrics
		m.Set("requests", 100)
		return m
	}()}}}
	pass := []gates.Evaluation{{Verdict: gates.Pass}}
	fail := []gates.Evaluation{{Verdict: gates.Fail}}
	settings := fmt.Errorf("resolve: %w", &steps.SettingsError{Setting: "task", Msg: "no such task"})
	tests := []struct {
		name string
		o    *steps.Outcome
		err  error
		wait bool
		code int
		word string
	}{
		{"cancelled outcome", &steps.Outcome{Cancelled: true}, nil, true, ExitCancelled, "cancelled"},
		{"cancelled context", nil, context.Canceled, true, ExitCancelled, "cancelled"},
		{"bad settings", nil, settings, true, ExitUsage, "error"},
		{"timeout", &steps.Outcome{RunID: 1}, steps.ErrTimeout, true, ExitTimeout, "timeout"},
		{"API failure", nil, errors.New("HTTP 500"), true, ExitAPI, "error"},
		{"no outcome", nil, nil, true, ExitAPI, "error"},
		{"started without waiting", &steps.Outcome{RunID: 1}, nil, false, ExitPassed, "started"},
		{"invalid run", &steps.Outcome{RunID: 1, Run: data, Results: pass, Invalid: errors.New("stopped by someone else")}, nil, true, ExitPlatform, "error"},
		{"aborted by a live gate", &steps.Outcome{RunID: 1, Run: data, Results: pass, AbortedBy: &fail[0]}, nil, true, ExitGate, "failed"},
		{"aborted on the platform", &steps.Outcome{RunID: 1, Run: data, Results: pass, Status: cpts.StatusAborted}, nil, true, ExitPlatform, "error"},
		{"no data", &steps.Outcome{RunID: 1, Results: pass}, nil, true, ExitPlatform, "error"},
		{"gate failed", &steps.Outcome{RunID: 1, Run: data, Results: fail}, nil, true, ExitGate, "failed"},
		{"passed", &steps.Outcome{RunID: 1, Run: data, Results: pass}, nil, true, ExitPassed, "passed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if code, word := PerfTestVerdict(tt.o, tt.err, tt.wait); code != tt.code || word != tt.word {
				t.Errorf("PerfTestVerdict = %d %s, want %d %s", code, word, tt.code, tt.word)
			}
		})
	}
}

func TestOtherVerdicts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		verdict func() (int, string)
		code    int
		word    string
	}{
		{"workflow failed", func() (int, string) {
			return WorkflowVerdict(&steps.WorkflowOutcome{Verdict: steps.VerdictFailed}, nil)
		}, ExitGate, "failed"},
		{"workflow timeout", func() (int, string) { return WorkflowVerdict(&steps.WorkflowOutcome{}, steps.ErrTimeout) }, ExitTimeout, "timeout"},
		{"workflow cancelled", func() (int, string) { return WorkflowVerdict(&steps.WorkflowOutcome{Cancelled: true}, nil) }, ExitCancelled, "cancelled"},
		{"workflow without outcome", func() (int, string) { return WorkflowVerdict(nil, nil) }, ExitAPI, "error"},
		{"workflow passed", func() (int, string) {
			return WorkflowVerdict(&steps.WorkflowOutcome{Verdict: steps.VerdictSucceeded}, nil)
		}, ExitPassed, "passed"},
		{"testplan unconfirmed", func() (int, string) { return TestPlanVerdict(&steps.TestPlanOutcome{Unconfirmed: []string{"c1"}}, nil) }, ExitGate, "failed"},
		{"testplan bad settings", func() (int, string) {
			return TestPlanVerdict(nil, &steps.SettingsError{Setting: "plan", Msg: "no such plan"})
		}, ExitUsage, "error"},
		{"testplan passed", func() (int, string) { return TestPlanVerdict(&steps.TestPlanOutcome{}, nil) }, ExitPassed, "passed"},
		{"taskmodel refused", func() (int, string) {
			return TaskModelVerdict(&steps.TaskModelOutcome{Failure: &cloudtest.AttaskError{}}, nil)
		}, ExitGate, "failed"},
		{"taskmodel API failure", func() (int, string) { return TaskModelVerdict(nil, errors.New("HTTP 502")) }, ExitAPI, "error"},
		{"taskmodel started", func() (int, string) { return TaskModelVerdict(&steps.TaskModelOutcome{}, nil) }, ExitPassed, "started"},
		{"taskmodel cancelled", func() (int, string) { return TaskModelVerdict(nil, context.Canceled) }, ExitCancelled, "cancelled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if code, word := tt.verdict(); code != tt.code || word != tt.word {
				t.Errorf("%d %s, want %d %s", code, word, tt.code, tt.word)
			}
		})
	}
}

func TestWorse(t *testing.T) {
	t.Parallel()
	tests := []struct{ a, b, want int }{
		{ExitPassed, ExitGate, ExitGate},
		{ExitGate, ExitPlatform, ExitPlatform},
		{ExitTimeout, ExitPlatform, ExitTimeout},
		{ExitAPI, ExitUsage, ExitUsage},
		{ExitCancelled, ExitUsage, ExitCancelled},
		{ExitGate, ExitPassed, ExitGate},
	}
	for _, tt := range tests {
		if got := Worse(tt.a, tt.b); got != tt.want {
			t.Errorf("Worse(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
