package outcome

import (
	"encoding/json"
	. "github.com/codearts-runner/codearts-runner/pkg/report"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/steps"
)

// trendOutcome is an outcome whose trend has three earlier runs (one without error_rate) and
// the current one.
func trendOutcome() *steps.Outcome {
	pt := func(id int64, p95, avg, tps float64, er *float64, cur bool) steps.TrendPoint {
		v := map[string]float64{"p95": p95, "avg_rt": avg, "tps": tps}
		if er != nil {
			v["error_rate"] = *er
		}
		return steps.TrendPoint{RunID: id, Current: cur, Passed: true, Values: v}
	}
	e := 0.5
	return &steps.Outcome{TrendNote: "trend: 3 earlier run(s)", Trend: []steps.TrendPoint{
		pt(11, 600, 120, 100, &e, false), pt(12, 620, 125, 98, nil, false), pt(13, 610, 121, 99, &e, false), pt(14, 700, 140, 90, &e, true)}}
}

func TestTrendWriters(t *testing.T) {
	t.Parallel()
	r := Build(trendOutcome(), Meta{Mode: "perftest", Result: "passed", Now: time.Unix(0, 0)})
	if r.Trend == nil || r.Trend.Window != 3 || len(r.Trend.Runs) != 4 || r.Trend.Runs[1].ErrorRate != nil || !r.Trend.Runs[3].Current {
		t.Fatalf("trend = %+v", r.Trend)
	}
	var sum strings.Builder
	r.WriteSummary(&sum)
	for _, w := range []string{"trend over 4 runs (oldest → run 14):", "  p95        ▁▂▂█  600 ms → 700 ms", "  error rate ▄ ▄▄  0.5% → 0.5%"} {
		if !strings.Contains(sum.String(), w) {
			t.Errorf("summary lacks %q:\n%s", w, sum.String())
		}
	}
	md := r.Markdown()
	for _, w := range []string{"### Trend over the last 4 runs", `x-axis ["run 11", "run 12", "run 13", "run 14 (this)"]`, "line [600, 620, 610, 700]",
		"line [0.5, 0.5, 0.5, 0.5]", `"plotColorPalette": "#1f77b4"`} {
		if !strings.Contains(md, w) {
			t.Errorf("job summary lacks %q:\n%s", w, md)
		}
	}
	page, err := pageOf(t, r)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(page), `data-series="trend-`); n != 4 || !strings.Contains(string(page), ">14</text>") {
		t.Errorf("HTML: %d trend charts, want 4 with run ids on the x-axis", n)
	}
	path := filepath.Join(t.TempDir(), "r.json")
	if err := r.WriteJSON(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	var back struct {
		Trend struct {
			Window int              `json:"window"`
			Runs   []map[string]any `json:"runs"`
		} `json:"trend"`
	}
	if err := json.Unmarshal(data, &back); err != nil || back.Trend.Window != 3 || back.Trend.Runs[0]["p95_ms"] != 600.0 || back.Trend.Runs[3]["current"] != true {
		t.Errorf("result file trend: %+v, %v", back.Trend, err)
	}
	if _, ok := back.Trend.Runs[1]["error_rate_percent"]; ok {
		t.Errorf("a figure the run did not report is written: %v", back.Trend.Runs[1])
	}
}

func TestNoTrendWithoutEarlierRuns(t *testing.T) {
	t.Parallel()
	r := Build(&steps.Outcome{}, Meta{Mode: "perftest", Result: "passed"})
	var sum strings.Builder
	r.WriteSummary(&sum)
	if r.Trend != nil || strings.Contains(sum.String(), "trend") || strings.Contains(r.Markdown(), "Trend") {
		t.Errorf("a trend without trend data: %+v\n%s", r.Trend, sum.String())
	}
}

// pageOf is the HTML report WriteHTML writes for r.
func pageOf(t *testing.T, r *Result) ([]byte, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.html")
	if err := r.WriteHTML(path); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}
