package report

import (
	"encoding/xml"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// renderHTML writes r's HTML report to a temporary file and returns it.
func renderHTML(t *testing.T, r *Result) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sub", "report.html")
	if err := r.WriteHTML(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// svgs returns the inline SVG elements of a page.
func svgs(page string) []string {
	return regexp.MustCompile(`(?s)<svg .*?</svg>`).FindAllString(page, -1)
}

func TestHTMLIsSelfContained(t *testing.T) {
	t.Parallel()
	page := renderHTML(t, writerSample())
	for _, bad := range []string{"http://", "https://", "src=", "href=", "url(", "@import", "<script", "<link", "<img", "<iframe", "<object"} {
		if strings.Contains(strings.ToLower(page), bad) {
			t.Errorf("report contains %q", bad)
		}
	}
	if !strings.Contains(page, `content="default-src 'none'; style-src 'unsafe-inline'"`) {
		t.Error("report lacks the Content-Security-Policy")
	}
}

func TestHTMLStructure(t *testing.T) {
	t.Parallel()
	page := renderHTML(t, writerSample())
	if !strings.HasPrefix(page, "<!DOCTYPE html>\n<html lang=\"en\">") || !strings.HasSuffix(page, "</html>\n") {
		t.Errorf("not an HTML document: %.60q … %q", page, page[max(0, len(page)-20):])
	}
	for _, tag := range []string{"html", "head", "body", "style", "table", "thead", "tbody", "tr", "details", "section", "figure", "svg", "dl"} {
		open := len(regexp.MustCompile(`<`+tag+`[ >]`).FindAllString(page, -1))
		closed := strings.Count(page, "</"+tag+">")
		if open != closed || open == 0 {
			t.Errorf("<%s>: %d opened, %d closed", tag, open, closed)
		}
	}
	for _, want := range []string{"<title>codearts-runner perftest: failed — nightly | smoke</title>",
		`<td class="verdict failed">failed</td><td>p95 &lt;= 500ms</td><td class="num">812.4 ms</td><td class="num">500 ms</td>`,
		`<td class="num">180 ms</td>`, "the last passed run of the task", "<code>error_rate</code>", "POST /login"} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func TestHTMLEscapesServerText(t *testing.T) {
	t.Parallel()
	page := renderHTML(t, writerSample())
	if strings.Contains(page, "<script>") {
		t.Fatal("hostile case name rendered as markup")
	}
	if got := strings.Count(page, "&lt;script&gt;alert(1)&lt;/script&gt; | pay"); got < 2 {
		t.Errorf("escaped case name found %d times, want it in the cases table and over its charts", got)
	}
}

// chartSVG is the part of an SVG chart the tests read.
type chartSVG struct {
	Series  string `xml:"data-series,attr"`
	ViewBox string `xml:"viewBox,attr"`
	Lines   []struct {
		Points string `xml:"points,attr"`
	} `xml:"polyline"`
	Dots []struct {
		CX float64 `xml:"cx,attr"`
		CY float64 `xml:"cy,attr"`
	} `xml:"circle"`
	Texts []string `xml:"text"`
}

// parseSVG decodes one chart as XML, failing on anything not well-formed.
func parseSVG(t *testing.T, s string) chartSVG {
	t.Helper()
	var c chartSVG
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = true
	if err := d.Decode(&c); err != nil {
		t.Fatalf("SVG is not well-formed XML: %v\n%s", err, s)
	}
	// And nothing after the element.
	if _, err := d.Token(); err != io.EOF {
		t.Fatalf("trailing content after SVG: %v", err)
	}
	return c
}

// points reads a polyline's points attribute.
func points(t *testing.T, attr string) [][2]float64 {
	t.Helper()
	var out [][2]float64
	for _, p := range strings.Fields(attr) {
		xs, ys, ok := strings.Cut(p, ",")
		x, err1 := strconv.ParseFloat(xs, 64)
		y, err2 := strconv.ParseFloat(ys, 64)
		if !ok || err1 != nil || err2 != nil {
			t.Fatalf("bad point %q", p)
		}
		out = append(out, [2]float64{x, y})
	}
	return out
}

func TestHTMLChartsPerSeriesPerCase(t *testing.T) {
	t.Parallel()
	r := writerSample()
	page := renderHTML(t, r)
	sections := regexp.MustCompile(`(?s)<section class="curves">.*?</section>`).FindAllString(page, -1)
	if len(sections) != len(r.Curves()) {
		t.Fatalf("%d chart sections, want one per case with curves (%d)", len(sections), len(r.Curves()))
	}
	want := []string{"tps", "avg_rt", "vusers", "errors"}
	for i, sec := range sections {
		charts := svgs(sec)
		if len(charts) != len(want) {
			t.Fatalf("case %d: %d charts, want %d", i, len(charts), len(want))
		}
		for j, s := range charts {
			c := parseSVG(t, s)
			if c.Series != want[j] {
				t.Errorf("case %d chart %d is %q, want %q", i, j, c.Series, want[j])
			}
			if c.ViewBox != "0 0 640 220" {
				t.Errorf("viewBox = %q", c.ViewBox)
			}
			if len(c.Lines) == 0 {
				t.Errorf("case %d %s: no line drawn", i, c.Series)
			}
			for _, l := range c.Lines {
				for _, p := range points(t, l.Points) {
					if p[0] < svgLeft-0.05 || p[0] > svgWidth-svgRight+0.05 || p[1] < svgTop-0.05 || p[1] > svgHeight-svgBottom+0.05 {
						t.Errorf("case %d %s: point %v outside the plot", i, c.Series, p)
					}
				}
			}
		}
	}
	// login: null first point and a gap at 40–41 → TPS is two lines; the hostile case: a gap at 2
	// → two lines; its vusers have no gap → one line.
	for _, tc := range []struct {
		section, chart, lines int
	}{{0, 0, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 1}} {
		c := parseSVG(t, svgs(sections[tc.section])[tc.chart])
		if len(c.Lines) != tc.lines {
			t.Errorf("section %d chart %s: %d lines, want %d", tc.section, c.Series, len(c.Lines), tc.lines)
		}
	}
}

func TestBuildChart(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	long := make([]float64, 5000)
	for i := range long {
		long[i] = float64(i)
	}
	for _, tc := range []struct {
		name        string
		ys          []float64
		lines, dots int
		empty       bool
		maxPoints   int
		stats, ytop string
	}{
		{name: "plain", ys: []float64{0, 5, 10}, lines: 1, stats: "min 0 · avg 5 · max 10", ytop: "10"},
		{name: "lone point between gaps is a dot", ys: []float64{1, 2, nan, 3, nan, 4, 5}, lines: 2, dots: 1, stats: "min 1 · avg 3 · max 5", ytop: "6"},
		{name: "all null", ys: []float64{nan, nan}, empty: true},
		{name: "no points", ys: nil, empty: true},
		{name: "flat zero", ys: []float64{0, 0, 0}, lines: 1, stats: "min 0 · avg 0 · max 0", ytop: "1"},
		{name: "negative values", ys: []float64{-5, 5}, lines: 1, stats: "min -5 · avg 0 · max 5", ytop: "5"},
		{name: "long series reduced", ys: long, lines: 1, maxPoints: htmlChartPoints, ytop: "6000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := buildChart("tps", "TPS", "", curveAxis(nil, len(tc.ys)), tc.ys)
			if c.Empty != tc.empty {
				t.Fatalf("Empty = %v", c.Empty)
			}
			if tc.empty {
				return
			}
			if len(c.Lines) != tc.lines || len(c.Dots) != tc.dots {
				t.Errorf("%d lines, %d dots; want %d, %d", len(c.Lines), len(c.Dots), tc.lines, tc.dots)
			}
			if tc.stats != "" && c.Stats != tc.stats {
				t.Errorf("stats = %q, want %q", c.Stats, tc.stats)
			}
			if top := c.YTicks[len(c.YTicks)-1]; top.Label != tc.ytop || math.Abs(top.Pos-svgTop) > 0.01 {
				t.Errorf("top tick = %+v, want %s at the top", top, tc.ytop)
			}
			if bottom := c.YTicks[0]; math.Abs(bottom.Pos-(svgHeight-svgBottom)) > 0.01 {
				t.Errorf("bottom tick = %+v, want at the bottom", bottom)
			}
			if tc.maxPoints > 0 {
				if n := len(strings.Fields(c.Lines[0])); n > tc.maxPoints {
					t.Errorf("%d points drawn, want at most %d", n, tc.maxPoints)
				}
			}
		})
	}
}

func TestHTMLEmptySeriesSaysSo(t *testing.T) {
	t.Parallel()
	r := writerSample()
	r.curves = []CaseCurves{{Name: "quiet", TPS: []float64{1, 2}, AvgRT: []float64{math.NaN(), math.NaN()}}}
	page := renderHTML(t, r)
	charts := svgs(page)
	if len(charts) != 4 {
		t.Fatalf("%d charts, want 4", len(charts))
	}
	for i, s := range charts {
		empty := strings.Contains(s, "no data reported")
		if empty != (i > 0) {
			t.Errorf("chart %d: empty = %v", i, empty)
		}
		parseSVG(t, s)
	}
}

func TestHTMLTestPlanChecks(t *testing.T) {
	t.Parallel()
	r := &Result{Mode: "testplan", Result: "failed", ExitCode: 1, Version: "1.2.3",
		Plan: &Plan{ID: "p-1", Name: "release <7>", Added: 1, Failed: 1},
		Checks: []Check{{Name: "add case 11", Group: "cases", Verdict: "passed", Message: "added"},
			{Name: "add case 12", Group: "cases", Verdict: "failed", Message: "CT.0001: <b>no</b>"}}}
	page := renderHTML(t, r)
	for _, want := range []string{"<h2>Checks</h2>", `<td class="verdict failed">failed</td><td>add case 12</td>`, "CT.0001: &lt;b&gt;no&lt;/b&gt;",
		"release &lt;7&gt; (p-1)"} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, unwanted := range []string{"<h2>Gates</h2>", "No gates were evaluated"} {
		if strings.Contains(page, unwanted) {
			t.Errorf("report has %q for a testplan run", unwanted)
		}
	}
}

func TestWriteHTMLError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writerSample().WriteHTML(filepath.Join(blocker, "report.html")); err == nil {
		t.Error("writing under a file succeeded")
	}
}
