package sim

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"testing"
	"time"
)

func v(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// checkRow verifies the internal coherence of one report row.
func checkRow(t *testing.T, where string, r perfRow, final bool) {
	t.Helper()
	req, ok, errs := v(r.Requests), v(r.SuccessCount), v(r.ErrorCount)
	if ok+errs != req {
		t.Errorf("%s: success %v + errors %v != requests %v", where, ok, errs, req)
	}
	if f := v(r.FailedAssert) + v(r.FailedOthers) + v(r.FailedParsed) + v(r.FailedRefused) + v(r.FailedTimeout); f != errs {
		t.Errorf("%s: failed kinds sum %v != errorCount %v", where, f, errs)
	}
	if s := v(r.Sum1xx) + v(r.Sum2xx) + v(r.Sum3xx) + v(r.Sum4xx) + v(r.Sum5xx); s != req-v(r.FailedRefused)-v(r.FailedTimeout) {
		t.Errorf("%s: response codes %v != answered requests", where, s)
	}
	if req == 0 {
		if r.AverageRespTime != nil || r.SuccessRate != nil || r.Tp50 != nil {
			t.Errorf("%s: no requests but figures: avg %v rate %v", where, r.AverageRespTime, r.SuccessRate)
		}
		return
	}
	tps := []*float64{r.Tp50, r.Tp75, r.Tp90, r.Tp95, r.Tp99}
	if final {
		tps = append(tps, r.Tp999, r.Tp9999)
	} else if r.Tp999 != nil || r.Tp9999 != nil || r.MaxRespTime != nil || r.EndTime != nil {
		t.Errorf("%s: extreme percentiles/end time known while running", where)
	}
	prev := v(r.Min)
	for i, p := range tps {
		if p == nil || *p <= prev {
			t.Errorf("%s: percentile %d = %v not above %v", where, i, v(p), prev)
		}
		prev = v(p)
	}
	if v(r.Max) < prev || v(r.AverageRespTime) < v(r.Min) || v(r.AverageRespTime) > v(r.Max) {
		t.Errorf("%s: min %v avg %v max %v top percentile %v", where, v(r.Min), v(r.AverageRespTime), v(r.Max), prev)
	}
	if want := math.Floor(ok/req*10000+1e-9) / 100; v(r.SuccessRate) != want {
		t.Errorf("%s: successRate %v, want %v", where, v(r.SuccessRate), want)
	}
}

func checkReport(t *testing.T, where string, rep reportResponse, final bool) {
	t.Helper()
	item := rep.Result.Details.Data[0]
	checkRow(t, where+" performance", item.Performance, final)
	var sum, sumErr float64
	for _, d := range item.DetailDatas {
		checkRow(t, where+" "+d.Name, d, final)
		sum += v(d.Requests)
		sumErr += v(d.ErrorCount)
	}
	if sum != v(item.Performance.Requests) || sumErr != v(item.Performance.ErrorCount) {
		t.Errorf("%s: detailDatas sum %v/%v, performance %v/%v", where, sum, sumErr,
			v(item.Performance.Requests), v(item.Performance.ErrorCount))
	}
	var inRange int
	re := regexp.MustCompile(`\((\d+)\)$`)
	for k, s := range rep.Result.RespTimeRange {
		m := re.FindStringSubmatch(s)
		if m == nil {
			t.Fatalf("%s: respTimeRange[%s] = %q", where, k, s)
		}
		n, _ := strconv.Atoi(m[1])
		inRange += n
	}
	if float64(inRange) != v(item.Performance.Requests) || len(rep.Result.RespTimeRange) != 9 {
		t.Errorf("%s: respTimeRange holds %d requests, want %v", where, inRange, v(item.Performance.Requests))
	}
	b := rep.Result.Brokens
	n := len(b.CommonTimestamps)
	for _, arr := range [][]float64{b.TpsBrokens.Tps, b.TpsBrokens.Average, b.VusersBrokens.Vusers,
		b.RespcodeBrokens.Success, b.RespcodeBrokens.Error, b.BrandBrokens.RecBytes} {
		if len(arr) != n {
			t.Errorf("%s: curve of %d points, timestamps %d", where, len(arr), n)
		}
	}
}

func TestReportFollowsProfile(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{StaleWindow: noStale, Waiting: -1, Seed: 3})
	suite := h.s.AddSuite("profiles")
	profiles := map[string]Profile{
		"steady":  {Stages: []Stage{{Duration: 2 * time.Minute, Concurrency: 40}}, AvgRT: 80, ErrorRate: 1},
		"ramps":   {Stages: []Stage{{Duration: time.Minute, Concurrency: 10, RampUp: 30 * time.Second}, {Duration: time.Minute, Concurrency: 100, RampUp: 20 * time.Second}}, AvgRT: 250, TPS: 300, ErrorRate: 12, Requests: []string{"GET /a", "POST /b", "c d"}, RTSpread: 0.9},
		"fast":    {Stages: []Stage{{Duration: 30 * time.Second, Concurrency: 1}}, AvgRT: 0.8, RTSpread: 0.05},
		"failing": {Stages: []Stage{{Duration: time.Minute, Concurrency: 5}}, AvgRT: 3000, ErrorRate: 100},
	}
	ids := map[string]int{}
	var caseIDs []int
	for name, p := range profiles {
		ids[name] = h.s.AddCase(suite, name, p)
		caseIDs = append(caseIDs, ids[name])
	}
	task := h.s.AddTask(suite, "all", caseIDs)
	runID := h.start(suite, task)
	runs := h.s.Runs(task)
	caseRuns := runs[0].CaseRunIDs

	prev := map[int]float64{}
	for _, at := range []time.Duration{15 * time.Second, 45 * time.Second, 90 * time.Second, 3 * time.Minute} {
		h.advanceSim(at - h.elapsedSim(runs[0].StartedAt))
		final := at >= 2*time.Minute
		for i, cr := range caseRuns {
			rep := h.report(runID, cr, 7)
			where := fmt.Sprintf("case %d at %s", caseIDs[i], at)
			caseFinal := final || (at >= 30*time.Second && caseIDs[i] == ids["fast"]) ||
				(at >= time.Minute && caseIDs[i] == ids["failing"])
			checkReport(t, where, rep, caseFinal)
			if got := v(rep.perf().Requests); got < prev[cr] || got == 0 {
				t.Errorf("%s: requests %v after %v", where, got, prev[cr])
			}
			prev[cr] = v(rep.perf().Requests)
			if len(rep.Result.Brokens.CommonTimestamps) > 7 {
				t.Errorf("%s: %d curve points > 7", where, len(rep.Result.Brokens.CommonTimestamps))
			}
		}
	}
	// The figures follow the profiles.
	for name, id := range ids {
		var cr int
		for i, c := range caseIDs {
			if c == id {
				cr = caseRuns[i]
			}
		}
		rep := h.report(runID, cr, 100)
		p := rep.perf()
		prof := profiles[name].normalized()
		if d := math.Abs(v(p.AverageRespTime)-prof.AvgRT) / prof.AvgRT; d > 0.05 {
			t.Errorf("%s: average %v, profile %v", name, v(p.AverageRespTime), prof.AvgRT)
		}
		if d := math.Abs(100 - v(p.SuccessRate) - prof.ErrorRate); d > 1.5 {
			t.Errorf("%s: success rate %v, profile error rate %v", name, v(p.SuccessRate), prof.ErrorRate)
		}
		if got, want := rep.Result.Outline.Duration, prof.planLen().Seconds(); got != want {
			t.Errorf("%s: duration %v, want %v", name, got, want)
		}
		if got := v(rep.Result.Outline.MaxUsers); got != float64(prof.maxUsers()) {
			t.Errorf("%s: maxUsers %v", name, got)
		}
		if len(rep.Result.Details.Data[0].DetailDatas) != len(prof.Requests) {
			t.Errorf("%s: %d request rows", name, len(rep.Result.Details.Data[0].DetailDatas))
		}
	}
	steady := h.report(runID, caseRuns[slicesIndex(caseIDs, ids["steady"])], 100)
	if tps := v(steady.perf().Tps); math.Abs(tps-500) > 5 { // 40 users / 80 ms
		t.Errorf("steady tps %v, want ≈500", tps)
	}
	if n := len(steady.Result.Brokens.CommonTimestamps); n != 24 { // 120 s / 5 s
		t.Errorf("steady: %d curve points, want 24", n)
	}
}

func slicesIndex(s []int, x int) int {
	for i, y := range s {
		if y == x {
			return i
		}
	}
	return -1
}

// elapsedSim is the simulated time since t.
func (h *harness) elapsedSim(t time.Time) time.Duration { return h.s.SimNow().Sub(t) }

func TestReportNoData(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	runID := h.start(DemoSuiteID, DemoNoDataTaskID)
	h.advanceSim(5 * time.Minute)
	cr := h.s.Runs(DemoNoDataTaskID)[0].CaseRunIDs[0]
	rep := h.report(runID, cr, 10)
	p := rep.perf()
	checkReport(t, "nodata", rep, true)
	if v(p.Requests) != 0 || p.AverageRespTime != nil || p.SuccessRate != nil || rep.Result.Outline.PassNum != 0 ||
		rep.Result.Outline.SuccessRate != nil || rep.Result.Outline.AvgResponseTime != nil {
		t.Fatalf("no-data report: %+v / %+v", p, rep.Result.Outline)
	}
	if st := h.s.Runs(DemoNoDataTaskID)[0].Status; st != StatusFinished {
		t.Fatalf("no-data run status %d", st)
	}
}

func TestReportWhileWaiting(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	runID := h.start(DemoSuiteID, DemoTaskID)
	cr := h.s.Runs(DemoTaskID)[1].CaseRunIDs[0]
	rep := h.report(runID, cr, 10)
	if v(rep.perf().Requests) != 0 || rep.Result.Outline.StartTime != nil || len(rep.Result.Brokens.CommonTimestamps) != 0 ||
		rep.Result.Brokens.TpsBrokens.Tps == nil {
		t.Fatalf("report of a waiting run: %+v", rep.Result.Outline)
	}
}

func TestReportDeterministic(t *testing.T) {
	t.Parallel()
	get := func(seed int64) string {
		clk := &fakeClock{t: time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)}
		h := newHarness(t, Options{Seed: seed, Now: clk.Now})
		runID := h.start(DemoSuiteID, DemoSlowTaskID)
		clk.Advance(70 * time.Second / 60) // 70 simulated seconds
		cr := h.s.Runs(DemoSlowTaskID)[0].CaseRunIDs[0]
		_, _, b := h.do("GET", "/v1/{pid}/task-run-infos/"+itoa(runID)+"/case-run-infos/"+itoa(cr)+
			"/reports?brokens_limit_count=20", nil)
		return string(b)
	}
	a, b, c := get(1), get(1), get(2)
	if a != b {
		t.Fatal("same seed, different reports")
	}
	if a == c {
		t.Fatal("different seeds, same report")
	}
}

func TestReportErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	runID := h.start(DemoSuiteID, DemoTaskID)
	cr := h.s.Runs(DemoTaskID)[1].CaseRunIDs[0]
	base := "/v1/{pid}/task-run-infos/" + itoa(runID) + "/case-run-infos/"
	for p, want := range map[string]int{
		base + itoa(cr) + "/reports":                                                400,
		base + itoa(cr) + "/reports?brokens_limit_count=0":                          400,
		base + itoa(cr) + "/reports?brokens_limit_count=x":                          400,
		base + "1/reports?brokens_limit_count=5":                                    404,
		"/v1/{pid}/task-run-infos/1/case-run-infos/1/reports?brokens_limit_count=5": 404,
		"/v2/{pid}/task-run-infos/1/cases":                                          404,
	} {
		if status, _, b := h.do("GET", p, nil); status != want || errorOf(t, b).ErrorCode == "" {
			t.Errorf("%s: %d %s, want %d", p, status, b, want)
		}
	}
}

func TestReportWireFormat(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{StaleWindow: noStale})
	runID := h.start(DemoSuiteID, DemoTaskID)
	h.advanceSim(30 * time.Second)
	cr := h.s.Runs(DemoTaskID)[1].CaseRunIDs[0]
	_, _, b := h.do("GET", "/v1/{pid}/task-run-infos/"+itoa(runID)+"/case-run-infos/"+itoa(cr)+"/reports?brokens_limit_count=3", nil)
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	res := raw["result"].(map[string]any)
	if raw["extend"] != nil || res["rtproportion"] != nil {
		t.Errorf("extend/rtproportion should be null: %v %v", raw["extend"], res["rtproportion"])
	}
	perf := res["details"].(map[string]any)["data"].([]any)[0].(map[string]any)["performance"].(map[string]any)
	for _, k := range []string{"tp999", "tp9999", "endTime", "maxRespTime", "transactionId"} {
		if v, ok := perf[k]; !ok || v != nil {
			t.Errorf("running performance.%s = %v, want null", k, v)
		}
	}
	for _, k := range []string{"averageRespTime", "tp99", "successRate", "requests", "vum", "sum2xx", "avgRecBytes"} {
		if _, ok := perf[k].(float64); !ok {
			t.Errorf("performance.%s = %v, want a number", k, perf[k])
		}
	}
	ts := res["outline"].(map[string]any)["startTime"].(string)
	if _, err := time.Parse(time.RFC3339, ts); err != nil || ts[len(ts)-6:] != "+08:00" {
		t.Errorf("outline.startTime %q", ts)
	}
}

func BenchmarkShowReport(b *testing.B) {
	s := New(Options{})
	s.mu.Lock()
	t := s.ws.tasks[DemoTaskID]
	r := s.newRunLocked(t, s.SimNow().Add(-time.Minute), nil)
	s.mu.Unlock()
	now := s.SimNow()
	for b.Loop() {
		s.buildReport(r, r.cases[0], now, 100)
	}
}
