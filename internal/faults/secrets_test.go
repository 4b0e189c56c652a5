package faults

import (
	"encoding/base64"
	"net/url"
	"testing"

	"github.com/codearts-runner/codearts-runner/pkg/sim"
)

// TestFindSecret checks the sweep itself: a secret is found plain, URL-encoded and inside a
// longer base64 text at every alignment, and a clean text has no hit.
func TestFindSecret(t *testing.T) {
	t.Parallel()
	pw := sim.DemoPassword
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	hits := map[string]string{
		"plain":               "error: wrong password " + pw + " given",
		"query-escaped":       "POST body password=" + url.QueryEscape(pw) + "&x=1",
		"base64 alone":        "token " + b64(pw),
		"base64 at offset 1":  "Authorization: Basic " + b64("u:"+pw),
		"base64 at offset 2":  "Authorization: Basic " + b64("us:"+pw),
		"base64 at offset 3":  "Authorization: Basic " + b64("use:"+pw+"!"),
		"base64url, no pad":   base64.RawURLEncoding.EncodeToString([]byte("??" + pw + "??")),
		"secret among others": `{"sk":"` + sim.DemoSK + `"}`,
	}
	for name, text := range hits {
		found := false
		for _, s := range []string{pw, sim.DemoSK} {
			if _, ok := findSecret(text, s); ok {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no secret found in %q", name, text)
		}
	}
	clean := "runner perftest: list test suites: HTTP 401 APIGW.0301 Incorrect IAM authentication information: " +
		b64("Sim-Demo-Passw") + " " + url.QueryEscape("Passw0rd!")
	for _, s := range []string{pw, sim.DemoSK, securityToken} {
		if form, ok := findSecret(clean, s); ok {
			t.Errorf("false positive: %.4s… (%s) in %q", s, form, clean)
		}
	}
}
