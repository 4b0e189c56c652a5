package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// RedirectError is a redirect that a client of ours refused to follow. None of the documented
// APIs (IAM, CPTS, TestPlan, attask) redirects, and a redirect followed would carry the
// request — re-signed by the auth transport, or with the IAM password body — to wherever the
// Location points, so no client follows any redirect: the answer ends the call, is not retried,
// and the CLI exits 5.
type RedirectError struct {
	Status int    // the redirect's HTTP status (301, 302, 303, 307, 308, …)
	From   string // scheme://host of the request that was redirected
	To     string // scheme://host of the Location (path, query and user info left out)
}

// Error names the status and both hosts.
func (e *RedirectError) Error() string {
	to := e.To
	if to == "" {
		to = "(no Location)"
	}
	return fmt.Sprintf("HTTP %d redirect from %s to %s refused: the runner follows no redirects, so that "+
		"credentials never leave the configured endpoint; check the endpoint setting", e.Status, e.From, to)
}

// RefuseRedirect is the CheckRedirect of every http.Client we build: it refuses any redirect
// with a *RedirectError before the redirected request is made (net/http then returns it wrapped
// in a *url.Error).
func RefuseRedirect(req *http.Request, via []*http.Request) error {
	e := &RedirectError{To: origin(req.URL)}
	if req.Response != nil {
		e.Status = req.Response.StatusCode
	}
	if len(via) > 0 {
		e.From = origin(via[len(via)-1].URL)
	}
	return e
}

// NoRedirects returns a shallow copy of c (nil = a zero http.Client) whose CheckRedirect is
// RefuseRedirect.
func NoRedirects(c *http.Client) *http.Client {
	out := &http.Client{}
	if c != nil {
		*out = *c
	}
	out.CheckRedirect = RefuseRedirect
	return out
}

// IsRedirect reports whether err is (or wraps) a refused redirect.
func IsRedirect(err error) bool {
	var re *RedirectError
	return errors.As(err, &re)
}

// RedirectOnly returns the *RedirectError in err when err is the *url.Error that net/http
// wraps it in — whose text repeats the Location's whole URL, query included — and err
// otherwise: only the Location's scheme and host are shown.
func RedirectOnly(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && IsRedirect(ue.Err) && err == error(ue) {
		return ue.Err
	}
	return err
}

// origin renders u as scheme://host, nothing else of it.
func origin(u *url.URL) string {
	if u == nil {
		return ""
	}
	if u.Host == "" {
		return u.Scheme + ":"
	}
	return u.Scheme + "://" + u.Host
}
