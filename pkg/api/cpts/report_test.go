package cpts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// bigReport builds a ShowReport answer with rows request rows and points
// points in each of the 12 curves.
func bigReport(rows, points int) []byte {
	var b strings.Builder
	row := func(i int) string {
		return fmt.Sprintf(`{"name":"req-%d","averageRespTime":%d.5,"tp50":12,"tp75":12,"tp90":13,"tp95":13,"tp99":24,"tp999":60,"tp9999":331,`+
			`"tps":41.3,"successRate":99.95,"successCount":2477,"errorCount":1,"requests":2478,"failedAssert":0,"failedOthers":1,`+
			`"failedParsed":0,"failedRefused":0,"failedTimeout":0,"sum1xx":0,"sum2xx":2477,"sum3xx":0,"sum4xx":0,"sum5xx":0,`+
			`"avgRecBytes":10472.4,"avgSentBytes":53,"currentThreadNum":1,"vum":1,"transactions":null,"tranTPS":0,`+
			`"transactionalSuccessRate":0,"errorEventsCount":0,"min":11,"max":331,"startTime":"2022-09-16T19:18:16+08:00",`+
			`"endTime":"2022-09-16T19:19:16+08:00"}`, i, i)
	}
	series := func() string {
		var s strings.Builder
		s.WriteByte('[')
		for i := range points {
			if i > 0 {
				s.WriteByte(',')
			}
			if i%1000 == 999 {
				s.WriteString("null")
			} else {
				fmt.Fprintf(&s, "%d.25", i)
			}
		}
		s.WriteByte(']')
		return s.String()
	}
	ts := func() string {
		var s strings.Builder
		s.WriteByte('[')
		for i := range points {
			if i > 0 {
				s.WriteByte(',')
			}
			fmt.Fprintf(&s, `"%d"`, 1663327096000+int64(i)*1000)
		}
		s.WriteByte(']')
		return s.String()
	}
	b.WriteString(`{"code":"SVCSTG.CPTS.0000000","message":"success","extend":null,"result":{"details":{"data":[{"performance":`)
	b.WriteString(row(-1))
	b.WriteString(`,"detailDatas":[`)
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row(i))
	}
	b.WriteString(`]}],"pageIndex":1,"pageSize":5,"total":1},"brokens":{"commonTimestamps":`)
	b.WriteString(ts())
	fmt.Fprintf(&b, `,"tps_brokens":{"tps":%s,"average":%s},"vusers_brokens":{"vusers":%s},`, series(), series(), series())
	fmt.Fprintf(&b, `"respcode_brokens":{"success":%s,"error":%s,"checkPointFailed":%s,"othersFailed":%s,"parsedFailed":%s,"refusedFailed":%s,"timeout":%s},`,
		series(), series(), series(), series(), series(), series(), series())
	fmt.Fprintf(&b, `"brand_brokens":{"recBytes":%s,"sentBytes":%s}},"outline":{"duration":60,"tps":41.3},"taskInfo":{"vum":1}}}`, series(), series())
	return []byte(b.String())
}

func TestBigReportDecodes(t *testing.T) {
	t.Parallel()
	const rows, points = 500, 10000
	body := bigReport(rows, points)
	var a reportAnswer
	mustDecode(t, body, &a)
	r := a.Result
	if r == nil || len(r.Details.Data) != 1 || len(r.Details.Data[0].Requests) != rows {
		t.Fatalf("rows not decoded")
	}
	if got := r.Details.Data[0].Requests[499].Fields()["averageRespTime"]; got != 499.5 {
		t.Errorf("row 499 averageRespTime = %v", got)
	}
	c := r.Brokens
	for name, s := range map[string][]Number{
		"tps": c.TPS.TPS, "average": c.TPS.Average, "vusers": c.VUsers.VUsers, "success": c.RespCode.Success,
		"error": c.RespCode.Error, "checkPointFailed": c.RespCode.CheckPointFailed, "othersFailed": c.RespCode.OthersFailed,
		"parsedFailed": c.RespCode.ParsedFailed, "refusedFailed": c.RespCode.RefusedFailed, "timeout": c.RespCode.Timeout,
		"recBytes": c.Bandwidth.RecBytes, "sentBytes": c.Bandwidth.SentBytes,
	} {
		if len(s) != points || s[1] != NumberOf(1.25) || s[999].Valid {
			t.Errorf("curve %s: len %d, [1] %+v, [999] %+v", name, len(s), s[1], s[999])
		}
	}
	if len(c.Timestamps) != points || c.Timestamps[1] != "1663327097000" {
		t.Errorf("timestamps: %d %v", len(c.Timestamps), c.Timestamps[:2])
	}

}

// TestBigReportAllocations is not parallel: testing.AllocsPerRun refuses
// parallel tests.
func TestBigReportAllocations(t *testing.T) {
	// Proportional: decoding allocates a bounded number of times per value
	// (no intermediate copies of the body or re-decoding of subtrees).
	const rows, points = 500, 10000
	body := bigReport(rows, points)
	values := rows*36 + 12*points + points
	allocs := testing.AllocsPerRun(3, func() {
		var a reportAnswer
		if err := json.Unmarshal(body, &a); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("body %d bytes, %d values, %.0f allocations", len(body), values, allocs)
	if allocs > float64(values)/4 {
		t.Errorf("%.0f allocations for %d values: decoding is not proportional", allocs, values)
	}
}

func BenchmarkReportDecode(b *testing.B) {
	body := bigReport(500, 10000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var a reportAnswer
		if err := json.Unmarshal(body, &a); err != nil {
			b.Fatal(err)
		}
	}
}

// TestReportDecodesAsBefore decodes the documented example (show_report.json) and a generated
// report through encoding/json and compares them with what the one-pass decoder that came
// before it made of them (the golden files were written by it, before it was removed).
func TestReportDecodesAsBefore(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, golden, indent string
		body                 []byte
	}{
		{"documented example", "show_report.decoded.golden.json", "  ", readTestdata(t, "show_report.json")},
		{"generated, numeric strings in the curves", "generated_report.decoded.golden.json", " ", genReport(t, 3, 120)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var a reportAnswer
			if err := json.Unmarshal(tt.body, &a); err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(a.Result, "", tt.indent)
			if err != nil {
				t.Fatal(err)
			}
			if want := readTestdata(t, tt.golden); string(append(got, '\n')) != string(want) {
				t.Errorf("%s decodes differently from testdata/%s:\n%s", tt.name, tt.golden, got)
			}
		})
	}
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReportReadsTheFiles checks that the example and a generated report decode to the figures
// they hold.
func TestReportReadsTheFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		body  []byte
		check func(r *Report) []bool // every check true
	}{
		{"show_report.json", readTestdata(t, "show_report.json"), func(r *Report) []bool {
			p := r.Details.Data[0].Performance
			return []bool{p.Name == "ccc", r.Details.Data[0].Requests[0].TransactionalTpsSuccess == api.NumberOf(0),
				r.RespTimeRange["50~200ms"] == "0.0%(5)", r.Outline.AvgResponseTime == api.NumberOf(12.518563357546409),
				r.Details.PageSize == 5, p.TransactionalTpSuccess == api.NumberOf(0)}
		}},
		{"generated", genReport(t, 500, 10000), func(r *Report) []bool {
			c := r.Brokens
			return []bool{len(r.Details.Data[0].Requests) == 500, r.Details.Data[0].Requests[499].Name == "req-499",
				len(c.Timestamps) == 10000, len(c.TPS.TPS) == 10000, len(c.Bandwidth.SentBytes) == 10000,
				c.TPS.TPS[3] == api.NumberOf(3.25), !c.TPS.TPS[999].Valid, c.TPS.TPS[77] == api.NumberOf(77.25),
				c.Timestamps[1] == "1663327097000"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var a reportAnswer
			if err := json.Unmarshal(tt.body, &a); err != nil {
				t.Fatal(err)
			}
			if a.Result == nil {
				t.Fatal("no result")
			}
			for i, ok := range tt.check(a.Result) {
				if !ok {
					t.Errorf("check %d fails", i)
				}
			}
		})
	}
}

// genReport builds a ShowReport answer from show_report.json: its request row repeated rows
// times with figures of their own, and curves of points points (every 1000th null, every
// 100th a numeric string) with their timestamps.
func genReport(t testing.TB, rows, points int) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(readTestdata(t, "show_report.json"), &doc); err != nil {
		t.Fatal(err)
	}
	result := doc["result"].(map[string]any)
	row0 := result["details"].(map[string]any)["data"].([]any)[0].(map[string]any)
	// A request row has the fields of the case's figures (the example's own request row is
	// cut short by a page break) and those of the example's request row.
	tmpl := map[string]any{}
	for _, part := range []any{row0["performance"], row0["detailDatas"].([]any)[0]} {
		for k, v := range part.(map[string]any) {
			tmpl[k] = v
		}
	}
	reqs := make([]any, rows)
	for i := range reqs {
		r := make(map[string]any, len(tmpl))
		for k, v := range tmpl {
			r[k] = v
		}
		r["name"] = fmt.Sprintf("req-%d", i)
		r["averageRespTime"] = float64(i) + 0.5
		r["tp99"] = float64(i%97) * 1.1
		r["tps"] = 41.3 + float64(i)/7
		r["successRate"] = 99.95 - float64(i%13)/100
		r["requests"] = 2478 + i
		reqs[i] = r
	}
	row0["detailDatas"] = reqs
	curve := func(scale float64) []any {
		s := make([]any, points)
		for i := range s {
			switch {
			case i%1000 == 999:
				s[i] = nil
			case i%100 == 77:
				s[i] = strconv.FormatFloat(float64(i)*scale+0.25, 'f', -1, 64)
			default:
				s[i] = float64(i)*scale + 0.25
			}
		}
		return s
	}
	ts := make([]any, points)
	for i := range ts {
		ts[i] = strconv.FormatInt(1663327096000+int64(i)*1000, 10)
	}
	result["brokens"] = map[string]any{
		"commonTimestamps": ts,
		"tps_brokens":      map[string]any{"tps": curve(1), "average": curve(1.0001)},
		"vusers_brokens":   map[string]any{"vusers": curve(0)},
		"respcode_brokens": map[string]any{"success": curve(3), "error": curve(0.01), "checkPointFailed": curve(0),
			"othersFailed": curve(0), "parsedFailed": curve(0), "refusedFailed": curve(0), "timeout": curve(0.5)},
		"brand_brokens": map[string]any{"recBytes": curve(10472.426150121066), "sentBytes": curve(53)},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDownsample(t *testing.T) {
	t.Parallel()
	num := api.NumberOf
	null := api.Number{}
	seq := func(n int) api.Numbers {
		s := make(api.Numbers, n)
		for i := range s {
			s[i] = num(float64(i))
		}
		return s
	}
	texts := func(n int) []api.Text {
		s := make([]api.Text, n)
		for i := range s {
			s[i] = api.Text(strconv.Itoa(i))
		}
		return s
	}
	tests := []struct {
		name string
		in   Curves
		n    int
		want Curves
	}{
		{"shorter than n: unchanged", Curves{Timestamps: texts(3), TPS: TPSCurves{TPS: seq(3)}}, 5,
			Curves{Timestamps: texts(3), TPS: TPSCurves{TPS: seq(3)}}},
		{"n of 0: unchanged", Curves{Timestamps: texts(3), TPS: TPSCurves{TPS: seq(3)}}, 0,
			Curves{Timestamps: texts(3), TPS: TPSCurves{TPS: seq(3)}}},
		{"even buckets", Curves{Timestamps: texts(6), TPS: TPSCurves{TPS: seq(6), Average: api.Numbers{num(1), null, null, null, num(2), num(4)}}}, 3,
			Curves{Timestamps: []api.Text{"0", "2", "4"}, TPS: TPSCurves{TPS: api.Numbers{num(0.5), num(2.5), num(4.5)},
				Average: api.Numbers{num(1), null, num(3)}}}},
		{"uneven buckets", Curves{Timestamps: texts(7), VUsers: VUsersCurves{VUsers: seq(7)}}, 3,
			Curves{Timestamps: []api.Text{"0", "2", "4"}, VUsers: VUsersCurves{VUsers: api.Numbers{num(0.5), num(2.5), num(5)}}}},
		{"one bucket", Curves{Timestamps: texts(4), Bandwidth: BandwidthCurves{RecBytes: seq(4)}}, 1,
			Curves{Timestamps: []api.Text{"0"}, Bandwidth: BandwidthCurves{RecBytes: api.Numbers{num(1.5)}}}},
		{"shorter series keep the buckets that start in them", Curves{Timestamps: texts(8),
			RespCode: RespCodeCurves{Success: seq(8), Error: seq(3), Timeout: api.Numbers{}}}, 4,
			Curves{Timestamps: []api.Text{"0", "2", "4", "6"}, RespCode: RespCodeCurves{Success: api.Numbers{num(0.5), num(2.5), num(4.5), num(6.5)},
				Error: api.Numbers{num(0.5), num(2)}, Timeout: api.Numbers{}}}},
		{"a series longer than the timestamps sets the buckets", Curves{Timestamps: texts(2), TPS: TPSCurves{TPS: seq(6)}}, 3,
			Curves{Timestamps: []api.Text{"0"}, TPS: TPSCurves{TPS: api.Numbers{num(0.5), num(2.5), num(4.5)}}}},
		{"huge figures do not overflow", Curves{TPS: TPSCurves{TPS: api.Numbers{num(math.MaxFloat64), num(math.MaxFloat64), num(1)}}}, 1,
			Curves{TPS: TPSCurves{TPS: api.Numbers{num(math.MaxFloat64/3*2 + 1.0/3)}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.in.Downsample(tt.n)
			if !reflect.DeepEqual(tt.in, tt.want) {
				t.Errorf("got  %+v\nwant %+v", tt.in, tt.want)
			}
		})
	}
}

// TestDownsampleGenerated downsamples a decoded 10,000-point report to 300 points.
func TestDownsampleGenerated(t *testing.T) {
	t.Parallel()
	var a reportAnswer
	if err := json.Unmarshal(genReport(t, 1, 10000), &a); err != nil {
		t.Fatal(err)
	}
	c := a.Result.Brokens
	c.Downsample(300)
	for i, s := range c.series() {
		if len(*s) != 300 {
			t.Errorf("series %d: %d points", i, len(*s))
		}
	}
	// Bucket 1 holds points 33..65 (10000*1/300 = 33, 10000*2/300 = 66): their mean is 49.25.
	if len(c.Timestamps) != 300 || c.Timestamps[1] != "1663327129000" || c.TPS.TPS[1] != api.NumberOf(49.25) {
		t.Errorf("timestamps %d, [1] %s, tps[1] %+v", len(c.Timestamps), c.Timestamps[1], c.TPS.TPS[1])
	}
}

// TestShowReportDecodes runs ShowReport against a server: the answer is decoded, one that
// does not decode is asked for again, one beyond the shape limits is not.
func TestShowReportDecodes(t *testing.T) {
	t.Parallel()
	good := genReport(t, 50, 2000)
	var want reportAnswer
	if err := json.Unmarshal(good, &want); err != nil {
		t.Fatal(err)
	}
	deep := []byte(`{"pad":"` + strings.Repeat("x", 1<<20) + `","result":{"brokens":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}}`)
	tests := []struct {
		name      string
		answers   [][]byte // in order; the last repeats
		wantCalls int32
		wantErr   string
		wantShape bool
	}{
		{"decoded", [][]byte{good}, 1, "", false},
		{"garbled, then decoded", [][]byte{[]byte(`{"result":{"outline":{"tps":tru`), good}, 2, "", false},
		{"a figure that is an object each time", [][]byte{[]byte(`{"result":{"outline":{"tps":{}}}}`)}, 3,
			"decode response (HTTP 200, 33 bytes): cannot decode {} as a number", false},
		{"nested too deep: not asked again", [][]byte{deep, good}, 1, "nested deeper than 64 levels", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1))
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(tt.answers[min(n, len(tt.answers))-1])
			}))
			defer srv.Close()
			r, err := newTestClient(t, srv).ShowReport(context.Background(), 1, 2, 10000)
			if calls.Load() != tt.wantCalls {
				t.Errorf("calls = %d, want %d", calls.Load(), tt.wantCalls)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(r, want.Result) {
					t.Errorf("report differs from json.Unmarshal's")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || errors.Is(err, api.ErrShape) != tt.wantShape {
				t.Errorf("err = %v, want %q (ErrShape %v)", err, tt.wantErr, tt.wantShape)
			}
		})
	}
}
