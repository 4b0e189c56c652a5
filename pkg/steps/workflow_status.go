package steps

import (
	"fmt"
	"sort"
	"strings"
)

// Verdict is what a MAS status string means to the runner.
type Verdict int

// Verdicts of a workflow execution or step. Unknown strings are read as still running.
const (
	VerdictUnknown   Verdict = iota // not recognised: still running until the timeout
	VerdictRunning                  // running, queued, pending
	VerdictSucceeded                // ended well
	VerdictFailed                   // ended badly (also stopped, cancelled, timed out)
	VerdictWaiting                  // waits for a person at a manual checkpoint
	VerdictSkipped                  // a step that was skipped
)

var verdictNames = map[Verdict]string{VerdictUnknown: "unknown", VerdictRunning: "running", VerdictSucceeded: "succeeded",
	VerdictFailed: "failed", VerdictWaiting: "waiting", VerdictSkipped: "skipped"}

// String names the verdict.
func (v Verdict) String() string { return verdictNames[v] }

// Terminal reports whether an execution with this verdict has ended.
func (v Verdict) Terminal() bool { return v == VerdictSucceeded || v == VerdictFailed }

// DefaultStatuses is the default mapping of MAS status strings (compared case-insensitively,
// with spaces and '-' read as '_'). The MAS document names no status of a workflow execution:
// the strings are the common ones of workflow engines; "success" is the one status word the
// document prints (§4.1.1.6.2), there as the outcome of a call.
var DefaultStatuses = map[Verdict][]string{
	VerdictSucceeded: {"success", "succeeded", "successful", "succeed", "completed", "complete", "finished", "finish", "done", "passed", "pass", "ok"},
	VerdictFailed: {"failed", "failure", "fail", "error", "errored", "aborted", "abort", "terminated", "stopped", "stop",
		"cancelled", "canceled", "killed", "timeout", "timed_out", "rejected", "interrupted"},
	VerdictWaiting: {"waiting_manual", "manual", "manual_check", "manual_checkpoint", "checkpoint", "waiting_for_approval",
		"waiting_approval", "pending_approval", "awaiting_approval", "waiting_confirm", "to_confirm", "suspended", "paused", "hold", "on_hold", "blocked"},
	VerdictRunning: {"running", "in_progress", "inprogress", "executing", "processing", "started", "starting", "pending", "queued",
		"waiting", "created", "init", "initial", "initializing", "scheduled", "ready", "stopping", "not_started", "new"},
	VerdictSkipped: {"skipped", "skip", "ignored"},
}

// StatusMapping reads MAS status strings: the user's lists first, then DefaultStatuses.
type StatusMapping struct {
	user map[string]Verdict
}

// NewStatusMapping builds a mapping in which each string of success, failure and waiting
// takes that meaning, overriding the default; a string named in two lists is an error.
func NewStatusMapping(success, failure, waiting []string) (StatusMapping, error) {
	m := StatusMapping{user: map[string]Verdict{}}
	var dup []string
	for v, list := range map[Verdict][]string{VerdictSucceeded: success, VerdictFailed: failure, VerdictWaiting: waiting} {
		for _, s := range list {
			k := normStatus(s)
			if k == "" {
				continue
			}
			if old, ok := m.user[k]; ok && old != v {
				dup = append(dup, s)
			}
			m.user[k] = v
		}
	}
	if len(dup) > 0 {
		sort.Strings(dup)
		return m, fmt.Errorf("status %s named in two of workflow-success, workflow-failure and workflow-waiting", strings.Join(dup, ", "))
	}
	return m, nil
}

// normStatus folds a status for comparison.
func normStatus(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(s)
}

// Classify returns the verdict of status; known is false for a string in no list.
func (m StatusMapping) Classify(status string) (v Verdict, known bool) {
	k := normStatus(status)
	if k == "" {
		return VerdictUnknown, false
	}
	if v, ok := m.user[k]; ok {
		return v, true
	}
	for v, list := range DefaultStatuses {
		for _, s := range list {
			if s == k {
				return v, true
			}
		}
	}
	return VerdictUnknown, false
}
