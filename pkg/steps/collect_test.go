package steps

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
)

// reportBody is a ShowReport answer with one case row of two requests and curves of points
// points (tps rising 0, 1, 2, …), whatever brokens_limit_count asked for.
func reportBody(points int) string {
	ts, tps := make([]string, points), make([]string, points)
	for i := range points {
		ts[i] = fmt.Sprintf(`"2026-12-01 10:%02d:%02d"`, i/60%60, i%60)
		tps[i] = fmt.Sprint(i)
	}
	return `{"code":"SVCSTG.CPTS.0000000","result":{
	"outline":{"duration":120},
	"details":{"total":1,"data":[{"performance":{"name":"checkout","requests":1000,"successCount":990,"errorCount":10,"tp95":420.5,
		"startTime":"2026-12-01T10:00:00+08:00","updateTime":"2026-12-01T10:01:30+08:00"},
		"detailDatas":[{"name":"GET /cart","requests":600,"tp95":300},{"name":"POST /orders","requests":400,"tp95":510}]}]},
	"brokens":{"commonTimestamps":[` + strings.Join(ts, ",") + `],"tps_brokens":{"tps":[` + strings.Join(tps, ",") + `]}}}}`
}

func TestReportsDigestAndBucket(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		asked, sent, want int // curve points asked for, sent by the service, kept
	}{
		{"service honours the limit", 50, 50, 50},
		{"service ignores the limit: bucketed to what was asked", 100, 10000, 100},
		{"fewer points than asked", 100, 7, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			body := reportBody(tt.sent)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				if got := r.URL.Query().Get("brokens_limit_count"); got != fmt.Sprint(tt.asked) {
					t.Errorf("brokens_limit_count=%s, want %d", got, tt.asked)
				}
				w.Write([]byte(body))
			}))
			defer srv.Close()
			ac, err := api.New(api.Config{Endpoint: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			p := &PerfTest{CPTS: cpts.New(ac, "p"), ReportConcurrency: 2}
			refs := []CaseRun{{ID: 1, Name: "checkout", Status: cpts.StatusFinished}, {ID: 2, Name: "browse", Status: cpts.StatusFinished},
				{ID: 3, Name: "search", Status: cpts.StatusFinished}}
			cases, err := p.Reports(context.Background(), 9, refs, tt.asked)
			if err != nil {
				t.Fatal(err)
			}
			if n := calls.Load(); n != 3 {
				t.Fatalf("%d report reads, want 3", n)
			}
			for i, c := range cases {
				if c.Name != refs[i].Name || c.CaseRunID != refs[i].ID {
					t.Errorf("case %d is %q (%d): not in the order asked", i, c.Name, c.CaseRunID)
				}
				b := c.Report.Brokens
				if len(b.Timestamps) != tt.want || len(b.TPS.TPS) != tt.want {
					t.Errorf("case %q: %d timestamps, %d tps points, want %d", c.Name, len(b.Timestamps), len(b.TPS.TPS), tt.want)
				}
				// The mean of a bucket of 0, 1, 2, … lies between its first and last point.
				if last := b.TPS.TPS[len(b.TPS.TPS)-1]; !last.Valid || last.Value > float64(tt.sent-1) || last.Value < float64(tt.sent-1)-float64(tt.sent/tt.want) {
					t.Errorf("case %q: last tps point %+v", c.Name, last)
				}
				if c.Report.Details.Data != nil {
					t.Errorf("case %q: the table rows were kept after digesting", c.Name)
				}
				if c.ran.Seconds() != 90 {
					t.Errorf("case %q: ran %s, want 1m30s (updateTime − startTime)", c.Name, c.ran)
				}
			}
			run := ToRun(9, cases)
			if len(run.Cases) != 3 || len(run.Cases[0].Requests) != 2 {
				t.Fatalf("run: %+v", run)
			}
			if v, ok := run.Cases[1].Metrics.Get("p95"); !ok || v != 420.5 || run.Cases[1].Name != "browse" {
				t.Errorf("case 1: %s %v", run.Cases[1].Name, run.Cases[1].Metrics)
			}
			if v, ok := run.Cases[0].Requests[1].Metrics.Get("p95"); !ok || v != 510 || run.Cases[0].Requests[1].Name != "POST /orders" {
				t.Errorf("request: %+v", run.Cases[0].Requests[1])
			}
			if v, ok := run.Cases[0].Metrics.Get("error_rate"); !ok || v != 1 {
				t.Errorf("error_rate %v %v, want 1 (derived)", v, ok)
			}
		})
	}
}

// TestReportsFirstErrorCancelsTheRest fails one report read while the others hang: Reports
// returns that failure without waiting for the others, whose requests are cancelled.
func TestReportsFirstErrorCancelsTheRest(t *testing.T) {
	t.Parallel()
	const hanging = 3
	started := make(chan struct{}, 6)
	var cancelled atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/case-run-infos/1/") {
			for range hanging { // fail once the others are in flight
				<-started
			}
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error_code":"SVCSTG.CPTS.4001","error_msg":"no such case run"}`))
			return
		}
		started <- struct{}{}
		<-r.Context().Done() // hangs until the client gives up
		cancelled.Add(1)
	}))
	defer srv.Close()
	ac, err := api.New(api.Config{Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	p := &PerfTest{CPTS: cpts.New(ac, "p"), ReportConcurrency: 4}
	refs := []CaseRun{{ID: 1, Name: "bad"}, {ID: 2, Name: "b"}, {ID: 3, Name: "c"}, {ID: 4, Name: "d"}, {ID: 5, Name: "e"}, {ID: 6, Name: "f"}}
	// A failsafe only: without the cancellation the hanging reads would end at this deadline.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cases, err := p.Reports(ctx, 9, refs, 100)
	if ctx.Err() != nil {
		t.Fatalf("Reports returned only when the caller's context ended: %v", err)
	}
	if err == nil || cases != nil || !strings.Contains(err.Error(), `case "bad"`) || !api.IsStatus(err, http.StatusBadRequest) {
		t.Fatalf("cases %v, err = %v; want the failed read of case \"bad\"", cases, err)
	}
	srv.Close() // waits for the handlers: the hanging ones end as their requests are cancelled
	if n := cancelled.Load(); n < hanging {
		t.Errorf("%d hanging reads cancelled, want %d", n, hanging)
	}
}
