package sim

import (
	"fmt"
	"math"
	"time"
)

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
