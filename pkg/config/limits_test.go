package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// problems loads env for mode and returns the validation problems ("" when valid).
func problems(t *testing.T, mode Mode, env map[string]string, args ...string) string {
	t.Helper()
	s, err := Load(mode, args, env, nil)
	if err != nil {
		return err.Error()
	}
	if err := s.Validate(mode); err != nil {
		return err.Error()
	}
	return ""
}

func TestNumericSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		mode Mode
		args []string
		want []string // every fragment must appear; nil = valid
	}{
		{"defaults", PerfTest, nil, nil},
		{"sim-scale NaN", PerfTest, []string{"--sim-scale=NaN"}, []string{"sim-scale NaN", "between 1 and 100000"}},
		{"sim-scale +Inf", PerfTest, []string{"--sim-scale=+Inf"}, []string{"sim-scale +Inf", "between 1 and 100000"}},
		{"sim-scale -Inf", Simulate, []string{"--sim-scale=-Inf"}, []string{"sim-scale -Inf"}},
		{"sim-scale negative", TestPlan, []string{"--sim-scale=-1"}, []string{"sim-scale -1"}},
		{"sim-scale too small", PerfTest, []string{"--sim-scale=1e-300"}, []string{"sim-scale 1e-300"}},
		{"sim-scale too large", PerfTest, []string{"--sim-scale=1e9"}, []string{"sim-scale 1e+09"}},
		{"sim-scale in range", PerfTest, []string{"--sim-scale=600"}, nil},
		{"sim-scale 0 is the default", PerfTest, []string{"--sim-scale=0"}, nil},
		{"max-calls-per-minute negative", PerfTest, []string{"--max-calls-per-minute=-5"}, []string{"max-calls-per-minute -5", "between 1 and 10000, or 0"}},
		{"max-calls-per-minute huge", PerfTest, []string{"--max-calls-per-minute=99999999"}, []string{"max-calls-per-minute 99999999"}},
		{"max-calls-per-minute 0 = none", PerfTest, []string{"--max-calls-per-minute=0"}, nil},
		{"timeout negative", PerfTest, []string{"--timeout=-5s"}, []string{"timeout -5s is out of range", "between 1s and 720h"}},
		{"timeout zero", PerfTest, []string{"--timeout=0s"}, []string{"timeout 0s"}},
		{"timeout a year", PerfTest, []string{"--timeout=8760h"}, []string{"timeout 8760h0m0s", "720h"}},
		{"poll-interval negative", PerfTest, []string{"--poll-interval=-1s"}, []string{"poll-interval -1s", "between 10ms and 1m"}},
		{"request-timeout negative", TestPlan, []string{"--request-timeout=-30s"}, []string{"request-timeout -30s", "between 10ms and 1h"}},
		{"request-timeout a day", TaskModel, []string{"--request-timeout=24h"}, []string{"request-timeout 24h0m0s"}},
		{"retries negative", PerfTest, []string{"--retries=-1"}, []string{"retries -1", "between 0 and 20"}},
		{"retries 21", PerfTest, []string{"--retries=21"}, []string{"retries 21"}},
		{"run-id negative", PerfTest, []string{"--run-id=-7"}, []string{"run-id -7", "positive id"}},
		{"port 0", TaskModel, []string{"--port=0"}, []string{`port "0"`, "between 1 and 65535"}},
		{"port words", TaskModel, []string{"--port=http"}, []string{`port "http"`}},
		{"port ok", TaskModel, []string{"--port=8443"}, nil},
		{"addr without port", Simulate, []string{"--addr=localhost"}, []string{`addr "localhost"`, "host:port"}},
		{"addr port out of range", Simulate, []string{"--addr=127.0.0.1:70000"}, []string{`addr "127.0.0.1:70000"`}},
		{"addr ok", Simulate, []string{"--addr=127.0.0.1:0"}, nil},
		{"every problem at once", PerfTest, []string{"--sim-scale=NaN", "--max-calls-per-minute=-5", "--timeout=-1h", "--retries=99"},
			[]string{"sim-scale NaN", "max-calls-per-minute -5", "timeout -1h0m0s", "retries 99"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := base()
			if tc.mode == TestPlan || tc.mode == TaskModel {
				env = with(env, "CODEARTS_CODEARTS_PROJECT_ID", strings.Repeat("a", 32), "CODEARTS_PLAN", "p", "CODEARTS_SERVICE_ID", "1",
					"CODEARTS_CASE_IDS", "c1", "CODEARTS_ATTASK_ENDPOINT", "https://attask.example", "CODEARTS_TASK_IDS", "t1")
			}
			if tc.mode == TaskModel { // attask takes a token only
				env = with(env, "CODEARTS_AK", "", "CODEARTS_SK", "", "CODEARTS_TOKEN", "tok")
			}
			got := problems(t, tc.mode, env, tc.args...)
			if tc.want == nil {
				if got != "" {
					t.Fatalf("unexpected problems: %s", got)
				}
				return
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("problems %q do not mention %q", got, w)
				}
			}
		})
	}
}

func TestGatesSetting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		gates string
		file  string
		none  bool
		want  string // a fragment of the problem; "" = valid
	}{
		{"unset", "", "", false, ""},
		{"none", "none", "", true, ""},
		{"None with blanks and a comment", "\n  None  # smoke run, judged on finishing\n", "", true, ""},
		{"NONE", "NONE", "", true, ""},
		{"a gate", "p95 <= 1s", "", false, ""},
		{"a metric named like none is still a gate text", "nonexistent <= 1", "", false, ""},
		{"none with a gate", "none\np95 <= 1s", "", true, `gates says "none" (a run without gates) next to other gates`},
		{"none with a gate after ;", "p95 <= 1s; none", "", true, "next to other gates"},
		{"none with a gates file", "none", "gates.yaml", true, `next to gates-file "gates.yaml"`},
		{"over 1 MiB", strings.Repeat("p95 <= 1s\n", MaxGatesBytes/10+1), "", false, "at most 1048576 bytes (1 MiB)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := with(base(), "CODEARTS_GATES", tc.gates, "CODEARTS_GATES_FILE", tc.file)
			s, err := Load(PerfTest, nil, env, nil)
			if err != nil {
				t.Fatal(err)
			}
			if s.GatesNone() != tc.none {
				t.Errorf("GatesNone() = %v, want %v", s.GatesNone(), tc.none)
			}
			for _, mode := range []Mode{PerfTest, Gates} {
				err := s.Validate(mode)
				switch {
				case tc.want == "" && err != nil:
					t.Errorf("%s: unexpected %v", mode, err)
				case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
					t.Errorf("%s: got %v, want a problem with %q", mode, err, tc.want)
				}
			}
		})
	}
}

func TestOutputsOnOneFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.xml")
	if err := os.WriteFile(existing, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(existing, link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		mode Mode
		env  []string
		want string // "" = valid
	}{
		{"defaults", PerfTest, nil, ""},
		{"junit and result on one path", PerfTest, []string{"CODEARTS_JUNIT_FILE", "out.xml", "CODEARTS_RESULT_FILE", "./out.xml"}, `junit-file and result-file name the same file "./out.xml"`},
		{"result and html, absolute and relative", PerfTest, []string{"CODEARTS_RESULT_FILE", filepath.Join(dir, "r"), "CODEARTS_HTML_REPORT", filepath.Join(dir, "x", "..", "r")}, "result-file and html-report"},
		{"dotenv through a link", TestPlan, []string{"CODEARTS_JUNIT_FILE", existing, "CODEARTS_DOTENV_FILE", link}, "junit-file and dotenv-file"},
		{"an output over the gates file", PerfTest, []string{"CODEARTS_GATES_FILE", "gates.yaml", "CODEARTS_JUNIT_FILE", "gates.yaml"}, "gates-file and junit-file"},
		{"html-report is not an output of testplan", TestPlan, []string{"CODEARTS_JUNIT_FILE", "a", "CODEARTS_HTML_REPORT", "a"}, ""},
		{"none twice", PerfTest, []string{"CODEARTS_JUNIT_FILE", "none", "CODEARTS_RESULT_FILE", "none"}, ""},
		{"a device may be shared", PerfTest, []string{"CODEARTS_JUNIT_FILE", os.DevNull, "CODEARTS_RESULT_FILE", os.DevNull}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := with(base(), "CODEARTS_CODEARTS_PROJECT_ID", strings.Repeat("a", 32), "CODEARTS_PLAN", "p", "CODEARTS_SERVICE_ID", "1", "CODEARTS_CASE_IDS", "c1")
			env = with(env, tc.env...)
			got := problems(t, tc.mode, env)
			if tc.want == "" && got != "" {
				t.Fatalf("unexpected: %s", got)
			}
			if !strings.Contains(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestUnknownNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		also []string
		want []string // the warnings, in order
	}{
		{"settings, inputs and others are quiet", map[string]string{"CODEARTS_GATES": "x", "INPUT_PROJECT-ID": "p", "INPUT_MODE": "perftest",
			"INPUT_VERSION": "v1", "HUAWEICLOUD_SDK_AK": "a", "PATH": "/bin", "GITHUB_ACTIONS": "true"}, nil, nil},
		{"a missing letter", map[string]string{"CODEARTS_GATE": "p95 <= 1s"}, nil,
			[]string{"CODEARTS_GATE is not a setting and is ignored; did you mean CODEARTS_GATES?"}},
		{"a missing underscore", map[string]string{"CODEARTS_SIMSCALE": "60", "CODEARTS_TIMEOUTS": "1h"}, nil,
			[]string{"CODEARTS_SIMSCALE is not a setting and is ignored; did you mean CODEARTS_SIM_SCALE?",
				"CODEARTS_TIMEOUTS is not a setting and is ignored; did you mean CODEARTS_TIMEOUT?"}},
		{"lower case", map[string]string{"codearts_task": "t"}, nil,
			[]string{"codearts_task is not a setting and is ignored; did you mean CODEARTS_TASK?"}},
		{"an input with an underscore for a dash", map[string]string{"INPUT_PROJECT_ID": "p"}, nil,
			[]string{"INPUT_PROJECT_ID is not a setting and is ignored; did you mean INPUT_PROJECT-ID?"}},
		{"an input misspelt", map[string]string{"INPUT_GATE-FILE": "g.yaml"}, nil,
			[]string{"INPUT_GATE-FILE is not a setting and is ignored; did you mean INPUT_GATES-FILE?"}},
		{"nothing near", map[string]string{"CODEARTS_COMPLETELY_DIFFERENT": "1"}, nil,
			[]string{"CODEARTS_COMPLETELY_DIFFERENT is not a setting and is ignored (runner <command> --help lists the settings and their variables)"}},
		{"names written for later jobs", map[string]string{"CODEARTS_RESULT": "passed", "CODEARTS_TASK_RUN_ID": "9"}, []string{"CODEARTS_RESULT", "CODEARTS_TASK_RUN_ID"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := UnknownNames(tc.env, tc.also...)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got\n  %q\nwant\n  %q", got, tc.want)
			}
		})
	}
}

// TestActionInputsAreKnown keeps the INPUT_* allow list in step with action.yml: every input is
// a setting or one of actionOnlyInputs, and every action-only input exists.
func TestActionInputsAreKnown(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Inputs map[string]any `yaml:"inputs"`
	}
	if err := yaml.Unmarshal(data, &action); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for name := range action.Inputs {
		env[InputName(name)] = "x"
	}
	if w := UnknownNames(env); len(w) > 0 {
		t.Errorf("inputs of action.yml unknown to the runner:\n%s", strings.Join(w, "\n"))
	}
	for _, in := range actionOnlyInputs {
		if _, ok := action.Inputs[in]; !ok {
			t.Errorf("actionOnlyInputs lists %q, which action.yml does not declare", in)
		}
	}
}
