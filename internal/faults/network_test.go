package faults

// Helpers of the issue-10 network rows (redirects, the timeout after the start, the call
// budget): a hostile endpoint in front of the simulator that answers with redirects, and the
// checks of those rows.

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/codearts-runner/codearts-runner/internal/sim"
)

// hostile is an endpoint that answers the requests redirect selects with a 307 to target —
// another server on another port, which counts what reaches it — and passes the others to the
// simulator.
type hostile struct {
	srv    *httptest.Server
	target *httptest.Server

	redirected atomic.Int64 // requests answered with the redirect
	reached    atomic.Int64 // requests that reached the target
	creds      atomic.Int64 // ... of which carried a credential or the password

	mu     sync.Mutex
	events []string // "redirect" or "stop", in arrival order
}

// hostiles maps a rig to its hostile endpoint (a scenario runs each rig once).
var hostiles sync.Map

func hostileOf(r *rig) *hostile {
	h, _ := hostiles.Load(r)
	hs, _ := h.(*hostile)
	return hs
}

// withHostile returns a before step that puts a hostile endpoint in front of the simulator as
// setting (CODEARTS_IAM_ENDPOINT or CODEARTS_CPTS_ENDPOINT); redirect selects the requests it
// redirects.
func withHostile(setting string, redirect func(r *rig, req *http.Request) bool) func(context.Context, *rig) error {
	return func(_ context.Context, r *rig) error {
		h := &hostile{}
		h.target = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			body, _ := io.ReadAll(req.Body)
			h.reached.Add(1)
			if req.Header.Get("Authorization") != "" || req.Header.Get("X-Auth-Token") != "" ||
				req.Header.Get("X-Security-Token") != "" || strings.Contains(string(body), sim.DemoPassword) {
				h.creds.Add(1)
			}
			w.Header().Set("X-Subject-Token", "stolen")
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{}`)
		}))
		simURL, err := url.Parse(r.url)
		if err != nil {
			return err
		}
		proxy := httputil.NewSingleHostReverseProxy(simURL)
		h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.Method == http.MethodPost && strings.Contains(req.URL.Path, "/test-suites/") {
				h.event("stop or start")
			}
			if redirect(r, req) {
				io.Copy(io.Discard, req.Body)
				h.redirected.Add(1)
				h.event("redirect")
				w.Header().Set("Location", h.target.URL+req.URL.RequestURI())
				w.WriteHeader(http.StatusTemporaryRedirect)
				return
			}
			proxy.ServeHTTP(w, req)
		}))
		hostiles.Store(r, h)
		r.env = append(r.env, setting+"="+h.srv.URL)
		return nil
	}
}

func (h *hostile) event(e string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, e)
}

func (h *hostile) close() {
	h.srv.Close()
	h.target.Close()
}

// redirectAll redirects every request.
func redirectAll(*rig, *http.Request) bool { return true }

// redirectTaskReadAfterStart redirects the task reads once the run has been started.
func redirectTaskReadAfterStart(r *rig, req *http.Request) bool {
	return req.Method == http.MethodGet && req.URL.Path == strings.TrimPrefix(taskRead, "GET ") &&
		r.srv.StartCount(r.task) > 0
}

// redirectFirstTaskReadAfterStart redirects the first task read once the run has been started;
// later reads (the one that confirms, before the stop, that the task still runs our run) pass.
func redirectFirstTaskReadAfterStart(r *rig, req *http.Request) bool {
	h := hostileOf(r)
	return redirectTaskReadAfterStart(r, req) && h != nil && h.redirected.Load() == 0
}

// redirectRefused checks that the redirect was answered exactly once before the runner gave
// up (no retry, no tolerance; further ones only while confirming a stop), that nothing reached
// the Location, and that the error names the Location's host.
func redirectRefused(r *rig, o *observation) {
	h := hostileOf(r)
	if h == nil {
		o.fail("no hostile endpoint")
		return
	}
	defer h.close()
	h.mu.Lock()
	events := append([]string(nil), h.events...)
	h.mu.Unlock()
	first := -1
	for i, e := range events {
		if e == "redirect" {
			first = i
			break
		}
	}
	switch {
	case first < 0:
		o.fail("the hostile endpoint never redirected")
	case first+1 < len(events) && events[first+1] == "redirect":
		o.fail("the redirect was asked again before the runner gave up: %v", events)
	default:
		o.note("redirected %d×, asked once before giving up", h.redirected.Load())
	}
	if n := h.reached.Load(); n != 0 {
		o.fail("%d request(s) reached the Location's host, %d with credentials", n, h.creds.Load())
	} else {
		o.note("Location's host got nothing")
	}
	host := strings.TrimPrefix(h.target.URL, "http://")
	if !strings.Contains(o.stderr+o.stdout, host) {
		o.fail("the output does not name the Location's host %s", host)
	}
}

// noPhantomReports checks that no report of a phantom case run was asked for, and notes how
// many requests the run made.
func noPhantomReports(r *rig, o *observation) {
	phantom := 0
	for _, rec := range r.srv.Requests() {
		if strings.HasPrefix(rec.Method+" "+rec.Path, reports) && strings.Contains(rec.Path, "/case-run-infos/90000") {
			phantom++
		}
	}
	o.note("%d requests in all", len(r.srv.Requests()))
	if phantom > 0 {
		o.fail("%d report reads of phantom case runs", phantom)
	}
}

// hungReadCutByTimeout checks that the hung task read after the start was cut by the timeout:
// the stop reached the simulator less than one request-timeout (30 s, the runner's default)
// after that read began — without the bound the read would have run out its attempts first —
// and that the reads that hung are few (one cut by the timeout, a few while confirming the
// stop), not attempts × retries.
func hungReadCutByTimeout(r *rig, o *observation) {
	var firstHang, stop time.Time
	hung := 0
	for _, rec := range r.srv.Requests() {
		switch {
		case rec.Fault == sim.FaultHang:
			hung++
			if firstHang.IsZero() || rec.Time.Before(firstHang) {
				firstHang = rec.Time
			}
		case rec.Method+" "+rec.Path == startStop && strings.Contains(rec.Body, `"status":2`):
			if stop.IsZero() || rec.Time.Before(stop) {
				stop = rec.Time
			}
		}
	}
	switch {
	case firstHang.IsZero():
		o.fail("no task read hung")
	case stop.IsZero():
		o.fail("no stop request")
	case stop.Sub(firstHang) >= 30*time.Second:
		o.fail("the stop came %s after the hung read began: the read was not cut by the timeout", stop.Sub(firstHang))
	default:
		o.note("stop %s after the hung read began (sim clock ×60: %s)", stop.Sub(firstHang).Round(100*time.Millisecond),
			(stop.Sub(firstHang) * 60).Round(time.Second))
	}
	o.note("%d hung read(s)", hung)
	if hung > 1+10 { // one cut by the timeout; the stop's confirmation reads within its 5 s budget
		o.fail("%d task reads hung: the attempts are not bounded", hung)
	}
}
