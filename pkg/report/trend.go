package report

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// Trend is the result file's trend: the overall figures of the earlier runs of the task that
// produced requests, oldest first, and this step's run last.
type Trend struct {
	// Window is how many earlier runs the trend shows (the trend setting caps it).
	Window int          `json:"window"`
	Note   string       `json:"note,omitempty"`
	Runs   []TrendPoint `json:"runs"`
}

// TrendPoint is one run of the trend. A figure the run did not report is absent.
type TrendPoint struct {
	RunID int64 `json:"run_id"`
	// Current marks this step's run.
	Current bool `json:"current,omitempty"`
	// Passed says whether the run passes today's absolute gates (only such earlier runs count
	// for a trend gate's median).
	Passed    bool     `json:"passed"`
	P95       *float64 `json:"p95_ms,omitempty"`
	AvgRT     *float64 `json:"avg_rt_ms,omitempty"`
	TPS       *float64 `json:"tps,omitempty"`
	ErrorRate *float64 `json:"error_rate_percent,omitempty"`
}

// trendSeries names the trend's series: metric, label for people, unit, and the field.
var trendSeries = []struct {
	metric, label, unit string
	get                 func(*TrendPoint) *float64
}{
	{"p95", "p95", "ms", func(p *TrendPoint) *float64 { return p.P95 }},
	{"avg_rt", "avg RT", "ms", func(p *TrendPoint) *float64 { return p.AvgRT }},
	{"tps", "TPS", "/s", func(p *TrendPoint) *float64 { return p.TPS }},
	{"error_rate", "error rate", "%", func(p *TrendPoint) *float64 { return p.ErrorRate }},
}

// series returns one metric over the trend's runs, NaN where a run did not report it.
func (t *Trend) series(get func(*TrendPoint) *float64) []float64 {
	out := make([]float64, len(t.Runs))
	for i := range t.Runs {
		if v := get(&t.Runs[i]); v != nil {
			out[i] = *v
		} else {
			out[i] = math.NaN()
		}
	}
	return out
}

// charted reports whether the trend has at least two runs to draw.
func (t *Trend) charted() bool { return t != nil && len(t.Runs) >= 2 }

// sparkBlocks are the eight levels of a sparkline.
var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// sparkline draws a series in block characters scaled from its minimum to its maximum; a
// missing value is a space.
func sparkline(vs []float64) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		if !math.IsNaN(v) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	var b strings.Builder
	for _, v := range vs {
		switch {
		case math.IsNaN(v):
			b.WriteByte(' ')
		case hi == lo:
			b.WriteRune(sparkBlocks[len(sparkBlocks)/2-1])
		default:
			b.WriteRune(sparkBlocks[int(math.Round((v-lo)/(hi-lo)*float64(len(sparkBlocks)-1)))])
		}
	}
	return b.String()
}

// writeTrendSummary writes the trend to the terminal summary: one sparkline per metric with the
// first and the last value.
func (r *Result) writeTrendSummary(w io.Writer) {
	if !r.Trend.charted() {
		return
	}
	fmt.Fprintf(w, "trend over %d runs (oldest → run %d):\n", len(r.Trend.Runs), r.Trend.Runs[len(r.Trend.Runs)-1].RunID)
	for _, s := range trendSeries {
		vs := r.Trend.series(s.get)
		first, last := "–", "–"
		if i := slices.IndexFunc(vs, isPoint); i >= 0 {
			first = gates.FormatWithUnit(vs[i], s.unit)
		}
		if v := vs[len(vs)-1]; isPoint(v) {
			last = gates.FormatWithUnit(v, s.unit)
		}
		fmt.Fprintf(w, "  %-10s %s  %s → %s\n", s.label, sparkline(vs), first, last)
	}
}

// trendPalette is the line colour of every trend chart of the job summary: a blue readable on
// GitHub's light and dark themes (Mermaid's default palette is theme-dependent).
const trendPalette = "#1f77b4"

// mdTrend writes the trend to the job summary: one Mermaid line chart per metric over the runs
// (xychart-beta has a single y-axis), the x-axis naming the runs.
func (r *Result) mdTrend(b *strings.Builder) {
	if !r.Trend.charted() {
		return
	}
	fmt.Fprintf(b, "### Trend over the last %d runs\n\n", len(r.Trend.Runs))
	labels := make([]string, len(r.Trend.Runs))
	for i, p := range r.Trend.Runs {
		labels[i] = strconv.Quote("run " + strconv.FormatInt(p.RunID, 10))
		if p.Current {
			labels[i] = strconv.Quote("run " + strconv.FormatInt(p.RunID, 10) + " (this)")
		}
	}
	for _, s := range trendSeries {
		vs := r.Trend.series(s.get)
		vals := make([]string, len(vs))
		top, prev, any := 0.0, math.NaN(), false
		for i, v := range vs {
			if math.IsNaN(v) { // Mermaid has no gaps: a missing figure carries the previous one
				v = prev
			}
			if math.IsNaN(v) {
				v = 0
			} else {
				any = true
			}
			vals[i], prev, top = gates.FormatFigure(v), v, max(top, v)
		}
		if !any {
			continue
		}
		fmt.Fprintf(b, "```mermaid\n%%%%{init: {\"themeVariables\": {\"xyChart\": {\"plotColorPalette\": \"%s\", \"titleColor\": \"#24292f\", \"xAxisLabelColor\": \"#57606a\", \"yAxisLabelColor\": \"#57606a\", \"xAxisTitleColor\": \"#57606a\", \"yAxisTitleColor\": \"#57606a\", \"backgroundColor\": \"#ffffff\"}}}}%%%%\nxychart-beta\n", trendPalette)
		fmt.Fprintf(b, "    title \"Trend — %s (%s)\"\n", s.label, s.unit)
		fmt.Fprintf(b, "    x-axis [%s]\n", strings.Join(labels, ", "))
		fmt.Fprintf(b, "    y-axis \"%s (%s)\" 0 --> %s\n", s.label, s.unit, gates.FormatFigure(niceCeil(max(top, 1e-9)*1.05)))
		fmt.Fprintf(b, "    line [%s]\n", strings.Join(vals, ", "))
		b.WriteString("```\n\n")
	}
}

// htmlTrend lays out the trend charts of the HTML report: one per metric, x the runs.
func (r *Result) htmlTrend() []svgChart {
	if !r.Trend.charted() {
		return nil
	}
	n := len(r.Trend.Runs)
	x := curveAxis(nil, n) // runs 1…n
	var out []svgChart
	for _, s := range trendSeries {
		c := buildChart("trend-"+s.metric, "Trend — "+s.label, s.unit, x, r.Trend.series(s.get))
		c.XTicks = c.XTicks[:0]
		for i, p := range r.Trend.Runs {
			if n <= 10 || i == 0 || i == n-1 || i%(n/5+1) == 0 {
				c.XTicks = append(c.XTicks, svgTick{Pos: c.Left + float64(i)/float64(n-1)*(c.Right-c.Left), Label: strconv.FormatInt(p.RunID, 10)})
			}
		}
		c.XTitle = "run id"
		out = append(out, c)
	}
	return out
}
