package ci

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/codearts-runner/codearts-runner/pkg/redact"
	"github.com/codearts-runner/codearts-runner/pkg/report"
)

// dotenvValueBytes is the longest value written to the dotenv file. GitLab refuses a dotenv
// report over 5 KB; five values of at most 1 KB stay under it.
const dotenvValueBytes = 1024

// dotenvVars lists the outputs of the run r as GitLab dotenv variables, in file order: the
// CODEARTS_ + upper snake case name of every GitHub output. The file paths are those of the
// settings junit-file and result-file.
func dotenvVars(r *report.Result) [][2]string {
	return [][2]string{
		{"CODEARTS_TASK_RUN_ID", runID(r)},
		{"CODEARTS_RESULT", r.Result},
		{"CODEARTS_GATES_FAILED", strconv.Itoa(r.Counts.Failed)},
		{"CODEARTS_JUNIT_PATH", r.Settings["junit-file"]},
		{"CODEARTS_RESULT_PATH", r.Settings["result-file"]},
	}
}

// DotenvNames lists the variables of the dotenv file: a later job sees them as settings-like
// CODEARTS_* variables that are not settings.
func DotenvNames() []string {
	var out []string
	for _, kv := range dotenvVars(&report.Result{}) {
		out = append(out, kv[0])
	}
	return out
}

// WriteDotenv writes the outputs of r as a GitLab `artifacts:reports:dotenv` file at path: one
// KEY=value line each, no blank line, no comment, no quotes (GitLab keeps quotes as part of
// the value). A value is put on one line, trimmed and bounded to 1 KB. The directory is
// created; the file is written like the result's own files (report.Result.WriteFile).
func WriteDotenv(r *report.Result, path string) error {
	var b strings.Builder
	for _, kv := range dotenvVars(r) {
		fmt.Fprintf(&b, "%s=%s\n", kv[0], dotenvValue(kv[1]))
	}
	return r.WriteFile(path, []byte(b.String()))
}

// dotenvValue puts v on one line and bounds it to dotenvValueBytes without splitting a
// character.
func dotenvValue(v string) string {
	v = redact.Flatten(v)
	if len(v) <= dotenvValueBytes {
		return v
	}
	cut := dotenvValueBytes
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return strings.TrimSpace(v[:cut])
}
