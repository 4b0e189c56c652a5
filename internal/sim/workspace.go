package sim

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Profile describes how a case behaves when it runs; reports follow it
// deterministically (see Options.Seed).
type Profile struct {
	// Stages is the pressure plan; the case runs for the sum of the stage
	// durations. Empty: one 60 s stage of 10 users.
	Stages []Stage
	// AvgRT is the mean response time in milliseconds; default 100.
	AvgRT float64
	// TPS is the case's throughput (requests per second over all its
	// requests) at the plan's highest concurrency; it scales with the
	// current number of users. 0: concurrency × 1000 / AvgRT.
	TPS float64
	// ErrorRate is the percentage (0–100) of failed requests.
	ErrorRate float64
	// Requests are the names of the case's requests (AWs), e.g. "GET /cart";
	// a leading HTTP method sets the request's method. Empty: ["GET /"].
	Requests []string
	// Abort makes the run abort abnormally (status 3) halfway through this
	// case's plan.
	Abort bool
	// NoData makes the case send no requests at all (zero counts, null
	// averages).
	NoData bool
	// RTSpread is the log-normal shape (sigma) of response times; larger
	// values spread percentiles further from the mean. 0: 0.35.
	RTSpread float64

	reqs []reqSpec // requests set through UpdateCase (definition.go); overrides Requests
}

// Stage is one pressure stage of a Profile.
type Stage struct {
	// Duration is the stage length in simulated time (ramp-up included).
	Duration time.Duration
	// Concurrency is the number of virtual users at the end of the ramp-up.
	Concurrency int
	// RampUp is the simulated time to climb linearly from the previous
	// stage's users to Concurrency.
	RampUp time.Duration
}

// normalized returns p with defaults filled in.
func (p Profile) normalized() Profile {
	var st []Stage
	for _, s := range p.Stages {
		if s.Duration <= 0 {
			continue
		}
		s.Concurrency = max(s.Concurrency, 1)
		s.RampUp = min(max(s.RampUp, 0), s.Duration)
		st = append(st, s)
	}
	if len(st) == 0 {
		st = []Stage{{Duration: time.Minute, Concurrency: 10}}
	}
	p.Stages = st
	if p.AvgRT <= 0 {
		p.AvgRT = 100
	}
	if p.TPS <= 0 {
		p.TPS = float64(p.maxUsers()) * 1000 / p.AvgRT
	}
	p.ErrorRate = min(max(p.ErrorRate, 0), 100)
	if len(p.Requests) == 0 {
		p.Requests = []string{"GET /"}
	} else {
		p.Requests = slices.Clone(p.Requests)
	}
	if p.RTSpread <= 0 {
		p.RTSpread = 0.35
	}
	return p
}

// planLen is the sum of the stage durations.
func (p Profile) planLen() time.Duration {
	var d time.Duration
	for _, s := range p.Stages {
		d += s.Duration
	}
	return d
}

func (p Profile) maxUsers() int {
	m := 0
	for _, s := range p.Stages {
		m = max(m, s.Concurrency)
	}
	return m
}

type suite struct {
	id               int
	name             string
	description      string
	created, updated time.Time
}

type tcase struct {
	id               int
	suiteID          int
	name             string
	profile          Profile
	created, updated time.Time

	// defined: created through CreateCase; ShowTask shows contents and
	// stages as last set through UpdateCase (definition.go).
	defined  bool
	contents []contentsWire
	stages   []stageWire
}

type task struct {
	id               int
	suiteID          int
	name             string
	description      string
	caseIDs          []int
	parallel         bool
	bench            int
	created, updated time.Time
	runs             []*run // oldest first
}

type variable struct {
	id      int
	suiteID int
	name    string
	typ     int
	values  []any
	mode    int
	share   int
	quoted  bool
	// sensitive: is_sensitive (seen only in the ListVariables example); what a
	// sensitive variable's listing shows is not documented, so the simulator
	// plays the reading a client must survive: a masked value.
	sensitive bool
}

type workspace struct {
	suites   map[int]*suite
	cases    map[int]*tcase
	tasks    map[int]*task
	vars     map[int]*variable
	clusters map[int]string

	nextSuite, nextCase, nextTask, nextVar int
}

func newWorkspace() *workspace {
	return &workspace{
		suites:    map[int]*suite{},
		cases:     map[int]*tcase{},
		tasks:     map[int]*task{},
		vars:      map[int]*variable{},
		clusters:  map[int]string{DemoClusterID: "demo-private-group"},
		nextSuite: DemoSuiteID,
		nextCase:  DemoCaseBrowse,
		nextTask:  DemoTaskID,
		nextVar:   37615,
	}
}

// sortedIDs returns the keys of m in ascending order.
func sortedIDs[V any](m map[int]V) []int {
	return slices.Sorted(maps.Keys(m))
}

// AddSuite adds a test suite (a PerfTest "project") and returns its id.
func (s *Server) AddSuite(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.SimNow()
	id := s.ws.nextSuite
	s.ws.nextSuite++
	s.ws.suites[id] = &suite{id: id, name: name, created: now, updated: now}
	return id
}

// AddCase adds a case to a suite and returns its id. It panics if the suite
// does not exist.
func (s *Server) AddCase(suiteID int, name string, p Profile) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ws.suites[suiteID] == nil {
		panic(fmt.Sprintf("sim: AddCase: no suite %d", suiteID))
	}
	now := s.SimNow()
	id := s.ws.nextCase
	s.ws.nextCase++
	s.ws.cases[id] = &tcase{id: id, suiteID: suiteID, name: name, profile: p.normalized(), created: now, updated: now}
	return id
}

// AddTask adds a task with the given cases (run in parallel) to a suite and
// returns its id. It panics if the suite or a case does not exist.
func (s *Server) AddTask(suiteID int, name string, caseIDs []int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ws.suites[suiteID] == nil {
		panic(fmt.Sprintf("sim: AddTask: no suite %d", suiteID))
	}
	for _, c := range caseIDs {
		if tc := s.ws.cases[c]; tc == nil || tc.suiteID != suiteID {
			panic(fmt.Sprintf("sim: AddTask: no case %d in suite %d", c, suiteID))
		}
	}
	return s.addTaskLocked(suiteID, name, caseIDs, true)
}

func (s *Server) addTaskLocked(suiteID int, name string, caseIDs []int, parallel bool) int {
	now := s.SimNow()
	id := s.ws.nextTask
	s.ws.nextTask++
	s.ws.tasks[id] = &task{id: id, suiteID: suiteID, name: name, caseIDs: slices.Clone(caseIDs),
		parallel: parallel, bench: 100, created: now, updated: now}
	return id
}

// SetTaskParallel sets whether a task's cases run in parallel (true) or one
// after another. It panics if the task does not exist.
func (s *Server) SetTaskParallel(taskID int, parallel bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.ws.tasks[taskID]
	if t == nil {
		panic(fmt.Sprintf("sim: SetTaskParallel: no task %d", taskID))
	}
	t.parallel = parallel
}

// SetProfile replaces a case's profile; runs started later use it. It panics
// if the case does not exist.
func (s *Server) SetProfile(caseID int, p Profile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.ws.cases[caseID]
	if c == nil {
		panic(fmt.Sprintf("sim: SetProfile: no case %d", caseID))
	}
	c.profile = p.normalized()
	c.updated = s.SimNow()
}

// AddVariable adds a global variable to a suite and returns its id. typ is
// the documented variable_type (1 integer, 2 enumeration, 3 file, 5 text).
func (s *Server) AddVariable(suiteID int, name string, typ int, values ...any) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ws.suites[suiteID] == nil {
		panic(fmt.Sprintf("sim: AddVariable: no suite %d", suiteID))
	}
	return s.addVariableLocked(suiteID, name, typ, values)
}

func (s *Server) addVariableLocked(suiteID int, name string, typ int, values []any) int {
	id := s.ws.nextVar
	s.ws.nextVar++
	if values == nil {
		values = []any{}
	}
	s.ws.vars[id] = &variable{id: id, suiteID: suiteID, name: name, typ: typ, values: slices.Clone(values)}
	return id
}

// MarkSensitive marks global variable id sensitive: listings then say
// is_sensitive true and show a masked value instead of the real one.
func (s *Server) MarkSensitive(id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.ws.vars[id]
	if v == nil {
		panic(fmt.Sprintf("sim: MarkSensitive: no variable %d", id))
	}
	v.sensitive = true
}

// Variables returns a suite's global variables: name → values joined by ","
// (an integer range [1, 20] reads "1,20").
func (s *Server) Variables(suiteID int) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for _, v := range s.ws.vars {
		if v.suiteID != suiteID {
			continue
		}
		parts := make([]string, len(v.values))
		for i, x := range v.values {
			parts[i] = fmt.Sprint(x)
		}
		out[v.name] = strings.Join(parts, ",")
	}
	return out
}

// AddCluster adds a private resource group usable with cluster_type
// "private-cluster".
func (s *Server) AddCluster(id int, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ws.clusters[id] = name
}

// suiteTasksLocked returns the tasks of a suite by ascending id.
func (s *Server) suiteTasksLocked(suiteID int) []*task {
	var out []*task
	for _, id := range sortedIDs(s.ws.tasks) {
		if t := s.ws.tasks[id]; t.suiteID == suiteID {
			out = append(out, t)
		}
	}
	return out
}

// seed builds the demo workspace.
func (s *Server) seed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.SimNow()
	created := now.Add(-30 * 24 * time.Hour)
	ws := s.ws
	ws.suites[DemoSuiteID] = &suite{id: DemoSuiteID, name: DemoSuiteName,
		description: "codearts-runner demo: an online shop", created: created, updated: created}
	ws.nextSuite = DemoSuiteID + 1

	addCase := func(id int, name string, p Profile) {
		ws.cases[id] = &tcase{id: id, suiteID: DemoSuiteID, name: name, profile: p.normalized(), created: created, updated: created}
		ws.nextCase = max(ws.nextCase, id+1)
	}
	addCase(DemoCaseBrowse, "browse-catalog", Profile{
		Stages: []Stage{
			{Duration: time.Minute, Concurrency: 20, RampUp: 10 * time.Second},
			{Duration: time.Minute, Concurrency: 50, RampUp: 5 * time.Second},
		},
		AvgRT:     120,
		TPS:       400,
		ErrorRate: 0.2,
		Requests:  []string{"GET /products", "GET /products/{id}", "GET /cart"},
	})
	addCase(DemoCaseCheckout, "checkout", Profile{
		Stages:    []Stage{{Duration: 90 * time.Second, Concurrency: 10, RampUp: 20 * time.Second}},
		AvgRT:     350,
		TPS:       28,
		ErrorRate: 0.5,
		Requests:  []string{"POST /cart/items", "POST /orders", "GET /orders/{id}"},
	})
	addCase(DemoCaseSearch, "search-degraded", Profile{
		Stages:    []Stage{{Duration: time.Minute, Concurrency: 30, RampUp: 10 * time.Second}},
		AvgRT:     1800,
		TPS:       15,
		ErrorRate: 6,
		RTSpread:  0.6,
		Requests:  []string{"GET /search?q={term}", "GET /search/suggest"},
	})
	addCase(DemoCaseBroken, "broken-backend", Profile{
		Stages:    []Stage{{Duration: 2 * time.Minute, Concurrency: 20}},
		AvgRT:     250,
		ErrorRate: 35,
		Abort:     true,
		Requests:  []string{"GET /inventory"},
	})
	addCase(DemoCaseEmpty, "empty-case", Profile{
		Stages:   []Stage{{Duration: 30 * time.Second, Concurrency: 5}},
		NoData:   true,
		Requests: []string{"GET /health"},
	})

	addTask := func(id int, name string, cases ...int) *task {
		t := &task{id: id, suiteID: DemoSuiteID, name: name, caseIDs: cases, parallel: true, bench: 100,
			created: created, updated: created}
		ws.tasks[id] = t
		ws.nextTask = max(ws.nextTask, id+1)
		return t
	}
	demo := addTask(DemoTaskID, DemoTaskName, DemoCaseBrowse, DemoCaseCheckout)
	addTask(DemoSlowTaskID, DemoSlowTaskName, DemoCaseSearch)
	addTask(DemoAbortTaskID, DemoAbortTaskName, DemoCaseBroken)
	addTask(DemoNoDataTaskID, DemoNoDataTaskName, DemoCaseEmpty)

	s.addVariableLocked(DemoSuiteID, "userCount", 1, []any{1, 20})
	s.addVariableLocked(DemoSuiteID, "baseHost", 2, []any{"shop.example.com"})
	s.addVariableLocked(DemoSuiteID, "apiVersion", 5, []any{"v1"})

	// One finished run a day ago: the baseline, and what ShowTask shows
	// during the stale window of the first start.
	// It was 4% faster than today's runs, so a baseline gate has a real difference to show.
	for i := range s.opt.History { // older runs first: run ids grow with time
		h := s.newRunLocked(demo, now.Add(-time.Duration(26+24*(s.opt.History-i))*time.Hour), nil)
		h.seeded = true
		for _, c := range h.cases {
			for j := range c.reqs {
				c.reqs[j].meanRT *= historySpeed[i%len(historySpeed)]
			}
		}
	}
	r := s.newRunLocked(demo, now.Add(-26*time.Hour), nil)
	r.seeded = true
	for _, c := range r.cases {
		for i := range c.reqs {
			c.reqs[i].meanRT *= seededSpeedup
		}
	}
}

// historySpeed scales the response times of the extra seeded runs (Options.History), in turn.
var historySpeed = []float64{0.95, 0.97, 0.93, 0.96, 0.94}

// seededSpeedup scales the response times of the seeded earlier run.
const seededSpeedup = 0.96
