package report

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"github.com/jstemmer/go-junit-report/v2/junit"

	"github.com/codearts-runner/codearts-runner/pkg/redact"
)

// JUnit renders the result as JUnit XML: one testsuite per task run, one testcase per gate
// (named with the gate, the measured value and the limit in the failure), a testcase per case
// run that did not finish, and a testcase for the run itself when it ended without a verdict.
func (r *Result) JUnit() junit.Testsuites {
	if len(r.Tasks) > 0 {
		return r.multiJUnit()
	}
	name := "codearts." + r.Mode
	if r.Task != nil {
		name += " " + r.Task.Name
	}
	if r.Workflow != nil {
		name += " " + cmp.Or(r.Workflow.Name, r.Workflow.ID)
	}
	ts := junit.Testsuite{Name: redact.Text(name), Time: seconds(r.durationSec())}
	if !r.Generated.IsZero() {
		ts.SetTimestamp(r.Generated)
	}
	if r.Run != nil && !r.Run.StartedAt.IsZero() {
		ts.SetTimestamp(r.Run.StartedAt)
	}
	ts.AddProperty("tool", "codearts-runner "+r.Version)
	if r.Region != "" {
		ts.AddProperty("region", r.Region)
	}
	if r.Suite != nil {
		ts.AddProperty("test_suite", fmt.Sprintf("%s (%d)", redact.Text(r.Suite.Name), r.Suite.ID))
	}
	if r.Task != nil {
		ts.AddProperty("task", fmt.Sprintf("%s (%d)", redact.Text(r.Task.Name), r.Task.ID))
	}
	if r.Run != nil {
		ts.AddProperty("task_run_id", strconv.FormatInt(r.Run.ID, 10))
		ts.AddProperty("run_status", r.Run.StatusText)
	}
	if r.Baseline != nil {
		ts.AddProperty("baseline", redact.Text(r.Baseline.Note))
	}
	if w := r.Workflow; w != nil {
		ts.AddProperty("workflow", fmt.Sprintf("%s (%s)", redact.Text(w.Name), w.ID))
		ts.AddProperty("job_name", redact.Text(w.Job))
		ts.AddProperty("workflow_status", redact.Text(w.Status))
		if len(w.Unrecognised) > 0 {
			ts.AddProperty("unrecognised_statuses", redact.Text(strings.Join(w.Unrecognised, ", ")))
			ts.SystemOut = &junit.Output{Data: redact.Text("status strings no mapping knows (read as running; name them in workflow-success, workflow-failure or workflow-waiting): " +
				strings.Join(w.Unrecognised, ", ") + "\nlast such status answer:\n" + w.RawStatus)}
		}
	}
	ts.AddProperty("result", r.Result)
	class := "codearts." + r.Mode + ".gates"
	seen := map[string]int{}
	for _, g := range r.Gates {
		tc := junit.Testcase{Name: unique(seen, redact.Text(g.Name)), Classname: class, Time: "0"}
		switch g.Verdict {
		case "failed":
			tc.Failure = &junit.Result{Message: redact.Text(g.Message), Type: "GateFailed", Data: redact.Text(g.Text + "\n" + g.Message)}
		case "warned":
			tc.SystemOut = &junit.Output{Data: redact.Text("WARNING: " + g.Message)}
		case "skipped":
			tc.Skipped = &junit.Result{Message: redact.Text(g.Message)}
		default:
			tc.SystemOut = &junit.Output{Data: redact.Text(g.Message)}
		}
		ts.AddTestcase(tc)
	}
	for _, c := range r.Checks {
		tc := junit.Testcase{Name: unique(seen, redact.Text(c.Name)), Classname: "codearts." + r.Mode + "." + c.Group, Time: "0"}
		switch c.Verdict {
		case "failed":
			tc.Failure = &junit.Result{Message: redact.Text(c.Message), Type: "Failed", Data: redact.Text(c.Message)}
		case "skipped":
			tc.Skipped = &junit.Result{Message: redact.Text(c.Message)}
		default:
			tc.SystemOut = &junit.Output{Data: redact.Text(c.Message)}
		}
		if c.Output != "" {
			tc.SystemOut = &junit.Output{Data: redact.Text(c.Output)}
		}
		ts.AddTestcase(tc)
	}
	for _, p := range r.PlanRecords {
		if p.Recorded {
			continue
		}
		tc := junit.Testcase{Name: unique(seen, redact.Text("record "+p.Name+" in TestPlan case "+p.CaseID)), Classname: "codearts." + r.Mode + ".testplan", Time: "0"}
		tc.SystemOut = &junit.Output{Data: redact.Text("WARNING: the outcome could not be recorded in the plan (the gate verdict is unchanged): " + p.Error)}
		ts.AddTestcase(tc)
	}
	for _, c := range r.Cases {
		if c.StatusText == "" || c.StatusText == "finished" || c.StatusText == "stopped by user" || c.StatusText == "unknown" {
			continue
		}
		tc := junit.Testcase{Name: unique(seen, redact.Text(fmt.Sprintf("case run %d %s", c.CaseRunID, c.Name))), Classname: "codearts." + r.Mode + ".cases", Time: "0"}
		tc.Failure = &junit.Result{Message: redact.Text(fmt.Sprintf("case run %d (%s) ended %s", c.CaseRunID, c.Name, c.StatusText)), Type: "CaseRunNotFinished"}
		ts.AddTestcase(tc)
	}
	if r.Result != "passed" && r.Counts.Failed == 0 && r.Error != "" && failedChecks(r.Checks) == 0 {
		tc := junit.Testcase{Name: unique(seen, "run"), Classname: "codearts." + r.Mode + ".run", Time: seconds(r.durationSec())}
		tc.Error = &junit.Result{Message: redact.Text(r.Error), Type: strings.ToUpper(r.Result[:1]) + r.Result[1:]}
		ts.AddTestcase(tc)
	}
	var out junit.Testsuites
	out.AddSuite(ts)
	out.Time = ts.Time
	// Jenkins' schema has no skipped attribute on testsuites: the count stays on the testsuite.
	out.Skipped = 0
	return out
}

// WriteJUnit writes the JUnit XML file with its XML header.
func (r *Result) WriteJUnit(path string) error {
	data, err := junitXML(r.JUnit())
	if err != nil {
		return err
	}
	return r.WriteFile(path, data)
}

// junitXML encodes a JUnit file: the XML header, the suites and a final line break.
func junitXML(suites junit.Testsuites) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := suites.WriteXML(&buf); err != nil {
		return nil, fmt.Errorf("encode junit: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

func (r *Result) durationSec() float64 {
	if r.Run != nil {
		return r.Run.DurationSec
	}
	if r.Workflow != nil {
		return r.Workflow.DurationSec
	}
	return 0
}

func seconds(s float64) string { return strconv.FormatFloat(s, 'f', 3, 64) }

// unique keeps testcase names distinct (GitLab drops duplicates).
func unique(seen map[string]int, name string) string {
	seen[name]++
	if n := seen[name]; n > 1 {
		return fmt.Sprintf("%s (%d)", name, n)
	}
	return name
}

// failedChecks counts the failed checks.
func failedChecks(cs []Check) int {
	n := 0
	for _, c := range cs {
		if c.Verdict == "failed" {
			n++
		}
	}
	return n
}
