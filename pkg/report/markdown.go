package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/codearts-runner/codearts-runner/pkg/gates"
	"github.com/codearts-runner/codearts-runner/pkg/redact"
)

// Limits of the Markdown summary. GitHub caps a step summary at 1 MiB and Mermaid draws a
// readable line with a few dozen points.
const (
	// mdChartPoints is the most points a Mermaid chart gets.
	mdChartPoints = 60
	// mdChartCases is the most cases charted in the summary; the HTML report charts all.
	mdChartCases = 10
	// mdCellRunes bounds one table cell of server or user text.
	mdCellRunes = 300
)

// verdictEmoji marks a gate verdict in the Markdown summary.
var verdictEmoji = map[string]string{"passed": "✅", "failed": "❌", "warned": "⚠️", "skipped": "⏭️"}

// resultEmoji marks the overall result in the Markdown summary heading.
var resultEmoji = map[string]string{"passed": "✅", "failed": "❌", "error": "🛑", "timeout": "⏱️",
	"cancelled": "🚫", "started": "▶️"}

// resultMark marks the overall result in a Markdown heading; ℹ️ for one without an emoji.
func (r *Result) resultMark() string { return cmp.Or(resultEmoji[r.Result], "ℹ️") }

// Markdown renders the result as GitHub-flavoured Markdown for a job summary: a heading with
// the result and the run, the gates table (verdict, gate, measured value, limit, message), the
// headline figures of every case, the baseline note and, per case, Mermaid charts of the
// throughput and the average response time over the run. Text from the platform or the
// settings is escaped, so it can neither break a table nor inject markup.
func (r *Result) Markdown() string {
	if len(r.Tasks) > 0 {
		return r.multiMarkdown()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "## %s codearts-runner %s: %s", r.resultMark(), MarkdownText(r.Mode), MarkdownText(r.Result))
	if r.Run != nil && r.Run.ID != 0 {
		fmt.Fprintf(&b, " (run %d)", r.Run.ID)
	}
	b.WriteString("\n\n")
	if line := r.mdRunLine(); line != "" {
		b.WriteString(line + "\n\n")
	}
	if r.Error != "" {
		fmt.Fprintf(&b, "> **Error:** %s\n\n", mdCell(r.Error))
	}
	if e := r.Execution; e != nil && (e.Cause != "" || e.FAQ != "") {
		fmt.Fprintf(&b, "> **Cause:** %s", mdCell(e.Cause))
		if e.FAQ != "" {
			fmt.Fprintf(&b, " · **FAQ:** %s", mdCell(e.FAQ))
		}
		b.WriteString("\n\n")
	}
	r.mdGates(&b)
	r.mdChecks(&b)
	r.mdCases(&b)
	if r.Baseline != nil && (r.Baseline.Note != "" || r.Baseline.RunID != 0) {
		b.WriteString("> **Baseline:** ")
		if r.Baseline.RunID != 0 {
			fmt.Fprintf(&b, "run %d", r.Baseline.RunID)
			if r.Baseline.Note != "" {
				b.WriteString(" — ")
			}
		}
		b.WriteString(mdCell(r.Baseline.Note) + "\n\n")
	}
	r.mdCharts(&b)
	r.mdTrend(&b)
	fmt.Fprintf(&b, "<sub>codearts-runner %s", MarkdownText(r.Version))
	if !r.Generated.IsZero() {
		b.WriteString(" · " + r.Generated.UTC().Format(time.RFC3339))
	}
	b.WriteString("</sub>\n")
	return redact.Text(b.String()) // no ESC sequence or bidirectional control, whoever built the result
}

// mdRunLine names the task, the suite and the run with its status and duration.
func (r *Result) mdRunLine() string {
	var parts []string
	if r.Task != nil {
		s := fmt.Sprintf("Task **%s** (%d)", mdCell(r.Task.Name), r.Task.ID)
		if r.Task.Created {
			s += ", created by this run"
		}
		if r.Suite != nil {
			s += fmt.Sprintf(" in suite **%s** (%d)", mdCell(r.Suite.Name), r.Suite.ID)
		}
		parts = append(parts, s)
	}
	if r.Run != nil {
		s := fmt.Sprintf("run **%d**", r.Run.ID)
		if r.Run.StatusText != "" {
			s += ": " + MarkdownText(r.Run.StatusText)
		}
		if r.Run.DurationSec > 0 {
			s += " after " + fmtDuration(r.Run.DurationSec)
		}
		if flags := runFlags(r.Run); len(flags) > 0 {
			s += " (" + strings.Join(flags, "; ") + ")"
		}
		parts = append(parts, s)
	}
	if p := r.Plan; p != nil {
		s := fmt.Sprintf("plan **%s** (%s)", mdCell(p.Name), MarkdownText(p.ID))
		if p.Created {
			s += ", created by this run"
		}
		s += fmt.Sprintf(": %d cases added, %d already there, %d failed", p.Added, p.Already, p.Failed)
		parts = append(parts, s)
	}
	if e := r.Execution; e != nil {
		s := "task templates " + mdCell(strings.Join(e.TaskIDs, ", "))
		if e.ID != "" {
			s += ", execution " + MarkdownText(e.ID)
		}
		parts = append(parts, s)
	}
	if r.Region != "" {
		parts = append(parts, "region "+MarkdownText(r.Region))
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, " · ") + fmt.Sprintf(" · exit code %d", r.ExitCode)
}

// runFlags lists what happened to a run beyond its status.
func runFlags(run *Run) []string {
	var out []string
	if run.StartedBy == "attached" {
		out = append(out, "attached to a run already going")
	}
	if run.AbortedEarly {
		out = append(out, "aborted early by a gate")
	}
	if run.TimedOut {
		out = append(out, "wait timed out")
	}
	if run.Cancelled {
		out = append(out, "cancelled")
	}
	switch {
	case run.StopConfirmed:
		out = append(out, "stopped")
	case run.StopSent:
		out = append(out, "stop sent, not confirmed")
	}
	return out
}

// mdGates writes the gates table.
func (r *Result) mdGates(b *strings.Builder) {
	if len(r.Gates) == 0 {
		if len(r.Checks) == 0 {
			b.WriteString("_No gates were evaluated._\n\n")
		}
		return
	}
	c := r.Counts
	fmt.Fprintf(b, "### Gates: %d failed, %d warned, %d passed, %d skipped\n\n", c.Failed, c.Warned, c.Passed, c.Skipped)
	b.WriteString("| | Gate | Measured | Limit | Message |\n| :-: | :-- | --: | --: | :-- |\n")
	for _, g := range r.Gates {
		mark := mdVerdict(g.Verdict)
		name := mdCell(g.Name)
		if g.Text != "" && g.Text != g.Name {
			name += "<br>" + mdCell(g.Text)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", mark, name, figure(g.Value, g.Unit, "—"), figure(g.Limit, g.Unit, "—"), mdCell(g.Message))
	}
	b.WriteString("\n")
}

// mdChecks writes the checks of a testplan or taskmodel run and the outcomes recorded back to
// TestPlan cases.
func (r *Result) mdChecks(b *strings.Builder) {
	if len(r.Checks) > 0 {
		failed := failedChecks(r.Checks)
		fmt.Fprintf(b, "### Checks: %d failed, %d passed\n\n", failed, len(r.Checks)-failed)
		b.WriteString("| | Check | Group | Message |\n| :-: | :-- | :-- | :-- |\n")
		for _, c := range r.Checks {
			fmt.Fprintf(b, "| %s | %s | %s | %s |\n", mdVerdict(c.Verdict), mdCell(c.Name), mdCell(c.Group), mdCell(c.Message))
		}
		b.WriteString("\n")
	}
	if len(r.PlanRecords) > 0 {
		b.WriteString("### Recorded in TestPlan\n\n| | Gate or case | Plan case | Recorded |\n| :-: | :-- | :-- | :-- |\n")
		for _, p := range r.PlanRecords {
			rec := "yes"
			if !p.Recorded {
				rec = "no"
				if p.Error != "" {
					rec += ": " + mdCell(p.Error)
				}
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s |\n", mdVerdict(p.Verdict), mdCell(p.Name), mdCell(p.CaseID), rec)
		}
		b.WriteString("\n")
	}
}

// mdVerdict marks a verdict with its emoji, or shows it escaped when unknown.
func mdVerdict(v string) string {
	if e := verdictEmoji[v]; e != "" {
		return e
	}
	return MarkdownText(v)
}

// caseColumns are the headline figures of a case, in table order: the metric, its column title
// and its label in the terminal summary.
var caseColumns = []struct{ key, title, label, unit string }{
	{"requests", "Requests", "requests", ""}, {"tps", "TPS", "tps", "/s"}, {"avg_rt", "Avg RT", "avg", "ms"},
	{"p95", "p95", "p95", "ms"}, {"p99", "p99", "p99", "ms"}, {"success_rate", "Success", "success", "%"},
}

// mdCases writes the headline figures of every case, and of all cases together when there are
// several.
func (r *Result) mdCases(b *strings.Builder) {
	if len(r.Cases) == 0 {
		return
	}
	b.WriteString("### Cases\n\n| Case | Status |")
	for _, col := range caseColumns {
		b.WriteString(" " + col.title + " |")
	}
	b.WriteString("\n| :-- | :-- |" + strings.Repeat(" --: |", len(caseColumns)) + "\n")
	row := func(name, status string, m *Metrics) {
		fmt.Fprintf(b, "| %s | %s |", name, status)
		for _, col := range caseColumns {
			if v, ok := m.Get(col.key); ok {
				b.WriteString(" " + figure(&v, col.unit, "—") + " |")
			} else {
				b.WriteString(" — |")
			}
		}
		b.WriteString("\n")
	}
	for i := range r.Cases {
		c := &r.Cases[i]
		row(mdCell(c.Name), mdCell(c.StatusText), &c.Metrics)
	}
	if len(r.Cases) > 1 && r.Overall.Len() > 0 {
		row("**All cases**", "", &r.Overall)
	}
	b.WriteString("\n")
}

// chartPalette colours the lines of the summary's charts, one per case: every colour keeps a
// contrast of at least 3:1 on GitHub's light (#ffffff) and dark (#0d1117) backgrounds (Mermaid's
// default line colour, #ECECFF, is nearly invisible on white). The names label the legend,
// since xychart-beta draws none.
var chartPalette = []struct{ hex, name string }{
	{"#3b82f6", "blue"}, {"#ea580c", "orange"}, {"#059669", "green"}, {"#e03131", "red"}, {"#a855f7", "purple"},
	{"#0c8599", "teal"}, {"#db2777", "pink"}, {"#5c940d", "olive"}, {"#b08800", "gold"}, {"#6b7280", "grey"},
}

// mdSeries is one case's line in a chart.
type mdSeries struct {
	name string
	x    xAxis
	ys   []float64
}

// mdCharts writes two Mermaid charts, throughput and average response time, with one line per
// case (xychart-beta has a single y-axis, so one chart per metric); at most mdChartCases cases.
func (r *Result) mdCharts(b *strings.Builder) {
	curves := r.Curves()
	if len(curves) == 0 {
		return
	}
	b.WriteString("### Throughput and response time\n\n")
	var tps, rt []mdSeries
	var origin time.Time // the earliest first sample: cases are placed on one time axis
	for i, c := range curves {
		if t, ok := firstTime(c.Timestamps); ok && i < mdChartCases && (origin.IsZero() || t.Before(origin)) {
			origin = t
		}
	}
	for i, c := range curves {
		if i == mdChartCases {
			break
		}
		x := curveAxis(c.Timestamps, max(len(c.TPS), len(c.AvgRT)))
		if t, ok := firstTime(c.Timestamps); ok && x.time && !origin.IsZero() {
			for j := range x.values { // the case's own values, fresh from curveAxis
				x.values[j] += t.Sub(origin).Seconds()
			}
		}
		if !slices.ContainsFunc(c.TPS, isPoint) && !slices.ContainsFunc(c.AvgRT, isPoint) {
			fmt.Fprintf(b, "**%s**: no curve points were reported.\n\n", mdCell(c.Name))
			continue
		}
		tps = append(tps, mdSeries{c.Name, x, c.TPS})
		rt = append(rt, mdSeries{c.Name, x, c.AvgRT})
	}
	b.WriteString(mermaidLines("TPS", "TPS (/s)", tps))
	b.WriteString(mermaidLines("average response time", "avg RT (ms)", rt))
	if len(curves) > mdChartCases {
		fmt.Fprintf(b, "_%d more cases are charted in the HTML report._\n\n", len(curves)-mdChartCases)
	}
}

// firstTime reads the first timestamp of a curve.
func firstTime(timestamps []string) (time.Time, bool) {
	if len(timestamps) == 0 {
		return time.Time{}, false
	}
	for _, layout := range timestampLayouts {
		if t, err := time.Parse(layout, timestamps[0]); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// isPoint reports whether a series value is a point, not null (NaN).
func isPoint(y float64) bool { return !math.IsNaN(y) }

// mermaidLines renders series as one Mermaid xychart-beta chart, a line per series in the
// colours of chartPalette with a legend below. A single series is reduced to at most
// mdChartPoints points; null points are left out of the means, leading and trailing gaps are
// trimmed and a gap inside the run carries the previous value (Mermaid has no gaps). Several
// series are put on one grid of at most mdChartPoints buckets over their common span: a series
// is 0 in the buckets before it starts and after it ends. It returns "" when no series has a
// point.
func mermaidLines(title, yTitle string, series []mdSeries) string {
	var lines [][]chartPoint
	var names []string
	var axis xAxis
	allTime := true
	for _, s := range series {
		allTime = allTime && s.x.time
	}
	for _, s := range series {
		x := s.x
		if !allTime && len(series) > 1 {
			// Without times for every case, the cases cannot share a time axis: each is spread
			// over the chart by its share of its own samples.
			x = xAxis{values: make([]float64, len(s.ys)), scale: 1, title: "progress (share of the case's samples)"}
			for i := range x.values {
				x.values[i] = 100 * float64(i) / float64(max(len(s.ys)-1, 1))
			}
		}
		pts := trimNaN(pair(x.values, s.ys))
		if len(pts) == 0 {
			continue
		}
		lines = append(lines, pts)
		names = append(names, s.name)
		axis = x
	}
	if len(lines) == 0 {
		return ""
	}
	if len(lines) == 1 {
		lines[0] = carry(downsample(lines[0], mdChartPoints))
	} else {
		lines, axis = onGrid(lines, allTime)
	}
	top := 0.0
	for _, l := range lines {
		for _, p := range l {
			top = max(top, p.Y)
		}
	}
	x0, x1 := math.Inf(1), math.Inf(-1)
	for _, l := range lines {
		x0, x1 = min(x0, l[0].X/axis.scale), max(x1, l[len(l)-1].X/axis.scale)
	}
	if x1 <= x0 {
		x1 = x0 + 1
	}
	colours := make([]string, len(lines))
	for i := range lines {
		colours[i] = chartPalette[i%len(chartPalette)].hex
	}
	var b strings.Builder
	b.WriteString("```mermaid\n")
	fmt.Fprintf(&b, "%%%%{init: {\"themeVariables\": {\"xyChart\": {\"plotColorPalette\": \"%s\"}}}}%%%%\n", strings.Join(colours, ", "))
	b.WriteString("xychart-beta\n")
	fmt.Fprintf(&b, "    title \"%s\"\n", mermaidText(title))
	fmt.Fprintf(&b, "    x-axis \"%s\" %s --> %s\n", axis.title, gates.FormatFigure(math.Floor(x0)), gates.FormatFigure(math.Ceil(x1)))
	fmt.Fprintf(&b, "    y-axis \"%s\" 0 --> %s\n", yTitle, gates.FormatFigure(niceCeil(top*1.05)))
	for _, l := range lines {
		vals := make([]string, len(l))
		for i, p := range l {
			vals[i] = gates.FormatFigure(p.Y)
		}
		fmt.Fprintf(&b, "    line [%s]\n", strings.Join(vals, ", "))
	}
	b.WriteString("```\n\n")
	if len(series) > 1 || series[0].name != title {
		legend := make([]string, len(names))
		for i, n := range names {
			legend[i] = chartPalette[i%len(chartPalette)].name + ": " + mdCell(n)
		}
		b.WriteString("<sub>lines — " + strings.Join(legend, " · ") + "</sub>\n\n")
	}
	return b.String()
}

// trimNaN drops the leading and trailing null points.
func trimNaN(pts []chartPoint) []chartPoint {
	first, last := -1, -1
	for i, p := range pts {
		if !math.IsNaN(p.Y) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return nil
	}
	return pts[first : last+1]
}

// carry fills a null point with the previous value (the first point is never null).
func carry(pts []chartPoint) []chartPoint {
	for i := range pts {
		if math.IsNaN(pts[i].Y) && i > 0 {
			pts[i].Y = pts[i-1].Y
		}
	}
	return pts
}

// onGrid puts several series on one grid of at most mdChartPoints buckets over their common
// span: each bucket is the mean of the series' points in it, a gap inside the series carries
// its previous value, and a bucket outside the series' span is 0.
func onGrid(lines [][]chartPoint, time bool) ([][]chartPoint, xAxis) {
	x0, x1 := math.Inf(1), math.Inf(-1)
	distinct := map[float64]bool{}
	for _, l := range lines {
		x0, x1 = min(x0, l[0].X), max(x1, l[len(l)-1].X)
		for _, p := range l {
			if len(distinct) <= mdChartPoints {
				distinct[math.Round(p.X*1000)] = true
			}
		}
	}
	n := max(min(mdChartPoints, len(distinct)), 2)
	width := (x1 - x0) / float64(n-1)
	if width <= 0 {
		width = 1
	}
	grid := make([]float64, n)
	for i := range grid {
		grid[i] = x0 + float64(i)*width
	}
	out := make([][]chartPoint, len(lines))
	for li, l := range lines {
		sum, cnt := make([]float64, n), make([]int, n)
		for _, p := range l {
			if math.IsNaN(p.Y) {
				continue
			}
			k := min(max(int(math.Round((p.X-x0)/width)), 0), n-1)
			sum[k] += p.Y
			cnt[k]++
		}
		start, end := l[0].X, l[len(l)-1].X
		row := make([]chartPoint, n)
		prev := 0.0
		for k := range n {
			y := 0.0
			switch {
			case cnt[k] > 0:
				y = sum[k] / float64(cnt[k])
				prev = y
			case grid[k] >= start-width/2 && grid[k] <= end+width/2:
				y = prev
			}
			row[k] = chartPoint{X: grid[k], Y: y}
		}
		out[li] = row
	}
	axis := xAxis{values: grid, scale: 1, title: "progress (share of the case's samples)"}
	if time {
		axis = xAxis{values: grid, scale: 1, title: "elapsed (s)", time: true}
		if x1-x0 > 1200 {
			axis.scale, axis.title = 60, "elapsed (min)"
		}
	}
	return out, axis
}

// chartPoint is one point of a chart: X in seconds since the first sample (or the sample number),
// Y the value, NaN for a null point.
type chartPoint struct{ X, Y float64 }

// xAxis places the samples of a case on the time axis.
type xAxis struct {
	values []float64 // one per sample: seconds since the first sample, or the 1-based sample number
	scale  float64   // divisor for display (60 for minutes)
	title  string    // axis title
	time   bool      // values are seconds
}

// curveAxis places n samples on the time axis from their timestamps, falling back to sample
// numbers when the timestamps are missing, unreadable or out of order (their format is not
// documented).
func curveAxis(timestamps []string, n int) xAxis {
	if secs, ok := elapsed(timestamps); ok && len(secs) == n && n > 0 {
		span := secs[len(secs)-1]
		if span > 1200 {
			return xAxis{values: secs, scale: 60, title: "elapsed (min)", time: true}
		}
		return xAxis{values: secs, scale: 1, title: "elapsed (s)", time: true}
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(i + 1)
	}
	return xAxis{values: v, scale: 1, title: "sample"}
}

// timestampLayouts are the forms a curve timestamp is read in.
var timestampLayouts = []string{"2006-01-02 15:04:05", time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05.999999999",
	"2006/01/02 15:04:05", "15:04:05"}

// elapsed turns timestamps into seconds since the first one; ok is false unless every
// timestamp reads and they never go back.
func elapsed(timestamps []string) ([]float64, bool) {
	if len(timestamps) == 0 {
		return nil, false
	}
	out := make([]float64, len(timestamps))
	var t0 time.Time
	for i, s := range timestamps {
		t, ok := parseTimestamp(strings.TrimSpace(s))
		if !ok {
			return nil, false
		}
		if i == 0 {
			t0 = t
		}
		out[i] = t.Sub(t0).Seconds()
		if i > 0 && out[i] < out[i-1] {
			return nil, false
		}
	}
	return out, true
}

// parseTimestamp reads one curve timestamp: a date and time in a known layout, or Unix
// seconds or milliseconds.
func parseTimestamp(s string) (time.Time, bool) {
	for _, l := range timestampLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		if n > 1e11 { // milliseconds
			return time.UnixMilli(n), true
		}
		return time.Unix(n, 0), true
	}
	return time.Time{}, false
}

// pair zips x positions with values; values beyond the x positions are dropped.
func pair(xs, ys []float64) []chartPoint {
	n := min(len(xs), len(ys))
	out := make([]chartPoint, n)
	for i := range n {
		out[i] = chartPoint{X: xs[i], Y: ys[i]}
	}
	return out
}

// downsample reduces pts to at most limit points, each the mean of a run of consecutive points:
// X over every point of the run, Y over its non-null points (NaN when it has none).
func downsample(pts []chartPoint, limit int) []chartPoint {
	if len(pts) <= limit {
		return pts
	}
	out := make([]chartPoint, 0, limit)
	for i := range limit {
		lo, hi := i*len(pts)/limit, (i+1)*len(pts)/limit
		var sx, sy float64
		ny := 0
		for _, p := range pts[lo:hi] {
			sx += p.X
			if !math.IsNaN(p.Y) && !math.IsInf(p.Y, 0) {
				sy += p.Y
				ny++
			}
		}
		y := math.NaN()
		if ny > 0 {
			y = sy / float64(ny)
		}
		out = append(out, chartPoint{X: sx / float64(hi-lo), Y: y})
	}
	return out
}

// niceCeil rounds v up to 1, 2, 2.5 or 5 times a power of ten; 1 for v <= 0.
func niceCeil(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= v*(1-1e-12) {
			return m * p
		}
	}
	return 10 * p
}

// fmtDuration shows seconds as a rounded Go duration, e.g. 10m0s.
func fmtDuration(sec float64) string {
	return (time.Duration(sec * float64(time.Second))).Round(time.Second).String()
}

// figure shows a value with its unit, or none when there is no finite value.
func figure(v *float64, unit, none string) string {
	if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
		return none
	}
	return gates.FormatWithUnit(*v, unit)
}

// mdSpecial are the characters escaped in Markdown text: with every backslash escaped too, a
// table cell can neither end early nor open a link, an emphasis, HTML, math or a code span.
const mdSpecial = "\\`*_[]<>|#~!&$"

// MarkdownText escapes text for Markdown: line breaks and control characters become spaces and
// Markdown punctuation is backslash-escaped. It is the form a secret takes in the job summary,
// which pkg/ci masks too.
func MarkdownText(s string) string {
	var b strings.Builder
	for _, r := range redact.Flatten(s) {
		if strings.ContainsRune(mdSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdCell is MarkdownText bounded to mdCellRunes runes.
func mdCell(s string) string { return MarkdownText(Truncate(s, mdCellRunes)) }

// Truncate bounds s to n runes, marking a cut with an ellipsis: the one way the writers and the
// CI adapters of pkg/ci shorten a text.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// mermaidText makes text safe inside a quoted Mermaid string on one line of a fenced block:
// no quote, backtick, markup, entity, comment or directive.
func mermaidText(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '"', '`':
			return '\''
		case '<':
			return '‹'
		case '>':
			return '›'
		case ';', '#', '%', '{', '}', '\\':
			return ' '
		}
		return r
	}, redact.Flatten(s))
	return Truncate(strings.TrimSpace(s), 80)
}
