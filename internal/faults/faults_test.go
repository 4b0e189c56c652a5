package faults

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/internal/sim"
)

// Paths of the calls the scenarios aim at. The start and the stop are the same POST; they
// differ only by their body.
var (
	taskRead  = fmt.Sprintf("GET /v1/%s/tasks/%d", sim.DemoProjectID, sim.DemoTaskID)
	startStop = fmt.Sprintf("POST /v1/%s/test-suites/%d/tasks/%d", sim.DemoProjectID, sim.DemoSuiteID, sim.DemoTaskID)
	suiteList = fmt.Sprintf("GET /v1/%s/test-suites", sim.DemoProjectID)
	reports   = fmt.Sprintf("GET /v1/%s/task-run-infos/", sim.DemoProjectID) // live figures and the final reports
	iamTokens = "POST /v3/auth/tokens"
)

// scenario is one row of the table: a fault, how the runner is set up for it, and what it
// must end with.
type scenario struct {
	id   string // subtest name
	name string // the fault, as the table shows it
	opt  sim.Options
	task int // the task whose runs are counted; 0 = sim.DemoTaskID
	auth authMode
	env  []string // extra settings (KEY=value; "KEY=" removes)
	// before prepares the simulator (injects faults) before the runner starts.
	before func(ctx context.Context, r *rig) error
	// during runs alongside the runner (late faults, signals); it must return when ctx ends.
	during func(ctx context.Context, r *rig, p *proc)
	// want lists the acceptable exits ("0", "130", "SIGTERM" for killed by SIGTERM).
	want []string
	// wantLeft is the number of runs expected to be left running (not ended, no stop asked).
	wantLeft int
	// check makes scenario-specific assertions on the outcome.
	check func(r *rig, o *observation)
	// limit bounds one run of the scenario; default 30s.
	limit time.Duration
}

// scenarios is the table of faults.
func scenarios() []scenario {
	return []scenario{
		{
			id: "throttled", name: "429 with Retry-After: 1 (×2) on the task read",
			before: inject(sim.Fault{Match: taskRead, Kind: sim.FaultStatus, Status: 429, RetryAfter: time.Second, Count: 2}),
			want:   []string{"0"},
			check:  all(firedAtLeast(sim.FaultStatus, 2), retryAfterHonoured(time.Second)),
		},
		{
			id: "5xx-burst", name: "503 burst (×8) on the task read during the wait, longer than the retry budget (retries=1 → 2 attempts × 3 tolerated reads)",
			opt:    sim.Options{Scale: 20}, // a run of ~6.5 s: still running when the runner gives up
			env:    []string{"CODEARTS_RETRIES=1"},
			during: afterStart(sim.Fault{Match: taskRead, Kind: sim.FaultStatus, Status: 503, Count: 8}),
			want:   []string{"5"},
			check:  all(stopReachedRun, resultSays("error", true)),
		},
		{
			id: "hang", name: "connection hangs once on the task read during the wait (request-timeout=300ms)",
			env:    []string{"CODEARTS_REQUEST_TIMEOUT=300ms"},
			during: afterStart(sim.Fault{Match: taskRead, Kind: sim.FaultHang, Count: 1}),
			want:   []string{"0"},
			check:  firedAtLeast(sim.FaultHang, 1),
		},
		{
			id: "malformed-wait", name: "malformed JSON once on the task read during the wait",
			during: afterStart(sim.Fault{Match: taskRead, Kind: sim.FaultMalformed, Count: 1}),
			want:   []string{"0"},
			check:  firedAtLeast(sim.FaultMalformed, 1),
		},
		{
			id: "truncated-wait", name: "truncated JSON once on the task read during the wait",
			during: afterStart(sim.Fault{Match: taskRead, Kind: sim.FaultTruncated, Count: 1}),
			want:   []string{"0"},
			check:  firedAtLeast(sim.FaultTruncated, 1),
		},
		{
			id: "malformed-suites", name: "malformed JSON once on the suite list (first call, before the start)",
			before: inject(sim.Fault{Match: suiteList, Kind: sim.FaultMalformed, Count: 1}),
			want:   []string{"0"},
			check:  firedAtLeast(sim.FaultMalformed, 1),
		},
		{
			id: "truncated-report", name: "truncated JSON once on the first report read (live figures, or the final report: re-asked)",
			before: inject(sim.Fault{Match: reports, Kind: sim.FaultTruncated, Count: 1}),
			want:   []string{"0"},
			check:  firedAtLeast(sim.FaultTruncated, 1),
		},
		{
			id: "html-502", name: "502 HTML page from a gateway (×2) on the task read",
			before: inject(sim.Fault{Match: taskRead, Kind: sim.FaultHTMLGateway, Count: 2}),
			want:   []string{"0"},
			check:  all(firedAtLeast(sim.FaultHTMLGateway, 2), notesQuoted("<html", "nginx")),
		},
		{
			id: "start-503", name: "503 on the start (a POST: not retried)",
			before: inject(sim.Fault{Match: startStop, Kind: sim.FaultStatus, Status: 503, Count: 1}),
			want:   []string{"5"},
			check:  startsWere(0),
		},
		{
			id: "token-expiry-password", name: "401 token expired mid-wait, password auth (refreshed once)",
			auth:   authPassword,
			during: afterStart(sim.Fault{Kind: sim.FaultTokenExpired, Count: 1}),
			want:   []string{"0"},
			check:  requestsWere("IAM token requests", 2, iamTokens),
		},
		{
			// A fixed token cannot be refreshed: once it is refused, nothing the runner sends
			// is accepted, the stop included. The truthful outcome is exit 5 with the run left
			// running, and the runner saying so (stop failed, stop_sent=false).
			id: "token-expiry-static", name: "401 token expired mid-wait, token auth (cannot be refreshed; the stop is refused too)",
			opt:  sim.Options{Scale: 20},
			auth: authToken,
			before: func(ctx context.Context, r *rig) error {
				tok, err := r.iamToken(ctx)
				r.env = append(r.env, "CODEARTS_TOKEN="+tok)
				return err
			},
			during:   afterStart(sim.Fault{Kind: sim.FaultTokenExpired}), // every later request
			want:     []string{"5"},
			wantLeft: 1,
			check:    all(stopFailureReported, resultSays("error", false)),
		},
		{
			id: "clock-skew", name: "client clock skewed by 1h (X-Sdk-Date rejected)",
			opt:   sim.Options{ClockSkew: time.Hour},
			want:  []string{"5"},
			check: all(startsWere(0), stderrMentions("skew", "x-sdk-date")),
		},
		{
			id: "stale-run", name: "task shows the previous run for 90 s after the start",
			opt:   sim.Options{StaleWindow: 90 * time.Second},
			want:  []string{"0"},
			check: reportsStartedRun,
		},
		{
			id: "lost-start", name: "answer to the start lost (connection closed after the start)",
			before: inject(sim.Fault{Match: startStop, Kind: sim.FaultDropAnswer, Count: 1}),
			want:   []string{"0"},
			check:  all(startsWere(1), reportsStartedRun),
		},
		{
			id: "paused", name: "run pauses halfway for 1 s",
			before: inject(sim.Fault{Match: startStop, Kind: sim.FaultPause, Delay: time.Second, Count: 1}),
			want:   []string{"0"},
			check:  all(reportsStartedRun, stdoutMentions("paused")),
		},
		{
			id: "slow-stop-status", name: "timeout; the stopped run stays 'stopping' for 2 s (slow stop)",
			env:    []string{"CODEARTS_TIMEOUT=30s"},
			before: inject(sim.Fault{Match: startStop, Kind: sim.FaultSlowStop, Delay: 2 * time.Second, Count: 1}),
			want:   []string{"4"},
			check:  all(stopReachedRun, resultSays("timeout", true)),
		},
		{
			id: "slow-stop-answer", name: "timeout; the answer to the stop takes 1.5 s",
			env:    []string{"CODEARTS_TIMEOUT=30s"},
			during: afterStart(sim.Fault{Match: startStop, Kind: sim.FaultSlow, Delay: 1500 * time.Millisecond, Count: 1}),
			want:   []string{"4"},
			check:  all(stopReachedRun, resultSays("timeout", true)),
		},
		{
			id: "abort", name: "run aborted abnormally (task " + sim.DemoAbortTaskName + ")",
			task:  sim.DemoAbortTaskID,
			env:   []string{"CODEARTS_TASK=" + sim.DemoAbortTaskName, "CODEARTS_GATES=success_rate >= 0%"},
			want:  []string{"3"},
			check: junitMentions("aborted"),
		},
		{
			id: "sigint", name: "SIGINT during the wait",
			opt:    sim.Options{Scale: 20},
			during: signals(syscall.SIGINT),
			want:   []string{"130"},
			check:  all(stopReachedRun, resultSays("cancelled", true)),
		},
		{
			id: "sigterm", name: "SIGTERM during the wait",
			opt:    sim.Options{Scale: 20},
			during: signals(syscall.SIGTERM),
			want:   []string{"130"},
			check:  all(stopReachedRun, resultSays("cancelled", true)),
		},
		{
			// The second signal arrives while the (slowed) stop is in flight. Either the runner
			// finishes the stop and exits 130, or the signal kills it: the stop must have
			// reached the run in both cases.
			id: "second-signal", name: "second SIGTERM while the stop (answered after 1 s) is in flight",
			opt: sim.Options{Scale: 20},
			during: both(
				afterStart(sim.Fault{Match: startStop, Kind: sim.FaultSlow, Delay: time.Second, Count: 1}),
				signals(syscall.SIGTERM, syscall.SIGTERM)),
			want:  []string{"130", "SIGTERM"},
			check: all(stopReachedRun, noteSecondSignal),
		},
		{
			id: "timeout-stop", name: "wait timeout, on-timeout=stop",
			env:   []string{"CODEARTS_TIMEOUT=30s"},
			want:  []string{"4"},
			check: all(stopReachedRun, resultSays("timeout", true)),
		},
		{
			id: "timeout-leave", name: "wait timeout, on-timeout=leave",
			opt:      sim.Options{Scale: 30}, // the run outlives the runner by seconds
			env:      []string{"CODEARTS_TIMEOUT=30s", "CODEARTS_ON_TIMEOUT=leave"},
			want:     []string{"4"},
			wantLeft: 1,
			check:    resultSays("timeout", false),
		},
		{
			// A path under a regular file cannot be created, even by root (chmod would not stop
			// root).
			id: "junit-unwritable", name: "junit-file not writable (its parent is a regular file)",
			before: func(_ context.Context, r *rig) error {
				blocker := filepath.Join(r.dir, "file.txt")
				r.env = append(r.env, "CODEARTS_JUNIT_FILE="+filepath.Join(blocker, "junit.xml"))
				return os.WriteFile(blocker, []byte("not a directory\n"), 0o644)
			},
			want:  []string{"0"},
			check: all(stderrMentions("junit-file"), resultWritten),
		},
		// issue 10: honest verdicts and shared state
		{
			id: "external-stop", name: "run stopped from outside halfway (status 4, not by the runner)",
			before: inject(sim.Fault{Match: startStop, Kind: sim.FaultExternalStop, Count: 1}),
			want:   []string{"3"},
			check: all(resultSays("error", false), gatesShown, stopsSent(0),
				outputSays("stopped before its planned end by someone else")),
		},
		{
			id: "implausible", name: "report with p95 = -1000 ms and success_rate = 250% (first case)",
			before: inject(sim.Fault{Match: startStop, Kind: sim.FaultImplausible, Count: 1}),
			want:   []string{"3"},
			check: all(resultSays("error", false), gatesShown,
				outputSays(`case "browse-catalog": p95 = -1000 ms is negative`),
				outputSays(`case "browse-catalog": success_rate = 250% is outside 0–100%`)),
		},
		{
			id: "unknown-run-id", name: "--run-id of a run the task never had",
			env:   []string{"CODEARTS_RUN_ID=4242"},
			want:  []string{"2"},
			check: all(startsWere(0), nothingChanged, stderrMentions("run-id: run 4242 is not a run of task")),
		},
		{
			// Another pipeline stops our run and starts its own on the task (no stale view, an
			// instant stop: it is current at once). SIGINT then: the runner either is about to
			// stop (130) or has already seen its run end unseen (3) — in both cases it must
			// send no stop, which would kill the other pipeline's run.
			id: "foreign-run", name: "another pipeline restarts the task mid-run, then SIGINT",
			opt:    sim.Options{StaleWindow: -1, Stopping: -1},
			env:    []string{"CODEARTS_POLL_INTERVAL=30s"},
			before: inject(sim.Fault{Match: startStop, Kind: sim.FaultForeignRun, Count: 1}),
			during: signalOnForeignRun(syscall.SIGINT),
			want:   []string{"130", "3"},
			check:  all(stopsSent(0), foreignRunUntouched, outputSays("someone else")),
		},
		twoRunnersScenario(),
		// issue 11: the IAM project look-up (no project-id)
		{
			id: "lookup-503", name: "503 (×2) on the IAM project look-up (no project-id: retried)",
			env:    []string{"CODEARTS_PROJECT_ID="},
			before: inject(sim.Fault{Match: "GET /v3/projects", Kind: sim.FaultStatus, Status: 503, Count: 2}),
			want:   []string{"0"},
			check:  all(firedAtLeast(sim.FaultStatus, 2), stdoutMentions("IAM project of cn-north-4: "+sim.DemoProjectID)),
		},
		{
			id: "lookup-403", name: "IAM project look-up refused (403, no project-id): nothing starts",
			env:    []string{"CODEARTS_PROJECT_ID="},
			before: inject(sim.Fault{Match: "GET /v3/projects", Kind: sim.FaultStatus, Status: 403}),
			want:   []string{"5"},
			check:  all(startsWere(0), stderrMentions("look up the IAM project of region cn-north-4")),
		},
		// issue 10: bounded input, interruptible always
		{
			id: "huge-gates-file", name: "gates file of 50 MB (read up to 1 MiB, then refused)",
			before: func(_ context.Context, r *rig) error {
				path := filepath.Join(r.dir, "huge-gates.yaml")
				r.env = append(r.env, "CODEARTS_GATES=", "CODEARTS_GATES_FILE="+path)
				return os.WriteFile(path, []byte("gates:\n"+strings.Repeat("  - p95 <= 750ms\n", 50<<20/17)), 0o644)
			},
			want:  []string{"2"},
			check: all(stderrMentions("more than 1048576 bytes"), noRequests),
		},
		{
			// The runner blocks reading a FIFO whose writer never writes; the signal must end it.
			id: "fifo-gates-sigterm", name: "gates file is a FIFO that never delivers; SIGTERM while the runner waits on it",
			before: func(_ context.Context, r *rig) error {
				path := filepath.Join(r.dir, "gates.fifo")
				r.env = append(r.env, "CODEARTS_GATES=", "CODEARTS_GATES_FILE="+path)
				return syscall.Mkfifo(path, 0o600)
			},
			during: fifoThenSignal("gates.fifo", syscall.SIGTERM),
			want:   []string{"130", "SIGTERM"},
			check:  noRequests,
		},
		{
			id: "two-outputs-one-path", name: "junit-file and result-file name one path",
			before: func(_ context.Context, r *rig) error {
				path := filepath.Join(r.dir, "out.xml")
				r.env = append(r.env, "CODEARTS_JUNIT_FILE="+path, "CODEARTS_RESULT_FILE="+path)
				return nil
			},
			want:  []string{"2"},
			check: all(stderrMentions("junit-file and result-file name the same file"), noRequests),
		},
		{
			// A null device node of the rig's own (1, 3) where the test may create one, so that a
			// regression replaces that node and not the machine's /dev/null; /dev/null itself
			// otherwise (a user who cannot create nodes cannot replace it either).
			id: "dev-null-output", name: "html-report and dotenv-file are a null device (/dev/null, or a node of the rig's own with its numbers)",
			before: func(_ context.Context, r *rig) error {
				null := nullDevice(r.dir)
				r.env = append(r.env, "CODEARTS_HTML_REPORT="+null, "CODEARTS_DOTENV_FILE="+null, "NULL_DEVICE="+null)
				return nil
			},
			want:  []string{"0"},
			check: all(stillCharDevice("NULL_DEVICE"), resultWritten),
		},
		// issue 10: network — redirects never followed, the timeout and the call budget hold
		// (helpers in network_test.go).
		{
			id: "redirect-iam", name: "IAM answers the token request with 307 to another host:port (password auth)",
			auth:   authPassword,
			before: withHostile("CODEARTS_IAM_ENDPOINT", redirectAll),
			want:   []string{"5"},
			check:  all(startsWere(0), redirectRefused),
		},
		{
			id: "redirect-cpts", name: "CPTS answers 307 to another host:port on every call (AK/SK + security token)",
			before: withHostile("CODEARTS_CPTS_ENDPOINT", redirectAll),
			want:   []string{"5"},
			check:  all(startsWere(0), redirectRefused),
		},
		{
			id: "redirect-cpts-wait", name: "CPTS answers 307 to another host:port on the first task read after the start (password auth)",
			auth:   authPassword,
			before: withHostile("CODEARTS_CPTS_ENDPOINT", redirectFirstTaskReadAfterStart),
			want:   []string{"5"},
			check:  all(redirectRefused, stopReachedRun, resultSays("error", true)),
		},
		{
			id: "phantom-case-runs", name: "the task lists 5,000 phantom case runs (max-calls-per-minute=30)",
			env:    []string{"CODEARTS_MAX_CALLS_PER_MINUTE=30"},
			before: inject(sim.Fault{Match: taskRead, Kind: sim.FaultPhantomCaseRuns}),
			want:   []string{"0"},
			check:  all(firedAtLeast(sim.FaultPhantomCaseRuns, 1), noPhantomReports, reportsStartedRun, stdoutMentions("live figures skipped")),
		},
		{
			// Only the wait's read hangs: the read before the stop (confirming the run is still
			// ours) answers, so the stop goes out within its own budget.
			id: "hang-timeout", name: "the task read hangs after the start; timeout=1m (1 s at ×60), request-timeout 30s",
			env:    []string{"CODEARTS_TIMEOUT=1m", "CODEARTS_REQUEST_TIMEOUT=30s"},
			during: afterStart(sim.Fault{Match: taskRead, Kind: sim.FaultHang, Count: 1}),
			want:   []string{"4"},
			check:  all(stopReachedRun, resultSays("timeout", true), hungReadCutByTimeout),
		},
		// issue 16: MAS workflows
		{
			id: "workflow-sigterm", name: "workflow: SIGTERM mid-drill",
			opt:    sim.Options{Scale: 20},
			before: workflowRun(sim.DemoWorkflowName),
			during: afterJob(syscall.SIGTERM),
			want:   []string{"130"},
			check:  all(workflowJobs(sim.DemoWorkflowID, 1), workflowStopped("cancelled")),
		},
		{
			id: "workflow-lost-start", name: "workflow: answer to the start lost (connection closed after the start)",
			before: both2(workflowRun(sim.DemoWorkflowName),
				inject(sim.Fault{Match: "POST /octopus-jobmanager/v1/workflow/" + sim.DemoWorkflowID + "/start", Kind: sim.FaultDropAnswer, Count: 1})),
			want:  []string{"0"},
			check: all(firedAtLeast(sim.FaultDropAnswer, 1), workflowJobs(sim.DemoWorkflowID, 1), workflowStartedBy("history")),
		},
		{
			id: "workflow-unknown-status", name: "workflow: status strings no mapping knows (timeout=5m on the ×60 clock)",
			opt: sim.Options{MAS: sim.MASOptions{Statuses: sim.MASStatuses{Pending: "GREY", Running: "AMBER", Succeeded: "GREEN",
				Failed: "RED", Waiting: "BLUE", Skipped: "WHITE", Stopped: "BLACK"}}},
			env:    []string{"CODEARTS_TIMEOUT=5m"},
			before: workflowRun(sim.DemoWorkflowName),
			want:   []string{"4"},
			check: all(workflowJobs(sim.DemoWorkflowID, 1), workflowStopped("timeout"), stdoutMentions(`not recognised: read as still running until the timeout`),
				stdoutMentions(`"status":"AMBER"`), junitMentions("AMBER")),
		},
		// issue 10: redaction and workflow-command injection
		{
			id: "token-echo", name: "the server echoes the fetched IAM token in a case name and in an error message (password auth)",
			auth: authPassword, env: []string{"CODEARTS_RETRIES=1"}, // one task read fails: tolerated, its error shown
			during: afterStart(
				sim.Fault{Match: taskRead, Kind: sim.FaultEcho, Status: 503, Text: "busy serving {token}", Count: 2},
				sim.Fault{Match: taskRead, Kind: sim.FaultEcho, Find: "checkout", Text: "checkout {token}"}),
			want:  []string{"0"},
			check: all(firedAtLeast(sim.FaultEcho, 2), echoReached("checkout ***"), echoReached("busy serving ***")),
		},
		{
			id: "password-echo", name: `a password holding "\<>& echoed by IAM in its error and by CPTS in a case name (--debug on)`,
			opt: sim.Options{Password: hostilePassword}, auth: authPassword,
			env:    []string{"CODEARTS_DEBUG=true"},
			before: inject(sim.Fault{Match: iamTokens, Kind: sim.FaultEcho, Status: 503, Text: "password {password} refused", Count: 1}),
			during: afterStart(sim.Fault{Match: taskRead, Kind: sim.FaultEcho, Find: "checkout", Text: "checkout " + hostilePassword}),
			want:   []string{"0"},
			check:  all(firedAtLeast(sim.FaultEcho, 2), echoReached("password *** refused"), echoReached("checkout ***")),
		},
		{
			id: "command-injection", name: `workflow commands, ##[ and ANSI in a case name and an error message (GitHub)`,
			env: []string{"CODEARTS_RETRIES=1"},
			during: afterStart(
				sim.Fault{Match: taskRead, Kind: sim.FaultEcho, Status: 503, Text: "busy" + injection, Count: 2},
				sim.Fault{Match: taskRead, Kind: sim.FaultEcho, Find: "checkout", Text: "checkout" + injection}),
			want:  []string{"0"},
			check: all(firedAtLeast(sim.FaultEcho, 2), commandsSafe(true), echoReached(`checkout\n::error::pwned`), echoReached(`busy\n::error::pwned`)),
		},
		{
			id: "command-injection-plain", name: "the same injection outside GitHub Actions (no line starts with ::)",
			env: []string{"GITHUB_ACTIONS=", "CODEARTS_RETRIES=1"},
			during: afterStart(
				sim.Fault{Match: taskRead, Kind: sim.FaultEcho, Status: 503, Text: "busy" + injection, Count: 2},
				sim.Fault{Match: taskRead, Kind: sim.FaultEcho, Find: "checkout", Text: "checkout" + injection}),
			want:  []string{"0"},
			check: all(firedAtLeast(sim.FaultEcho, 2), commandsSafe(false), echoReached(`checkout\n::error::pwned`)),
		},
		// issue 14: performance tests as code
		{
			id: "definition-put-503", name: "definition sync: 503 once on an UpdateCase (PUT, retried)",
			env:    definitionEnv(),
			before: inject(sim.Fault{Match: "/target/stage", Kind: sim.FaultStatus, Status: 503, Count: 1}),
			want:   []string{"0"},
			check:  all(firedAtLeast(sim.FaultStatus, 1), requestsWere("stage updates", 3, "/target/stage")),
		},
		{
			id: "definition-post-500", name: "definition sync: 500 on CreateCase (POST, never retried)",
			env:    definitionEnv(),
			before: inject(sim.Fault{Match: "POST /v1/" + sim.DemoProjectID + "/task-cases", Kind: sim.FaultStatus, Status: 500, Count: 1}),
			want:   []string{"5"},
			check:  all(requestsWere("case creations", 1, "/task-cases"), stderrMentions("create case")),
		},
		// issue 15: several tasks in one step
		{
			id: "multi-typo", name: "task list with a typo in the second task: nothing starts",
			env:   []string{"CODEARTS_TASK=" + sim.DemoTaskName + "," + sim.DemoSlowTaskName + "x"},
			want:  []string{"2"},
			check: all(startsWere(0), tasksStarted(0, sim.DemoSlowTaskID), nothingChanged, stderrMentions(`no task with id or name "`+sim.DemoSlowTaskName+`x"`)),
		},
		{
			id: "multi-sigterm", name: "SIGTERM while waiting for two tasks started in one batch",
			env:    []string{"CODEARTS_TASK=" + sim.DemoTaskName + "," + sim.DemoSlowTaskName},
			during: signals(syscall.SIGTERM),
			want:   []string{"130"},
			check:  all(stopsSent(2), stopsReached(sim.DemoTaskID, sim.DemoSlowTaskID), requestsWere("batch starts", 1, "POST", "batch-update-task-status")),
		},
	}
}

// tasksStarted checks how many runs of task were started (issue 15).
func tasksStarted(n, task int) func(*rig, *observation) {
	return func(r *rig, o *observation) {
		if got := r.srv.StartCount(task); got != n {
			o.fail("%d run(s) of task %d started, want %d", got, task, n)
		}
	}
}

// stopsReached checks that the run started of every task was asked to stop (issue 15).
func stopsReached(tasks ...int) func(*rig, *observation) {
	return func(r *rig, o *observation) {
		for _, task := range tasks {
			var ours []sim.RunInfo
			for _, ri := range r.srv.Runs(task) {
				if !ri.Seeded && !ri.Foreign {
					ours = append(ours, ri)
				}
			}
			if len(ours) != 1 || !ours[0].StopRequested {
				o.fail("task %d: runs %+v, want one run asked to stop", task, ours)
			}
		}
		o.note("every started run asked to stop")
	}
}

// definitionEnv runs the example definition instead of the demo task (issue 14).
func definitionEnv() []string {
	abs, _ := filepath.Abs(filepath.Join("..", "..", "examples", "perftest.yaml"))
	return []string{"CODEARTS_TEST_SUITE=", "CODEARTS_TASK=", "CODEARTS_GATES=", "CODEARTS_DEFINITION=" + abs}
}

// noRequests checks that nothing reached the simulator.
func noRequests(r *rig, o *observation) {
	if n := len(r.srv.Requests()); n > 0 {
		o.fail("%d request(s) sent", n)
	} else {
		o.note("nothing sent")
	}
}

// fifoThenSignal returns a during step that waits until the runner has opened the FIFO name of
// the rig's directory (a writer's non-blocking open succeeds only once a reader has it open),
// holds it open without writing, and sends sig.
func fifoThenSignal(name string, sig syscall.Signal) func(context.Context, *rig, *proc) {
	return func(ctx context.Context, r *rig, p *proc) {
		var w *os.File
		if !until(ctx, func() bool {
			f, err := os.OpenFile(filepath.Join(r.dir, name), os.O_WRONLY|syscall.O_NONBLOCK, 0)
			w = f
			return err == nil
		}) {
			return
		}
		defer w.Close()
		p.signal(sig)
		<-ctx.Done()
	}
}

// nullDevice makes a null device node (major 1, minor 3) in dir, or returns /dev/null when
// the node cannot be made or opened.
func nullDevice(dir string) string {
	path := filepath.Join(dir, "null")
	if err := syscall.Mknod(path, syscall.S_IFCHR|0o666, 1<<8|3); err == nil {
		if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
			f.Close()
			return path
		}
	}
	return os.DevNull
}

// stillCharDevice checks that the path in the run's variable key is still a character device.
func stillCharDevice(key string) func(*rig, *observation) {
	return func(r *rig, o *observation) {
		path := envValue(r.env, key)
		fi, err := os.Lstat(path)
		switch {
		case err != nil:
			o.fail("%s: %v", path, err)
		case fi.Mode()&os.ModeCharDevice == 0:
			o.fail("%s is no longer a character device: %v", path, fi.Mode())
		case path == os.DevNull:
			o.note("/dev/null still a character device")
		default:
			o.note("the null device node still a character device")
		}
	}
}

// workflowRun returns a before step that makes the run `runner workflow` of workflow against
// the rig's simulator.
func workflowRun(workflow string) func(context.Context, *rig) error {
	return func(_ context.Context, r *rig) error {
		r.cmd = "workflow"
		r.env = append(r.env, "CODEARTS_MAS_ENDPOINT="+r.url, "CODEARTS_WORKFLOW="+workflow)
		return nil
	}
}

// both2 runs before steps in order.
func both2(steps ...func(context.Context, *rig) error) func(context.Context, *rig) error {
	return func(ctx context.Context, r *rig) error {
		for _, s := range steps {
			if err := s(ctx, r); err != nil {
				return err
			}
		}
		return nil
	}
}

// afterJob returns a during step that sends sig once the runner says it started the job.
func afterJob(sig syscall.Signal) func(context.Context, *rig, *proc) {
	return func(ctx context.Context, _ *rig, p *proc) {
		if until(ctx, func() bool { return strings.Contains(p.stdout.String(), "started job") }) {
			p.signal(sig)
		}
	}
}

// workflowJobs checks the number of executions of a workflow: a start is never sent twice.
func workflowJobs(id string, n int) func(*rig, *observation) {
	return func(r *rig, o *observation) {
		jobs := r.srv.WorkflowJobs(id)
		o.note("%d execution(s)", len(jobs))
		if len(jobs) != n {
			o.fail("%d executions of workflow %s, want %d", len(jobs), id, n)
		}
	}
}

// workflowStopped checks that the stop reached the execution and that the result file says
// result with stop_sent.
func workflowStopped(result string) func(*rig, *observation) {
	return func(r *rig, o *observation) {
		jobs := r.srv.WorkflowJobs("")
		res := o.resultFile()
		switch {
		case len(jobs) == 0 || !jobs[len(jobs)-1].StopRequested:
			o.fail("no stop request reached the execution: %+v", jobs)
		case res == nil || res.Result != result || res.Workflow == nil || !res.Workflow.StopSent:
			o.fail("result file: want result %q with stop_sent, got %+v", result, res)
		default:
			o.note("stop reached the execution")
		}
	}
}

// workflowStartedBy checks who the result file says started the execution.
func workflowStartedBy(by string) func(*rig, *observation) {
	return func(_ *rig, o *observation) {
		res := o.resultFile()
		if res == nil || res.Workflow == nil || res.Workflow.StartedBy != by {
			o.fail("result file: want started_by %q, got %+v", by, res)
			return
		}
		o.note("execution found again in the history")
	}
}

// TestFaults runs every scenario FAULTS_RUNS times (default 1) against the real binary, prints
// the table and fails when a row's verdict is ❌.
func TestFaults(t *testing.T) {
	runs := 1
	if v := os.Getenv("FAULTS_RUNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("FAULTS_RUNS=%q: want a positive number", v)
		}
		runs = n
	}
	bin := filepath.Join(t.TempDir(), "runner")
	build := exec.Command("go", "build", "-o", bin, "github.com/codearts-runner/codearts-runner/cmd/runner")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	table := scenarios()
	rows := make([]row, len(table))
	begin := time.Now()
	t.Run("scenario", func(t *testing.T) {
		for i, sc := range table {
			t.Run(sc.id, func(t *testing.T) {
				t.Parallel()
				rows[i] = runScenario(t, bin, sc, runs)
				switch {
				case !rows[i].ok():
					t.Errorf("❌ %s\n%s", sc.name, rows[i].details())
				case testing.Verbose():
					t.Logf("✅ %s\n%s", sc.name, rows[i].details())
				}
			})
		}
	})
	md := renderTable(rows, runs, time.Since(begin))
	t.Log("\n" + md)
	if path := os.Getenv("FAULTS_TABLE"); path != "" {
		if err := os.WriteFile(path, []byte(md), 0o644); err != nil {
			t.Errorf("FAULTS_TABLE: %v", err)
		}
	}
}

// row is the outcome of one scenario over every repetition.
type row struct {
	sc  scenario
	obs []observation
}

// ok reports the verdict: every run exited as expected, left exactly the expected runs
// running, started at most one run, leaked no secret and passed the scenario's checks.
func (r row) ok() bool {
	if len(r.obs) == 0 {
		return false
	}
	for _, o := range r.obs {
		if !slices.Contains(r.sc.want, o.exit) || o.left != r.sc.wantLeft || o.starts > 1 ||
			len(o.secrets) > 0 || len(o.problems) > 0 {
			return false
		}
	}
	return true
}

// details explains a row for a failure message: every run's outcome and output.
func (r row) details() string {
	var b strings.Builder
	for i, o := range r.obs {
		fmt.Fprintf(&b, "run %d: exit %s (want %s), left running %d (want %d), starts %d, took %s\n",
			i+1, o.exit, strings.Join(r.sc.want, " or "), o.left, r.sc.wantLeft, o.starts, o.took.Round(time.Millisecond))
		for _, s := range o.secrets {
			fmt.Fprintf(&b, "  secret: %s\n", s)
		}
		for _, p := range o.problems {
			fmt.Fprintf(&b, "  problem: %s\n", p)
		}
		fmt.Fprintf(&b, "  stdout:\n%s  stderr:\n%s", indent(o.stdout), indent(o.stderr))
	}
	return b.String()
}

func indent(s string) string {
	if s == "" {
		return "    (empty)\n"
	}
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ") + "\n"
}

// runScenario runs sc runs times, each against a fresh simulator.
func runScenario(t *testing.T, bin string, sc scenario, runs int) row {
	if sc.task == 0 {
		sc.task = sim.DemoTaskID
	}
	if sc.limit == 0 {
		sc.limit = 30 * time.Second
	}
	out := row{sc: sc}
	for range runs {
		out.obs = append(out.obs, runOnce(t, bin, sc))
	}
	return out
}

// runOnce runs sc once: simulator, preparation, the runner, the checks.
func runOnce(t *testing.T, bin string, sc scenario) observation {
	r, err := newRig(t, sc.opt, sc.task)
	if err != nil {
		return observation{exit: "not run", problems: []string{err.Error()}}
	}
	if sc.before != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := sc.before(ctx, r)
		cancel()
		if err != nil {
			return observation{exit: "not run", problems: []string{"prepare: " + err.Error()}}
		}
	}
	o := r.run(bin, r.settings(sc.auth, sc.env), sc.limit, sc.during)
	if sc.check != nil {
		sc.check(r, &o)
	}
	return o
}

// renderTable renders the rows as a Markdown table with a legend.
func renderTable(rows []row, runs int, took time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Fault-injection suite: %d run(s) per scenario, %s.\n\n", runs, took.Round(100*time.Millisecond))
	b.WriteString("| # | fault | runs | expected exit | observed exit(s) | expected left running | left running | duplicate starts | secrets found | verdict | longest run | notes |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	passed, shown := 0, 0
	for i, r := range rows {
		if len(r.obs) == 0 {
			continue // not selected by -run
		}
		shown++
		var exits, left []string
		dups, secrets := 0, 0
		var longest time.Duration
		var notes []string
		for _, o := range r.obs {
			longest = max(longest, o.took)
			exits = append(exits, o.exit)
			left = append(left, strconv.Itoa(o.left))
			dups += max(o.starts-1, 0)
			secrets += len(o.secrets)
			notes = appendNew(notes, o.notes...)
			notes = appendNew(notes, prefixed("❗ ", o.problems)...)
			notes = appendNew(notes, prefixed("❗ secret: ", o.secrets)...)
		}
		verdict := "❌"
		if r.ok() {
			verdict = "✅"
			passed++
		}
		fmt.Fprintf(&b, "| %d | %s | %d | %s | %s | %d | %s | %d | %d | %s | %s | %s |\n",
			i+1, cell(r.sc.name), len(r.obs), cell(strings.Join(r.sc.want, " or ")), strings.Join(exits, ", "),
			r.sc.wantLeft, strings.Join(left, ", "), dups, secrets, verdict, longest.Round(100*time.Millisecond),
			cell(strings.Join(notes, "; ")))
	}
	fmt.Fprintf(&b, "\n%d of %d rows ✅.\n", passed, shown)
	return b.String()
}

// cell makes text safe for one Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		if !slices.Contains(list, it) {
			list = append(list, it)
		}
	}
	return list
}

func prefixed(prefix string, items []string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = prefix + it
	}
	return out
}

// inject returns a before step that injects faults up front.
func inject(faults ...sim.Fault) func(context.Context, *rig) error {
	return func(_ context.Context, r *rig) error {
		for _, f := range faults {
			r.srv.Inject(f)
		}
		return nil
	}
}

// afterStart returns a during step that injects faults (in order) as soon as the run has been
// started.
func afterStart(faults ...sim.Fault) func(context.Context, *rig, *proc) {
	return func(ctx context.Context, r *rig, _ *proc) {
		if until(ctx, func() bool { return r.srv.StartCount(r.task) > 0 }) {
			for _, f := range faults {
				r.srv.Inject(f)
			}
		}
	}
}

// signals returns a during step that sends sigs once the runner says it started the run: the
// first at once, every further one as soon as the runner says it is stopping the run.
func signals(sigs ...syscall.Signal) func(context.Context, *rig, *proc) {
	return func(ctx context.Context, _ *rig, p *proc) {
		if !until(ctx, func() bool { return strings.Contains(p.stdout.String(), "started run") }) {
			return
		}
		for i, s := range sigs {
			if i > 0 && !until(ctx, func() bool { return strings.Contains(p.stdout.String(), "stopping run") }) {
				return
			}
			p.signal(s)
		}
	}
}

// both runs during steps side by side.
func both(steps ...func(context.Context, *rig, *proc)) func(context.Context, *rig, *proc) {
	return func(ctx context.Context, r *rig, p *proc) {
		var wg sync.WaitGroup
		for _, s := range steps {
			wg.Go(func() { s(ctx, r, p) })
		}
		wg.Wait()
	}
}

// all combines checks.
func all(checks ...func(*rig, *observation)) func(*rig, *observation) {
	return func(r *rig, o *observation) {
		for _, c := range checks {
			c(r, o)
		}
	}
}

// firedAtLeast checks that the fault really fired (a scenario whose fault never fires proves
// nothing).
func firedAtLeast(kind sim.FaultKind, n int) func(*rig, *observation) {
	return func(r *rig, o *observation) {
		got := r.faultsFired(kind)
		o.note("%s fired %d×", kind, got)
		if got < n {
			o.fail("fault %s fired %d times, want at least %d", kind, got, n)
		}
	}
}

// retryAfterHonoured checks that every request answered 429 was repeated no sooner than
// wait later (the Retry-After the fault sent).
func retryAfterHonoured(wait time.Duration) func(*rig, *observation) {
	return func(r *rig, o *observation) {
		recs := r.srv.Requests()
		slices.SortFunc(recs, func(a, b sim.Recorded) int { return a.Time.Compare(b.Time) })
		shortest := time.Duration(-1)
		for i, rec := range recs {
			if rec.Status != 429 {
				continue
			}
			j := slices.IndexFunc(recs[i+1:], func(n sim.Recorded) bool { return n.Method == rec.Method && n.Path == rec.Path })
			if j < 0 {
				o.fail("the request answered 429 was never repeated")
				return
			}
			if gap := recs[i+1+j].Time.Sub(rec.Time); shortest < 0 || gap < shortest {
				shortest = gap
			}
		}
		if shortest >= 0 {
			o.note("retried after ≥ %s", shortest.Round(10*time.Millisecond))
		}
		if shortest >= 0 && shortest < wait-50*time.Millisecond {
			o.fail("a 429 was retried after %s, before its Retry-After of %s", shortest, wait)
		}
	}
}

// stopReachedRun checks that a stop request reached the started run.
func stopReachedRun(r *rig, o *observation) {
	ri, ok := r.started()
	switch {
	case !ok:
		o.fail("no run was started")
	case !ri.StopRequested:
		o.fail("run %d: no stop request reached it (status %d)", ri.ID, ri.Status)
	default:
		o.note("stop reached run")
	}
}

// stopFailureReported checks that the runner says it could not stop the run, and that the
// result file does not claim a stop.
func stopFailureReported(r *rig, o *observation) {
	ri, ok := r.started()
	if !ok {
		o.fail("no run was started")
		return
	}
	if ri.StopRequested {
		o.note("stop reached run")
	}
	if !strings.Contains(o.stdout+o.stderr, fmt.Sprintf("stop of run %d failed", ri.ID)) {
		o.fail("the output does not say that the stop of run %d failed", ri.ID)
	} else {
		o.note("says the stop failed")
	}
}

// resultSays checks the result file's result word and its stop_sent flag.
func resultSays(result string, stopSent bool) func(*rig, *observation) {
	return func(_ *rig, o *observation) {
		res := o.resultFile()
		switch {
		case res == nil:
			o.fail("no result file")
		case res.Result != result:
			o.fail("result file says %q, want %q", res.Result, result)
		case res.Run == nil || res.Run.StopSent != stopSent:
			o.fail("result file: stop_sent is not %v: %+v", stopSent, res.Run)
		}
	}
}

// resultWritten checks that the result file was written.
func resultWritten(_ *rig, o *observation) {
	if o.resultFile() == nil {
		o.fail("no result file")
	}
}

// reportsStartedRun checks that the run evaluated is the one started, and that it finished.
func reportsStartedRun(r *rig, o *observation) {
	ri, ok := r.started()
	res := o.resultFile()
	switch {
	case !ok:
		o.fail("no run was started")
	case res == nil || res.Run == nil:
		o.fail("no run in the result file")
	case res.Run.ID != int64(ri.ID):
		o.fail("reported run %d, want the started run %d", res.Run.ID, ri.ID)
	case ri.Status != sim.StatusFinished:
		o.fail("the started run %d has status %d, not finished", ri.ID, ri.Status)
	default:
		o.note("reported run = started run")
	}
}

// startsWere checks the number of runs started.
func startsWere(n int) func(*rig, *observation) {
	return func(_ *rig, o *observation) {
		if o.starts != n {
			o.fail("%d run(s) started, want %d", o.starts, n)
		}
	}
}

// requestsWere checks how many requests matched parts.
func requestsWere(what string, n int, parts ...string) func(*rig, *observation) {
	return func(r *rig, o *observation) {
		got := r.countRequests(parts...)
		o.note("%s: %d", what, got)
		if got != n {
			o.fail("%s: %d, want %d", what, got, n)
		}
	}
}

// stderrMentions checks that stderr names one of words (case-insensitive).
func stderrMentions(words ...string) func(*rig, *observation) {
	return func(_ *rig, o *observation) {
		low := strings.ToLower(o.stderr)
		for _, w := range words {
			if strings.Contains(low, strings.ToLower(w)) {
				o.note("stderr names %s", w)
				return
			}
		}
		o.fail("stderr mentions none of %q", words)
	}
}

// stdoutMentions checks that stdout names word.
func stdoutMentions(word string) func(*rig, *observation) {
	return func(_ *rig, o *observation) {
		if !strings.Contains(o.stdout, word) {
			o.fail("stdout does not mention %q", word)
		}
	}
}

// junitMentions checks that the JUnit file names word.
func junitMentions(word string) func(*rig, *observation) {
	return func(_ *rig, o *observation) {
		if !strings.Contains(o.junit, word) {
			o.fail("JUnit does not mention %q", word)
		}
	}
}

// notesQuoted notes which fragments of a raw error page the outputs quote.
func notesQuoted(fragments ...string) func(*rig, *observation) {
	return func(_ *rig, o *observation) {
		for _, f := range fragments {
			if strings.Contains(o.stdout+o.stderr+o.junit, f) {
				o.note("output quotes %q", f)
			}
		}
	}
}

// noteSecondSignal records what the second signal did.
func noteSecondSignal(_ *rig, o *observation) {
	if o.exit == "130" {
		o.note("second signal did not kill the process; it finished the stop")
	} else {
		o.note("second signal killed the process (%s)", o.exit)
	}
}

// issue 10: honest verdicts and shared state — helpers of the rows above.

// gatesShown checks that the gates were evaluated and written although the verdict is not theirs.
func gatesShown(_ *rig, o *observation) {
	if res := o.resultFile(); res == nil || res.Counts.Gates == 0 {
		o.fail("the result file shows no gate")
	}
}

// outputSays checks that stdout or stderr holds text.
func outputSays(text string) func(*rig, *observation) {
	return func(_ *rig, o *observation) {
		if !strings.Contains(o.stdout+o.stderr, text) {
			o.fail("the output does not say %q", text)
		}
	}
}

// isStop reports whether a recorded request is a stop (the start/stop POST with status 2).
func isStop(rec sim.Recorded) bool {
	return rec.Method == "POST" && strings.Contains(rec.Path, "/tasks/") && strings.Contains(rec.Body, `"status":2`)
}

// stopsSent checks from the simulator's record how many stop requests the runner sent.
func stopsSent(n int) func(*rig, *observation) {
	return func(r *rig, o *observation) {
		got := 0
		for _, rec := range r.srv.Requests() {
			if isStop(rec) {
				got++
			}
		}
		o.note("stops sent: %d", got)
		if got != n {
			o.fail("%d stop request(s) sent, want %d", got, n)
		}
	}
}

// nothingChanged checks from the record that every request of the runner was a read.
func nothingChanged(r *rig, o *observation) {
	var changed []string
	for _, rec := range r.srv.Requests() {
		if rec.Method != "GET" && rec.Path != "/v3/auth/tokens" {
			changed = append(changed, rec.Method+" "+rec.Path)
		}
	}
	o.note("%d request(s), all reads", len(r.srv.Requests()))
	if len(changed) > 0 {
		o.fail("requests that change something: %v", changed)
	}
}

// signalOnForeignRun returns a during step that sends sig once another pipeline's run has
// started on the task.
func signalOnForeignRun(sig syscall.Signal) func(context.Context, *rig, *proc) {
	return func(ctx context.Context, r *rig, p *proc) {
		if until(ctx, func() bool { return foreignRun(r) != nil }) {
			p.signal(sig)
		}
	}
}

// foreignRun returns the other pipeline's run of the task, nil when there is none.
func foreignRun(r *rig) *sim.RunInfo {
	for _, ri := range r.srv.Runs(r.task) {
		if ri.Foreign {
			return &ri
		}
	}
	return nil
}

// foreignRunUntouched checks that the other pipeline's run goes on, never asked to stop.
func foreignRunUntouched(r *rig, o *observation) {
	f := foreignRun(r)
	switch {
	case f == nil:
		o.fail("the other pipeline's run never started")
	case f.StopRequested || f.Status != sim.StatusRunning && f.Status != sim.StatusWaiting:
		o.fail("the other pipeline's run %d was disturbed: %+v", f.ID, *f)
	default:
		o.note("foreign run %d untouched (exit %s)", f.ID, o.exit)
	}
}

// twoRunnersScenario is two runners on two tasks of one suite, both setting the same global
// variables (run tags set): the first starts, sets its values and starts its run; the second
// starts once the first's run is going, so the first ends first — the order that left the
// second's "original" (the first's temporary value) in place. Both must end with the originals
// back and no bookkeeping variable left.
func twoRunnersScenario() scenario {
	originals := map[string]string{"apiVersion": "v1", "baseHost": "shop.example.com"}
	var mu sync.Mutex
	var second observation // the second runner's outcome, for check
	return scenario{
		id: "two-runners-variables", name: "two runners on two tasks of one suite set the same global variables",
		opt: sim.Options{Scale: 30},
		env: []string{"CODEARTS_VARIABLES=apiVersion=v2-a\nbaseHost=a.example.com", "CODEARTS_RUN_TAG=gh-1-gate"},
		before: func(_ context.Context, r *rig) error {
			r.srv.AddTask(sim.DemoSuiteID, "ci-gate-2", []int{sim.DemoCaseBrowse, sim.DemoCaseCheckout})
			return nil
		},
		during: func(ctx context.Context, r *rig, p *proc) {
			if !until(ctx, func() bool { return strings.Contains(p.stdout.String(), "started run") }) {
				return
			}
			dir := filepath.Join(r.dir, "second")
			env := r.settings(authAKSK, []string{"CODEARTS_TASK=ci-gate-2", "CODEARTS_RUN_TAG=gh-2-gate",
				"CODEARTS_VARIABLES=apiVersion=v2-b\nbaseHost=b.example.com",
				"CODEARTS_JUNIT_FILE=" + filepath.Join(dir, "junit.xml"), "CODEARTS_RESULT_FILE=" + filepath.Join(dir, "result.json"),
				"CODEARTS_HTML_REPORT=" + filepath.Join(dir, "report.html"), "CODEARTS_DOTENV_FILE=" + filepath.Join(dir, "out.env"),
				"GITHUB_STEP_SUMMARY=" + filepath.Join(dir, "summary.md"), "GITHUB_OUTPUT=" + filepath.Join(dir, "github-output.txt")})
			// Its own deadline: it outlives the first runner, whose end cancels ctx.
			bctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			b := &proc{cmd: exec.CommandContext(bctx, p.cmd.Path, "perftest")}
			b.cmd.Env = env
			b.cmd.Stdout, b.cmd.Stderr = &b.stdout, &b.stderr
			var o observation
			if err := b.cmd.Run(); err != nil && b.cmd.ProcessState == nil {
				o.exit = "not started: " + err.Error()
			} else {
				o.exit = exitString(b.cmd.ProcessState)
			}
			o.stdout, o.stderr = b.stdout.String(), b.stderr.String()
			mu.Lock()
			second = o
			mu.Unlock()
		},
		want: []string{"0"},
		check: func(r *rig, o *observation) {
			mu.Lock()
			b := second
			second = observation{}
			mu.Unlock()
			if b.exit != "0" {
				o.fail("second runner: exit %q\n%s%s", b.exit, b.stdout, b.stderr)
			}
			got := r.srv.Variables(sim.DemoSuiteID)
			for name, want := range originals {
				if got[name] != want {
					o.fail("%s = %q after both runners, want the original %q", name, got[name], want)
				}
			}
			for name := range got {
				if strings.HasPrefix(name, "codearts_runner_") {
					o.fail("variable %s left behind", name)
				}
			}
			if strings.Contains(o.stdout+b.stdout, "changed by someone else") {
				o.note("the first runner left the second's value (changed since it set its own)")
			}
			o.note("originals back, no codearts_runner_* variable left")
		},
	}
}
