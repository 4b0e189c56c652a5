package report

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// dotenvValueBytes is the longest value written to the dotenv file. GitLab refuses a dotenv
// report over 5 KB; five values of at most 1 KB stay under it.
const dotenvValueBytes = 1024

// dotenvVars lists the outputs of the run as GitLab dotenv variables, in file order: the
// CODEARTS_ + upper snake case name of every GitHub output. The file paths are those of the
// settings junit-file and result-file.
func (r *Result) dotenvVars() [][2]string {
	runID := ""
	if r.Run != nil && r.Run.ID != 0 {
		runID = strconv.FormatInt(r.Run.ID, 10)
	}
	if r.Workflow != nil {
		runID = r.Workflow.Job // the MAS execution's id
	}
	return [][2]string{
		{"CODEARTS_TASK_RUN_ID", runID},
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
	for _, kv := range (&Result{}).dotenvVars() {
		out = append(out, kv[0])
	}
	return out
}

// WriteDotenv writes the outputs as a GitLab `artifacts:reports:dotenv` file: one KEY=value
// line each, no blank line, no comment, no quotes (GitLab keeps quotes as part of the value).
// A value is put on one line, trimmed and bounded to 1 KB. The directory is created.
func (r *Result) WriteDotenv(path string) error {
	var b strings.Builder
	for _, kv := range r.dotenvVars() {
		fmt.Fprintf(&b, "%s=%s\n", kv[0], dotenvValue(kv[1]))
	}
	return writeFile(path, r.red.Bytes([]byte(b.String())))
}

// dotenvValue puts v on one line and bounds it to dotenvValueBytes without splitting a
// character.
func dotenvValue(v string) string {
	v = flatten(v)
	if len(v) <= dotenvValueBytes {
		return v
	}
	cut := dotenvValueBytes
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return strings.TrimSpace(v[:cut])
}
