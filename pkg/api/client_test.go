package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestNewValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"ok", Config{Endpoint: "https://cpts.cn-north-4.myhuaweicloud.com"}, ""},
		{"ok with base path", Config{Endpoint: "http://127.0.0.1:8080/sim/"}, ""},
		{"empty", Config{}, "endpoint is empty"},
		{"no scheme", Config{Endpoint: "cpts.example.com"}, "absolute http"},
		{"ftp", Config{Endpoint: "ftp://cpts.example.com"}, "absolute http"},
		{"query", Config{Endpoint: "https://h/?a=1"}, "must not carry"},
		{"user info", Config{Endpoint: "https://u:p@h/"}, "must not carry"},
		{"waits inverted", Config{Endpoint: "https://h", RetryWaitMin: time.Minute, RetryWaitMax: time.Second}, "greater than max"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tt.cfg)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	t.Parallel()
	c := mustNew(t, Config{Endpoint: "https://h"})
	if c.rc.RetryMax != DefaultRetryMax || c.rc.RetryWaitMin != DefaultRetryWaitMin ||
		c.rc.RetryWaitMax != DefaultRetryWaitMax || c.rc.HTTPClient.Timeout != DefaultTimeout ||
		c.maxBody != DefaultMaxBody || c.ua != DefaultUserAgent {
		t.Errorf("defaults not applied: %+v %+v", c.rc, c)
	}
	c = mustNew(t, Config{Endpoint: "https://h", RetryMax: -1, Timeout: -1})
	if c.rc.RetryMax != 0 || c.rc.HTTPClient.Timeout != 0 {
		t.Errorf("negative RetryMax/Timeout should disable: %d %s", c.rc.RetryMax, c.rc.HTTPClient.Timeout)
	}
}

func TestRequestFormation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		endpoint  string // appended to the server URL
		call      Call
		wantPath  string // escaped path as received
		wantQuery string
		wantBody  string
		wantCT    string
	}{
		{
			name:     "GET with query",
			call:     Call{Method: "GET", Path: "/v1/p/test-suites", Query: url.Values{"offset": {"0"}, "limit": {"100"}, "name": {"a b+c"}}},
			wantPath: "/v1/p/test-suites", wantQuery: "limit=100&name=a%20b%2Bc&offset=0",
		},
		{
			name:     "escaped path kept",
			call:     Call{Path: "/v1/p/tasks/%E4%B8%AD%20x"},
			wantPath: "/v1/p/tasks/%E4%B8%AD%20x",
		},
		{
			name:     "POST JSON body without HTML escaping",
			call:     Call{Method: "post", Path: "/v1/p/tasks", Body: map[string]any{"name": "a<b>&中", "operate_mode": 2}},
			wantPath: "/v1/p/tasks", wantBody: `{"name":"a<b>&中","operate_mode":2}`, wantCT: "application/json",
		},
		{
			name:     "base path of the endpoint",
			endpoint: "/gateway/",
			call:     Call{Method: "PUT", Path: "/v3/p/tasks/1", Body: json.RawMessage(`{"a":1}`), Query: url.Values{"x": {"1"}}},
			wantPath: "/gateway/v3/p/tasks/1", wantQuery: "x=1", wantBody: `{"a":1}`, wantCT: "application/json",
		},
		{
			name:     "inline query merged",
			call:     Call{Path: "/v1/r?brokens_limit_count=10", Query: url.Values{"a": {"b"}}},
			wantPath: "/v1/r", wantQuery: "a=b&brokens_limit_count=10",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newScript(t, reply{body: "{}"})
			cfg := fastConfig(s.srv.URL + tt.endpoint)
			cfg.UserAgent = "runner-test/1"
			if err := mustNew(t, cfg).Do(context.Background(), tt.call, nil); err != nil {
				t.Fatal(err)
			}
			r, body := s.request(0)
			wantMethod := strings.ToUpper(tt.call.Method)
			if wantMethod == "" {
				wantMethod = "GET"
			}
			if r.Method != wantMethod {
				t.Errorf("method %s, want %s", r.Method, wantMethod)
			}
			if got := r.URL.EscapedPath(); got != tt.wantPath {
				t.Errorf("path %s, want %s", got, tt.wantPath)
			}
			if r.URL.RawQuery != tt.wantQuery {
				t.Errorf("query %s, want %s", r.URL.RawQuery, tt.wantQuery)
			}
			if body != tt.wantBody {
				t.Errorf("body %s, want %s", body, tt.wantBody)
			}
			if got := r.Header.Get("Content-Type"); got != tt.wantCT {
				t.Errorf("Content-Type %q, want %q", got, tt.wantCT)
			}
			if r.Header.Get("Accept") != "application/json" || r.Header.Get("User-Agent") != "runner-test/1" {
				t.Errorf("headers %v", r.Header)
			}
		})
	}
}

func TestBadCalls(t *testing.T) {
	t.Parallel()
	c := mustNew(t, fastConfig("http://127.0.0.1:1"))
	tests := []struct {
		name string
		call Call
		want string
	}{
		{"relative path", Call{Op: "x", Path: "v1/x"}, "must start with /"},
		{"absolute URL", Call{Op: "x", Path: "//evil.example/x"}, "not a URL"},
		{"unencodable body", Call{Op: "x", Path: "/x", Body: func() {}}, "encode request body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := c.Do(context.Background(), tt.call, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "x: ") {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	t.Parallel()
	type task struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	tests := []struct {
		name    string
		reply   reply
		out     func() any
		want    string // fmt of *out
		wantErr []string
	}{
		{"object, unknown fields ignored", reply{body: `{"id":42,"name":"t","extra":[1]}`},
			func() any { return &task{} }, `&{42 t}`, nil},
		{"201 bare array", reply{status: 201, body: `[{"id":1},{"id":2}]`},
			func() any { return &[]task{} }, `&[{1 } {2 }]`, nil},
		{"empty body", reply{status: 204},
			func() any { return &task{ID: 7} }, `&{7 }`, nil},
		{"whitespace body", reply{body: " \n"},
			func() any { return &task{} }, `&{0 }`, nil},
		{"nil out", reply{body: `not json at all`}, func() any { return nil }, `<nil>`, nil},
		{"invalid JSON", reply{body: "<html>" + strings.Repeat("xxx ", 1250)},
			func() any { return &task{} }, "", []string{"show task 1: decode response (HTTP 200, 5006 bytes)", `body starts "<html>xxx xxx`}},
		{"type mismatch", reply{body: `{"id":"forty-two"}`},
			func() any { return &task{} }, "", []string{"show task 1: decode response", "forty-two"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newScript(t, tt.reply)
			out := tt.out()
			err := mustNew(t, fastConfig(s.srv.URL)).Do(context.Background(), Call{Op: "show task 1", Path: "/x"}, out)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				if got := fmt.Sprint(out); got != tt.want {
					t.Errorf("out = %s, want %s", got, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if len(err.Error()) > 600 {
				t.Errorf("error not bounded: %d bytes", len(err.Error()))
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	big := `{"data":"` + strings.Repeat("a", 3000) + `"}`
	tests := []struct {
		name       string
		reply      reply
		wantStatus int
	}{
		{"2xx too large", reply{body: big}, 0},
		{"error body too large keeps the status", reply{status: 500, body: big}, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newScript(t, tt.reply)
			cfg := fastConfig(s.srv.URL)
			cfg.MaxBody = 2048
			var out map[string]any
			err := mustNew(t, cfg).Do(context.Background(), Call{Op: "report", Path: "/r"}, &out)
			if tt.wantStatus != 0 {
				if !IsStatus(err, tt.wantStatus) {
					t.Fatalf("err = %v, want status %d", err, tt.wantStatus)
				}
				return
			}
			if !errors.Is(err, ErrBodyTooLarge) || !strings.Contains(err.Error(), "2 KiB") {
				t.Fatalf("err = %v, want ErrBodyTooLarge naming 2 KiB", err)
			}
		})
	}
	// Exactly at the limit is fine.
	s := newScript(t, reply{body: big})
	cfg := fastConfig(s.srv.URL)
	cfg.MaxBody = int64(len(big))
	if err := mustNew(t, cfg).Do(context.Background(), Call{Op: "report", Path: "/r"}, nil); err != nil {
		t.Errorf("body at the limit: %v", err)
	}
}

func TestPerAttemptTimeout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		idempotent bool
		replies    []reply
		wantCalls  int64
		wantErr    bool
	}{
		{"hanging server times out", false, []reply{{hang: true}}, 1, true},
		// A loaded machine may let the answering attempt time out too: then it is simply
		// retried, so at least three calls are seen and the call succeeds.
		{"timeout is per attempt", true, []reply{{hang: true}, {hang: true}, {body: `{}`}}, 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newScript(t, tt.replies...)
			cfg := fastConfig(s.srv.URL)
			cfg.Timeout = 200 * time.Millisecond
			err := mustNew(t, cfg).Do(context.Background(), Call{Op: "poll", Path: "/x", Idempotent: tt.idempotent}, nil)
			got := s.calls.Load()
			if (!tt.idempotent && got != tt.wantCalls) || got < tt.wantCalls {
				t.Errorf("server saw %d calls, want %d", got, tt.wantCalls)
			}
			if !tt.wantErr {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Fatalf("err = %v, want a timeout", err)
			}
			if !strings.HasPrefix(err.Error(), "poll: ") {
				t.Errorf("error %q lacks the op", err)
			}
		})
	}
}

func TestContextCancellation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		replies []reply
	}{
		{"while waiting for an answer", []reply{{hang: true}}},
		{"while waiting to retry", []reply{{status: 503}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newScript(t, tt.replies...)
			cfg := fastConfig(s.srv.URL)
			cfg.RetryWaitMin, cfg.RetryWaitMax = time.Hour, time.Hour // a retry would never come
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				done <- mustNewNoT(cfg).Do(ctx, Call{Op: "wait", Path: "/x", Idempotent: true}, nil)
			}()
			for s.calls.Load() == 0 {
				time.Sleep(time.Millisecond)
			}
			cancel()
			err := <-done
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			if s.calls.Load() != 1 {
				t.Errorf("server saw %d calls", s.calls.Load())
			}
		})
	}
}

func mustNewNoT(cfg Config) *Client {
	c, err := New(cfg)
	if err != nil {
		panic(err)
	}
	return c
}
