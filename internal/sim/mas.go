package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MAS-HUB (seed 004 §4.1.1): the workflow API under /octopus-jobmanager/v1
// — list, start, show-status, stop, execution history, step logs, and the
// manual checkpoint calls notify, manual-retry and manual-skip. The document
// fixes the envelope {result, status, error{code, reason}} with HTTP 200 and
// error code MAS.00014000 ("Request error.", §5.2); it documents no `result`
// of these calls and no status values. The simulator's answers are therefore
// one possible reading, switchable through Options.MAS (MASOptions) so that
// tests can prove the client relies on none of them: the status strings
// (MASStatuses) and the shape of `result` (MASShape).
//
// Business errors (unknown workflow or job, a task that is not waiting, a
// missing required body parameter) answer HTTP 200 with status "error" and
// error {code: MAS.00014000, reason}, as the document's envelope allows.

// Demo workflows of the MAS simulator.
const (
	// DemoWorkflowName is the switchover drill that succeeds (three steps).
	DemoWorkflowName = "switchover-drill"
	// DemoWorkflowID is DemoWorkflowName's id.
	DemoWorkflowID = "7f89269373dd4521b1daaea77b4e8a37"
	// DemoFailingWorkflowName is the failover drill whose second step fails.
	DemoFailingWorkflowName = "failover-drill-db"
	// DemoFailingWorkflowID is DemoFailingWorkflowName's id.
	DemoFailingWorkflowID = "2c1e5b7a9d3f4e6a8b0c2d4e6f8a1b3c"
	// DemoCheckpointWorkflowName is the switchback drill whose second step is a
	// manual checkpoint: it waits until the task is skipped or retried.
	DemoCheckpointWorkflowName = "switchback-with-approval"
	// DemoCheckpointWorkflowID is DemoCheckpointWorkflowName's id.
	DemoCheckpointWorkflowID = "5e3a1c9b7d2f4a6e8c0b1d3f5a7e9c2b"
	// DemoCheckpointTaskID is the task id of the manual checkpoint step.
	DemoCheckpointTaskID = "b7d2f4a6e8c05e3a"
)

// masCodeRequest is the one error code of the document (§5.2).
const masCodeRequest = "MAS.00014000"

// MASShape selects the shape of the simulator's `result` objects.
type MASShape int

// Shapes of MAS answers.
const (
	// MASSnake: objects with snake_case keys — list {total, data[{id, name}]},
	// start {job_name}, status {job_name, status, steps[{state_id, task_id,
	// name, type, status}]}, history {total, data[{job_name, workflow_id,
	// status, start_time}]}, log {content}.
	MASSnake MASShape = iota
	// MASCamel: bare arrays and camelCase keys — list [{workflowId,
	// workflowName}], start {jobName}, status {jobName, state, tasks[{taskId,
	// taskName, taskType, state}]} (no state id: the log path takes the task
	// id), history [{jobName, workflowId, state, startTime}], log
	// [{level, message}].
	MASCamel
	// MASBare: bare text where the answer is one value — start: the job name,
	// status: the status string (no steps), log: the text; lists as MASSnake.
	MASBare
)

// MASStatuses are the status strings the simulator answers for each state
// of an execution or a step. Empty fields take the defaults in brackets.
type MASStatuses struct {
	Pending   string // step not reached [PENDING]
	Running   string // [RUNNING]
	Succeeded string // [SUCCESS]
	Failed    string // [FAILED]
	Waiting   string // a manual checkpoint waits for a person [WAITING_MANUAL]
	Skipped   string // [SKIPPED]
	Stopped   string // [STOPPED]
}

// MASOptions switch what the MAS answers look like.
type MASOptions struct {
	Statuses MASStatuses
	Shape    MASShape
}

// masState indexes the states of a step or an execution.
type masState int

const (
	masPending masState = iota
	masRunning
	masSucceeded
	masFailed
	masWaiting
	masSkipped
	masStopped
)

func (o MASStatuses) text(st masState) string {
	pick := func(v, def string) string {
		if v != "" {
			return v
		}
		return def
	}
	switch st {
	case masRunning:
		return pick(o.Running, "RUNNING")
	case masSucceeded:
		return pick(o.Succeeded, "SUCCESS")
	case masFailed:
		return pick(o.Failed, "FAILED")
	case masWaiting:
		return pick(o.Waiting, "WAITING_MANUAL")
	case masSkipped:
		return pick(o.Skipped, "SKIPPED")
	case masStopped:
		return pick(o.Stopped, "STOPPED")
	}
	return pick(o.Pending, "PENDING")
}

// masStepDef is one step of a demo workflow.
type masStepDef struct {
	id, name, kind string
	dur            time.Duration // simulated
	fails          bool
	manual         bool
	log            []string
}

type masWorkflow struct {
	id, name string
	steps    []masStepDef
}

type masStep struct {
	state   masState
	retried bool
}

type masJob struct {
	name      string
	wf        *masWorkflow
	started   time.Time
	state     masState
	cursor    int
	stepStart time.Time
	steps     []masStep
	ended     time.Time
	stopAsked bool
	skipped   []string
	retried   []string
	notified  []string
}

type masData struct {
	workflows []*masWorkflow
	jobs      []*masJob
	seq       int
}

func newMASData() *masData {
	failLog := []string{"[INFO] failover-database: checking the replication of db-site-a → db-site-b"}
	for i := 1; i <= 300; i++ {
		failLog = append(failLog, fmt.Sprintf("[INFO] replication lag probe %d: 312 s behind (limit 30 s), waiting", i))
	}
	failLog = append(failLog, "[ERROR] failover-database: replication lag 312 s exceeds the limit of 30 s; failover refused")
	return &masData{workflows: []*masWorkflow{
		{id: DemoWorkflowID, name: DemoWorkflowName, steps: []masStepDef{
			{id: "a1c3e5f7b9d24680", name: "pre-check", kind: "script", dur: 20 * time.Second, log: []string{"[INFO] pre-check: both sites healthy"}},
			{id: "b2d4f6a8c0e13579", name: "switch traffic to site B", kind: "dns", dur: 40 * time.Second, log: []string{"[INFO] switching the private zone records to site B", "[INFO] done"}},
			{id: "c3e5a7b9d1f02468", name: "verify", kind: "cpts", dur: 20 * time.Second, log: []string{"[INFO] verify: 0 errors"}},
		}},
		{id: DemoFailingWorkflowID, name: DemoFailingWorkflowName, steps: []masStepDef{
			{id: "d4f6b8c0e2a13579", name: "pre-check", kind: "script", dur: 20 * time.Second, log: []string{"[INFO] pre-check: both sites healthy"}},
			{id: "e5a7c9d1f3b24680", name: "failover database", kind: "rds", dur: 30 * time.Second, fails: true, log: failLog},
			{id: "f6b8d0e2a4c35791", name: "verify", kind: "cpts", dur: 20 * time.Second, log: []string{"[INFO] verify"}},
		}},
		{id: DemoCheckpointWorkflowID, name: DemoCheckpointWorkflowName, steps: []masStepDef{
			{id: "a7c9e1b3d5f64820", name: "pre-check", kind: "script", dur: 20 * time.Second, log: []string{"[INFO] pre-check: both sites healthy"}},
			{id: DemoCheckpointTaskID, name: "approve switchback", kind: "manual", manual: true, dur: 10 * time.Second, log: []string{"[INFO] waiting for an approver"}},
			{id: "c9e1a3b5d7f86042", name: "switch back to site A", kind: "dns", dur: 30 * time.Second, log: []string{"[INFO] switched back"}},
		}},
	}}
}

// advance moves a job along its steps up to now (simulated time).
func (j *masJob) advance(now time.Time) {
	for j.state == masRunning && j.cursor < len(j.steps) {
		def, st := j.wf.steps[j.cursor], &j.steps[j.cursor]
		if def.manual && !st.retried {
			st.state, j.state = masWaiting, masWaiting
			return
		}
		end := j.stepStart.Add(def.dur)
		if now.Before(end) {
			st.state = masRunning
			return
		}
		if def.fails {
			st.state, j.state, j.ended = masFailed, masFailed, end
			return
		}
		st.state = masSucceeded
		j.cursor++
		j.stepStart = end
	}
	if j.state == masRunning && j.cursor >= len(j.steps) {
		j.state, j.ended = masSucceeded, j.stepStart
	}
}

func (s *Server) masLocked() *masData {
	if s.mas == nil {
		s.mas = newMASData()
	}
	return s.mas
}

// masEnvelope is the documented answer.
type masEnvelope struct {
	Result any       `json:"result"`
	Status string    `json:"status"`
	Error  *masError `json:"error"`
}

type masError struct {
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

func masOK(result any) masEnvelope { return masEnvelope{Result: result, Status: "success"} }

func masFail(format string, a ...any) masEnvelope {
	return masEnvelope{Status: "error", Error: &masError{Code: masCodeRequest, Reason: "Request error. " + fmt.Sprintf(format, a...)}}
}

// routeMAS serves /octopus-jobmanager/v1/...; it reports whether the path
// was one of its.
func (s *Server) routeMAS(w http.ResponseWriter, r *http.Request, body []byte, reqID string) bool {
	rest, ok := strings.CutPrefix(r.URL.Path, "/octopus-jobmanager/v1/")
	if !ok {
		return false
	}
	if err := s.authenticate(r, body, DemoProjectID); err != nil {
		writeGatewayError(w, err.status, err.code, err.msg, reqID)
		return true
	}
	segs := strings.Split(strings.Trim(rest, "/"), "/")
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.masLocked()
	now := s.SimNow()
	for _, j := range d.jobs {
		j.advance(now)
	}
	var ans masEnvelope
	switch {
	case r.Method == http.MethodPost && len(segs) == 2 && segs[0] == "workflow" && segs[1] == "list":
		ans = s.masList(d, body)
	case r.Method == http.MethodPost && len(segs) == 3 && segs[0] == "workflow" && segs[2] == "start":
		ans = s.masStart(d, segs[1], body, now)
	case r.Method == http.MethodGet && len(segs) == 4 && segs[0] == "workflows" && segs[2] == "jobs" && segs[3] == "show-status":
		ans = s.masStatus(d, segs[1], q.Get("job_name"))
	case r.Method == http.MethodPut && len(segs) == 3 && segs[0] == "workflow" && segs[2] == "stop":
		ans = s.masStop(d, segs[1], now)
	case r.Method == http.MethodPost && len(segs) == 2 && segs[0] == "workflows" && segs[1] == "jobs":
		ans = s.masHistory(d, q, body)
	case r.Method == http.MethodGet && len(segs) == 4 && segs[0] == "jobs" && segs[3] == "log":
		ans = s.masLog(d, segs[1], segs[2])
	case r.Method == http.MethodPost && len(segs) == 3 && segs[0] == "tasks" && segs[2] == "notify":
		ans = s.masNotify(d, segs[1], body)
	case r.Method == http.MethodPut && len(segs) == 3 && segs[0] == "job" && (segs[2] == "manual-retry" || segs[2] == "manual-skip"):
		ans = s.masManual(d, segs[1], segs[2] == "manual-skip", q, now)
	default:
		writeGatewayError(w, http.StatusNotFound, "APIGW.0101",
			"The API does not exist or has not been published in the environment", reqID)
		return true
	}
	writeJSON(w, http.StatusOK, ans)
	return true
}

// masBody decodes a JSON object body and reports whether key is present.
func masBody(body []byte, key string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return false
	}
	_, ok := m[key]
	return ok
}

func (s *Server) masList(d *masData, body []byte) masEnvelope {
	if !masBody(body, "workflowQuery") {
		return masFail("workflowQuery is required")
	}
	var items []any
	for _, wf := range d.workflows {
		if s.opt.MAS.Shape == MASCamel {
			items = append(items, map[string]any{"workflowId": wf.id, "workflowName": wf.name, "stepCount": len(wf.steps)})
		} else {
			items = append(items, map[string]any{"id": wf.id, "name": wf.name, "description": "demo drill", "step_count": len(wf.steps)})
		}
	}
	if s.opt.MAS.Shape == MASCamel {
		return masOK(items)
	}
	return masOK(map[string]any{"total": len(items), "data": items})
}

func (d *masData) workflow(id string) *masWorkflow {
	for _, wf := range d.workflows {
		if wf.id == id {
			return wf
		}
	}
	return nil
}

func (d *masData) job(name string) *masJob {
	for _, j := range d.jobs {
		if j.name == name {
			return j
		}
	}
	return nil
}

func (s *Server) masStart(d *masData, id string, body []byte, now time.Time) masEnvelope {
	wf := d.workflow(id)
	if wf == nil {
		return masFail("workflow %s does not exist", id)
	}
	if !masBody(body, "workflowExecuteRequest") {
		return masFail("workflowExecuteRequest is required")
	}
	d.seq++
	j := &masJob{name: fmt.Sprintf("%s-%s-%04d", wf.name, now.UTC().Format("20060102150405"), d.seq), wf: wf,
		started: now, state: masRunning, stepStart: now, steps: make([]masStep, len(wf.steps))}
	j.advance(now)
	d.jobs = append(d.jobs, j)
	switch s.opt.MAS.Shape {
	case MASCamel:
		return masOK(map[string]any{"jobName": j.name, "workflowId": wf.id})
	case MASBare:
		return masOK(j.name)
	}
	return masOK(map[string]any{"job_name": j.name, "workflow_id": wf.id})
}

func (s *Server) masStatus(d *masData, id, name string) masEnvelope {
	if name == "" {
		return masFail("job_name is required")
	}
	j := d.job(name)
	if j == nil || j.wf.id != id {
		return masFail("job %s of workflow %s does not exist", name, id)
	}
	st := s.opt.MAS.Statuses
	switch s.opt.MAS.Shape {
	case MASBare:
		return masOK(st.text(j.state))
	case MASCamel:
		var tasks []any
		for i, def := range j.wf.steps {
			tasks = append(tasks, map[string]any{"taskId": def.id, "taskName": def.name, "taskType": def.kind, "state": st.text(j.steps[i].state)})
		}
		return masOK(map[string]any{"jobName": j.name, "state": st.text(j.state), "tasks": tasks})
	}
	var steps []any
	for i, def := range j.wf.steps {
		steps = append(steps, map[string]any{"state_id": def.id, "task_id": def.id, "name": def.name, "type": def.kind, "status": st.text(j.steps[i].state)})
	}
	return masOK(map[string]any{"job_name": j.name, "workflow_id": j.wf.id, "status": st.text(j.state),
		"start_time": j.started.UTC().Format(time.RFC3339), "steps": steps})
}

func (s *Server) masStop(d *masData, name string, now time.Time) masEnvelope {
	j := d.job(name)
	if j == nil {
		return masFail("job %s does not exist", name)
	}
	j.stopAsked = true
	if j.state == masRunning || j.state == masWaiting {
		if j.cursor < len(j.steps) {
			j.steps[j.cursor].state = masStopped
		}
		j.state, j.ended = masStopped, now
	}
	return masOK(nil)
}

func (s *Server) masHistory(d *masData, q map[string][]string, body []byte) masEnvelope {
	if len(bytes.TrimSpace(body)) > 0 {
		var filters []map[string]any
		if json.Unmarshal(body, &filters) != nil {
			return masFail("the body is not an array of FilterProperty")
		}
	}
	page, size := 1, 10
	if v := first(q["page_no"]); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return masFail("page_no %q is invalid", v)
		}
		page = n
	}
	if v := first(q["page_size"]); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return masFail("page_size %q is invalid", v)
		}
		size = n
	}
	jobs := slices.Clone(d.jobs)
	slices.Reverse(jobs) // newest first
	from := min((page-1)*size, len(jobs))
	to := min(from+size, len(jobs))
	st := s.opt.MAS.Statuses
	var items []any
	for _, j := range jobs[from:to] {
		if s.opt.MAS.Shape == MASCamel {
			items = append(items, map[string]any{"jobName": j.name, "workflowId": j.wf.id, "state": st.text(j.state), "startTime": j.started.UnixMilli()})
		} else {
			items = append(items, map[string]any{"job_name": j.name, "workflow_id": j.wf.id, "workflow_name": j.wf.name,
				"status": st.text(j.state), "start_time": j.started.UTC().Format(time.RFC3339)})
		}
	}
	if s.opt.MAS.Shape == MASCamel {
		return masOK(items)
	}
	return masOK(map[string]any{"total": len(jobs), "page_no": page, "page_size": size, "data": items})
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

func (s *Server) masLog(d *masData, name, stateID string) masEnvelope {
	j := d.job(name)
	if j == nil {
		return masFail("job %s does not exist", name)
	}
	i := slices.IndexFunc(j.wf.steps, func(def masStepDef) bool { return def.id == stateID })
	if i < 0 {
		return masFail("state %s of job %s does not exist", stateID, name)
	}
	var lines []string
	if j.steps[i].state != masPending {
		lines = j.wf.steps[i].log
	}
	switch s.opt.MAS.Shape {
	case MASCamel:
		items := []any{}
		for _, l := range lines {
			level, msg, _ := strings.Cut(strings.TrimPrefix(l, "["), "] ")
			items = append(items, map[string]any{"level": level, "message": msg})
		}
		return masOK(items)
	case MASBare:
		return masOK(strings.Join(lines, "\n"))
	}
	return masOK(map[string]any{"content": strings.Join(lines, "\n"), "end_offset": strconv.Itoa(len(lines))})
}

func (s *Server) masNotify(d *masData, taskID string, body []byte) masEnvelope {
	for _, j := range d.jobs {
		if slices.ContainsFunc(j.wf.steps, func(def masStepDef) bool { return def.id == taskID }) {
			var req struct {
				Request string `json:"request"`
			}
			_ = json.Unmarshal(body, &req)
			j.notified = append(j.notified, req.Request)
			return masOK(nil)
		}
	}
	return masFail("task %s does not exist", taskID)
}

// masManual retries or skips the task a job waits at (a retried manual
// checkpoint runs and passes; a retried failed step runs and fails again).
func (s *Server) masManual(d *masData, name string, skip bool, q map[string][]string, now time.Time) masEnvelope {
	j := d.job(name)
	if j == nil {
		return masFail("job %s does not exist", name)
	}
	taskID := first(q["task_id"])
	if skip && taskID == "" {
		return masFail("task_id is required")
	}
	if (j.state != masWaiting && j.state != masFailed) || j.cursor >= len(j.steps) {
		return masFail("job %s is not waiting at a task", name)
	}
	if taskID != "" && j.wf.steps[j.cursor].id != taskID {
		return masFail("task %s of job %s is not waiting", taskID, name)
	}
	st := &j.steps[j.cursor]
	if skip {
		st.state = masSkipped
		j.skipped = append(j.skipped, j.wf.steps[j.cursor].id)
		j.cursor++
	} else {
		st.retried = true
		j.retried = append(j.retried, j.wf.steps[j.cursor].id)
	}
	j.state, j.stepStart, j.ended = masRunning, now, time.Time{}
	j.advance(now)
	return masOK(nil)
}

// WorkflowJob describes one execution of a MAS workflow, for tests.
type WorkflowJob struct {
	Name          string
	WorkflowID    string
	State         string // the execution's state: pending, running, succeeded, failed, waiting, skipped or stopped
	StopRequested bool
	Skipped       []string // task ids skipped
	Retried       []string // task ids retried
	Notified      []string // review opinions sent
}

var masStateNames = []string{"pending", "running", "succeeded", "failed", "waiting", "skipped", "stopped"}

// WorkflowJobs returns the executions of workflow id (every workflow when id
// is empty), oldest first.
func (s *Server) WorkflowJobs(id string) []WorkflowJob {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.masLocked()
	now := s.SimNow()
	var out []WorkflowJob
	for _, j := range d.jobs {
		if id != "" && j.wf.id != id {
			continue
		}
		j.advance(now)
		out = append(out, WorkflowJob{Name: j.name, WorkflowID: j.wf.id, State: masStateNames[j.state], StopRequested: j.stopAsked,
			Skipped: slices.Clone(j.skipped), Retried: slices.Clone(j.retried), Notified: slices.Clone(j.notified)})
	}
	return out
}
