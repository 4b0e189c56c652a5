package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// Flags go into the same map as the environment, keyed by the variable, and one converter
// (caarlos0/env) reads it: a flag wins before anything is converted, and a bad value is named as
// it was given.
func TestFlagsMergedBeforeConversion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		env   map[string]string
		args  []string
		check func(s *Settings) bool
		want  []string // problems; none = no error
	}{
		{"a flag wins over a bad variable", with(base(), "CODEARTS_TIMEOUT", "soon"), []string{"--timeout=5m"},
			func(s *Settings) bool { return s.Timeout == 5*time.Minute }, nil},
		{"a bad flag over a good variable is named as the flag", with(base(), "CODEARTS_RUN_ID", "7"), []string{"--run-id=abc"},
			nil, []string{`--run-id "abc" is not a whole number`}},
		{"an empty flag empties a setting with a default", base(), []string{"--baseline="},
			func(s *Settings) bool { return s.Baseline == "" }, nil},
		{"an empty flag is no duration", base(), []string{"--timeout="}, nil, []string{`--timeout "" is not a duration`}},
		{"a bool flag alone is true", with(base(), "CODEARTS_WAIT", "false"), []string{"--wait"},
			func(s *Settings) bool { return s.Wait }, nil},
		{"the last of a repeated flag wins", base(), []string{"--task=a", "--task=b"},
			func(s *Settings) bool { return s.Task == "b" }, nil},
		{"bad variable and bad flag, both named", with(base(), "CODEARTS_RETRIES", "many"), []string{"--sim-scale=fast"},
			nil, []string{`CODEARTS_RETRIES (--retries) "many" is not a whole number`, `--sim-scale "fast" is not a number`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Load(PerfTest, tt.args, tt.env, nil)
			if len(tt.want) == 0 {
				if err != nil || !tt.check(s) {
					t.Fatalf("err %v, settings %+v", err, s)
				}
				return
			}
			var ue *UsageError
			if !errors.As(err, &ue) || len(ue.Problems) != len(tt.want) {
				t.Fatalf("err = %v, want problems %q", err, tt.want)
			}
			for i, w := range tt.want {
				if !strings.Contains(ue.Problems[i], w) {
					t.Errorf("problem %d = %q, want %q", i, ue.Problems[i], w)
				}
			}
		})
	}
}
