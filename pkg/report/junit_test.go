package report

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/internal/testtool"
)

// junitSample is a result with one gate of every verdict, an unfinished case run and hostile
// text (an ANSI escape, a NUL, markup) in server-provided messages.
func junitSample() *Result {
	v := func(f float64) *float64 { return &f }
	return &Result{
		Schema: Schema, Tool: "codearts-runner", Version: "1.2.3", Mode: "perftest", Result: "failed", ExitCode: 1,
		Region: "cn-north-4", Settings: map[string]string{"task": "ci-gate"},
		Suite: &Ref{ID: 17543, Name: "demo-shop"}, Task: &Ref{ID: 52631, Name: "ci-gate <main>"},
		Run: &Run{ID: 79516, Status: 2, StatusText: "finished", StartedBy: "runner",
			StartedAt: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC), EndedAt: time.Date(2026, 11, 22, 10, 2, 10, 0, time.UTC), DurationSec: 130},
		Baseline: &Baseline{RunID: 79515, Note: "baseline: run 79515 (previous)"},
		Gates: []Gate{
			{Name: "p95 <= 800ms", Text: "p95 <= 800ms", Verdict: "passed", Value: v(659.5), Limit: v(800), Unit: "ms", Message: "p95 = 659.5 ms, limit <= 800 ms"},
			{Name: "error_rate < 1%", Text: "error_rate < 1%", Verdict: "failed", Value: v(2.5), Limit: v(1), Unit: "%", Message: "error_rate = 2.5%, limit < 1% \x1b[31mred\x1b[0m\x00"},
			{Name: "warn: avg_rt <= 100ms", Text: "warn: avg_rt <= 100ms", Verdict: "warned", Message: "avg_rt = 135 ms, limit <= 100 ms"},
			{Name: "p95 <= baseline + 10%", Text: "p95 <= baseline + 10%", Verdict: "skipped", Message: "skipped: no baseline run"},
			{Name: "p95 <= 800ms", Text: "p95 <= 800ms", Verdict: "passed", Message: "duplicate name"},
		},
		Counts: Counts{Gates: 5, Passed: 2, Failed: 1, Warned: 1, Skipped: 1},
		Cases: []Case{
			{Name: "checkout", CaseRunID: 93870, Status: 3, StatusText: "aborted"},
			{Name: "browse", CaseRunID: 93869, Status: 2, StatusText: "finished"},
		},
		Generated: time.Date(2026, 11, 22, 10, 2, 11, 0, time.UTC),
	}
}

func TestJUnitGolden(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "junit.xml")
	if err := junitSample().WriteJUnit(path); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "junit.golden.xml")
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with UPDATE_GOLDEN=1 to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("JUnit differs from %s (UPDATE_GOLDEN=1 to accept):\n%s", golden, got)
	}
	for _, bad := range []string{"\x1b", "\x00", "<main>"} {
		if strings.Contains(string(got), bad) {
			t.Errorf("JUnit carries %q unescaped", bad)
		}
	}
}

// TestJUnitValidatesAgainstSchema checks every JUnit shape we write with xmllint and the schema
// in testdata (without xmllint it fails in CI and skips locally with a note).
func TestJUnitValidatesAgainstSchema(t *testing.T) {
	t.Parallel()
	xmllint := testtool.Need(t, "xmllint", "Debian package libxml2-utils")
	cases := map[string]*Result{
		"gates":     junitSample(),
		"empty run": {Schema: Schema, Mode: "perftest", Result: "error", ExitCode: 5, Error: "show task 1: HTTP 503", Run: &Run{ID: 1, StatusText: "unknown"}},
		"testplan": {Schema: Schema, Mode: "testplan", Result: "failed", ExitCode: 1, Checks: []Check{
			{Name: "add case a", Group: "cases", Verdict: "passed", Message: "added"},
			{Name: "add case b", Group: "cases", Verdict: "failed", Message: "CLOUDTEST.00017000: 用例ID校验失败"}}},
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "junit.xml")
			if err := r.WriteJUnit(path); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "junit.xsd"), path).CombinedOutput()
			if err != nil {
				data, _ := os.ReadFile(path)
				t.Fatalf("xmllint: %v\n%s\n%s", err, out, data)
			}
		})
	}
}
