package steps

import (
	"slices"
	"strings"
	"testing"

	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

func TestMarkPartial(t *testing.T) {
	t.Parallel()
	results := []gates.Evaluation{
		{Gate: gates.Gate{Text: "a"}, Verdict: gates.Pass, Message: "a ok"},
		{Gate: gates.Gate{Text: "b"}, Verdict: gates.Fail, Message: "b lost"},
		{Gate: gates.Gate{Text: "c"}, Verdict: gates.Warn, Message: "c warned"},
		{Gate: gates.Gate{Text: "d"}, Verdict: gates.Skip, Message: "d skipped"},
	}
	complete := []CaseResult{{Name: "x", RowsSent: 1, RowsTotal: 1}}
	partial := []CaseResult{{Name: "x", RowsSent: 1, RowsTotal: 1}, {Name: "y", RowsSent: 2, RowsTotal: 7, truncated: true}}
	tests := []struct {
		name  string
		cases []CaseResult
		want  []gates.Verdict
	}{
		{"complete", complete, []gates.Verdict{gates.Pass, gates.Fail, gates.Warn, gates.Skip}},
		{"partial", partial, []gates.Verdict{gates.Fail, gates.Fail, gates.Fail, gates.Warn, gates.Skip}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := markPartial(7, tt.cases, append([]gates.Evaluation(nil), results...))
			if len(got) != len(tt.want) {
				t.Fatalf("%d results, want %d", len(got), len(tt.want))
			}
			for i, r := range got {
				if r.Verdict != tt.want[i] {
					t.Errorf("result %d (%s): %v, want %v", i, r.Gate.Text, r.Verdict, tt.want[i])
				}
			}
			if tt.name != "partial" {
				return
			}
			if got[0].Gate.Name != PartialGate.Name || !strings.Contains(got[0].Message, `case "y": 2 of 7 rows`) ||
				strings.Contains(got[0].Message, `case "x"`) {
				t.Errorf("first result %+v", got[0])
			}
			for _, r := range got[1:] {
				if !strings.HasSuffix(r.Message, partialNote) {
					t.Errorf("message %q lacks the partial note", r.Message)
				}
			}
		})
	}
}

func TestMarkUnchecked(t *testing.T) {
	t.Parallel()
	skip := gates.Evaluation{Gate: gates.Gate{Text: "p95 <= baseline"}, Verdict: gates.Skip, Message: "no baseline run"}
	tests := []struct {
		name     string
		in       []gates.Evaluation
		wantFail bool
	}{
		{"no gates (gates: none)", nil, false},
		{"every gate skipped", []gates.Evaluation{skip, skip}, true},
		{"one gate checked", []gates.Evaluation{skip, {Gate: gates.Gate{Text: "p95 <= 1s"}, Verdict: gates.Pass}}, false},
		{"a warning checked the run", []gates.Evaluation{skip, {Gate: gates.Gate{Text: "warn: p95 <= 1s"}, Verdict: gates.Warn}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := markUnchecked(slices.Clone(tt.in))
			failed := !gates.Passed(out)
			if failed != tt.wantFail {
				t.Fatalf("passed = %v, want failed %v: %+v", !failed, tt.wantFail, out)
			}
			if tt.wantFail && (len(out) != len(tt.in)+1 || out[len(out)-1].Gate.Name != UncheckedGate.Name) {
				t.Errorf("results %+v: want the inputs and then a failing %q", out, UncheckedGate.Name)
			}
		})
	}
}
