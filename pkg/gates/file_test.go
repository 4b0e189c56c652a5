package gates

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/file")

// renderFile writes a parsed file (or its error) for golden comparison.
func renderFile(f *File, err error) string {
	var b strings.Builder
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) {
			return fmt.Sprintf("error of type %T: %v\n", err, err)
		}
		b.WriteString(err.Error())
		b.WriteString("\n")
		return b.String()
	}
	fmt.Fprintf(&b, "baseline: %q run %d required %v\n", f.Baseline, f.BaselineRunID, f.BaselineRequired)
	for _, g := range f.Gates {
		fmt.Fprintf(&b, "- name:  %s\n  text:  %s\n  gate:  %s\n", g.Name, g.Text, g.String())
	}
	return b.String()
}

// TestParseFileGolden parses every testdata/file/*.yaml and compares the
// result with its .golden file (go test -update rewrites them).
func TestParseFileGolden(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "file", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, perr := Parser{}.ParseFile(data)
			if (f == nil) == (perr == nil) {
				t.Fatalf("ParseFile returned file %v and error %v: exactly one expected", f, perr)
			}
			got := renderFile(f, perr)
			golden := strings.TrimSuffix(path, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s:\n--- got\n%s--- want\n%s", path, got, want)
			}
			if f != nil {
				for _, g := range f.Gates {
					checkRoundTripNamed(t, g)
				}
			}
		})
	}
}

// checkRoundTripNamed is checkRoundTrip for gates whose Name a file set.
func checkRoundTripNamed(t *testing.T, g Gate) {
	t.Helper()
	g.Name = g.String()
	checkRoundTrip(t, g)
}

func TestParseFileFields(t *testing.T) {
	t.Parallel()
	f, err := Parser{}.ParseFile([]byte(`
baseline: previous-finished
baseline_required: yes
gates:
  - name: checkout latency
    metric: p99
    op: le
    value: 1.5s
    severity: warn
    abort_after: 90s
    case: Checkout
    request: POST /cart
`))
	if err == nil {
		t.Fatalf("a warn gate with abort_after parsed: %+v", f)
	}
	f, err = Parser{}.ParseFile([]byte(`
baseline: previous-finished
baseline_required: yes
gates:
  - name: checkout latency
    metric: p99
    op: le
    value: 1.5s
    abort_after: 90s
    case: Checkout
    request: POST /cart
`))
	if err != nil {
		t.Fatal(err)
	}
	if f.Baseline != "previous-finished" || !f.BaselineRequired || len(f.Gates) != 1 {
		t.Fatalf("file = %+v", f)
	}
	g := f.Gates[0]
	want := Gate{Text: `case "Checkout" request "POST /cart": p99 <= 1.5s, abort after 90s`, Name: "checkout latency",
		Scope: Scope{Kind: ScopeRequest, Case: "Checkout", Request: "POST /cart"}, Metric: "p99", Op: OpLE, Value: 1500, Unit: "s",
		Abort: true, AbortAfter: 90e9}
	if fmt.Sprintf("%#v", g) != fmt.Sprintf("%#v", want) {
		t.Errorf("gate =\n%#v\nwant\n%#v", g, want)
	}
}

func TestParseFileErrorType(t *testing.T) {
	t.Parallel()
	_, err := Parser{}.ParseFile([]byte("gates:\n  - p59 < 1s\n"))
	var pe *ParseError
	if !errors.As(err, &pe) || len(pe.Problems) != 1 {
		t.Fatalf("error = %v, want one *ParseError problem", err)
	}
	if p := pe.Problems[0]; p.Line != 2 || p.Col != 5 || p.Text != "p59" {
		t.Errorf("problem at %d:%d %q, want 2:5 p59", p.Line, p.Col, p.Text)
	}
	pe.Source = "perf/gates.yaml"
	if !strings.HasPrefix(pe.Error(), "perf/gates.yaml: 2:5: unknown metric") {
		t.Errorf("Error() = %q", pe.Error())
	}
}
