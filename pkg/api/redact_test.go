package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

func TestRedactJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"flat", `{"name":"u","password":"p@ss"}`, `{"name":"u","password":"***"}`},
		{"IAM auth body", `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"u","password":"hunter2"}}}}}`,
			`{"auth":{"identity":{"methods":["password"],"password":"***"}}}`},
		{"key variants", `{"sk":"S1","user_sk":"S2","userSk":"S3","secret_access_key":"S4","X-Auth-Token":"S5","securitytoken":"S6","Pwd":"S7","taskId":1,"ask":"keep"}`,
			`{"sk":"***","user_sk":"***","userSk":"***","secret_access_key":"***","X-Auth-Token":"***","securitytoken":"***","Pwd":"***","taskId":1,"ask":"keep"}`},
		{"arrays and numbers", `[{"token":12345},{"tps":1.50,"n":null,"ok":true}]`,
			`[{"token":"***"},{"tps":1.50,"n":null,"ok":true}]`},
		{"order and unicode kept", `{"z":"中文 <b>","a":[1,2],"m":{}}`, `{"z":"中文 <b>","a":[1,2],"m":{}}`},
		{"not JSON", `plain text password=x`, `plain text password=x`},
		{"truncated JSON", `{"name":"u","password":"hunter2","sk":"abc`, `{"name":"u","password":"***","sk":"***"`},
		{"two values", `{"a":1} {"b":2}`, `{"a":1} {"b":2}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := string(RedactJSON([]byte(tt.in))); got != tt.want {
				t.Errorf("RedactJSON(%s)\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactHeaders(t *testing.T) {
	t.Parallel()
	h := http.Header{
		"Authorization":    {"SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-sdk-date, Signature=abc"},
		"X-Auth-Token":     {"tok-secret"},
		"X-Subject-Token":  {"subj-secret"},
		"X-Security-Token": {"sec-secret"},
		"X-Project-Id":     {"pid"},
	}
	got := RedactHeaders(h)
	want := http.Header{
		"Authorization":    {"SDK-HMAC-SHA256 ***"},
		"X-Auth-Token":     {"***"},
		"X-Subject-Token":  {"***"},
		"X-Security-Token": {"***"},
		"X-Project-Id":     {"pid"},
	}
	for k, v := range want {
		if strings.Join(got[k], ",") != strings.Join(v, ",") {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if h.Get("X-Auth-Token") != "tok-secret" {
		t.Error("RedactHeaders modified its input")
	}
}

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

func BenchmarkRedactJSON(b *testing.B) {
	data := []byte(`{"taskInfo":{"id":1,"name":"t","case_list":[{"case_id":1,"password":"x"},{"case_id":2}],"token":"abc"}}`)
	for b.Loop() {
		RedactJSON(data)
	}
}
