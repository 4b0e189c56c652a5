// Package config loads the runner's settings from flags, environment variables and GitHub
// Actions inputs, and validates them before anything remote happens. It is the only package
// that reads the process environment (and it reads it only through the map it is given).
package config

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
)

// Mode names a subcommand whose settings are validated together.
type Mode string

// The runner's modes.
const (
	PerfTest  Mode = "perftest"
	TestPlan  Mode = "testplan"
	TaskModel Mode = "taskmodel"
	Simulate  Mode = "simulate"
	Gates     Mode = "gates"
	Workflow  Mode = "workflow"
)

// EnvPrefix starts the environment variable of every setting: --task is CODEARTS_TASK.
const EnvPrefix = "CODEARTS_"

// Settings holds every setting of every mode, in option groups. Each field is a flag (tag `flag`),
// an environment variable (tag `env`), and in GitHub Actions an input of the flag's name
// (INPUT_<FLAG>). Tag `modes` lists the subcommands that use a setting: on the group, for each of
// its settings, unless the setting has its own. Tag `secret` marks values never to be shown, and
// `fallback` names the official SDK's variable accepted when ours is unset. The order of the
// groups and of their fields is the order of --help, of the README and of action.yml.
type Settings struct {
	Connection      `modes:"perftest,testplan,taskmodel,workflow"`
	PerfTestOptions `modes:"perftest"`
	CodeArts
	PlanOptions       `modes:"testplan"`
	TaskModelOptions  `modes:"taskmodel"`
	WorkflowOptions   `modes:"workflow"`
	Outputs           `modes:"perftest,testplan,taskmodel,workflow"`
	Runtime           `modes:"perftest,testplan,taskmodel,workflow"`
	DefinitionOptions `modes:"perftest"`
}

// Connection is where and as whom the runner calls: region, IAM project, credentials, endpoints.
type Connection struct {
	Region        string `flag:"region" env:"CODEARTS_REGION" envDefault:"cn-north-4" help:"Huawei Cloud region; endpoint defaults derive from it"`
	ProjectID     string `flag:"project-id" env:"CODEARTS_PROJECT_ID" fallback:"HUAWEICLOUD_SDK_PROJECT_ID" help:"IAM project id (the {project_id} of CPTS paths, X-Project-Id of AK/SK requests); default: looked up in IAM by the region's name"`
	AK            string `flag:"ak" env:"CODEARTS_AK" fallback:"HUAWEICLOUD_SDK_AK" help:"access key id for AK/SK signing"`
	SK            string `flag:"sk" env:"CODEARTS_SK" fallback:"HUAWEICLOUD_SDK_SK" secret:"true" help:"secret access key (never logged)"`
	SecurityToken string `flag:"security-token" env:"CODEARTS_SECURITY_TOKEN" fallback:"HUAWEICLOUD_SDK_SECURITY_TOKEN" secret:"true" help:"security token of temporary AK/SK credentials"`
	Token         string `flag:"token" env:"CODEARTS_TOKEN" secret:"true" help:"IAM token (X-Auth-Token) instead of AK/SK"`
	Username      string `flag:"username" env:"CODEARTS_USERNAME" help:"IAM user name for password authentication"`
	Password      string `flag:"password" env:"CODEARTS_PASSWORD" secret:"true" help:"IAM user password (never logged)"`
	Domain        string `flag:"domain" env:"CODEARTS_DOMAIN" help:"IAM account (domain) name for password authentication"`
	CPTSEndpoint  string `flag:"cpts-endpoint" env:"CODEARTS_CPTS_ENDPOINT" modes:"perftest" help:"CPTS endpoint (default: the region's endpoint in the official SDK, e.g. https://cpts.{region}.myhuaweicloud.com)"`
	IAMEndpoint   string `flag:"iam-endpoint" env:"CODEARTS_IAM_ENDPOINT" help:"IAM endpoint (default: the region's endpoint in the official SDK, e.g. https://iam.{region}.myhuaweicloud.com)"`
}

// PerfTestOptions are what a PerfTest run starts, its gates, baseline and trend, and its wait.
type PerfTestOptions struct {
	TestSuite       string        `flag:"test-suite" env:"CODEARTS_TEST_SUITE" help:"PerfTest test suite (project): id or exact name"`
	Task            string        `flag:"task" env:"CODEARTS_TASK" help:"PerfTest task: id or exact name; several tasks: comma or newline separated, suite/task for a task of another suite"`
	Cases           string        `flag:"cases" env:"CODEARTS_CASES" help:"case ids or names (comma or newline separated): create the task if missing, or set the cases of the task of that name"`
	ResourceGroup   string        `flag:"resource-group" env:"CODEARTS_RESOURCE_GROUP" envDefault:"shared" help:"'shared' or the id of a private resource group"`
	Variables       string        `flag:"variables" env:"CODEARTS_VARIABLES" help:"NAME=value lines: global variables of the suite to set before the start"`
	RestoreVars     bool          `flag:"restore-variables" env:"CODEARTS_RESTORE_VARIABLES" envDefault:"true" help:"put the old variable values back after the run"`
	Gates           string        `flag:"gates" env:"CODEARTS_GATES" modes:"perftest,gates" help:"gates, one per line or ';'-separated, '#' comments; perftest needs at least one (here or in gates-file), or none to run without gates"`
	GatesFile       string        `flag:"gates-file" env:"CODEARTS_GATES_FILE" modes:"perftest,gates" help:"YAML file of gates"`
	Baseline        string        `flag:"baseline" env:"CODEARTS_BASELINE" envDefault:"previous" help:"baseline run for 'baseline' gates: previous, previous-finished or a run id"`
	BaselineRequire bool          `flag:"baseline-required" env:"CODEARTS_BASELINE_REQUIRED" help:"fail baseline gates when no baseline run exists (default: skip them visibly)"`
	Trend           int           `flag:"trend" env:"CODEARTS_TREND" envDefault:"10" help:"earlier runs of the task shown as a trend and used by 'trend median' gates (0 = no trend, at most 50)"`
	Timeout         time.Duration `flag:"timeout" env:"CODEARTS_TIMEOUT" envDefault:"2h" modes:"perftest,workflow" help:"longest wait for the run to end"`
	OnTimeout       string        `flag:"on-timeout" env:"CODEARTS_ON_TIMEOUT" envDefault:"stop" modes:"perftest,workflow" help:"what to do with the run on timeout: stop or leave"`
	Wait            bool          `flag:"wait" env:"CODEARTS_WAIT" envDefault:"true" help:"wait for the run; false = start, print the run id, exit 0"`
	RunID           int64         `flag:"run-id" env:"CODEARTS_RUN_ID" help:"evaluate (and first wait for) an existing run instead of starting one"`
	RunTag          string        `flag:"run-tag" env:"CODEARTS_RUN_TAG" help:"tag of this CI run; a re-run with the same tag attaches to its run (default: the CI run id)"`
}

// CodeArts is the CodeArts project and its TestPlan and task template endpoints.
type CodeArts struct {
	CodeArtsProject string `flag:"codearts-project-id" env:"CODEARTS_CODEARTS_PROJECT_ID" modes:"testplan,taskmodel,perftest" help:"CodeArts project id (32 characters) of TestPlan paths — not the IAM project id"`
	TestPlanEP      string `flag:"testplan-endpoint" env:"CODEARTS_TESTPLAN_ENDPOINT" modes:"testplan,perftest" help:"TestPlan (CloudTest) endpoint (default: the region's endpoint in the official SDK, e.g. https://cloudtest-ext.{region}.myhuaweicloud.com)"`
	AttaskEP        string `flag:"attask-endpoint" env:"CODEARTS_ATTASK_ENDPOINT" modes:"taskmodel" help:"endpoint of the task template service (no documented default: required for taskmodel)"`
}

// PlanOptions are a TestPlan plan and its cases; perftest uses plan and service-id for its map.
type PlanOptions struct {
	Plan        string `flag:"plan" env:"CODEARTS_PLAN" modes:"testplan,perftest" help:"TestPlan plan: id or exact name (perftest: the plan that receives gate outcomes, with plan-case-map)"`
	CreatePlan  bool   `flag:"create-plan" env:"CODEARTS_CREATE_PLAN" help:"create the plan when no plan has that name"`
	PlanStart   string `flag:"plan-start" env:"CODEARTS_PLAN_START" help:"start date of a created plan, YYYY-MM-DD (default today)"`
	PlanEnd     string `flag:"plan-end" env:"CODEARTS_PLAN_END" help:"end date of a created plan, YYYY-MM-DD (default 14 days after the start)"`
	ServiceIDs  string `flag:"service-ids" env:"CODEARTS_SERVICE_IDS" help:"test type service ids of a created plan, comma separated (default: service-id)"`
	Assignee    string `flag:"assignee" env:"CODEARTS_ASSIGNEE" help:"user id who handles a created plan (default: the caller)"`
	ServiceID   int64  `flag:"service-id" env:"CODEARTS_SERVICE_ID" modes:"testplan,perftest" help:"test type service id of the cases (one test type per call)"`
	CaseIDs     string `flag:"case-ids" env:"CODEARTS_CASE_IDS" help:"TestPlan case ids to add to the plan, comma or newline separated (sent in batches of 50)"`
	PlanCaseMap string `flag:"plan-case-map" env:"CODEARTS_PLAN_CASE_MAP" modes:"perftest" help:"NAME=case-id lines: record the verdict of the gate or PerfTest case NAME as the result of TestPlan case case-id in plan"`
}

// TaskModelOptions are the settings of a task template execution (runner taskmodel).
type TaskModelOptions struct {
	TaskIDs       string `flag:"task-ids" env:"CODEARTS_TASK_IDS" help:"task template ids to execute, comma separated"`
	SutName       string `flag:"sut-name" env:"CODEARTS_SUT_NAME" help:"system under test: name"`
	SutBranch     string `flag:"sut-branch" env:"CODEARTS_SUT_BRANCH" help:"system under test: branch"`
	UserName      string `flag:"user-name" env:"CODEARTS_USER_NAME" help:"user name recorded with the execution"`
	TestServiceID string `flag:"test-service-id" env:"CODEARTS_TEST_SERVICE_ID" help:"test service id of the templates"`
	IP            string `flag:"ip" env:"CODEARTS_IP" help:"address of the system under test (optional)"`
	Port          string `flag:"port" env:"CODEARTS_PORT" help:"port of the system under test (optional)"`
}

// WorkflowOptions are the settings of a MAS workflow drill (runner workflow).
type WorkflowOptions struct {
	MASEndpoint  string `flag:"mas-endpoint" env:"CODEARTS_MAS_ENDPOINT" help:"MAS-HUB endpoint of the workflow API (no documented default: required for workflow)"`
	Workflow     string `flag:"workflow" env:"CODEARTS_WORKFLOW" help:"MAS workflow to run: id or exact name"`
	WFSuccess    string `flag:"workflow-success" env:"CODEARTS_WORKFLOW_SUCCESS" help:"MAS status strings that mean the drill succeeded, comma separated (each overrides the default mapping)"`
	WFFailure    string `flag:"workflow-failure" env:"CODEARTS_WORKFLOW_FAILURE" help:"MAS status strings that mean the drill failed, comma separated (each overrides the default mapping)"`
	WFWaiting    string `flag:"workflow-waiting" env:"CODEARTS_WORKFLOW_WAITING" help:"MAS status strings that mean a manual checkpoint waits for a person, comma separated (each overrides the default mapping)"`
	WFCheckpoint string `flag:"workflow-checkpoint" env:"CODEARTS_WORKFLOW_CHECKPOINT" envDefault:"wait" help:"at a manual checkpoint: wait (for a person, until the timeout), skip or retry (each checkpoint once)"`
}

// Outputs are the files a command writes.
type Outputs struct {
	JUnitFile  string `flag:"junit-file" env:"CODEARTS_JUNIT_FILE" envDefault:"codearts-junit.xml" help:"JUnit XML output path (none = do not write)"`
	ResultFile string `flag:"result-file" env:"CODEARTS_RESULT_FILE" envDefault:"codearts-result.json" help:"result JSON output path (none = do not write)"`
	DotenvFile string `flag:"dotenv-file" env:"CODEARTS_DOTENV_FILE" help:"write the outputs as a dotenv file for later jobs (GitLab artifacts:reports:dotenv): CODEARTS_TASK_RUN_ID, CODEARTS_RESULT, CODEARTS_GATES_FAILED, CODEARTS_JUNIT_PATH, CODEARTS_RESULT_PATH"`
	HTMLReport string `flag:"html-report" env:"CODEARTS_HTML_REPORT" modes:"perftest" help:"self-contained HTML report path (optional)"`
}

// Runtime is how the runner runs: simulator, clock, pace of the wait, HTTP retries, logging.
type Runtime struct {
	Simulate       bool          `flag:"simulate" env:"CODEARTS_SIMULATE" help:"run against the built-in simulator (a complete demo when nothing else is set)"`
	SimScale       float64       `flag:"sim-scale" env:"CODEARTS_SIM_SCALE" modes:"perftest,testplan,taskmodel,simulate,workflow" help:"simulator clock in simulated seconds per real second (default 60 with --simulate and for runner simulate, else 1); every wait, timeout and stage plan is read on that clock — give it when pointing the endpoints at a runner simulate of another scale"`
	Addr           string        `flag:"addr" env:"CODEARTS_ADDR" envDefault:"127.0.0.1:8080" modes:"simulate" help:"address the simulator listens on"`
	PollInterval   time.Duration `flag:"poll-interval" env:"CODEARTS_POLL_INTERVAL" envDefault:"1s" modes:"perftest,workflow" help:"shortest interval between two reads of the run's status (the wait adapts between this and 10x it)"`
	CallsPerMinute int           `flag:"max-calls-per-minute" env:"CODEARTS_MAX_CALLS_PER_MINUTE" envDefault:"30" modes:"perftest,workflow" help:"ceiling on API calls per minute while waiting (0 = none)"`
	RequestTimeout time.Duration `flag:"request-timeout" env:"CODEARTS_REQUEST_TIMEOUT" envDefault:"30s" help:"timeout of one HTTP request attempt"`
	Retries        int           `flag:"retries" env:"CODEARTS_RETRIES" envDefault:"4" help:"retries of an idempotent request (429, 5xx but 501, network errors)"`
	Debug          bool          `flag:"debug" env:"CODEARTS_DEBUG" modes:"perftest,testplan,taskmodel,simulate,workflow" help:"log HTTP traffic (secrets redacted)"`
}

// DefinitionOptions are a PerfTest definition file's settings (issue 14: tests as code).
type DefinitionOptions struct {
	Definition string `flag:"definition" env:"CODEARTS_DEFINITION" help:"PerfTest definition file (YAML): create or update its suite, task and cases, then run them with its gates"`
	Profile    string `flag:"profile" env:"CODEARTS_PROFILE" help:"profile of the definition file to apply, e.g. pr or nightly"`
	DryRun     bool   `flag:"dry-run" env:"CODEARTS_DRY_RUN" help:"print the definition's plan of changes, write nothing and start nothing"`
	SyncOnly   bool   `flag:"sync-only" env:"CODEARTS_SYNC_ONLY" help:"apply the definition without starting a run"`
	Preflight  bool   `flag:"preflight" env:"CODEARTS_PREFLIGHT" help:"debug every case of the definition once before the start; a failing request fails the step (exit 3) and no load starts"`
}

// field is one setting as flags, help and validation use it.
type field struct {
	Setting
	index []int // in Settings, for reflect's FieldByIndex
	name  string
	Kind  reflect.Kind
}

var fields = describe()

// describe lists the settings of every option group in declaration order. A setting's modes are
// its own tag, else its group's.
func describe() []field {
	t := reflect.TypeFor[Settings]()
	var out []field
	for _, sf := range reflect.VisibleFields(t) {
		if sf.Anonymous {
			continue
		}
		modes := cmp.Or(sf.Tag.Get("modes"), t.Field(sf.Index[0]).Tag.Get("modes"))
		f := field{index: sf.Index, name: sf.Name, Kind: sf.Type.Kind(), Setting: Setting{Flag: sf.Tag.Get("flag"),
			Env: sf.Tag.Get("env"), Input: sf.Tag.Get("flag"), Fallback: sf.Tag.Get("fallback"), Default: sf.Tag.Get("envDefault"),
			Help: sf.Tag.Get("help"), Secret: sf.Tag.Get("secret") == "true"}}
		for _, m := range strings.Split(modes, ",") {
			f.Modes = append(f.Modes, Mode(m))
		}
		out = append(out, f)
	}
	return out
}

// InputName is the GitHub Actions variable carrying the input of a flag: the runner upper-cases
// the name and keeps dashes (INPUT_PROJECT-ID).
func InputName(flagName string) string { return "INPUT_" + strings.ToUpper(flagName) }

// UsageError is a problem with the settings or the command line: exit code 2, nothing started.
type UsageError struct {
	Problems []string
}

// Error lists every problem, one per line.
func (e *UsageError) Error() string {
	if len(e.Problems) == 1 {
		return "invalid settings: " + e.Problems[0]
	}
	return "invalid settings:\n  - " + strings.Join(e.Problems, "\n  - ")
}

// Load reads the settings of mode from environ (a KEY=value map, never os.Environ directly
// in tests) and args (command-line flags, which win). Precedence, highest first: flag,
// CODEARTS_* variable, GitHub input INPUT_*, the SDK's HUAWEICLOUD_SDK_* fallback, default.
// Empty values count as unset. Help output goes to help; flag.ErrHelp is returned for -h.
// On a *UsageError the settings read so far are returned with it (never use them to act).
func Load(mode Mode, args []string, environ map[string]string, help io.Writer) (*Settings, error) {
	merged := map[string]string{}
	for _, f := range fields {
		for _, key := range []string{f.Env, InputName(f.Flag), f.Fallback} {
			if key == "" {
				continue
			}
			if v, ok := environ[key]; ok && v != "" {
				merged[f.Env] = v
				break
			}
		}
	}
	// Flags are read as text into the same map, keyed by the variable (a flag wins): one
	// converter, caarlos0/env, turns the merged map into Settings.
	var problems []string
	flagged := map[string]int{} // variable → index of its flag's slot in problems (filled after the conversion)
	fs := flag.NewFlagSet("runner "+string(mode), flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	for _, f := range fields {
		if !slices.Contains(f.Modes, mode) {
			continue
		}
		set := func(v string) error {
			merged[f.Env] = v
			if _, ok := flagged[f.Env]; !ok {
				flagged[f.Env] = len(problems)
				problems = append(problems, "")
			}
			return nil
		}
		if f.Kind == reflect.Bool {
			fs.BoolFunc(f.Flag, f.Help, set)
		} else {
			fs.Func(f.Flag, f.Help, set)
		}
	}
	// The flag package stops at the first problem; parsing goes on after it (and after a stray
	// argument) so that every bad flag is reported at once.
	for rest := args; len(rest) > 0; {
		err := fs.Parse(rest)
		if errors.Is(err, flag.ErrHelp) {
			WriteHelp(help, mode)
			return nil, err
		}
		if err != nil {
			problems = append(problems, flagProblem(err))
			if len(fs.Args()) == len(rest) {
				rest = rest[1:] // bad flag syntax (---x, -=x): the flag package keeps it
			} else {
				rest = fs.Args()
			}
			continue
		}
		if fs.NArg() == 0 {
			break
		}
		problems = append(problems, fmt.Sprintf("unexpected argument %q: settings are --name=value flags (see --help)", fs.Arg(0)))
		rest = fs.Args()[1:]
	}
	s := &Settings{}
	var envErrs []string
	if err := env.ParseWithOptions(s, env.Options{Environment: merged}); err != nil {
		for _, p := range envProblems(err, merged, flagged) {
			if i, ok := flagged[p.env]; ok {
				problems[i] = p.msg // a flag's problem where the flag was given
			} else {
				envErrs = append(envErrs, p.msg)
			}
		}
	}
	// An empty flag sets its setting to empty (a variable that is empty counts as unset): the
	// library would take the default instead.
	rv := reflect.ValueOf(s).Elem()
	for _, f := range fields {
		if i, ok := flagged[f.Env]; ok && merged[f.Env] == "" && f.Default != "" {
			if f.Kind == reflect.String {
				rv.FieldByIndex(f.index).SetString("")
			} else {
				problems[i] = fmt.Sprintf("--%s %q is not %s", f.Flag, "", expected(rv.FieldByIndex(f.index).Type()))
			}
		}
	}
	problems = append(envErrs, problems...)
	problems = slices.DeleteFunc(problems, func(p string) bool { return p == "" })
	if len(problems) > 0 {
		// The settings as far as they were read come with the error: the output paths of a
		// refused command, so that it can still write result=error.
		return s, &UsageError{Problems: problems}
	}
	return s, nil
}

// flagProblem rewords an error of the flag package with the flag as it is written (--name).
func flagProblem(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return fmt.Sprintf("unknown flag --%s (see --help for the settings of this command)", name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return fmt.Sprintf("--%s needs a value (--%s=value)", name, name)
	}
	// invalid value "abc" for flag -run-id: "abc" is not a whole number
	for _, p := range [][2]string{{"invalid value ", " for flag -"}, {"invalid boolean value ", " for -"}} {
		if rest, ok := strings.CutPrefix(msg, p[0]); ok {
			if i := strings.Index(rest, p[1]); i >= 0 {
				name, why, _ := strings.Cut(rest[i+len(p[1]):], ": ")
				return fmt.Sprintf("--%s %s", name, why)
			}
		}
	}
	return msg
}

// problem is one conversion problem and the variable it is about ("" when none).
type problem struct{ env, msg string }

// envProblems turns the library's errors into messages naming the setting as it was given
// (the flag, else the variable), the value and the expected form.
func envProblems(err error, merged map[string]string, flagged map[string]int) []problem {
	errs := []error{err}
	var agg env.AggregateError
	if errors.As(err, &agg) {
		errs = agg.Errors
	}
	out := make([]problem, 0, len(errs))
	for _, e := range errs {
		var pe env.ParseError
		if errors.As(e, &pe) {
			for _, f := range fields {
				if f.name != pe.Name {
					continue
				}
				if _, ok := flagged[f.Env]; ok {
					out = append(out, problem{f.Env, fmt.Sprintf("--%s %q is not %s", f.Flag, merged[f.Env], expected(pe.Type))})
				} else {
					out = append(out, problem{f.Env, fmt.Sprintf("%s (--%s) %q is not %s", f.Env, f.Flag, merged[f.Env], expected(pe.Type))})
				}
			}
			continue
		}
		out = append(out, problem{"", e.Error()})
	}
	return out
}

// expected names the form a value of type t takes.
func expected(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[time.Duration]():
		return "a duration such as 90s, 30m or 2h"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() == reflect.Float64:
		return "a number"
	default:
		return "a whole number"
	}
}

// Setting describes one setting for documentation (README table, action.yml, extension).
type Setting struct {
	Flag, Env, Input, Fallback, Default, Help string
	Secret                                    bool
	Modes                                     []Mode
}

// All lists every setting in declaration order.
func All() []Setting {
	out := make([]Setting, 0, len(fields))
	for _, f := range fields {
		out = append(out, f.Setting)
	}
	return out
}

// WriteHelp lists every setting of mode with its variable and default.
func WriteHelp(w io.Writer, mode Mode) {
	fmt.Fprintf(w, "Usage: runner %s [--setting=value ...]\n\nEvery setting is also an environment variable, and in GitHub Actions an input of the flag's name.\n\n", mode)
	for _, f := range fields {
		if !slices.Contains(f.Modes, mode) {
			continue
		}
		def := ""
		if f.Default != "" {
			def = fmt.Sprintf(" (default %s)", f.Default)
		}
		fb := ""
		if f.Fallback != "" {
			fb = ", or " + f.Fallback
		}
		fmt.Fprintf(w, "  --%s\n        %s%s\n        env %s%s\n", f.Flag, f.Help, def, f.Env, fb)
	}
}

// Scale returns the service clock's speed: the sim-scale setting, else 60 for the simulator and
// 1 for the real service.
func (s *Settings) Scale(simulator bool) float64 {
	switch {
	case s.SimScale > 0:
		return s.SimScale
	case simulator:
		return 60
	}
	return 1
}

// Secrets returns the non-empty secret values, for masking and for sweeping outputs.
func (s *Settings) Secrets() []string {
	rv := reflect.ValueOf(s).Elem()
	var out []string
	for _, f := range fields {
		if f.Secret {
			if v := rv.FieldByIndex(f.index).String(); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// Public returns the settings of mode as flag name → value, without secrets and without
// unset values, for result files and logs.
func (s *Settings) Public(mode Mode) map[string]string {
	rv := reflect.ValueOf(s).Elem()
	out := map[string]string{}
	for _, f := range fields {
		if f.Secret || !slices.Contains(f.Modes, mode) {
			continue
		}
		v := rv.FieldByIndex(f.index)
		if v.IsZero() {
			continue
		}
		if f.Flag == "variables" {
			// Variable values often carry the system under test's credentials: names only.
			var names []string
			for _, e := range splitEntries(v.String(), "\n;") {
				name, _, _ := strings.Cut(e, "=")
				names = append(names, strings.TrimSpace(name)+"=***")
			}
			out[f.Flag] = strings.Join(names, "\n")
			continue
		}
		out[f.Flag] = fmt.Sprint(v.Interface())
	}
	return out
}
