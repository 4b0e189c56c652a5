package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FaultKind selects what an injected Fault does.
type FaultKind int

// Fault kinds. Request-level kinds (Status, Hang, Slow, Malformed, Truncated,
// HTMLGateway, DropAnswer, PhantomCaseRuns, Echo) act on the next matching request;
// TokenExpired acts while authenticating; Pause, SlowStop, ExternalStop,
// ForeignRun and Implausible are consumed by the matching start or stop
// request and change the run, not the answer.
const (
	// FaultStatus answers Fault.Status (default 503) without performing the
	// call, in the body format of whoever would send it: 429 as the API
	// gateway's throttling error APIGW.0308 with Retry-After, 500 as
	// CPTS.05001001 (TestPlan: CLOUDTEST.00050000 系统繁忙; attask: its error
	// body), 501 as a plain string, 502/503/504 as gateway errors.
	// Count > 1 makes a burst.
	FaultStatus FaultKind = iota + 1
	// FaultHang holds the request without answering until the client gives
	// up, the simulator is closed, or Delay (if > 0) has passed — then it
	// answers 504 APIGW.0201. The call is not performed.
	FaultHang
	// FaultSlow waits Delay (real time), then performs the call and answers
	// normally.
	FaultSlow
	// FaultMalformed performs the call and answers its status with a body
	// that is not valid JSON.
	FaultMalformed
	// FaultTruncated performs the call and answers only the first half of the
	// body (with a matching Content-Length).
	FaultTruncated
	// FaultHTMLGateway answers 502 with an HTML error page, as a load balancer
	// in front of the API does; the call is not performed.
	FaultHTMLGateway
	// FaultTokenExpired rejects X-Auth-Token requests whose token was issued
	// before the fault was injected with 401 APIGW.0307, forcing a refresh;
	// tokens issued later pass. Count limits the rejections.
	FaultTokenExpired
	// FaultDropAnswer performs the call (e.g. a START), then closes the
	// connection without answering: the "lost start answer". (Served without
	// net/http's server, e.g. through httptest.NewRecorder, ServeHTTP panics
	// with http.ErrAbortHandler instead.)
	FaultDropAnswer
	// FaultPause makes the run started by the matching start request pause
	// (status 1) halfway through its stage plan for Delay real time (default:
	// 30 simulated seconds), then resume.
	FaultPause
	// FaultSlowStop makes the matching stop request's run stay in status 5
	// (stopping) for Delay real time (default: 2 simulated minutes).
	FaultSlowStop
	// FaultExternalStop makes the run started by the matching start request
	// be stopped by someone else (a user in the console, not this client):
	// Delay real time after it began running (default: halfway through its
	// stage plan) it goes to status 5, then 4 "stopped by user". No request
	// of the client is involved; RunInfo.StopRequested stays false.
	FaultExternalStop
	// FaultForeignRun is FaultExternalStop followed by another pipeline
	// starting the task again as soon as the stopped run has ended: the task
	// then shows that foreign run (RunInfo.Foreign), which keeps running.
	FaultForeignRun
	// FaultImplausible makes the reports of the run started by the matching
	// start request carry impossible figures on its first case: tp95 =
	// -1000 ms and successRate = 250 (%).
	FaultImplausible
	// FaultPhantomCaseRuns performs the call and, when the answer is a task
	// (ShowTask) showing a run, appends Phantoms (default 5000) case runs of
	// that run to its related_temp_running_data, in the status of its first
	// case run, with ids that no report or case run listing knows (a hostile
	// or broken service).
	FaultPhantomCaseRuns
	// FaultEcho echoes the request into the answer, as a server that quotes
	// what it received does. The echo is Fault.Text with "{token}" replaced by
	// the request's X-Auth-Token and "{password}" by the password of an IAM
	// token request. With Fault.Find set, the call is performed and every
	// occurrence of Find inside a JSON string of the answer becomes the echo
	// (a name carrying it); without Find the call is not performed and the
	// answer is Fault.Status (default 400) with the echo as its error message,
	// in IAM's or CPTS's error format.
	FaultEcho
)

var faultNames = map[FaultKind]string{
	FaultStatus:          "status",
	FaultHang:            "hang",
	FaultSlow:            "slow",
	FaultMalformed:       "malformed",
	FaultTruncated:       "truncated",
	FaultHTMLGateway:     "html-gateway",
	FaultTokenExpired:    "token-expired",
	FaultDropAnswer:      "drop-answer",
	FaultPause:           "pause",
	FaultSlowStop:        "slow-stop",
	FaultExternalStop:    "external-stop",
	FaultForeignRun:      "foreign-run",
	FaultImplausible:     "implausible",
	FaultPhantomCaseRuns: "phantom-case-runs",
	FaultEcho:            "echo",
}

// String returns the kind's name ("" for 0).
func (k FaultKind) String() string {
	if k == 0 {
		return ""
	}
	if n, ok := faultNames[k]; ok {
		return n
	}
	return "fault(" + strconv.Itoa(int(k)) + ")"
}

// Fault is one injected misbehaviour.
type Fault struct {
	// Match selects requests by their "METHOD /path" (path without query):
	// a substring, or else a regular expression. Empty matches every request.
	Match string
	// Kind is what happens.
	Kind FaultKind
	// Count is how many times the fault fires; 0 = until ClearFaults.
	Count int
	// Status is the HTTP status of FaultStatus; default 503.
	Status int
	// RetryAfter, when > 0, is sent as a Retry-After header (whole seconds,
	// rounded up) with FaultStatus.
	RetryAfter time.Duration
	// Delay is real time: how long FaultSlow waits, how long FaultHang holds
	// (0 = until the client gives up), how long a FaultPause pause or a
	// FaultSlowStop stop lasts.
	Delay time.Duration
	// Phantoms is how many case runs FaultPhantomCaseRuns adds; default 5000.
	Phantoms int
	// Find and Text are what FaultEcho replaces and the echo.
	Find, Text string
}

type faultState struct {
	Fault
	re       *regexp.Regexp
	fired    int
	injected time.Time // wall clock at Inject
}

func (f *faultState) matches(key string) bool {
	if f.Match == "" || strings.Contains(key, f.Match) {
		return true
	}
	return f.re != nil && f.re.MatchString(key)
}

// Inject adds a fault. Faults are tried in injection order; the first
// matching fault of the kinds relevant at a given point fires.
func (s *Server) Inject(f Fault) {
	st := &faultState{Fault: f, injected: s.wallNow()}
	if f.Match != "" {
		if re, err := regexp.Compile(f.Match); err == nil {
			st.re = re
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, st)
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault fires the first matching fault of one of kinds, if any.
func (s *Server) takeFault(key string, kinds ...FaultKind) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.takeFaultLocked(key, func(f *faultState) bool { return slices.Contains(kinds, f.Kind) })
}

func (s *Server) takeFaultLocked(key string, ok func(*faultState) bool) *Fault {
	for i, f := range s.faults {
		if !ok(f) || !f.matches(key) {
			continue
		}
		f.fired++
		if f.Count > 0 && f.fired >= f.Count {
			s.faults = slices.Delete(s.faults, i, i+1)
		}
		out := f.Fault
		return &out
	}
	return nil
}

// tokenRevokedLocked fires a FaultTokenExpired that applies to a token issued
// at issued.
func (s *Server) tokenRevokedLocked(key string, issued time.Time) bool {
	return s.takeFaultLocked(key, func(f *faultState) bool {
		return f.Kind == FaultTokenExpired && issued.Before(f.injected)
	}) != nil
}

// writeStatusFault answers a FaultStatus for a request to path and returns
// the status sent.
func writeStatusFault(w http.ResponseWriter, f *Fault, reqID, path string) int {
	status := f.Status
	if status == 0 {
		status = http.StatusServiceUnavailable
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(f.RetryAfter.Seconds()))))
	}
	switch {
	case status == http.StatusTooManyRequests:
		writeGatewayError(w, status, "APIGW.0308",
			"The throttling threshold has been reached: policy user over ratelimit,limit:20,time:1 second", reqID)
	case status == http.StatusNotImplemented:
		writePlain(w, status, "unknown error")
	case status == http.StatusBadGateway || status == http.StatusServiceUnavailable:
		writeGatewayError(w, status, "APIGW.0202", "Backend unavailable.", reqID)
	case status == http.StatusGatewayTimeout:
		writeGatewayError(w, status, "APIGW.0201", "Backend timeout.", reqID)
	case status == http.StatusUnauthorized:
		writeGatewayError(w, status, "APIGW.0301", "Incorrect IAM authentication information: decrypt token fail", reqID)
	case writeCloudTestFault(w, status, reqID, path):
	case status == http.StatusInternalServerError:
		writeCPTSError(w, &apiErr{status: status, code: codeUnknown, msg: "An unknown error occurred!"})
	default:
		writeCPTSError(w, &apiErr{status: status, code: fmt.Sprintf("CPTS.0%d0001", status),
			msg: http.StatusText(status)})
	}
	return status
}

const htmlGatewayPage = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`

func writeHTMLGateway(w http.ResponseWriter) int {
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Server", "nginx")
	w.WriteHeader(http.StatusBadGateway)
	w.Write([]byte(htmlGatewayPage))
	return http.StatusBadGateway
}

// malformed turns a JSON body into text that no JSON decoder accepts while
// still looking like JSON to a human.
func malformed(b []byte) *bytes.Buffer {
	out := &bytes.Buffer{}
	if len(b) == 0 || b[0] != '{' {
		out.WriteString(`{"code":"SVCSTG.CPTS.0000000",`)
		out.Write(b)
		return out
	}
	out.WriteString("{,")
	out.Write(b[1:])
	return out
}

// phantomCaseRunBase is the first id of the case runs FaultPhantomCaseRuns
// adds: far above any case run id the simulator hands out.
const phantomCaseRunBase = 900_000_000

// addPhantomCaseRuns appends n phantom case runs to a ShowTask answer that
// shows a run; any other body is returned unchanged.
func addPhantomCaseRuns(b []byte, n int) []byte {
	if n <= 0 {
		n = 5000
	}
	var ans taskInfoResponse
	if json.Unmarshal(b, &ans) != nil || len(ans.TaskInfo.RelatedTempRunningData) == 0 {
		return b
	}
	first := ans.TaskInfo.RelatedTempRunningData[0].tempRunningWire
	for i := range n {
		id := phantomCaseRunBase + i
		ans.TaskInfo.RelatedTempRunningData = append(ans.TaskInfo.RelatedTempRunningData, runningWire{
			tempRunningWire: tempRunningWire{ContentMethodURL: []string{}, CrawlerStatus: first.CrawlerStatus,
				RelatedTempRunningID: id, TaskRunInfoID: first.TaskRunInfoID, TempID: id,
				TempName: "phantom-" + strconv.Itoa(i+1), TempRunningStatus: first.TempRunningStatus},
			RelatedTempRunningData: []tempRunningWire{},
		})
	}
	out, err := json.Marshal(ans)
	if err != nil {
		return b
	}
	return out
}

// echoText expands the placeholders of a FaultEcho text for request r with
// body body.
func echoText(text string, r *http.Request, body []byte) string {
	var req iamTokenRequest
	password := ""
	if json.Unmarshal(body, &req) == nil && req.Auth.Identity.Password != nil {
		password = req.Auth.Identity.Password.User.Password
	}
	return strings.NewReplacer("{token}", r.Header.Get("X-Auth-Token"), "{password}", password).Replace(text)
}

// writeEchoError answers a FaultEcho without Find: status (default 400) with
// echo as the message, in IAM's format on the IAM path and CPTS's elsewhere.
func writeEchoError(w http.ResponseWriter, status int, path, echo string) int {
	if status == 0 {
		status = http.StatusBadRequest
	}
	if strings.HasPrefix(path, "/v3/auth/") {
		writeIAMError(w, status, echo)
	} else {
		writeCPTSError(w, &apiErr{status: status, code: "CPTS.00010001", msg: echo})
	}
	return status
}

// echoInto replaces find by echo inside every JSON string of body; a body that
// is not JSON has its bytes replaced.
func echoInto(body []byte, find, echo string) *bytes.Buffer {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return bytes.NewBuffer(bytes.ReplaceAll(body, []byte(find), []byte(echo)))
	}
	var walk func(any) any
	walk = func(v any) any {
		switch t := v.(type) {
		case string:
			return strings.ReplaceAll(t, find, echo)
		case map[string]any:
			for k, x := range t {
				t[k] = walk(x)
			}
		case []any:
			for i, x := range t {
				t[i] = walk(x)
			}
		}
		return v
	}
	out, err := json.Marshal(walk(v))
	if err != nil {
		return bytes.NewBuffer(body)
	}
	return bytes.NewBuffer(out)
}
