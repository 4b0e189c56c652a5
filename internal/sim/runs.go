package sim

import (
	"time"
)

// Run and case statuses (run_status / temp_running_status), as documented
// in 4.2.2.
const (
	// StatusRunning (0): running.
	StatusRunning = 0
	// StatusPaused (1): paused.
	StatusPaused = 1
	// StatusFinished (2): finished normally.
	StatusFinished = 2
	// StatusAborted (3): aborted abnormally.
	StatusAborted = 3
	// StatusStopped (4): stopped by the user (a final state).
	StatusStopped = 4
	// StatusStopping (5): stop requested, still stopping.
	StatusStopping = 5
	// StatusWaiting (9): waiting to run (resources being allocated).
	StatusWaiting = 9
)

// finalStatus reports whether a run status is terminal.
func finalStatus(st int) bool {
	return st == StatusFinished || st == StatusAborted || st == StatusStopped
}

// caseRun is one case's part of a run; its profile is a snapshot taken at
// the start.
type caseRun struct {
	id      int // case run id (related_temp_running_id, case_uri_i)
	caseID  int
	name    string
	profile Profile
	offset  time.Duration // active run time at which the case starts
	length  time.Duration // the case's stage plan
	reqs    []reqModel
}

// run is one execution of a task. Its state is a pure function of the
// simulated time, so nothing needs a goroutine.
type run struct {
	id       int
	taskID   int
	suiteID  int
	taskName string
	parallel bool
	cases    []*caseRun
	start    time.Time     // simulated
	wait     time.Duration // status 9 before running
	planLen  time.Duration // active time until the natural end
	abortAt  time.Duration // active time of an abnormal abort; < 0: none
	pauseAt  time.Duration // active time of a pause (FaultPause)
	pauseLen time.Duration // 0: no pause
	stopAt   time.Time     // simulated time of a stop request; zero: none
	stopLen  time.Duration // status 5 duration after stopAt
	seeded   bool          // part of the seeded workspace, not started through the API
	apiStop  bool          // a stop request of the client reached the run
	// foreignAt is when another pipeline starts the task again (FaultForeignRun); zero: never
	// (or done).
	foreignAt   time.Time
	foreign     bool // started by another pipeline, not through the API
	implausible bool // reports carry impossible figures (FaultImplausible)
}

// endActive is the active time at which the run ends by itself.
func (r *run) endActive() time.Duration {
	if r.abortAt >= 0 && r.abortAt < r.planLen {
		return r.abortAt
	}
	return r.planLen
}

func (r *run) runStart() time.Time { return r.start.Add(r.wait) }

// naturalEnd is when the run ends without a stop.
func (r *run) naturalEnd() time.Time {
	end := r.runStart().Add(r.endActive())
	if r.pauseLen > 0 && r.pauseAt < r.endActive() {
		end = end.Add(r.pauseLen)
	}
	return end
}

// activeAt is the running time accumulated at t (pauses excluded).
func (r *run) activeAt(t time.Time) time.Duration {
	d := t.Sub(r.runStart())
	if d <= 0 {
		return 0
	}
	if r.pauseLen > 0 && d > r.pauseAt {
		if d < r.pauseAt+r.pauseLen {
			d = r.pauseAt
		} else {
			d -= r.pauseLen
		}
	}
	return min(d, r.endActive())
}

// stopped reports whether a stop request came before the natural end.
func (r *run) stopped() bool {
	return !r.stopAt.IsZero() && r.stopAt.Before(r.naturalEnd())
}

// state returns the run status at t and the active time reached.
func (r *run) state(t time.Time) (status int, active time.Duration) {
	if r.stopped() && !t.Before(r.stopAt) {
		a := r.activeAt(r.stopAt)
		if t.Before(r.stopAt.Add(r.stopLen)) {
			return StatusStopping, a
		}
		return StatusStopped, a
	}
	if t.Before(r.runStart()) {
		return StatusWaiting, 0
	}
	if !t.Before(r.naturalEnd()) {
		if r.endActive() < r.planLen {
			return StatusAborted, r.endActive()
		}
		return StatusFinished, r.planLen
	}
	a := r.activeAt(t)
	if r.pauseLen > 0 {
		d := t.Sub(r.runStart())
		if d >= r.pauseAt && d < r.pauseAt+r.pauseLen {
			return StatusPaused, a
		}
	}
	return StatusRunning, a
}

// endedAt is when the run reached its final status (zero if not yet).
func (r *run) endedAt(t time.Time) time.Time {
	st, _ := r.state(t)
	if !finalStatus(st) {
		return time.Time{}
	}
	if r.stopped() {
		return r.stopAt.Add(r.stopLen)
	}
	return r.naturalEnd()
}

// caseState returns a case's status at t and how long the case itself has
// been running.
func (r *run) caseState(c *caseRun, t time.Time) (status int, own time.Duration) {
	st, a := r.state(t)
	own = min(max(a-c.offset, 0), c.length)
	done := a >= c.offset+c.length
	switch st {
	case StatusWaiting:
		return StatusWaiting, 0
	case StatusFinished:
		return StatusFinished, own
	case StatusRunning, StatusPaused:
		if done {
			return StatusFinished, own
		}
		if a < c.offset {
			return StatusWaiting, own
		}
		return st, own
	default: // aborted, stopping, stopped: cases that had finished stay finished
		if done {
			return StatusFinished, own
		}
		return st, own
	}
}

// caseTimes returns when a case started running and (if over) ended, in
// simulated time.
func (r *run) caseTimes(c *caseRun, t time.Time) (start, end time.Time) {
	start = r.timeAtActive(c.offset)
	st, own := r.caseState(c, t)
	if finalStatus(st) {
		end = r.timeAtActive(c.offset + own)
		if st == StatusStopped {
			end = r.stopAt.Add(r.stopLen)
		}
	}
	return start, end
}

// timeAtActive maps an active time back to simulated time.
func (r *run) timeAtActive(a time.Duration) time.Time {
	t := r.runStart().Add(a)
	if r.pauseLen > 0 && a > r.pauseAt {
		t = t.Add(r.pauseLen)
	}
	return t
}

// newRunLocked creates a run of t starting at the simulated time start.
// pause and slow-stop options come from faults; nil: none.
func (s *Server) newRunLocked(t *task, start time.Time, pause *Fault) *run {
	s.runSeq++
	r := &run{
		id: s.runSeq, taskID: t.id, suiteID: t.suiteID, taskName: t.name,
		parallel: t.parallel, start: start, wait: max(s.opt.Waiting, 0), abortAt: -1,
	}
	var offset time.Duration
	for _, cid := range t.caseIDs {
		c := s.ws.cases[cid]
		if c == nil {
			continue
		}
		s.caseRunN++
		cr := &caseRun{id: s.caseRunN, caseID: c.id, name: c.name, profile: c.profile, length: c.profile.planLen()}
		if !r.parallel {
			cr.offset = offset
			offset += cr.length
		}
		cr.reqs = newReqModels(s.opt.Seed, r.id, cr)
		r.cases = append(r.cases, cr)
		r.planLen = max(r.planLen, cr.offset+cr.length)
		if c.profile.Abort {
			at := cr.offset + cr.length/2
			if r.abortAt < 0 || at < r.abortAt {
				r.abortAt = at
			}
		}
	}
	if pause != nil {
		r.pauseAt = r.endActive() / 2
		r.pauseLen = s.simDur(pause.Delay)
		if pause.Delay <= 0 {
			r.pauseLen = 30 * time.Second
		}
	}
	t.runs = append(t.runs, r)
	if s.runs == nil {
		s.runs = map[int]*run{}
	}
	s.runs[r.id] = r
	return r
}

// foreignLocked lets another pipeline start t once the run it stopped has
// ended (FaultForeignRun): the new run starts at the moment that run ended.
func (s *Server) foreignLocked(t *task, now time.Time) {
	if len(t.runs) == 0 {
		return
	}
	r := t.runs[len(t.runs)-1]
	if r.foreignAt.IsZero() || now.Before(r.foreignAt) {
		return
	}
	at := r.foreignAt
	r.foreignAt = time.Time{}
	if st, _ := r.state(at); finalStatus(st) {
		s.newRunLocked(t, at, nil).foreign = true
	}
}

// activeRun returns the task's last run if it has not ended at now.
func activeRun(t *task, now time.Time) *run {
	if len(t.runs) == 0 {
		return nil
	}
	r := t.runs[len(t.runs)-1]
	if st, _ := r.state(now); finalStatus(st) {
		return nil
	}
	return r
}

// visibleRunLocked is the run ShowTask describes at now: during the stale
// window after a start it is still the previous run (nil if none).
func (s *Server) visibleRunLocked(t *task, now time.Time) *run {
	n := len(t.runs)
	if n == 0 {
		return nil
	}
	cur := t.runs[n-1]
	if s.opt.StaleWindow > 0 && !cur.seeded && now.Sub(cur.start) < s.opt.StaleWindow {
		if n >= 2 {
			return t.runs[n-2]
		}
		return nil
	}
	return cur
}

// RunInfo describes one run of a task (simulated times).
type RunInfo struct {
	// ID is the task run id (task_run_id, task_run_info_id, run_id).
	ID int
	// TaskID is the task the run belongs to.
	TaskID int
	// Status is the run status now (see the Status* constants).
	Status int
	// StartedAt is when the start request was accepted.
	StartedAt time.Time
	// EndedAt is when the run reached its final status; zero while it has not.
	EndedAt time.Time
	// StopRequested reports that a stop request of the client reached the run.
	StopRequested bool
	// Foreign reports a run another pipeline started (FaultForeignRun), not
	// the client.
	Foreign bool
	// Stopped reports that the run ended because of a stop (status 4 or 5),
	// the client's or someone else's (FaultExternalStop, FaultForeignRun).
	Stopped bool
	// Seeded reports a run of the seeded workspace (not started through the API).
	Seeded bool
	// CaseRunIDs are the run's case run ids, in task case order.
	CaseRunIDs []int
}

// Runs returns a task's runs, oldest first.
func (s *Server) Runs(taskID int) []RunInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.ws.tasks[taskID]
	if t == nil {
		return nil
	}
	now := s.SimNow()
	s.foreignLocked(t, now)
	out := make([]RunInfo, 0, len(t.runs))
	for _, r := range t.runs {
		st, _ := r.state(now)
		ri := RunInfo{ID: r.id, TaskID: r.taskID, Status: st, StartedAt: r.start, EndedAt: r.endedAt(now),
			StopRequested: r.apiStop, Stopped: r.stopped() && !now.Before(r.stopAt), Seeded: r.seeded, Foreign: r.foreign}
		for _, c := range r.cases {
			ri.CaseRunIDs = append(ri.CaseRunIDs, c.id)
		}
		out = append(out, ri)
	}
	return out
}

// StartCount returns how many runs of a task were started through the API
// (seeded and foreign runs do not count).
func (s *Server) StartCount(taskID int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.ws.tasks[taskID]
	if t == nil {
		return 0
	}
	n := 0
	for _, r := range t.runs {
		if !r.seeded && !r.foreign {
			n++
		}
	}
	return n
}
