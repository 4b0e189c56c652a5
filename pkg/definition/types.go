// Package definition reads a PerfTest definition file — the suite, the task,
// its cases with their requests and load stages, profiles and gates, kept in
// the repository — and plans and applies it to CodeArts PerfTest (CPTS).
//
// Every field maps to a documented API field (the `api` struct tag and the
// JSON Schema descriptions say which); what the documents do not define
// (think-time values, request bodies, peak/surge/oscillation parameters) is
// refused rather than guessed. The JSON Schema in schema/perftest.schema.json
// is generated from these types (see Schema).
package definition

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// File is a definition file as written, before a profile is applied.
type File struct {
	// Suite is the PerfTest project the task lives in.
	Suite Suite `yaml:"suite" required:"true" desc:"The PerfTest project (test suite). Created with CreateProject (POST /v1/{project_id}/test-suites) when no suite has this name."`
	// Variables are global variables of the suite the file manages.
	Variables []Variable `yaml:"variables" desc:"Global variables of the suite, matched by name: created with CreateVariable (POST /v1/{project_id}/variables/{test_suite_id}), changed with UpdateVariable (PUT). Variables the file does not name are left alone."`
	// Task is the task that runs the cases.
	Task Task `yaml:"task" required:"true" desc:"The task that runs the cases. Created with CreateTask (POST /v1/{project_id}/tasks) when the suite has no task of this name; its name, parallel flag and case list are set with UpdateTaskRelatedTestCase (PUT /v3/{project_id}/tasks/{task_id})."`
	// Prune removes from the task the cases the file does not define.
	Prune bool `yaml:"prune" desc:"Remove from the task the cases this file does not define (they leave case_id_list of PUT /v3/{project_id}/tasks/{task_id}; the cases themselves are not deleted). Default false: such cases are left alone."`
	// Cases are the task's managed cases, in run order; a case is known by its name.
	Cases []Case `yaml:"cases" required:"true" desc:"The cases of the task, in order (case_id_list order). A case is matched by name (CaseInfoDetail.name); a missing case is created with CreateCase (POST /v1/{project_id}/task-cases)."`
	// Profiles are named variants of the file selected with the profile setting.
	Profiles map[string]Profile `yaml:"profiles" desc:"Named variants selected with the runner's profile setting (e.g. pr, nightly). A profile replaces the task name and the stages it gives; the rest of the file applies unchanged."`
	// Gates are the pass/fail gates of the run (pkg/gates syntax), or "none".
	Gates yaml.Node `yaml:"gates" schema:"gates" desc:"Gates of the run, in the syntax of a gates file's gates: list (e.g. \"p95 <= 800ms\"), or the word none. Not sent to the service: the runner evaluates them on the report."`
}

// Suite is the PerfTest project (CreateProject body).
type Suite struct {
	// Name is the suite name (`name`).
	Name string `yaml:"name" required:"true" api:"name" desc:"Suite name: CreateProject name; the suite is found by this exact name in ListProjectSets."`
	// Description is written when the suite is created (`description`).
	Description string `yaml:"description" api:"description" desc:"CreateProject description; sent when the suite is created only."`
}

// Variable is a global variable of the suite (VariableDetail); give exactly
// one of text, range and values. File variables (type 3) take an upload the
// runner does not make and are refused.
type Variable struct {
	// Name is the variable name (`name`).
	Name string `yaml:"name" required:"true" api:"name" desc:"Variable name (VariableDetail.name)."`
	// Text is a text variable's value (variable_type 5).
	Text *string `yaml:"text" api:"variable" desc:"A text variable: variable_type 5, variable [text]."`
	// Range is an integer range variable's [min, max] (variable_type 1).
	Range []int `yaml:"range" api:"variable" desc:"An integer range variable: variable_type 1, variable [min, max]."`
	// Values are an enumeration variable's values (variable_type 2).
	Values []string `yaml:"values" api:"variable" desc:"An enumeration variable: variable_type 2, variable [values…]."`
	// At is where the variable starts in the file.
	At Pos `yaml:"-"`
}

// Type is the documented variable_type and the values sent as `variable`.
func (v Variable) Type() (int, []any) {
	switch {
	case v.Text != nil:
		return cpts.VariableText, []any{*v.Text}
	case v.Range != nil:
		return cpts.VariableInteger, []any{v.Range[0], v.Range[1]}
	}
	out := make([]any, len(v.Values))
	for i, x := range v.Values {
		out[i] = x
	}
	return cpts.VariableEnum, out
}

// Task is the PerfTest task.
type Task struct {
	// Name is the task name (`name`).
	Name string `yaml:"name" required:"true" api:"name" desc:"Task name: CreateTask and UpdateTaskRelatedTestCase name; the task is found by this exact name in the suite (ShowTaskSet)."`
	// Parallel runs the cases at the same time instead of one after another.
	Parallel bool `yaml:"parallel" api:"parallel" desc:"UpdateTaskRelatedTestCase parallel: true runs the cases at the same time, false (default) one after another."`
}

// Case is one case of the task.
type Case struct {
	// Name identifies the case in the task (`name`).
	Name string `yaml:"name" required:"true" api:"name" desc:"Case name: CreateCase name and UpdateCase target name; the key that matches a case of the task."`
	// Requests are the case's HTTP/HTTPS requests, in order.
	Requests []Request `yaml:"requests" required:"true" desc:"The requests of the case, sent in order: UpdateCase (PUT /v1/{project_id}/task-cases/{case_id}/target/content) contents[].content[] with content_type 2 (a request card)."`
	// Stages are the case's load stages, in order.
	Stages []Stage `yaml:"stages" required:"true" desc:"The load stages of the case, in order: UpdateCase (PUT /v1/{project_id}/task-cases/{case_id}/target/stage) stages[] (TestCaseStage)."`
	// At is where the case starts in the file.
	At Pos `yaml:"-"`
}

// Request is one HTTP/HTTPS request card (ContentInfo).
type Request struct {
	// Name is the request name shown in reports (`name`).
	Name string `yaml:"name" required:"true" api:"name" desc:"ContentInfo.name: the request name reports show."`
	// Method is the HTTP method (`method`).
	Method string `yaml:"method" api:"method" default:"GET" enum:"GET,POST,PUT,DELETE,PATCH,HEAD,OPTIONS" desc:"ContentInfo.method."`
	// URL is the full request URL; its scheme gives protocol_type (1 HTTP, 2 HTTPS).
	URL string `yaml:"url" required:"true" api:"url" desc:"ContentInfo.url, an http:// or https:// URL; the scheme sets ContentInfo.protocol_type (1 HTTP, 2 HTTPS)."`
	// Headers are the request headers, sent in key order.
	Headers map[string]string `yaml:"headers" api:"headers" desc:"ContentInfo.headers as [{key, value}], in key order."`
	// HTTPVersion is the HTTP version (`http_version`).
	HTTPVersion string `yaml:"http_version" api:"http_version" default:"HTTP/1.1" enum:"HTTP/1.1,HTTP/2" desc:"ContentInfo.http_version."`
	// ConnectTimeout is the connect timeout (`connect_timeout`, milliseconds).
	ConnectTimeout Duration `yaml:"connect_timeout" api:"connect_timeout" default:"5s" desc:"ContentInfo.connect_timeout, sent in milliseconds (e.g. 5s, 500ms); the console's default is 5000."`
	// ResponseTimeout is the response timeout (`return_timeout`, milliseconds).
	ResponseTimeout Duration `yaml:"response_timeout" api:"return_timeout" default:"5s" desc:"ContentInfo.return_timeout, sent in milliseconds; the console's default is 5000."`
	// At is where the request starts in the file.
	At Pos `yaml:"-"`
}

// Stage is one load stage (TestCaseStage).
type Stage struct {
	// Name is the stage name; default "Stage-N".
	Name string `yaml:"name" api:"name" desc:"TestCaseStage.name; default Stage-1, Stage-2, …"`
	// Duration is the stage length (duration mode, `time` in seconds).
	Duration Duration `yaml:"duration" api:"time" desc:"TestCaseStage.time in seconds (operate_mode 0, duration mode), e.g. 5m. Give duration or count."`
	// Count is the number of sends (count mode, `count`).
	Count int `yaml:"count" api:"count" desc:"TestCaseStage.count (operate_mode 1, count mode): total number of sends. Give duration or count."`
	// Pressure is concurrency or tps (`pressure_mode` 0 or 1).
	Pressure string `yaml:"pressure" api:"pressure_mode" default:"concurrency" enum:"concurrency,tps" desc:"TestCaseStage.pressure_mode: concurrency (0) or tps (1). The other documented modes (peak, surge, oscillation, smart peak) take parameters the documents do not define and are refused."`
	// Users is the concurrency at the end of the ramp-up (`issue_num`).
	Users int `yaml:"users" api:"issue_num" desc:"TestCaseStage.issue_num: concurrent users (concurrency pressure, required there)."`
	// StartUsers is the concurrency the stage starts from (`current_user_num`).
	StartUsers int `yaml:"start_users" api:"current_user_num" desc:"TestCaseStage.current_user_num: the starting concurrency; default 0."`
	// TPS is the target throughput (`tps_value`, TPS pressure).
	TPS int `yaml:"tps" api:"tps_value" desc:"TestCaseStage.tps_value: target transactions per second (tps pressure, required there)."`
	// StartTPS is the throughput the stage starts from (`current_tps`).
	StartTPS int `yaml:"start_tps" api:"current_tps" desc:"TestCaseStage.current_tps: the starting TPS; default 0."`
	// RampUp is the climb from the start value to the target (`ramp_up`, seconds).
	RampUp Duration `yaml:"ramp_up" api:"ramp_up" desc:"TestCaseStage.ramp_up in seconds: the climb from the start to the target, e.g. 30s; default 0."`
	// At is where the stage starts in the file.
	At Pos `yaml:"-"`
}

// Pos is a 1-based line and column of the file (zero when built in code).
type Pos struct{ Line, Col int }

// Profile is a named variant of the file.
type Profile struct {
	// Task replaces the task name, so each profile can keep its own task.
	Task *ProfileTask `yaml:"task" desc:"Replaces task.name (e.g. a separate task for pull requests)."`
	// Stages replaces the stages of every case.
	Stages []Stage `yaml:"stages" desc:"Replaces the stages of every case that cases: below does not name."`
	// Cases replaces the stages of the cases it names.
	Cases map[string]ProfileCase `yaml:"cases" desc:"Per case (by name): replaces that case's stages."`
}

// ProfileTask is a profile's task override.
type ProfileTask struct {
	// Name is the task name under this profile.
	Name string `yaml:"name" required:"true" api:"name" desc:"Task name under this profile."`
}

// ProfileCase is a profile's override of one case.
type ProfileCase struct {
	// Stages are the case's stages under this profile.
	Stages []Stage `yaml:"stages" required:"true" desc:"The case's stages under this profile."`
}

// Duration is a length written with a unit ("5m", "200ms", "1h30m").
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler: a Go duration string; a bare 0
// is zero.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// String writes the duration in the shortest Go form ("5m", "200ms", "1h30m").
func (d Duration) String() string {
	s := time.Duration(d).String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// ParseDuration reads "5m", "200ms", "1h30m" or 0.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if s == "0" {
		return 0, nil
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return 0, fmt.Errorf("%q has no unit: write e.g. %ss or %sms", s, s, s)
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%q is not a duration: write e.g. 5m, 30s or 200ms", s)
	}
	return Duration(v), nil
}

// Definition is a file with a profile applied and defaults filled in: what
// the service should hold.
type Definition struct {
	// Suite is the suite.
	Suite Suite
	// Variables are the suite's managed global variables.
	Variables []Variable
	// Task is the task (the profile's name applied).
	Task Task
	// Prune removes unmanaged cases from the task.
	Prune bool
	// Cases are the managed cases with their effective stages.
	Cases []Case
	// Profile is the applied profile ("" for none).
	Profile string
	// Gates are the file's gates.
	Gates []gates.Gate
	// GatesNone is true when the file says `gates: none`.
	GatesNone bool
	// Profiles are the names of the file's profiles, sorted.
	Profiles []string
}
