package ci

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/codearts-runner/codearts-runner/pkg/report"
)

// dotenvLine is the only line shape GitLab's dotenv report accepts from us.
var dotenvLine = regexp.MustCompile(`^[A-Z][A-Z0-9_]*=[^\r\n]*$`)

func TestWriteDotenv(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 700) // 1400 bytes
	for _, tc := range []struct {
		name string
		edit func(*report.Result)
		want string
	}{
		{name: "run", edit: func(*report.Result) {},
			want: "CODEARTS_TASK_RUN_ID=9001\nCODEARTS_RESULT=failed\nCODEARTS_GATES_FAILED=1\nCODEARTS_JUNIT_PATH=out/codearts-junit.xml\nCODEARTS_RESULT_PATH=out/codearts-result.json\n"},
		{name: "no run, no files", edit: func(r *report.Result) { r.Run, r.Result, r.Counts, r.Settings = nil, "error", report.Counts{}, nil },
			want: "CODEARTS_TASK_RUN_ID=\nCODEARTS_RESULT=error\nCODEARTS_GATES_FAILED=0\nCODEARTS_JUNIT_PATH=\nCODEARTS_RESULT_PATH=\n"},
		{name: "line breaks and blanks", edit: func(r *report.Result) { r.Settings["junit-file"] = "  a\nEVIL=1\r\nb.xml  " },
			want: "CODEARTS_TASK_RUN_ID=9001\nCODEARTS_RESULT=failed\nCODEARTS_GATES_FAILED=1\nCODEARTS_JUNIT_PATH=a EVIL=1 b.xml\nCODEARTS_RESULT_PATH=out/codearts-result.json\n"},
		{name: "1 KB values", edit: func(r *report.Result) { r.Settings["result-file"] = long }},
		// Several tasks: their run ids in the order of the task list, an empty place for a task
		// that has no run (its start was refused).
		{name: "several tasks", edit: func(r *report.Result) {
			a, b, c := writerSample(), writerSample(), writerSample()
			a.Run.ID, b.Run = 11, nil
			c.Run.ID = 13
			*r = *report.Combine([]*report.Result{a, b, c}, report.Meta{Mode: "perftest", ExitCode: 1, Result: "failed"})
			r.Settings = map[string]string{"junit-file": "j.xml", "result-file": "r.json"}
		}, want: "CODEARTS_TASK_RUN_ID=11,,13\nCODEARTS_RESULT=failed\nCODEARTS_GATES_FAILED=3\nCODEARTS_JUNIT_PATH=j.xml\nCODEARTS_RESULT_PATH=r.json\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := writerSample()
			tc.edit(r)
			path := filepath.Join(t.TempDir(), "new", "codearts.env")
			if err := WriteDotenv(r, path); err != nil {
				t.Fatal(err)
			}
			got := readFile(t, path)
			if tc.want != "" && got != tc.want {
				t.Errorf("dotenv =\n%s\nwant\n%s", got, tc.want)
			}
			if len(got) > 5*1024 {
				t.Errorf("dotenv is %d bytes, GitLab takes at most 5 KB", len(got))
			}
			lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
			if len(lines) != 5 {
				t.Errorf("%d lines, want 5", len(lines))
			}
			for _, l := range lines {
				_, v, _ := strings.Cut(l, "=")
				if !dotenvLine.MatchString(l) || len(v) > 1024 || !utf8.ValidString(v) || v != strings.TrimSpace(v) {
					t.Errorf("bad line %q", l)
				}
			}
		})
	}
}

func TestDotenvValueCutsWholeCharacters(t *testing.T) {
	t.Parallel()
	v := dotenvValue(strings.Repeat("é", 700))
	if len(v) != 1024 || !utf8.ValidString(v) {
		t.Errorf("len %d, valid %v", len(v), utf8.ValidString(v))
	}
	v = dotenvValue("a" + strings.Repeat("é", 700)) // the cut falls inside a character
	if len(v) != 1023 || !utf8.ValidString(v) {
		t.Errorf("len %d, valid %v", len(v), utf8.ValidString(v))
	}
}

func TestWriteDotenvError(t *testing.T) {
	t.Parallel()
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteDotenv(writerSample(), filepath.Join(blocker, "x.env")); err == nil {
		t.Error("writing under a file succeeded")
	}
}
