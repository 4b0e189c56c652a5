package sim

import (
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

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
