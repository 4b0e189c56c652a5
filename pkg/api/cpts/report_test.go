package cpts

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
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
