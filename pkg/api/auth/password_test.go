package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

const (
	testUser     = "ci-user"
	testPassword = "Pa55word-never-shown"
	testProject  = "0123456789abcdef0123456789abcdef"
)

var t0 = time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)

// fakeClock is a settable clock.
type fakeClock struct{ now atomic.Int64 }

func newClock(t time.Time) *fakeClock {
	c := &fakeClock{}
	c.set(t)
	return c
}
func (c *fakeClock) set(t time.Time)     { c.now.Store(t.UnixNano()) }
func (c *fakeClock) Now() time.Time      { return time.Unix(0, c.now.Load()).UTC() }
func (c *fakeClock) add(d time.Duration) { c.set(c.Now().Add(d)) }

// fakeIAM issues tokens "tok-1", "tok-2", ... valid for lifetime from its clock, or fails
// with the status and body in fail.
type fakeIAM struct {
	t        *testing.T
	clock    *fakeClock
	lifetime time.Duration
	fail     func(n int) (int, string) // status 0 = succeed
	calls    atomic.Int64
	mu       sync.Mutex
	bodies   []string
	paths    []string
}

func (f *fakeIAM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(f.calls.Add(1))
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.bodies = append(f.bodies, string(body))
	f.paths = append(f.paths, r.Method+" "+r.URL.Path)
	f.mu.Unlock()
	if f.fail != nil {
		if status, text := f.fail(n); status != 0 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			io.WriteString(w, text)
			return
		}
	}
	w.Header().Set("X-Subject-Token", fmt.Sprintf("tok-%d", n))
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"token":{"expires_at":%q,"methods":["password"]}}`,
		f.clock.Now().Add(f.lifetime).Format("2006-01-02T15:04:05.000000Z"))
}

func startIAM(t *testing.T, clock *fakeClock, fail func(n int) (int, string)) (*fakeIAM, string) {
	t.Helper()
	iam := &fakeIAM{t: t, clock: clock, lifetime: 24 * time.Hour, fail: fail}
	srv := httptest.NewServer(iam)
	t.Cleanup(srv.Close)
	return iam, srv.URL
}

func passwordRT(iamURL string, clock *fakeClock) http.RoundTripper {
	return NewPassword(nil, Password{
		IAMEndpoint: iamURL, Username: testUser, Password: testPassword,
		ProjectID: testProject, Now: clock.Now,
	})
}

// okService answers 200 to every request.
func okService(w http.ResponseWriter, _ *http.Request, _ int) { io.WriteString(w, "{}") }

func send(t *testing.T, rt http.RoundTripper, method, url, body string) (*http.Response, error) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rt.RoundTrip(req)
	if resp != nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return resp, err
}

func TestPasswordRequestsProjectToken(t *testing.T) {
	t.Parallel()
	clock := newClock(t0)
	iam, iamURL := startIAM(t, clock, nil)
	srv, rec := newServer(t, nil, okService)
	if _, err := send(t, passwordRT(iamURL, clock), "GET", srv.URL+"/v1/x", ""); err != nil {
		t.Fatal(err)
	}
	if got := iam.paths[0]; got != "POST /v3/auth/tokens" {
		t.Errorf("IAM call = %q", got)
	}
	var got, want any
	if err := json.Unmarshal([]byte(iam.bodies[0]), &got); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal([]byte(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"ci-user",
		"password":"Pa55word-never-shown","domain":{"name":"ci-user"}}}},
		"scope":{"project":{"id":"0123456789abcdef0123456789abcdef"}}}}`), &want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("IAM body\n got %v\nwant %v", got, want)
	}
	if h := rec.all()[0].header.Get("X-Auth-Token"); h != "tok-1" {
		t.Errorf("X-Auth-Token = %q", h)
	}
}

func TestTokenURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://iam.cn-north-4.myhuaweicloud.com", "https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens?nocatalog=true"},
		{"https://iam.example.com/", "https://iam.example.com/v3/auth/tokens?nocatalog=true"},
		{"https://iam.example.com/v3", "https://iam.example.com/v3/auth/tokens?nocatalog=true"},
		{" https://iam.example.com/v3/auth/tokens ", "https://iam.example.com/v3/auth/tokens?nocatalog=true"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := tokenURL(tt.in); got != tt.want {
				t.Errorf("tokenURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPasswordCachesToken(t *testing.T) {
	t.Parallel()
	clock := newClock(t0)
	iam, iamURL := startIAM(t, clock, nil)
	srv, rec := newServer(t, nil, okService)
	rt := passwordRT(iamURL, clock)

	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Go(func() {
			if _, err := send(t, rt, "GET", srv.URL+"/v1/x", ""); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := iam.calls.Load(); n != 1 {
		t.Errorf("IAM called %d times for 40 requests, want 1", n)
	}
	for _, s := range rec.all() {
		if s.header.Get("X-Auth-Token") != "tok-1" {
			t.Errorf("X-Auth-Token = %q", s.header.Get("X-Auth-Token"))
		}
	}
}

func TestPasswordRefreshesBeforeExpiry(t *testing.T) {
	t.Parallel()
	clock := newClock(t0)
	iam, iamURL := startIAM(t, clock, nil)
	iam.lifetime = time.Hour
	srv, rec := newServer(t, nil, okService)
	rt := passwordRT(iamURL, clock)

	steps := []struct {
		advance   time.Duration
		wantToken string
	}{
		{0, "tok-1"},                // first use: fetch (expires t0+1h)
		{54 * time.Minute, "tok-1"}, // 6 min left: keep
		{2 * time.Minute, "tok-2"},  // 4 min left: refresh (expires t0+56m+1h)
		{30 * time.Minute, "tok-2"}, // 30 min left: keep
		{26 * time.Minute, "tok-3"}, // 4 min left of tok-2: refresh
	}
	for i, st := range steps {
		clock.add(st.advance)
		if _, err := send(t, rt, "GET", srv.URL+"/v1/x", ""); err != nil {
			t.Fatal(err)
		}
		if got := rec.all()[i].header.Get("X-Auth-Token"); got != st.wantToken {
			t.Errorf("step %d (now %s): token %q, want %q", i, clock.Now().Format(time.TimeOnly), got, st.wantToken)
		}
	}
	if n := iam.calls.Load(); n != 3 {
		t.Errorf("IAM called %d times, want 3", n)
	}
}

func TestPasswordRetriesOnceOn401(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		reject      func(token string) bool // service answers 401 for these tokens
		body        string
		wantStatus  int
		wantService int
		wantIAM     int64
	}{
		{name: "revoked token replaced", reject: func(tok string) bool { return tok == "tok-1" },
			body: `{"status":9}`, wantStatus: 200, wantService: 2, wantIAM: 2},
		{name: "still 401 after refresh", reject: func(string) bool { return true },
			body: `{"status":9}`, wantStatus: 401, wantService: 2, wantIAM: 2},
		{name: "GET without body", reject: func(tok string) bool { return tok == "tok-1" },
			wantStatus: 200, wantService: 2, wantIAM: 2},
		{name: "no 401 no retry", reject: func(string) bool { return false },
			body: `{"x":1}`, wantStatus: 200, wantService: 1, wantIAM: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := newClock(t0)
			iam, iamURL := startIAM(t, clock, nil)
			srv, rec := newServer(t, nil, func(w http.ResponseWriter, r *http.Request, _ int) {
				if tt.reject(r.Header.Get("X-Auth-Token")) {
					w.WriteHeader(http.StatusUnauthorized)
					io.WriteString(w, `{"error_code":"APIGW.0307","error_msg":"The token must be updated."}`)
				}
			})
			method := "GET"
			if tt.body != "" {
				method = "POST"
			}
			resp, err := send(t, passwordRT(iamURL, clock), method, srv.URL+"/v1/x", tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			got := rec.all()
			if len(got) != tt.wantService {
				t.Fatalf("service saw %d requests, want %d", len(got), tt.wantService)
			}
			if n := iam.calls.Load(); n != tt.wantIAM {
				t.Errorf("IAM called %d times, want %d", n, tt.wantIAM)
			}
			for i, s := range got {
				if s.body != tt.body {
					t.Errorf("request %d body %q, want %q", i+1, s.body, tt.body)
				}
				if want := fmt.Sprintf("tok-%d", i+1); s.header.Get("X-Auth-Token") != want {
					t.Errorf("request %d token %q, want %q", i+1, s.header.Get("X-Auth-Token"), want)
				}
			}
		})
	}
}

func TestPasswordIAMFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		body       string
		wantParts  []string
		sticky     bool // the refusal is remembered: IAM is not asked again
		secondCall int64
	}{
		{
			name: "wrong password", status: 401,
			body:      `{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}`,
			wantParts: []string{"IAM", "HTTP 401", "The username or password is wrong."}, sticky: true,
		},
		{
			name: "server echoes the password", status: 400,
			body:      `{"error_code":"IAM.0001","error_msg":"bad request for password Pa55word-never-shown"}`,
			wantParts: []string{"IAM", "HTTP 400", "IAM.0001", "bad request for password ***"}, sticky: true,
		},
		{
			name: "IAM unavailable", status: 503, body: `{"error_msg":"系统繁忙"}`,
			wantParts: []string{"IAM", "HTTP 503", "系统繁忙"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := newClock(t0)
			iam, iamURL := startIAM(t, clock, func(int) (int, string) { return tt.status, tt.body })
			srv, rec := newServer(t, nil, okService)
			rt := passwordRT(iamURL, clock)
			for attempt := 1; attempt <= 2; attempt++ {
				_, err := send(t, rt, "POST", srv.URL+"/v1/x", `{"a":1}`)
				if err == nil {
					t.Fatal("no error")
				}
				for _, part := range tt.wantParts {
					if !strings.Contains(err.Error(), part) {
						t.Errorf("error %q lacks %q", err, part)
					}
				}
				assertNoSecret(t, err, testPassword)
				if !api.IsStatus(err, tt.status) {
					t.Errorf("IsStatus(err, %d) = false for %v", tt.status, err)
				}
			}
			wantCalls := int64(2)
			if tt.sticky {
				wantCalls = 1
			}
			if n := iam.calls.Load(); n != wantCalls {
				t.Errorf("IAM called %d times, want %d", n, wantCalls)
			}
			if n := len(rec.all()); n != 0 {
				t.Errorf("service called %d times without a token", n)
			}
		})
	}
}

func TestPasswordConfigErrors(t *testing.T) {
	t.Parallel()
	clock := newClock(t0)
	iam, iamURL := startIAM(t, clock, nil)
	noToken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusCreated)
	}))
	t.Cleanup(noToken.Close)
	tests := []struct {
		name string
		p    Password
		want string
	}{
		{"missing fields", Password{IAMEndpoint: iamURL, Password: testPassword}, "missing user name, project id"},
		{"no X-Subject-Token", Password{IAMEndpoint: noToken.URL, Username: "u", Password: testPassword, ProjectID: "p"}, "X-Subject-Token"},
		{"unreachable IAM", Password{IAMEndpoint: "http://127.0.0.1:1", Username: "u", Password: testPassword, ProjectID: "p"}, "IAM token request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.p.Now = clock.Now
			tt.p.HTTPClient = &http.Client{Timeout: 10 * time.Second}
			req, _ := http.NewRequest("GET", "http://127.0.0.1:1/v1/x", nil)
			_, err := NewPassword(failTransport{t}, tt.p).RoundTrip(req)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to contain %q", err, tt.want)
			}
			assertNoSecret(t, err, testPassword)
		})
	}
	if n := iam.calls.Load(); n != 0 {
		t.Errorf("IAM called %d times with missing settings", n)
	}
}

func TestPasswordCancelledWhileWaiting(t *testing.T) {
	t.Parallel()
	clock := newClock(t0)
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	slowIAM := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
		w.Header().Set("X-Subject-Token", "tok")
		w.WriteHeader(http.StatusCreated)
	}))
	t.Cleanup(slowIAM.Close)
	srv, _ := newServer(t, nil, okService)
	rt := passwordRT(slowIAM.URL, clock)

	first, _ := http.NewRequest("GET", srv.URL+"/v1/first", nil)
	done := make(chan struct{})
	go func() { // holds the fetch until release
		defer close(done)
		if resp, err := rt.RoundTrip(first); err == nil {
			resp.Body.Close()
		}
	}()
	t.Cleanup(func() { close(release); <-done })
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/v1/second", nil)
	_, err := rt.RoundTrip(req)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestPasswordScopesByProjectName: without a project id the token is scoped to the project by
// name, as the MAS document's token examples do (issue 16).
func TestPasswordScopesByProjectName(t *testing.T) {
	t.Parallel()
	clock := newClock(t0)
	iam, iamURL := startIAM(t, clock, nil)
	srv, _ := newServer(t, nil, okService)
	rt := NewPassword(nil, Password{IAMEndpoint: iamURL, Username: testUser, Password: testPassword, ProjectName: "cn-north-4", Now: clock.Now})
	if _, err := send(t, rt, "GET", srv.URL+"/v1/x", ""); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(iam.bodies[0], `"scope":{"project":{"name":"cn-north-4"}}`) {
		t.Errorf("IAM body %s", iam.bodies[0])
	}
	both := NewPassword(nil, Password{IAMEndpoint: iamURL, Username: testUser, Password: testPassword, ProjectID: testProject, ProjectName: "cn-north-4", Now: clock.Now})
	if _, err := send(t, both, "GET", srv.URL+"/v1/x", ""); err != nil {
		t.Fatal(err)
	}
	if b := iam.bodies[len(iam.bodies)-1]; !strings.Contains(b, `"scope":{"project":{"id":"`+testProject+`"}}`) {
		t.Errorf("with a project id the scope is not by id: %s", b)
	}
}

// TestPasswordOnToken: each fetched token is handed to OnToken before any request carries it,
// the refreshed one too, and a cached token is not handed again.
func TestPasswordOnToken(t *testing.T) {
	t.Parallel()
	clock := newClock(t0)
	iam, iamURL := startIAM(t, clock, nil)
	iam.lifetime = time.Hour
	var mu sync.Mutex
	var registered []string
	srv, rec := newServer(t, nil, func(w http.ResponseWriter, r *http.Request, _ int) {
		mu.Lock()
		defer mu.Unlock()
		if tok := r.Header.Get(HeaderAuthToken); !slices.Contains(registered, tok) {
			t.Errorf("token %q reached the service before OnToken had it (registered %q)", tok, registered)
		}
		io.WriteString(w, "{}")
	})
	rt := NewPassword(nil, Password{IAMEndpoint: iamURL, Username: testUser, Password: testPassword,
		ProjectID: testProject, Now: clock.Now, OnToken: func(tok string) {
			mu.Lock()
			defer mu.Unlock()
			registered = append(registered, tok)
		}})
	for _, advance := range []time.Duration{0, time.Minute, time.Hour} {
		clock.add(advance)
		if _, err := send(t, rt, "GET", srv.URL+"/v1/x", ""); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"tok-1", "tok-2"}; !slices.Equal(registered, want) || len(rec.all()) != 3 {
		t.Errorf("OnToken got %q, want %q (%d requests)", registered, want, len(rec.all()))
	}
}

// TestPasswordEchoNeverLeavesAPrefix: IAM (or a gateway before it) echoing a password that has
// spaces or JSON-escaped characters in an error body must not get part of it into the error,
// wherever the excerpt of the body is cut: the body is masked before it is cut.
func TestPasswordEchoNeverLeavesAPrefix(t *testing.T) {
	t.Parallel()
	const password = `correct horse "battery" staple`
	shapes := []struct{ name, body string }{
		{"plain", "bad request %s password=" + password + " end"},
		{"JSON message", `{"error_code":"IAM.0001","error_msg":"%s password ` + strings.ReplaceAll(password, `"`, `\"`) + `"}`},
		{"JSON body", `{"note":"%s","echo":"` + strings.ReplaceAll(password, `"`, `\"`) + `"}`},
	}
	for _, sh := range shapes {
		t.Run(sh.name, func(t *testing.T) {
			t.Parallel()
			for pad := 150; pad < 1200; pad += 9 {
				body := fmt.Sprintf(sh.body, strings.Repeat("x ", pad/2))
				clock := newClock(t0)
				_, iamURL := startIAM(t, clock, func(int) (int, string) { return 400, body })
				srv, _ := newServer(t, nil, okService)
				rt := NewPassword(nil, Password{IAMEndpoint: iamURL, Username: testUser, Password: password,
					ProjectID: testProject, Now: clock.Now})
				_, err := send(t, rt, "POST", srv.URL+"/v1/x", `{}`)
				if err == nil {
					t.Fatal("no error")
				}
				if strings.Contains(err.Error(), "correct") || strings.Contains(err.Error(), "horse") {
					t.Fatalf("pad %d: part of the password in the error: %q", pad, err)
				}
			}
		})
	}
}
