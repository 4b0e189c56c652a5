package api_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/auth"
)

const (
	ak = "AKINTEGRATIONTEST001"
	sk = "integration-secret-key-never-shown-0001"
)

// TestRetriesAreReSigned checks that every retry attempt of an AK/SK client carries a fresh
// X-Sdk-Date and a signature the server accepts.
func TestRetriesAreReSigned(t *testing.T) {
	t.Parallel()
	var (
		mu    sync.Mutex
		dates []string
		bad   []error
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		dates = append(dates, r.Header.Get("X-Sdk-Date"))
		if err := auth.Verify(r, body, ak, sk); err != nil {
			bad = append(bad, err)
		}
		if r.Header.Get("X-Project-Id") != "pid" {
			bad = append(bad, errors.New("no X-Project-Id"))
		}
		n := len(dates)
		mu.Unlock()
		if n < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, `{"result":{"task_run_id":7}}`)
	}))
	t.Cleanup(srv.Close)

	var tick atomic.Int64
	clock := func() time.Time {
		return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(tick.Add(1)) * time.Second)
	}
	c, err := api.New(api.Config{
		Endpoint:     srv.URL,
		Transport:    auth.NewAKSK(nil, auth.AKSK{AK: ak, SK: sk, ProjectID: "pid", Now: clock}),
		RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Result struct {
			TaskRunID int64 `json:"task_run_id"`
		} `json:"result"`
	}
	err = c.Do(context.Background(), api.Call{
		Op: "update task", Method: "PUT", Path: "/v1/pid/test-suites/1/tasks/2",
		Body: map[string]int{"status": 9}, Idempotent: true,
	}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if out.Result.TaskRunID != 7 {
		t.Errorf("decoded %+v", out)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(dates) != 3 {
		t.Fatalf("server saw %d attempts, want 3", len(dates))
	}
	if dates[0] == dates[1] || dates[1] == dates[2] {
		t.Errorf("attempts reused X-Sdk-Date: %v", dates)
	}
	for _, err := range bad {
		t.Error(err)
	}
}

// TestIAMRefusalNotRetried checks that a wrong password is not retried by the API client
// (IAM locks accounts after repeated failures) and surfaces as an *APIError naming IAM.
func TestIAMRefusalNotRetried(t *testing.T) {
	t.Parallel()
	const password = "Wrong-Pa55word-xyz"
	var iamCalls, serviceCalls atomic.Int64
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		iamCalls.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}`)
	}))
	t.Cleanup(iam.Close)
	svc := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { serviceCalls.Add(1) }))
	t.Cleanup(svc.Close)

	c, err := api.New(api.Config{
		Endpoint: svc.URL,
		Transport: auth.NewPassword(nil, auth.Password{
			IAMEndpoint: iam.URL, Username: "u", Password: password, ProjectID: "p",
		}),
		RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Do(context.Background(), api.Call{Op: "show task 42", Path: "/v1/p/tasks/42", Idempotent: true}, nil)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"show task 42", "IAM", "HTTP 401", "The username or password is wrong."} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), password) {
		t.Errorf("error shows the password: %v", err)
	}
	if !api.IsStatus(err, http.StatusUnauthorized) {
		t.Errorf("IsStatus(err, 401) = false")
	}
	if n := iamCalls.Load(); n != 1 {
		t.Errorf("IAM called %d times, want 1", n)
	}
	if n := serviceCalls.Load(); n != 0 {
		t.Errorf("service called %d times", n)
	}
}

// TestIAMOutageRetried checks that a transient IAM failure is retried for idempotent calls.
func TestIAMOutageRetried(t *testing.T) {
	t.Parallel()
	var iamCalls atomic.Int64
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if iamCalls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("X-Subject-Token", "tok")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"token":{"expires_at":"2999-01-01T00:00:00.000000Z"}}`)
	}))
	t.Cleanup(iam.Close)
	svc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Auth-Token") != "tok" {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	t.Cleanup(svc.Close)
	c, err := api.New(api.Config{
		Endpoint:     svc.URL,
		Transport:    auth.NewPassword(nil, auth.Password{IAMEndpoint: iam.URL, Username: "u", Password: "pw-secret", ProjectID: "p"}),
		RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Do(context.Background(), api.Call{Op: "list", Path: "/v1/x", Idempotent: true}, nil); err != nil {
		t.Fatal(err)
	}
	if n := iamCalls.Load(); n != 2 {
		t.Errorf("IAM called %d times, want 2", n)
	}
}

// TestAuthConfigErrorsFailFast checks that authentication settings errors are not retried.
func TestAuthConfigErrorsFailFast(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		transport http.RoundTripper
		want      string
	}{
		{"empty token", auth.NewToken(nil, ""), "IAM token is empty"},
		{"empty SK", auth.NewAKSK(nil, auth.AKSK{AK: ak}), "secret key (SK) is empty"},
		{"missing IAM settings", auth.NewPassword(nil, auth.Password{IAMEndpoint: "http://127.0.0.1:1", Password: "pw"}), "missing user name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := api.New(api.Config{
				Endpoint: "http://127.0.0.1:1", Transport: tt.transport,
				RetryWaitMin: time.Hour, RetryWaitMax: time.Hour, // a retry would outlive ctx
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err = c.Do(ctx, api.Call{Op: "list", Path: "/x", Idempotent: true}, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) || errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want an immediate %q", err, tt.want)
			}
		})
	}
}
