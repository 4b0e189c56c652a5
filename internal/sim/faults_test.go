package sim

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const startPath = "/v1/{pid}/test-suites/17543/tasks/52631"

func TestFaultStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status   int
		code     string // error_code, or "" for a plain body
		plain    bool
		retryHdr string
	}{
		{429, "APIGW.0308", false, "2"},
		{500, codeUnknown, false, ""},
		{501, "", true, ""},
		{502, "APIGW.0202", false, ""},
		{503, "APIGW.0202", false, "1"},
		{504, "APIGW.0201", false, ""},
		{409, "CPTS.04090001", false, ""},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Options{})
			retry := time.Duration(0)
			if tt.retryHdr != "" {
				retry = 1500 * time.Millisecond
				if tt.retryHdr == "1" {
					retry = time.Second
				}
			}
			h.s.Inject(Fault{Match: "GET /v1/" + DemoProjectID + "/tasks/", Kind: FaultStatus, Status: tt.status,
				Count: 2, RetryAfter: retry})
			for i := range 2 {
				status, hdr, b := h.do("GET", "/v1/{pid}/tasks/52631", nil)
				if status != tt.status || hdr.Get("Retry-After") != tt.retryHdr {
					t.Fatalf("attempt %d: %d Retry-After %q: %s", i, status, hdr.Get("Retry-After"), b)
				}
				if tt.plain {
					if len(b) == 0 || b[0] == '{' {
						t.Fatalf("attempt %d: body %q is not a plain string", i, b)
					}
					continue
				}
				if e := errorOf(t, b); e.ErrorCode != tt.code || e.ErrorMsg == "" {
					t.Fatalf("attempt %d: %s", i, b)
				}
			}
			// The burst is over; other paths were never affected.
			if status, _, b := h.do("GET", "/v1/{pid}/tasks/52631", nil); status != 200 {
				t.Fatalf("after the burst: %d %s", status, b)
			}
			var faulted int
			for _, r := range h.s.Requests() {
				if r.Fault == FaultStatus {
					faulted++
				}
			}
			if faulted != 2 {
				t.Fatalf("%d requests recorded with the fault", faulted)
			}
		})
	}
}

func TestFaultStatusDoesNotStart(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	h.s.Inject(Fault{Match: "POST", Kind: FaultStatus, Status: 503, Count: 1})
	if status, _, _ := h.do("POST", startPath, startBody()); status != 503 {
		t.Fatalf("status %d", status)
	}
	if n := h.s.StartCount(DemoTaskID); n != 0 {
		t.Fatalf("a 503 answered by the gateway started the task (%d)", n)
	}
}

func TestFaultHang(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	h.s.Inject(Fault{Match: "/tasks/52631", Kind: FaultHang, Count: 1})
	h.client.Timeout = 150 * time.Millisecond
	_, err := h.send("GET", "/v1/{pid}/tasks/52631", nil, map[string]string{"X-Auth-Token": h.token})
	var ne interface{ Timeout() bool }
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("hang: want a client timeout, got %v", err)
	}
	h.client.Timeout = 10 * time.Second
	// With a Delay the gateway gives up first: 504.
	h.s.Inject(Fault{Match: "/tasks/52631", Kind: FaultHang, Count: 1, Delay: 20 * time.Millisecond})
	if status, _, b := h.do("GET", "/v1/{pid}/tasks/52631", nil); status != 504 || errorOf(t, b).ErrorCode != "APIGW.0201" {
		t.Fatalf("hang with delay: %d %s", status, b)
	}
	// Close releases a held request.
	h.s.Inject(Fault{Kind: FaultHang, Count: 1})
	done := make(chan int)
	go func() {
		resp, err := h.send("GET", "/v1/{pid}/tasks/52631", nil, map[string]string{"X-Auth-Token": h.token})
		if err != nil {
			done <- -1
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	for !h.s.holding() {
		time.Sleep(time.Millisecond)
	}
	h.s.Close()
	<-done
}

func TestFaultSlow(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	h.s.Inject(Fault{Match: "POST /v1/", Kind: FaultSlow, Delay: 10 * time.Millisecond, Count: 1})
	var a startAnswer
	h.json("POST", startPath, startBody(), &a)
	if a.Result.TaskRunID == 0 || h.s.StartCount(DemoTaskID) != 1 {
		t.Fatalf("slow start: %+v", a)
	}
}

func TestFaultMalformedAndTruncated(t *testing.T) {
	t.Parallel()
	for _, kind := range []FaultKind{FaultMalformed, FaultTruncated} {
		t.Run(kind.String(), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Options{})
			h.s.Inject(Fault{Match: "POST /v1/", Kind: kind, Count: 1})
			status, hdr, b := h.do("POST", startPath, startBody())
			var a startAnswer
			if status != 200 || json.Unmarshal(b, &a) == nil {
				t.Fatalf("%s: %d %s decoded fine", kind, status, b)
			}
			if hdr.Get("Content-Type") != "application/json;charset=UTF-8" {
				t.Errorf("content type %q", hdr.Get("Content-Type"))
			}
			// The backend did start the run.
			if h.s.StartCount(DemoTaskID) != 1 {
				t.Fatalf("%s: the start was not performed", kind)
			}
		})
	}
}

func TestFaultHTMLGateway(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	h.s.Inject(Fault{Match: `^POST /v1/\w+/test-suites/\d+/tasks/\d+$`, Kind: FaultHTMLGateway, Count: 1})
	status, hdr, b := h.do("POST", startPath, startBody())
	if status != 502 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") || !strings.Contains(string(b), "<html>") {
		t.Fatalf("html gateway: %d %q %s", status, hdr.Get("Content-Type"), b)
	}
	if h.s.StartCount(DemoTaskID) != 0 {
		t.Fatal("a gateway error performed the start")
	}
}

func TestFaultDropAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{StaleWindow: noStale})
	h.s.Inject(Fault{Match: "POST /v1/", Kind: FaultDropAnswer, Count: 1})
	resp, err := h.send("POST", startPath, startBody(), map[string]string{"X-Auth-Token": h.token})
	if err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("dropped answer arrived: %d %s", resp.StatusCode, b)
	}
	if h.s.StartCount(DemoTaskID) != 1 {
		t.Fatal("the start was not performed")
	}
	runs := h.s.Runs(DemoTaskID)
	if v := h.showTask(DemoTaskID); v.TaskInfo.Running[0].TaskRunInfoID != runs[len(runs)-1].ID {
		t.Fatalf("ShowTask does not show the started run: %+v", v.TaskInfo)
	}
	rec := h.s.Requests()
	if last := rec[len(rec)-1]; last.Method != "GET" || rec[len(rec)-2].Fault != FaultDropAnswer || rec[len(rec)-2].Status != 0 {
		t.Fatalf("recorded: %+v", rec[len(rec)-2:])
	}
}

func TestFaultTokenExpired(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	old := h.token
	h.clock.Advance(time.Second)
	h.s.Inject(Fault{Kind: FaultTokenExpired})
	status, _, b := h.do("GET", "/v1/{pid}/tasks/52631", nil)
	if e := errorOf(t, b); status != 401 || e.ErrorCode != "APIGW.0307" || e.ErrorMsg != "The token must be updated." {
		t.Fatalf("old token: %d %s", status, b)
	}
	h.clock.Advance(time.Second)
	h.token = h.login()
	if status, _, b := h.do("GET", "/v1/{pid}/tasks/52631", nil); status != 200 {
		t.Fatalf("refreshed token: %d %s", status, b)
	}
	h.token = old
	if status, _, _ := h.do("GET", "/v1/{pid}/tasks/52631", nil); status != 401 {
		t.Fatalf("old token still rejected until cleared: %d", status)
	}
	h.s.ClearFaults()
	if status, _, _ := h.do("GET", "/v1/{pid}/tasks/52631", nil); status != 200 {
		t.Fatalf("after ClearFaults: %d", status)
	}
}

func TestFaultMatching(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	h.s.Inject(Fault{Match: "history-run-list", Kind: FaultStatus, Status: 500})
	if st, _, _ := h.do("GET", "/v1/{pid}/tasks/52631", nil); st != 200 {
		t.Fatalf("unmatched path faulted: %d", st)
	}
	for range 3 { // Count 0: until cleared
		if st, _, _ := h.do("GET", "/v1/{pid}/tasks/history-run-list/52631", nil); st != 500 {
			t.Fatalf("matched path: %d", st)
		}
	}
	h.s.ClearFaults()
	if st, _, _ := h.do("GET", "/v1/{pid}/tasks/history-run-list/52631", nil); st != 200 {
		t.Fatalf("after ClearFaults: %d", st)
	}
	if FaultDropAnswer.String() != "drop-answer" || FaultKind(0).String() != "" {
		t.Fatal("FaultKind names")
	}
}

func TestFaultPhantomCaseRuns(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{StaleWindow: -1, Waiting: -1})
	run := h.start(DemoSuiteID, DemoTaskID)
	listed := len(h.showTask(DemoTaskID).TaskInfo.Running)
	h.s.Inject(Fault{Match: "GET /v1/" + DemoProjectID + "/tasks/", Kind: FaultPhantomCaseRuns, Phantoms: 50, Count: 1})
	v := h.showTask(DemoTaskID)
	if got := len(v.TaskInfo.Running); got != listed+50 {
		t.Fatalf("%d case runs listed, want %d real + 50 phantoms", got, listed)
	}
	last := v.TaskInfo.Running[len(v.TaskInfo.Running)-1]
	if last.TaskRunInfoID != run || last.RelatedTempRunningID < phantomCaseRunBase {
		t.Fatalf("phantom %+v: want run %d and an id from %d", last, run, phantomCaseRunBase)
	}
	// No report knows a phantom; the fault has fired its one time.
	status, _, _ := h.do("GET", "/v1/{pid}/task-run-infos/"+itoa(run)+"/case-run-infos/"+itoa(last.RelatedTempRunningID)+
		"/reports?brokens_limit_count=10", nil)
	if status != http.StatusNotFound {
		t.Fatalf("report of a phantom: HTTP %d, want 404", status)
	}
	if got := len(h.showTask(DemoTaskID).TaskInfo.Running); got != listed {
		t.Fatalf("after the fault: %d case runs listed, want %d", got, listed)
	}
}

func TestFaultEcho(t *testing.T) {
	t.Parallel()
	const pw = `Pa"ss\w<o>r&d`
	h := newHarness(t, Options{})
	taskPath := "/v1/{pid}/tasks/" + itoa(DemoTaskID)

	// Into a name: the call is performed, "checkout" becomes the echo of the token.
	h.s.Inject(Fault{Match: "GET /v1/", Kind: FaultEcho, Find: "checkout", Text: "checkout {token}\n::error::x", Count: 1})
	status, _, b := h.do("GET", taskPath, nil)
	if status != 200 || !strings.Contains(string(b), `"checkout `+h.token+`\n::error::x"`) {
		t.Errorf("echo into a name: %d %s", status, b)
	}
	if _, _, b := h.do("GET", taskPath, nil); strings.Contains(string(b), h.token) {
		t.Errorf("Count 1 echoed twice: %s", b)
	}

	// As an error message of IAM: the password of the request, JSON-escaped by the body.
	h.s.Inject(Fault{Match: "POST /v3/auth/tokens", Kind: FaultEcho, Status: 503, Text: "password {password} refused", Count: 1})
	resp, err := h.client.Post(h.base+"/v3/auth/tokens", "application/json", strings.NewReader(passwordBody(DemoUser, `Pa\"ss\\w<o>r&d`)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var e iamError
	if resp.StatusCode != 503 || json.Unmarshal(body, &e) != nil || e.Error.Message != "password "+pw+" refused" {
		t.Errorf("IAM echo: %d %s", resp.StatusCode, body)
	}
	// The simulator's user has the password of Options.
	for _, tc := range []struct {
		password string
		want     int
	}{{`Pa\"ss\\w<o>r&d`, 201}, {DemoPassword, 401}} {
		rec := httptest.NewRecorder()
		New(Options{Password: pw}).ServeHTTP(rec, httptest.NewRequest("POST", "/v3/auth/tokens", strings.NewReader(passwordBody(DemoUser, tc.password))))
		if rec.Code != tc.want {
			t.Errorf("login with %q: %d, want %d", tc.password, rec.Code, tc.want)
		}
	}
}
