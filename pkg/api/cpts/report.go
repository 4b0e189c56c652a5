package cpts

import "math"

// Report is the report of one case run (ShowReport `result`): summary,
// per-case and per-request tables, curves and the response-time histogram.
// Every figure is a Number, so a null is told apart from zero.
type Report struct {
	// Outline is the run summary (`outline`).
	Outline Outline `json:"outline"`
	// Details is the table of cases and their requests (`details`).
	Details Details `json:"details"`
	// Brokens are the curves (`brokens`), one point per sample.
	Brokens Curves `json:"brokens"`
	// RespTimeRange maps a response-time bucket ("0~50ms", ">>5s") to its
	// share as sent, e.g. "100.0%(2472)" (`respTimeRange`).
	RespTimeRange map[string]Text `json:"respTimeRange"`
	// TaskInfo carries the run's VUM (`taskInfo.vum`).
	TaskInfo ReportTaskInfo `json:"taskInfo"`
}

// ReportTaskInfo is the report's `taskInfo`.
type ReportTaskInfo struct {
	// VUM is minutes × concurrency.
	VUM Number `json:"vum"`
}

// Truncated reports whether the service holds more detail rows than it sent
// (`details.total` above the number of `details.data` rows).
func (r *Report) Truncated() bool {
	return int(r.Details.Total) > len(r.Details.Data)
}

// Details is the report table (`details`).
type Details struct {
	// Data holds one row per case.
	Data []ReportRow `json:"data"`
	// PageIndex is the page number as sent.
	PageIndex Int `json:"pageIndex"`
	// PageSize is the page size as sent.
	PageSize Int `json:"pageSize"`
	// Total is the number of rows the service holds.
	Total Int `json:"total"`
}

// ReportRow is one case of the table (`details.data[]`).
type ReportRow struct {
	// Performance are the case's figures (`performance`).
	Performance PerfMetrics `json:"performance"`
	// Requests are the figures per request/AW of the case (`detailDatas`).
	Requests []PerfMetrics `json:"detailDatas"`
}

// Curves are the report's time series (`brokens`); every series has one
// point per entry of Timestamps, a null point is a Number that is not Valid.
type Curves struct {
	// Timestamps are the sample times as sent (`commonTimestamps`).
	Timestamps []Text `json:"commonTimestamps"`
	// TPS holds throughput and average response time (`tps_brokens`).
	TPS TPSCurves `json:"tps_brokens"`
	// VUsers holds the concurrency (`vusers_brokens`).
	VUsers VUsersCurves `json:"vusers_brokens"`
	// RespCode holds answers by outcome (`respcode_brokens`).
	RespCode RespCodeCurves `json:"respcode_brokens"`
	// Bandwidth holds bytes received and sent (`brand_brokens`).
	Bandwidth BandwidthCurves `json:"brand_brokens"`
}

// TPSCurves is `tps_brokens`.
type TPSCurves struct {
	// TPS is the throughput.
	TPS Numbers `json:"tps"`
	// Average is the average response time (ms).
	Average Numbers `json:"average"`
}

// VUsersCurves is `vusers_brokens`.
type VUsersCurves struct {
	// VUsers is the number of virtual users.
	VUsers Numbers `json:"vusers"`
}

// RespCodeCurves is `respcode_brokens`.
type RespCodeCurves struct {
	// Success counts successful requests.
	Success Numbers `json:"success"`
	// Error counts failed requests.
	Error Numbers `json:"error"`
	// CheckPointFailed counts assertion failures.
	CheckPointFailed Numbers `json:"checkPointFailed"`
	// OthersFailed counts other failures.
	OthersFailed Numbers `json:"othersFailed"`
	// ParsedFailed counts parse failures.
	ParsedFailed Numbers `json:"parsedFailed"`
	// RefusedFailed counts refused connections.
	RefusedFailed Numbers `json:"refusedFailed"`
	// Timeout counts timeouts.
	Timeout Numbers `json:"timeout"`
}

// BandwidthCurves is `brand_brokens`.
type BandwidthCurves struct {
	// RecBytes are the bytes received.
	RecBytes Numbers `json:"recBytes"`
	// SentBytes are the bytes sent.
	SentBytes Numbers `json:"sentBytes"`
}

type reportAnswer struct {
	Result *Report `json:"result"`
}

// Downsample shortens the curves to n points when they are longer (n > 0): the charts and the
// result file need a few hundred points, and a service that ignores brokens_limit_count sends
// 10,000. The points are cut into n buckets of consecutive indexes over the longest series
// (Timestamps included); a series' value per bucket is the mean of its valid points in the
// bucket (not Valid when there is none) and a bucket's timestamp is its first one. A series
// shorter than the longest is bucketed by the same index ranges, so it keeps the buckets that
// start within it.
func (c *Curves) Downsample(n int) {
	series := c.series()
	longest := len(c.Timestamps)
	for _, s := range series {
		longest = max(longest, len(*s))
	}
	if n <= 0 || longest <= n {
		return
	}
	// Bucket k holds the indexes [start(k), start(k+1)).
	start := func(k int) int { return k * longest / n }
	if len(c.Timestamps) > 0 {
		ts := make([]Text, 0, n)
		for k := 0; k < n && start(k) < len(c.Timestamps); k++ {
			ts = append(ts, c.Timestamps[start(k)])
		}
		c.Timestamps = ts
	}
	for _, p := range series {
		s := *p
		if len(s) == 0 {
			continue
		}
		out := make(Numbers, 0, n)
		for k := 0; k < n && start(k) < len(s); k++ {
			out = append(out, mean(s[start(k):min(start(k+1), len(s))]))
		}
		*p = out
	}
}

// series lists every curve but the timestamps.
func (c *Curves) series() []*Numbers {
	return []*Numbers{&c.TPS.TPS, &c.TPS.Average, &c.VUsers.VUsers,
		&c.RespCode.Success, &c.RespCode.Error, &c.RespCode.CheckPointFailed, &c.RespCode.OthersFailed,
		&c.RespCode.ParsedFailed, &c.RespCode.RefusedFailed, &c.RespCode.Timeout,
		&c.Bandwidth.RecBytes, &c.Bandwidth.SentBytes}
}

// mean is the mean of the valid points of ns, not Valid when there is none.
func mean(ns Numbers) Number {
	sum, count := 0.0, 0
	for _, x := range ns {
		if x.Valid {
			sum += x.Value
			count++
		}
	}
	if count == 0 {
		return Number{}
	}
	if math.IsInf(sum, 0) { // huge figures: divide first
		sum = 0
		for _, x := range ns {
			if x.Valid {
				sum += x.Value / float64(count)
			}
		}
		return NumberOf(sum)
	}
	return NumberOf(sum / float64(count))
}
