package api

import (
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestDebugLogRedacts(t *testing.T) {
	t.Parallel()
	secrets := []string{"hunter2", "SK-SECRET-1", "subject-token-xyz", "resp-token-abc", "nested-secret"}
	s := newScript(t, reply{
		status: 201,
		headers: map[string]string{
			"X-Subject-Token": "subject-token-xyz",
			"X-Request-Id":    "rid-77",
			"Content-Type":    "application/json",
		},
		body: `{"token":{"id":"resp-token-abc"},"task_id":42}`,
	})
	log, buf := captureLogger(slog.LevelDebug)
	cfg := fastConfig(s.srv.URL)
	cfg.Logger, cfg.Debug = log, true
	body := map[string]any{
		"name": "ci", "password": "hunter2", "sk": "SK-SECRET-1",
		"cfg": map[string]any{"client_secret": "nested-secret"},
	}
	var out map[string]any
	if err := mustNew(t, cfg).Do(context.Background(),
		Call{Op: "create task", Method: "POST", Path: "/v1/p/tasks", Body: body}, &out); err != nil {
		t.Fatal(err)
	}
	if out["task_id"] != float64(42) {
		t.Errorf("debug logging changed the decoded body: %v", out)
	}
	logged := buf.String()
	for _, want := range []string{"level=DEBUG", "method=POST", "/v1/p/tasks", "status=201", "duration=",
		"rid-77", `\"name\":\"ci\"`, `\"task_id\":42`, "***", `op="create task"`} {
		if !strings.Contains(logged, want) {
			t.Errorf("debug log lacks %q:\n%s", want, logged)
		}
	}
	for _, secret := range secrets {
		if strings.Contains(logged, secret) {
			t.Errorf("debug log shows secret %q:\n%s", secret, logged)
		}
	}
}

func TestDebugLogOff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		debug bool
		level slog.Level
	}{
		{"Debug false", false, slog.LevelDebug},
		{"logger above debug", true, slog.LevelInfo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newScript(t, reply{body: `{}`})
			log, buf := captureLogger(tt.level)
			cfg := fastConfig(s.srv.URL)
			cfg.Logger, cfg.Debug = log, tt.debug
			if err := mustNew(t, cfg).Do(context.Background(), Call{Path: "/x"}, nil); err != nil {
				t.Fatal(err)
			}
			if buf.String() != "" {
				t.Errorf("unexpected log output:\n%s", buf)
			}
		})
	}
}

func TestDebugLogFailedAttempt(t *testing.T) {
	t.Parallel()
	s := newScript(t, reply{drop: true})
	log, buf := captureLogger(slog.LevelDebug)
	cfg := fastConfig(s.srv.URL)
	cfg.Logger, cfg.Debug = log, true
	if err := mustNew(t, cfg).Do(context.Background(), Call{Op: "start", Method: "POST", Path: "/x"}, nil); err == nil {
		t.Fatal("no error")
	}
	if !strings.Contains(buf.String(), "HTTP request failed") {
		t.Errorf("failed attempt not logged:\n%s", buf)
	}
}
