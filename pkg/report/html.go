package report

import (
	"bytes"
	"fmt"
	"html/template"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/gates"
	"github.com/codearts-runner/codearts-runner/pkg/redact"
)

// Geometry of the SVG charts of the HTML report, in SVG user units.
const (
	svgWidth, svgHeight = 640, 220
	svgLeft, svgRight   = 64, 28 // plot margins
	svgTop, svgBottom   = 14, 40
	// htmlChartPoints is the most points one chart draws; longer series are averaged down.
	htmlChartPoints = 480
)

// WriteHTML writes the HTML report to path, creating its directory: one self-contained file
// (inline CSS and SVG, no script, nothing fetched — a Content-Security-Policy forbids it) with
// the run, the gates, the overall and per-case figures and, per case, line charts of the
// throughput, the average response time, the concurrency and the errors over the run.
// Every text is escaped by html/template.
func (r *Result) WriteHTML(path string) error {
	b, err := r.html()
	if err != nil {
		return err
	}
	return r.WriteFile(path, b)
}

// html renders the HTML report.
func (r *Result) html() ([]byte, error) {
	if len(r.Tasks) > 0 {
		return r.multiHTML()
	}
	var buf bytes.Buffer
	if err := htmlTemplate().Execute(&buf, r.htmlView()); err != nil {
		return nil, fmt.Errorf("render HTML report: %w", err)
	}
	// No ESC sequence or bidirectional control reaches the page, whoever built the result.
	return []byte(redact.Text(buf.String())), nil
}

// htmlView is what the HTML template renders.
type htmlView struct {
	R        *Result
	Title    string
	Run      []htmlField
	Gates    []htmlGate
	Overall  []htmlField
	Columns  []string
	Cases    []htmlCase
	Curves   []htmlCurves
	Trend    []svgChart
	Settings []htmlField
}

// htmlField is a named value.
type htmlField struct{ Name, Value, Note string }

// htmlGate is a gate with its figures formatted.
type htmlGate struct {
	Gate
	Measured, Limit, Baseline string
}

// htmlCase is a case or a request with its headline figures formatted (one per Columns entry).
type htmlCase struct {
	Name, Status string
	Figures      []string
	Requests     []htmlCase
}

// htmlCurves are the charts of one case.
type htmlCurves struct {
	Name   string
	Span   string
	Charts []svgChart
}

// svgChart is one line chart, laid out in Go and drawn by the template.
type svgChart struct {
	Series, Title, Stats, XTitle string
	// YTitle is the unit of the vertical axis.
	YTitle                   string
	Width, Height            int
	Left, Right, Top, Bottom float64
	Lines                    []string // points attributes of polylines, one per unbroken run
	Dots                     []svgPoint
	YTicks, XTicks           []svgTick
	Empty                    bool
}

// svgPoint is a point in SVG user units.
type svgPoint struct{ X, Y float64 }

// svgTick is an axis tick at Pos (SVG user units) with its label.
type svgTick struct {
	Pos   float64
	Label string
}

// htmlView lays out the report.
func (r *Result) htmlView() htmlView {
	v := htmlView{R: r, Title: "codearts-runner " + r.Mode + ": " + r.Result}
	if r.Task != nil {
		v.Title += " — " + redact.Flatten(r.Task.Name)
	}
	v.Run = r.htmlRun()
	for _, g := range r.Gates {
		hg := htmlGate{Gate: g, Measured: figure(g.Value, g.Unit, ""), Limit: figure(g.Limit, g.Unit, ""),
			Baseline: figure(g.BaselineValue, g.Unit, "")}
		v.Gates = append(v.Gates, hg)
	}
	r.Overall.Each(func(name string, val float64) {
		m, _ := gates.Lookup(name)
		value := gates.FormatWithUnit(val, m.Unit)
		if name == "duration" {
			value = fmtDuration(val / 1000) // 2m10s, not 130000 ms
		}
		v.Overall = append(v.Overall, htmlField{Name: name, Value: value, Note: m.Description})
	})
	for _, col := range caseColumns {
		v.Columns = append(v.Columns, col.title)
	}
	for _, c := range r.Cases {
		hc := htmlCase{Name: c.Name, Status: c.StatusText, Figures: htmlFigures(c.Metrics)}
		for _, rq := range c.Requests {
			hc.Requests = append(hc.Requests, htmlCase{Name: rq.Name, Figures: htmlFigures(rq.Metrics)})
		}
		v.Cases = append(v.Cases, hc)
	}
	if len(r.Cases) > 1 && r.Overall.Len() > 0 {
		v.Cases = append(v.Cases, htmlCase{Name: "All cases", Figures: htmlFigures(r.Overall)})
	}
	for _, c := range r.Curves() {
		n := max(len(c.TPS), len(c.AvgRT), len(c.VUsers), len(c.Errors))
		x := curveAxis(c.Timestamps, n)
		hc := htmlCurves{Name: c.Name}
		if len(c.Timestamps) > 0 {
			hc.Span = spanText(c.Timestamps[0], c.Timestamps[len(c.Timestamps)-1])
		}
		hc.Charts = []svgChart{
			buildChart("tps", "Throughput (TPS)", "/s", x, c.TPS),
			buildChart("avg_rt", "Average response time", "ms", x, c.AvgRT),
			buildChart("vusers", "Concurrency", "virtual users", x, c.VUsers),
			buildChart("errors", "Error responses", "count", x, c.Errors),
		}
		v.Curves = append(v.Curves, hc)
	}
	v.Trend = r.htmlTrend()
	for _, k := range slices.Sorted(maps.Keys(r.Settings)) {
		v.Settings = append(v.Settings, htmlField{Name: k, Value: r.Settings[k]})
	}
	return v
}

// htmlRun lists the facts about the run.
func (r *Result) htmlRun() []htmlField {
	var out []htmlField
	add := func(name, value string) {
		if value != "" {
			out = append(out, htmlField{Name: name, Value: value})
		}
	}
	add("Result", fmt.Sprintf("%s (exit code %d)", r.Result, r.ExitCode))
	if r.Suite != nil {
		add("Test suite", fmt.Sprintf("%s (%d)", r.Suite.Name, r.Suite.ID))
	}
	if r.Task != nil {
		s := fmt.Sprintf("%s (%d)", r.Task.Name, r.Task.ID)
		if r.Task.Created {
			s += ", created by this run"
		}
		add("Task", s)
	}
	if r.Run != nil {
		add("Task run", fmt.Sprintf("%d", r.Run.ID))
		add("Status", r.Run.StatusText)
		add("Started", htmlTime(r.Run.StartedAt))
		add("Ended", htmlTime(r.Run.EndedAt))
		if r.Run.DurationSec > 0 {
			add("Duration", fmtDuration(r.Run.DurationSec))
		}
		add("Notes", strings.Join(runFlags(r.Run), "; "))
	}
	if r.Baseline != nil {
		s := r.Baseline.Note
		if r.Baseline.RunID != 0 {
			s = fmt.Sprintf("run %d — %s", r.Baseline.RunID, s)
		}
		add("Baseline", s)
	}
	if p := r.Plan; p != nil {
		s := fmt.Sprintf("%s (%s)", p.Name, p.ID)
		if p.Created {
			s += ", created by this run"
		}
		add("TestPlan plan", s+fmt.Sprintf(": %d cases added, %d already there, %d failed", p.Added, p.Already, p.Failed))
	}
	if e := r.Execution; e != nil {
		add("Task templates", strings.Join(e.TaskIDs, ", "))
		add("Execution", e.ID)
		add("Cause", e.Cause)
		add("FAQ", e.FAQ)
	}
	add("Region", r.Region)
	return out
}

// htmlTime shows a time in UTC, "" for the zero time.
func htmlTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// htmlFigures formats the headline figures of a case in caseColumns order.
func htmlFigures(m Metrics) []string {
	out := make([]string, len(caseColumns))
	for i, col := range caseColumns {
		if v, ok := m.Get(col.key); ok {
			out[i] = gates.FormatWithUnit(v, col.unit)
		}
	}
	return out
}

// buildChart lays out one series as a line chart: x is time (or the sample number), y starts at
// zero (or the lowest value when negative). Null points break the line; a point alone between
// gaps is drawn as a dot.
func buildChart(series, title, unit string, x xAxis, ys []float64) svgChart {
	c := svgChart{Series: series, Title: title, XTitle: x.title, Width: svgWidth, Height: svgHeight,
		Left: svgLeft, Right: svgWidth - svgRight, Top: svgTop, Bottom: svgHeight - svgBottom}
	// The unit is the vertical axis' title ("requests/s", "ms"); the figures carry their own
	// ("/s", "ms"), so no title says "(TPS) (/s)".
	c.YTitle = unit
	if unit == "/s" {
		c.YTitle = "requests/s"
	}
	figureUnit := unit
	if unit == "virtual users" || unit == "count" {
		figureUnit = ""
	}
	raw := pair(x.values, ys)
	lo, hi, sum, n := math.Inf(1), math.Inf(-1), 0.0, 0
	for _, p := range raw {
		if !math.IsNaN(p.Y) && !math.IsInf(p.Y, 0) {
			lo, hi, sum, n = min(lo, p.Y), max(hi, p.Y), sum+p.Y, n+1
		}
	}
	if n == 0 {
		c.Empty = true
		return c
	}
	c.Stats = fmt.Sprintf("min %s · avg %s · max %s", gates.FormatWithUnit(lo, figureUnit), gates.FormatWithUnit(sum/float64(n), figureUnit), gates.FormatWithUnit(hi, figureUnit))
	pts := downsample(raw, htmlChartPoints)
	x0, x1 := pts[0].X, pts[len(pts)-1].X
	yMin := min(0, lo)
	step := niceCeil(max(hi-yMin, 1e-9) / 4)
	if hi-yMin <= 0 {
		step = 1
	}
	yMin = step * math.Floor(yMin/step)
	yMax := step * math.Ceil(hi/step)
	if yMax <= yMin {
		yMax = yMin + step
	}
	px := func(v float64) float64 {
		if x1 == x0 {
			return (c.Left + c.Right) / 2
		}
		return c.Left + (v-x0)/(x1-x0)*(c.Right-c.Left)
	}
	py := func(v float64) float64 { return c.Bottom - (v-yMin)/(yMax-yMin)*(c.Bottom-c.Top) }
	var run []svgPoint
	flush := func() {
		switch len(run) {
		case 0:
		case 1:
			c.Dots = append(c.Dots, run[0])
		default:
			parts := make([]string, len(run))
			for i, p := range run {
				parts[i] = fmt.Sprintf("%.1f,%.1f", p.X, p.Y)
			}
			c.Lines = append(c.Lines, strings.Join(parts, " "))
		}
		run = run[:0]
	}
	for _, p := range pts {
		if math.IsNaN(p.Y) {
			flush()
			continue
		}
		run = append(run, svgPoint{px(p.X), py(p.Y)})
	}
	flush()
	for v := yMin; v <= yMax+step/2; v += step {
		c.YTicks = append(c.YTicks, svgTick{Pos: py(v), Label: gates.FormatFigure(v)})
	}
	ticks := 5
	if x1 == x0 {
		ticks = 1
	}
	for i := range ticks {
		v := x0
		if ticks > 1 {
			v = x0 + float64(i)*(x1-x0)/float64(ticks-1)
		}
		label := gates.FormatFigure(math.Round(v))
		if x.time {
			label = clock(v)
		}
		c.XTicks = append(c.XTicks, svgTick{Pos: px(v), Label: label})
	}
	if x.time {
		c.XTitle = "elapsed (h:mm:ss)"
	}
	return c
}

// clock shows seconds as m:ss or h:mm:ss.
func clock(sec float64) string {
	s := int64(math.Round(sec))
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// htmlTemplate is the HTML report. The Content-Security-Policy forbids fetching anything, so
// the report stays self-contained even when opened from a CI artifact store. It is parsed on
// first use: only a step that writes an HTML report pays for it, not every start of the binary.
var htmlTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"f1": func(v float64) string { return fmt.Sprintf("%.1f", v) },
	}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="generator" content="codearts-runner {{.R.Version}}">
<title>{{.Title}}</title>
<style>
:root { color-scheme: light dark; --fg: #1f2328; --bg: #fff; --muted: #656d76; --line: #d0d7de; --accent: #0969da;
  --pass: #1a7f37; --fail: #cf222e; --warn: #9a6700; --skip: #656d76; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #8d96a0; --line: #30363d;
  --accent: #4493f8; --pass: #3fb950; --fail: #f85149; --warn: #d29922; } }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg);
  margin: 0 auto; padding: 24px; max-width: 1100px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
.banner { border-left: 6px solid var(--skip); padding: 8px 14px; margin: 12px 0; }
.banner.passed { border-color: var(--pass); } .banner.failed, .banner.error, .banner.timeout { border-color: var(--fail); }
.banner.cancelled { border-color: var(--warn); }
.verdict { font-weight: 600; text-transform: uppercase; font-size: 12px; }
.verdict.passed { color: var(--pass); } .verdict.failed { color: var(--fail); }
.verdict.warned { color: var(--warn); } .verdict.skipped { color: var(--skip); }
.muted, .note { color: var(--muted); } .error { color: var(--fail); white-space: pre-wrap; }
dl { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; margin: 8px 0; } dt { color: var(--muted); } dd { margin: 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 12px; }
figure { margin: 0; border: 1px solid var(--line); padding: 6px; }
figcaption { font-weight: 600; } figcaption .muted { font-weight: 400; font-size: 12px; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart .grid { stroke: var(--line); stroke-width: 1; }
svg.chart .axis { stroke: var(--muted); stroke-width: 1; }
svg.chart .series { fill: none; stroke: var(--accent); stroke-width: 1.8; stroke-linejoin: round; }
svg.chart .dot { fill: var(--accent); }
svg.chart text { fill: var(--muted); font-size: 11px; }
svg.chart.errors .series { stroke: var(--fail); } svg.chart.errors .dot { fill: var(--fail); }
code { font-size: 13px; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<div class="banner {{.R.Result}}">
<strong>{{.R.Result}}</strong>{{if .R.Counts.Gates}} · {{.R.Counts.Gates}} gates: {{.R.Counts.Passed}} passed, {{.R.Counts.Failed}} failed, {{.R.Counts.Warned}} warned, {{.R.Counts.Skipped}} skipped{{end}}
{{- if .R.Error}}<div class="error">{{.R.Error}}</div>{{end}}
</div>
<dl>
{{- range .Run}}
<dt>{{.Name}}</dt><dd>{{.Value}}</dd>
{{- end}}
</dl>

{{- if or .Gates (not .R.Checks)}}
<h2>Gates</h2>
{{- end}}
{{- if .Gates}}
<table class="gates">
<thead><tr><th>Verdict</th><th>Gate</th><th class="num">Measured</th><th class="num">Limit</th><th class="num">Baseline</th><th>Message</th></tr></thead>
<tbody>
{{- range .Gates}}
<tr><td class="verdict {{.Verdict}}">{{.Verdict}}</td><td>{{.Name}}{{if ne .Text .Name}}<br><code>{{.Text}}</code>{{end}}{{if eq .Severity "warn"}} <span class="muted">(warning only)</span>{{end}}</td><td class="num">{{.Measured}}</td><td class="num">{{.Limit}}</td><td class="num">{{.Baseline}}</td><td>{{.Message}}</td></tr>
{{- end}}
</tbody>
</table>
{{- else if not .R.Checks}}
<p class="muted">No gates were evaluated.</p>
{{- end}}

{{- if .R.Checks}}
<h2>Checks</h2>
<table class="checks">
<thead><tr><th>Verdict</th><th>Check</th><th>Group</th><th>Message</th></tr></thead>
<tbody>
{{- range .R.Checks}}
<tr><td class="verdict {{.Verdict}}">{{.Verdict}}</td><td>{{.Name}}</td><td>{{.Group}}</td><td>{{.Message}}</td></tr>
{{- end}}
</tbody>
</table>
{{- end}}

{{- if .R.PlanRecords}}
<h2>Recorded in TestPlan</h2>
<table class="plan-records">
<thead><tr><th>Verdict</th><th>Gate or case</th><th>Plan case</th><th>Recorded</th></tr></thead>
<tbody>
{{- range .R.PlanRecords}}
<tr><td class="verdict {{.Verdict}}">{{.Verdict}}</td><td>{{.Name}}</td><td>{{.CaseID}}</td><td>{{if .Recorded}}yes{{else}}no{{if .Error}}: {{.Error}}{{end}}{{end}}</td></tr>
{{- end}}
</tbody>
</table>
{{- end}}

{{- if .Overall}}
<h2>Overall figures</h2>
<table class="overall">
<thead><tr><th>Metric</th><th class="num">Value</th><th>Meaning</th></tr></thead>
<tbody>
{{- range .Overall}}
<tr><td><code>{{.Name}}</code></td><td class="num">{{.Value}}</td><td class="note">{{.Note}}</td></tr>
{{- end}}
</tbody>
</table>
{{- end}}

{{- if .Cases}}
<h2>Cases</h2>
<table class="cases">
<thead><tr><th>Case</th><th>Status</th>{{range .Columns}}<th class="num">{{.}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Cases}}
<tr><td>{{.Name}}</td><td>{{.Status}}</td>{{range .Figures}}<td class="num">{{.}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
{{- range .Cases}}{{if .Requests}}
<details class="requests">
<summary>Requests of {{.Name}}</summary>
<table>
<thead><tr><th>Request</th>{{range $.Columns}}<th class="num">{{.}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Requests}}
<tr><td>{{.Name}}</td>{{range .Figures}}<td class="num">{{.}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
</details>
{{- end}}{{end}}
{{- end}}

{{- if .Curves}}
<h2>Over the run</h2>
{{- range .Curves}}
<section class="curves">
<h3>{{.Name}}{{if .Span}} <span class="muted">{{.Span}}</span>{{end}}</h3>
<div class="charts">
{{- range .Charts}}
{{template "chart" .}}
{{- end}}
</div>
</section>
{{- end}}
{{- end}}

{{- if .Trend}}
<h2>Trend across runs</h2>
<section class="curves trend">
<div class="charts">
{{- range .Trend}}
{{template "chart" .}}
{{- end}}
</div>
</section>
{{- end}}

{{- if .Settings}}
<details class="settings">
<summary>Settings</summary>
<table>
{{- range .Settings}}
<tr><td><code>{{.Name}}</code></td><td>{{.Value}}</td></tr>
{{- end}}
</table>
</details>
{{- end}}
<p class="muted">codearts-runner {{.R.Version}} · generated {{.R.Generated.UTC.Format "2006-01-02 15:04:05 UTC"}}</p>
</body>
</html>
{{define "chart"}}{{$c := .}}<figure>
<figcaption>{{.Title}}{{if .Stats}} <span class="muted">{{.Stats}}</span>{{end}}</figcaption>
<svg class="chart {{.Series}}" data-series="{{.Series}}" viewBox="0 0 {{.Width}} {{.Height}}" role="img" aria-label="{{.Title}}">
{{- range .YTicks}}
<line class="grid" x1="{{f1 $c.Left}}" y1="{{f1 .Pos}}" x2="{{f1 $c.Right}}" y2="{{f1 .Pos}}"/>
<text x="{{f1 $c.Left}}" y="{{f1 .Pos}}" dx="-6" dy="4" text-anchor="end">{{.Label}}</text>
{{- end}}
<line class="axis" x1="{{f1 .Left}}" y1="{{f1 .Bottom}}" x2="{{f1 .Right}}" y2="{{f1 .Bottom}}"/>
<line class="axis" x1="{{f1 .Left}}" y1="{{f1 .Top}}" x2="{{f1 .Left}}" y2="{{f1 .Bottom}}"/>
{{- range .XTicks}}
<text x="{{f1 .Pos}}" y="{{f1 $c.Bottom}}" dy="16" text-anchor="middle">{{.Label}}</text>
{{- end}}
<text x="{{f1 .Right}}" y="{{.Height}}" dy="-4" text-anchor="end">{{.XTitle}}</text>
{{- if .YTitle}}
<text x="4" y="{{f1 .Top}}" dy="-2" text-anchor="start" class="ytitle">{{.YTitle}}</text>
{{- end}}
{{- range .Lines}}
<polyline class="series" points="{{.}}"/>
{{- end}}
{{- range .Dots}}
<circle class="dot" cx="{{f1 .X}}" cy="{{f1 .Y}}" r="2.5"/>
{{- end}}
{{- if .Empty}}
<text x="{{f1 .Left}}" y="{{f1 .Top}}" dx="12" dy="24">no data reported</text>
{{- end}}
</svg>
</figure>{{end}}`))
})

// spanText shows the first and last curve timestamps on the page's clock (UTC, zone shown)
// when they carry their zone; otherwise as sent, saying that the service gave no zone.
func spanText(first, last string) string {
	a, errA := time.Parse(time.RFC3339Nano, first)
	b, errB := time.Parse(time.RFC3339Nano, last)
	if errA == nil && errB == nil {
		return htmlTime(a) + " – " + htmlTime(b)
	}
	return first + " – " + last + " (service time, zone not given)"
}
