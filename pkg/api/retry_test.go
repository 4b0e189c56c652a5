package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRetryPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		method     string
		idempotent bool
		replies    []reply
		wantCalls  int64
		wantStatus int // 0 = success
		wantErr    bool
	}{
		{
			name: "429 with long Retry-After is clamped", method: "GET", idempotent: true,
			replies:   []reply{{status: 429, headers: map[string]string{"Retry-After": "3600"}}, {body: `{"n":1}`}},
			wantCalls: 2,
		},
		{
			name: "429 with HTTP-date Retry-After", method: "GET", idempotent: true,
			replies: []reply{{status: 429, headers: map[string]string{
				"Retry-After": time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}}, {body: `{"n":1}`}},
			wantCalls: 2,
		},
		{
			name: "503 burst then success", method: "GET", idempotent: true,
			replies:   []reply{{status: 503}, {status: 503}, {status: 503}, {body: `{"n":1}`}},
			wantCalls: 4,
		},
		{
			name: "500 and 502 retried", method: "PUT", idempotent: true,
			replies:   []reply{{status: 500}, {status: 502}, {body: `{"n":1}`}},
			wantCalls: 3,
		},
		{
			name: "503 until retries run out keeps the status", method: "GET", idempotent: true,
			replies:   []reply{{status: 503, body: `{"error_code":"CPTS.9999","error_msg":"busy"}`}},
			wantCalls: 5, wantStatus: 503,
		},
		{
			name: "501 not retried", method: "GET", idempotent: true,
			replies:   []reply{{status: 501, body: "Not Implemented"}},
			wantCalls: 1, wantStatus: 501,
		},
		{
			name: "404 not retried", method: "GET", idempotent: true,
			replies:   []reply{{status: 404}},
			wantCalls: 1, wantStatus: 404,
		},
		{
			name: "POST not retried on 503", method: "POST",
			replies:   []reply{{status: 503}, {body: `{"n":1}`}},
			wantCalls: 1, wantStatus: 503,
		},
		{
			name: "POST not retried on 429", method: "POST",
			replies:   []reply{{status: 429}, {body: `{"n":1}`}},
			wantCalls: 1, wantStatus: 429,
		},
		{
			name: "POST not retried on connection error", method: "POST",
			replies:   []reply{{drop: true}, {body: `{"n":1}`}},
			wantCalls: 1, wantErr: true,
		},
		{
			name: "idempotent retried on connection error", method: "GET", idempotent: true,
			replies:   []reply{{drop: true}, {drop: true}, {body: `{"n":1}`}},
			wantCalls: 3,
		},
		{
			name: "idempotent gives up after connection errors", method: "GET", idempotent: true,
			replies:   []reply{{drop: true}},
			wantCalls: 5, wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newScript(t, tt.replies...)
			c := mustNew(t, fastConfig(s.srv.URL))
			// Bounds the test if a wait were not clamped.
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var out struct{ N int }
			call := Call{Op: "op " + tt.name, Method: tt.method, Path: "/v1/x", Idempotent: tt.idempotent}
			if tt.method != "GET" {
				call.Body = map[string]int{"status": 9}
			}
			err := c.Do(ctx, call, &out)

			if got := s.calls.Load(); got != tt.wantCalls {
				t.Errorf("server saw %d calls, want %d", got, tt.wantCalls)
			}
			switch {
			case tt.wantStatus != 0:
				var ae *APIError
				if !errors.As(err, &ae) || ae.Status != tt.wantStatus {
					t.Fatalf("err = %v, want *APIError with status %d", err, tt.wantStatus)
				}
				if ae.Attempts != int(tt.wantCalls) {
					t.Errorf("Attempts = %d, want %d", ae.Attempts, tt.wantCalls)
				}
			case tt.wantErr:
				if err == nil {
					t.Fatal("no error")
				}
				var ae *APIError
				if errors.As(err, &ae) {
					t.Errorf("connection error reported as %T", ae)
				}
				if !strings.HasPrefix(err.Error(), call.Op+": ") {
					t.Errorf("error %q does not start with the op", err)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if out.N != 1 {
					t.Errorf("decoded %+v", out)
				}
			}
			// Every attempt carries the same body.
			for i := range int(s.calls.Load()) {
				if _, body := s.request(i); tt.method != "GET" && body != `{"status":9}` {
					t.Errorf("attempt %d body %q", i+1, body)
				}
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	const lo, hi = 100 * time.Millisecond, 2 * time.Second
	withHeader := func(status int, v string) *http.Response {
		return &http.Response{StatusCode: status, Header: http.Header{"Retry-After": {v}}}
	}
	tests := []struct {
		name     string
		attempt  int
		resp     *http.Response
		min, max time.Duration
	}{
		{"first wait", 0, nil, lo, lo * 3 / 2},
		{"grows", 3, nil, 8 * lo, hi},
		{"capped", 30, nil, hi, hi},
		{"Retry-After seconds", 0, withHeader(429, "1"), time.Second, time.Second},
		{"Retry-After clamped to max", 0, withHeader(429, "3600"), hi, hi},
		{"Retry-After 0 raised to min", 2, withHeader(503, "0"), lo, lo},
		{"Retry-After date clamped", 0, withHeader(503, time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)), hi, hi},
		{"Retry-After in the past", 0, withHeader(503, "Mon, 02 Jan 2006 15:04:05 GMT"), lo, lo},
		{"bad Retry-After ignored", 0, withHeader(429, "soon"), lo, lo * 3 / 2},
		{"negative Retry-After ignored", 0, withHeader(429, "-5"), lo, lo * 3 / 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for range 50 { // jitter
				if got := backoff(lo, hi, tt.attempt, tt.resp); got < tt.min || got > tt.max {
					t.Fatalf("backoff = %s, want within [%s, %s]", got, tt.min, tt.max)
				}
			}
		})
	}
}

func TestRetryIsLogged(t *testing.T) {
	t.Parallel()
	s := newScript(t, reply{status: 503}, reply{body: `{}`})
	log, buf := captureLogger(slog.LevelInfo)
	cfg := fastConfig(s.srv.URL)
	cfg.Logger = log
	c := mustNew(t, cfg)
	if c.rc.Logger != nil {
		t.Errorf("retryablehttp logger = %T, want none (its default prints [DEBUG] lines)", c.rc.Logger)
	}
	if err := c.Do(context.Background(), Call{Op: "show task 42", Path: "/x", Idempotent: true}, nil); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"retrying API call", `op="show task 42"`, "attempt=2", "previous=\"HTTP 503\""} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestTransportErrors(t *testing.T) {
	t.Parallel()
	sentinel := errors.New("auth: missing user name")
	tests := []struct {
		name      string
		err       error
		wantCalls int64
	}{
		{"permanent error not retried", Permanent(sentinel), 1},
		{"wrapped permanent error not retried", fmt.Errorf("outer: %w", Permanent(sentinel)), 1},
		{"inner 401 not retried", &APIError{Op: "IAM token request", Status: 401}, 1},
		{"inner 503 retried", &APIError{Op: "IAM token request", Status: 503}, 5},
		{"other errors retried", sentinel, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int64
			cfg := fastConfig("http://127.0.0.1:1")
			cfg.Transport = roundTripFunc(func(*http.Request) (*http.Response, error) {
				calls.Add(1)
				return nil, tt.err
			})
			err := mustNew(t, cfg).Do(context.Background(), Call{Op: "list", Path: "/x", Idempotent: true}, nil)
			if calls.Load() != tt.wantCalls {
				t.Errorf("transport called %d times, want %d", calls.Load(), tt.wantCalls)
			}
			if !errors.Is(err, tt.err) && !errors.Is(err, sentinel) {
				t.Errorf("err = %v lost the cause", err)
			}
		})
	}
	if Permanent(nil) != nil {
		t.Error("Permanent(nil) != nil")
	}
}
