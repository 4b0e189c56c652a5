package sim

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
)

// Reports are computed, not stored: every figure is a deterministic function
// of the case's Profile, the seed, the ids and the case's running time, so a
// report taken while the run goes on is a prefix of the final one.

// cst is the time zone of every CPTS timestamp in the documented examples.
var cst = time.FixedZone("CST", 8*3600)

const (
	// cptsTime is the report/outline/history timestamp format
	// ("2022-09-16T19:18:16+08:00", 4.6).
	cptsTime = "2006-01-02T15:04:05-07:00"
	// cptsTimeFrac is the task timestamp format
	// ("2022-09-20T14:23:42.87449+08:00", 4.2.2).
	cptsTimeFrac = "2006-01-02T15:04:05.999999-07:00"
	// curveTime labels curve points (commonTimestamps; format not documented).
	curveTime = "2006-01-02 15:04:05"
	// curveStep is the simulated sampling period of the curves.
	curveStep = 5 * time.Second
)

func fmtTime(t time.Time) string     { return t.In(cst).Format(cptsTime) }
func fmtTaskTime(t time.Time) string { return t.In(cst).Format(cptsTimeFrac) }

// z-scores of the documented percentiles tp50 … tp9999.
var tpZ = [7]float64{0, 0.6744897501960817, 1.2815515655446004, 1.6448536269514722,
	2.3263478740408408, 3.090232306167813, 3.719016485455709}

const (
	zMin = -3.5  // the fastest answer
	zMax = 4.265 // the slowest answer (≈ p99.999)
)

// reqModel is one request (AW) of a case run: fixed at the start.
type reqModel struct {
	name   string
	method string
	url    string
	meanRT float64 // ms
	errW   float64 // share of the case's error rate (mean 1)
	sent   float64 // average bytes sent
	rec    float64 // average bytes received
}

// splitRequest turns "POST /orders" into ("POST", "/orders").
func splitRequest(name string) (method, path string) {
	if m, p, ok := strings.Cut(name, " "); ok {
		switch strings.ToUpper(m) {
		case "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS":
			if !strings.HasPrefix(p, "/") {
				p = "/" + p
			}
			return strings.ToUpper(m), p
		}
	}
	slug := strings.Map(func(r rune) rune {
		if r == ' ' {
			return '-'
		}
		return r
	}, strings.ToLower(name))
	return "GET", "/" + strings.TrimPrefix(slug, "/")
}

func newReqModels(seed int64, runID int, c *caseRun) []reqModel {
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(runID)<<32|uint64(uint32(c.id))))
	p := c.profile
	n := len(p.Requests)
	out := make([]reqModel, n)
	var sumF, sumE float64
	for i, name := range p.Requests {
		m, path := splitRequest(name)
		f, e := 0.6+0.8*rng.Float64(), 0.5+rng.Float64()
		sumF += f
		sumE += e
		out[i] = reqModel{name: name, method: m, url: "https://shop.example.com" + path, meanRT: f, errW: e,
			sent: math.Round(60 + 340*rng.Float64()), rec: math.Round(800 + 15000*rng.Float64())}
		if i < len(p.reqs) { // a request set through UpdateCase
			out[i].method, out[i].url = p.reqs[i].method, p.reqs[i].url
		}
	}
	for i := range out {
		out[i].meanRT = p.AvgRT * out[i].meanRT * float64(n) / sumF
		out[i].errW = out[i].errW * float64(n) / sumE
	}
	return out
}

// usersAt is the number of virtual users t into the plan.
func (p Profile) usersAt(t time.Duration) float64 {
	prev := 0.0
	var off time.Duration
	for _, st := range p.Stages {
		if t < off+st.Duration {
			d := t - off
			if st.RampUp > 0 && d < st.RampUp {
				return prev + (float64(st.Concurrency)-prev)*float64(d)/float64(st.RampUp)
			}
			return float64(st.Concurrency)
		}
		prev = float64(st.Concurrency)
		off += st.Duration
	}
	return prev
}

// userSeconds integrates usersAt over [0, a] and returns the peak reached.
func (p Profile) userSeconds(a time.Duration) (sum, peak float64) {
	prev := 0.0
	var off time.Duration
	for _, st := range p.Stages {
		if a <= off {
			break
		}
		c := float64(st.Concurrency)
		ramp := min(a-off, st.RampUp)
		if ramp > 0 {
			end := prev + (c-prev)*float64(ramp)/float64(st.RampUp)
			sum += (prev + end) / 2 * ramp.Seconds()
			peak = max(peak, end)
		}
		if flat := min(a-off, st.Duration) - ramp; flat > 0 {
			sum += c * flat.Seconds()
			peak = max(peak, c)
		}
		prev = c
		off += st.Duration
	}
	return sum, peak
}

// counts of one row at a moment.
type counts struct {
	requests, success, errors                int64
	assert, others, parsed, refused, timeout int64
	sum2xx, sum4xx, sum5xx                   int64
}

func splitErrors(req, errs int64) counts {
	c := counts{requests: req, errors: errs, success: req - errs}
	c.timeout = errs * 20 / 100
	c.assert = errs * 15 / 100
	c.refused = errs * 10 / 100
	c.parsed = errs * 5 / 100
	c.others = errs - c.timeout - c.assert - c.refused - c.parsed
	c.sum4xx = c.others * 30 / 100
	c.sum5xx = c.others - c.sum4xx
	c.sum2xx = c.success + c.assert + c.parsed
	return c
}

func (c *counts) add(o counts) {
	c.requests += o.requests
	c.success += o.success
	c.errors += o.errors
	c.assert += o.assert
	c.others += o.others
	c.parsed += o.parsed
	c.refused += o.refused
	c.timeout += o.timeout
	c.sum2xx += o.sum2xx
	c.sum4xx += o.sum4xx
	c.sum5xx += o.sum5xx
}

// caseFigures is everything a report says about one case run at a moment.
type caseFigures struct {
	own      time.Duration // the case's running time
	userSec  float64
	peak     float64
	perReq   []counts
	total    counts
	requests []reqModel
	sigma    float64
	final    bool
	status   int       // case status
	w        []float64 // weights of the requests in the case's mixture
	mus      []float64 // log-normal location of each request
}

func figures(c *caseRun, own time.Duration, status int) caseFigures {
	p := c.profile
	f := caseFigures{own: own, requests: c.reqs, sigma: p.RTSpread, final: finalStatus(status), status: status}
	f.userSec, f.peak = p.userSeconds(own)
	var total int64
	if !p.NoData {
		total = int64(math.Floor(p.TPS / float64(p.maxUsers()) * f.userSec))
	}
	n := int64(len(c.reqs))
	f.perReq = make([]counts, n)
	for j, r := range c.reqs {
		req := total / n
		if int64(j) < total%n {
			req++
		}
		errs := min(int64(math.Floor(float64(req)*p.ErrorRate*r.errW/100)), req)
		f.perReq[j] = splitErrors(req, errs)
		f.total.add(f.perReq[j])
	}
	f.w = make([]float64, n)
	f.mus = make([]float64, n)
	for j, r := range c.reqs {
		f.w[j] = 1 / float64(n)
		if f.total.requests > 0 {
			f.w[j] = float64(f.perReq[j].requests) / float64(f.total.requests)
		}
		f.mus[j] = math.Log(r.meanRT) - f.sigma*f.sigma/2
	}
	return f
}

func (f caseFigures) mu(j int) float64 { return f.mus[j] }

// quantile of request j at z.
func (f caseFigures) quantile(j int, z float64) float64 {
	return math.Exp(f.mu(j) + f.sigma*z)
}

// cdf of the case's response-time mixture at x ms.
func (f caseFigures) cdf(x float64) float64 {
	if x <= 0 {
		return 0
	}
	var p float64
	for j, w := range f.w {
		p += w * 0.5 * math.Erfc(-(math.Log(x)-f.mu(j))/(f.sigma*math.Sqrt2))
	}
	return p
}

// mixQuantile inverts cdf by bisection in log space.
func (f caseFigures) mixQuantile(q float64) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for j := range f.requests {
		lo = min(lo, f.mu(j)-8*f.sigma)
		hi = max(hi, f.mu(j)+8*f.sigma)
	}
	for range 80 {
		mid := (lo + hi) / 2
		if f.cdf(math.Exp(mid)) < q {
			lo = mid
		} else {
			hi = mid
		}
	}
	return math.Exp((lo + hi) / 2)
}

func normCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// trunc2 truncates to two decimals, as the service does for successRate
// (2477 of 2478 is reported as 99.95, 4.6.1).
func trunc2(v float64) float64 { return math.Floor(v*100+1e-9) / 100 }

func ptr[T any](v T) *T { return &v }

// increasing rounds tp50 … tp9999 to 0.01 ms keeping them strictly increasing.
func increasing(v [7]float64) [7]float64 {
	for i := range v {
		v[i] = round2(v[i])
		if i > 0 && v[i] <= v[i-1] {
			v[i] = round2(v[i-1] + 0.01)
		}
	}
	return v
}

// Wire structs of ShowReport (4.6.1). Counters are doubles; nil fields
// encode as null, as the service does for figures it does not know yet.
// perfRow's figures that are gate metrics carry a metric tag: their wire
// names come from the CPTS metric table (cpts.RowField), the one place that
// spells them; perfRow.MarshalJSON writes every field in name order.

type perfRow struct {
	AverageRespTime          *float64 `metric:"avg_rt"`
	AvgNetworkTraffic        *float64 `json:"avgNetworkTraffic"`
	AvgRecBytes              *float64 `metric:"avg_recv_bytes"`
	AvgSentBytes             *float64 `metric:"avg_sent_bytes"`
	AvgTranRespTime          *float64 `json:"avgTranRespTime"`
	CaseURI                  string   `json:"caseUri"`
	CreateTime               *string  `json:"createTime"`
	CurrentThreadNum         *float64 `metric:"max_concurrency"`
	DetailID                 string   `json:"detailId"`
	EndTime                  *string  `json:"endTime"`
	ErrorCount               *float64 `metric:"errors"`
	ErrorEventsCount         *float64 `metric:"error_events"`
	FailedAssert             *float64 `metric:"failed_assert"`
	FailedOthers             *float64 `metric:"failed_others"`
	FailedParsed             *float64 `metric:"failed_parsed"`
	FailedRefused            *float64 `metric:"failed_refused"`
	FailedTimeout            *float64 `metric:"failed_timeout"`
	ID                       string   `json:"id"`
	IsAW                     bool     `json:"isAW"`
	Max                      *float64 `metric:"max_rt"`
	MaxNetworkTraffic        *float64 `json:"maxNetworkTraffic"`
	MaxRecBytes              *float64 `metric:"max_recv_bytes"`
	MaxRespTime              *float64 `json:"maxRespTime"`
	MaxSentBytes             *float64 `metric:"max_sent_bytes"`
	MaxTranRespTime          *float64 `json:"maxTranRespTime"`
	Min                      *float64 `metric:"min_rt"`
	MinNetworkTraffic        *float64 `json:"minNetworkTraffic"`
	Name                     string   `json:"name"`
	Requests                 *float64 `metric:"requests"`
	Result                   *float64 `json:"result"`
	StartTime                *string  `json:"startTime"`
	Status                   *float64 `json:"status"`
	SuccessCount             *float64 `metric:"successes"`
	SuccessRate              *float64 `metric:"success_rate"`
	Sum1xx                   *float64 `metric:"http_1xx"`
	Sum2xx                   *float64 `metric:"http_2xx"`
	Sum3xx                   *float64 `metric:"http_3xx"`
	Sum4xx                   *float64 `metric:"http_4xx"`
	Sum5xx                   *float64 `metric:"http_5xx"`
	TaskID                   string   `json:"taskId"`
	TaskProjectID            string   `json:"taskProjectId"`
	TaskStatus               *float64 `json:"taskStatus"`
	TestCaseURI              string   `json:"testCaseUri"`
	Tp50                     *float64 `metric:"p50"`
	Tp75                     *float64 `metric:"p75"`
	Tp90                     *float64 `metric:"p90"`
	Tp95                     *float64 `metric:"p95"`
	Tp99                     *float64 `metric:"p99"`
	Tp999                    *float64 `metric:"p99.9"`
	Tp9999                   *float64 `metric:"p99.99"`
	Tps                      *float64 `metric:"tps"`
	TranTPS                  *float64 `metric:"transaction_tps"`
	TransactionID            *string  `json:"transactionId"`
	TransactionSuccess       *float64 `json:"transactionSuccess"`
	TransactionalSuccessRate *float64 `metric:"transaction_success_rate"`
	TransactionalTps         *float64 `json:"transactionalTps"`
	TransactionalTpsSuccess  *float64 `json:"transactionalTpsSuccess"`
	Transactions             *float64 `metric:"transactions"`
	UpdateTime               *string  `json:"updateTime"`
	Vum                      *float64 `metric:"vum"`
}

type detailItem struct {
	CustomTransactions []string  `json:"customTransactions"`
	DetailDatas        []perfRow `json:"detailDatas"`
	Performance        perfRow   `json:"performance"`
}

type reportDetails struct {
	Data      []detailItem `json:"data"`
	PageIndex int          `json:"pageIndex"`
	PageSize  int          `json:"pageSize"`
	Total     int          `json:"total"`
}

type reportOutline struct {
	AvgResponseTime     *float64 `json:"avgResponseTime"`
	BranchID            *string  `json:"branchId"`
	BranchName          *string  `json:"branchName"`
	CaseRetry           float64  `json:"caseRetry"`
	CompleteNum         float64  `json:"completeNum"`
	Duration            float64  `json:"duration"`
	EndTime             *string  `json:"endTime"`
	ExecutedNum         float64  `json:"executedNum"`
	IterationURI        *string  `json:"iterationUri"`
	KpiCaseCount        float64  `json:"kpiCaseCount"`
	KpiCaseExecuteCount float64  `json:"kpiCaseExecuteCount"`
	KpiCasePassCount    float64  `json:"kpiCasePassCount"`
	MaxUsers            *float64 `json:"maxUsers"`
	PassNum             float64  `json:"passNum"`
	ProjectID           string   `json:"projectId"`
	ServiceID           string   `json:"serviceId"`
	Stage               float64  `json:"stage"`
	StageName           string   `json:"stageName"`
	StartTime           *string  `json:"startTime"`
	SuccessRate         *float64 `json:"successRate"`
	TaskStatus          *float64 `json:"taskStatus"`
	TotalNum            float64  `json:"totalNum"`
	Tps                 *float64 `json:"tps"`
	VersionURI          *string  `json:"versionUri"`
	CreateBy            string   `json:"createBy"`
}

type brandBrokens struct {
	RecBytes  []float64 `json:"recBytes"`
	SentBytes []float64 `json:"sentBytes"`
}

type respcodeBrokens struct {
	CheckPointFailed []float64 `json:"checkPointFailed"`
	Error            []float64 `json:"error"`
	OthersFailed     []float64 `json:"othersFailed"`
	ParsedFailed     []float64 `json:"parsedFailed"`
	RefusedFailed    []float64 `json:"refusedFailed"`
	Success          []float64 `json:"success"`
	Timeout          []float64 `json:"timeout"`
}

type tpsBrokens struct {
	Average []float64 `json:"average"`
	Tps     []float64 `json:"tps"`
}

type vusersBrokens struct {
	Vusers []float64 `json:"vusers"`
}

type reportBrokens struct {
	BrandBrokens     brandBrokens    `json:"brand_brokens"`
	CommonTimestamps []string        `json:"commonTimestamps"`
	RespcodeBrokens  respcodeBrokens `json:"respcode_brokens"`
	TpsBrokens       tpsBrokens      `json:"tps_brokens"`
	VusersBrokens    vusersBrokens   `json:"vusers_brokens"`
}

type reportTaskInfo struct {
	Vum float64 `json:"vum"`
}

type reportInfo struct {
	Brokens       reportBrokens     `json:"brokens"`
	Details       reportDetails     `json:"details"`
	Outline       reportOutline     `json:"outline"`
	Rtproportion  *string           `json:"rtproportion"`
	TaskInfo      reportTaskInfo    `json:"taskInfo"`
	RespTimeRange map[string]string `json:"respTimeRange"`
}

type reportResponse struct {
	Code    string     `json:"code"`
	Message string     `json:"message"`
	Extend  *string    `json:"extend"`
	Result  reportInfo `json:"result"`
}

// buildReport computes the report of case run c of run r at simulated time
// now with at most points curve points.
func (s *Server) buildReport(r *run, c *caseRun, now time.Time, points int) reportInfo {
	status, own := r.caseState(c, now)
	f := figures(c, own, status)
	start, end := r.caseTimes(c, now)
	runningStarted := status != StatusWaiting || own > 0
	taskProject := fmt.Sprintf("az-4-%d", r.id)
	updated := now
	if f.final {
		updated = end
	}
	createTime := fmtTime(r.start)
	updateTime := fmtTime(updated)
	var startStr, endStr *string
	if runningStarted {
		startStr = ptr(fmtTime(start))
	}
	if f.final && !end.IsZero() {
		endStr = ptr(fmtTime(end))
	}
	ownSec := own.Seconds()

	row := func(name, id string, cnt counts, avg, minRT, maxRT float64, tp [7]float64, sent, rec, maxSent, maxRec float64) perfRow {
		p := perfRow{
			AvgNetworkTraffic: ptr(0.0), MaxNetworkTraffic: ptr(0.0), MinNetworkTraffic: ptr(0.0),
			CaseURI: strconv.Itoa(c.id), TestCaseURI: strconv.Itoa(c.caseID),
			CreateTime: &createTime, UpdateTime: &updateTime, StartTime: startStr, EndTime: endStr,
			CurrentThreadNum: ptr(math.Round(f.peak)),
			DetailID:         strconv.FormatUint(detailID(s.opt.Seed, c.id, id), 10),
			ID:               id, Name: name,
			ErrorCount: ptr(float64(cnt.errors)), ErrorEventsCount: ptr(0.0),
			FailedAssert: ptr(float64(cnt.assert)), FailedOthers: ptr(float64(cnt.others)),
			FailedParsed: ptr(float64(cnt.parsed)), FailedRefused: ptr(float64(cnt.refused)),
			FailedTimeout: ptr(float64(cnt.timeout)),
			Requests:      ptr(float64(cnt.requests)), SuccessCount: ptr(float64(cnt.success)),
			Result: ptr(0.0),
			Sum1xx: ptr(0.0), Sum2xx: ptr(float64(cnt.sum2xx)), Sum3xx: ptr(0.0),
			Sum4xx: ptr(float64(cnt.sum4xx)), Sum5xx: ptr(float64(cnt.sum5xx)),
			TaskID: taskProject + "_1", TaskProjectID: taskProject,
			TransactionalTps: ptr(0.0), TransactionalTpsSuccess: ptr(0.0),
			Vum: ptr(round2(f.userSec / 60)),
		}
		if f.final {
			p.Status, p.TaskStatus = ptr(15.0), ptr(6.0)
		}
		if ownSec > 0 {
			p.Tps = ptr(round2(float64(cnt.requests) / ownSec))
		}
		if cnt.requests > 0 {
			p.AverageRespTime, p.AvgTranRespTime = ptr(round2(avg)), ptr(round2(avg))
			p.Min, p.Max = ptr(round2(minRT)), ptr(round2(maxRT))
			p.MaxTranRespTime = ptr(round2(maxRT))
			p.SuccessRate = ptr(trunc2(float64(cnt.success) / float64(cnt.requests) * 100))
			p.AvgSentBytes, p.AvgRecBytes = ptr(sent), ptr(rec)
			p.MaxSentBytes, p.MaxRecBytes = ptr(maxSent), ptr(maxRec)
			tp = increasing(tp)
			p.Tp50, p.Tp75, p.Tp90, p.Tp95, p.Tp99 = &tp[0], &tp[1], &tp[2], &tp[3], &tp[4]
			if f.final {
				// The extreme percentiles and the probe maximum are computed
				// when the run ends; while it runs they are null.
				p.Tp999, p.Tp9999, p.MaxRespTime = &tp[5], &tp[6], ptr(round2(maxRT))
			}
		}
		return p
	}

	// Per request rows.
	details := make([]perfRow, len(c.reqs))
	var sumRT, sumSent, sumRec, maxSent, maxRec float64
	minRT, maxRT := math.Inf(1), 0.0
	for j, rm := range c.reqs {
		var tp [7]float64
		for k, z := range tpZ {
			tp[k] = f.quantile(j, z)
		}
		lo, hi := f.quantile(j, zMin), f.quantile(j, zMax)
		ms, mr := math.Round(rm.sent*1.5), math.Round(rm.rec*4.2)
		d := row(rm.name, strconv.Itoa(c.id*100+j+1), f.perReq[j], rm.meanRT, lo, hi, tp, rm.sent, rm.rec, ms, mr)
		d.IsAW = true
		d.TransactionID = ptr("")
		d.TranTPS = ptr(0.0)
		d.TransactionalSuccessRate = ptr(0.0)
		// The document's rows carry null transaction counters (4.6.1).
		details[j] = d
		n := float64(f.perReq[j].requests)
		sumRT += n * rm.meanRT
		sumSent += n * rm.sent
		sumRec += n * rm.rec
		minRT, maxRT = min(minRT, lo), max(maxRT, hi)
		maxSent, maxRec = max(maxSent, ms), max(maxRec, mr)
	}

	// The case row.
	var avg, sent, rec float64
	var tp [7]float64
	if n := float64(f.total.requests); n > 0 {
		avg, sent, rec = sumRT/n, round2(sumSent/n), round2(sumRec/n)
		for k, z := range tpZ {
			tp[k] = f.mixQuantile(normCDF(z))
		}
	}
	perf := row(c.name, strconv.Itoa(c.id), f.total, avg, minRT, maxRT, tp, sent, rec, maxSent, maxRec)
	if r.implausible && c == r.cases[0] && f.total.requests > 0 {
		perf.Tp95, perf.SuccessRate = ptr(-1000.0), ptr(250.0) // FaultImplausible
	}
	if f.total.requests > 0 {
		perf.TranTPS = perf.Tps
		perf.TransactionalSuccessRate = ptr(float64(f.total.success) / float64(f.total.requests) * 100)
		perf.Transactions = ptr(float64(f.total.requests))
		perf.TransactionSuccess = ptr(float64(f.total.success))
	}

	out := reportInfo{
		Brokens: s.curves(c, f, start, points),
		Details: reportDetails{
			Data:      []detailItem{{CustomTransactions: []string{}, DetailDatas: details, Performance: perf}},
			PageIndex: 1, PageSize: 5, Total: 1,
		},
		Outline: reportOutline{
			CaseRetry: 0, Duration: math.Round(ownSec), EndTime: endStr, ExecutedNum: 1,
			KpiCaseCount: 1, KpiCaseExecuteCount: 1,
			ProjectID: strconv.Itoa(r.taskID), ServiceID: strconv.Itoa(r.suiteID),
			Stage: 1, StageName: "Alpha", StartTime: startStr, TotalNum: 1, CreateBy: DemoUser,
		},
		TaskInfo:      reportTaskInfo{Vum: round2(f.userSec / 60)},
		RespTimeRange: respTimeRange(f),
	}
	if n := s.opt.ReportRowsWithheld; n > 0 { // Options.ReportRowsWithheld: only page 1 comes back
		out.Details.PageSize = len(out.Details.Data)
		out.Details.Total = len(out.Details.Data) + n
	}
	if runningStarted {
		out.Outline.MaxUsers = ptr(math.Round(f.peak))
	}
	if ownSec > 0 {
		out.Outline.Tps = perf.Tps
	}
	if f.total.requests > 0 {
		out.Outline.AvgResponseTime = ptr(avg) // full precision, as in 4.6.1
		out.Outline.SuccessRate = perf.SuccessRate
	}
	if f.final {
		out.Outline.CompleteNum = 1
		out.Outline.TaskStatus = ptr(6.0)
		if status == StatusFinished && f.total.requests > 0 {
			out.Outline.PassNum, out.Outline.KpiCasePassCount = 1, 1
		}
	}
	return out
}

// detailID is a stable 19-digit id like the document's "6969830689306988544".
func detailID(seed int64, caseRunID int, id string) uint64 {
	h := mix64(uint64(seed) ^ uint64(caseRunID)*0x9E3779B97F4A7C15)
	for _, b := range []byte(id) {
		h = mix64(h ^ uint64(b))
	}
	return 6_000_000_000_000_000_000 + h%3_000_000_000_000_000_000
}

// mix64 is splitmix64's finaliser: a stateless, deterministic hash.
func mix64(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// noise returns a deterministic factor in [1-amp, 1+amp).
func noise(seed int64, caseRunID, idx int, salt uint64, amp float64) float64 {
	h := mix64(uint64(seed) ^ uint64(caseRunID)<<20 ^ uint64(idx)<<4 ^ salt)
	u := float64(h>>11) / (1 << 53)
	return 1 + amp*(2*u-1)
}

// curves samples the case every curveStep of its running time and keeps at
// most points samples (the last one always included).
func (s *Server) curves(c *caseRun, f caseFigures, start time.Time, points int) reportBrokens {
	var b reportBrokens
	k := int(math.Ceil(float64(f.own) / float64(curveStep)))
	idx := make([]int, 0, min(k, points))
	if k > 0 {
		if k <= points {
			for i := range k {
				idx = append(idx, i)
			}
		} else if points == 1 {
			idx = append(idx, k-1)
		} else {
			for i := range points {
				idx = append(idx, int(math.Round(float64(i)*float64(k-1)/float64(points-1))))
			}
		}
	}
	p := c.profile
	var errShare, meanRT, sent, rec float64
	if f.total.requests > 0 {
		errShare = float64(f.total.errors) / float64(f.total.requests)
	}
	for _, r := range c.reqs {
		meanRT += r.meanRT / float64(len(c.reqs))
		sent += r.sent / float64(len(c.reqs))
		rec += r.rec / float64(len(c.reqs))
	}
	share := func(part int64) float64 {
		if f.total.errors == 0 {
			return 0
		}
		return float64(part) / float64(f.total.errors)
	}
	b.CommonTimestamps = []string{}
	for _, i := range idx {
		t := min(time.Duration(i+1)*curveStep, f.own)
		users := p.usersAt(t - 1)
		tps := 0.0
		if !p.NoData {
			tps = round2(p.TPS * users / float64(p.maxUsers()) * noise(s.opt.Seed, c.id, i, 1, 0.05))
		}
		errs := tps * errShare
		b.CommonTimestamps = append(b.CommonTimestamps, start.Add(t).In(cst).Format(curveTime))
		b.VusersBrokens.Vusers = append(b.VusersBrokens.Vusers, math.Round(users))
		b.TpsBrokens.Tps = append(b.TpsBrokens.Tps, tps)
		avg := 0.0
		if tps > 0 {
			avg = round2(meanRT * noise(s.opt.Seed, c.id, i, 2, 0.08))
		}
		b.TpsBrokens.Average = append(b.TpsBrokens.Average, avg)
		rc := &b.RespcodeBrokens
		rc.Success = append(rc.Success, round2(tps-errs))
		rc.Error = append(rc.Error, round2(errs))
		rc.CheckPointFailed = append(rc.CheckPointFailed, round2(errs*share(f.total.assert)))
		rc.OthersFailed = append(rc.OthersFailed, round2(errs*share(f.total.others)))
		rc.ParsedFailed = append(rc.ParsedFailed, round2(errs*share(f.total.parsed)))
		rc.RefusedFailed = append(rc.RefusedFailed, round2(errs*share(f.total.refused)))
		rc.Timeout = append(rc.Timeout, round2(errs*share(f.total.timeout)))
		b.BrandBrokens.SentBytes = append(b.BrandBrokens.SentBytes, round2(tps*sent))
		b.BrandBrokens.RecBytes = append(b.BrandBrokens.RecBytes, round2(tps*rec))
	}
	nonNil := func(v *[]float64) {
		if *v == nil {
			*v = []float64{}
		}
	}
	for _, v := range []*[]float64{&b.VusersBrokens.Vusers, &b.TpsBrokens.Tps, &b.TpsBrokens.Average,
		&b.RespcodeBrokens.Success, &b.RespcodeBrokens.Error, &b.RespcodeBrokens.CheckPointFailed,
		&b.RespcodeBrokens.OthersFailed, &b.RespcodeBrokens.ParsedFailed, &b.RespcodeBrokens.RefusedFailed,
		&b.RespcodeBrokens.Timeout, &b.BrandBrokens.SentBytes, &b.BrandBrokens.RecBytes} {
		nonNil(v)
	}
	return b
}

// respTimeRange buckets the requests by response time:
// {"0~50ms": "100.0%(2472)", ...} (4.6.1).
func respTimeRange(f caseFigures) map[string]string {
	edges := []float64{50, 200, 500, 1000, 2000, 3000, 4000, 5000}
	names := []string{"0~50ms", "50~200ms", "200~500ms", "500ms~1s", "1~2s", "2~3s", "3~4s", "4~5s", ">>5s"}
	out := make(map[string]string, len(names))
	n := f.total.requests
	var assigned int64
	for i, name := range names {
		var cnt int64
		if n > 0 {
			if i < len(edges) {
				p := f.cdf(edges[i])
				cnt = int64(math.Round(p*float64(n))) - assigned
			} else {
				cnt = n - assigned
			}
		}
		cnt = max(cnt, 0)
		assigned += cnt
		pct := 0.0
		if n > 0 {
			pct = float64(cnt) / float64(n) * 100
		}
		out[name] = fmt.Sprintf("%.1f%%(%d)", pct, cnt)
	}
	return out
}

// MarshalJSON writes the row as one JSON object keyed by wire name in byte
// order: the json tag, or for a metric field the CPTS field cpts.RowField names.
func (p perfRow) MarshalJSON() ([]byte, error) {
	v := reflect.ValueOf(p)
	t := v.Type()
	out := make(map[string]any, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, ok := f.Tag.Lookup("json")
		if metric, isMetric := f.Tag.Lookup("metric"); isMetric {
			name, ok = cpts.RowField(metric)
		}
		if !ok {
			return nil, fmt.Errorf("sim: perfRow.%s has no wire name", f.Name)
		}
		out[name] = v.Field(i).Interface()
	}
	return json.Marshal(out)
}
