package report

import (
	"fmt"

	"github.com/jstemmer/go-junit-report/v2/junit"

	"github.com/codearts-runner/codearts-runner/pkg/redact"
)

// PreflightCheck is the debug outcome of one request before a run.
type PreflightCheck struct {
	// Case and Request name the request.
	Case, Request string
	// URL is the request as the service shows it ("GET https://…").
	URL string
	// OK is true for a successful request.
	OK bool
	// Status is the response status ("200 OK"); Reason why it failed.
	Status, Reason string
	// ResponseTimeMS is the response time in milliseconds.
	ResponseTimeMS int64
}

// WritePreflightJUnit writes a JUnit file with one testcase per checked
// request; a failed request is a failure with its status, error reason, URL
// and response time. mask is applied to every server text.
func WritePreflightJUnit(path string, checks []PreflightCheck, mask func(string) string) error {
	if mask == nil {
		mask = func(s string) string { return s }
	}
	ts := junit.Testsuite{Name: "codearts.perftest.preflight", Time: seconds(0)}
	seen := map[string]int{}
	for _, c := range checks {
		tc := junit.Testcase{Name: unique(seen, redact.Text(mask(c.Case+" / "+c.Request))), Classname: "codearts.perftest.preflight", Time: seconds(float64(c.ResponseTimeMS) / 1000)}
		if !c.OK {
			msg := fmt.Sprintf("request %q of case %q failed its debug: status %q, reason %q, %q, response time %d ms",
				c.Request, c.Case, c.Status, c.Reason, c.URL, c.ResponseTimeMS)
			tc.Failure = &junit.Result{Message: redact.Text(mask(msg)), Type: "PreflightFailed", Data: redact.Text(mask(msg))}
		}
		ts.AddTestcase(tc)
	}
	var out junit.Testsuites
	out.AddSuite(ts)
	data, err := junitXML(out)
	if err != nil {
		return err
	}
	return writeFile(path, data)
}
