package gates

import (
	"strings"
	"testing"
)

func TestTaskScope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		scope    Scope
	}{
		{`task "checkout": p95 <= 800ms`, `task "checkout": p95 <= 800ms`, Scope{Task: "checkout"}},
		{`warn: task "a/b" case "C": p99<=1s`, `warn: task "a/b" case "C": p99 <= 1s`, Scope{Kind: ScopeCase, Case: "C", Task: "a/b"}},
		{`task "42" case "C" request "R": avg_rt < 300ms`, `task "42" case "C" request "R": avg_rt < 300ms`, Scope{Kind: ScopeRequest, Case: "C", Request: "R", Task: "42"}},
		{`task "t" request "R": p95 <= 1s`, `task "t" request "R": p95 <= 1s`, Scope{Kind: ScopeRequest, Request: "R", Task: "t"}},
		{`task "t": p95 <= trend median + 15%`, `task "t": p95 <= trend median + 15%`, Scope{Task: "t"}},
	}
	for _, tt := range tests {
		g := mustParse(t, tt.in)
		if g.String() != tt.want || g.Scope != tt.scope {
			t.Errorf("Parse(%q) = %q %+v, want %q %+v", tt.in, g.String(), g.Scope, tt.want, tt.scope)
		}
		if again := mustParse(t, g.String()); again.String() != tt.want {
			t.Errorf("%q does not parse back", g.String())
		}
	}
	for in, want := range map[string]string{
		`task checkout: p95 <= 1s`: `task names are double-quoted`,
		`task "": p95 <= 1s`:       `empty task name`,
		`task "t" p95 <= 1s`:       `expected ":" after task "t"`,
	} {
		if _, err := Parse(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want %q", in, err, want)
		}
	}
	f, err := Parser{}.ParseFile([]byte("gates:\n  - metric: p95\n    op: <=\n    value: 800ms\n    task: checkout\n    case: C\n"))
	if err != nil || len(f.Gates) != 1 || f.Gates[0].String() != `task "checkout" case "C": p95 <= 800ms` {
		t.Fatalf("ParseFile = %+v, %v", f, err)
	}
}
