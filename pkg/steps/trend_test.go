package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/pkg/api/cpts"
	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// reportWithP95 is a one-case report whose case made 100 requests with p95 p95 ms.
func reportWithP95(t *testing.T, p95 float64) *cpts.Report {
	t.Helper()
	var rep cpts.Report
	body := fmt.Sprintf(`{"details":{"data":[{"performance":{"name":"c","requests":100,"successCount":100,"errorCount":0,"successRate":100,"averageRespTime":%v,"min":1,"max":%v,"tp50":%v,"tp90":%v,"tp95":%v,"tp99":%v,"tps":10}}],"total":1}}`,
		p95/2, p95*2, p95/2, p95, p95, p95*1.5)
	if err := json.Unmarshal([]byte(body), &rep); err != nil {
		t.Fatal(err)
	}
	return &rep
}

// TestTrendDecisions: the trend reads earlier runs newest first until it has in.Trend runs with
// requests (reading at most twice that many), leaves out unreadable runs, keeps runs that fail
// today's absolute gates as points but not in the medians, and puts our run last.
func TestTrendDecisions(t *testing.T) {
	t.Parallel()
	limit, err := gates.Parse("p95 <= 500ms")
	if err != nil {
		t.Fatal(err)
	}
	p95 := map[int64]float64{8: 300, 6: 900, 5: 280, 4: 260} // run 7 has no readable report; 6 fails p95 <= 500ms
	f := func() *fakeCPTS {
		return &fakeCPTS{
			history:  []cpts.HistoryRun{{RunID: 4}, {RunID: 5}, {RunID: 6}, {RunID: 7}, {RunID: 8}, {RunID: 9}, {RunID: 10}},
			caseRuns: []cpts.CaseRun{{ID: 1, Name: "c"}},
			runReport: func(runID, _ int64) (*cpts.Report, error) {
				v, ok := p95[runID]
				if !ok {
					return nil, errors.New("gone")
				}
				return reportWithP95(t, v), nil
			},
		}
	}
	ours := gates.Run{ID: 9, Cases: []gates.Case{{Name: "c", Metrics: gates.MetricsOf(map[string]float64{"p95": 310, "requests": 100})}}}
	tests := []struct {
		name    string
		trend   int
		f       *fakeCPTS
		points  []int64 // run ids of o.Trend, oldest first
		medians []float64
		note    string
		reports []string // ShowReport calls, in the order made
	}{
		{"off", 0, f(), nil, nil, "", nil},
		{"history unreadable", 3, &fakeCPTS{histErr: errors.New("down")}, nil, nil,
			"no trend: the run history of task 52631 could not be read: down", nil},
		{"newest first, unreadable left out, failing runs shown but not counted", 2, f(), []int64{6, 8, 9}, []float64{300},
			"trend: 2 earlier run(s) of task 52631 with requests (of the 3 latest read); 1 without requests or with an unreadable, partial or implausible report left out",
			[]string{"ShowReport 8 1", "ShowReport 7 1", "ShowReport 6 1"}},
		{"at most twice the runs asked for are read", 1, &fakeCPTS{history: []cpts.HistoryRun{{RunID: 5}, {RunID: 6}, {RunID: 7}, {RunID: 8}}, caseRuns: []cpts.CaseRun{{ID: 1, Name: "c"}}},
			[]int64{9}, nil,
			"trend: 0 earlier run(s) of task 52631 with requests (of the 2 latest read); 2 without requests or with an unreadable, partial or implausible report left out",
			[]string{"ShowReport 8 1", "ShowReport 7 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, log := fakeFlow(tt.f)
			o := &Outcome{SuiteID: 17543, TaskID: 52631, RunID: 9, Run: ours}
			tr := p.trend(context.Background(), PerfTestInput{Trend: tt.trend, Gates: limit}, o)
			if tt.trend == 0 {
				if tr != nil || len(tt.f.calls) > 0 || o.TrendNote != "" {
					t.Fatalf("trend off: %+v, calls %v, note %q", tr, tt.f.calls, o.TrendNote)
				}
				return
			}
			if tr == nil || o.TrendNote != tt.note || !strings.Contains(log.String(), tt.note) {
				t.Fatalf("trend %+v, note %q, want %q", tr, o.TrendNote, tt.note)
			}
			var ids []int64
			for i, pt := range o.Trend {
				ids = append(ids, pt.RunID)
				if pt.Current != (i == len(o.Trend)-1 && pt.RunID == 9) || pt.Passed != (pt.RunID != 6) {
					t.Errorf("point %d (run %d): current %v, passed %v", i, pt.RunID, pt.Current, pt.Passed)
				}
			}
			if !slices.Equal(ids, tt.points) {
				t.Errorf("points %v, want %v", ids, tt.points)
			}
			if got := tr.Values["p95"]; !slices.Equal(got, tt.medians) || tr.Window != max(len(tt.points)-1, 0) {
				t.Errorf("p95 values %v (window %d), want %v", got, tr.Window, tt.medians)
			}
			if got := tt.f.called("ShowReport"); !slices.Equal(got, tt.reports) {
				t.Errorf("reports read %v, want %v", got, tt.reports)
			}
		})
	}
}
