package report

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// updateFlag is -update (go test ./pkg/report -update): rewrite the golden files instead of
// comparing. It is shared by the package's tests, registered by whichever file comes first.
var updateFlag = func() flag.Value {
	if f := flag.Lookup("update"); f != nil {
		return f.Value
	}
	flag.Bool("update", false, "rewrite the golden files in testdata")
	return flag.Lookup("update").Value
}()

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if updateFlag.String() == "true" {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./pkg/report -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test ./pkg/report -update rewrites it); got:\n%s", name, got)
	}
}

func fp(v float64) *float64 { return &v }

// hostileCase is a case name from the platform that tries to break every format.
const hostileCase = "<script>alert(1)</script> | pay\nnow"

// writerSample is a failed run with one gate of every verdict, two cases (one named to break
// tables and markup), a baseline and curves with null points.
func writerSample() *Result {
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	r := &Result{Schema: Schema, Tool: "codearts-runner", Version: "1.2.3", Mode: "perftest", Result: "failed", ExitCode: 1,
		Settings: map[string]string{"junit-file": "out/codearts-junit.xml", "result-file": "out/codearts-result.json", "task": "nightly | smoke"},
		Region:   "cn-north-4",
		Suite:    &Ref{ID: 7, Name: "checkout-service"},
		Task:     &Ref{ID: 42, Name: "nightly | smoke"},
		Run: &Run{ID: 9001, Status: 2, StatusText: "finished", StartedBy: "runner", StartedAt: t0, EndedAt: t0.Add(10 * time.Minute),
			DurationSec: 600},
		Baseline: &Baseline{RunID: 8990, Note: "the last passed run of the task"},
		Gates: []Gate{
			{Name: "p95 <= 500ms", Text: "p95 <= 500ms", Metric: "p95", Scope: "overall", Severity: "fail", Verdict: "failed",
				Value: fp(812.4), Limit: fp(500), Unit: "ms", Message: "p95 = 812.4 ms, limit <= 500 ms"},
			{Name: "success", Text: "success_rate >= 99%", Metric: "success_rate", Scope: "overall", Severity: "fail", Verdict: "passed",
				Value: fp(99.71), Limit: fp(99), Unit: "%", Message: "success_rate = 99.71%, limit >= 99%"},
			{Name: "avg_rt <= baseline + 20%", Text: "warn: avg_rt <= baseline + 20%", Metric: "avg_rt", Scope: "overall", Severity: "warn",
				Verdict: "warned", Value: fp(230), Limit: fp(216), BaselineValue: fp(180), Unit: "ms",
				Message: "avg_rt = 230 ms, limit <= 216 ms (baseline 180 ms in run 8990 + 20%)\r\nsee | the report"},
			{Name: `case "pay": p99 <= 2s`, Text: `case "pay": p99 <= 2s`, Metric: "p99", Scope: `case "pay"`, Severity: "fail",
				Verdict: "skipped", Limit: fp(2000), Unit: "ms", Message: `case "pay" was not in the run`},
		},
		Counts:  Counts{Gates: 4, Passed: 1, Failed: 1, Warned: 1, Skipped: 1},
		Overall: gates.MetricsOf(map[string]float64{"requests": 120000, "tps": 200.5, "avg_rt": 230, "p95": 812.4, "success_rate": 99.71, "error_rate": 0.29}),
		Cases: []Case{
			{Name: "login", CaseRunID: 1, Status: 2, StatusText: "finished",
				Metrics:  gates.MetricsOf(map[string]float64{"requests": 80000, "tps": 133.3, "avg_rt": 210, "p95": 700, "p99": 950, "success_rate": 99.8}),
				Requests: []Request{{Name: "POST /login", Metrics: gates.MetricsOf(map[string]float64{"requests": 80000, "tps": 133.3, "avg_rt": 210})}}},
			{Name: hostileCase, CaseRunID: 2, Status: 2, StatusText: "finished",
				Metrics: gates.MetricsOf(map[string]float64{"requests": 40000, "tps": 67.2, "avg_rt": 270, "p95": 812.4, "success_rate": 99.5})},
		},
		Generated: t0.Add(11 * time.Minute),
	}
	r.curves = []CaseCurves{loginCurves(t0, 121), {Name: hostileCase,
		TPS: []float64{60, 65, math.NaN(), 70, 68}, AvgRT: []float64{250, 260, math.NaN(), 280, 270},
		VUsers: []float64{10, 20, 20, 20, 20}, Errors: []float64{0, 1, math.NaN(), 0, 0}}}
	return r
}

// loginCurves are n samples 5 s apart: a null first point and a gap of two null points.
func loginCurves(t0 time.Time, n int) CaseCurves {
	c := CaseCurves{Name: "login"}
	for i := range n {
		c.Timestamps = append(c.Timestamps, t0.Add(time.Duration(i)*5*time.Second).Format("2006-01-02 15:04:05"))
		tps := math.Round((130+30*math.Sin(float64(i)/8))*100) / 100
		rt := float64(200 + i%7*3)
		if i == 0 || i == 40 || i == 41 {
			tps, rt = math.NaN(), math.NaN()
		}
		c.TPS = append(c.TPS, tps)
		c.AvgRT = append(c.AvgRT, rt)
		c.VUsers = append(c.VUsers, float64(min(i, 50)))
		e := 0.0
		if i%13 == 0 {
			e = 2
		}
		c.Errors = append(c.Errors, e)
	}
	return c
}

func TestMarkdownGolden(t *testing.T) {
	t.Parallel()
	golden(t, "summary.golden.md", writerSample().Markdown())
}

// cells splits a Markdown table row the way GFM does: at pipes not escaped by a backslash.
func cells(row string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(row); i++ {
		switch {
		case row[i] == '\\' && i+1 < len(row):
			cur.WriteString(row[i : i+2])
			i++
		case row[i] == '|':
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(row[i])
		}
	}
	return append(out, cur.String())
}

func TestMarkdownTablesKeepTheirShape(t *testing.T) {
	t.Parallel()
	md := writerSample().Markdown()
	tables := 0
	var width int
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			width = 0
			continue
		}
		n := len(cells(line))
		if width == 0 {
			width = n
			tables++
			continue
		}
		if n != width {
			t.Errorf("row has %d cells, header %d: %q", n-2, width-2, line)
		}
	}
	if tables != 2 {
		t.Errorf("found %d tables, want 2 (gates, cases)", tables)
	}
	for _, bad := range []string{"<script>", "\r", "see | the"} {
		if strings.Contains(md, bad) {
			t.Errorf("summary contains %q unescaped", bad)
		}
	}
}

func TestMDText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"plain text", "plain text"},
		{"a|b", `a\|b`},
		{`a\|b`, `a\\\|b`},
		{"line 1\nline 2\r\nline 3", "line 1 line 2 line 3"},
		{"<script>x</script>", `\<script\>x\</script\>`},
		{"$x$ *b* _i_ [l](u) `c` ~s~ #h !", `\$x\$ \*b\* \_i\_ \[l\](u) \` + "`c\\`" + ` \~s\~ \#h \!`},
		{"\x1b[31mred\x1b[0m", "red"},
		{"  tabs\tand\x00nul  ", "tabs and nul"},
	} {
		if got := MarkdownText(tc.in); got != tc.want {
			t.Errorf("MarkdownText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// mermaidLine returns the values of the first `line [..]` of a chart.
func mermaidLine(t *testing.T, chart string) []string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^    line \[(.*)\]$`).FindStringSubmatch(chart)
	if m == nil {
		t.Fatalf("no line series in\n%s", chart)
	}
	return strings.Split(m[1], ", ")
}

func TestMermaidChart(t *testing.T) {
	t.Parallel()
	long := make([]float64, 1000)
	for i := range long {
		long[i] = float64(i % 10)
	}
	nan := math.NaN()
	for _, tc := range []struct {
		name   string
		ys     []float64
		want   []string // nil: only the count is checked
		points int
		xAxis  string
	}{
		{name: "short series kept", ys: []float64{1, 2, 3}, want: []string{"1", "2", "3"}, xAxis: `"sample" 1 --> 3`},
		{name: "null gaps carry the previous value", ys: []float64{1, nan, nan, 4}, want: []string{"1", "1", "1", "4"}, xAxis: `"sample" 1 --> 4`},
		{name: "leading and trailing nulls trimmed", ys: []float64{nan, 2, 3, nan}, want: []string{"2", "3"}, xAxis: `"sample" 2 --> 3`},
		{name: "long series averaged to 60 points", ys: long, points: 60, xAxis: `"sample" 8 --> 992`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			chart := mermaidChart("c", "TPS", curveAxis(nil, len(tc.ys)), tc.ys)
			got := mermaidLine(t, chart)
			if tc.want != nil && strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("line = %v, want %v", got, tc.want)
			}
			if tc.points > 0 && len(got) != tc.points {
				t.Errorf("%d points, want %d", len(got), tc.points)
			}
			if !strings.Contains(chart, "x-axis "+tc.xAxis+"\n") {
				t.Errorf("x-axis is not %s in\n%s", tc.xAxis, chart)
			}
			for _, v := range got {
				if strings.Contains(v, "NaN") || v == "" {
					t.Errorf("bad point %q", v)
				}
			}
		})
	}
	if got := mermaidChart("c", "TPS", curveAxis(nil, 2), []float64{nan, nan}); got != "" {
		t.Errorf("all-null series charted:\n%s", got)
	}
}

func TestMermaidTitleCannotEscape(t *testing.T) {
	t.Parallel()
	chart := mermaidChart("x\"\n```\n%%{init}%% y", "TPS", curveAxis(nil, 1), []float64{1})
	lines := strings.Split(strings.TrimSpace(chart), "\n")
	if lines[0] != "```mermaid" || lines[len(lines)-1] != "```" || strings.Count(chart, "```") != 2 {
		t.Fatalf("fence broken:\n%s", chart)
	}
	if !strings.HasPrefix(lines[1], "%%{init: ") || lines[2] != "xychart-beta" {
		t.Errorf("chart head = %q", lines[:3])
	}
	if !strings.HasPrefix(lines[3], `    title "`) || strings.Count(lines[3], `"`) != 2 {
		t.Errorf("title line = %q", lines[3])
	}
}

func TestCurveAxis(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		ts     []string
		n      int
		title  string
		values []float64
	}{
		{"date time", []string{"2024-05-01 10:00:00", "2024-05-01 10:00:05", "2024-05-01 10:00:15"}, 3, "elapsed (s)", []float64{0, 5, 15}},
		{"RFC 3339", []string{"2024-05-01T10:00:00+08:00", "2024-05-01T10:01:00+08:00"}, 2, "elapsed (s)", []float64{0, 60}},
		{"unix milliseconds", []string{"1714528800000", "1714528810000"}, 2, "elapsed (s)", []float64{0, 10}},
		{"long run in minutes", []string{"10:00:00", "11:00:00"}, 2, "elapsed (min)", []float64{0, 3600}},
		{"unreadable", []string{"t1", "t2"}, 2, "sample", []float64{1, 2}},
		{"going back", []string{"10:00:05", "10:00:00"}, 2, "sample", []float64{1, 2}},
		{"count mismatch", []string{"10:00:00"}, 2, "sample", []float64{1, 2}},
		{"none", nil, 3, "sample", []float64{1, 2, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x := curveAxis(tc.ts, tc.n)
			if x.title != tc.title || fmt.Sprint(x.values) != fmt.Sprint(tc.values) {
				t.Errorf("curveAxis = %q %v, want %q %v", x.title, x.values, tc.title, tc.values)
			}
		})
	}
}

func TestDownsample(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	pts := []chartPoint{{1, 1}, {2, 3}, {3, nan}, {4, nan}, {5, 5}, {6, 7}}
	got := downsample(pts, 3)
	want := []chartPoint{{1.5, 2}, {3.5, nan}, {5.5, 6}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i].X != want[i].X || !(got[i].Y == want[i].Y || math.IsNaN(got[i].Y) && math.IsNaN(want[i].Y)) {
			t.Errorf("point %d = %v, want %v", i, got[i], want[i])
		}
	}
	if got := downsample(pts, 10); len(got) != len(pts) {
		t.Errorf("short series changed: %v", got)
	}
}

func TestNiceCeil(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want float64 }{
		{0, 1}, {-3, 1}, {math.NaN(), 1}, {0.3, 0.5}, {1, 1}, {1.2, 2}, {2.2, 2.5}, {3, 5}, {7, 10}, {130, 200}, {2400, 2500},
	} {
		if got := niceCeil(tc.in); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("niceCeil(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestMarkdownWithoutRun(t *testing.T) {
	t.Parallel()
	r := &Result{Mode: "perftest", Result: "error", ExitCode: 5, Version: "1.2.3", Error: "show task 42: 401 | APIGW.0301\nIncorrect IAM authentication"}
	md := r.Markdown()
	for _, want := range []string{"## 🛑 codearts-runner perftest: error", `> **Error:** show task 42: 401 \| APIGW.0301 Incorrect IAM authentication`,
		"_No gates were evaluated._"} {
		if !strings.Contains(md, want) {
			t.Errorf("summary lacks %q:\n%s", want, md)
		}
	}
	for _, unwanted := range []string{"### Cases", "mermaid", "Baseline"} {
		if strings.Contains(md, unwanted) {
			t.Errorf("summary has %q without data:\n%s", unwanted, md)
		}
	}
}

func TestMarkdownChecksAndChartCap(t *testing.T) {
	t.Parallel()
	r := &Result{Mode: "testplan", Result: "failed", ExitCode: 1, Version: "1.2.3",
		Plan: &Plan{ID: "p-1", Name: "release_7", Created: true, Added: 1, Failed: 1},
		Checks: []Check{{Name: "add case 11", Group: "cases", Verdict: "passed", Message: "added"},
			{Name: "add case 12", Group: "cases", Verdict: "failed", Message: "CT.0001: refused | retry"}},
		PlanRecords: []PlanRecord{{Name: "p95 <= 500ms", CaseID: "c-9", Verdict: "failed", Error: "HTTP 500"}}}
	for i := range 12 {
		r.curves = append(r.curves, CaseCurves{Name: fmt.Sprint("case ", i), TPS: []float64{1, 2}, AvgRT: []float64{3, 4}})
	}
	md := r.Markdown()
	for _, want := range []string{
		"plan **release\\_7** (p-1), created by this run: 1 cases added, 0 already there, 1 failed",
		"### Checks: 1 failed, 1 passed",
		"| ❌ | add case 12 | cases | CT.0001: refused \\| retry |",
		"| ❌ | p95 \\<= 500ms | c-9 | no: HTTP 500 |",
		"_2 more cases are charted in the HTML report._",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("summary lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "No gates") {
		t.Error("a testplan summary says no gates were evaluated")
	}
	if n := strings.Count(md, "```mermaid"); n != 2 {
		t.Errorf("%d charts, want 2 (one per metric)", n)
	}
	if n := strings.Count(md, "    line ["); n != 2*mdChartCases {
		t.Errorf("%d lines, want %d (one per case and metric)", n, 2*mdChartCases)
	}
}

// TestMermaidOneChartPerMetric: cases share one chart per metric, a line each, in explicit
// colours with a legend; cases of different lengths are put on one time grid.
func TestMermaidOneChartPerMetric(t *testing.T) {
	t.Parallel()
	r := &Result{Mode: "perftest", Result: "passed"}
	r.curves = []CaseCurves{
		{Name: "Checkout", Timestamps: []string{"2026-12-01 10:00:00", "2026-12-01 10:00:10", "2026-12-01 10:00:20"}, TPS: []float64{10, 20, 30}, AvgRT: []float64{100, 110, 120}},
		{Name: "Browse", Timestamps: []string{"2026-12-01 10:00:10", "2026-12-01 10:00:20", "2026-12-01 10:00:30", "2026-12-01 10:00:40"}, TPS: []float64{5, 6, 7, 8}, AvgRT: []float64{50, 60, 70, 80}},
	}
	md := r.Markdown()
	if n := strings.Count(md, "```mermaid"); n != 2 {
		t.Fatalf("%d charts, want 2:\n%s", n, md)
	}
	if n := strings.Count(md, "    line ["); n != 4 {
		t.Errorf("%d lines, want 4", n)
	}
	if !strings.Contains(md, `"plotColorPalette": "#3b82f6, #ea580c"`) {
		t.Errorf("no explicit palette:\n%s", md)
	}
	if !strings.Contains(md, "<sub>lines — blue: Checkout · orange: Browse</sub>") {
		t.Errorf("no legend:\n%s", md)
	}
	if !strings.Contains(md, `x-axis "elapsed (s)" 0 --> 40`) {
		t.Errorf("the cases are not on one time axis:\n%s", md)
	}
	// Browse starts at 10 s: 0 before it, then its own values.
	for _, l := range regexp.MustCompile(`line \[([^]]*)\]`).FindAllStringSubmatch(md, -1) {
		if len(strings.Split(l[1], ", ")) != 5 {
			t.Errorf("line %s is not on the 5-point grid", l[1])
		}
	}
	if !strings.Contains(md, "line [0, 5, 6, 7, 8]") || !strings.Contains(md, "line [10, 20, 30, 30, 0]") && !strings.Contains(md, "line [10, 20, 30, 0, 0]") {
		t.Errorf("grid values wrong:\n%s", md)
	}
}

// TestChartPaletteContrast: every line colour keeps a contrast of at least 3:1 (WCAG graphics)
// on GitHub's light and dark backgrounds.
func TestChartPaletteContrast(t *testing.T) {
	t.Parallel()
	lum := func(hex string) float64 {
		var c [3]float64
		for i := range c {
			v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
			if err != nil {
				t.Fatalf("colour %s: %v", hex, err)
			}
			x := float64(v) / 255
			if x <= 0.04045 {
				c[i] = x / 12.92
			} else {
				c[i] = math.Pow((x+0.055)/1.055, 2.4)
			}
		}
		return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
	}
	ratio := func(a, b string) float64 {
		la, lb := lum(a), lum(b)
		return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
	}
	if len(chartPalette) < mdChartCases {
		t.Errorf("%d colours for %d cases", len(chartPalette), mdChartCases)
	}
	for _, c := range chartPalette {
		for _, bg := range []string{"#ffffff", "#0d1117"} {
			if r := ratio(c.hex, bg); r < 3 {
				t.Errorf("%s (%s) on %s: contrast %.2f < 3", c.hex, c.name, bg, r)
			}
		}
	}
}

// TestSummaryStaysSmall: a big run (100 cases of 10,000-point curves) gives a summary well
// under GitHub's 1 MiB step limit.
func TestSummaryStaysSmall(t *testing.T) {
	t.Parallel()
	r := &Result{Mode: "perftest", Result: "passed"}
	for i := range 100 {
		c := CaseCurves{Name: fmt.Sprintf("case %d with a long name %s", i, strings.Repeat("x", 80))}
		for j := range 10000 {
			c.Timestamps = append(c.Timestamps, time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(j)*time.Second).Format("2006-01-02 15:04:05"))
			c.TPS = append(c.TPS, 1000.123456+float64(j%7))
			c.AvgRT = append(c.AvgRT, 123.456789+float64(j%11))
		}
		r.curves = append(r.curves, c)
	}
	md := r.Markdown()
	if len(md) > 64<<10 {
		t.Errorf("summary is %d bytes, want well under 1 MiB (≤ 64 KiB)", len(md))
	}
}

// mermaidChart renders one series as a Mermaid chart titled and named title.
func mermaidChart(title, yTitle string, x xAxis, ys []float64) string {
	return mermaidLines(title, yTitle, []mdSeries{{name: title, x: x, ys: ys}})
}
