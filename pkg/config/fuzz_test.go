package config

import (
	"errors"
	"flag"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary command lines and environments to the loader and the validator:
// neither may panic, and every problem must come back as a *UsageError.
func FuzzLoad(f *testing.F) {
	f.Add("--task=x --timeout=5m", "CODEARTS_AK=a\nCODEARTS_SK=b")
	f.Add("--wait=maybe", "CODEARTS_TIMEOUT=soon\nINPUT_PROJECT-ID=p")
	f.Add("--variables=A=1;B", "CODEARTS_GATES=p95 <= 1s\nCODEARTS_RESOURCE_GROUP=-3")
	f.Add("--plan-case-map==x", "CODEARTS_PLAN_START=2026-13-40\nCODEARTS_SIM_SCALE=-1")
	f.Add("extra --help", "")
	f.Add("--gates=none --max-calls-per-minute=-5 --sim-scale=NaN", "CODEARTS_GATE=x\nINPUT_PROJECT_ID=p\nCODEARTS_JUNIT_FILE=a\nCODEARTS_RESULT_FILE=a")
	f.Fuzz(func(t *testing.T, args, environ string) {
		env := map[string]string{}
		for _, line := range strings.Split(environ, "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				env[k] = v
			}
		}
		for _, w := range UnknownNames(env, "CODEARTS_RESULT") {
			if !strings.Contains(w, "is not a setting") {
				t.Fatalf("odd warning %q", w)
			}
		}
		for _, mode := range []Mode{PerfTest, TestPlan, TaskModel, Simulate, Gates} {
			s, err := Load(mode, strings.Fields(args), env, &strings.Builder{})
			if err != nil {
				var ue *UsageError
				if !errors.As(err, &ue) && !errors.Is(err, flag.ErrHelp) {
					t.Fatalf("Load error is not a UsageError: %T %v", err, err)
				}
				continue
			}
			if err := s.Validate(mode); err != nil {
				var ue *UsageError
				if !errors.As(err, &ue) {
					t.Fatalf("Validate error is not a UsageError: %T %v", err, err)
				}
			}
			s.Public(mode)
			s.Secrets()
		}
	})
}
