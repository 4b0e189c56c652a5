package config

import (
	"bytes"
	"errors"
	"flag"
	"slices"
	"strings"
	"testing"
	"time"
)

const pid = "0123456789abcdef0123456789abcdef"

func base() map[string]string {
	return map[string]string{
		"CODEARTS_PROJECT_ID": pid,
		"CODEARTS_AK":         "AKEXAMPLE",
		"CODEARTS_SK":         "sk-very-secret",
		"CODEARTS_TEST_SUITE": "suite",
		"CODEARTS_TASK":       "task",
	}
}

func with(m map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "<unset>" {
			delete(out, kv[i])
			continue
		}
		out[kv[i]] = kv[i+1]
	}
	return out
}

func TestLoadPrecedence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		env   map[string]string
		args  []string
		check func(*Settings) string
	}{
		{"defaults", base(), nil, func(s *Settings) string {
			if s.Region != "cn-north-4" || s.Timeout != 2*time.Hour || !s.Wait || !s.RestoreVars || s.OnTimeout != "stop" || s.JUnitFile != "codearts-junit.xml" || s.ResourceGroup != "shared" {
				return "defaults not applied"
			}
			return ""
		}},
		{"flag wins over env", with(base(), "CODEARTS_TASK", "from-env"), []string{"--task=from-flag"}, func(s *Settings) string {
			if s.Task != "from-flag" {
				return "task = " + s.Task
			}
			return ""
		}},
		{"env wins over input", with(base(), "CODEARTS_TASK", "from-env", "INPUT_TASK", "from-input"), nil, func(s *Settings) string {
			if s.Task != "from-env" {
				return "task = " + s.Task
			}
			return ""
		}},
		{"input with dashes", with(base(), "CODEARTS_PROJECT_ID", "<unset>", "INPUT_PROJECT-ID", "fedcba9876543210fedcba9876543210"), nil, func(s *Settings) string {
			if s.ProjectID != "fedcba9876543210fedcba9876543210" {
				return "project id = " + s.ProjectID
			}
			return ""
		}},
		{"empty input counts as unset", with(base(), "INPUT_TIMEOUT", ""), nil, func(s *Settings) string {
			if s.Timeout != 2*time.Hour {
				return "timeout = " + s.Timeout.String()
			}
			return ""
		}},
		{"sdk fallbacks", with(base(), "CODEARTS_AK", "<unset>", "CODEARTS_SK", "<unset>", "CODEARTS_PROJECT_ID", "<unset>",
			"HUAWEICLOUD_SDK_AK", "sdkak", "HUAWEICLOUD_SDK_SK", "sdksk", "HUAWEICLOUD_SDK_PROJECT_ID", pid, "HUAWEICLOUD_SDK_SECURITY_TOKEN", "st"), nil, func(s *Settings) string {
			if s.AK != "sdkak" || s.SK != "sdksk" || s.ProjectID != pid || s.SecurityToken != "st" {
				return "fallbacks not applied"
			}
			return ""
		}},
		{"typed flags", base(), []string{"--timeout", "90s", "--wait=false", "--run-id", "42", "--sim-scale=120"}, func(s *Settings) string {
			if s.Timeout != 90*time.Second || s.Wait || s.RunID != 42 || s.SimScale != 120 {
				return "typed flags not parsed"
			}
			return ""
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := Load(PerfTest, tc.args, tc.env, nil)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if msg := tc.check(s); msg != "" {
				t.Error(msg)
			}
			if err := s.Validate(PerfTest); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"bad duration env", with(base(), "CODEARTS_TIMEOUT", "soon"), nil, []string{"CODEARTS_TIMEOUT"}},
		{"bad duration flag", base(), []string{"--timeout=soon"}, []string{`"soon" is not a duration`}},
		{"unknown flag", base(), []string{"--tsak=x"}, []string{"tsak"}},
		{"stray argument", base(), []string{"extra"}, []string{`unexpected argument "extra"`}},
		// issue 13: every bad flag at once, each named as written
		{"every bad flag at once", base(), []string{"---x", "--run-id", "abc", "--gates", "p95 < 1s", "--timeout=x", "--bogus", "--wait=maybe", "extra", "--poll-interval=2s", "--task"},
			[]string{"bad flag syntax: ---x", `--run-id "abc" is not a whole number`, `--timeout "x" is not a duration`, "unknown flag --bogus", `--wait "maybe" is not true or false`,
				`unexpected argument "extra"`, "--task needs a value"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(PerfTest, tc.args, tc.env, nil)
			var ue *UsageError
			if !errors.As(err, &ue) {
				t.Fatalf("want *UsageError, got %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if len(ue.Problems) != len(tc.want) || strings.Contains(err.Error(), `"--gates"`) {
				t.Errorf("want %d problems (a valid flag after a bad one is no problem), got %q", len(tc.want), ue.Problems)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want []string // each must appear; empty = valid
	}{
		{"valid", base(), nil},
		{"all problems at once", with(base(), "CODEARTS_REGION", "north", "CODEARTS_PROJECT_ID", "p1", "CODEARTS_TASK", "<unset>",
			"CODEARTS_ON_TIMEOUT", "kill", "CODEARTS_RESOURCE_GROUP", "big"),
			[]string{`region "north"`, `project-id "p1"`, "task is empty", `on-timeout "kill" is not valid: use stop or leave`, `resource-group "big"`}},
		{"ak without sk", with(base(), "CODEARTS_SK", "<unset>"), []string{"ak and sk go together: ak is set but sk is empty"}},
		{"no credentials", with(base(), "CODEARTS_AK", "<unset>", "CODEARTS_SK", "<unset>"), []string{"no credentials"}},
		{"password partial", with(base(), "CODEARTS_AK", "<unset>", "CODEARTS_SK", "<unset>", "CODEARTS_USERNAME", "u", "CODEARTS_PASSWORD", "pw"), []string{"domain missing"}},
		{"bad variables", with(base(), "CODEARTS_VARIABLES", "HOST=a\nnovalue"), []string{`variables entry 2 "novalue"`}},
		{"bad baseline", with(base(), "CODEARTS_BASELINE", "last"), []string{`baseline "last" is not valid`}},
		{"bad endpoint", with(base(), "CODEARTS_CPTS_ENDPOINT", "cpts.example"), []string{`cpts-endpoint "cpts.example"`}},
		{"cases with run-id", with(base(), "CODEARTS_CASES", "1,2", "CODEARTS_RUN_ID", "7"), []string{"cases and run-id exclude each other"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := Load(PerfTest, nil, tc.env, nil)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			err = s.Validate(PerfTest)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			for _, secret := range s.Secrets() {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error leaks a secret: %q", err)
				}
			}
		})
	}
}

func TestHelpListsEverySetting(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	_, err := Load(PerfTest, []string{"--help"}, nil, &buf)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("want flag.ErrHelp, got %v", err)
	}
	for _, s := range All() {
		inPerf := false
		for _, m := range s.Modes {
			inPerf = inPerf || m == PerfTest
		}
		if inPerf && !strings.Contains(buf.String(), "--"+s.Flag+"\n") {
			t.Errorf("help does not list --%s", s.Flag)
		}
		if inPerf && !strings.Contains(buf.String(), s.Env) {
			t.Errorf("help does not list %s", s.Env)
		}
	}
}

// TestEverySettingHasModes guards the option groups: a setting takes its group's modes unless it
// names its own, so a setting added to a group without modes must name them, and every mode is
// one that a command checks.
func TestEverySettingHasModes(t *testing.T) {
	t.Parallel()
	for _, s := range All() {
		if len(s.Modes) == 0 || slices.ContainsFunc(s.Modes, func(m Mode) bool { return len(commands[m]) == 0 }) {
			t.Errorf("--%s has modes %q: want commands of the runner (give the setting or its group a modes tag)", s.Flag, s.Modes)
		}
	}
}

func TestPublicAndSecrets(t *testing.T) {
	t.Parallel()
	s, err := Load(PerfTest, []string{"--password=pw-secret", "--token=tok-secret", "--variables=DB_PASS=hunter22\nHOST=h"}, base(), nil)
	if err != nil {
		t.Fatal(err)
	}
	pub := s.Public(PerfTest)
	for k, v := range pub {
		for _, sec := range []string{"sk-very-secret", "pw-secret", "tok-secret"} {
			if strings.Contains(v, sec) {
				t.Errorf("public setting %s leaks a secret", k)
			}
		}
	}
	if pub["variables"] != "DB_PASS=***\nHOST=***" || strings.Contains(pub["variables"], "hunter22") {
		t.Errorf("variable values are shown: %q", pub["variables"])
	}
	if pub["task"] != "task" || pub["ak"] != "AKEXAMPLE" {
		t.Errorf("public settings incomplete: %v", pub)
	}
	got := strings.Join(s.Secrets(), ",")
	for _, sec := range []string{"sk-very-secret", "pw-secret", "tok-secret"} {
		if !strings.Contains(got, sec) {
			t.Errorf("Secrets() misses %q", sec)
		}
	}
}

func TestEndpointsDeriveFromRegion(t *testing.T) {
	t.Parallel()
	s, err := Load(PerfTest, []string{"--region=ap-southeast-3"}, base(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Endpoint(); got != "https://cpts.ap-southeast-3.myhuaweicloud.com" {
		t.Errorf("cpts endpoint %s", got)
	}
	if got := s.IAM(); got != "https://iam.ap-southeast-3.myhuaweicloud.com" {
		t.Errorf("iam endpoint %s", got)
	}
}

// issue 11: project-id is a setting of every mode and optional; taskmodel needs an IAM token.
func TestValidateProjectScopeAndAttaskAuth(t *testing.T) {
	t.Parallel()
	tp := map[string]string{"CODEARTS_CODEARTS_PROJECT_ID": strings.Repeat("a1", 16), "CODEARTS_PLAN": "p",
		"CODEARTS_SERVICE_ID": "1", "CODEARTS_CASE_IDS": "c1", "CODEARTS_ATTASK_ENDPOINT": "https://attask.example",
		"CODEARTS_TASK_IDS": "t1"}
	pw := []string{"CODEARTS_USERNAME", "u", "CODEARTS_PASSWORD", "pw-secret", "CODEARTS_DOMAIN", "d"}
	for _, tc := range []struct {
		name   string
		mode   Mode
		env    map[string]string
		args   []string
		want   string // "" = valid
		method string
	}{
		{"perftest without project-id", PerfTest, with(base(), "CODEARTS_PROJECT_ID", "<unset>"), nil, "", AuthAKSK},
		{"perftest bad project-id", PerfTest, with(base(), "CODEARTS_PROJECT_ID", "P1"), nil, `project-id "P1" is not an IAM project id`, ""},
		{"testplan takes --project-id", TestPlan, tp, []string{"--project-id=" + pid, "--ak=a", "--sk=s"}, "", AuthAKSK},
		{"taskmodel takes --project-id", TaskModel, tp, []string{"--project-id=" + pid, "--token=t"}, "", AuthToken},
		{"testplan bad project-id", TestPlan, tp, []string{"--project-id=x", "--token=t"}, `project-id "x"`, ""},
		{"taskmodel refuses ak/sk alone", TaskModel, with(tp, "CODEARTS_AK", "a", "CODEARTS_SK", "sk-very-secret"), nil,
			"taskmodel cannot use ak/sk: the task template service (attask) requires an IAM token", ""},
		{"taskmodel prefers password over ak/sk", TaskModel, with(with(tp, pw...), "CODEARTS_AK", "a", "CODEARTS_SK", "s"), nil, "", AuthPassword},
		{"taskmodel partial password", TaskModel, with(tp, "CODEARTS_AK", "a", "CODEARTS_SK", "s", "CODEARTS_USERNAME", "u"), nil, "domain missing", ""},
		{"testplan keeps ak/sk first", TestPlan, with(with(tp, pw...), "CODEARTS_AK", "a", "CODEARTS_SK", "s"), nil, "", AuthAKSK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := Load(tc.mode, tc.args, tc.env, nil)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			err = s.Validate(tc.mode)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if tc.method != "" {
				if m, _ := s.AuthFor(tc.mode); m != tc.method {
					t.Errorf("method %s, want %s", m, tc.method)
				}
			}
		})
	}
}
