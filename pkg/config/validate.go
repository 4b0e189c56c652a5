package config

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Auth methods, in the order they are preferred when several are complete.
const (
	AuthAKSK     = "aksk"
	AuthToken    = "token"
	AuthPassword = "password"
)

var (
	regionRE     = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	projectIDRE  = regexp.MustCompile(`^[0-9a-f]{32}$`)
	varNameRE    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)
	codeartsIDRE = regexp.MustCompile(`^[0-9A-Za-z]{32}$`)
)

// adder reports one problem: a format and its arguments.
type adder = func(format string, a ...any)

// check is the rules of one option group: it reports every problem of the group's settings as
// command m uses them.
type check func(s *Settings, m Mode, add adder)

// commands lists the option groups each command checks, in the order their problems are
// reported. A new command lists its groups here; a new rule goes into its group's check.
var commands = map[Mode][]check{
	PerfTest:  {checkConnection, checkPerfTest, checkDefinition, checkPlanCaseMap, checkNumbers, checkGates, checkOutputs},
	TestPlan:  {checkConnection, checkCodeArtsProject, checkPlan, checkNumbers, checkOutputs},
	TaskModel: {checkConnection, checkCodeArtsProject, checkTaskModel, checkNumbers, checkOutputs},
	Simulate:  {checkNumbers},
	Gates:     {checkNumbers, checkGates},
	Workflow:  {checkConnection, checkNumbers, checkOutputs, checkWorkflow},
}

// Validate checks the settings of mode and returns every problem at once as *UsageError, or nil.
// Each problem names the setting, the value (never a secret's) and what would be valid.
func (s *Settings) Validate(mode Mode) error {
	var p []string
	add := func(format string, a ...any) { p = append(p, fmt.Sprintf(format, a...)) }
	for _, c := range commands[mode] {
		c(s, mode, add)
	}
	if len(p) > 0 {
		return &UsageError{Problems: p}
	}
	return nil
}

// checkConnection checks the region, the credentials of m, the IAM project id and the endpoints.
func checkConnection(s *Settings, m Mode, add adder) {
	if !regionRE.MatchString(s.Region) {
		add("region %q is not a region id such as cn-north-4 or ap-southeast-3", s.Region)
	}
	if _, err := s.AuthFor(m); err != nil {
		add("%v", err)
	}
	// issue 11: project-id is optional in every mode (looked up in IAM when unset).
	if s.ProjectID != "" && !projectIDRE.MatchString(s.ProjectID) {
		add("project-id %q is not an IAM project id (32 lower-case hex characters); set --project-id or CODEARTS_PROJECT_ID, or leave it unset to look it up in IAM by the region's name", s.ProjectID)
	}
	for _, e := range []struct{ name, v string }{{"iam-endpoint", s.IAMEndpoint}, {"cpts-endpoint", s.CPTSEndpoint}} {
		if e.v != "" {
			checkURL(add, e.name, e.v)
		}
	}
}

// checkPerfTest checks what a PerfTest run starts and how it is judged.
func checkPerfTest(s *Settings, _ Mode, add adder) {
	tasks := s.TaskList()
	if strings.TrimSpace(s.TestSuite) == "" && (len(tasks) < 2 || slices.ContainsFunc(tasks, func(t TaskEntry) bool { return t.Suite == "" })) {
		add("test-suite is empty: give the id or exact name of the PerfTest test suite (--test-suite or CODEARTS_TEST_SUITE)")
	}
	if strings.TrimSpace(s.Task) == "" {
		add("task is empty: give the id or exact name of the PerfTest task (--task or CODEARTS_TASK)")
	}
	if len(tasks) > 1 { // issue 15: several tasks in one step
		for _, t := range tasks {
			if t.Task == "" || (t.Suite == "" && strings.HasSuffix(t.Raw, "/")) {
				add("task %q is not valid: give a task id or name, or suite/task", t.Raw)
			}
		}
		if s.RunID > 0 || s.Cases != "" || strings.TrimSpace(s.Variables) != "" {
			add("task lists %d tasks: run-id, cases and variables apply to one task; give them with one task only", len(tasks))
		}
	}
	if _, err := s.ResourceGroupID(); err != nil {
		add("%v", err)
	}
	if _, err := s.VariableList(); err != nil {
		add("%v", err)
	}
	if s.OnTimeout != "stop" && s.OnTimeout != "leave" {
		add("on-timeout %q is not valid: use stop or leave", s.OnTimeout)
	}
	if _, _, err := s.BaselineRun(); err != nil {
		add("%v", err)
	}
	if s.Trend < 0 || s.Trend > 50 {
		add("trend %d is not valid: give how many earlier runs to show, 0 (no trend) to 50", s.Trend)
	}
	if s.Cases != "" && s.RunID > 0 {
		add("cases and run-id exclude each other: run-id evaluates an existing run, cases change the task before a start")
	}
}

// checkDefinition checks the settings of a definition file (issue 14: performance tests as code).
func checkDefinition(s *Settings, _ Mode, add adder) {
	if s.Definition == "" && (s.Profile != "" || s.DryRun || s.SyncOnly || s.Preflight) {
		add("profile, dry-run, sync-only and preflight apply to a definition file: set definition (--definition or CODEARTS_DEFINITION)")
	}
	if s.Definition != "" && (s.Cases != "" || s.RunID > 0) {
		add("definition excludes cases and run-id: the definition file sets the task's cases and starts a new run")
	}
}

// checkCodeArtsProject checks the CodeArts project id that TestPlan and task template paths need.
func checkCodeArtsProject(s *Settings, _ Mode, add adder) {
	if !codeartsIDRE.MatchString(s.CodeArtsProject) {
		add("codearts-project-id %q is not a CodeArts project id (32 letters and digits; not the IAM project id)", s.CodeArtsProject)
	}
}

// checkPlan checks the plan, the cases and the plan-creation settings of runner testplan.
func checkPlan(s *Settings, _ Mode, add adder) {
	if strings.TrimSpace(s.Plan) == "" {
		add("plan is empty: give the id or exact name of the TestPlan plan (--plan or CODEARTS_PLAN)")
	}
	if s.ServiceID <= 0 {
		add("service-id %d is not valid: give the test type service id of the cases (a positive number)", s.ServiceID)
	}
	if len(s.CaseIDList()) == 0 {
		add("case-ids is empty: give the TestPlan case ids to add")
	}
	if s.TestPlanEP != "" {
		checkURL(add, "testplan-endpoint", s.TestPlanEP)
	}
	if _, _, err := s.PlanDates(time.Now()); err != nil {
		add("%v", err)
	}
	if _, err := s.ServiceIDList(); err != nil {
		add("%v", err)
	}
}

// checkPlanCaseMap checks a perftest's plan-case-map, if any, and the plan settings it needs.
func checkPlanCaseMap(s *Settings, m Mode, add adder) {
	if s.PlanCaseMap == "" {
		return
	}
	checkCodeArtsProject(s, m, add)
	if strings.TrimSpace(s.Plan) == "" {
		add("plan-case-map needs plan: the TestPlan plan that receives the gate outcomes")
	}
	if s.ServiceID <= 0 {
		add("plan-case-map needs service-id: the test type service id of the mapped cases")
	}
	if _, err := s.CaseMap(); err != nil {
		add("%v", err)
	}
}

// checkTaskModel checks the endpoint and the templates of runner taskmodel.
func checkTaskModel(s *Settings, _ Mode, add adder) {
	if s.AttaskEP == "" {
		add("attask-endpoint is empty: the task template service has no documented default endpoint; set --attask-endpoint")
	} else {
		checkURL(add, "attask-endpoint", s.AttaskEP)
	}
	if len(splitEntries(s.TaskIDs, ",\n")) == 0 {
		add("task-ids is empty: give the task template ids to execute")
	}
}

// AuthMethod picks the authentication method: AK/SK, token or password, in that order of
// preference. A method given only in part is an error.
func (s *Settings) AuthMethod() (string, error) {
	switch {
	case s.AK != "" || s.SK != "":
		if s.AK == "" || s.SK == "" {
			return "", fmt.Errorf("ak and sk go together: %s is set but %s is empty", pick(s.AK != "", "ak", "sk"), pick(s.AK != "", "sk", "ak"))
		}
		return AuthAKSK, nil
	case s.Token != "":
		return AuthToken, nil
	case s.Username != "" || s.Password != "" || s.Domain != "":
		var missing []string
		for _, x := range []struct{ n, v string }{{"username", s.Username}, {"password", s.Password}, {"domain", s.Domain}} {
			if x.v == "" {
				missing = append(missing, x.n)
			}
		}
		if len(missing) > 0 {
			return "", fmt.Errorf("password authentication needs username, password and domain: %s missing", strings.Join(missing, ", "))
		}
		return AuthPassword, nil
	}
	return "", fmt.Errorf("no credentials: set ak and sk (or HUAWEICLOUD_SDK_AK/SK), or token, or username, password and domain")
}

// AuthFor picks the authentication method of mode. The task template service (taskmodel) documents
// X-Auth-Token as mandatory (seed 002) and nothing shows it accepting an AK/SK signature, so that
// mode uses token or password authentication even when AK/SK is set too, and refuses AK/SK alone.
func (s *Settings) AuthFor(mode Mode) (string, error) {
	if mode != TaskModel || (s.AK == "" && s.SK == "") {
		return s.AuthMethod()
	}
	only := *s
	only.AK, only.SK, only.SecurityToken = "", "", ""
	method, err := only.AuthMethod()
	if err != nil && only.Token == "" && only.Username == "" && only.Password == "" && only.Domain == "" {
		return "", fmt.Errorf("taskmodel cannot use ak/sk: the task template service (attask) requires an IAM token (X-Auth-Token); set token, or username, password and domain")
	}
	return method, err
}

func pick(c bool, a, b string) string {
	if c {
		return a
	}
	return b
}

// ResourceGroupID returns 0 for the shared resource group, or the private group's id.
func (s *Settings) ResourceGroupID() (int64, error) {
	g := strings.TrimSpace(s.ResourceGroup)
	if g == "" || strings.EqualFold(g, "shared") {
		return 0, nil
	}
	id, err := strconv.ParseInt(g, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("resource-group %q is not valid: use shared or the numeric id of a private resource group", s.ResourceGroup)
	}
	return id, nil
}

// Variable is one NAME=value pair of the variables setting.
type Variable struct {
	Name, Value string
}

// VariableList parses the variables setting: NAME=value lines (or ';'-separated), '#' comments.
func (s *Settings) VariableList() ([]Variable, error) {
	var out []Variable
	seen := map[string]bool{}
	for i, line := range splitEntries(s.Variables, "\n;") {
		name, value, ok := strings.Cut(line, "=")
		name = strings.TrimSpace(name)
		if !ok || !varNameRE.MatchString(name) {
			return nil, fmt.Errorf("variables entry %d %q is not NAME=value (a name of letters, digits, _ . -)", i+1, line)
		}
		if seen[name] {
			return nil, fmt.Errorf("variables names %s twice", name)
		}
		seen[name] = true
		out = append(out, Variable{Name: name, Value: strings.TrimSpace(value)})
	}
	return out, nil
}

// CaseList parses the cases setting: ids or names separated by commas or newlines.
func (s *Settings) CaseList() []string { return splitEntries(s.Cases, ",\n") }

// BaselineRun parses the baseline setting: the mode ("previous", "previous-finished" or "run")
// and, for an explicit run, its id.
func (s *Settings) BaselineRun() (string, int64, error) {
	b := strings.TrimSpace(s.Baseline)
	switch b {
	case "", "previous":
		return "previous", 0, nil
	case "previous-finished":
		return b, 0, nil
	}
	id, err := strconv.ParseInt(b, 10, 64)
	if err != nil || id <= 0 {
		return "", 0, fmt.Errorf("baseline %q is not valid: use previous, previous-finished or a run id", s.Baseline)
	}
	return "run", id, nil
}

// TaskEntry is one task of the task setting: "task" (in test-suite) or "suite/task".
type TaskEntry struct {
	Suite, Task string
	// Raw is the entry as written.
	Raw string
}

// TaskList splits the task setting into its tasks (comma or newline separated). One entry is
// the task as written, "/" included; with several, an entry "suite/task" names its suite
// (split at the first "/"), and one without takes test-suite.
func (s *Settings) TaskList() []TaskEntry {
	entries := splitEntries(s.Task, ",\n")
	out := make([]TaskEntry, 0, len(entries))
	for _, e := range entries {
		t := TaskEntry{Task: e, Raw: e}
		if len(entries) > 1 {
			if suite, task, ok := strings.Cut(e, "/"); ok {
				t.Suite, t.Task = strings.TrimSpace(suite), strings.TrimSpace(task)
			}
		}
		out = append(out, t)
	}
	return out
}

// splitEntries splits on any of seps, trims, and drops blanks and '#' comment lines.
func splitEntries(text, seps string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		part = strings.TrimSpace(part)
		if part == "" || strings.HasPrefix(part, "#") {
			continue
		}
		out = append(out, part)
	}
	return out
}

// checkURL reports a setting that is not an http(s) URL.
func checkURL(add adder, name, v string) {
	if u, err := url.Parse(v); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		add("%s %q is not an http(s) URL such as https://cpts.cn-north-4.myhuaweicloud.com", name, v)
	}
}

// CaseIDList parses case-ids.
func (s *Settings) CaseIDList() []string { return splitEntries(s.CaseIDs, ",\n") }

// TaskIDList parses task-ids.
func (s *Settings) TaskIDList() []string { return splitEntries(s.TaskIDs, ",\n") }

// ServiceIDList parses service-ids; empty means [service-id].
func (s *Settings) ServiceIDList() ([]int64, error) {
	var out []int64
	for _, e := range splitEntries(s.ServiceIDs, ",\n") {
		id, err := strconv.ParseInt(e, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("service-ids entry %q is not a positive number", e)
		}
		out = append(out, id)
	}
	if len(out) == 0 && s.ServiceID > 0 {
		out = []int64{s.ServiceID}
	}
	return out, nil
}

// PlanDates parses plan-start and plan-end: start defaults to today, end to 14 days later.
func (s *Settings) PlanDates(today time.Time) (time.Time, time.Time, error) {
	start := today.UTC().Truncate(24 * time.Hour)
	if s.PlanStart != "" {
		t, err := time.Parse(time.DateOnly, s.PlanStart)
		if err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("plan-start %q is not a date such as 2026-11-22", s.PlanStart)
		}
		start = t
	}
	end := start.AddDate(0, 0, 14)
	if s.PlanEnd != "" {
		t, err := time.Parse(time.DateOnly, s.PlanEnd)
		if err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("plan-end %q is not a date such as 2026-12-06", s.PlanEnd)
		}
		end = t
	}
	if end.Before(start) {
		return time.Time{}, time.Time{}, fmt.Errorf("plan-end %s is before plan-start %s", end.Format(time.DateOnly), start.Format(time.DateOnly))
	}
	return start, end, nil
}

// CaseMap parses plan-case-map: NAME=case-id lines.
func (s *Settings) CaseMap() ([]Variable, error) {
	var out []Variable
	for n, line := range splitEntries(s.PlanCaseMap, "\n;") {
		// The name may be a gate ("p95 <= 800ms"): the case id follows the last '='.
		i := strings.LastIndex(line, "=")
		if i < 0 {
			return nil, fmt.Errorf("plan-case-map entry %d %q is not NAME=case-id", n+1, line)
		}
		name, id := strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:])
		if name == "" || id == "" {
			return nil, fmt.Errorf("plan-case-map entry %d %q is not NAME=case-id", n+1, line)
		}
		out = append(out, Variable{Name: name, Value: id})
	}
	return out, nil
}
