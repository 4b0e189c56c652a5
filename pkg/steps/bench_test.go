package steps

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
)

// benchReportJSON is a ShowReport answer of one case run with nReqs request rows and curves of
// points points per series, in the wire shape (pkg/api/cpts/testdata/show_report.json).
func benchReportJSON(nReqs, points int) []byte {
	row := func(name string, avg, n float64) string {
		e := float64(int(n) % 5)
		return fmt.Sprintf(`{"name":%q,"startTime":"2022-09-16T19:18:16+08:00","endTime":"2022-09-16T19:28:16+08:00",`+
			`"createTime":"2022-09-16T19:18:01+08:00","updateTime":"2022-09-16T19:28:34+08:00","id":"2391655","detailId":"6969830689306988544",`+
			`"caseUri":"33321","testCaseUri":"16674","taskId":"az-4-29530_1","taskProjectId":"az-4-29530","transactionId":"","isAW":true,`+
			`"averageRespTime":%g,"min":%g,"max":%g,"tp50":%g,"tp75":%g,"tp90":%g,"tp95":%g,"tp99":%g,"tp999":%g,"tp9999":%g,`+
			`"tps":%g,"successRate":%g,"successCount":%g,"errorCount":%g,"requests":%g,"failedAssert":0,"failedOthers":%g,`+
			`"failedParsed":0,"failedRefused":0,"failedTimeout":0,"sum1xx":0,"sum2xx":%g,"sum3xx":0,"sum4xx":0,"sum5xx":%g,`+
			`"avgRecBytes":10472.426150121066,"avgSentBytes":53,"maxRecBytes":555275,"maxSentBytes":2809,"avgNetworkTraffic":0,`+
			`"maxNetworkTraffic":0,"minNetworkTraffic":0,"maxRespTime":%g,"currentThreadNum":50,"vum":500,"transactions":null,`+
			`"tranTPS":0,"transactionalSuccessRate":0,"transactionSuccess":null,"avgTranRespTime":%g,"maxTranRespTime":%g,`+
			`"transactionalTps":0,"transactionalTpssuccess":0,"errorEventsCount":0,"result":0,"status":15,"taskStatus":6}`,
			name, avg, avg*0.3, avg*8, avg*0.9, avg*1.1, avg*1.4, avg*1.7, avg*2.4, avg*3.5, avg*5,
			n/600, (n-e)/n*100, n-e, e, n, e, n-e, e, avg*8, avg, avg*8)
	}
	series := func(base float64) string {
		var b strings.Builder
		b.WriteByte('[')
		for i := range points {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%.2f", base+float64(i%97)/3)
		}
		b.WriteByte(']')
		return b.String()
	}
	var b strings.Builder
	b.WriteString(`{"code":"SVCSTG.CPTS.0000000","message":"success","extend":null,"result":{"details":{"data":[{"detailDatas":[`)
	for j := range nReqs {
		if j > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row(fmt.Sprintf("GET /api/v1/resource-%03d", j), 40+float64(j%50)*4, 20000+float64(j*7)))
	}
	fmt.Fprintf(&b, `],"performance":%s}],"pageIndex":1,"pageSize":%d,"total":1},`, row("case", 120, float64(nReqs)*20000), nReqs)
	b.WriteString(`"outline":{"avgResponseTime":120,"successRate":99.95,"tps":41.3,"maxUsers":50,"duration":600,"stageName":"Alpha",` +
		`"startTime":"2022-09-16T19:18:16+08:00","endTime":"2022-09-16T19:28:16+08:00"},"brokens":{"commonTimestamps":[`)
	for i := range points {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"2022-09-16 19:%02d:%02d"`, 18+i/60%40, i%60)
	}
	fmt.Fprintf(&b, `],"tps_brokens":{"tps":%s,"average":%s},"vusers_brokens":{"vusers":%s},`, series(400), series(120), series(50))
	fmt.Fprintf(&b, `"respcode_brokens":{"success":%s,"error":%s,"checkPointFailed":%s,"othersFailed":%s,"parsedFailed":%s,"refusedFailed":%s,"timeout":%s},`,
		series(2000), series(0), series(0), series(0), series(0), series(0), series(0))
	fmt.Fprintf(&b, `"brand_brokens":{"recBytes":%s,"sentBytes":%s}},"respTimeRange":{"0~50ms":"100.0%%(2472)"},"taskInfo":{"vum":500}}}`,
		series(21583872), series(109236))
	return []byte(b.String())
}

// decodeReport decodes a ShowReport answer as the CPTS client does.
func decodeReport(tb testing.TB, data []byte) *cpts.Report {
	var ans struct {
		Result *cpts.Report `json:"result"`
	}
	if err := json.Unmarshal(data, &ans); err != nil || ans.Result == nil {
		tb.Fatalf("decode: %v", err)
	}
	return ans.Result
}

// BenchmarkToRun converts the reports of 100 case runs of 500 requests each into the gates' model.
func BenchmarkToRun(b *testing.B) {
	rep := decodeReport(b, benchReportJSON(500, 100))
	cases := make([]CaseResult, 100)
	for i := range cases {
		cases[i] = CaseResult{Name: fmt.Sprintf("case-%03d", i), CaseRunID: int64(93868 + i), Status: cpts.StatusFinished, Report: rep}
	}
	b.ReportAllocs()
	for b.Loop() {
		run := ToRun(80001, cases)
		if len(run.Cases) != 100 || len(run.Cases[0].Requests) != 500 {
			b.Fatalf("run has %d cases", len(run.Cases))
		}
	}
}

// BenchmarkDecodeReport decodes one case report of 500 requests as the client reads it from
// ShowReport: with the 100 curve points the runner asks for, and with 10,000 (the big report of
// `make bench`, which decodes 100 of them).
func BenchmarkDecodeReport(b *testing.B) {
	for _, points := range []int{100, 10000} {
		data := benchReportJSON(500, points)
		b.Run(fmt.Sprintf("points=%d", points), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				decodeReport(b, data)
			}
		})
	}
}
