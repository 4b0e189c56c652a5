// Package sim is an in-process (and standalone) simulator of the Huawei Cloud
// APIs that codearts-runner drives: IAM password tokens, CodeArts PerfTest
// (CPTS), CodeArts TestPlan (CloudTest: plans, their cases, executions and
// results, environments; see cloudtest.go) and the task template service
// (attask; see attask.go). It is an http.Handler that speaks the documented
// wire format (the vendor API reference is the source of truth, the official
// SDK's models a second reference), verifies AK/SK signatures and tokens
// itself, runs tasks through the documented state machine on a scaled clock,
// produces reports that follow a per-case Profile deterministically, and can
// inject the faults a client must survive (throttling, 5xx bursts, hangs,
// garbage, lost answers, expiring tokens, paused runs, slow stops, runs stopped
// by someone else, another pipeline restarting the task, impossible report
// figures).
//
// TestPlan records (plan creation, expire_day) use the wall clock, not the
// simulated one; execution times are the ones the client sends.
//
// The simulator deliberately shares no code with the client packages
// (pkg/api/...): its wire structs and its signature verifier are written
// independently, so that a misreading on one side is caught by the other.
//
// Time: the simulator has two clocks. The wall clock (Options.Now plus
// Options.ClockSkew) checks X-Sdk-Date and expires IAM tokens. The simulated
// clock runs Options.Scale times faster from the moment New is called; every
// run phase, stage duration and timestamp in a CPTS payload is simulated
// time. A run of a 2-minute stage plan at Scale 60 therefore ends after about
// 2 real seconds, and its report says it lasted 120 seconds.
package sim

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Demo credentials and names of the seeded workspace (see New).
const (
	// DemoAK is the access key the simulator accepts for AK/SK signing.
	DemoAK = "SIMDEMOAK7Q2XK4N8W1PZ"
	// DemoSK is the secret key that belongs to DemoAK.
	DemoSK = "SimDemoSK0v9Hc2Lr5Tz8Wq3Nb6Ym1Xa4Jd7Fg0Ke"
	// DemoProjectID is the IAM project id that every CPTS path must carry.
	DemoProjectID = "0e5a3c7d91f24b6a8c2d4f6e8a0b1c3d"
	// DemoProjectName is the IAM project (region) name of DemoProjectID; an IAM
	// token request may scope to it by name instead of by id.
	DemoProjectName = "cn-north-4"
	// DemoDomain is the account (domain) name for IAM password tokens.
	DemoDomain = "codearts-demo"
	// DemoDomainID is the account (domain) id reported in tokens.
	DemoDomainID = "7b1f0c2e3d4a4e5f8a9b0c1d2e3f4a5b"
	// DemoUser is the IAM user name for password tokens.
	DemoUser = "ci-runner"
	// DemoUserID is the IAM user id reported in tokens.
	DemoUserID = "5d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a"
	// DemoPassword is DemoUser's password.
	DemoPassword = "Sim-Demo-Passw0rd!"

	// DemoSuiteName is the name of the seeded test suite (a PerfTest "project").
	DemoSuiteName = "demo-shop"
	// DemoSuiteID is the id of the seeded test suite.
	DemoSuiteID = 17543
	// DemoTaskName is the seeded task that passes the demo gates: cases
	// DemoCaseBrowse and DemoCaseCheckout in parallel, one earlier finished run.
	DemoTaskName = "ci-gate"
	// DemoTaskID is the id of DemoTaskName.
	DemoTaskID = 52631
	// DemoSlowTaskName is a seeded task whose only case is slow and error-prone.
	DemoSlowTaskName = "ci-gate-degraded"
	// DemoSlowTaskID is the id of DemoSlowTaskName.
	DemoSlowTaskID = 52632
	// DemoAbortTaskName is a seeded task whose run aborts abnormally (status 3).
	DemoAbortTaskName = "ci-gate-abort"
	// DemoAbortTaskID is the id of DemoAbortTaskName.
	DemoAbortTaskID = 52633
	// DemoNoDataTaskName is a seeded task whose run finishes without requests.
	DemoNoDataTaskName = "ci-gate-nodata"
	// DemoNoDataTaskID is the id of DemoNoDataTaskName.
	DemoNoDataTaskID = 52634

	// DemoCaseBrowse is the seeded "browse-catalog" case id.
	DemoCaseBrowse = 211751
	// DemoCaseCheckout is the seeded "checkout" case id.
	DemoCaseCheckout = 211752
	// DemoCaseSearch is the seeded "search-degraded" case id.
	DemoCaseSearch = 211753
	// DemoCaseBroken is the seeded "broken-backend" case id (Profile.Abort).
	DemoCaseBroken = 211754
	// DemoCaseEmpty is the seeded "empty-case" case id (Profile.NoData).
	DemoCaseEmpty = 211755

	// DemoClusterID is the seeded private resource group ("private-cluster").
	DemoClusterID = 3108
)

// Options configure a Server. The zero value is usable.
type Options struct {
	// Scale is the number of simulated seconds per real second; default 60
	// (a 2-minute stage plan runs about 2 s).
	Scale float64
	// Now is the real clock source; default time.Now.
	Now func() time.Time
	// ClockSkew offsets the simulator's own wall clock, so that clients'
	// X-Sdk-Date values look skewed.
	ClockSkew time.Duration
	// MaxSkew is the accepted difference between X-Sdk-Date and the
	// simulator's wall clock; default 15m.
	MaxSkew time.Duration
	// StaleWindow is the simulated time after a start during which ShowTask
	// still shows the previous run; default 20s. A negative value disables it.
	StaleWindow time.Duration
	// TokenTTL is the IAM token lifetime (wall-clock time); default 24h.
	TokenTTL time.Duration
	// Seed makes reports deterministic; runs with the same seed, ids and
	// profiles produce the same figures.
	Seed int64
	// Logger receives one debug line per request; nil discards.
	Logger *slog.Logger

	// Waiting is the simulated time a started run spends in status 9
	// (waiting for resources) before it runs; default 10s. Negative: none.
	Waiting time.Duration
	// Stopping is the simulated time a stop request spends in status 5
	// before the run is stopped (4); default 5s. Negative: none.
	Stopping time.Duration

	// issue 11: one switch per reading of an ambiguous document (docs/ambiguities.md).

	// OffsetPages makes `offset` of every listing a page number counting from
	// 1 (offset 0 refused with 400) instead of an item offset from 0.
	OffsetPages bool
	// BatchAddLimit is the most case ids a TestPlan batch-add accepts
	// (CLOUDTEST.00030001 beyond it); default 50 ("more than 50" rejected),
	// 49 plays "fewer than 50".
	BatchAddLimit int
	// ReportRowsWithheld plays the paged reading of a report's table
	// (`details` has pageIndex, pageSize and total, and ShowReport takes no
	// page parameter): a ShowReport answer says it holds this many rows more
	// than it sends (details.total), as if only its first page came back.
	ReportRowsWithheld int

	// MAS switches the status strings and the shape of the MAS-HUB workflow
	// answers (mas.go).
	MAS MASOptions
	// Password is the password of DemoUser; default DemoPassword.
	Password string
	// issue 15: the trend.

	// History is the number of extra finished runs of the demo task seeded
	// before its earlier run (a day apart, response times varying by a few
	// percent): the run history a trend shows. Default 0.
	History int
}

// Server is the simulator. Create it with New; it is safe for concurrent use.
type Server struct {
	opt       Options
	log       *slog.Logger
	epochReal time.Time // opt.Now() at New
	epochSim  time.Time // simulated clock at New

	mu        sync.Mutex
	ws        *workspace
	creds     map[string]string // AK -> SK
	stsTokens map[string]string // AK -> security token of temporary credentials
	tokens    map[string]*token
	runs      map[int]*run // by task run id
	faults    []*faultState
	records   []Recorded
	reqSeq    uint64
	runSeq    int
	caseRunN  int
	tp        *testPlan // TestPlan and attask state (testplan_workspace.go)
	mas       *masData  // MAS-HUB workflows and executions (mas.go), made on first use

	held      atomic.Int32 // requests held by FaultHang / FaultSlow
	closeOnce sync.Once
	closed    chan struct{}
	httpSrv   *http.Server
}

// New returns a simulator with the seeded demo workspace: suite DemoSuiteName
// with five cases and four tasks (see the Demo* constants), one private
// resource group DemoClusterID, global variables, and one finished earlier run
// of DemoTaskName (so ShowHistoryRunInfo has a baseline and the stale window
// has a previous run to show). The TestPlan workspace of CodeArts project
// DemoCodeArtsProjectID is seeded too: test type services DemoServiceID and
// DemoOtherServiceID with their cases (DemoCaseIDs), plans DemoPlanName and
// DemoHotfixPlanName, two environment groups, and the task templates
// DemoTemplateIDs and DemoFailingTemplateID.
func New(opt Options) *Server {
	if opt.Scale <= 0 {
		opt.Scale = 60
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.MaxSkew <= 0 {
		opt.MaxSkew = 15 * time.Minute
	}
	if opt.StaleWindow == 0 {
		opt.StaleWindow = 20 * time.Second
	}
	if opt.TokenTTL <= 0 {
		opt.TokenTTL = 24 * time.Hour
	}
	if opt.Waiting == 0 {
		opt.Waiting = 10 * time.Second
	}
	if opt.Stopping == 0 {
		opt.Stopping = 5 * time.Second
	}
	if opt.BatchAddLimit <= 0 {
		opt.BatchAddLimit = 50
	}
	if opt.Password == "" {
		opt.Password = DemoPassword
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := opt.Now()
	s := &Server{
		opt:       opt,
		log:       log,
		epochReal: now,
		epochSim:  now.Add(opt.ClockSkew),
		creds:     map[string]string{DemoAK: DemoSK},
		stsTokens: map[string]string{},
		tokens:    map[string]*token{},
		closed:    make(chan struct{}),
		runSeq:    79514,
		caseRunN:  93867,
	}
	s.ws = newWorkspace()
	s.seed()
	s.seedTestPlan()
	return s
}

// wallNow is the simulator's own wall clock (real clock plus ClockSkew).
func (s *Server) wallNow() time.Time { return s.opt.Now().Add(s.opt.ClockSkew) }

// SimNow returns the current simulated time: it started at the wall clock
// when New was called and runs Options.Scale times faster.
func (s *Server) SimNow() time.Time {
	d := s.opt.Now().Sub(s.epochReal)
	return s.epochSim.Add(time.Duration(float64(d) * s.opt.Scale))
}

// simDur converts a real duration into simulated time.
func (s *Server) simDur(real time.Duration) time.Duration {
	return time.Duration(float64(real) * s.opt.Scale)
}

// AddCredential registers one more AK/SK pair for signature verification.
func (s *Server) AddCredential(ak, sk string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creds[ak] = sk
}

// Start listens on addr ("127.0.0.1:0" when empty: loopback, any free port)
// and serves in the background. It returns the base URL, e.g.
// "http://127.0.0.1:40123", usable as the IAM, CPTS, TestPlan and attask
// endpoint.
func (s *Server) Start(addr string) (baseURL string, err error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("sim: listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	if s.httpSrv != nil {
		s.mu.Unlock()
		ln.Close()
		return "", errors.New("sim: already started")
	}
	s.httpSrv = srv
	s.mu.Unlock()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("sim: serve", "err", err)
		}
	}()
	return "http://" + ln.Addr().String(), nil
}

// Close releases every held (hanging or slow) request and, if Start was
// called, shuts the listener down. It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { close(s.closed) })
	s.mu.Lock()
	srv := s.httpSrv
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		return srv.Close()
	}
	return nil
}

// maxBody bounds request bodies.
const maxBody = 4 << 20

// ServeHTTP implements http.Handler: IAM `POST /v3/auth/tokens` and
// `GET /v3/projects` (any other IAM path is 404), the CPTS
// API under `/v1|v2|v3/{project_id}/...`, the TestPlan API under
// `/v1|v2/projects/{codearts_project_id}/...` (and
// `/v1/{codearts_project_id}/testcases/batch-query`) and attask
// `POST /attask/v3/taskmodel/execution`; anything else is answered like the
// API gateway answers an unknown API (404 APIGW.0101).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	s.mu.Lock()
	s.reqSeq++
	seq := s.reqSeq
	s.mu.Unlock()
	reqID := requestID(seq)
	rec := Recorded{
		Time:      s.wallNow(),
		Method:    r.Method,
		Path:      r.URL.Path,
		RawQuery:  r.URL.RawQuery,
		Body:      redactBody(body),
		Auth:      authKindOf(r),
		RequestID: reqID,
		ProjectID: r.Header.Get("X-Project-Id"),
	}
	// The record is kept before a connection is dropped, so that a client
	// that sees the drop also finds the request in Requests.
	var once sync.Once
	commit := func() {
		once.Do(func() {
			s.mu.Lock()
			s.records = append(s.records, rec)
			s.mu.Unlock()
			s.log.Debug("sim request", "method", rec.Method, "path", rec.Path, "status", rec.Status,
				"fault", rec.Fault.String(), "auth", string(rec.Auth), "took", time.Since(start))
		})
	}
	defer commit()
	w.Header().Set("X-Request-Id", reqID)
	if err != nil || len(body) > maxBody {
		rec.Status = http.StatusRequestEntityTooLarge
		writeGatewayError(w, rec.Status, "APIGW.0201", "Request entity too large", reqID)
		return
	}

	key := r.Method + " " + r.URL.Path
	f := s.takeFault(key, FaultStatus, FaultHang, FaultSlow, FaultMalformed, FaultTruncated, FaultHTMLGateway, FaultDropAnswer,
		FaultPhantomCaseRuns, FaultEcho)
	if f != nil {
		rec.Fault = f.Kind
		switch f.Kind {
		case FaultEcho:
			if f.Find == "" {
				rec.Status = writeEchoError(w, f.Status, r.URL.Path, echoText(f.Text, r, body))
				return
			}
		case FaultStatus:
			rec.Status = writeStatusFault(w, f, reqID, r.URL.Path)
			return
		case FaultHTMLGateway:
			rec.Status = writeHTMLGateway(w)
			return
		case FaultHang:
			if !s.hold(r.Context(), f.Delay) {
				s.abandon(w, r, &rec, commit)
				return // the client gave up, or the simulator closed: no answer
			}
			rec.Status = http.StatusGatewayTimeout
			writeGatewayError(w, rec.Status, "APIGW.0201", "Backend timeout.", reqID)
			return
		case FaultSlow:
			if !s.hold(r.Context(), max(f.Delay, time.Millisecond)) {
				s.abandon(w, r, &rec, commit)
				return
			}
		}
	}

	buf := newRespBuf()
	s.route(buf, r, body, reqID, &rec)
	rec.Status = buf.status

	if f != nil {
		switch f.Kind {
		case FaultMalformed:
			buf.body = malformed(buf.body.Bytes())
		case FaultEcho:
			buf.body = echoInto(buf.body.Bytes(), f.Find, echoText(f.Text, r, body))
		case FaultTruncated:
			b := buf.body.Bytes()
			buf.body = bytes.NewBuffer(append([]byte(nil), b[:len(b)/2]...))
		case FaultPhantomCaseRuns:
			buf.body = bytes.NewBuffer(addPhantomCaseRuns(buf.body.Bytes(), f.Phantoms))
		case FaultDropAnswer:
			rec.Status = 0
			commit()
			dropConnection(w)
			return
		}
	}
	buf.flush(w)
}

// hold blocks for d (forever when d <= 0) unless the request is abandoned or
// the simulator is closed; it reports whether the full delay elapsed.
func (s *Server) hold(ctx context.Context, d time.Duration) bool {
	s.held.Add(1)
	defer s.held.Add(-1)
	var timeout <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-timeout:
		return true
	case <-ctx.Done():
		return false
	case <-s.closed:
		return false
	}
}

// abandon ends a held request without an answer: nothing to send when the
// client left; the connection is closed when the simulator shuts down.
func (s *Server) abandon(w http.ResponseWriter, r *http.Request, rec *Recorded, commit func()) {
	rec.Status = 0
	commit()
	if r.Context().Err() == nil {
		dropConnection(w)
	}
}

// holding reports whether a request is being held (tests).
func (s *Server) holding() bool { return s.held.Load() > 0 }

// dropConnection closes the client connection without an answer.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	// Not hijackable (HTTP/2, a recorder): abort the handler; net/http closes
	// the stream without a response.
	panic(http.ErrAbortHandler)
}

// respBuf is a buffered http.ResponseWriter so that faults can rewrite or
// drop an answer after the action has been performed.
type respBuf struct {
	header http.Header
	status int
	body   *bytes.Buffer
}

func newRespBuf() *respBuf {
	return &respBuf{header: http.Header{}, body: &bytes.Buffer{}}
}

func (b *respBuf) Header() http.Header { return b.header }

func (b *respBuf) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

func (b *respBuf) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *respBuf) flush(w http.ResponseWriter) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(b.body.Len()))
	w.WriteHeader(b.status)
	w.Write(b.body.Bytes())
}

// requestID returns a 32-hex request id, unique per request.
func requestID(seq uint64) string {
	var b [12]byte
	rand.Read(b[:])
	return fmt.Sprintf("%08x%s", uint32(seq), hex.EncodeToString(b[:]))
}
