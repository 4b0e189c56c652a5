package outcome

import (
	"errors"
	. "github.com/codearts-runner/codearts-runner/pkg/report"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/steps"
)

// workflowSample is a failed drill: a passed step, a failed one with a log (and hostile text),
// one not reached, a checkpoint that waited, and a status string no mapping knew.
func workflowSample() *steps.WorkflowOutcome {
	start := time.Date(2026, 12, 4, 5, 0, 0, 0, time.UTC)
	return &steps.WorkflowOutcome{WorkflowID: "2c1e5b7a9d3f4e6a8b0c2d4e6f8a1b3c", WorkflowName: "failover-drill-db",
		Job: "failover-drill-db-0001", Started: true, Status: "FAILED", Verdict: steps.VerdictFailed,
		Steps: []steps.WorkflowStep{
			{Name: "pre-check", StateID: "s1", TaskID: "s1", Status: "SUCCESS", Verdict: steps.VerdictSucceeded},
			{Name: "approve", StateID: "s2", TaskID: "s2", Status: "SKIPPED", Verdict: steps.VerdictSkipped},
			{Name: "failover database", StateID: "s3", TaskID: "s3", Status: "FAILED", Verdict: steps.VerdictFailed,
				Log: "[INFO] probing\n[ERROR] lag 312 s \x1b[31mexceeds\x1b[0m the limit\x00"},
			{Name: "verify", StateID: "s4", Status: "PENDING", Verdict: steps.VerdictRunning},
		},
		Checkpoints:  []steps.Checkpoint{{TaskID: "s2", Step: "approve", Action: "waiting"}, {TaskID: "s2", Step: "approve", Action: "skipped"}},
		Unrecognised: []string{"Queued-For-Slot"},
		RawStatus:    `{"result":{"status":"Queued-For-Slot"},"status":"success","error":null}`,
		StartedAt:    start, EndedAt: start.Add(52 * time.Second), Duration: 52 * time.Second,
	}
}

func TestWorkflowJUnitGolden(t *testing.T) {
	t.Parallel()
	r := BuildWorkflow(workflowSample(), Meta{Version: "1.2.3", Mode: "workflow", Region: "cn-north-4",
		Settings: map[string]string{"workflow": "failover-drill-db"}, ExitCode: 1, Result: "failed", Now: time.Date(2026, 12, 4, 5, 0, 53, 0, time.UTC)})
	path := filepath.Join(t.TempDir(), "junit.xml")
	if err := r.WriteJUnit(path); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	golden := filepath.Join("testdata", "junit_workflow.golden.xml")
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with UPDATE_GOLDEN=1 to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("JUnit differs from %s (UPDATE_GOLDEN=1 to accept):\n%s", golden, got)
	}
}

func TestBuildWorkflow(t *testing.T) {
	t.Parallel()
	meta := Meta{Mode: "workflow", Result: "timeout", ExitCode: 4, Err: errors.New("wait for job j: timeout")}
	tests := []struct {
		name  string
		o     *steps.WorkflowOutcome
		check func(*Result) string
	}{
		{"no job: no workflow section", &steps.WorkflowOutcome{}, func(r *Result) string {
			if r.Workflow != nil || len(r.Checks) != 0 {
				return "a drill that never started has a section"
			}
			return ""
		}},
		{"no steps: one testcase for the workflow", &steps.WorkflowOutcome{WorkflowID: "w", WorkflowName: "drill", Job: "j", Status: "AMBER", TimedOut: true},
			func(r *Result) string {
				if len(r.Checks) != 1 || r.Checks[0].Name != "workflow drill" || r.Checks[0].Verdict != "failed" {
					return "want one failed testcase for the workflow"
				}
				return ""
			}},
		{"waiting step at the timeout fails", &steps.WorkflowOutcome{WorkflowID: "w", Job: "j", TimedOut: true,
			Steps: []steps.WorkflowStep{{Name: "approve", TaskID: "t9", Status: "WAITING_MANUAL", Verdict: steps.VerdictWaiting}}},
			func(r *Result) string {
				if c := r.Checks[0]; c.Verdict != "failed" || !strings.Contains(c.Message, "task t9") {
					return "waiting step: " + c.Message
				}
				return ""
			}},
		{"failed step under a succeeded execution passes", &steps.WorkflowOutcome{WorkflowID: "w", Job: "j", Verdict: steps.VerdictSucceeded,
			Steps: []steps.WorkflowStep{{Name: "flaky", Status: "FAILED", Verdict: steps.VerdictFailed}}},
			func(r *Result) string {
				if r.Checks[0].Verdict != "passed" {
					return "failed step under a succeeded execution: " + r.Checks[0].Verdict
				}
				return ""
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if msg := tt.check(BuildWorkflow(tt.o, meta)); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// TestWorkflowJobNameCannotStartALine: the job name is server text of one line; in the JUnit
// file (which a later step may print) a CR or LF in it must not start a line of its own.
func TestWorkflowJobNameCannotStartALine(t *testing.T) {
	t.Parallel()
	job := "j\n::error::pwn\r::warning::cr\u2028##[group]x"
	for _, o := range []*steps.WorkflowOutcome{
		{WorkflowID: "w", WorkflowName: "drill", Job: job, Status: "FAILED", Verdict: steps.VerdictFailed},
		{WorkflowID: "w", WorkflowName: "drill", Job: job, Status: "RUNNING", TimedOut: true},
		{WorkflowID: "w", Job: job, Status: "FAILED", Verdict: steps.VerdictFailed,
			Steps: []steps.WorkflowStep{{Name: "s", Status: "FAILED", Verdict: steps.VerdictFailed}}},
	} {
		path := filepath.Join(t.TempDir(), "junit.xml")
		if err := BuildWorkflow(o, Meta{Mode: "workflow", Result: "failed", ExitCode: 1}).WriteJUnit(path); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if l := strings.TrimLeft(line, " \t"); strings.HasPrefix(l, "::") || strings.HasPrefix(l, "##[") {
				t.Errorf("a line of the JUnit file starts with server text: %q", line)
			}
		}
	}
}
