package config

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"
)

func TestWorkflowSettings(t *testing.T) {
	t.Parallel()
	var help bytes.Buffer
	if _, err := Load(Workflow, []string{"--help"}, nil, &help); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("want flag.ErrHelp, got %v", err)
	}
	for _, f := range []string{"mas-endpoint", "workflow", "workflow-success", "workflow-failure", "workflow-waiting", "workflow-checkpoint",
		// the settings it shares with other modes
		"region", "project-id", "ak", "sk", "security-token", "token", "username", "password", "domain", "iam-endpoint", "timeout",
		"on-timeout", "junit-file", "result-file", "dotenv-file", "simulate", "sim-scale", "poll-interval", "max-calls-per-minute",
		"request-timeout", "retries", "debug"} {
		if !strings.Contains(help.String(), "--"+f+"\n") {
			t.Errorf("runner workflow --help does not list --%s", f)
		}
	}
	for _, f := range []string{"task", "gates", "cpts-endpoint", "html-report"} {
		if strings.Contains(help.String(), "--"+f+"\n") {
			t.Errorf("runner workflow --help lists --%s, a setting it does not use", f)
		}
	}

	env := map[string]string{"CODEARTS_AK": "AK", "CODEARTS_SK": "SK-secret", "CODEARTS_MAS_ENDPOINT": "https://mas.example.com/",
		"CODEARTS_WORKFLOW": "switchover-drill", "CODEARTS_WORKFLOW_SUCCESS": "GREEN, done"}
	tests := []struct {
		name string
		set  map[string]string
		want []string // each must appear; empty = valid
	}{
		{"valid", nil, nil},
		{"every problem at once", map[string]string{"CODEARTS_MAS_ENDPOINT": "", "CODEARTS_WORKFLOW": " ", "CODEARTS_WORKFLOW_CHECKPOINT": "approve",
			"CODEARTS_WORKFLOW_FAILURE": "Done", "CODEARTS_PROJECT_ID": "p1", "CODEARTS_TIMEOUT": "0s", "CODEARTS_POLL_INTERVAL": "2m"},
			[]string{"mas-endpoint is empty", "workflow is empty", `workflow-checkpoint "approve" is not valid: use wait, skip or retry`,
				`status "Done" is named in both workflow-success and workflow-failure`, `project-id "p1"`, "timeout 0s is out of range", "poll-interval 2m0s is out of range"}},
		{"endpoint not a URL", map[string]string{"CODEARTS_MAS_ENDPOINT": "mas.example.com"}, []string{`mas-endpoint "mas.example.com" is not an http(s) URL`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := map[string]string{}
			for k, v := range env {
				e[k] = v
			}
			for k, v := range tc.set {
				e[k] = v
			}
			s, err := Load(Workflow, nil, e, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = s.Validate(Workflow)
			if len(tc.want) == 0 {
				if err != nil || s.MAS() != "https://mas.example.com" || len(StatusList(s.WFSuccess)) != 2 {
					t.Fatalf("valid settings: %v, endpoint %q, success %q", err, s.MAS(), StatusList(s.WFSuccess))
				}
				return
			}
			for _, w := range tc.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error %v does not mention %q", err, w)
				}
				// One problem per setting: workflow reported project-id, timeout and
				// poll-interval twice, in two wordings.
				if name, _, _ := strings.Cut(w, " "); err != nil && strings.Count(err.Error(), "\n  - "+name+" ") > 1 {
					t.Errorf("error %v names %s more than once", err, name)
				}
			}
		})
	}
}
