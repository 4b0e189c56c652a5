package gates

import (
	"errors"
	"strings"
	"testing"
)

// TestParseErrors pins every parse error message: position, offending text,
// what is valid and the suggestion. "{metrics}" stands for the metric list.
func TestParseErrors(t *testing.T) {
	t.Parallel()
	metricList := strings.Join(metricNames(), ", ")
	tests := []struct {
		in   string
		want string
	}{
		{"p59 <= 750ms",
			"gates: 1:1: unknown metric \"p59\" (did you mean \"p95\"?); metrics: {metrics}"},
		{"P95 <= 1s",
			"gates: 1:1: unknown metric \"P95\" (did you mean \"p95\"?); metrics: {metrics}"},
		{"latency < 1s",
			"gates: 1:1: unknown metric \"latency\" (did you mean \"avg_rt\" or \"p95\"?); metrics: {metrics}"},
		{"avg_rtt < 1s",
			"gates: 1:1: unknown metric \"avg_rtt\" (did you mean \"avg_rt\"?); metrics: {metrics}"},
		{"sucess_rate > 99",
			"gates: 1:1: unknown metric \"sucess_rate\" (did you mean \"success_rate\"?); metrics: {metrics}"},
		{"p95 = 1s",
			"gates: 1:5: unknown operator \"=\" (did you mean \"==\"?); valid: < <= > >= == !="},
		{"p95 => 1s",
			"gates: 1:5: unknown operator \"=>\" (did you mean \">=\"?); valid: < <= > >= == !="},
		{"p95 <> 1s",
			"gates: 1:5: unknown operator \"<>\" (did you mean \"!=\"?); valid: < <= > >= == !="},
		{"p95 =< 1s",
			"gates: 1:5: unknown operator \"=<\" (did you mean \"<=\"?); valid: < <= > >= == !="},
		{"p95 ! 1s",
			"gates: 1:5: unknown operator \"!\" (did you mean \"!=\"?); valid: < <= > >= == !="},
		{"p95 <<= 1s",
			"gates: 1:5: unknown operator \"<<=\" (did you mean \"<=\"?); valid: < <= > >= == !="},
		{"p95 1s",
			"gates: 1:5: expected an operator after p95, found \"1\"; valid: < <= > >= == != (e.g. p95 <= 750ms)"},
		{"p95 <=",
			"gates: 1:7: expected a value after \"<=\", found the end of the gate (e.g. 750ms or baseline + 10%)"},
		{"p95 <= -5",
			"gates: 1:8: a limit cannot be negative: metrics are never below 0"},
		{"p95 <= fast",
			"gates: 1:8: expected a number or baseline after \"<=\", found \"fast\" (e.g. 750ms or baseline + 10%)"},
		{"p95 <= basline",
			"gates: 1:8: expected a number or baseline after \"<=\", found \"basline\" (did you mean \"baseline\"?) (e.g. 750ms or baseline + 10%)"},
		{"p95 <= 1.2.3",
			"gates: 1:8: invalid number \"1.2.3\""},
		{"p95 <= 1" + strings.Repeat("0", 400),
			"gates: 1:8: number 1000000000000000000000000000000000000000… is too large"},
		{"p95 <= 750sec",
			"gates: 1:11: unknown unit \"sec\" for p95 (time) (did you mean \"s\"?); valid: ms, s, m, min, h"},
		{"p95 <= 750%",
			"gates: 1:11: unit \"%\" does not fit p95 (time); valid: ms, s, m, min, h"},
		{"p95 <= 1e3",
			"gates: 1:9: exponents are not supported: write 1e3 as a plain decimal number"},
		{"error_rate < 1ms",
			"gates: 1:15: unit \"ms\" does not fit error_rate (rate); valid: %"},
		{"success_rate >= 150%",
			"gates: 1:17: success_rate is a percentage (0–100%): 150% is out of range"},
		{"errors < 5%",
			"gates: 1:11: unit \"%\" does not fit errors (count); valid: none (a plain number); for a share of requests use error_rate"},
		{"errors < 5ms",
			"gates: 1:11: unit \"ms\" does not fit errors (count); valid: none (a plain number)"},
		{"tps >= 10/min",
			"gates: 1:10: unknown unit \"/min\" for tps (throughput); valid: /s"},
		{"p95 <= 1pp",
			"gates: 1:9: unit \"pp\" does not fit p95 (time); valid: ms, s, m, min, h"},
		{"success_rate >= 1pp",
			"gates: 1:18: unit \"pp\" (percentage points) is only valid in a baseline delta, e.g. success_rate >= baseline - 1pp; a rate limit is written in %"},
		{"max_recv_bytes < 1KiB",
			"gates: 1:19: unknown unit \"KiB\" for max_recv_bytes (bytes) (did you mean \"KB\"?); valid: B, KB, MB, GB"},
		{"duration > 1" + strings.Repeat("0", 306) + "h",
			"gates: 1:12: value 1000000000000000000000000000000000000000…h is too large"},
		{"p95 <= baseline * 1.1",
			"gates: 1:17: unexpected character \"*\": write a relative limit as baseline + 10%"},
		{"p95 <= baseline 10%",
			"gates: 1:17: expected \"+\" or \"-\" after baseline, found \"10\" (e.g. baseline + 10%)"},
		{"p95 <= baseline + fast",
			"gates: 1:19: expected an amount after \"baseline +\", found \"fast\" (e.g. baseline + 10% or baseline + 20ms)"},
		{"p95 <= baseline + 10/s",
			"gates: 1:21: unit \"/s\" does not fit p95 (time); valid: % (relative to the baseline) or ms, s, m, min, h"},
		{"success_rate >= baseline - 1%%",
			"gates: 1:30: unexpected \"%\" after the gate; expected \", abort\" or the end of the gate (separate gates with a new line or \";\")"},
		{"tps >= baseline - 150%",
			"gates: 1:19: baseline - 150% gives a negative limit; a relative decrease is at most 100%"},
		{"success_rate >= baseline - 1ms",
			"gates: 1:29: unit \"ms\" does not fit success_rate (rate); valid: % (relative to the baseline) or pp"},
		{"errors <= baseline + 1%x",
			"gates: 1:24: unexpected \"x\" after the gate; expected \", abort\" or the end of the gate (separate gates with a new line or \";\")"},
		{"p95 < 1s abort",
			"gates: 1:10: missing \",\" before abort: write p95 < …, abort"},
		{"p95 < 1s, abrot",
			"gates: 1:11: unknown option \"abrot\" (did you mean \"abort\"?); valid: abort, abort after 60s"},
		{"p95 < 1s, abort afer 60s",
			"gates: 1:17: unexpected \"afer\" after abort (did you mean \"after\"?); write abort after 60s"},
		{"p95 < 1s, abort after",
			"gates: 1:22: expected a duration after \"after\", found the end of the gate (e.g. abort after 60s)"},
		{"p95 < 1s, abort after 60",
			"gates: 1:25: abort after 60 needs a time unit (e.g. 60s); valid: ms, s, m, min, h"},
		{"p95 < 1s, abort after 60%",
			"gates: 1:25: unit \"%\" does not fit abort after (time); valid: ms, s, m, min, h"},
		{"p95 < 1s, abort after 60xyz",
			"gates: 1:25: unit \"xyz\" is unknown for abort after (time); valid: ms, s, m, min, h"},
		{"p95 < 1s, abort after 100000000000000000000h",
			"gates: 1:23: abort after 100000000000000000000h is too long"},
		{"p95 < 1s, abort, abort",
			"gates: 1:18: abort is given twice"},
		{"warn: p95 < 1s, abort",
			"gates: 1:17: a warn: gate cannot abort the run (a warning never stops it); drop warn: or abort"},
		{"p95 < baseline, abort",
			"gates: 1:17: a baseline gate cannot abort the run: the baseline is compared after the run ends; use an absolute limit, e.g. p95 <= 750ms, abort"},
		{"wran: p95 < 1s",
			"gates: 1:1: unknown prefix \"wran:\" (did you mean \"warn\"?); valid prefixes: warn:, fail:, task \"Name\":, case \"Name\":, request \"Name\":"},
		{"p95: < 1s",
			"gates: 1:4: unexpected \":\" after the metric p95: write the comparison directly, e.g. p95 <= 750ms"},
		{"case \"C\": warn: p95 < 1s",
			"gates: 1:11: \"warn:\" must come first, before the scope: warn: case \"Name\": p95 <= 750ms"},
		{"case C: p95 < 1s",
			"gates: 1:6: case names are double-quoted: case \"C\":"},
		{"case \"C\" p95 < 1s",
			"gates: 1:10: expected \":\" after case \"C\", found \"p95\" (e.g. case \"C\": p95 <= 750ms)"},
		{"case \"\": p95 < 1s",
			"gates: 1:6: empty case name"},
		{"request : p95 < 1s",
			"gates: 1:9: expected a double-quoted request name after request, found \":\" (e.g. request \"POST /cart\":)"},
		{"request \"R\" case \"C\": p95 < 1s",
			"gates: 1:13: write the case first: case \"C\" request \"R\":"},
		{"case \"C\": request \"R\": p95 < 1s",
			"gates: 1:11: a gate has one scope: case \"C\":, request \"R\": or case \"C\" request \"R\":"},
		{"case \"unterminated: p95 < 1s",
			"gates: 1:6: unterminated quoted name: add the closing \" on this line"},
		{"case \"bad \\q\": p95 < 1s",
			"gates: 1:6: invalid quoted name \"bad \\q\": use Go escapes (\\\" for a quote, \\\\ for a backslash)"},
		{"p(95) < 1s",
			"gates: 1:2: unexpected character \"(\": write p95, not p(95)"},
		{"p95 < 1s p99 < 2s",
			"gates: 1:10: unexpected \"p99\" after the gate; expected \", abort\" or the end of the gate (separate gates with a new line or \";\")"},
		{"< 1s",
			"gates: 1:1: expected a metric name, found \"<\"; metrics: {metrics}"},
		{"'p95' < 1s",
			"gates: 1:1: unexpected character \"'\": quote names with \"double quotes\""},
		{"p95 < 1s, ",
			"gates: 1:11: expected an option after \",\", found the end of the gate; valid: abort, abort after 60s"},
		{"p95 <= 1s\np59 <= 1s\n  errors < 5%; p95 = 1s # x",
			"gates: 3 problems:\n  2:1: unknown metric \"p59\" (did you mean \"p95\"?); metrics: {metrics}\n  3:13: unit \"%\" does not fit errors (count); valid: none (a plain number); for a share of requests use error_rate\n  3:20: unknown operator \"=\" (did you mean \"==\"?); valid: < <= > >= == !="},
		{"p59 <== 750sec",
			"gates: 3 problems:\n  1:1: unknown metric \"p59\" (did you mean \"p95\"?); metrics: {metrics}\n  1:5: unknown operator \"<==\" (did you mean \"<=\" or \"==\"?); valid: < <= > >= == !=\n  1:12: unknown unit \"sec\" (did you mean \"s\"?); units: ms, s, m, min, h, %, pp, /s, B, KB, MB, GB"},
	}
	for _, tt := range tests {
		t.Run(tt.in[:min(len(tt.in), 40)], func(t *testing.T) {
			t.Parallel()
			gs, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want an error", tt.in, gs)
			}
			if gs != nil {
				t.Errorf("Parse(%q) returned gates with its error", tt.in)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError", err)
			}
			want := strings.ReplaceAll(tt.want, "{metrics}", metricList)
			if got := err.Error(); got != want {
				t.Errorf("Parse(%q) error:\n got %q\nwant %q", tt.in, got, want)
			}
			for _, p := range pe.Problems {
				if p.Line < 1 || p.Col < 1 {
					t.Errorf("problem without a position: %+v", p)
				}
			}
		})
	}
}

func TestParseErrorProblems(t *testing.T) {
	t.Parallel()
	_, err := Parse("p95 <= 1s\n  p59 <== 750sec")
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is not a *ParseError", err)
	}
	want := []Problem{
		{Line: 2, Col: 3, Text: "p59"},
		{Line: 2, Col: 7, Text: "<=="},
		{Line: 2, Col: 14, Text: "sec"},
	}
	if len(pe.Problems) != len(want) {
		t.Fatalf("problems = %+v, want %d", pe.Problems, len(want))
	}
	for i, w := range want {
		p := pe.Problems[i]
		if p.Line != w.Line || p.Col != w.Col || p.Text != w.Text {
			t.Errorf("problem %d = %d:%d %q, want %d:%d %q", i, p.Line, p.Col, p.Text, w.Line, w.Col, w.Text)
		}
	}
	// Columns count characters, not bytes.
	_, err = Parse(`case "结账": p59 < 1s`)
	if !errors.As(err, &pe) || pe.Problems[0].Col != 12 {
		t.Errorf("column after a Chinese name = %+v, want 12", pe)
	}
}

func TestParseErrorFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		e    ParseError
		want string
	}{
		{ParseError{}, "gates: invalid"},
		{ParseError{Source: "gates.yaml", Problems: []Problem{{Line: 3, Col: 5, Msg: "bad"}}}, "gates.yaml: 3:5: bad"},
		{ParseError{Problems: []Problem{{Line: 3, Msg: "bad"}, {Msg: "worse"}}}, "gates: 2 problems:\n  3: bad\n  worse"},
		{ParseError{Problems: make([]Problem, 27)}, "gates: 27 problems:" + strings.Repeat("\n  ", 25) + "\n  … and 2 more"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	names := metricNames()
	tests := []struct {
		word string
		want []string
	}{
		{"p59", []string{"p95"}},
		{"P99", []string{"p99"}},
		{"p96", []string{"p90", "p95", "p99"}},
		{"avgrt", []string{"avg_rt"}},
		{"errros", []string{"errors"}},
		{"transaction_tsp", []string{"transaction_tps"}},
		{"dur", []string{"duration"}},
		{"x", nil},
		{"zzzzzz", nil},
		{"", nil},
		{strings.Repeat("p95", 30), nil},
	}
	for _, tt := range tests {
		got := Suggest(tt.word, names)
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("Suggest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestDistance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "abc", 0}, {"abc", "acb", 1}, {"p59", "p95", 1},
		{"kitten", "sitting", 3}, {"", "abc", 3}, {"结账", "结帐", 1},
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
