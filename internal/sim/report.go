package sim

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Reports are computed, not stored: every figure is a deterministic function
// of the case's Profile, the seed, the ids and the case's running time, so a
// report taken while the run goes on is a prefix of the final one.

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
