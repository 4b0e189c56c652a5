package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

func taskResult(name string, id int64, verdict gates.Verdict, exit int, result string) *Result {
	g := gates.Gate{Text: "p95 <= 800ms", Name: "p95 <= 800ms", Metric: "p95", Op: gates.OpLE, Value: 800, Unit: "ms"}
	r := New(Meta{Mode: "perftest", ExitCode: exit, Result: result, Now: time.Unix(0, 0)})
	r.Suite, r.Task = &Ref{ID: 1, Name: "s"}, &Ref{ID: id, Name: name}
	r.Run = &Run{ID: id * 10, Status: 2, StatusText: "finished", StartedBy: "runner"}
	r.AddGate(GateOf(gates.Evaluation{Gate: g, Verdict: verdict, Message: "p95 = 700 ms"}))
	return r
}

func TestCombine(t *testing.T) {
	t.Parallel()
	parts := []*Result{taskResult("api", 1, gates.Pass, 0, "passed"), taskResult("checkout <&>", 2, gates.Fail, 1, "failed")}
	r := Combine(parts, Meta{Mode: "perftest", ExitCode: 1, Result: "failed", Now: time.Unix(0, 0)})
	if len(r.Gates) != 2 || r.Gates[1].Name != `task "checkout <&>": p95 <= 800ms` || r.Counts.Gates != 2 || r.Counts.Failed != 1 || r.Task != nil || r.Run != nil {
		t.Fatalf("combined: %+v", r)
	}
	ts := r.JUnit()
	if len(ts.Suites) != 2 || ts.Suites[0].Name != "codearts.perftest api" || ts.Suites[1].Failures != 1 {
		t.Errorf("JUnit: %+v", ts)
	}
	path := filepath.Join(t.TempDir(), "r.json")
	if err := r.WriteJSON(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	var back Result
	if err := json.Unmarshal(data, &back); err != nil || len(back.Tasks) != 2 || back.Tasks[1].Task.Name != "checkout <&>" || back.Tasks[1].Run.ID != 20 || back.Schema != 1 {
		t.Fatalf("result file: %v\n%s", err, data)
	}
	var sum strings.Builder
	r.WriteSummary(&sum)
	if !strings.HasPrefix(sum.String(), "──── codearts-runner: 2 task runs ────\n") || strings.Count(sum.String(), "──── codearts-runner summary ────") != 2 {
		t.Errorf("summary:\n%s", sum.String())
	}
	page, err := r.html()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "checkout &lt;&amp;&gt;") || strings.Contains(string(page), "checkout <&>") || strings.Count(string(page), "<body>") != 1 {
		t.Errorf("HTML: names not escaped or bodies not merged")
	}
}
